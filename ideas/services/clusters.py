"""Clustering runs and the facilitators' edits of clusters: the writes.

A run reads the ideas and the current clusters, computes without holding any
lock (embedding, k-means, keywords, map), then applies its result in one
transaction with the scope's clusters locked. Facilitators' edits are the
authority: names they gave, pins, merges and every placement made while the
run was computing are kept, so no edit is lost to a run.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas import access
from ideas.dates import format_date
from ideas.models import (
    Cluster,
    ClusterEdit,
    ClusteringRun,
    ClusterMembership,
    Idea,
    Theme,
)
from ideas.services.suggestions import ideas_embed
from ml.text import normalize_text

logger = logging.getLogger(__name__)

MIN_IDEAS = 3
LABEL_MAX_LENGTH = 200
# The run's record lists moved ideas for the "what changed" view; past this
# many a count says the rest (a re-run after a big import moves hundreds).
MOVED_LIMIT = 200
# Ideas embedded per step: each step reports progress and proves the worker
# alive, and the default model embeds a step in a few seconds.
_EMBED_STEP = 128
DEFAULT_PARAMETERS = {"n_clusters": "auto", "k_min": 3, "k_max": 20, "random_state": 0}
_ACTIVE = (ClusteringRun.Status.QUEUED, ClusteringRun.Status.RUNNING)

Progress = Callable[[int, str], None]


class EditConflict(Exception):
    """Raised when an edit was made against an out-of-date cluster version.

    ``cluster`` is the cluster as it is now (fresh from the database);
    ``message`` (translated) says who changed it and what it looks like now.
    """

    def __init__(self, *, cluster: Cluster, message: str):
        super().__init__(message)
        self.cluster = cluster
        self.message = message


# Reads ----------------------------------------------------------------------


def clusterable_ideas(*, event, scope: str = ""):
    """The ideas a run of ``scope`` clusters: not rejected, not merged duplicates."""
    ideas = Idea.objects.filter(event=event, duplicate_of__isnull=True).exclude(
        status=Idea.Status.REJECTED
    )
    if scope:
        ideas = ideas.filter(theme__code=scope)
    return ideas


def _model_text(idea: Idea) -> str:
    return "\n".join(part for part in (idea.title, idea.problem, idea.solution) if part)


def _resolve(cluster: Cluster | None, by_pk: dict[int, Cluster]) -> Cluster | None:
    """The active cluster a merged cluster's ideas now live in."""
    seen = set()
    while (
        cluster is not None
        and not cluster.is_active
        and cluster.merged_into_id
        and cluster.pk not in seen
    ):
        seen.add(cluster.pk)
        cluster = by_pk.get(cluster.merged_into_id)
    return cluster


def _person(user) -> str:
    if user is None:
        return _("Someone else")
    return user.get_full_name() or user.get_username()


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


# Runs -----------------------------------------------------------------------


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
        params["k_min"] = int(params["k_min"])
        params["k_max"] = int(params["k_max"])
        params["random_state"] = int(params["random_state"])
        if not 2 <= params["k_min"] <= params["k_max"] <= 200:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            _(
                "The number of clusters must be “auto” or a whole number from 1 to "
                "200, and the range to choose from must lie between 2 and 200."
            ),
            code="parameters",
        ) from None
    return params


def _too_few_message(count: int) -> str:
    if count == 0:
        return _("There are no ideas to cluster yet; at least %(min)s are needed.") % {
            "min": MIN_IDEAS
        }
    return ngettext(
        "There is only %(count)s idea to cluster; at least %(min)s are needed.",
        "There are only %(count)s ideas to cluster; at least %(min)s are needed.",
        count,
    ) % {"count": count, "min": MIN_IDEAS}


