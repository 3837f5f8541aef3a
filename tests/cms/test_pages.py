import pytest
from django.utils import timezone

from tests.factories import SCRIPT


def test_home_lists_the_events(client, event):
    response = client.get("/")
    assert response.status_code == 200
    assert event.url in response.content.decode()


def test_events_index_lists_events_with_buddhist_era_dates(client, event, event_index):
    body = client.get(event_index.url).content.decode()
    assert "11 มิ.ย. 2565" in body
    assert "เปิดรับไอเดีย" in body


def test_event_page_shows_facts_themes_and_the_form(client, event, themes):
    response = client.get(event.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "11 มิถุนายน 2565" in body
    assert "ออนไลน์" in body and "สำนักงาน ก.พ.ร." in body
    assert "บริการภาครัฐ" in body and "รัฐบาลดิจิทัล" in body
    assert 'name="title"' in body and 'name="consent"' in body
    assert "ไม่แน่ใจ" in body  # the "not sure" theme choice


def test_event_page_in_english_shows_common_era(client, event, themes):
    client.cookies["django_language"] = "en"
    body = client.get(event.url).content.decode()
    assert "11 June 2022" in body
    assert "Online" in body and "Services" in body
    assert "Submit an idea" in body


def test_event_page_escapes_markup_in_content(client, event, themes):
    body = client.get(event.url).content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("closing", ["untick", "past close time"])
def test_closed_event_shows_no_form(client, event, closing):
    if closing == "untick":
        event.submissions_open = False
    else:
        event.submissions_close_at = timezone.now() - timezone.timedelta(hours=1)
    event.save()
    body = client.get(event.url).content.decode()
    assert 'name="title"' not in body
    assert "ไม่เปิดรับไอเดียแล้ว" in body


def test_phone_layout_is_declared(client, event):
    body = client.get(event.url).content.decode()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body


def test_language_switch_remembers_the_choice(client, event):
    response = client.post("/i18n/setlang/", {"language": "en", "next": event.url})
    assert response.status_code == 302
    assert "Submit an idea" in client.get(event.url).content.decode()


def test_thai_is_the_default_even_for_english_browsers(client, event):
    body = client.get(event.url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "ส่งไอเดีย" in body
    assert '<html lang="th">' in body


def test_tracker_sorts_titles_in_thai_dictionary_order(client, event):
    from ideas.models import Idea
    from tests.factories import IdeaFactory

    for title in ("ไก่ชน", "ขวดน้ำ", "เกมการศึกษา", "กาแฟ"):
        IdeaFactory(event=event, title=title, status=Idea.Status.ACCEPTED)
    body = client.get(event.url + "ideas/", {"sort": "title"}).content.decode()
    positions = [body.index(title) for title in ("กาแฟ", "เกมการศึกษา", "ไก่ชน", "ขวดน้ำ")]
    assert positions == sorted(positions)


def test_tracker_pages_and_finds_the_page_of_one_idea(client, event):
    from ideas.models import Idea
    from tests.factories import IdeaFactory

    Idea.objects.bulk_create(
        IdeaFactory.build(
            event=event, number=n, title=f"ไอเดียเลขที่ {n:03d}", status="accepted"
        )
        for n in range(1, 131)
    )
    first = client.get(event.url + "ideas/").content.decode()
    assert "ไอเดียเลขที่ 100" in first and "ไอเดียเลขที่ 101" not in first
    assert "หน้า 1 จาก 2" in first
    linked = client.get(event.url + "ideas/", {"idea": "120"}).content.decode()
    assert 'id="idea-120"' in linked and "หน้า 2 จาก 2" in linked
    # Thai digits name the same idea; what int() refuses (it was a 500) or
    # no page holds opens a page of the list.
    thai = client.get(event.url + "ideas/", {"idea": "๑๒๐"}).content.decode()
    assert "หน้า 2 จาก 2" in thai
    for odd in ("²", "①", "9" * 40, "-3"):
        response = client.get(event.url + "ideas/", {"idea": odd, "page": odd})
        assert response.status_code == 200
        assert "จาก 2" in response.content.decode()
