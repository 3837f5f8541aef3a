"""Clustering runs: asked for, queued for the worker, failed when left behind.

A run is prepared and checked on the page's request and carried out later by
the worker (``execute``); these are its first and last steps.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ideas import access
from ideas.dates import format_date
from ideas.models import ClusteringRun, Theme
from ideas.selectors.clusters import clusterable_ideas
from ideas.services import _queue
from ideas.services.clusters._common import (
    ACTIVE,
    DEFAULT_PARAMETERS,
    MIN_IDEAS,
    person,
    text_language,
    too_few_message,
)

logger = logging.getLogger(__name__)


def _clean_parameters(parameters: dict | None) -> dict:
    params = dict(DEFAULT_PARAMETERS)
    unknown = set(parameters or {}) - set(params)
    if unknown:
        raise ValidationError(
            _("Unknown clustering parameters: %(names)s."),
            code="parameters",
            params={"names": ", ".join(sorted(unknown))},
        )
    params.update(parameters or {})
    try:
        if params["n_clusters"] != "auto":
            params["n_clusters"] = int(params["n_clusters"])
            if not 1 <= params["n_clusters"] <= 200:
                raise ValueError
        params["random_state"] = int(params["random_state"])
    except (TypeError, ValueError):
        raise ValidationError(
            _(
                "The number of clusters per theme must be “auto” or a whole number "
                "from 1 to 200."
            ),
            code="parameters",
        ) from None
    return params


def _in_progress_message(run: ClusteringRun) -> str:
    who = person(run.started_by) if run.started_by_id else _("the command line")
    if run.status == ClusteringRun.Status.QUEUED:
        return _(
            "A clustering run of these ideas is already waiting for the worker "
            "(started by %(who)s). Wait for it to finish."
        ) % {"who": who}
    return _(
        "A clustering run of these ideas is already in progress (started by "
        "%(who)s, %(progress)s%% done: %(stage)s). Wait for it to finish."
    ) % {"who": who, "progress": run.progress, "stage": run.stage or "…"}


def clustering_run_prepare(
    *, event, scope: str = "", actor=None, parameters: dict | None = None
) -> ClusteringRun:
    """Check a clustering request and return the run it would create, unsaved.

    Used as is by a dry run, which must write nothing; ``actor`` None means
    the command line, which may cluster any event.

    Raises
    ------
    PermissionDenied
        When ``actor`` may not facilitate the event.
    ValidationError
        For an unknown theme code, bad parameters, or fewer than
        ``MIN_IDEAS`` ideas to cluster.
    """
    access.require_facilitator(
        actor=actor, event=event, message=_("You may not cluster this event's ideas.")
    )
    scope = (scope or "").strip()
    if scope and not Theme.objects.filter(event=event, code=scope).exists():
        raise ValidationError(
            _("The event has no theme with the code “%(code)s”."),
            code="scope",
            params={"code": scope},
        )
    params = _clean_parameters(parameters)
    count = clusterable_ideas(event=event, scope=scope).count()
    if count < MIN_IDEAS:
        raise ValidationError(too_few_message(count), code="too_few")
    return ClusteringRun(
        event=event,
        scope=scope,
        status=ClusteringRun.Status.QUEUED,
        # Loading the model only to learn its id would cost seconds on a page
        # request: the setting's name stands in until the run resolves it.
        encoder_id=str(settings.ML_ENCODER or "default")[:100],
        parameters=params,
        started_by=actor,
    )


def clustering_run_request(
    *,
    event,
    scope: str = "",
    actor=None,
    parameters: dict | None = None,
    enqueue: bool = True,
) -> ClusteringRun:
    """Ask for a clustering run of the event's ideas (one theme's, or all).

    Runs left behind by a dead worker are failed first, so they do not block
    the new one. With ``enqueue`` the run is handed to the background worker
    once the transaction commits; without, the caller executes it.

    Raises
    ------
    PermissionDenied
        When ``actor`` (None: the command line) may not facilitate the event.
    ValidationError
        For an unknown theme, bad parameters, a run already in progress for
        the same ideas, or fewer than ``MIN_IDEAS`` ideas.
    """
    run = clustering_run_prepare(
        event=event, scope=scope, actor=actor, parameters=parameters
    )
    clustering_runs_fail_stale(event=event)
    with transaction.atomic():
        active = (
            ClusteringRun.objects.filter(
                event=event, scope=run.scope, status__in=ACTIVE
            )
            .select_related("started_by")
            .first()
        )
        if active is not None:
            raise ValidationError(_in_progress_message(active), code="in_progress")
        run.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # Another request won the race for the one active run.
            raise ValidationError(
                _("A clustering run of these ideas has just been started."),
                code="in_progress",
            ) from None
        if enqueue:
            run_id = run.pk
            transaction.on_commit(lambda: _enqueue(run_id))
    logger.info(
        "clustering run requested: run=%s event=%s scope=%s",
        run.pk,
        event.pk,
        run.scope or "*",
    )
    return run


def _enqueue(run_id: int) -> None:
    try:
        result = _queue.enqueue("cluster_ideas", run_id=run_id)
    except Exception as error:
        logger.exception("clustering run %s could not be queued", run_id)
        ClusteringRun.objects.filter(pk=run_id, status__in=ACTIVE).update(
            status=ClusteringRun.Status.FAILED,
            error=_("The run could not be handed to the worker: %(error)s")
            % {"error": error},
            finished_at=timezone.now(),
        )
        return
    ClusteringRun.objects.filter(pk=run_id).update(task_id=str(result.id)[:64])


def clustering_runs_fail_stale(
    *, event=None, now=None, max_silence_seconds: int | None = None
) -> int:
    """Mark failed the runs a dead or absent worker left behind.

    A running run silent (no heartbeat) for longer than
    ``CLUSTERING_STALE_SECONDS`` (default 120), and a queued run no worker
    picked up within ``CLUSTERING_QUEUED_STALE_SECONDS`` (default an hour).
    Their clusters were never touched: a run applies its result at the end,
    all at once. Returns how many runs were failed.
    """
    now = now or timezone.now()
    if max_silence_seconds is None:
        max_silence_seconds = getattr(settings, "CLUSTERING_STALE_SECONDS", 120)
    queued_limit = getattr(settings, "CLUSTERING_QUEUED_STALE_SECONDS", 3600)
    runs = ClusteringRun.objects.filter(status__in=ACTIVE)
    if event is not None:
        runs = runs.filter(event=event)
    failed = 0
    with translation.override(text_language()), transaction.atomic():
        for run in runs.select_for_update():
            if run.status == ClusteringRun.Status.RUNNING:
                last = run.heartbeat_at or run.started_at or run.created_at
                if last >= now - timedelta(seconds=max_silence_seconds):
                    continue
                reason = _(
                    "The worker stopped before the run finished (last sign of "
                    "life at %(time)s)."
                ) % {"time": format_date(last, with_time=True)}
            else:
                if run.created_at >= now - timedelta(seconds=queued_limit):
                    continue
                reason = _(
                    "No worker picked the run up (requested at %(time)s). Is the "
                    "background worker running?"
                ) % {"time": format_date(run.created_at, with_time=True)}
            run.status = ClusteringRun.Status.FAILED
            run.error = reason
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            logger.warning("clustering run %s failed as stale", run.pk)
            failed += 1
    return failed


def clustering_run_summary(run: ClusteringRun) -> dict:
    """The figures the command prints and the task returns."""
    return {
        "run_id": run.pk,
        "n_ideas": run.n_ideas,
        "n_clusters": run.n_clusters,
        "n_top": (run.changes or {}).get("n_top"),
        "n_leaves": run.n_clusters,
        "unclustered": run.unclustered,
        "changed_assignments": run.changed_assignments,
        "seconds": round(run.seconds, 3) if run.seconds is not None else None,
    }
