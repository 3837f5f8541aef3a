"""Similar ideas while a participant types on a phone, with and without JavaScript."""

import re

import pytest
from django.utils.translation import gettext

from ideas.models import Idea
from ideas.services.suggestions import ideas_embed_event
from tests.browser.conftest import PHONE, PROBLEM, SOLUTION, open_page
from tests.factories import SCRIPT, IdeaFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_model"),
]

TITLE = "แอปข้อมูลเปิดภาครัฐ open data portal"


@pytest.fixture
def strict_phone(browser):
    """A 360 × 740 phone reading Thai, under the site's own CSP.

    Unlike the shared ``phone``, the policy is not bypassed: hints.js must
    run as the site serves it.
    """
    yield from open_page(browser, viewport=PHONE)


@pytest.fixture
def phone_without_js(browser):
    yield from open_page(browser, viewport=PHONE, java_script_enabled=False)


@pytest.fixture
def ideas(event, digital, people):
    accepted = IdeaFactory(
        event=event,
        title=f"พอร์ทัลข้อมูลเปิด open data portal {SCRIPT}",
        problem=PROBLEM,
        solution=SOLUTION,
        status=Idea.Status.ACCEPTED,
        theme=digital,
    )
    # As close to the draft as an idea can be, but nobody has accepted it.
    waiting = IdeaFactory(
        event=event,
        title="แอปข้อมูลเปิดที่รอตรวจ open data portal",
        problem=PROBLEM,
        solution=SOLUTION,
        status=Idea.Status.SUBMITTED,
    )
    IdeaFactory(
        event=event,
        title="ฝึกอบรมข้าราชการรุ่นใหม่",
        problem="ข้าราชการขาดทักษะ civil servants lack training",
        solution="หลักสูตรฝึกอบรม a training course",
        status=Idea.Status.ACCEPTED,
    )
    ideas_embed_event(event_id=event.pk)
    return {"accepted": accepted, "waiting": waiting}


def test_hints_appear_while_typing_on_a_phone_and_the_idea_still_submits(
    live, strict_phone, event, ideas, axe_violations, screenshot
):
    phone = strict_phone
    sent = []
    phone.on(
        "request",
        lambda request: request.url.endswith(event.hints_url) and sent.append(request),
    )
    phone.goto(live.url + event.url)
    region = phone.locator("#idea-hints")
    assert region.get_attribute("aria-live") == "polite"
    # With JavaScript the hints come by themselves: no button to press.
    assert (
        phone.get_by_role("button", name=gettext("Check for similar ideas")).count()
        == 0
    )

    phone.get_by_label("ชื่อไอเดียของคุณ").press_sequentially(TITLE, delay=20)
    phone.get_by_label("ปัญหา").fill(PROBLEM)
    link = region.get_by_role("link", name=re.compile(f"#{ideas['accepted'].number} "))
    link.wait_for()
    # Shown as text, never run; the waiting idea is not public and not shown.
    assert ideas["accepted"].title in link.inner_text()
    assert ideas["waiting"].title not in region.inner_text()
    assert "รัฐบาลดิจิทัลและข้อมูลเปิด" in region.inner_text()
    # Dozens of keystrokes, a handful of requests: the typing is debounced.
    assert 1 <= len(sent) <= 3
    assert all(request.method == "POST" for request in sent)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(phone) == [], "hints shown"
    screenshot(phone, "hints-1-while-typing")

    phone.get_by_label("แนวทางแก้ไขที่เสนอ").fill(SOLUTION)
    phone.get_by_label("บุคลากรภาครัฐ").check()
    phone.get_by_role("button", name="ส่งไอเดีย").click()
    phone.wait_for_url(re.compile(r"/track/[^/]+/\?submitted=1#main$"))
    assert Idea.objects.filter(title=TITLE, status=Idea.Status.SUBMITTED).exists()


def test_without_javascript_the_button_shows_hints_and_keeps_the_draft(
    live, phone_without_js, event, ideas, screenshot
):
    phone = phone_without_js
    phone.goto(live.url + event.url)
    phone.get_by_label("ชื่อไอเดียของคุณ").fill(TITLE)
    phone.get_by_label("ปัญหา").fill(PROBLEM)
    phone.get_by_label("แนวทางแก้ไขที่เสนอ").fill(SOLUTION)
    phone.get_by_label("บุคลากรภาครัฐ").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name=gettext("Check for similar ideas")).click()

    region = phone.locator("#idea-hints")
    assert f"#{ideas['accepted'].number} " in region.inner_text()
    assert ideas["accepted"].title in region.inner_text()
    assert ideas["waiting"].title not in region.inner_text()
    assert phone.get_by_label("ชื่อไอเดียของคุณ").input_value() == TITLE
    assert phone.get_by_label("ปัญหา").input_value() == PROBLEM
    assert phone.get_by_label("แนวทางแก้ไขที่เสนอ").input_value() == SOLUTION
    assert phone.get_by_label("บุคลากรภาครัฐ").is_checked()
    assert Idea.objects.filter(title=TITLE).count() == 0  # only checked, not sent
    screenshot(phone, "hints-2-without-javascript")

    phone.get_by_role("button", name="ส่งไอเดีย").click()
    phone.wait_for_url(re.compile(r"/track/[^/]+/\?submitted=1#main$"))
    assert Idea.objects.filter(title=TITLE).count() == 1
