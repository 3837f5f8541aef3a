"""A run's computation: embed, cluster, describe and map, holding no lock.

What it returns is the model's view alone; ``_apply`` lays it over the
clusters as they are once it is done, so facilitators may edit meanwhile.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ideas.embedding import model_text
from ideas.models import ClusteringRun, Idea
from ideas.selectors.clusters import clusterable_ideas
from ideas.services.clusters._common import (
    DEFAULT_PARAMETERS,
    MIN_IDEAS,
    current_state,
    resolve,
    too_few_message,
)
from ideas.services.suggestions import ideas_embed

# Ideas embedded per step: each step reports progress and proves the worker
# alive, and the default model embeds a step in a few seconds.
_EMBED_STEP = 128


@dataclass
class Result:
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


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def compute(*, run: ClusteringRun, report, dry_run: bool) -> Result:
    """The model's clusters of the run's ideas; ``report(percent, stage)`` as it goes.

    Raises ValidationError when fewer than MIN_IDEAS ideas are left to cluster.
    """
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
    # run must not overwrite (see _apply.make_plan).
    read_at = timezone.now()
    ideas = list(clusterable_ideas(event=run.event, scope=run.scope).order_by("pk"))
    if len(ideas) < MIN_IDEAS:
        raise ValidationError(too_few_message(len(ideas)))
    state = current_state(run, lock=False)
    by_pk = state["clusters"]
    in_run = {idea.pk for idea in ideas}
    previous, pins = {}, {}
    for membership in state["memberships"]:
        if membership.idea_id not in in_run:
            continue
        cluster = resolve(by_pk.get(membership.cluster_id), by_pk)
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
    described = describe_clusters([model_text(idea) for idea in ideas], labels)
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
    return Result(
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
