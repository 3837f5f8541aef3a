"""Each public idea's own page: its whole text, what became of it, nothing private."""

import pytest
from django.utils.translation import gettext

from ideas.models import Contact, Idea
from strategy.models import Framework, MeasureIdea
from tests.factories import SCRIPT, IdeaFactory, MeasureFactory


@pytest.fixture
def idea(event, themes):
    idea = IdeaFactory(
        event=event,
        title=f"ศูนย์บริการครบวงจร {SCRIPT}",
        problem="ประชาชนต้องไปหลายหน่วยงาน",
        solution="รวมบริการไว้ที่เดียว",
        benefit="ประหยัดเวลาการเดินทาง",
        agencies="กรมการปกครอง",
        team_name="ทีมบริการดี",
        status=Idea.Status.ACCEPTED,
        status_reason="ขอบคุณ ทีมงานจะนำไปพิจารณาในกรอบยุทธศาสตร์",
        theme=themes[0],
    )
    Contact.objects.create(
        idea=idea,
        name="สมหญิง ลับมาก",
        email="secret-author@example.org",
        phone="089-999-9999",
        consent_at="2022-06-11T10:00Z",
        consent_text_version="1",
    )
    return idea


def idea_url(event, number) -> str:
    return f"{event.ideas_url}{number}/"


def page_of(client, event, number) -> str:
    response = client.get(idea_url(event, number))
    assert response.status_code == 200
    return response.content.decode()


def test_a_public_idea_reads_in_full(client, event, idea):
    body = page_of(client, event, idea.number)
    for text in (
        "ประชาชนต้องไปหลายหน่วยงาน",
        "รวมบริการไว้ที่เดียว",
        "ประหยัดเวลาการเดินทาง",
        "กรมการปกครอง",
        "ทีมบริการดี",
        "บริการภาครัฐ",  # its theme, in Thai
        idea.get_status_display(),
    ):
        assert text in body
    assert gettext("The organisers' answer") in body
    assert "ขอบคุณ ทีมงานจะนำไปพิจารณาในกรอบยุทธศาสตร์" in body
    assert f"<h1>#{idea.number} ศูนย์บริการครบวงจร &lt;script&gt;" in body


def test_free_text_is_escaped(client, event, idea):
    body = page_of(client, event, idea.number)
    assert SCRIPT not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_no_contact_data_or_staff_names(client, event, idea, facilitator):
    from ideas import services

    services.idea_set_status(
        idea=idea,
        status=Idea.Status.SHORTLISTED,
        actor=facilitator,
        reason="พร้อมนำไปปฏิบัติ",
    )
    body = page_of(client, event, idea.number)
    for private in ("สมหญิง", "secret-author@example.org", "089-999-9999"):
        assert private not in body
    assert facilitator.username not in body
    assert facilitator.first_name.split()[0] not in body


@pytest.mark.parametrize(
    "status", [Idea.Status.SUBMITTED, Idea.Status.REJECTED], ids=str
)
def test_unmoderated_and_rejected_ideas_are_not_found(client, event, status):
    hidden = IdeaFactory(event=event, title="ไอเดียที่ไม่เปิดเผย", status=status)
    response = client.get(idea_url(event, hidden.number))
    assert response.status_code == 404
    assert "ไอเดียที่ไม่เปิดเผย" not in response.content.decode()


def test_another_events_idea_is_not_found_under_this_event(client, event, other_event):
    elsewhere = IdeaFactory(
        event=other_event, title="ไอเดียของงานอื่น", status=Idea.Status.ACCEPTED
    )
    response = client.get(idea_url(event, elsewhere.number))
    assert response.status_code == 404
    assert "ไอเดียของงานอื่น" not in response.content.decode()
    # Under its own event it is there.
    assert "ไอเดียของงานอื่น" in page_of(client, other_event, elsewhere.number)


def test_ideas_of_an_unpublished_event_are_not_found(client, event, idea):
    event.unpublish()
    assert client.get(idea_url(event, idea.number)).status_code == 404


@pytest.mark.parametrize(
    "number", ["0", "9999", "99999999999999999999999", "abc", "-1", "๑", "1.5", "1x"]
)
def test_other_numbers_are_a_plain_404(client, event, idea, number):
    response = client.get(idea_url(event, number))
    assert response.status_code == 404
    assert idea.title not in response.content.decode()


def test_a_merged_duplicate_links_to_the_idea_that_carries_on(client, event, idea):
    duplicate = IdeaFactory(
        event=event,
        title="ศูนย์บริการจุดเดียว",
        status=Idea.Status.ACCEPTED,
        duplicate_of=idea,
    )
    body = page_of(client, event, duplicate.number)
    assert f'href="{idea_url(event, idea.number)}"' in body
    # And the one it was merged into names it back.
    body = page_of(client, event, idea.number)
    assert f'href="{idea_url(event, duplicate.number)}"' in body
    assert "ศูนย์บริการจุดเดียว" in body


def test_a_duplicate_of_a_rejected_idea_names_no_link(client, event):
    rejected = IdeaFactory(event=event, title="ถูกปฏิเสธ", status="rejected")
    duplicate = IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, duplicate_of=rejected
    )
    body = page_of(client, event, duplicate.number)
    assert idea_url(event, rejected.number) not in body
    assert "ถูกปฏิเสธ" not in body


def test_what_became_of_it_shows_measures_of_approved_frameworks_only(
    client, event, idea
):
    adopted = MeasureFactory(
        title="ศูนย์ราชการสะดวก",
        goal__issue__framework__status=Framework.Status.APPROVED,
    )
    draft = MeasureFactory(
        title="มาตรการที่ยังเป็นร่าง",
        goal__issue__framework__status=Framework.Status.DRAFT,
    )
    MeasureIdea.objects.create(measure=adopted, idea=idea)
    MeasureIdea.objects.create(measure=draft, idea=idea)
    body = page_of(client, event, idea.number)
    assert "ศูนย์ราชการสะดวก" in body
    assert "มาตรการที่ยังเป็นร่าง" not in body


def test_the_tracker_links_each_title_to_its_page(client, event, idea):
    body = client.get(event.ideas_url).content.decode()
    assert f'<a href="{idea_url(event, idea.number)}">' in body
    # The old links to a row of the tracker still open the tracker.
    response = client.get(event.ideas_url, {"idea": idea.number})
    assert response.status_code == 200
    assert f'id="idea-{idea.number}"' in response.content.decode()


def test_search_results_link_to_the_ideas_page(client, event, idea):
    body = client.get("/search/", {"q": "ศูนย์บริการ"}).content.decode()
    assert f'href="{idea_url(event, idea.number)}"' in body
