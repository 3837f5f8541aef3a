"""The facilitator's workbench in a real browser: the journey and its accessibility.

Labels are looked up through gettext, so these tests read the admin in Thai
once the catalogue has the words, and in English until then.
"""

import pytest
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from ideas.models import Cluster, ClusteringRun, ClusterMembership, Idea
from ideas.selectors.triage import suggestion_summary
from ideas.services import clusters as cluster_services
from ideas.services.suggestions import ideas_embed_event
from tests.browser.conftest import log_in
from tests.factories import SCRIPT, TOPICS, IdeaFactory, UserFactory
from workbench import roles

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_model"),
]


@pytest.fixture
def runner(event):
    """A facilitator named on the event, as its edit form names them."""
    user = UserFactory(username="runner", groups=[roles.FACILITATOR])
    event.facilitators.through.objects.get_or_create(eventpage=event, user=user)
    return user


@pytest.fixture
def topic_ideas(event, themes):
    by_code = {theme.code: theme for theme in themes}
    ideas = []
    for topic, titles in TOPICS.items():
        for title in titles:
            ideas.append(
                IdeaFactory(
                    event=event,
                    title=title,
                    problem=title,
                    solution=title,
                    language=Idea.Language.ENGLISH,
                    status=Idea.Status.ACCEPTED,
                    theme=by_code.get(topic, by_code["services"]),
                )
            )
    return ideas


@pytest.fixture
def suggested(event, themes, topic_ideas):
    """An idea awaiting a theme, with the model's suggestion and its reasons."""
    near = topic_ideas[0]
    return IdeaFactory(
        event=event,
        title=f"Open government data app {SCRIPT}",
        problem="Government data is hard to find",
        solution="One open data app for government datasets",
        language=Idea.Language.ENGLISH,
        status=Idea.Status.ACCEPTED,
        suggested_theme=themes[1],
        suggestion_confidence=0.82,
        suggestion_model="lexical",
        suggestion_reasons={
            "nearest": [
                {
                    "idea": near.pk,
                    "number": near.number,
                    "title": near.title,
                    "theme": "digital",
                    "similarity": 0.71,
                }
            ],
            "keywords": ["data", "government"],
        },
    )


