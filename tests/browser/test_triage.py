"""A facilitator moderates a queue of 30 ideas with the keyboard alone."""

import pytest
from django.utils.translation import ngettext

from ideas.models import Idea
from tests.browser.conftest import log_in
from tests.conftest import name_facilitator
from tests.factories import IdeaFactory, UserFactory
from workbench import roles

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "นอกประเด็นของกิจกรรม"


def press(page, key):
    """Press ``key`` and wait for the page the decision leads to."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.keyboard.press(key)
    page.wait_for_selector("[data-triage-heading]")


def test_thirty_ideas_moderated_with_the_keyboard_only(
    live, desktop, event, themes, screenshot, axe_violations
):
    name_facilitator(
        event, UserFactory(username="facilitator", groups=[roles.FACILITATOR])
    )
    ideas = [IdeaFactory(event=event) for _ in range(30)]
    log_in(desktop, live, "facilitator")
    desktop.goto(f"{live.url}/admin/workbench/{event.pk}/")
    # The dashboard opens the queue; Enter on the focused link, no mouse.
    waiting = ngettext(
        "Moderate the queue (%(counter)s waiting)",
        "Moderate the queue (%(counter)s waiting)",
        30,
    ) % {"counter": 30}
    desktop.get_by_role("link", name=waiting).focus()
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")
    desktop.wait_for_selector("[data-triage-heading]")
    violations = axe_violations(desktop)
    assert violations == [], violations
    screenshot(desktop, "triage-1-first-idea")

    rejected, themed = set(), set()
    for position, idea in enumerate(ideas):
        shown = desktop.locator("[data-idea-number]").get_attribute("data-idea-number")
        assert shown == str(idea.number), "the oldest idea comes next"
        # The keys work at once: the idea's title has the focus, visibly.
        assert desktop.evaluate("document.activeElement.id") == "triage-title"
        if position % 7 == 3:
            desktop.keyboard.press("r")
            assert desktop.evaluate("document.activeElement.name") == "reason"
            desktop.keyboard.type(REASON)
            press(desktop, "Control+Enter")
            rejected.add(idea.pk)
            continue
        if position % 4 == 0:
            press(desktop, "2")
            themed.add(idea.pk)
            assert "รัฐบาลดิจิทัล" in desktop.locator(".messages").inner_text()
        press(desktop, "a")
        assert f"#{idea.number}" in desktop.locator(".messages").inner_text()
    screenshot(desktop, "triage-2-queue-done")

    assert desktop.locator("[data-idea-number]").count() == 0  # nothing left
    statuses = dict(Idea.objects.filter(event=event).values_list("pk", "status"))
    assert {pk for pk, status in statuses.items() if status == "rejected"} == (rejected)
    assert {pk for pk, status in statuses.items() if status == "accepted"} == {
        idea.pk for idea in ideas
    } - rejected
    assert len(rejected) == 4
    assert (
        set(
            Idea.objects.filter(event=event, theme=themes[1]).values_list(
                "pk", flat=True
            )
        )
        == themed
    )
    assert set(
        Idea.objects.filter(event=event, status="rejected").values_list(
            "status_reason", flat=True
        )
    ) == {REASON}
