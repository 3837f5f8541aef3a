"""Reads of the triage screen: an event's queue in order, one idea's neighbours,
its most similar ideas and the model's suggestion put into words.

The queue is an event's ideas still to be placed (not merged into another),
narrowed by status, theme and language, oldest first: the order in which
participants sent them, so nobody's idea waits behind later ones.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas.embedding import model_text, text_hash
from ideas.models import Idea, IdeaEmbedding

#: The theme filter's value for ideas without a theme.
NO_THEME = "none"
#: How many similar ideas the screen lists.
SIMILAR_SHOWN = 5
# A suggestion whose theme takes this share of the model's probability stands
# out clearly from the other themes; below it, the others are close behind.
CLEAR_SUGGESTION = 0.9
# Excerpts in listings: enough to tell ideas apart, not the whole text.
EXCERPT_CHARS = 120


def triage_queue(
    *, event, status: str = "", theme: str = "", language: str = ""
) -> QuerySet[Idea]:
    """The event's ideas in the triage queue, oldest first.

    ``status`` and ``language`` are field values ("" for any); ``theme`` is a
    theme's code, :data:`NO_THEME` or "" for any. Ideas merged into another
    are left out: the idea they were merged into speaks for them.
    """
    ideas = Idea.objects.of_event(event).filter(duplicate_of__isnull=True)
    if status:
        ideas = ideas.filter(status=status)
    if theme == NO_THEME:
        ideas = ideas.filter(theme__isnull=True)
    elif theme:
        ideas = ideas.filter(theme__code=theme)
    if language:
        ideas = ideas.filter(language=language)
    return ideas.select_related("theme", "suggested_theme").order_by("created_at", "pk")


def _later_than(idea: Idea) -> Q:
    return Q(created_at__gt=idea.created_at) | Q(
        created_at=idea.created_at, pk__gt=idea.pk
    )


def triage_next(*, queue: QuerySet[Idea], idea: Idea) -> Idea | None:
    """The idea after ``idea`` in ``queue``, else the queue's first other idea.

    ``idea`` need not be in the queue any more (just accepted, say): what
    follows is what came in after it. Wrapping round brings back the ideas
    skipped earlier.
    """
    return queue.filter(_later_than(idea)).first() or queue.exclude(pk=idea.pk).first()


def triage_previous(*, queue: QuerySet[Idea], idea: Idea) -> Idea | None:
    """The idea before ``idea`` in ``queue``, or None at its start."""
    earlier = Q(created_at__lt=idea.created_at) | Q(
        created_at=idea.created_at, pk__lt=idea.pk
    )
    return queue.filter(earlier).order_by("-created_at", "-pk").first()


def triage_position(*, queue: QuerySet[Idea], idea: Idea) -> int | None:
    """Where ``idea`` stands in ``queue`` (1 for the first), None if not in it."""
    if not queue.filter(pk=idea.pk).exists():
        return None
    earlier = Q(created_at__lt=idea.created_at) | Q(
        created_at=idea.created_at, pk__lt=idea.pk
    )
    return queue.filter(earlier).count() + 1


def triage_idea(*, event, pk) -> Idea | None:
    """One idea of ``event`` with what the screen shows of it, or None."""
    return (
        Idea.objects.of_event(event)
        .select_related("theme", "suggested_theme", "duplicate_of")
        .prefetch_related("tags")
        .filter(pk=pk)
        .first()
    )


def idea_version(idea: Idea) -> str:
    """A token that changes whenever someone changes the idea's decisions.

    The screen sends it back with a decision, so a decision taken on what
    someone else has changed since can be refused.
    """
    return idea.updated_at.isoformat() if idea.updated_at else ""


@dataclass(frozen=True)
class SimilarIdea:
    """An idea of the same event close in meaning to the one on screen."""

    idea: Idea
    likely_duplicate: bool


def _duplicate_threshold() -> float:
    from ml import encoders

    try:
        return float(encoders.encoder_class(settings.ML_ENCODER).duplicate_threshold)
    except encoders.EncoderError:
        return float(encoders.Encoder.duplicate_threshold)


def triage_similar(*, idea: Idea, limit: int = SIMILAR_SHOWN) -> list[SimilarIdea]:
    """The event's open ideas most similar to ``idea``, most similar first.

    From the vectors the worker has stored only (no model is loaded during a
    request); an idea without a current vector has no similar ideas yet. Those
    past the encoder's duplicate threshold are flagged as likely duplicates.
    """
    own = (
        IdeaEmbedding.objects.filter(idea=idea, text_hash=text_hash(model_text(idea)))
        .order_by("-created_at", "-pk")
        .values_list("encoder_id", "vector")
        .first()
    )
    if own is None:
        return []
    encoder_id, vector = own
    target = np.frombuffer(bytes(vector), dtype=np.float32)
    others = (
        Idea.objects.of_event(idea.event_id)
        .open()
        .exclude(pk=idea.pk)
        .values_list("pk", "title", "problem", "solution")
    )
    hashes = {
        pk: text_hash("\n".join(part for part in parts if part))
        for pk, *parts in others
    }
    rows = IdeaEmbedding.objects.filter(
        idea_id__in=hashes, encoder_id=encoder_id
    ).values_list("idea_id", "text_hash", "vector")
    ids, vectors = [], []
    for pk, stored_hash, stored in rows:
        row = np.frombuffer(bytes(stored), dtype=np.float32)
        if stored_hash == hashes[pk] and row.shape == target.shape:
            ids.append(pk)
            vectors.append(row)
    if not ids:
        return []
    similarities = np.stack(vectors) @ target
    order = np.argsort(-similarities, kind="stable")[:limit]
    by_pk = Idea.objects.select_related("theme").in_bulk([ids[i] for i in order])
    threshold = _duplicate_threshold()
    return [
        SimilarIdea(
            idea=by_pk[ids[i]], likely_duplicate=float(similarities[i]) >= threshold
        )
        for i in order
    ]


@dataclass(frozen=True)
class SuggestionSummary:
    """The model's theme suggestion in words, with one reason a person can check.

    ``headline`` is "Likely Digital", "Possibly Digital" or "Can't decide";
    ``evidence`` says how many of the most similar ideas with a confirmed
    theme are under it. No percentage: the model's probability is shared out
    among the event's themes, and beside similarity figures it read as a
    contradiction.
    """

    headline: str
    evidence: str
    theme_id: int | None

    def __str__(self) -> str:
        return f"{self.headline}: {self.evidence}" if self.evidence else self.headline


def _nearest_codes(idea: Idea) -> list[str]:
    reasons = idea.suggestion_reasons
    if not isinstance(reasons, dict):
        return []
    return [
        str(near.get("theme") or "")
        for near in reasons.get("nearest") or []
        if isinstance(near, dict)
    ]


def suggestion_summary(idea: Idea) -> SuggestionSummary | None:
    """The model's suggestion for ``idea`` in words, or None when it made none.

    Reads ``idea.suggested_theme`` (fetch it with the idea).
    """
    if idea.suggestion_confidence is None:
        return None
    codes = _nearest_codes(idea)
    theme = idea.suggested_theme
    if theme is None:
        if codes:
            evidence = _(
                "its most similar ideas with a theme do not point to one clearly"
            )
        else:
            evidence = _("no idea with a theme is similar enough")
        return SuggestionSummary(
            headline=_("Can't decide"), evidence=evidence, theme_id=None
        )
    if idea.suggestion_confidence >= CLEAR_SUGGESTION:
        headline = _("Likely %(theme)s") % {"theme": theme.name}
    else:
        headline = _("Possibly %(theme)s") % {"theme": theme.name}
    if not codes:
        evidence = _("from the theme's description; no idea has this theme yet")
    else:
        agreeing = sum(code == theme.code for code in codes)
        evidence = ngettext(
            "%(agreeing)d of the %(count)d most similar ideas with a theme is under it",
            "%(agreeing)d of the %(count)d most similar ideas with a theme are "
            "under it",
            agreeing,
        ) % {"agreeing": agreeing, "count": len(codes)}
    return SuggestionSummary(headline=headline, evidence=evidence, theme_id=theme.pk)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut at a word near ``limit`` characters, with "…"."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    # Thai has no spaces between words; cut at a space only when one is near.
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + "…"