def follow(page, target) -> None:
    """Click a link or a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def messages_text(page) -> str:
    return page.locator(".messages").inner_text()


def card(page, label: str):
    return page.locator(".workbench-card").filter(
        has=page.get_by_role("link", name=label, exact=True)
    )


def test_facilitator_confirms_a_suggestion_renames_and_pins_and_a_rerun_keeps_them(
    live, desktop, event, runner, suggested, screenshot
):
    log_in(desktop, live, runner.username)
    # The Workbench entry of the admin menu, then the one event they run.
    desktop.locator(f'a[href="{reverse("workbench:index")}"]').first.click()
    desktop.wait_for_url(live.url + reverse("workbench:index"))
    desktop.get_by_role("link", name=event.display_title).click()
    desktop.wait_for_url(live.url + reverse("workbench:event", args=[event.pk]))

    # The suggestion, its confidence and its reasons, titles shown as text.
    row = desktop.locator("tr").filter(has_text=suggested.title)
    assert row.count() == 1
    # How sure the model is, in words, with the evidence a person can check.
    suggested.refresh_from_db()
    assert suggestion_summary(suggested).headline in row.inner_text()
    assert "82%" not in row.inner_text()
    assert "data, government" in row.inner_text()
    screenshot(desktop, "workbench-1-dashboard")
    follow(desktop, row.get_by_role("button", name=gettext("Accept"), exact=True))
    assert ngettext(
        "Theme decided for %(count)d idea.",
        "Themes decided for %(count)d ideas.",
        1,
    ) % {"count": 1} in messages_text(desktop)
    assert desktop.locator("tr").filter(has_text=suggested.title).count() == 0
    suggested.refresh_from_db()
    assert suggested.theme.code == "digital"
    assert suggested.theme_source == Idea.ThemeSource.MODEL

    # Clustering: the immediate backend finishes the run within the request.
    nav = desktop.locator(".workbench-nav")
    follow(desktop, nav.get_by_role("link", name=gettext("Clusters"), exact=True))
    follow(desktop, desktop.get_by_role("button", name=gettext("Run clustering")))
    assert gettext("Clustering started. This page shows its progress.") in (
        messages_text(desktop)
    )
    cards = desktop.locator(".workbench-card")
    assert cards.count() >= 2
    screenshot(desktop, "workbench-2-clusters")

    cluster = (
        Cluster.objects.filter(event=event, is_active=True)
        .filter(memberships__idea=suggested)
        .get()
    )
    card(desktop, cluster.label).get_by_role(
        "link", name=cluster.label, exact=True
    ).click()
    desktop.wait_for_url(
        live.url + reverse("workbench:cluster", args=[event.pk, cluster.pk])
    )

    desktop.locator("#id_rename-label").fill("บริการข้อมูลเปิดภาครัฐ")
    follow(desktop, desktop.locator("button[name=action][value=rename]"))
    assert (
        desktop.get_by_role("heading", level=1)
        .inner_text()
        .startswith("บริการข้อมูลเปิดภาครัฐ")
    )

    member = desktop.locator("tr").filter(has_text=suggested.title)
    assert gettext("pinned") not in member.inner_text()
    member.get_by_role("checkbox").check()
    follow(desktop, desktop.get_by_role("button", name=gettext("Pin here"), exact=True))
    member = desktop.locator("tr").filter(has_text=suggested.title)
    assert gettext("pinned") in member.inner_text()
    screenshot(desktop, "workbench-3-cluster-renamed-and-pinned")

    # A second run keeps the facilitator's name and pin.
    follow(desktop, desktop.get_by_role("link", name=gettext("All clusters")))
    follow(desktop, desktop.get_by_role("button", name=gettext("Run clustering")))
    renamed = card(desktop, "บริการข้อมูลเปิดภาครัฐ")
    assert renamed.count() == 1
    assert gettext("named by a facilitator") in renamed.inner_text()
    follow(desktop, renamed.get_by_role("link", name="บริการข้อมูลเปิดภาครัฐ", exact=True))
    member = desktop.locator("tr").filter(has_text=suggested.title)
    assert gettext("pinned") in member.inner_text()
    screenshot(desktop, "workbench-4-after-rerun")

    runs = list(ClusteringRun.objects.filter(event=event).order_by("pk"))
    assert [run.status for run in runs] == ["done", "done"]
    membership = ClusterMembership.objects.get(idea=suggested, scope="")
    assert membership.cluster_id == cluster.pk and membership.pinned


def test_the_progress_of_a_run_updates_and_the_page_shows_the_clusters_when_done(
    live, desktop, event, runner, topic_ideas
):
    # A run the worker has not finished yet: the page polls its status.
    run = cluster_services.clustering_run_request(
        event=event, actor=runner, enqueue=False
    )
    log_in(desktop, live, runner.username)
    desktop.goto(live.url + reverse("workbench:clusters", args=[event.pk]))
    assert desktop.locator("progress#run-progress").is_visible()
    assert desktop.locator(".workbench-card").count() == 0

    # The worker reports progress: the bar follows without a reload.
    ClusteringRun.objects.filter(pk=run.pk).update(progress=40, stage="embedding ideas")
    desktop.wait_for_function(
        "document.getElementById('run-progress').value === 40", timeout=10_000
    )
    assert desktop.locator("[data-run-stage]").inner_text() == "embedding ideas"

    cluster_services.clustering_run_execute(run=run)
    # workbench.js polls every two seconds and reloads once the run is done.
    desktop.locator(".workbench-card").first.wait_for(timeout=10_000)
    assert desktop.locator("progress#run-progress").count() == 0


# Accessibility ---------------------------------------------------------------


@pytest.fixture
def duplicate(event, topic_ideas):
    """A restatement of an idea already in, embedded so the queue pairs them."""
    original = topic_ideas[0]
    copy = IdeaFactory(
        event=event,
        title=original.title,
        problem=original.problem,
        solution=original.solution,
        language=Idea.Language.ENGLISH,
    )
    ideas_embed_event(event_id=event.pk)
    return copy


def test_workbench_pages_have_no_accessibility_violations(
    live, desktop, event, runner, suggested, duplicate, axe_violations, screenshot
):
    run = cluster_services.clustering_run_request(
        event=event, actor=runner, enqueue=False
    )
    cluster_services.clustering_run_execute(run=run)
    cluster = Cluster.objects.filter(event=event, is_active=True).first()
    log_in(desktop, live, runner.username)
    pages = {
        "dashboard": reverse("workbench:event", args=[event.pk]),
        "clusters": reverse("workbench:clusters", args=[event.pk]),
        "cluster": reverse("workbench:cluster", args=[event.pk, cluster.pk]),
        "map": reverse("workbench:map", args=[event.pk]),
        "duplicates": reverse("duplicates:queue", args=[event.pk]),
    }
    for name, path in pages.items():
        desktop.goto(live.url + path)
        assert axe_violations(desktop) == [], name
        screenshot(desktop, f"axe-workbench-{name}")
    # The pages had something to check: clusters, markers and a pair.
    desktop.goto(live.url + pages["clusters"])
    assert desktop.locator(".workbench-card").count() >= 2
    desktop.goto(live.url + pages["map"])
    assert desktop.locator("svg a").count() >= sum(map(len, TOPICS.values()))
    desktop.goto(live.url + pages["duplicates"])
    assert desktop.locator("section.duplicate-pair").count() >= 1
