"""The review queue of likely duplicate ideas, from cached vectors only.

Nothing here embeds a text or loads a model: a page that asks for the queue
works from the vectors the worker has already stored, and says how many ideas
are still waiting for one.
"""

import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from django.conf import settings
from django.db.models import F, Max, Q, QuerySet

from ideas.embedding import model_text, text_hash
from ideas.models import DuplicateDismissal, Idea, IdeaDecision, IdeaEmbedding

DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class DuplicateQueue:
    """Likely duplicate pairs of one event, most similar first.

    ``pairs`` holds at most ``limit`` of the ``total`` pairs found, each
    ``(idea_a, idea_b, similarity)`` with ``idea_a`` the lower number.
    ``missing_vectors`` counts the ideas the queue could not look at yet
    because the worker has not embedded them with the current encoder.
    """

    pairs: list[tuple[Idea, Idea, float]] = field(default_factory=list)
    missing_vectors: int = 0
    total: int = 0
    encoder_id: str = ""
    threshold: float = 0.0


def _configured_encoder() -> tuple[str | None, float]:
    """The configured encoder's id (when known without loading it) and threshold.

    The threshold is a class attribute, read without building the encoder.
    The id of some encoders is only known once built (the lexical one hashes
    its fitted axes), so it is taken from the encoder when this process has
    already loaded it, and otherwise left for the stored vectors to tell.
    """
    from ml import encoders

    loaded = encoders.loaded_encoder(settings.ML_ENCODER)
    if loaded is not None:
        return loaded.id, float(loaded.duplicate_threshold)
    try:
        backend = encoders.encoder_class(settings.ML_ENCODER)
    except encoders.EncoderError:
        backend = encoders.Encoder
    return None, float(backend.duplicate_threshold)


def queue_threshold(encoder_threshold: float | None = None) -> float:
    """The similarity from which the queue lists a pair.

    The calibrated ``IDEAS_DUPLICATE_THRESHOLD`` (loadtest/bench_duplicates.py,
    docs/benchmarks.md), never below the encoder's own measured threshold:
    the setting is calibrated for the default encoder, and an encoder whose
    similarities run higher keeps its own floor.
    """
    if encoder_threshold is None:
        encoder_threshold = _configured_encoder()[1]
    return max(float(settings.IDEAS_DUPLICATE_THRESHOLD), float(encoder_threshold))


def closeness(similarity: float, threshold: float) -> str:
    """How close a pair is, in words a facilitator reads instead of a percentage.

    In the calibration (docs/benchmarks.md) every pair of the demo and the
    development set scored ``VERY_MARGIN`` or more above the threshold was a
    real duplicate; just above it sat the few look-alikes that were not.
    """
    if similarity >= threshold + VERY_MARGIN:
        return VERY_SIMILAR
    return SIMILAR


#: How far above the queue's threshold a pair is called very similar.
VERY_MARGIN = 0.04
#: The words for :func:`closeness`.
VERY_SIMILAR = "very_similar"
SIMILAR = "similar"


