"""Playwright driving Debian's Chromium against a live test server.

Playwright cannot download a browser here; it is pointed at /usr/bin/chromium
(installed by .ci/run). Where either is missing, these tests skip with a reason.
"""

import os
import shutil
from pathlib import Path

import pytest
from wagtail.models import Locale, Page, Site

from tests.factories import PASSWORD, HomePageFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# The flags Chromium needs as root in a container with no network but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the database
    # calls of the test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live(live_server):
    return live_server


@pytest.fixture
def home(transactional_db, settings):
    """A home page on a Wagtail tree rebuilt if need be.

    Browser tests run in real transactions, and the flush after each can take
    the rows Wagtail's migrations made (locale, root page, site) with it.
    """
    locale, _created = Locale.objects.get_or_create(
        language_code=settings.LANGUAGE_CODE
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    Site.clear_site_root_paths_cache()
    return home


PHONE = {"width": 360, "height": 740}
# An open-data idea's text, as the hint tests type it and find it again.
PROBLEM = "ประชาชนหาข้อมูลเปิดของรัฐไม่เจอ open data is scattered"
SOLUTION = "รวมข้อมูลเปิดไว้ในแอปเดียว one open data app"


def open_page(browser, **options):
    """Yield a page of a new Thai-reading browser context, closed afterwards."""
    context = browser.new_context(locale="th-TH", **options)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """A 360 × 740 phone reading Thai."""
    yield from open_page(browser, viewport=PHONE, bypass_csp=True)


@pytest.fixture
def desktop(browser):
    """A 1280 × 900 laptop screen reading Thai."""
    yield from open_page(browser, viewport={"width": 1280, "height": 900})


def log_in(page, live, username):
    """Log in to the admin through its form as a factory-made user."""
    page.goto(live.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live.url + "/admin/")


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def axe_violations():
    source = AXE.read_text(encoding="utf-8")

    def run(page):
        # Evaluated through the DevTools protocol, so the page's CSP allows it.
        page.evaluate(source)
        result = page.evaluate(
            """async () => (await axe.run(document, {
                runOnly: {type: 'tag',
                          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })).violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)
            }))"""
        )
        return result

    return run
