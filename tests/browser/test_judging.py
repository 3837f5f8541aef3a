"""A judge on a phone scores two ideas: one by keyboard, one by touch."""

# The round's fixtures are imported from its tests, which pytest then injects.
# ruff: noqa: F811

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from judging import services
from judging.models import Score
from tests.browser.conftest import PHONE, open_page
from tests.judging.conftest import ideas, judges, judging_round  # noqa: F401


@pytest.fixture
def touch_phone(browser):
    """A 360 × 740 touch screen reading Thai."""
    yield from open_page(browser, viewport=PHONE, has_touch=True, is_mobile=True)


def test_a_judge_scores_two_ideas_by_keyboard_and_touch(
    live, touch_phone, judging_round, judges, ideas, facilitator, screenshot
):
    page = touch_phone
    services.round_open(round=judging_round, actor=facilitator)
    by_link = judges[4]
    page.goto(live.url + reverse("judging:join", args=[by_link.token]))
    page.get_by_role("button", name=gettext("Start judging")).click()
    page.wait_for_url(f"**{reverse('judging:worklist', args=[judging_round.pk])}")
    page.locator(".judging-list__item a").first.click()
    # Keyboard: Tab into each criterion's radios, arrows to the score.
    first = page.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # impact: 3
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # feasibility: 1
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # cost: 2
    page.keyboard.press("Tab")
    page.keyboard.type("ชัดเจนดี")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "judging-1-sheet-phone")
    page.get_by_role("button", name=gettext("Submit scores")).press("Enter")
    # After submitting, the next idea's sheet opens: score it by touch.
    page.wait_for_url(
        "**" + reverse("judging:sheet", args=[judging_round.pk, ideas[1].pk])
    )
    for option in page.locator(".judging-criterion").all():
        option.locator(".judging-scale__option").nth(4).tap()
    page.get_by_role("button", name=gettext("Submit scores")).tap()
    page.wait_for_url(
        "**" + reverse("judging:sheet", args=[judging_round.pk, ideas[2].pk])
    )
    sheets = {
        (s.assignment.idea.number, s.criterion.position): s.value
        for s in Score.objects.filter(assignment__judge=by_link).select_related(
            "assignment__idea", "criterion"
        )
    }
    assert sheets == {(1, 0): 3, (1, 1): 1, (1, 2): 2, (2, 0): 5, (2, 1): 5, (2, 2): 5}
    page.goto(live.url + reverse("judging:worklist", args=[judging_round.pk]))
    screenshot(page, "judging-2-list-phone")
