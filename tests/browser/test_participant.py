"""The participant's journey and the public pages, in a real browser."""

import re

import pytest

from ideas.models import Idea
from tests.factories import SCRIPT

pytestmark = pytest.mark.django_db(transaction=True)


def test_participant_on_a_phone_corrects_an_error_and_opens_the_tracking_link(
    live, phone, event, themes, screenshot
):
    phone.goto(live.url + event.url)
    assert phone.locator("html").get_attribute("lang") == "th"
    # Nothing sticks out sideways on a 360 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("ปัญหา").fill("ต้องยื่นสำเนาบัตรประชาชนทุกหน่วยงาน")
    phone.get_by_label("แนวทางแก้ไขที่เสนอ").fill("ใช้ข้อมูลจากระบบกลางแทนสำเนา")
    phone.get_by_label("บริการภาครัฐ").check()
    phone.get_by_role("button", name="ส่งไอเดีย").click()

    # The title was left empty: the error is announced, linked and focused.
    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    assert "ต้องกรอกช่องนี้" in summary.inner_text()
    phone.wait_for_function("document.activeElement.id === 'error-summary'")
    assert phone.get_by_label("แนวทางแก้ไขที่เสนอ").input_value() == (
        "ใช้ข้อมูลจากระบบกลางแทนสำเนา"
    )
    screenshot(phone, "participant-1-error")

    summary.get_by_role("link").first.click()
    phone.wait_for_function("document.activeElement.name === 'title'")
    phone.get_by_label("ชื่อไอเดียของคุณ").fill(f"ลดสำเนาเอกสาร {SCRIPT}")
    phone.get_by_role("button", name="ส่งไอเดีย").click()

    phone.wait_for_url(re.compile(r"/track/[^/]+/\?submitted=1#main$"))
    assert "ได้รับไอเดียของคุณแล้ว" in phone.content()
    link = phone.locator("#tracking-url").input_value()
    screenshot(phone, "participant-2-confirmation")

    phone.goto(link)
    heading = phone.get_by_role("heading", level=1).inner_text()
    assert heading == f"#1 ลดสำเนาเอกสาร {SCRIPT}"  # shown as text, not run
    assert Idea.objects.get().title == f"ลดสำเนาเอกสาร {SCRIPT}"
    screenshot(phone, "participant-3-tracking")


def test_thai_text_renders_in_the_shipped_typeface(live, phone, event):
    phone.goto(live.url + event.url)
    phone.evaluate("document.fonts.ready")
    assert phone.evaluate("document.fonts.check('16px Sarabun', 'ส่งไอเดีย')")
    family = phone.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith('"Sarabun"') or family.startswith("Sarabun")


def test_public_pages_have_no_accessibility_violations(
    live, phone, event, themes, axe_violations, screenshot
):
    pages = {"home": "/", "event": event.url}
    for name, path in pages.items():
        phone.goto(live.url + path)
        assert axe_violations(phone) == [], name
        screenshot(phone, f"axe-{name}")

    phone.goto(live.url + event.url)
    phone.get_by_role("button", name="ส่งไอเดีย").click()
    phone.locator("#error-summary").wait_for()
    assert axe_violations(phone) == [], "submission with errors"

    phone.get_by_label("ชื่อไอเดียของคุณ").fill("ไอเดีย")
    phone.get_by_label("ปัญหา").fill("ปัญหา")
    phone.get_by_label("แนวทางแก้ไขที่เสนอ").fill("ทางแก้")
    phone.get_by_role("button", name="ส่งไอเดีย").click()
    phone.wait_for_url(re.compile(r"/track/"))
    assert axe_violations(phone) == [], "tracking"