def _in_progress_message(run: ClusteringRun) -> str:
    who = _person(run.started_by) if run.started_by_id else _("the command line")
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
        raise ValidationError(_too_few_message(count), code="too_few")
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
                event=event, scope=run.scope, status__in=_ACTIVE
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
    from ideas import tasks  # tasks import the services: imported late

    try:
        result = tasks.cluster_ideas.enqueue(run_id=run_id)
    except Exception as error:
        logger.exception("clustering run %s could not be queued", run_id)
        ClusteringRun.objects.filter(pk=run_id, status__in=_ACTIVE).update(
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
    runs = ClusteringRun.objects.filter(status__in=_ACTIVE)
    if event is not None:
        runs = runs.filter(event=event)
    failed = 0
    with translation.override(_text_language()), transaction.atomic():
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
        "unclustered": run.unclustered,
        "changed_assignments": run.changed_assignments,
        "seconds": round(run.seconds, 3) if run.seconds is not None else None,
    }


def _text_language() -> str:
    # Management commands (the worker among them) deactivate translation;
    # what a run stores for people to read is then in the site's language.
    return translation.get_language() or settings.LANGUAGE_CODE


@dataclass
class _Result:
    """What the model found, before it meets the current clusters."""

    read_at: object
    ideas: list[Idea]
    labels: np.ndarray
    old_ids: set[int]
    described: dict
    similarity: np.ndarray
    coords: np.ndarray
    centres: dict[int, np.ndarray]
    vectors: np.ndarray


@dataclass
class _Plan:
    """The result laid over the clusters as they are now."""

    final: dict[int, int] = field(default_factory=dict)  # idea id -> number
    similarity: dict[int, float | None] = field(default_factory=dict)
    new_numbers: list[int] = field(default_factory=list)
    keywords: dict[int, list[str]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)  # idea ids
    moved: list[dict] = field(default_factory=list)
    added: int = 0
    kept: int = 0
    unclustered: int = 0


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
    with translation.override(_text_language()):
        return _execute(run=run, dry_run=dry_run, on_progress=on_progress)


