"""A run's computation: embed, then ``ml.pipeline``, holding no lock.

What it returns is the model's view alone; ``_apply`` lays it over the
clusters as they are once it is done, so facilitators may edit meanwhile.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.embedding import model_text, theme_dicts
from ideas.models import ClusteringRun, Idea, Theme
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
    # Model cluster id -> the theme code it sits under ("" for none).
    groups: dict[int, str] = field(default_factory=dict)
    new_ids: list[int] = field(default_factory=list)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


_STAGES = {
    "align": (52, gettext_lazy("Aligning the languages")),
    "map": (55, gettext_lazy("Placing the ideas under the themes")),
    "words": (60, gettext_lazy("Reading the ideas' words")),
    "cluster": (65, gettext_lazy("Grouping the ideas within each theme")),
    "keywords": (80, gettext_lazy("Finding each cluster's keywords")),
    "duplicates": (85, gettext_lazy("Looking for duplicates")),
    "project": (88, gettext_lazy("Drawing the map")),
}


def _themes(run: ClusteringRun) -> list[dict] | None:
    """The themes a run of all the event's ideas follows; None for one theme's."""
    if run.scope:
        return None
    themes = Theme.objects.filter(event=run.event).order_by("sort_order", "pk")
    return theme_dicts(list(themes)) or None


def _given_theme(idea: Idea) -> str:
    # Any theme an idea has was given by a person (the participant, a
    # facilitator, or one accepting the model's suggestion).
    return idea.theme.code if idea.theme_id else ""


def compute(*, run: ClusteringRun, report, dry_run: bool) -> Result:
    """The model's clusters of the run's ideas; ``report(percent, stage)`` as it goes.

    Raises ValidationError when fewer than MIN_IDEAS ideas are left to cluster.
    """
    from ml.encoders import get_encoder
    from ml.pipeline import EventPipeline

    report(1, _("Loading the language model"))
    encoder = get_encoder(settings.ML_ENCODER)
    run.encoder_id = encoder.id[:100]
    if not dry_run:
        ClusteringRun.objects.filter(pk=run.pk).update(encoder_id=run.encoder_id)

    # Edits made after this instant are the facilitators' news, which the
    # run must not overwrite (see _apply.make_plan).
    read_at = timezone.now()
    ideas = list(
        clusterable_ideas(event=run.event, scope=run.scope)
        .select_related("theme")
        .order_by("pk")
    )
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
    themes = _themes(run)
    # A cluster made before clusters followed the themes has no group: the
    # pipeline places it by its ideas' themes.
    previous_groups = {
        c.number: (c.group or "") if themes else None
        for c in by_pk.values()
        if c.group is not None
    }

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

    params = run.parameters or DEFAULT_PARAMETERS
    pipeline = EventPipeline(
        encoder=encoder,
        n_clusters=params.get("n_clusters", "auto"),
        duplicate_threshold=0,
        random_state=params.get("random_state", 0),
    ).fit(
        np.vstack(parts).astype(np.float32),
        [_given_theme(idea) for idea in ideas],
        texts=[model_text(idea) for idea in ideas],
        titles=[idea.title for idea in ideas],
        # Ideas in both languages at once are left where the encoder put them.
        languages=[idea.language for idea in ideas],
        themes=themes,
        ids=[idea.pk for idea in ideas],
        previous=previous,
        previous_groups=previous_groups,
        pins=pins,
        progress=lambda name: report(*_STAGES[name]),
    )
    ids = pipeline.cluster_ids_.tolist()
    groups = [
        run.scope if group is None else group for group in pipeline.cluster_groups_
    ]
    return Result(
        read_at=read_at,
        ideas=ideas,
        labels=pipeline.labels_,
        old_ids=set(previous.values()),
        described=pipeline.described_,
        similarity=pipeline.similarity_,
        coords=pipeline.coords_,
        centres=dict(zip(ids, pipeline.cluster_centers_, strict=True)),
        vectors=pipeline.vectors_,
        groups=dict(zip(ids, groups, strict=True)),
        new_ids=list(pipeline.new_clusters_),
    )
