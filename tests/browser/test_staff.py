"""The facilitator's and the policy writer's journeys, in a real browser."""

import pytest
from docx import Document

from ideas.models import Idea
from strategy import services as strategy_services
from tests.browser.conftest import log_in
from tests.conftest import name_facilitator
from tests.factories import SCRIPT, FrameworkFactory, IdeaFactory, UserFactory
from workbench import roles

pytestmark = pytest.mark.django_db(transaction=True)


def test_facilitator_accepts_an_idea_and_the_participant_sees_it(
    live, desktop, event, themes, screenshot
):
    name_facilitator(
        event, UserFactory(username="facilitator", groups=[roles.FACILITATOR])
    )
    idea = IdeaFactory(event=event, title="ลดสำเนาเอกสารทุกหน่วยงาน")
    log_in(desktop, live, "facilitator")
    desktop.goto(live.url + "/admin/snippets/ideas/idea/?q=สำเนา")
    desktop.get_by_role("link", name="ลดสำเนาเอกสารทุกหน่วยงาน").first.click()
    desktop.get_by_label("ผ่านการพิจารณา", exact=True).check()
    desktop.get_by_label("ประเด็น").select_option(label="รัฐบาลดิจิทัล")
    screenshot(desktop, "facilitator-1-decision")
    desktop.locator("button.action-save").first.click()
    desktop.wait_for_load_state()
    idea.refresh_from_db()
    assert (idea.status, idea.theme.code) == (Idea.Status.ACCEPTED, "digital")
    tracker = desktop.context.new_page()
    tracker.goto(live.url + event.url + "ideas/")
    assert "ลดสำเนาเอกสารทุกหน่วยงาน" in tracker.content()
    screenshot(tracker, "facilitator-2-public-tracker")


def test_policy_writer_exports_the_framework_as_docx(
    live, desktop, event, themes, tmp_path, screenshot
):
    UserFactory(username="writer", groups=[roles.POLICY_WRITER])
    idea = IdeaFactory(event=event, status=Idea.Status.ACCEPTED, theme=themes[0])
    framework = FrameworkFactory(slug="reform-2566-2570")
    issue = strategy_services.issue_create(
        framework=framework, title="การบริการภาครัฐ", theme=themes[0]
    )
    goal = strategy_services.goal_create(issue=issue, title="บริการสะดวก")
    strategy_services.measure_create(goal=goal, title="ศูนย์บริการไร้รอยต่อ", ideas=[idea])
    log_in(desktop, live, "writer")
    desktop.goto(live.url + "/admin/snippets/strategy/framework/")
    screenshot(desktop, "writer-1-frameworks")
    with desktop.expect_download() as download_info:
        desktop.get_by_role("link", name="DOCX").first.click()
    path = tmp_path / "framework.docx"
    download_info.value.save_as(path)
    document = Document(path)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert framework.title in text  # as text, markup included: {SCRIPT}
    assert SCRIPT in text
    assert "ศูนย์บริการไร้รอยต่อ" in text
    assert f"[#{idea.number}]" in text


def test_tracker_and_search_pages_have_no_accessibility_violations(
    live, phone, event, themes, axe_violations
):
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED, title="ระบบข้อมูลกลางภาครัฐ")
    for path in (event.url + "ideas/", "/search/?q=ภาครัฐ", "/search/?q="):
        phone.goto(live.url + path)
        assert axe_violations(phone) == [], path
