"""Hints while typing: similar accepted ideas and a suggested theme, nothing private."""

import re

import pytest
from django.test import Client

from ideas.models import Contact, Idea
from ideas.services.suggestions import ideas_embed_event
from tests.factories import SCRIPT, IdeaFactory

pytestmark = pytest.mark.usefixtures("fast_model")

DRAFT = {
    "title": "แอปข้อมูลเปิดภาครัฐ open data portal",
    "problem": "ประชาชนหาข้อมูลเปิดของรัฐไม่เจอ open data is scattered",
    "solution": "รวมข้อมูลเปิดไว้ในแอปเดียว one open data app",
}


def _idea(event, title, status, theme=None, **extra):
    text = {"problem": DRAFT["problem"], "solution": DRAFT["solution"], **extra}
    return IdeaFactory(event=event, title=title, status=status, theme=theme, **text)


@pytest.fixture
def ideas(event, digital, people):
    accepted = _idea(
        event, f"แอปข้อมูลเปิด open data app {SCRIPT}", Idea.Status.ACCEPTED, digital
    )
    shortlisted = _idea(
        event, "พอร์ทัลข้อมูลเปิด open data portal", Idea.Status.SHORTLISTED, digital
    )
    _idea(event, "ข้อมูลเปิดที่ถูกปฏิเสธ open data", Idea.Status.REJECTED)
    _idea(event, "ข้อมูลเปิดที่รอตรวจ open data", Idea.Status.SUBMITTED)
    Contact.objects.create(
        idea=accepted,
        name="สมหญิง ลับมาก",
        email="secret-author@example.org",
        phone="089-999-9999",
        consent_at="2022-06-11T10:00Z",
        consent_text_version="1",
    )
    for number in range(5):
        _idea(
            event,
            f"ฝึกอบรมข้าราชการรุ่นใหม่ {number}",
            Idea.Status.ACCEPTED,
            people,
            problem="ข้าราชการขาดทักษะ civil servants lack training",
            solution="หลักสูตรฝึกอบรม a training course",
        )
    ideas_embed_event(event_id=event.pk)
    return {"accepted": accepted, "shortlisted": shortlisted}


def _csrf_client(event):
    client = Client(enforce_csrf_checks=True)
    client.get(event.url)
    return client, client.cookies["csrftoken"].value


def participant(event, **request):
    """A browser that has opened the event's form, as every typing one has."""
    client = Client(**request)
    client.get(event.url)
    return client


def ask(event, client=None, **changes):
    client = client or participant(event)
    return client.post(event.hints_url, {**DRAFT, **changes})


def test_similar_accepted_ideas_and_a_suggested_theme_are_shown(event, ideas):
    response = ask(event)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ไอเดียที่คล้ายกันซึ่งผ่านการพิจารณาแล้ว" in body or "Similar ideas" in body
    assert f"#{ideas['accepted'].number} " in body
    assert f"#{ideas['shortlisted'].number} " in body
    # Each hint opens the idea's own public page.
    assert f"{event.ideas_url}{ideas['shortlisted'].number}/" in body
    assert "รัฐบาลดิจิทัลและข้อมูลเปิด" in body  # the suggested theme, in Thai
    assert response["Cache-Control"].count("no-store") == 1


def test_rejected_and_waiting_ideas_and_contacts_never_appear(event, ideas):
    body = ask(event).content.decode()
    assert "ถูกปฏิเสธ" not in body and "รอตรวจ" not in body
    for private in ("สมหญิง", "secret-author@example.org", "089-999-9999"):
        assert private not in body


def test_titles_are_escaped(event, ideas):
    body = ask(event).content.decode()
    assert SCRIPT not in body
    assert "&lt;script&gt;" in body


def test_a_short_draft_gets_nothing(event, ideas):
    response = ask(event, title="open", problem="", solution="")
    assert response.status_code == 200
    assert not response.content.decode().strip()


