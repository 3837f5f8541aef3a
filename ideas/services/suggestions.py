"""Embeddings and theme suggestions: the offline model's writes."""

import hashlib

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ideas.models import Idea, IdeaEmbedding, Theme


def _model_text(idea: Idea) -> str:
    return "\n".join(part for part in (idea.title, idea.problem, idea.solution) if part)


def ideas_embed(*, ideas: list[Idea], encoder) -> np.ndarray:
    """The ideas' vectors from ``encoder``, embedding only those not cached.

    Returns a float32 array with one row per idea, in order.
    """
    texts = {idea.pk: _model_text(idea) for idea in ideas}
    hashes = {
        pk: hashlib.sha256(text.encode()).hexdigest() for pk, text in texts.items()
    }
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
    return np.stack([cached[idea.pk] for idea in ideas]) if ideas else np.zeros((0, 0))


def idea_suggest_theme(*, idea: Idea) -> Idea:
    """Suggest a theme for an idea, or say the model cannot decide.

    The mapper learns from the event's themes (both languages) and from the
    themes people gave its other ideas; its suggestion, confidence and model
    are stored beside the idea's theme and never replace it. An abstention
    leaves ``suggested_theme`` empty with the confidence it had.
    """
    from ml.encoders import get_encoder
    from ml.themes import ABSTAIN, ThemeMapper

    themes = list(Theme.objects.filter(event_id=idea.event_id))
    if not themes:
        return idea
    encoder = get_encoder(settings.ML_ENCODER)
    others = list(
        Idea.objects.filter(event_id=idea.event_id)
        .exclude(pk=idea.pk)
        .exclude(status=Idea.Status.REJECTED)
        .select_related("theme")
    )
    vectors = ideas_embed(ideas=[*others, idea], encoder=encoder)
    people = {Idea.ThemeSource.PARTICIPANT, Idea.ThemeSource.FACILITATOR}
    labels = [
        other.theme.code if other.theme and other.theme_source in people else ""
        for other in others
    ]
    mapper = ThemeMapper(
        [
            {
                "code": theme.code,
                "name": " / ".join(filter(None, (theme.name_th, theme.name_en))),
                "description": "\n".join(
                    filter(None, (theme.description_th, theme.description_en))
                ),
            }
            for theme in themes
        ],
        encoder=encoder,
    ).fit(vectors[:-1] if others else None, labels if others else None)
    target = vectors[-1:]
    code = mapper.predict(target)[0]
    confidence = float(mapper.predict_proba(target).max())
    by_code = {theme.code: theme for theme in themes}
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(
            suggested_theme=by_code.get(code) if code != ABSTAIN else None,
            suggestion_confidence=confidence,
            suggestion_model=encoder.id,
            suggested_at=timezone.now(),
        )
    idea.refresh_from_db()
    return idea
