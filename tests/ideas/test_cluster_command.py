"""manage.py cluster_ideas: the workbench's clustering, from the shell."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ideas.models import Cluster, ClusteringRun, IdeaEmbedding
from tests.factories import ThemeFactory
from tests.ideas.test_clusters import add_ideas, dev_texts

pytestmark = pytest.mark.usefixtures("lexical_model")


@pytest.fixture
def ideas(event):
    return add_ideas(event, dev_texts(per_label=5))


def cluster(*args) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("cluster_ideas", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue().strip().splitlines()[-1]), err.getvalue()


def test_the_last_line_is_the_runs_summary(event, ideas):
    summary, progress = cluster("--event", event.slug)

    run = ClusteringRun.objects.get()
    assert summary == {
        "run_id": run.pk,
        "n_ideas": len(ideas),
        "n_clusters": run.n_clusters,
        # An event without themes is one group; its leaves are the clusters.
        "n_top": 1,
        "n_leaves": run.n_clusters,
        "unclustered": 0,
        "changed_assignments": 0,
        "seconds": pytest.approx(run.seconds, abs=0.001),
    }
    assert run.status == ClusteringRun.Status.DONE
    assert run.started_by is None
    assert "100%" in progress


def test_with_themes_the_top_level_is_the_themes(event, ideas):
    digital = ThemeFactory(event=event, code="digital", name_en="Digital government")
    ThemeFactory(event=event, code="people", name_en="Civil servants")
    for idea in ideas[:5]:
        idea.theme = digital
        idea.save()

    summary, _ = cluster("--event", event.slug)

    groups = set(Cluster.objects.filter(is_active=True).values_list("group", flat=True))
    assert groups <= {"digital", "people", ""} and "digital" in groups
    assert summary["n_top"] == len(groups)
    assert summary["n_leaves"] == summary["n_clusters"] >= summary["n_top"]
    # The ideas a person placed sit under their theme.
    assert set(
        Cluster.objects.filter(memberships__idea__in=ideas[:5]).values_list(
            "group", flat=True
        )
    ) == {"digital"}


def test_running_twice_changes_nothing_and_keeps_every_name(event, ideas):
    cluster("--event", event.slug)
    names = dict(Cluster.objects.values_list("number", "label"))

    summary, _ = cluster("--event", event.slug)

    assert summary["changed_assignments"] == 0
    assert dict(Cluster.objects.values_list("number", "label")) == names


def test_a_dry_run_writes_nothing(event, ideas):
    summary, progress = cluster("--event", event.slug, "--dry-run")

    assert summary["run_id"] is None and summary["dry_run"] is True
    assert summary["n_ideas"] == len(ideas) and summary["n_clusters"] >= 2
    assert not ClusteringRun.objects.exists()
    assert not Cluster.objects.exists()
    assert not IdeaEmbedding.objects.exists()


def test_a_theme_and_a_fixed_number_of_clusters(event, ideas):
    theme = ThemeFactory(event=event, code="digital")
    for idea in ideas[:6]:
        idea.theme = theme
        idea.save()

    summary, _ = cluster("--event", event.slug, "--theme", "digital", "--clusters", "2")

    assert summary["n_ideas"] == 6 and summary["n_clusters"] == 2
    assert ClusteringRun.objects.get().scope == "digital"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--event", "no-such-event"], "no-such-event"),
        (["--theme", "nope"], "nope"),
        (["--clusters", "many"], "auto"),
        (["--clusters", "0"], "auto"),
    ],
)
def test_bad_arguments_are_refused_clearly(event, ideas, args, message):
    if args[0] != "--event":
        args = ["--event", event.slug, *args]
    with pytest.raises(CommandError, match=message):
        cluster(*args)
    assert not ClusteringRun.objects.exists()


def test_too_few_ideas_are_refused_clearly(event):
    add_ideas(event, dev_texts()[:2])
    with pytest.raises(CommandError, match="3"):
        cluster("--event", event.slug)


def test_a_failed_run_exits_with_its_reason(event, ideas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the map cannot be drawn")

    monkeypatch.setattr("ml.projection.project_2d", broken)
    with pytest.raises(CommandError, match="the map cannot be drawn"):
        cluster("--event", event.slug)
    assert ClusteringRun.objects.get().status == ClusteringRun.Status.FAILED
