import pytest

from ideas.models import Idea
from tests.factories import SCRIPT, IdeaFactory


@pytest.fixture
def public_ideas(event):
    return [
        IdeaFactory(
            event=event,
            title="ระบบข้อมูลกลางภาครัฐเชื่อมโยงทุกหน่วยงาน",
            problem="ประชาชนต้องยื่นเอกสารซ้ำ",
            status=Idea.Status.ACCEPTED,
        ),
        IdeaFactory(
            event=event,
            title="One-stop service portal",
            problem="People visit many offices",
            status=Idea.Status.SHORTLISTED,
        ),
        IdeaFactory(event=event, title="การจัดทำแผนงานประจำปี", problem="ทำซ้ำทุกปี"),
        IdeaFactory(
            event=event,
            title="ข้อมูลภาครัฐที่ถูกปฏิเสธ",
            status=Idea.Status.REJECTED,
            status_reason="สแปม",
        ),
    ]


def search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def test_thai_word_inside_a_run_of_thai_is_found(client, public_ideas):
    body = search(client, "ภาครัฐ")
    assert "ระบบข้อมูลกลางภาครัฐเชื่อมโยงทุกหน่วยงาน" in body


def test_only_public_ideas_are_searched(client, public_ideas):
    body = search(client, "ภาครัฐ")
    assert "ข้อมูลภาครัฐที่ถูกปฏิเสธ" not in body
    assert "การจัดทำแผนงานประจำปี" not in search(client, "แผนงาน")  # not yet accepted


def test_a_query_without_spaces_is_split_into_words(client, public_ideas):
    # "ข้อมูลภาครัฐ" is two words; the idea has them apart ("ข้อมูลกลางภาครัฐ").
    assert "ระบบข้อมูลกลางภาครัฐ" in search(client, "ข้อมูลภาครัฐ")


def test_mixed_thai_and_english_query(client, event, public_ideas):
    IdeaFactory(
        event=event, title="ระบบ Single Sign-On สำหรับบริการภาครัฐ", status="accepted"
    )
    assert "ระบบ Single Sign-On สำหรับบริการภาครัฐ" in search(client, "sign-on ภาครัฐ")
    body = search(client, "portal ภาครัฐ")
    assert "Single Sign-On" not in body and "One-stop service portal" not in body


def test_pages_are_found_by_a_thai_word_inside_their_title(client, event, public_ideas):
    body = search(client, "แฮกกาธอน")
    assert event.url in body


@pytest.mark.parametrize(
    "query",
    ["ก", "   ", "!!! ???", "\u200b\u200b", "ภาค\u200bรัฐ", "x" * 5000, SCRIPT, "%00"],
)
def test_odd_queries_answer_sensibly(client, public_ideas, query):
    body = search(client, query)
    assert SCRIPT not in body


def test_zero_width_and_decomposed_vowels_in_queries(client, event, public_ideas):
    assert "ระบบข้อมูลกลางภาครัฐ" in search(client, "ภาค\u200bรัฐ")
    IdeaFactory(event=event, title="การทำงานร่วมกัน", status=Idea.Status.ACCEPTED)
    assert "การทำงานร่วมกัน" in search(client, "ทำงาน")
    assert "การทำงานร่วมกัน" in search(client, "ท\u0e4d\u0e32งาน")  # ำ typed as ํ + า
    assert "ระบบข้อมูลกลางภาครัฐ" not in search(client, "ทำงาน")


def test_empty_query_asks_for_a_word(client, public_ideas):
    assert "พิมพ์คำที่ต้องการค้นหา" in search(client, "  ")


def test_decomposed_vowels_in_stored_text_are_found(client, event):
    from ideas import services

    idea = services.idea_submit(
        event=event, title="การท\u0e4d\u0e32บัตร", problem="ปัญหา", solution="ทางแก้"
    ).idea
    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.ACCEPTED)
    assert "การทำบัตร" in search(client, "ทำบัตร")


def test_ideas_of_an_unpublished_or_private_event_are_not_found(
    client, public_ideas, event, other_event
):
    from wagtail.models import PageViewRestriction

    title = "ระบบข้อมูลกลางภาครัฐเชื่อมโยงทุกหน่วยงาน"
    assert title in search(client, "ภาครัฐ")
    # Its page answers 404 once unpublished: search must not list it either.
    event.unpublish()
    assert title not in search(client, "ภาครัฐ")
    # An event page behind a password: its ideas are not public either.
    IdeaFactory(event=other_event, title="ห้องสมุดดิจิทัลของรัฐ", status=Idea.Status.ACCEPTED)
    assert "ห้องสมุดดิจิทัลของรัฐ" in search(client, "ห้องสมุด")
    PageViewRestriction.objects.create(
        page=other_event, restriction_type="password", password="secret"
    )
    assert "ห้องสมุดดิจิทัลของรัฐ" not in search(client, "ห้องสมุด")