class _Abandoned(Exception):
    """The run was failed (as stale) by someone else while it computed."""


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
        result = _compute(run=run, report=report, dry_run=dry_run)
        report(92, _("Saving"))
        if dry_run:
            plan = _plan(run=run, result=result, **_current_state(run, lock=False))
            _record(run=run, result=result, plan=plan, clock=clock, n_clusters=None)
        else:
            _apply(run=run, result=result, clock=clock)
    except _Abandoned:
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
            ClusteringRun.objects.filter(pk=run.pk, status__in=_ACTIVE).update(
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


def _compute(*, run: ClusteringRun, report, dry_run: bool) -> _Result:
    from ml.cluster import Clusterer, center_groups
    from ml.encoders import get_encoder
    from ml.keywords import describe_clusters
    from ml.projection import project_2d

    report(1, _("Loading the language model"))
    encoder = get_encoder(settings.ML_ENCODER)
    run.encoder_id = encoder.id[:100]
    if not dry_run:
        ClusteringRun.objects.filter(pk=run.pk).update(encoder_id=run.encoder_id)

    # Edits made after this instant are the facilitators' news, which the
    # run must not overwrite (see _plan).
    read_at = timezone.now()
    ideas = list(clusterable_ideas(event=run.event, scope=run.scope).order_by("pk"))
    if len(ideas) < MIN_IDEAS:
        raise ValidationError(_too_few_message(len(ideas)))
    state = _current_state(run, lock=False)
    by_pk = state["clusters"]
    in_run = {idea.pk for idea in ideas}
    previous, pins = {}, {}
    for membership in state["memberships"]:
        if membership.idea_id not in in_run:
            continue
        cluster = _resolve(by_pk.get(membership.cluster_id), by_pk)
        if cluster is None or not cluster.is_active:
            continue
        previous[membership.idea_id] = cluster.number
        if membership.pinned:
            pins[membership.idea_id] = cluster.number

    total = len(ideas)
    parts = []
    for start in range(0, total, _EMBED_STEP):
        report(
            2 + int(48 * start / total),
            _("Embedding ideas (%(done)s of %(total)s)")
            % {"done": _number(start), "total": _number(total)},
        )
        chunk = ideas[start : start + _EMBED_STEP]
        if dry_run:
            with transaction.atomic():
                parts.append(ideas_embed(ideas=chunk, encoder=encoder))
                transaction.set_rollback(True)
        else:
            parts.append(ideas_embed(ideas=chunk, encoder=encoder))
    # Aligned per language within the event, so that Thai and English ideas
    # on one subject share a cluster (ml.cluster.center_groups); ideas in
    # both languages at once are left where the encoder put them.
    vectors = center_groups(
        np.vstack(parts).astype(np.float32),
        [
            idea.language if idea.language != Idea.Language.MIXED else None
            for idea in ideas
        ],
    )

    params = run.parameters or DEFAULT_PARAMETERS
    ids = [idea.pk for idea in ideas]
    if params.get("n_clusters", "auto") == "auto" and not previous:
        report(55, _("Choosing the number of clusters"))
    else:
        report(55, _("Grouping the ideas"))
    clusterer = Clusterer(
        n_clusters=params.get("n_clusters", "auto"),
        k_min=params.get("k_min", 3),
        k_max=params.get("k_max", 20),
        random_state=params.get("random_state", 0),
    ).fit(vectors, ids=ids, previous=previous, pins=pins)
    labels = clusterer.labels_

    report(75, _("Finding each cluster's keywords"))
    described = describe_clusters([_model_text(idea) for idea in ideas], labels)
    centres = dict(
        zip(clusterer.cluster_ids_.tolist(), clusterer.cluster_centers_, strict=True)
    )
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    similarity = np.array(
        [
            float(unit[i] @ centres[label]) if label >= 0 else np.nan
            for i, label in enumerate(labels.tolist())
        ]
    )
    report(88, _("Drawing the map"))
    coords = project_2d(vectors, random_state=params.get("random_state", 0))
    return _Result(
        read_at=read_at,
        ideas=ideas,
        labels=labels,
        old_ids=set(previous.values()),
        described=described,
        similarity=similarity,
        coords=coords,
        centres=centres,
        vectors=unit,
    )


def _current_state(run: ClusteringRun, *, lock: bool) -> dict:
    clusters = Cluster.objects.filter(event=run.event, scope=run.scope).order_by("pk")
    if lock:
        clusters = clusters.select_for_update()
    return {
        "clusters": {cluster.pk: cluster for cluster in clusters},
        "memberships": list(
            ClusterMembership.objects.filter(cluster__event=run.event, scope=run.scope)
        ),
    }


def _plan(*, run, result: _Result, clusters: dict, memberships: list) -> _Plan:
    """Lay the model's result over the clusters as they are now.

    The model's numbers for clusters it knew are resolved through merges
    made since; its new clusters get numbers no cluster of the scope ever
    had. A membership a person touched after the run read the data wins.
    """
    plan = _Plan()
    by_number = {c.number: c for c in clusters.values()}
    next_number = max((c.number for c in clusters.values()), default=0) + 1
    mapping: dict[int, int] = {}
    for model_id in sorted(result.centres):
        known = by_number.get(model_id) if model_id in result.old_ids else None
        target = _resolve(known, clusters)
        if target is None:
            mapping[model_id] = next_number
            plan.new_numbers.append(next_number)
            next_number += 1
        else:
            mapping[model_id] = target.number
        number = mapping[model_id]
        # Two model clusters can land in one after a merge made during the
        # run; the one the cluster was known by describes it.
        if number not in plan.keywords or model_id == number:
            info = result.described.get(model_id, {})
            plan.keywords[number] = info.get("keywords", [])
            plan.labels[number] = info.get("label", "")

    owner = {number: model_id for model_id, number in sorted(mapping.items())[::-1]}
    current = {m.idea_id: m for m in memberships}
    in_run = set()
    for i, idea in enumerate(result.ideas):
        in_run.add(idea.pk)
        label = int(result.labels[i])
        membership = current.get(idea.pk)
        now_in = (
            _resolve(clusters.get(membership.cluster_id), clusters)
            if membership
            else None
        )
        if membership is not None and (
            membership.updated_at > result.read_at or membership.pinned
        ):
            if membership.updated_at > result.read_at:
                plan.kept += 1
            number = now_in.number if now_in else None
        elif label < 0:
            number = None
        else:
            number = mapping[label]
        if number is None:
            if membership is not None:
                plan.removed.append(idea.pk)
            plan.unclustered += 1
            continue
        plan.final[idea.pk] = number
        if label >= 0 and mapping[label] == number:
            centre = result.centres[label]
        else:
            centre = result.centres.get(owner.get(number, -1))
        plan.similarity[idea.pk] = (
            float(result.vectors[i] @ centre) if centre is not None else None
        )
        if membership is None:
            plan.added += 1
        elif now_in is not None and now_in.number != number:
            plan.moved.append(
                {
                    "idea": idea.pk,
                    "number": idea.number,
                    "from": now_in.number,
                    "to": number,
                }
            )
    for idea_id, membership in current.items():
        if idea_id not in in_run and membership.updated_at <= result.read_at:
            plan.removed.append(idea_id)
    return plan


def _apply(*, run: ClusteringRun, result: _Result, clock: float) -> None:
    """Write the result at once, with the scope's clusters locked."""
    with transaction.atomic():
        locked = ClusteringRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ClusteringRun.Status.RUNNING:
            raise _Abandoned
        state = _current_state(run, lock=True)
        clusters: dict[int, Cluster] = state["clusters"]
        plan = _plan(run=run, result=result, **state)
        by_number = {c.number: c for c in clusters.values()}
        before = {c.pk: (c.label, c.is_active) for c in clusters.values()}
        members_before: dict[int, set[int]] = {}
        for membership in state["memberships"]:
            members_before.setdefault(membership.cluster_id, set()).add(
                membership.idea_id
            )

        new_clusters = []
        for number in plan.new_numbers:
            cluster = Cluster(
                event=run.event,
                scope=run.scope,
                number=number,
                label=_fit_label(plan.labels.get(number), number),
                keywords=plan.keywords.get(number, []),
                created_run=run,
            )
            cluster.save()
            clusters[cluster.pk] = by_number[number] = cluster
            new_clusters.append({"number": number, "label": cluster.label})

        relabelled = []
        for number, keywords in plan.keywords.items():
            cluster = by_number[number]
            if number in plan.new_numbers:
                continue
            cluster.keywords = keywords
            if cluster.label_source == Cluster.LabelSource.MODEL:
                label = _fit_label(plan.labels.get(number), number)
                if label != cluster.label:
                    relabelled.append(
                        {"number": number, "from": cluster.label, "to": label}
                    )
                    cluster.label = label

        current = {m.idea_id: m for m in state["memberships"]}
        coords = {idea.pk: i for i, idea in enumerate(result.ideas)}
        changed, created = [], []
        for idea_id, number in plan.final.items():
            i = coords[idea_id]
            x, y = (float(v) for v in result.coords[i])
            membership = current.get(idea_id)
            target = by_number[number]
            if membership is None:
                created.append(
                    ClusterMembership(
                        cluster=target,
                        idea_id=idea_id,
                        scope=run.scope,
                        similarity=plan.similarity[idea_id],
                        x=x,
                        y=y,
                    )
                )
                continue
            membership.cluster_id = target.pk
            membership.similarity = plan.similarity[idea_id]
            membership.x, membership.y = x, y
            changed.append(membership)
        # bulk_update leaves updated_at alone: it marks a person's edits only.
        ClusterMembership.objects.bulk_update(
            changed, ["cluster", "similarity", "x", "y"], batch_size=500
        )
        ClusterMembership.objects.bulk_create(created, batch_size=500)
        ClusterMembership.objects.filter(
            scope=run.scope, cluster__event=run.event, idea_id__in=plan.removed
        ).delete()

        sizes = dict(
            ClusterMembership.objects.filter(cluster__in=list(clusters))
            .values_list("cluster")
            .annotate(n=Count("pk"))
        )
        members_after: dict[int, set[int]] = {}
        for idea_id, cluster_id in ClusterMembership.objects.filter(
            cluster__in=list(clusters)
        ).values_list("idea_id", "cluster_id"):
            members_after.setdefault(cluster_id, set()).add(idea_id)
        emptied = []
        for cluster in clusters.values():
            cluster.size = sizes.get(cluster.pk, 0)
            if cluster.is_active and not cluster.size:
                cluster.is_active = False
                emptied.append({"number": cluster.number, "label": cluster.label})
            elif cluster.size and not cluster.is_active:
                # An emptied cluster the model fills again comes back.
                cluster.is_active = True
                cluster.merged_into = None
            if cluster.pk in before and (
                before[cluster.pk] != (cluster.label, cluster.is_active)
                or members_before.get(cluster.pk, set())
                != members_after.get(cluster.pk, set())
            ):
                # Open edit forms of this cluster are now out of date.
                cluster.version += 1
        Cluster.objects.bulk_update(
            list(clusters.values()),
            ["label", "keywords", "size", "is_active", "merged_into", "version"],
        )

        run.changes = {
            "moved": plan.moved[:MOVED_LIMIT],
            "moved_count": len(plan.moved),
            "added": plan.added,
            "removed": len(plan.removed),
            "new_clusters": new_clusters,
            "emptied_clusters": emptied,
            "relabelled": relabelled,
            "edits_kept": ClusterEdit.objects.filter(
                event=run.event, scope=run.scope, created_at__gt=result.read_at
            ).count(),
            "ideas_kept": plan.kept,
        }
        n_clusters = sum(1 for c in clusters.values() if c.is_active)
        _record(run=run, result=result, plan=plan, clock=clock, n_clusters=n_clusters)
        run.save(
            update_fields=[
                "status",
                "progress",
                "stage",
                "finished_at",
                "heartbeat_at",
                "n_ideas",
                "n_clusters",
                "unclustered",
                "changed_assignments",
                "seconds",
                "assignments",
                "changes",
                "encoder_id",
            ]
        )


def _record(*, run, result: _Result, plan: _Plan, clock: float, n_clusters) -> None:
    run.n_ideas = len(result.ideas)
    run.n_clusters = (
        n_clusters if n_clusters is not None else len(set(plan.final.values()))
    )
    run.unclustered = plan.unclustered
    run.changed_assignments = len(plan.moved)
    run.assignments = {str(k): v for k, v in sorted(plan.final.items())}
    if not run.changes:
        run.changes = {
            "moved": plan.moved[:MOVED_LIMIT],
            "moved_count": len(plan.moved),
            "added": plan.added,
            "removed": len(plan.removed),
            "new_clusters": [
                {"number": n, "label": _fit_label(plan.labels.get(n), n)}
                for n in plan.new_numbers
            ],
            "emptied_clusters": [],
            "relabelled": [],
            "edits_kept": 0,
            "ideas_kept": plan.kept,
        }
    run.status = ClusteringRun.Status.DONE
    run.progress = 100
    run.stage = _("Finished")
    run.finished_at = run.heartbeat_at = timezone.now()
    run.seconds = time.monotonic() - clock


def _fit_label(label: str | None, number: int) -> str:
    label = normalize_text(label or "", multiline=False)[:LABEL_MAX_LENGTH]
    return label or _("Cluster %(number)s") % {"number": number}


# Facilitators' edits ----------------------------------------------------------


def _check_actor(*, actor, event) -> None:
    # Unlike the other services, an edit always has a person behind it.
    access.require(
        access.can_facilitate(actor, event),
        _("You may not change this event's clusters."),
    )


def _conflict_message(cluster: Cluster) -> str:
    last_edit = (
        ClusterEdit.objects.filter(cluster=cluster)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    last_run = (
        ClusteringRun.objects.filter(
            event_id=cluster.event_id,
            scope=cluster.scope,
            status=ClusteringRun.Status.DONE,
        )
        .order_by("-finished_at")
        .first()
    )
    if last_edit is not None and (
        last_run is None or last_run.finished_at <= last_edit.created_at
    ):
        who = _person(last_edit.actor)
    elif last_run is not None:
        who = _("A clustering run")
    else:
        who = _("Someone else")
    if not cluster.is_active and cluster.merged_into_id:
        target = cluster.merged_into
        now = _("it was merged into “%(label)s”") % {"label": target.label}
    elif not cluster.is_active:
        now = _("it no longer holds any ideas")
    else:
        now = ngettext(
            "it is now called “%(label)s” and holds %(size)s idea",
            "it is now called “%(label)s” and holds %(size)s ideas",
            cluster.size,
        ) % {"label": cluster.label, "size": cluster.size}
    return _(
        "%(who)s changed this cluster while you were editing: %(now)s. Your "
        "change was not saved; here it is again so you can re-apply it."
    ) % {"who": who, "now": now}


def _lock_cluster(cluster: Cluster, version: int | None) -> Cluster:
    current = (
        Cluster.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=cluster.pk)
    )
    if version is not None and current.version != int(version):
        raise EditConflict(cluster=current, message=_conflict_message(current))
    if not current.is_active:
        raise ValidationError(
            _("This cluster is no longer in use; reload the page."), code="inactive"
        )
    return current


def _clean_label(label: str) -> str:
    label = normalize_text(label or "", multiline=False)
    if not label:
        raise ValidationError(_("Give the cluster a name."), code="label")
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(
            _("A cluster's name can be at most %(max)s characters long."),
            code="label",
            params={"max": LABEL_MAX_LENGTH},
        )
    return label


def _log(*, cluster: Cluster, action: str, actor, detail: dict) -> ClusterEdit:
    edit = ClusterEdit(
        event_id=cluster.event_id,
        scope=cluster.scope,
        cluster=cluster,
        action=action,
        actor=actor,
        detail=detail,
    )
    edit.full_clean()
    edit.save()
    return edit


def _resize(clusters: list[Cluster]) -> None:
    sizes = dict(
        ClusterMembership.objects.filter(cluster__in=clusters)
        .values_list("cluster")
        .annotate(n=Count("pk"))
    )
    for cluster in clusters:
        cluster.size = sizes.get(cluster.pk, 0)


def _bump(cluster: Cluster, *fields: str) -> None:
    cluster.version += 1
    cluster.save(update_fields=["version", "size", "updated_at", *fields])


def cluster_rename(*, cluster: Cluster, label: str, actor, version: int) -> Cluster:
    """Give a cluster a person's name, which no re-run changes.

    Raises PermissionDenied, ValidationError (empty or longer than 200
    characters) or EditConflict when ``version`` is out of date.
    """
    _check_actor(actor=actor, event=cluster.event)
    label = _clean_label(label)
    with transaction.atomic():
        current = _lock_cluster(cluster, version)
        old = current.label
        current.label = label
        current.label_source = Cluster.LabelSource.FACILITATOR
        current.full_clean(validate_constraints=False)
        _bump(current, "label", "label_source")
        _log(
            cluster=current,
            action=ClusterEdit.Action.RENAME,
            actor=actor,
            detail={"number": current.number, "old": old, "new": label},
        )
    return current


def cluster_merge(
    *, target: Cluster, others: list[Cluster], actor, versions: dict[int, int]
) -> Cluster:
    """Merge ``others`` into ``target``: their ideas move over, pins and all.

    The merged clusters are kept, inactive, pointing at ``target``, so a
    re-run and the history can still tell where their ideas went.
    ``versions`` maps cluster ids to the versions the facilitator saw; a
    cluster missing from it is not checked.
    """
    _check_actor(actor=actor, event=target.event)
    other_ids = sorted({other.pk for other in others} - {target.pk})
    if not other_ids:
        raise ValidationError(
            _("Choose at least one other cluster to merge into this one."),
            code="merge",
        )
    with transaction.atomic():
        locked = {
            cluster.pk: cluster
            for cluster in Cluster.objects.select_for_update()
            .filter(pk__in=[target.pk, *other_ids])
            .order_by("pk")
        }
        for pk in [target.pk, *other_ids]:
            # Keys may arrive as strings from a form or JSON.
            _lock_cluster(locked[pk], versions.get(pk, versions.get(str(pk))))
        current = locked[target.pk]
        merged = [locked[pk] for pk in other_ids]
        if any(
            (c.event_id, c.scope) != (current.event_id, current.scope) for c in merged
        ):
            raise ValidationError(
                _("Only clusters of the same event and theme can be merged."),
                code="merge",
            )
        memberships = ClusterMembership.objects.filter(cluster__in=merged)
        idea_ids = sorted(memberships.values_list("idea_id", flat=True))
        memberships.update(cluster=current, updated_at=timezone.now())
        for cluster in merged:
            cluster.is_active = False
            cluster.merged_into = current
            cluster.size = 0
            _bump(cluster, "is_active", "merged_into")
        _resize([current])
        _bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.MERGE,
            actor=actor,
            detail={
                "number": current.number,
                "merged": [
                    {"id": c.pk, "number": c.number, "label": c.label} for c in merged
                ],
                "ideas": idea_ids,
            },
        )
    return current


