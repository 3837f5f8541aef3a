"""The worker dies mid-run: the run is failed, the clusters stay, a new run starts.

A killed process runs no cleanup code; ``SystemExit`` raised from inside the
run stands in for it here, since ``clustering_run_execute`` handles only
``Exception`` and so leaves the run exactly as a killed worker would: running,
with its last heartbeat.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ideas.models import Cluster, ClusteringRun, ClusterMembership
from ideas.services import clusters as services
from ideas.services.clusters import _compute
from tests.ideas.test_clusters import add_ideas, dev_texts

pytestmark = pytest.mark.usefixtures("lexical_model")


def state(event):
    return (
        sorted(Cluster.objects.filter(event=event).values_list("number", "label")),
        sorted(
            ClusterMembership.objects.filter(cluster__event=event).values_list(
                "idea_id", "cluster__number"
            )
        ),
    )


def test_a_worker_killed_mid_run(event, facilitator, monkeypatch):
    add_ideas(event, dev_texts(per_label=4))
    first = services.clustering_run_request(event=event, enqueue=False)
    services.clustering_run_execute(run=first)
    before = state(event)

    def killed(**kwargs):
        raise SystemExit(-9)

    monkeypatch.setattr(_compute, "ideas_embed", killed)
    doomed = services.clustering_run_request(
        event=event, actor=facilitator, enqueue=False
    )
    with pytest.raises(SystemExit):
        services.clustering_run_execute(run=doomed)
    monkeypatch.undo()
    doomed.refresh_from_db()
    assert doomed.status == ClusteringRun.Status.RUNNING  # as the worker left it
    assert state(event) == before

    # While the heartbeat is recent the run may still be alive: no second run.
    with pytest.raises(ValidationError, match="Embedding|กำลังประมวลผลไอเดีย"):
        services.clustering_run_request(event=event, enqueue=False)

    later = timezone.now() + timedelta(minutes=3)
    assert services.clustering_runs_fail_stale(event=event, now=later) == 1
    doomed.refresh_from_db()
    assert doomed.status == ClusteringRun.Status.FAILED
    assert doomed.error and doomed.finished_at
    assert state(event) == before

    retry = services.clustering_run_request(
        event=event, actor=facilitator, enqueue=False
    )
    retry = services.clustering_run_execute(run=retry)
    assert retry.status == ClusteringRun.Status.DONE
    assert retry.changed_assignments == 0
    assert state(event) == before
