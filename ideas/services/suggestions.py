"""Embeddings and theme suggestions: the offline model's writes."""

import logging

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from ideas import access
from ideas.embedding import model_text, text_hash, theme_mapper
from ideas.models import Idea, IdeaEmbedding, Theme
from ideas.services import _queue
from ml.text import tokenize

logger = logging.getLogger(__name__)

# Ideas embedded per transaction by ideas_embed_event: a worker stopped
# half-way keeps what it finished, and the next run starts from there.
EMBED_BATCH = 256
# Nearest ideas with a confirmed theme stored as the "why" of a suggestion.
REASON_NEAREST = 3
#: How long after asking the worker to embed an event's ideas before asking again.
EMBED_REQUEST_SECONDS = 300


def _embed(*, ideas: list[Idea], encoder) -> tuple[np.ndarray, int]:
    texts = {idea.pk: model_text(idea) for idea in ideas}
    hashes = {pk: text_hash(text) for pk, text in texts.items()}
    cached = {
        row.idea_id: np.frombuffer(bytes(row.vector), dtype=np.float32)
        for row in IdeaEmbedding.objects.filter(idea__in=ideas, encoder_id=encoder.id)
        if row.text_hash == hashes[row.idea_id]
    }
    missing = [idea for idea in ideas if idea.pk not in cached]
    if missing:
        vectors = encoder.encode([texts[idea.pk] for idea in missing])
        with transaction.atomic():
            IdeaEmbedding.objects.filter(
                idea__in=missing, encoder_id=encoder.id
            ).delete()
            IdeaEmbedding.objects.bulk_create(
                IdeaEmbedding(
                    idea=idea,
                    encoder_id=encoder.id,
                    text_hash=hashes[idea.pk],
                    vector=vector.astype(np.float32).tobytes(),
                )
                for idea, vector in zip(missing, vectors, strict=True)
            )
        cached.update(
            (idea.pk, vector.astype(np.float32))
            for idea, vector in zip(missing, vectors, strict=True)
        )
    if not ideas:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([cached[idea.pk] for idea in ideas]), len(missing)


def ideas_embed(*, ideas: list[Idea], encoder) -> np.ndarray:
    """The ideas' vectors from ``encoder``, embedding only those not cached.

    Vectors are cached per (encoder id, hash of the idea's text), so an edited
    idea is embedded again and a new encoder never reuses another's vectors.
    Returns a float32 array with one row per idea, in order.
    """
    return _embed(ideas=ideas, encoder=encoder)[0]


def ideas_embed_event(*, event_id: int) -> int:
    """Embed the event's ideas with the configured encoder, in batches.

    Rejected ideas are left out: nothing compares or clusters them. Runs in
    the worker (task ``embed_event_ideas``) when the encoder setting changed,
    so no page request waits for a model. Returns how many ideas were
    newly embedded.
    """
    from ml.encoders import get_encoder

    encoder = get_encoder(settings.ML_ENCODER)
    ideas = list(
        # Merged duplicates too, unlike .open(): they stay public, and the
        # participants' hints compare public ideas.
        Idea.objects.of_event(event_id)
        .exclude(status=Idea.Status.REJECTED)
        .only("pk", "title", "problem", "solution")
        .order_by("pk")
    )
    embedded = 0
    for start in range(0, len(ideas), EMBED_BATCH):
        embedded += _embed(ideas=ideas[start : start + EMBED_BATCH], encoder=encoder)[1]
    return embedded


def theme_suggestions_request(*, event, actor) -> None:
    """Have the worker suggest themes again for ``event``'s ideas that await one.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` may facilitate the event (None is the system).
    """
    access.require_facilitator(actor=actor, event=event)
    # Enqueued at once, not on commit: it comes with no write to wait for.
    _queue.enqueue("suggest_themes", event_id=event.pk)


def ideas_embed_request(*, event_id: int) -> None:
    """Have the worker embed the event's ideas that lack a vector for the encoder.

    For the pages that compare cached vectors (hints, the duplicates queue),
    which must never embed during a request. Asked at most once per
    ``EMBED_REQUEST_SECONDS`` per event; a worker that cannot be reached is
    logged, not raised: the page works with the vectors there are.
    """
    if not cache.add(f"ideas:embed-requested:{event_id}", 1, EMBED_REQUEST_SECONDS):
        return
    # Enqueued at once, not on commit: it comes with no write to wait for.
    try:
        _queue.enqueue("embed_event_ideas", event_id=event_id)
    except Exception:  # the vectors can wait; the page cannot
        logger.exception("could not enqueue embedding of event %s", event_id)


def _training_ideas(*, event_id: int):
    # Every theme set on an idea was set by a person: a model's suggestion
    # reaches ``theme`` only when a facilitator accepts it. Merged duplicates
    # would count their canonical idea twice.
    return Idea.objects.of_event(event_id).open().select_related("theme").order_by("pk")