def _members(cluster: Cluster, ideas: list[Idea]) -> list[int]:
    wanted = {idea.pk for idea in ideas}
    found = set(
        ClusterMembership.objects.filter(
            cluster=cluster, idea_id__in=wanted
        ).values_list("idea_id", flat=True)
    )
    if found != wanted:
        raise ValidationError(
            _("Some of the chosen ideas are not in this cluster any more."),
            code="not_members",
        )
    return sorted(found)


def cluster_split(
    *, cluster: Cluster, ideas: list[Idea], label: str, actor, version: int
) -> Cluster:
    """Split ``ideas`` off ``cluster`` into a new cluster named ``label``.

    The ideas are pinned there (a person decided where they belong); the new
    cluster gets the scope's next number. Returns the new cluster.
    """
    _check_actor(actor=actor, event=cluster.event)
    label = _clean_label(label)
    with transaction.atomic():
        current = _lock_cluster(cluster, version)
        idea_ids = _members(current, ideas)
        if not idea_ids or len(idea_ids) >= current.size:
            raise ValidationError(
                _(
                    "Choose some of the cluster's ideas to split off, but not all "
                    "of them."
                ),
                code="split",
            )
        number = (
            Cluster.objects.filter(
                event_id=current.event_id, scope=current.scope
            ).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        new = Cluster(
            event_id=current.event_id,
            scope=current.scope,
            number=number,
            label=label,
            label_source=Cluster.LabelSource.FACILITATOR,
        )
        new.full_clean()
        new.save()
        ClusterMembership.objects.filter(cluster=current, idea_id__in=idea_ids).update(
            cluster=new,
            pinned=True,
            source=ClusterMembership.Source.FACILITATOR,
            updated_at=timezone.now(),
        )
        _resize([current, new])
        new.save(update_fields=["size"])
        _bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.SPLIT,
            actor=actor,
            detail={
                "number": current.number,
                "new_cluster": new.pk,
                "new_number": new.number,
                "label": label,
                "ideas": idea_ids,
            },
        )
    return new


