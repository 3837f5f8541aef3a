"""Carrying out a clustering run in the worker: claim it, compute, apply.

Progress and a heartbeat are written as the run goes, each in its own short
write, so the workbench sees them and a dead worker's run can be told apart.
"""

import logging
import time
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ideas.models import ClusteringRun
from ideas.services.clusters import _apply, _compute
from ideas.services.clusters._common import ACTIVE, current_state, text_language

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


def clustering_run_execute(
    *, run: ClusteringRun, dry_run: bool = False, on_progress: Progress | None = None
) -> ClusteringRun:
    """Carry out a requested run and apply its result to the scope's clusters.

    Reports progress (0–100 and a stage) and a heartbeat on the run as it
    goes, each in its own short write so the workbench sees it. Names given
    by facilitators, pins, merges and any placement made while the run was
    computing are kept; model-given names follow the new keywords; new
    clusters get new numbers; clusters left empty become inactive.

    ``changed_assignments`` counts ideas the run put in another cluster than
    the one they were in; an idea clustered for the first time is "added",
    not changed, so running twice on unchanged data gives 0.

    ``dry_run`` computes everything and writes nothing: not the run, not its
    progress, not the clusters, not even cached embeddings. The returned run
    carries the figures it would have recorded.

    Never raises for a failure of the run itself: the run is marked failed
    with the reason, the previous clusters stay as they were, and it is
    returned. ``on_progress(percent, stage)`` is called at each stage.
    """
    with translation.override(text_language()):
        return _execute(run=run, dry_run=dry_run, on_progress=on_progress)


def _execute(*, run, dry_run, on_progress) -> ClusteringRun:
    clock = time.monotonic()
    if dry_run:
        run.status = ClusteringRun.Status.RUNNING
        run.started_at = timezone.now()
    elif not _claim(run):
        return run

    def report(percent: int, stage: str) -> None:
        run.progress = percent
        run.stage = stage[:200]
        if not dry_run:
            ClusteringRun.objects.filter(pk=run.pk).update(
                progress=percent, stage=run.stage, heartbeat_at=timezone.now()
            )
        if on_progress is not None:
            on_progress(percent, run.stage)

    try:
        result = _compute.compute(run=run, report=report, dry_run=dry_run)
        report(92, _("Saving"))
        if dry_run:
            plan = _apply.make_plan(
                run=run, result=result, **current_state(run, lock=False)
            )
            _apply.record(
                run=run, result=result, plan=plan, clock=clock, n_clusters=None
            )
        else:
            _apply.apply(run=run, result=result, clock=clock)
    except _apply.Abandoned:
        logger.warning("clustering run %s was failed while it ran", run.pk)
        run.refresh_from_db()
        return run
    except Exception as error:
        # The run's record says what went wrong; the log keeps the traceback
        # (ids only: no idea text or personal data is formatted into it).
        logger.exception("clustering run %s failed", run.pk)
        run.status = ClusteringRun.Status.FAILED
        if isinstance(error, ValidationError):
            detail = " ".join(error.messages)
        else:
            detail = str(error) or type(error).__name__
        run.error = _("The run stopped with an error: %(error)s") % {"error": detail}
        run.finished_at = timezone.now()
        run.seconds = time.monotonic() - clock
        if not dry_run:
            ClusteringRun.objects.filter(pk=run.pk, status__in=ACTIVE).update(
                status=run.status,
                error=run.error,
                finished_at=run.finished_at,
                seconds=run.seconds,
            )
        return run
    if on_progress is not None:
        on_progress(run.progress, run.stage)
    logger.info(
        "clustering run %s done: ideas=%s clusters=%s changed=%s seconds=%.1f",
        run.pk,
        run.n_ideas,
        run.n_clusters,
        run.changed_assignments,
        run.seconds or 0,
    )
    return run


def _claim(run: ClusteringRun) -> bool:
    """Move the run from queued to running, unless it is no longer queued."""
    now = timezone.now()
    claimed = ClusteringRun.objects.filter(
        pk=run.pk, status=ClusteringRun.Status.QUEUED
    ).update(
        status=ClusteringRun.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0,
        stage=_("Starting"),
    )
    run.refresh_from_db()
    if not claimed:
        logger.warning("clustering run %s was not queued (%s)", run.pk, run.status)
    return bool(claimed)
