"""The participant's loop on a 360 × 740 phone: form, hints, idea page, way back."""

import re

import pytest
from django.core import mail
from django.utils.translation import gettext

from ideas import services
from ideas.models import Idea
from ideas.services.suggestions import ideas_embed_event
from tests.browser.conftest import PHONE, PROBLEM, SOLUTION, open_page
from tests.factories import SCRIPT, IdeaFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_model"),
]

TITLE = "แอปข้อมูลเปิดภาครัฐ open data portal app"


@pytest.fixture
def phone(browser):
    """A Thai-reading phone under the site's own CSP, allowed to use the clipboard."""
    yield from open_page(
        browser, viewport=PHONE, permissions=["clipboard-read", "clipboard-write"]
    )


@pytest.fixture
def public_idea(event, digital, people):
    idea = IdeaFactory(
        event=event,
        title=f"พอร์ทัลข้อมูลเปิด open data portal app {SCRIPT}",
        problem=PROBLEM,
        solution=SOLUTION,
        status=Idea.Status.ACCEPTED,
        theme=digital,
    )
    IdeaFactory(
        event=event,
        title="ฝึกอบรมข้าราชการรุ่นใหม่",
        problem="ข้าราชการขาดทักษะ civil servants lack training",
        solution="หลักสูตรฝึกอบรม a training course",
        status=Idea.Status.ACCEPTED,
        theme=people,
    )
    ideas_embed_event(event_id=event.pk)
    return idea


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, locator
    return found


def in_view(page, locator) -> bool:
    found = box(locator)
    return found["y"] >= 0 and found["y"] + found["height"] <= PHONE["height"]


def test_submit_with_hints_read_the_similar_idea_and_keep_the_link(
    live, phone, event, public_idea, axe_violations, screenshot, facilitator, settings
):
    # The worker's mails, sent as soon as a decision is committed.
    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    settings.TASKS = {"default": immediate, "background": immediate}
    phone.goto(live.url + event.url)
    # What to do and a way to the form, in the first screen.
    jump = phone.get_by_role("link", name=gettext("Write your idea"))
    assert in_view(phone, jump)
    assert box(jump)["height"] >= 44
    assert axe_violations(phone) == [], "event page"
    screenshot(phone, "loop-1-event-page")
    jump.click()
    title = phone.get_by_label("ชื่อไอเดียของคุณ")
    phone.wait_for_function("window.scrollY > 0")
    assert in_view(phone, title)

    # Touch targets: every choice's whole label, and the form's buttons.
    for target in phone.locator(".choice label, .field--checkbox label").all():
        size = box(target)
        assert size["height"] >= 44 and size["width"] >= 44, target
    assert box(phone.get_by_role("button", name="ส่งไอเดีย"))["height"] >= 44

    # Hints come right under the title while it is typed, before anything else.
    title.press_sequentially(TITLE, delay=20)
    hint = phone.locator("#idea-hints").get_by_role(
        "link", name=re.compile(f"#{public_idea.number} ")
    )
    hint.wait_for()
    assert public_idea.title in hint.inner_text()  # as text, never run
    assert box(hint)["y"] - (box(title)["y"] + box(title)["height"]) < 200
    title.focus()
    assert in_view(phone, title) and in_view(phone, hint)
    assert box(hint)["height"] >= 44
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(phone) == [], "event page with hints"
    screenshot(phone, "loop-2-hint-under-title")

    # The hint opens the idea's own page in a new tab: the draft stays.
    with phone.context.expect_page() as opened:
        hint.click()
    idea_page = opened.value
    idea_page.wait_for_load_state()
    assert idea_page.url == f"{live.url}{event.ideas_url}{public_idea.number}/"
    heading = idea_page.get_by_role("heading", level=1).inner_text()
    assert heading == f"#{public_idea.number} {public_idea.title}"
    assert PROBLEM in idea_page.inner_text("main")
    assert SOLUTION in idea_page.inner_text("main")
    assert idea_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(idea_page) == [], "idea page"
    screenshot(idea_page, "loop-3-idea-page")
    idea_page.close()
    assert title.input_value() == TITLE

    phone.get_by_label("ปัญหา").fill(PROBLEM)
    phone.get_by_label("แนวทางแก้ไขที่เสนอ").fill(SOLUTION)
    phone.get_by_label("รัฐบาลดิจิทัลและข้อมูลเปิด").check()
    phone.locator("#id_contact_email").fill("author@example.org")
    phone.locator("#id_consent").check()
    phone.locator("#id_notify_by_email").check()
    phone.get_by_role("button", name="ส่งไอเดีย").click()
    phone.wait_for_url(re.compile(r"/track/[^/]+/\?submitted=1#main$"))

    # The whole link, copied with one press; a QR code of it, drawn in the page.
    link = phone.locator("#tracking-url")
    url = link.input_value()
    assert url == phone.url.split("?")[0]
    # Not cut off, either way.
    assert link.evaluate(
        "el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight"
    )
    copy = phone.get_by_role("button", name=gettext("Copy link"))
    assert box(copy)["height"] >= 44
    copy.click()
    status = phone.locator("[data-copy-status]")
    status.wait_for(state="visible")
    assert status.inner_text() == gettext(
        "The link is copied. Paste it somewhere you will find it again."
    )
    assert phone.evaluate("navigator.clipboard.readText()") == url
    qr = phone.get_by_role("img", name=gettext("QR code of your tracking link"))
    assert qr.is_visible()
    assert box(qr)["width"] >= 150
    back = phone.locator(f'.track-links a[href="{event.url}"]')
    assert event.display_title in back.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(phone) == [], "tracking page"
    screenshot(phone, "loop-4-tracking-page")
    assert Idea.objects.filter(title=TITLE, status=Idea.Status.SUBMITTED).exists()

    # Later the facilitator decides twice, with an answer; the author reads
    # both on the page and gets one mail for each, nobody else any.
    idea = Idea.objects.get(title=TITLE)
    services.idea_set_status(
        idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator, reason="ขอบคุณครับ"
    )
    services.idea_set_shortlisted(idea=idea, actor=facilitator)
    phone.goto(url)
    main = phone.inner_text("main")
    assert "ขอบคุณครับ" in main
    assert str(Idea.Status.SHORTLISTED.label) in main
    assert [message.to for message in mail.outbox] == [["author@example.org"]] * 2
    assert "ขอบคุณครับ" in mail.outbox[0].body
    screenshot(phone, "loop-5-tracking-page-answered")