class _Suggester:
    """A mapper fitted once on an event's ideas, and the reasons it can give."""

    def __init__(self, *, themes: list[Theme], encoder, ideas: list[Idea], vectors):
        self.encoder = encoder
        self.by_code = {theme.code: theme for theme in themes}
        labels = [idea.theme.code if idea.theme else "" for idea in ideas]
        self.mapper = theme_mapper(
            themes=themes,
            encoder=encoder,
            vectors=vectors if ideas else None,
            labels=labels if ideas else None,
        )
        labelled = [i for i, label in enumerate(labels) if label in self.by_code]
        self.labelled = [ideas[i] for i in labelled]
        self.labelled_vectors = (
            vectors[labelled] if labelled else np.zeros((0, 0), dtype=np.float32)
        )
        self._vocabularies: dict[str, set[str]] = {}

    def _vocabulary(self, code: str) -> set[str]:
        # Tokenising every confirmed idea of a theme costs time (Thai word
        # segmentation), so only for themes actually suggested, once each.
        if code not in self._vocabularies:
            position = list(self.mapper.classes_).index(code)
            words = set(self.mapper.theme_words_[position])
            for idea in self.labelled:
                if idea.theme.code == code:
                    words.update(tokenize(model_text(idea)))
            self._vocabularies[code] = words
        return self._vocabularies[code]

    def suggest(self, *, idea: Idea, vector: np.ndarray) -> dict:
        """The fields a suggestion for ``idea`` stores."""
        from ml.themes import ABSTAIN

        row = vector.reshape(1, -1)
        code = self.mapper.predict(row)[0]
        confidence = float(self.mapper.predict_proba(row).max())
        nearest = []
        if len(self.labelled):
            sims = self.labelled_vectors @ vector
            candidates = [
                i
                for i in np.argsort(-sims, kind="stable")
                if self.labelled[i].pk != idea.pk
            ]
            for i in candidates[:REASON_NEAREST]:
                other = self.labelled[i]
                nearest.append(
                    {
                        "idea": other.pk,
                        "number": other.number,
                        "title": other.title,
                        "theme": other.theme.code,
                        "similarity": round(float(sims[i]), 3),
                    }
                )
        keywords = []
        if code != ABSTAIN:
            vocabulary = self._vocabulary(code)
            keywords = list(
                dict.fromkeys(w for w in tokenize(model_text(idea)) if w in vocabulary)
            )
        return {
            "suggested_theme": self.by_code.get(code) if code != ABSTAIN else None,
            "suggestion_confidence": confidence,
            "suggestion_model": self.encoder.id,
            "suggestion_reasons": {"nearest": nearest, "keywords": keywords},
        }


def idea_suggest_theme(*, idea: Idea) -> Idea:
    """Suggest a theme for an idea, or say the model cannot decide.

    The mapper learns from the event's themes (both languages) and from every
    theme people confirmed on its other ideas (chosen, set or accepted from a
    suggestion); rejected ideas and merged duplicates do not count. The
    suggestion, its confidence, model and reasons (nearest confirmed ideas,
    shared keywords) are stored beside the idea's theme and never replace
    it. An abstention leaves ``suggested_theme`` empty with the confidence it
    had.
    """
    from ml.encoders import get_encoder

    themes = list(Theme.objects.filter(event_id=idea.event_id))
    if not themes:
        return idea
    encoder = get_encoder(settings.ML_ENCODER)
    others = list(_training_ideas(event_id=idea.event_id).exclude(pk=idea.pk))
    vectors = ideas_embed(ideas=[*others, idea], encoder=encoder)
    suggester = _Suggester(
        themes=themes, encoder=encoder, ideas=others, vectors=vectors[:-1]
    )
    fields = suggester.suggest(idea=idea, vector=vectors[-1])
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(**fields, suggested_at=timezone.now())
    idea.refresh_from_db()
    return idea


def ideas_suggest_themes(*, event_id: int, ideas=None) -> int:
    """Suggest themes for the event's ideas that await one, fitting the model once.

    An idea awaits a theme when it has none, is not rejected and is not a
    merged duplicate; ``ideas`` narrows the work to some of them. The theme
    itself is never touched, even if a person sets it meanwhile. Returns how
    many ideas got a suggestion (the others: "can't decide").
    """
    from ml.encoders import get_encoder

    themes = list(Theme.objects.filter(event_id=event_id))
    if not themes:
        return 0
    encoder = get_encoder(settings.ML_ENCODER)
    training = list(_training_ideas(event_id=event_id))
    awaiting = [idea for idea in training if idea.theme_id is None]
    if ideas is not None:
        wanted = {idea.pk for idea in ideas}
        awaiting = [idea for idea in awaiting if idea.pk in wanted]
    if not awaiting:
        return 0
    vectors = ideas_embed(ideas=training, encoder=encoder)
    suggester = _Suggester(
        themes=themes, encoder=encoder, ideas=training, vectors=vectors
    )
    row_of = {idea.pk: row for row, idea in enumerate(training)}
    now = timezone.now()
    suggested = 0
    with transaction.atomic():
        for idea in awaiting:
            fields = suggester.suggest(idea=idea, vector=vectors[row_of[idea.pk]])
            suggested += fields["suggested_theme"] is not None
            Idea.objects.filter(pk=idea.pk, theme__isnull=True).update(
                **fields, suggested_at=now
            )
    return suggested