def pair_stamp(*ideas: Idea) -> str:
    """A short fingerprint of the ideas as shown, to refuse a decision made on
    a page older than the ideas (edited, merged or decided since)."""
    parts = [
        f"{idea.pk}:{idea.updated_at.isoformat() if idea.updated_at else ''}:"
        f"{idea.duplicate_of_id or ''}:{idea.status}"
        for idea in sorted(ideas, key=lambda idea: idea.pk)
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _text_hash(title: str, problem: str, solution: str) -> str:
    # The key ideas_embed() stores: a vector made before an edit no longer
    # stands for the idea. Plain values, not models: building 2,000 Idea
    # objects cost more than comparing their vectors.
    return text_hash(
        model_text(SimpleNamespace(title=title, problem=problem, solution=solution))
    )


def duplicate_candidates_eligible(*, event) -> QuerySet[Idea]:
    """The event's ideas that may still be paired: not rejected, not merged."""
    return Idea.objects.of_event(event).open().order_by("number")


def duplicate_candidates(
    *,
    event,
    limit: int = DEFAULT_LIMIT,
    encoder_id: str | None = None,
    threshold: float | None = None,
) -> DuplicateQueue:
    """Pairs of the event's ideas that are likely the same proposal.

    Ideas are compared by their cached vectors for ``encoder_id`` (by default
    the configured encoder's) from ``threshold`` (by default
    :func:`queue_threshold`), so a Thai idea and its English restatement
    pair up with a multilingual encoder. Rejected ideas, ideas merged into
    another and pairs a facilitator dismissed are left out.
    """
    from ml.duplicates import Duplicates
    from ml.pipeline import align_languages

    configured_id, encoder_threshold = _configured_encoder()
    if threshold is None:
        threshold = queue_threshold(encoder_threshold)
    ideas = list(
        duplicate_candidates_eligible(event=event).values_list(
            "pk", "title", "problem", "solution", "language"
        )
    )
    if encoder_id is None:
        encoder_id = configured_id
    if encoder_id is None:
        # The worker writes vectors with the configured encoder, so the
        # newest stored vector names it.
        encoder_id = (
            IdeaEmbedding.objects.filter(idea__event=event)
            .order_by("-created_at", "-pk")
            .values_list("encoder_id", flat=True)
            .first()
        )
    if not ideas or encoder_id is None:
        return DuplicateQueue(
            missing_vectors=len(ideas), encoder_id=encoder_id or "", threshold=threshold
        )

    stored = {
        idea_id: (text_hash, vector)
        for idea_id, text_hash, vector in IdeaEmbedding.objects.filter(
            idea__event=event, encoder_id=encoder_id
        ).values_list("idea_id", "text_hash", "vector")
    }
    with_vector, rows, languages = [], [], []
    for pk, *text, language in ideas:
        found = stored.get(pk)
        if found is None or found[0] != _text_hash(*text):
            continue
        with_vector.append(pk)
        rows.append(np.frombuffer(bytes(found[1]), dtype=np.float32))
        languages.append(language)
    missing = len(ideas) - len(with_vector)
    if len(with_vector) < 2 or len({len(row) for row in rows}) != 1:
        return DuplicateQueue(
            missing_vectors=missing, encoder_id=encoder_id, threshold=threshold
        )

    # Compared as a clustering run compares them: each language's ideas
    # moved to the event's mean (ml.pipeline), which put a Thai idea and its
    # English restatement nearer each other on a held-out set.
    vectors = align_languages(np.stack(rows), languages)
    found = Duplicates(threshold=threshold).fit(vectors).pairs_
    dismissed = set(
        DuplicateDismissal.objects.filter(idea_low__event=event).values_list(
            "idea_low_id", "idea_high_id"
        )
    )
    # Rows follow the ideas' numbers, so the first of a pair is the earlier idea.
    pairs = []
    for i, j, similarity in found:
        a, b = with_vector[i], with_vector[j]
        if (min(a, b), max(a, b)) not in dismissed:
            pairs.append((a, b, similarity))
    shown = pairs[:limit]
    by_pk = Idea.objects.select_related("theme").in_bulk(
        {pk for a, b, _similarity in shown for pk in (a, b)}
    )
    return DuplicateQueue(
        pairs=[(by_pk[a], by_pk[b], similarity) for a, b, similarity in shown],
        missing_vectors=missing,
        total=len(pairs),
        encoder_id=encoder_id,
        threshold=threshold,
    )


def duplicates_merged(*, event) -> list[Idea]:
    """The event's ideas merged into another, grouped by the idea that carries on."""
    return list(
        Idea.objects.of_event(event)
        .filter(duplicate_of__isnull=False)
        .select_related("theme", "duplicate_of", "duplicate_of__theme")
        .order_by("duplicate_of__number", "number")
    )


@dataclass(frozen=True)
class RecentDecision:
    """A merge or a "not duplicates" still in effect, newest first in the queue.

    For a merge ``first`` is the idea merged and ``second`` the idea kept;
    for a dismissal they are the pair, lower number first.
    """

    kind: str
    at: object
    first: Idea
    second: Idea


MERGE, DISMISSAL = "merge", "dismissal"


def duplicates_recent(*, event, limit: int = 10) -> list[RecentDecision]:
    """The event's latest merges and dismissals that can still be undone."""
    merged = (
        Idea.objects.of_event(event)
        .filter(duplicate_of__isnull=False)
        .select_related("duplicate_of")
        .annotate(
            merged_at=Max(
                "decisions__created_at",
                filter=Q(decisions__field=IdeaDecision.Field.DUPLICATE),
            )
        )
        .order_by(F("merged_at").desc(nulls_last=True), "-pk")[:limit]
    )
    dismissed = (
        DuplicateDismissal.objects.filter(idea_low__event=event)
        .select_related("idea_low", "idea_high")
        .order_by("-created_at", "-pk")[:limit]
    )
    found = [
        RecentDecision(MERGE, idea.merged_at, idea, idea.duplicate_of)
        for idea in merged
    ]
    found += [
        RecentDecision(
            DISMISSAL,
            row.created_at,
            *sorted((row.idea_low, row.idea_high), key=lambda idea: idea.number),
        )
        for row in dismissed
    ]
    # Sorted in Python: two tables, at most 2 * limit rows.
    found.sort(key=lambda row: row.at.timestamp() if row.at else 0, reverse=True)
    return found[:limit]


def idea_merges(*, idea: Idea) -> dict:
    """The merges an idea takes part in: ``into`` (the idea it repeats, or
    None) and ``merged`` (the ideas merged into it, by number)."""
    into = None
    if idea.duplicate_of_id:
        into = Idea.objects.filter(pk=idea.duplicate_of_id).first()
    merged = list(Idea.objects.filter(duplicate_of=idea).order_by("number"))
    return {"into": into, "merged": merged}
