"""The provenance export says who put each public idea in its cluster."""

import csv
import io

import pytest

from ideas import exporting
from ideas.models import Cluster, ClusterMembership, Idea
from ideas.services import clusters as services
from tests.ideas.test_clusters import add_ideas, dev_texts, run_now

pytestmark = pytest.mark.usefixtures("fast_model")


def provenance(event) -> list[dict]:
    stream = io.StringIO()
    exporting.export_ideas(event=event, format="provenance", stream=stream)
    return list(csv.DictReader(io.StringIO(stream.getvalue().lstrip("\ufeff"))))


@pytest.fixture
def ideas(event):
    return add_ideas(event, dev_texts(), status=Idea.Status.ACCEPTED)


def test_cluster_rows_name_the_run_or_the_facilitator(event, ideas, facilitator):
    run = run_now(event)
    moved = ideas[0]
    source = ClusterMembership.objects.get(idea=moved, scope="").cluster
    target = Cluster.objects.filter(event=event, is_active=True).exclude(pk=source.pk)[
        0
    ]
    services.cluster_move_ideas(
        ideas=[moved], target=target, actor=facilitator, version=target.version
    )

    rows = [row for row in provenance(event) if row["field"] == "cluster"]
    assert len(rows) == len(ideas)  # one placement per public idea
    by_number = {row["number"]: row for row in rows}
    placed = by_number[str(moved.number)]
    target.refresh_from_db()
    assert placed["to"] == f"{target.number}: {target.label}"
    assert (placed["source"], placed["decided_by"]) == ("facilitator", "facilitator")
    assert placed["reason"] == "pinned"
    other = by_number[str(ideas[1].number)]
    assert other["source"] == "model"
    assert other["decided_by"] == f"clustering run {run.pk}, {run.encoder_id}"
    assert other["reason"].startswith("similarity ")


def test_unpublished_ideas_have_no_cluster_rows(event, ideas):
    hidden = ideas[0]
    Idea.objects.filter(pk=hidden.pk).update(status=Idea.Status.SUBMITTED)
    run_now(event)
    numbers = {row["number"] for row in provenance(event)}
    assert str(hidden.number) not in numbers