def cluster_move_ideas(
    *, ideas: list[Idea], target: Cluster, actor, version: int | None = None
) -> Cluster:
    """Move ideas into ``target`` and pin them there.

    Ideas may come from any cluster of the same scope or from none; they must
    belong to the event (and to the theme, for a theme's clusters) and be
    neither rejected nor merged duplicates. Clusters left empty become
    inactive. ``version`` (optional) is checked against ``target``'s.
    """
    _check_actor(actor=actor, event=target.event)
    if not ideas:
        raise ValidationError(_("Choose the ideas to move."), code="move")
    with transaction.atomic():
        current = _lock_cluster(target, version)
        idea_ids = sorted({idea.pk for idea in ideas})
        allowed = clusterable_ideas(event=current.event, scope="").filter(
            pk__in=idea_ids
        )
        if current.scope:
            allowed = allowed.filter(
                Q(theme__code=current.scope)
                | Q(cluster_memberships__scope=current.scope)
            )
        if set(allowed.values_list("pk", flat=True)) != set(idea_ids):
            raise ValidationError(
                _(
                    "Only ideas of this event (and theme) that are neither "
                    "rejected nor merged duplicates can be moved here."
                ),
                code="move",
            )
        existing = {
            m.idea_id: m
            for m in ClusterMembership.objects.select_related("cluster").filter(
                scope=current.scope, idea_id__in=idea_ids
            )
        }
        sources = {
            m.cluster_id: m.cluster
            for m in existing.values()
            if m.cluster_id != current.pk
        }
        moved_from = {
            str(idea_id): m.cluster.number
            for idea_id, m in existing.items()
            if m.cluster_id != current.pk
        }
        now = timezone.now()
        ClusterMembership.objects.filter(
            pk__in=[m.pk for m in existing.values()]
        ).update(
            cluster=current,
            pinned=True,
            source=ClusterMembership.Source.FACILITATOR,
            updated_at=now,
        )
        ClusterMembership.objects.bulk_create(
            ClusterMembership(
                cluster=current,
                idea_id=idea_id,
                scope=current.scope,
                pinned=True,
                source=ClusterMembership.Source.FACILITATOR,
            )
            for idea_id in idea_ids
            if idea_id not in existing
        )
        old = list(Cluster.objects.select_for_update().filter(pk__in=list(sources)))
        _resize([current, *old])
        for cluster in old:
            if not cluster.size:
                cluster.is_active = False
            _bump(cluster, "is_active")
        _bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.MOVE,
            actor=actor,
            detail={"number": current.number, "ideas": idea_ids, "from": moved_from},
        )
    return current


def cluster_pin(
    *, cluster: Cluster, ideas: list[Idea], actor, pinned: bool = True
) -> int:
    """Pin ideas where they are, or unpin them to hand them back to the model.

    Returns how many ideas changed. A pin is not a conflicting edit: it
    leaves the cluster's version alone.
    """
    _check_actor(actor=actor, event=cluster.event)
    with transaction.atomic():
        idea_ids = _members(cluster, ideas)
        changed = ClusterMembership.objects.filter(
            cluster=cluster, idea_id__in=idea_ids
        ).exclude(pinned=pinned)
        changed_ids = sorted(changed.values_list("idea_id", flat=True))
        count = changed.update(
            pinned=pinned,
            source=(
                ClusterMembership.Source.FACILITATOR
                if pinned
                else ClusterMembership.Source.MODEL
            ),
            updated_at=timezone.now(),
        )
        if count:
            _log(
                cluster=cluster,
                action=ClusterEdit.Action.PIN if pinned else ClusterEdit.Action.UNPIN,
                actor=actor,
                detail={"number": cluster.number, "ideas": changed_ids},
            )
    return count
