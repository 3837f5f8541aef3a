"""The event wall on a 1920 × 1080 projector refreshes itself without a reload."""

from pathlib import Path

import pytest
from django.utils.translation import gettext

from ideas.models import Idea
from ideas.services.moderation import idea_set_status
from tests.browser.conftest import open_page
from tests.factories import SCRIPT, IdeaFactory

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def projector(browser):
    """A 1920 × 1080 screen reading Thai, under the site's own CSP."""
    yield from open_page(browser, viewport={"width": 1920, "height": 1080})


def test_an_accepted_idea_reaches_the_wall_without_a_reload(
    live, projector, event, themes
):
    for number, title in enumerate(
        ["ลดสำเนาเอกสารราชการ", "จองคิวโรงพยาบาลออนไลน์", "แผนที่ข้อมูลเปิดของจังหวัด"],
        start=1,
    ):
        IdeaFactory(
            event=event,
            number=number,
            theme=themes[number % len(themes)],
            status=Idea.Status.ACCEPTED,
            title=title,
        )
    waiting = IdeaFactory(
        event=event,
        number=4,
        theme=themes[0],
        title=f"ศูนย์บริการภาครัฐครบวงจรในที่เดียว {SCRIPT}",
    )
    problems = []
    projector.on("console", lambda m: m.type == "error" and problems.append(m.text))
    projector.goto(live.url + event.url + "wall/")
    latest = projector.locator("#wall-latest")
    assert waiting.title not in latest.inner_text()
    assert projector.locator("#wall-received").inner_text() == "4"
    marker = projector.evaluate("window.wallMarker = 1")

    idea_set_status(idea=waiting, status=Idea.Status.ACCEPTED, actor=None)

    projector.locator("#wall-latest li").filter(has_text=waiting.title).wait_for(
        timeout=10_000
    )
    # The same page, not a reload: what the test left on it is still there.
    assert projector.evaluate("window.wallMarker") == marker
    assert projector.locator("#wall-accepted").inner_text() == "4"
    assert latest.locator("li").first.inner_text().startswith(f"#{waiting.number}")
    # The title arrives as text, never as markup.
    assert projector.locator("#wall-latest script").count() == 0
    assert gettext("Send your idea") in projector.content()
    # Everything fits the projector's screen.
    assert projector.evaluate("document.documentElement.scrollWidth") <= 1920
    assert problems == []
    DOCS_SCREENSHOT.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(DOCS_SCREENSHOT / "event-wall.png"))