def test_get_is_refused(client, event, ideas):
    response = client.get(event.hints_url, DRAFT)
    assert response.status_code == 405


def test_a_post_without_the_forms_token_is_refused(event, ideas):
    client, token = _csrf_client(event)
    assert ask(event, client).status_code == 403
    answer = ask(event, client, csrfmiddlewaretoken=token)
    assert answer.status_code == 200 and "#" in answer.content.decode()


def test_a_closed_event_gives_no_hints(event, ideas):
    event.submissions_open = False
    event.save()
    response = ask(event)
    assert response.status_code == 200
    assert not response.content.decode().strip()


def test_too_many_requests_are_refused_politely(settings, event, ideas):
    settings.IDEAS_HINTS_RATE = "3/m"
    client = participant(event)
    answers = [ask(event, client).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert "#" not in ask(event, client).content.decode()


def test_hints_do_not_wait_for_the_model_to_load(event, ideas, monkeypatch):
    # A web worker that had to load the model within the request timed out
    # (gunicorn answered 500) while participants waited.
    from ml import encoders

    monkeypatch.setattr(encoders, "_cache", {})
    monkeypatch.setattr(encoders, "_loading", {})
    first = ask(event)
    assert first.status_code == 200
    assert "#" not in first.content.decode()
    thread, _started = encoders._loading["lexical"]
    thread.join(60)
    assert f"#{ideas['accepted'].number} " in ask(event).content.decode()


def test_a_browser_without_an_issued_id_gets_no_hints(event, ideas):
    # A script that skips the form page, or invents the id's cookie, is
    # refused before the model runs.
    assert ask(event, Client()).status_code == 429
    forged = Client()
    forged.cookies["workbench_browser"] = "made-up:signature"
    answer = ask(event, forged)
    assert answer.status_code == 429 and "#" not in answer.content.decode()


def test_one_address_is_capped_however_many_browsers_it_opens(settings, event, ideas):
    settings.IDEAS_HINTS_RATE_IP = "4/m"
    answers = [
        ask(event, participant(event, REMOTE_ADDR="10.9.9.9")).status_code
        for _ in range(5)
    ]
    assert answers == [200, 200, 200, 200, 429]
    assert ask(event, participant(event, REMOTE_ADDR="10.9.9.10")).status_code == 200


def test_without_javascript_the_button_shows_hints_and_keeps_the_draft(
    client, event, ideas
):
    client.get(event.url)
    response = client.post(
        event.url,
        {
            **DRAFT,
            "benefit": "ประหยัดเวลา",
            "contact_email": "me@example.org",
            "theme": "people",
            "hints": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"#{ideas['accepted'].number} " in body  # the hints, in the page
    assert 'aria-live="polite"' in body
    assert DRAFT["title"] in body and "ประหยัดเวลา" in body  # the draft kept
    assert 'value="me@example.org"' in body
    assert re.search(r'<input[^>]*value="people"[^>]*checked', body)
    assert 'role="alert"' not in body  # a draft being checked has no errors
    assert Idea.objects.count() == 4 + 5  # nothing stored
    assert Contact.objects.count() == 1


def test_the_final_submit_still_stores_the_idea(client, event, ideas):
    client.get(event.url)
    response = client.post(event.url, {**DRAFT, "theme": "not-sure"})
    assert response.status_code == 302
    assert Idea.objects.filter(title=DRAFT["title"]).exists()


def test_the_honeypot_still_catches_a_bot_pressing_the_hints_button(
    client, event, ideas
):
    response = client.post(event.url, {**DRAFT, "hints": "1", "website": "spam"})
    assert response.status_code == 302
    assert Idea.objects.count() == 4 + 5


def test_the_page_loads_the_script_and_offers_the_button(client, event, ideas):
    body = client.get(event.url).content.decode()
    assert "js/hints.js" in body and " defer" in body
    assert 'name="hints"' in body
    assert f'data-hints-url="{event.hints_url}"' in body
    assert "onclick" not in body and "<script>" not in body
