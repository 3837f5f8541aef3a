"""axe-core on the admin screens an administrator reads most, in Thai.

The dashboard, the ideas listing, an idea's editor, an event's workbench and
a framework's editor, as the administrator of the demo (a superuser) sees
them in a Thai-reading browser: no serious or critical violation of WCAG 2.1
A/AA. Minor and moderate findings are printed, not failed on.
"""

import pytest
from django.urls import reverse

from ideas.models import Idea
from tests.browser.conftest import log_in
from tests.factories import FrameworkFactory, IdeaFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


@pytest.fixture
def administrator_user(db):
    return UserFactory(username="axe-admin", is_superuser=True, is_staff=True)


def test_admin_screens_have_no_serious_accessibility_violations(
    live, desktop, event, themes, administrator_user, axe_violations, screenshot
):
    idea = IdeaFactory(event=event, status=Idea.Status.SUBMITTED, theme=themes[0])
    framework = FrameworkFactory()
    log_in(desktop, live, administrator_user.username)
    pages = {
        "dashboard": reverse("wagtailadmin_home"),
        "ideas": reverse("wagtailsnippets_ideas_idea:list"),
        "idea": reverse("wagtailsnippets_ideas_idea:edit", args=[idea.pk]),
        "workbench": reverse("workbench:event", args=[event.pk]),
        "framework": reverse(
            "wagtailsnippets_strategy_framework:edit", args=[framework.pk]
        ),
    }
    failures = {}
    for name, path in pages.items():
        response = desktop.goto(live.url + path)
        assert response.status == 200, f"{name}: {response.status}"
        # The admin reads Thai: the page says so to assistive technology.
        assert desktop.get_attribute("html", "lang") == "th", name
        violations = axe_violations(desktop)
        screenshot(desktop, f"axe-admin-{name}")
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        if blocking:
            failures[name] = blocking
        others = [v["id"] for v in violations if v["impact"] not in BLOCKING]
        if others:
            print(f"{name}: minor or moderate: {others}")
    assert not failures, failures
