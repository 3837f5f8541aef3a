"""Clustering runs and facilitators' edits: the edits are the authority."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ideas.models import (
    Cluster,
    ClusterEdit,
    ClusteringRun,
    ClusterMembership,
    Idea,
)
from ideas.selectors import clusters as selectors
from ideas.services import clusters as services
from ideas.services.clusters import EditConflict, _apply, _compute
from tests.conftest import name_facilitator
from tests.factories import SCRIPT, IdeaFactory, ThemeFactory, UserFactory
from workbench import roles

pytestmark = pytest.mark.usefixtures("fast_model")

DEV_IDEAS = Path(__file__).parents[2] / "ml" / "data" / "dev_ideas.csv"


def dev_texts(per_label: int = 6) -> list[tuple[str, str]]:
    """Real development ideas: a few per theme, in Thai and English."""
    chosen: dict[str, list[str]] = {}
    with DEV_IDEAS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts = chosen.setdefault(row["label"], [])
            if len(texts) < per_label:
                texts.append(row["text"])
    return [(label, text) for label, texts in chosen.items() for text in texts]


def add_ideas(event, texts, **extra) -> list[Idea]:
    return [
        IdeaFactory(
            event=event,
            title=f"{text[:60]} {SCRIPT}",
            problem=text,
            solution=text,
            **extra,
        )
        for _, text in texts
    ]


@pytest.fixture
def ideas(event):
    return add_ideas(event, dev_texts())


def run_now(event, scope: str = "", **kwargs) -> ClusteringRun:
    run = services.clustering_run_request(
        event=event, scope=scope, enqueue=False, **kwargs
    )
    return services.clustering_run_execute(run=run)


def clusters_of(event, scope: str = "") -> dict[int, Cluster]:
    return {
        c.number: c
        for c in Cluster.objects.filter(event=event, scope=scope, is_active=True)
    }


def placement(event, scope: str = "") -> dict[int, int]:
    return dict(
        ClusterMembership.objects.filter(cluster__event=event, scope=scope).values_list(
            "idea_id", "cluster__number"
        )
    )


def test_a_first_run_names_and_sizes_its_clusters(event, ideas, facilitator):
    run = run_now(event, actor=facilitator)

    assert run.status == ClusteringRun.Status.DONE, run.error
    assert run.progress == 100
    assert run.n_ideas == len(ideas)
    assert run.n_clusters == len(clusters_of(event)) >= 2
    assert run.unclustered == 0
    assert run.changed_assignments == 0  # nothing was clustered before
    assert run.encoder_id.startswith("lexical")
    assert run.started_by == facilitator
    clusters = clusters_of(event)
    assert sorted(clusters) == list(range(1, len(clusters) + 1))
    assert sum(c.size for c in clusters.values()) == len(ideas)
    for cluster in clusters.values():
        assert cluster.label and cluster.keywords
        assert cluster.label_source == Cluster.LabelSource.MODEL
    memberships = ClusterMembership.objects.filter(cluster__event=event)
    assert memberships.count() == len(ideas)
    assert all(-1 <= m.x <= 1 and -1 <= m.y <= 1 for m in memberships)
    assert all(m.similarity is not None for m in memberships)
    assert run.assignments == {str(k): v for k, v in placement(event).items()}
    assert len(run.changes["new_clusters"]) == len(clusters)


def test_a_rerun_on_unchanged_data_changes_nothing(event, ideas):
    first = run_now(event)
    names = {n: c.label for n, c in clusters_of(event).items()}
    placed = placement(event)

    second = run_now(event)

    assert second.status == ClusteringRun.Status.DONE
    assert second.changed_assignments == 0
    assert second.changes["moved"] == []
    assert second.changes["new_clusters"] == []
    assert second.n_clusters == first.n_clusters
    assert {n: c.label for n, c in clusters_of(event).items()} == names
    assert placement(event) == placed
    # Open edit forms stay valid: the run changed nothing they show.
    assert all(c.version == 1 for c in clusters_of(event).values())


def test_rename_pin_merge_split_and_move_survive_a_rerun(event, ideas, facilitator):
    run_now(event)
    clusters = sorted(clusters_of(event).values(), key=lambda c: -c.size)
    big, second, third = clusters[0], clusters[1], clusters[2]

    big = services.cluster_rename(
        cluster=big, label="  บริการ  ครบในที่เดียว ", actor=facilitator, version=1
    )
    members = [m.idea for m in selectors.cluster_members(cluster=big)]
    services.cluster_pin(cluster=big, ideas=members[:1], actor=facilitator)
    split = services.cluster_split(
        cluster=big,
        ideas=members[1:3],
        label="Split off",
        actor=facilitator,
        version=big.version,
    )
    services.cluster_merge(
        target=second,
        others=[third],
        actor=facilitator,
        versions={second.pk: second.version, third.pk: third.version},
    )
    stray = [m.idea for m in selectors.cluster_members(cluster=second)][-1]
    services.cluster_move_ideas(ideas=[stray], target=split, actor=facilitator)
    before = placement(event)

    rerun = run_now(event)

    assert rerun.status == ClusteringRun.Status.DONE, rerun.error
    big.refresh_from_db()
    third.refresh_from_db()
    split.refresh_from_db()
    assert big.label == "บริการ ครบในที่เดียว"
    assert big.label_source == Cluster.LabelSource.FACILITATOR
    assert split.label == "Split off" and split.is_active
    assert not third.is_active and third.merged_into_id == second.pk
    after = placement(event)
    assert after[members[0].pk] == big.number
    assert after[members[1].pk] == after[members[2].pk] == split.number
    assert after[stray.pk] == split.number
    assert third.number not in set(after.values())
    # Pinned placements were not moved and so were not counted as changes.
    moved = {entry["idea"] for entry in rerun.changes["moved"]}
    assert not moved & {members[0].pk, members[1].pk, members[2].pk, stray.pk}
    assert rerun.changed_assignments == sum(
        1 for idea, number in after.items() if before[idea] != number
    )


def test_an_edit_made_while_a_run_computes_is_kept(
    event, ideas, facilitator, monkeypatch
):
    run_now(event)
    cluster = max(clusters_of(event).values(), key=lambda c: c.size)
    idea = [m.idea for m in selectors.cluster_members(cluster=cluster)][-1]
    other = next(c for c in clusters_of(event).values() if c.pk != cluster.pk)
    compute = _compute.compute

    def edit_during_the_run(**kwargs):
        result = compute(**kwargs)
        # The facilitator works while the worker computes.
        services.cluster_rename(
            cluster=other, label="ชื่อของคน", actor=facilitator, version=other.version
        )
        services.cluster_move_ideas(ideas=[idea], target=other, actor=facilitator)
        return result

    monkeypatch.setattr(_compute, "compute", edit_during_the_run)
    run = run_now(event)

    assert run.status == ClusteringRun.Status.DONE, run.error
    assert run.changes["edits_kept"] == 2
    assert run.changes["ideas_kept"] == 1
    other.refresh_from_db()
    assert other.label == "ชื่อของคน"
    assert placement(event)[idea.pk] == other.number
    assert ClusterMembership.objects.get(idea=idea).pinned


def test_two_facilitators_editing_one_cluster_the_second_is_told(
    event, ideas, facilitator
):
    colleague = UserFactory(
        username="colleague", first_name="สมศรี", groups=[roles.FACILITATOR]
    )
    name_facilitator(event, colleague)
    run_now(event)
    cluster = next(iter(clusters_of(event).values()))
    seen = cluster.version

    services.cluster_rename(
        cluster=cluster, label="ชื่อแรก", actor=colleague, version=seen
    )
    with pytest.raises(EditConflict) as conflict:
        services.cluster_rename(
            cluster=cluster, label="ชื่อที่สอง", actor=facilitator, version=seen
        )

    cluster.refresh_from_db()
    assert cluster.label == "ชื่อแรก"
    assert conflict.value.cluster.label == "ชื่อแรก"
    assert "สมศรี" in conflict.value.message
    assert "ชื่อแรก" in conflict.value.message
    assert ClusterEdit.objects.filter(cluster=cluster).count() == 1


def test_a_run_that_changed_a_cluster_outdates_open_edits(event, ideas, facilitator):
    run_now(event)
    seen = {c.pk: c.version for c in clusters_of(event).values()}
    newcomer = add_ideas(event, [("", ideas[0].problem + " อีกครั้ง")])[0]

    run_now(event)

    home = Cluster.objects.get(memberships__idea=newcomer)
    assert home.version == seen[home.pk] + 1
    with pytest.raises(EditConflict) as conflict:
        services.cluster_rename(
            cluster=home, label="ช้าไป", actor=facilitator, version=seen[home.pk]
        )
    assert home.label in conflict.value.message
    untouched = [c for c in clusters_of(event).values() if c.pk != home.pk]
    assert all(c.version == seen[c.pk] for c in untouched)


def test_moving_ideas_outdates_both_clusters(event, ideas, facilitator):
    run_now(event)
    source = max(clusters_of(event).values(), key=lambda c: c.size)
    target = next(c for c in clusters_of(event).values() if c.pk != source.pk)
    idea = selectors.cluster_members(cluster=source)[0].idea

    services.cluster_move_ideas(ideas=[idea], target=target, actor=facilitator)

    with pytest.raises(EditConflict):
        services.cluster_rename(
            cluster=source, label="ช้าไป", actor=facilitator, version=source.version
        )
    assert Cluster.objects.get(pk=target.pk).version == target.version + 1


@pytest.mark.parametrize("count", [0, 1, 2])
def test_too_few_ideas_get_a_clear_message(event, count):
    add_ideas(event, dev_texts()[:count])
    # Rejected ideas and merged duplicates are not clustered, so do not count.
    add_ideas(event, dev_texts()[5:7], status=Idea.Status.REJECTED)

    with pytest.raises(ValidationError) as error:
        services.clustering_run_request(event=event, enqueue=False)

    assert "3" in error.value.messages[0]
    assert not ClusteringRun.objects.exists()


def test_a_theme_is_clustered_on_its_own(event, ideas):
    theme = ThemeFactory(event=event, code="digital")
    Idea.objects.filter(pk__in=[idea.pk for idea in ideas[:8]]).update(theme=theme)

    run = run_now(event, scope="digital")

    assert run.status == ClusteringRun.Status.DONE
    assert run.n_ideas == 8
    assert set(placement(event, "digital")) == {idea.pk for idea in ideas[:8]}
    assert not clusters_of(event, "")  # the whole event's clusters are separate
    with pytest.raises(ValidationError, match="nope"):
        services.clustering_run_request(event=event, scope="nope", enqueue=False)


def test_outsiders_can_neither_run_nor_edit(
    event, ideas, facilitator, facilitator_other_event, policy_writer
):
    run_now(event)
    cluster = next(iter(clusters_of(event).values()))
    other = next(c for c in clusters_of(event).values() if c.pk != cluster.pk)
    idea = selectors.cluster_members(cluster=cluster)[0].idea
    for outsider in (facilitator_other_event, policy_writer):
        with pytest.raises(PermissionDenied):
            services.clustering_run_request(event=event, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.cluster_rename(
                cluster=cluster, label="x", actor=outsider, version=cluster.version
            )
        with pytest.raises(PermissionDenied):
            services.cluster_merge(
                target=cluster, others=[other], actor=outsider, versions={}
            )
        with pytest.raises(PermissionDenied):
            services.cluster_split(
                cluster=cluster,
                ideas=[idea],
                label="x",
                actor=outsider,
                version=cluster.version,
            )
        with pytest.raises(PermissionDenied):
            services.cluster_move_ideas(ideas=[idea], target=other, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.cluster_pin(cluster=cluster, ideas=[idea], actor=outsider)
    assert not ClusterEdit.objects.exists()
    assert ClusteringRun.objects.count() == 1


def test_a_failing_run_leaves_the_clusters_and_allows_another(
    event, ideas, monkeypatch
):
    run_now(event)
    names = {n: c.label for n, c in clusters_of(event).items()}
    placed = placement(event)

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("ml.projection.project_2d", broken)
    failed = run_now(event)

    assert failed.status == ClusteringRun.Status.FAILED
    assert "out of memory" in failed.error
    assert ClusteringRun.objects.get(pk=failed.pk).status == "failed"
    assert {n: c.label for n, c in clusters_of(event).items()} == names
    assert placement(event) == placed
    monkeypatch.undo()
    assert run_now(event).status == ClusteringRun.Status.DONE


def test_a_failure_while_saving_rolls_everything_back(event, ideas, monkeypatch):
    run_now(event)
    versions = {c.pk: (c.version, c.label) for c in clusters_of(event).values()}
    placed = placement(event)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_apply, "record", broken)
    failed = run_now(event)

    assert failed.status == ClusteringRun.Status.FAILED
    assert "disk full" in failed.error
    assert {c.pk: (c.version, c.label) for c in clusters_of(event).values()} == (
        versions
    )
    assert placement(event) == placed


def test_a_run_in_progress_blocks_another_until_its_worker_goes_silent(
    event, ideas, facilitator
):
    stuck = services.clustering_run_request(event=event, enqueue=False, actor=None)
    ClusteringRun.objects.filter(pk=stuck.pk).update(
        status=ClusteringRun.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress=40,
    )
    with pytest.raises(ValidationError, match="40"):
        services.clustering_run_request(event=event, enqueue=False)

    ClusteringRun.objects.filter(pk=stuck.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    run = run_now(event, actor=facilitator)

    stuck.refresh_from_db()
    assert stuck.status == ClusteringRun.Status.FAILED
    assert stuck.error
    assert run.status == ClusteringRun.Status.DONE


def test_stale_runs_are_failed_and_fresh_ones_left_alone(event, ideas):
    now = timezone.now()
    silent = ClusteringRun.objects.create(
        event=event,
        scope="",
        status=ClusteringRun.Status.RUNNING,
        encoder_id="lexical",
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(minutes=3),
    )
    theme = ThemeFactory(event=event, code="people")
    alive = ClusteringRun.objects.create(
        event=event,
        scope=theme.code,
        status=ClusteringRun.Status.RUNNING,
        encoder_id="lexical",
        started_at=now - timedelta(minutes=10),
        heartbeat_at=now - timedelta(seconds=10),
    )

    assert services.clustering_runs_fail_stale(event=event) == 1

    silent.refresh_from_db()
    alive.refresh_from_db()
    assert silent.status == ClusteringRun.Status.FAILED
    # When the worker was last heard of, in the Buddhist era.
    assert str(timezone.localtime(now).year + 543) in silent.error
    assert alive.status == ClusteringRun.Status.RUNNING


def test_a_run_failed_as_stale_does_not_apply_late(event, ideas, monkeypatch):
    compute = _compute.compute

    def slow(**kwargs):
        result = compute(**kwargs)
        services.clustering_runs_fail_stale(
            event=event, now=timezone.now() + timedelta(hours=1)
        )
        return result

    monkeypatch.setattr(_compute, "compute", slow)
    run = run_now(event)

    assert run.status == ClusteringRun.Status.FAILED
    assert not Cluster.objects.exists()


def test_ideas_leaving_the_event_leave_their_cluster(event, ideas, facilitator):
    run_now(event)
    gone = ideas[0]
    Idea.objects.filter(pk=gone.pk).update(status=Idea.Status.REJECTED)
    newcomer = add_ideas(event, [("", "Share data between agencies via one API")])[0]

    run = run_now(event)

    assert run.changes["removed"] == 1
    assert run.changes["added"] == 1
    assert gone.pk not in placement(event)
    assert newcomer.pk in placement(event)
    assert sum(c.size for c in clusters_of(event).values()) == len(ideas)


def test_edits_refuse_bad_input(event, ideas, facilitator):
    run_now(event)
    cluster = max(clusters_of(event).values(), key=lambda c: c.size)
    members = [m.idea for m in selectors.cluster_members(cluster=cluster)]
    with pytest.raises(ValidationError):
        services.cluster_rename(
            cluster=cluster, label=" \n ", actor=facilitator, version=cluster.version
        )
    with pytest.raises(ValidationError):
        services.cluster_rename(
            cluster=cluster, label="ก" * 201, actor=facilitator, version=cluster.version
        )
    with pytest.raises(ValidationError):
        services.cluster_split(
            cluster=cluster,
            ideas=members,
            label="ทั้งหมด",
            actor=facilitator,
            version=cluster.version,
        )
    with pytest.raises(ValidationError):
        services.cluster_split(
            cluster=cluster,
            ideas=[],
            label="ไม่มี",
            actor=facilitator,
            version=cluster.version,
        )
    duplicate = add_ideas(event, [("", "ซ้ำ")], duplicate_of=members[0])[0]
    with pytest.raises(ValidationError):
        services.cluster_move_ideas(
            ideas=[duplicate], target=cluster, actor=facilitator
        )
    with pytest.raises(ValidationError):
        services.cluster_merge(
            target=cluster, others=[cluster], actor=facilitator, versions={}
        )


def test_moving_every_idea_out_retires_the_cluster(event, ideas, facilitator):
    run_now(event)
    small = min(clusters_of(event).values(), key=lambda c: c.size)
    target = next(c for c in clusters_of(event).values() if c.pk != small.pk)
    members = [m.idea for m in selectors.cluster_members(cluster=small)]

    services.cluster_move_ideas(ideas=members, target=target, actor=facilitator)

    small.refresh_from_db()
    target.refresh_from_db()
    assert not small.is_active and small.size == 0
    edit = ClusterEdit.objects.get(action=ClusterEdit.Action.MOVE)
    assert edit.detail["from"] == {str(idea.pk): small.number for idea in members}
    assert all(
        m.pinned and m.source == ClusterMembership.Source.FACILITATOR
        for m in ClusterMembership.objects.filter(idea__in=members)
    )


def test_unpinning_hands_an_idea_back_to_the_model(event, ideas, facilitator):
    run_now(event)
    cluster = next(iter(clusters_of(event).values()))
    idea = selectors.cluster_members(cluster=cluster)[0].idea

    assert services.cluster_pin(cluster=cluster, ideas=[idea], actor=facilitator) == 1
    assert services.cluster_pin(cluster=cluster, ideas=[idea], actor=facilitator) == 0
    assert (
        services.cluster_pin(
            cluster=cluster, ideas=[idea], actor=facilitator, pinned=False
        )
        == 1
    )
    membership = ClusterMembership.objects.get(idea=idea)
    assert not membership.pinned
    assert membership.source == ClusterMembership.Source.MODEL
    assert list(
        ClusterEdit.objects.filter(cluster=cluster).values_list("action", flat=True)
    ) == ["pin", "unpin"]


def test_a_requested_run_is_carried_out_by_the_worker(
    event, ideas, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.clustering_run_request(event=event, actor=facilitator)

    run.refresh_from_db()
    assert run.status == ClusteringRun.Status.DONE, run.error
    assert run.task_id
    assert clusters_of(event)


def test_a_dry_run_writes_nothing(event, ideas):
    run = services.clustering_run_prepare(event=event)
    run = services.clustering_run_execute(run=run, dry_run=True)

    assert run.status == ClusteringRun.Status.DONE
    assert run.n_ideas == len(ideas) and run.n_clusters >= 2
    assert run.pk is None
    assert not ClusteringRun.objects.exists()
    assert not Cluster.objects.exists()
    assert not Idea.objects.filter(embeddings__isnull=False).exists()


# Selectors --------------------------------------------------------------------


def test_clusters_for_scope_lists_central_ideas_in_few_queries(
    event, ideas, facilitator, django_assert_max_num_queries
):
    run_now(event)
    cluster = max(clusters_of(event).values(), key=lambda c: c.size)
    pinned = selectors.cluster_members(cluster=cluster)[0].idea
    services.cluster_pin(cluster=cluster, ideas=[pinned], actor=facilitator)

    with django_assert_max_num_queries(3):
        listed = selectors.clusters_for_scope(event=event, top_n=3)
        tops = [[idea.title for idea in c.top_ideas] for c in listed]

    assert [c.size for c in listed] == sorted((c.size for c in listed), reverse=True)
    assert all(1 <= len(top) <= 3 for top in tops)
    first = listed[0]
    assert first.pk == cluster.pk and first.pinned_count == 1
    similarities = [idea.similarity for idea in first.top_ideas]
    assert similarities == sorted(similarities, reverse=True)
    assert first.top_ideas[0].pinned


def test_map_points_colour_by_cluster_or_theme(event, ideas):
    theme = ThemeFactory(event=event, code="digital", name_th="ดิจิทัล")
    Idea.objects.filter(pk=ideas[0].pk).update(theme=theme)
    run_now(event)

    by_cluster = selectors.idea_map_points(event=event)
    by_theme = selectors.idea_map_points(event=event, colour_by="theme")

    assert len(by_cluster) == len(ideas)
    labels = {c.number: c.label for c in clusters_of(event).values()}
    assert all(p["group_label"] == labels[p["group"]] for p in by_cluster)
    themed = {p["idea_id"]: (p["group"], p["group_label"]) for p in by_theme}
    assert themed[ideas[0].pk] == ("digital", "ดิจิทัล")
    assert themed[ideas[1].pk][0] == ""
    assert all(-1 <= p["x"] <= 1 and -1 <= p["y"] <= 1 for p in by_theme)


def test_runs_and_scopes_are_listed(event, ideas, facilitator):
    ThemeFactory(event=event, code="people", name_th="คน")
    first = run_now(event, actor=facilitator)
    second = run_now(event)

    assert selectors.clustering_runs_for_event(event=event) == [second, first]
    assert selectors.clustering_runs_for_event(event=event, scope="people") == []
    assert selectors.clustering_run_latest_done(event=event) == second
    assert selectors.clustering_run_active(event=event) is None
    scopes = selectors.cluster_scopes(event=event)
    assert scopes[0][0] == "" and scopes[1] == ("people", "คน")
