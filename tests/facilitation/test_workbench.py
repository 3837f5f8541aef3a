"""The facilitator's workbench in the admin: dashboard, clusters, map, shortlist."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from cms.models import EventPage
from ideas import access
from ideas.models import Cluster, ClusteringRun, ClusterMembership, Idea
from ideas.selectors.triage import suggestion_summary
from ideas.services import clusters as cluster_services
from tests.factories import SCRIPT, TOPICS, EventPageFactory, IdeaFactory, UserFactory
from workbench import roles

pytestmark = pytest.mark.usefixtures("fast_model")

ESCAPED_SCRIPT = html.escape(SCRIPT)


def name_facilitator(event, user):
    # Through the link table: a page's ParentalManyToManyField keeps a second
    # ``add`` in memory until the page is saved.
    EventPage.facilitators.through.objects.get_or_create(eventpage=event, user=user)
    assert access.can_facilitate(user, EventPage.objects.get(pk=event.pk))
    return user


@pytest.fixture
def runner(facilitator, event):
    return name_facilitator(event, facilitator)


@pytest.fixture
def staff(client, runner):
    client.force_login(runner)
    return client


@pytest.fixture
def outsider(other_event):
    """A facilitator, but of another event."""
    user = UserFactory(username="outsider", groups=[roles.FACILITATOR])
    return name_facilitator(other_event, user)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def topic_ideas(event, status=Idea.Status.ACCEPTED, **extra):
    ideas = []
    for titles in TOPICS.values():
        for title in titles:
            ideas.append(
                IdeaFactory(
                    event=event,
                    title=f"{title} {SCRIPT}",
                    problem=title,
                    solution=title,
                    language=Idea.Language.ENGLISH,
                    status=status,
                    **extra,
                )
            )
    return ideas


def run_clustering(client, event, django_capture_on_commit_callbacks, scope=""):
    # The run is handed to the (immediate) worker once the request commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("workbench:run", args=[event.pk]), {"scope": scope}
        )
    assert response.status_code == 302
    return ClusteringRun.objects.filter(event=event).first()


def text_of(response) -> str:
    return response.content.decode()


# 1. Menu and index -----------------------------------------------------------


def test_the_menu_leads_to_the_events_a_facilitator_runs(
    staff, event, other_event, policy_writer
):
    home = text_of(staff.get(reverse("wagtailadmin_home")))
    assert reverse("workbench:index") in home

    listing = text_of(staff.get(reverse("workbench:index")))
    assert reverse("workbench:event", args=[event.pk]) in listing
    assert reverse("workbench:event", args=[other_event.pk]) not in listing
    assert ESCAPED_SCRIPT in listing and SCRIPT not in listing

    # A policy writer follows every event, read-only.
    listing = text_of(login(policy_writer).get(reverse("workbench:index")))
    assert reverse("workbench:event", args=[event.pk]) in listing
    assert reverse("workbench:event", args=[other_event.pk]) in listing


def test_without_the_permission_there_is_no_workbench(event, db):
    approver = UserFactory(groups=[roles.APPROVER])
    client = login(approver)
    assert reverse("workbench:index") not in text_of(
        client.get(reverse("wagtailadmin_home"))
    )
    assert client.get(reverse("workbench:index")).status_code == 403
    assert client.get(reverse("workbench:event", args=[event.pk])).status_code == 403


def test_an_unknown_event_is_not_found(staff):
    assert staff.get(reverse("workbench:event", args=[999999])).status_code == 404
    assert staff.get(reverse("workbench:clusters", args=[999999])).status_code == 404
    # Past a database integer: a 500 on SQLite before (found by the fuzz test).
    huge = "9" * 40
    for name in ("workbench:event", "workbench:map", "duplicates:queue"):
        assert staff.get(reverse(name, args=[huge])).status_code == 404, name


# 2. Dashboard ----------------------------------------------------------------


@pytest.fixture
def awaiting(event, themes):
    """Ideas in every state a dashboard must count or list."""
    digital, services = themes[1], themes[0]
    sure = IdeaFactory(
        event=event,
        suggested_theme=digital,
        suggestion_confidence=0.87,
        suggestion_model="lexical-1",
        suggestion_reasons={
            "nearest": [
                {
                    "idea": None,
                    "number": 41,
                    "title": f"Data portal {SCRIPT}",
                    "theme": digital.code,
                    "similarity": 0.72,
                }
            ],
            "keywords": ["ข้อมูล", "ดิจิทัล"],
        },
    )
    unsure = IdeaFactory(
        event=event,
        suggestion_confidence=0.31,
        suggestion_model="lexical-1",
        language=Idea.Language.ENGLISH,
    )
    second = IdeaFactory(
        event=event, suggested_theme=services, suggestion_confidence=0.66
    )
    themed = IdeaFactory(event=event, theme=services, status=Idea.Status.ACCEPTED)
    rejected = IdeaFactory(
        event=event, status=Idea.Status.REJECTED, status_reason="spam"
    )
    merged = IdeaFactory(event=event, duplicate_of=themed)
    return {
        "sure": sure,
        "unsure": unsure,
        "second": second,
        "themed": themed,
        "rejected": rejected,
        "merged": merged,
    }


def test_the_dashboard_shows_counts_and_suggestions_with_reasons(
    staff, event, themes, awaiting
):
    response = staff.get(reverse("workbench:event", args=[event.pk]))
    body = text_of(response)
    assert response.status_code == 200
    six = ngettext("%(counter)s idea", "%(counter)s ideas", 6) % {"counter": 6}
    assert f">{six}</h2>" in body

    listed = set(map(int, re.findall(r'name="selected" value="(\d+)"', body)))
    # Only ideas with a suggestion can be ticked for accepting it.
    assert listed == {awaiting["sure"].pk, awaiting["second"].pk}
    rows = set(map(int, re.findall(r'name="theme_(\d+)"', body)))
    assert rows == {awaiting["sure"].pk, awaiting["unsure"].pk, awaiting["second"].pk}

    # The confidence in words, as on the triage screen; no bare percentage.
    assert suggestion_summary(awaiting["sure"]).headline in body
    assert "87%" not in body
    assert gettext("Can't decide") in body
    assert "#41" in body and "72%" in body  # why: the nearest idea
    assert "ข้อมูล, ดิจิทัล" in body  # why: the shared words
    assert SCRIPT not in body
    assert ESCAPED_SCRIPT in body
    # No personal data on the workbench, and links onwards.
    assert "@example.org" not in body
    assert f"?event={event.pk}" in body
    assert reverse("workbench:clusters", args=[event.pk]) in body
    assert reverse("workbench:map", args=[event.pk]) in body
    # The count of submitted ideas opens their queue, this event's only.
    queue = f"{reverse('wagtailsnippets_ideas_idea:list')}?event={event.pk}&amp;status"
    assert f'{queue}=submitted">' in body
    listing = staff.get(
        reverse("wagtailsnippets_ideas_idea:list"),
        {"event": event.pk, "status": "submitted"},
    )
    assert listing.status_code == 200
    assert html.escape(awaiting["sure"].title) in text_of(listing)


def test_suggestions_are_accepted_one_by_one_in_bulk_or_overridden(
    staff, event, themes, awaiting, runner
):
    url = reverse("workbench:themes", args=[event.pk])
    response = staff.post(url, {"accept": awaiting["sure"].pk})
    assert response.status_code == 302
    awaiting["sure"].refresh_from_db()
    assert awaiting["sure"].theme == themes[1]
    assert awaiting["sure"].theme_source == Idea.ThemeSource.MODEL
    assert awaiting["sure"].decisions.get().actor == runner

    staff.post(
        url,
        {
            "set_theme": awaiting["unsure"].pk,
            f"theme_{awaiting['unsure'].pk}": "digital",
        },
    )
    awaiting["unsure"].refresh_from_db()
    assert awaiting["unsure"].theme == themes[1]
    assert awaiting["unsure"].theme_source == Idea.ThemeSource.FACILITATOR

    # An idea of another event slipped into the form is ignored.
    stranger = IdeaFactory(
        event=EventPageFactory(parent=event.get_parent()),
        suggested_theme=None,
    )
    staff.post(
        url,
        {"action": "accept_selected", "selected": [awaiting["second"].pk, stranger.pk]},
    )
    awaiting["second"].refresh_from_db()
    assert awaiting["second"].theme == themes[0]
    body = text_of(staff.get(reverse("workbench:event", args=[event.pk])))
    assert 'name="selected"' not in body


def test_refresh_suggestions_runs_the_model_for_ideas_that_await_one(
    staff, event, themes
):
    idea = IdeaFactory(
        event=event, title="Services", problem="Services", solution="Services"
    )
    assert idea.suggestion_model == ""
    response = staff.post(reverse("workbench:refresh_suggestions", args=[event.pk]))
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.suggestion_model  # the immediate worker ran


def test_other_facilitators_and_policy_writers_cannot_decide_themes(
    event, themes, awaiting, outsider, policy_writer
):
    url = reverse("workbench:themes", args=[event.pk])
    for user in (outsider, policy_writer):
        client = login(user)
        assert client.post(url, {"accept": awaiting["sure"].pk}).status_code == 403
        assert (
            client.post(
                reverse("workbench:refresh_suggestions", args=[event.pk])
            ).status_code
            == 403
        )
    awaiting["sure"].refresh_from_db()
    assert awaiting["sure"].theme is None

    # The policy writer reads the dashboard, without the forms that change it.
    body = text_of(
        login(policy_writer).get(reverse("workbench:event", args=[event.pk]))
    )
    assert suggestion_summary(awaiting["sure"]).headline in body
    assert 'name="accept"' not in body
    assert reverse("workbench:refresh_suggestions", args=[event.pk]) not in body


def test_the_dashboard_costs_the_same_queries_for_many_ideas(
    staff, event, themes, django_assert_max_num_queries
):
    url = reverse("workbench:event", args=[event.pk])
    IdeaFactory.create_batch(3, event=event, suggested_theme=themes[0])
    staff.get(url)  # warm the caches (site root, permissions)
    with django_assert_max_num_queries(30) as few:
        staff.get(url)
    IdeaFactory.create_batch(40, event=event, suggested_theme=themes[1])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get(url)
    assert response.status_code == 200


# 3. Clusters -----------------------------------------------------------------


def test_clustering_two_ideas_says_why_not(
    staff, event, themes, django_capture_on_commit_callbacks
):
    IdeaFactory.create_batch(2, event=event, status=Idea.Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("workbench:run", args=[event.pk]), {"scope": ""}, follow=True
        )
    assert response.status_code == 200
    body = text_of(response)
    too_few = ngettext(
        "There is only %(count)s idea to cluster; at least %(min)s are needed.",
        "There are only %(count)s ideas to cluster; at least %(min)s are needed.",
        2,
    ) % {"count": 2, "min": cluster_services.MIN_IDEAS}
    assert html.escape(too_few) in body
    assert not ClusteringRun.objects.exists()


def test_clusters_sit_under_the_themes_with_the_unplaced_apart(
    staff, event, django_capture_on_commit_callbacks
):
    from tests.factories import ThemeFactory

    digital = ThemeFactory(
        event=event, code="digital", name_th="รัฐบาลดิจิทัล", name_en="Digital"
    )
    ThemeFactory(event=event, code="people", name_th="คนของรัฐ", name_en="People")
    ideas = topic_ideas(event)
    for idea in ideas[:3]:
        idea.theme = digital
        idea.save()
    run = run_clustering(staff, event, django_capture_on_commit_callbacks)
    assert run.status == ClusteringRun.Status.DONE, run.error
    placed = Cluster.objects.get(event=event, memberships__idea=ideas[0])
    assert placed.group == "digital"
    # Ideas no theme holds (the model found them off-topic) are listed apart.
    other = Cluster.objects.filter(event=event, is_active=True).exclude(pk=placed.pk)
    other.filter(pk=other.first().pk).update(group="")

    body = text_of(staff.get(reverse("workbench:clusters", args=[event.pk])))

    for name in ("รัฐบาลดิจิทัล", gettext("Not yet placed under a theme")):
        assert name in body
    digital_heading = body.index("รัฐบาลดิจิทัล")
    unplaced_heading = body.index(gettext("Not yet placed under a theme"))
    card = reverse("workbench:cluster", args=[event.pk, placed.pk])
    # The cluster of the ideas placed under "digital" is listed under it,
    # before the ideas no theme holds.
    assert digital_heading < body.index(card) < unplaced_heading
    # Ideas under a theme that no one set are marked as the model's doing.
    by_model = Cluster.objects.filter(
        event=event,
        is_active=True,
        group__in=["digital", "people"],
        memberships__idea__theme__isnull=True,
    )
    assert by_model.exists()
    assert gettext("placed by the model") in body


def test_a_run_shows_clusters_history_and_what_changed(
    staff, event, themes, runner, django_capture_on_commit_callbacks
):
    ideas = topic_ideas(event)
    run = run_clustering(staff, event, django_capture_on_commit_callbacks)
    assert run.status == ClusteringRun.Status.DONE, run.error

    response = staff.get(reverse("workbench:clusters", args=[event.pk]))
    body = text_of(response)
    clusters = Cluster.objects.filter(event=event, is_active=True)
    assert clusters.count() >= 2
    for cluster in clusters:
        assert reverse("workbench:cluster", args=[event.pk, cluster.pk]) in body
    # Top ideas link to the idea in the admin, titles escaped.
    assert reverse("wagtailsnippets_ideas_idea:edit", args=[ideas[0].pk]) in body
    assert SCRIPT not in body and ESCAPED_SCRIPT in body
    # History: who, when in the Buddhist era; the encoder and parameters only
    # folded away for the system administrator.
    assert run.encoder_id in body
    folded = re.search(r'<details class="run-details">.*?</details>', body, re.S)
    assert folded and run.encoder_id in folded.group(0)
    assert "n_clusters=auto" in folded.group(0)
    assert html.escape(runner.first_name) in body
    assert re.search(r"25[6-9]\d", body)
    assert "n_clusters=auto" in body

    # The progress of a run is there as JSON for the page's script.
    status = staff.get(reverse("workbench:run_status", args=[event.pk, run.pk]))
    assert status.json()["status"] == "done"
    assert status.json()["progress"] == 100
    assert status.json()["finished"] is True


def test_a_run_in_progress_shows_its_progress_and_a_refresh_link(staff, event):
    run = ClusteringRun.objects.create(
        event=event,
        status=ClusteringRun.Status.RUNNING,
        progress=40,
        stage="Embedding ideas",
        encoder_id="lexical",
    )
    from django.utils import timezone

    run.heartbeat_at = timezone.now()
    run.save()
    body = text_of(staff.get(reverse("workbench:clusters", args=[event.pk])))
    assert 'value="40"' in body
    assert "Embedding ideas" in body
    assert reverse("workbench:run_status", args=[event.pk, run.pk]) in body
    assert "js/workbench.js" in body
    # No second run while one is going.
    assert reverse("workbench:run", args=[event.pk]) not in body


def test_a_failed_run_says_why_and_the_previous_clusters_stay(
    staff, event, themes, django_capture_on_commit_callbacks
):
    topic_ideas(event)
    run_clustering(staff, event, django_capture_on_commit_callbacks)
    labels = list(
        Cluster.objects.filter(event=event, is_active=True).values_list(
            "label", flat=True
        )
    )
    ClusteringRun.objects.create(
        event=event,
        status=ClusteringRun.Status.FAILED,
        error=f"The worker stopped {SCRIPT}",
        encoder_id="lexical",
    )
    body = text_of(staff.get(reverse("workbench:clusters", args=[event.pk])))
    assert f"The worker stopped {ESCAPED_SCRIPT}" in body
    for label in labels:
        assert html.escape(label) in body
    assert reverse("workbench:run", args=[event.pk]) in body  # may start again


def test_others_cannot_run_or_edit_clusters(
    event, themes, outsider, policy_writer, staff, django_capture_on_commit_callbacks
):
    topic_ideas(event)
    run_clustering(staff, event, django_capture_on_commit_callbacks)
    cluster = Cluster.objects.filter(event=event, is_active=True).first()
    detail = reverse("workbench:cluster", args=[event.pk, cluster.pk])
    for user in (outsider, policy_writer):
        client = login(user)
        assert client.post(reverse("workbench:run", args=[event.pk])).status_code == 403
        response = client.post(
            detail,
            {"action": "rename", "rename-label": "Hijacked", "rename-version": 99},
        )
        assert response.status_code == 403
    cluster.refresh_from_db()
    assert cluster.label != "Hijacked"
    assert ClusteringRun.objects.filter(event=event).count() == 1

    # The policy writer reads the cluster, without the edit forms.
    body = text_of(login(policy_writer).get(detail))
    assert 'value="rename"' not in body
    assert 'name="members-ideas"' not in body


@pytest.fixture
def clustered(staff, event, themes, django_capture_on_commit_callbacks):
    topic_ideas(event)
    run_clustering(staff, event, django_capture_on_commit_callbacks)
    return list(Cluster.objects.filter(event=event, is_active=True).order_by("number"))


def test_rename_pin_move_split_and_merge_from_the_cluster_page(staff, event, clustered):
    first, second = clustered[0], clustered[1]
    url = reverse("workbench:cluster", args=[event.pk, first.pk])
    body = text_of(staff.get(url))
    members = [m.idea for m in ClusterMembership.objects.filter(cluster=first)]
    for idea in members:
        assert f'value="{idea.pk}"' in body

    response = staff.post(
        url,
        {
            "action": "rename",
            "rename-label": "บริการดิจิทัล",
            "rename-version": first.version,
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.label == "บริการดิจิทัล"
    assert first.label_source == Cluster.LabelSource.FACILITATOR
    assert "บริการดิจิทัล" in text_of(
        staff.get(reverse("workbench:clusters", args=[event.pk]))
    )

    staff.post(
        url,
        {
            "action": "pin",
            "members-ideas": [members[0].pk],
            "members-version": first.version,
        },
    )
    assert ClusterMembership.objects.get(idea=members[0], scope="").pinned

    second.refresh_from_db()
    staff.post(
        url,
        {
            "action": "move",
            "members-ideas": [members[1].pk],
            "members-target": second.pk,
            "members-version": first.version,
            f"members-target-version-{second.pk}": second.version,
        },
    )
    assert ClusterMembership.objects.get(idea=members[1], scope="").cluster == second

    first.refresh_from_db()
    remaining = [m.idea for m in ClusterMembership.objects.filter(cluster=first)]
    if len(remaining) >= 2:
        staff.post(
            url,
            {
                "action": "split",
                "members-ideas": [remaining[0].pk],
                "members-label": "แยกออกมา",
                "members-version": first.version,
            },
        )
        assert Cluster.objects.filter(event=event, label="แยกออกมา").exists()

    first.refresh_from_db()
    second.refresh_from_db()
    response = staff.post(
        url,
        {
            "action": "merge",
            "merge-others": [second.pk],
            "merge-version": first.version,
            f"merge-version-{second.pk}": second.version,
        },
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert not second.is_active and second.merged_into_id == first.pk


def test_an_edit_conflict_keeps_the_typed_name_and_shows_the_cluster_now(
    staff, event, clustered, runner
):
    cluster = clustered[0]
    seen = cluster.version
    # Another facilitator renames the cluster meanwhile.
    colleague = UserFactory(username="colleague", groups=[roles.FACILITATOR])
    name_facilitator(event, colleague)
    cluster_services.cluster_rename(
        cluster=cluster, label="ชื่อของเพื่อน", actor=colleague, version=seen
    )
    url = reverse("workbench:cluster", args=[event.pk, cluster.pk])
    response = staff.post(
        url, {"action": "rename", "rename-label": "ชื่อที่ฉันพิมพ์", "rename-version": seen}
    )
    body = text_of(response)
    assert response.status_code == 409
    assert 'value="ชื่อที่ฉันพิมพ์"' in body  # nothing typed is lost
    assert "ชื่อของเพื่อน" in body  # the cluster as it is now
    cluster.refresh_from_db()
    assert cluster.label == "ชื่อของเพื่อน"
    # Sent again, now knowingly, it is applied.
    fresh = re.search(r'name="rename-version" value="(\d+)"', body).group(1)
    assert int(fresh) == cluster.version
    staff.post(
        url, {"action": "rename", "rename-label": "ชื่อที่ฉันพิมพ์", "rename-version": fresh}
    )
    cluster.refresh_from_db()
    assert cluster.label == "ชื่อที่ฉันพิมพ์"


def test_a_bad_edit_is_refused_with_a_message(staff, event, clustered):
    cluster = clustered[0]
    url = reverse("workbench:cluster", args=[event.pk, cluster.pk])
    response = staff.post(
        url,
        {"action": "split", "members-label": "x", "members-version": cluster.version},
    )
    assert response.status_code == 400
    response = staff.post(
        url,
        {
            "action": "split",
            "members-ideas": [
                m.idea_id for m in ClusterMembership.objects.filter(cluster=cluster)
            ],
            "members-label": "ทั้งหมด",
            "members-version": cluster.version,
        },
    )
    assert response.status_code == 400
    refusal = gettext(
        "Choose some of the cluster's ideas to split off, but not all of them."
    )
    assert html.escape(refusal) in text_of(response)
    assert not Cluster.objects.filter(label="ทั้งหมด").exists()


# 4. Map ----------------------------------------------------------------------


def test_the_map_links_every_idea_with_its_title(staff, event, clustered):
    placed = Idea.objects.filter(cluster_memberships__scope="", event=event)
    response = staff.get(reverse("workbench:map", args=[event.pk]))
    body = text_of(response)
    start = body.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800')
    svg = body[start : body.index("</svg>", start)]
    for idea in placed:
        link = reverse("wagtailsnippets_ideas_idea:edit", args=[idea.pk])
        assert svg.count(f'href="{link}"') == 1
        assert f"<title>#{idea.number} {html.escape(idea.title)}" in svg
    assert svg.count("<a ") == placed.count()
    assert SCRIPT not in body
    # The accessible alternative lists the same ideas.
    table = body[body.index("<details") :]
    assert table.count("wagtailsnippets") == 0  # urls are resolved, not names
    for idea in placed:
        assert f"#{idea.number} {html.escape(idea.title)}" in table

    by_theme = text_of(
        staff.get(reverse("workbench:map", args=[event.pk]), {"colour": "theme"})
    )
    assert "<svg" in by_theme


def test_the_map_without_a_run_points_to_clustering(staff, event):
    body = text_of(staff.get(reverse("workbench:map", args=[event.pk])))
    assert "<svg xmlns" not in body
    assert reverse("workbench:clusters", args=[event.pk]) in body


def test_an_unknown_scope_is_not_found(staff, event, themes):
    url = reverse("workbench:map", args=[event.pk])
    assert staff.get(url, {"scope": "nope"}).status_code == 404
    assert staff.get(url, {"scope": themes[0].code}).status_code == 200


# 5. Shortlist ----------------------------------------------------------------


def test_shortlisting_and_taking_off(staff, event, themes, outsider):
    idea = IdeaFactory(event=event, status=Idea.Status.ACCEPTED, theme=themes[0])
    rejected = IdeaFactory(
        event=event, status=Idea.Status.REJECTED, status_reason="off topic"
    )
    change = reverse("workbench:shortlist_change", args=[event.pk])
    listing = reverse("workbench:shortlist", args=[event.pk])

    assert login(outsider).post(change, {"add": idea.pk}).status_code == 403
    staff.post(change, {"number": f"#{idea.number}"})
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SHORTLISTED
    body = text_of(staff.get(listing))
    assert html.escape(idea.title) in body

    response = staff.post(change, {"add": rejected.pk}, follow=True)
    rejected.refresh_from_db()
    assert rejected.status == Idea.Status.REJECTED
    assert f"#{rejected.number}" in text_of(response)

    staff.post(change, {"remove": idea.pk})
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ACCEPTED
    assert html.escape(idea.title) not in text_of(staff.get(listing))

    # A number int() refuses, or too long for the database, is no idea: said,
    # not a 500.
    for odd in ("²", "9" * 40):
        response = staff.post(change, {"number": odd}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])


def test_only_accepted_ideas_of_this_event_are_shortlisted_by_number(
    staff, event, other_event
):
    # Typing a number shortlisted an unmoderated idea, and taking it off left
    # it accepted: public, though nobody had moderated it.
    waiting = IdeaFactory(event=event, status=Idea.Status.SUBMITTED)
    elsewhere = IdeaFactory(event=other_event, status=Idea.Status.ACCEPTED, number=901)
    change = reverse("workbench:shortlist_change", args=[event.pk])
    response = staff.post(change, {"number": str(waiting.number)}, follow=True)
    assert "ยังไม่ได้พิจารณา" in text_of(response)
    waiting.refresh_from_db()
    assert waiting.status == Idea.Status.SUBMITTED
    assert not waiting.decisions.exists()
    response = staff.post(change, {"number": "#901"}, follow=True)
    assert "“#901”" in text_of(response) or "“901”" in text_of(response)
    elsewhere.refresh_from_db()
    assert elsewhere.status == Idea.Status.ACCEPTED
    response = staff.post(change, {"number": "abc"}, follow=True)
    assert "“abc”" in text_of(response)  # what was typed, not "None"


def test_taken_off_the_shortlist_an_idea_returns_to_where_it_was(event, facilitator):
    from ideas import services

    # Shortlisted from "submitted" before the rule: taken off, it is not made
    # public by the way.
    legacy = IdeaFactory(event=event, status=Idea.Status.SUBMITTED)
    services.idea_set_status(
        idea=legacy, status=Idea.Status.SHORTLISTED, actor=facilitator
    )
    services.idea_set_shortlisted(idea=legacy, actor=facilitator, shortlisted=False)
    legacy.refresh_from_db()
    assert legacy.status == Idea.Status.SUBMITTED


def test_a_cluster_page_adds_members_to_the_shortlist(staff, event, clustered):
    cluster = clustered[0]
    url = reverse("workbench:cluster", args=[event.pk, cluster.pk])
    member = ClusterMembership.objects.filter(cluster=cluster).first().idea
    body = text_of(staff.get(url))
    assert 'form="shortlist-form"' in body
    response = staff.post(
        reverse("workbench:shortlist_change", args=[event.pk]),
        {"add": member.pk, "next": url},
    )
    assert response["Location"] == url
    member.refresh_from_db()
    assert member.status == Idea.Status.SHORTLISTED
    # Somewhere else is not a place to be sent.
    response = staff.post(
        reverse("workbench:shortlist_change", args=[event.pk]),
        {"remove": member.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("workbench:shortlist", args=[event.pk])
