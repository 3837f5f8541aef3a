"""A facilitator merges two duplicate ideas, with a confirmation, and undoes it."""

import pytest

from ideas import services
from ideas.models import Idea
from ml.encoders import get_encoder
from tests.browser.conftest import log_in
from tests.conftest import name_facilitator
from tests.factories import SCRIPT, UserFactory
from workbench import roles

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("lexical_model"),
]

TEXT = "ลดสำเนาเอกสารราชการ ให้หน่วยงานดึงข้อมูลจากระบบกลางแทนการขอสำเนา"


def test_merge_with_confirmation_then_undo_from_recent_decisions(
    live, desktop, event, screenshot
):
    name_facilitator(
        event, UserFactory(username="facilitator", groups=[roles.FACILITATOR])
    )
    left, right = (
        services.idea_submit(
            event=event,
            title=f"ลดสำเนาเอกสาร {SCRIPT}{suffix}",
            problem=TEXT,
            solution=f"ตรวจข้อมูลจากระบบกลาง {suffix}",
            benefit="ประชาชนไม่ต้องถ่ายเอกสาร",
        ).idea
        for suffix in ("", "!")
    )
    services.ideas_embed(ideas=[left, right], encoder=get_encoder("lexical"))
    log_in(desktop, live, "facilitator")
    queue = f"{live.url}/admin/duplicates/{event.pk}/"
    desktop.goto(queue)
    pair = desktop.locator("section.duplicate-pair")
    assert pair.count() == 1
    assert pair.locator("article").count() == 2
    # Side by side at 1280 px: the two ideas start on the same line.
    boxes = [pair.locator("article").nth(i).bounding_box() for i in (0, 1)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    screenshot(desktop, "duplicates-1-queue")

    # "#2 repeats #1: keep #1" leads to a confirmation, which changes nothing.
    pair.locator("form[method=get] button").first.click()
    desktop.wait_for_load_state()
    assert "ตรวจข้อมูลจากระบบกลาง" in desktop.content()
    assert not Idea.objects.filter(duplicate_of__isnull=False).exists()
    screenshot(desktop, "duplicates-2-confirm")
    desktop.locator(".duplicate-confirm form[method=post] button").click()
    desktop.wait_for_url(queue)
    right.refresh_from_db()
    assert right.duplicate_of_id == left.pk

    # The merge is listed at the top, with its undo.
    recent = desktop.locator("section.duplicates-recent")
    assert recent.locator("button").count() == 1
    screenshot(desktop, "duplicates-3-recent")
    recent.locator("button").click()
    desktop.wait_for_url(queue)
    right.refresh_from_db()
    assert right.duplicate_of_id is None
    assert desktop.locator("section.duplicate-pair").count() == 1
