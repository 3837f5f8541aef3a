"""Similar accepted ideas and a suggested theme, for a participant still typing.

Answering must take a fraction of a second at an event of thousands of ideas
while the model runs on the same machine. So each process keeps, per event,
the matrix of its public ideas' cached vectors and a fitted theme mapper,
checked against a version stamp (one aggregate query) and rebuilt only when
it changes; a request then costs one encoding of the typed text and one
matrix product. No vector is ever made for stored ideas here, nor is the
worker asked for one: the hints say when some are missing
(``Hints.vectors_missing``), and the page asks the worker
(``ideas.services.ideas_embed_request``).
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Count, Max, Q, Sum

from ideas.embedding import model_text, text_hash, theme_mapper
from ideas.models import PUBLIC_STATUSES, Idea, IdeaEmbedding, Theme
from ml.text import normalize_text

#: Shorter text (after normalisation) says too little to compare.
HINT_MIN_CHARS = 10
#: The encoder's time grows with the text (multilingual-e5-small on two cores:
#: ~22 ms for 100 characters, ~55 ms for 300, ~160 ms for 800); the title and
#: the start of the problem say what an idea is about.
HINT_MAX_CHARS = 200
#: How long a fitted theme mapper serves while the event's ideas change.
MAPPER_MAX_AGE_SECONDS = 60
# Events whose index a process keeps; the least recently used goes first.
_MAX_EVENTS = 16
# Below this share of the encoder's duplicate threshold, an idea is not
# "similar" enough to show: five unrelated ideas would only distract.
_SIMILARITY_FLOOR = 0.5


@dataclass(frozen=True)
class Hints:
    """What the form shows beside a participant's draft.

    ``similar``: up to ``limit`` public ideas of the event, most similar first,
    each ``{"number", "title", "theme", "similarity", "url"}`` (theme: its
    name, or ""). ``theme``: the suggested Theme, or None when the model
    cannot decide; ``confidence`` its probability. ``vectors_missing``: some
    public ideas have no vector for the configured encoder yet, so the hints
    left them out; the worker should be asked to embed them.
    """

    similar: list[dict] = field(default_factory=list)
    theme: Theme | None = None
    confidence: float | None = None
    vectors_missing: bool = False

    def __bool__(self) -> bool:
        return bool(self.similar or self.theme)


@dataclass
class _Index:
    stamp: tuple
    vectors: np.ndarray
    ideas: list[tuple[int, str, int | None]]  # number, title, theme id
    themes: dict[int, Theme]
    mapper: object | None
    mapper_at: float = 0.0
    # Some public ideas had no vector of their current text when it was built.
    vectors_missing: bool = False


_indexes: "OrderedDict[int, _Index]" = OrderedDict()
# Guards the two dicts; each event's index is built under its own lock, so
# that one event's rebuild never holds up another's hints.
_lock = threading.Lock()
_building: dict[int, threading.Lock] = {}


def hint_text(*, title: str = "", problem: str = "", solution: str = "") -> str:
    """The draft's text as hints read it: normalised, title first, cut short."""
    text = " ".join(part for part in (title, problem, solution) if part)
    return normalize_text(text, multiline=False)[:HINT_MAX_CHARS]


def _stamp(*, event, encoder_id: str) -> tuple:
    mine = Q(embeddings__encoder_id=encoder_id)
    row = (
        Idea.objects.of_event(event)
        .public()
        .aggregate(
            n=Count("pk", distinct=True),
            # A sum of ids changes when one idea leaves the public list as
            # another joins it, which a count would miss.
            ids=Sum("pk", distinct=True),
            changed=Max("updated_at"),
            embedded=Count("embeddings", filter=mine),
            embedded_at=Max("embeddings__created_at", filter=mine),
        )
    )
    # Themes are edited on the event page: publishing it changes its stamp.
    return (
        encoder_id,
        event.last_published_at,
        row["n"],
        row["ids"],
        row["changed"],
        row["embedded"],
        row["embedded_at"],
    )


def _build(*, event, encoder, stamp: tuple, previous: _Index | None) -> _Index:
    ideas = list(
        Idea.objects.of_event(event)
        .public()
        .only("pk", "number", "title", "problem", "solution", "theme_id")
        .order_by("number")
    )
    stored = {
        idea_id: (digest, vector)
        for idea_id, digest, vector in IdeaEmbedding.objects.filter(
            idea__event_id=event.pk,
            idea__status__in=PUBLIC_STATUSES,
            encoder_id=encoder.id,
        ).values_list("idea_id", "text_hash", "vector")
    }
    rows, kept = [], []
    for idea in ideas:
        digest, vector = stored.get(idea.pk, (None, None))
        # A vector of an edited text would match the idea it was before.
        if digest is not None and digest == text_hash(model_text(idea)):
            rows.append(np.frombuffer(bytes(vector), dtype=np.float32))
            kept.append(idea)
    vectors = np.stack(rows) if rows else np.zeros((0, encoder.dim), np.float32)
    themes = {theme.pk: theme for theme in Theme.objects.filter(event_id=event.pk)}
    mapper, mapper_at = None, time.monotonic()
    if (
        previous is not None
        and previous.stamp[:2] == stamp[:2]
        and mapper_at - previous.mapper_at < MAPPER_MAX_AGE_SECONDS
    ):
        # Same encoder and themes: a mapper fitted moments ago still suggests
        # well, and refitting on every accepted idea would make participants
        # wait for it while facilitators accept ideas in bulk.
        mapper, mapper_at = previous.mapper, previous.mapper_at
    elif themes:
        codes = {pk: theme.code for pk, theme in themes.items()}
        labels = [codes.get(idea.theme_id, "") for idea in kept]
        mapper = theme_mapper(
            themes=list(themes.values()),
            encoder=encoder,
            vectors=vectors if kept else None,
            labels=labels if kept else None,
        )
    return _Index(
        stamp=stamp,
        vectors=vectors,
        ideas=[(idea.number, idea.title, idea.theme_id) for idea in kept],
        themes=themes,
        mapper=mapper,
        mapper_at=mapper_at,
        vectors_missing=len(kept) < len(ideas),
    )


def _index(*, event, encoder) -> tuple[_Index, bool]:
    """The event's index, and whether the worker should embed some of its ideas."""
    stamp = _stamp(event=event, encoder_id=encoder.id)
    # Some public ideas lack a vector for this encoder (it changed, or the
    # worker is behind): hints use those that have one meanwhile.
    missing = stamp[5] < stamp[2]
    with _lock:
        index = _indexes.get(event.pk)
        if index is not None and index.stamp == stamp:
            _indexes.move_to_end(event.pk)
            return index, missing
        building = _building.setdefault(event.pk, threading.Lock())
    # Requests arriving during a build wait for it rather than each
    # starting their own.
    with building:
        with _lock:
            previous = _indexes.get(event.pk)
        if previous is not None and previous.stamp == stamp:
            return previous, missing
        index = _build(event=event, encoder=encoder, stamp=stamp, previous=previous)
        with _lock:
            _indexes[event.pk] = index
            _indexes.move_to_end(event.pk)
            while len(_indexes) > _MAX_EVENTS:
                _indexes.popitem(last=False)
        # An edited idea's old vector counts in the stamp; only a build
        # finds that it no longer matches the text.
        return index, missing or index.vectors_missing


def idea_hints(*, event, text: str, limit: int = 5) -> Hints:
    """Public ideas of ``event`` similar to a draft, and a theme to suggest.

    Only accepted and shortlisted ideas are compared, never a submitted or
    rejected one, and only their number, title and theme are returned.
    Text shorter than :data:`HINT_MIN_CHARS` after normalisation gives empty
    hints. Ideas are compared through vectors already cached for the
    configured encoder; ``vectors_missing`` says when some have none, for the
    caller to ask the worker (``ideas.services.ideas_embed_request``). While
    this process is still loading the encoder, hints are empty at once: a
    participant typing does not wait for it, nor does a web worker time out.
    """
    from ml.encoders import load_in_background, loaded_encoder
    from ml.themes import ABSTAIN

    text = normalize_text(text or "", multiline=False)
    if len(text) < HINT_MIN_CHARS:
        return Hints()
    encoder = loaded_encoder(settings.ML_ENCODER)
    if encoder is None:
        load_in_background(settings.ML_ENCODER)
        return Hints()
    index, missing = _index(event=event, encoder=encoder)
    if not len(index.vectors) and index.mapper is None:
        return Hints(vectors_missing=missing)
    query = encoder.encode([text[:HINT_MAX_CHARS]])
    if not query.any():
        return Hints(vectors_missing=missing)
    similar = []
    if len(index.vectors) and limit > 0:
        from ml.duplicates import nearest_neighbors

        floor = _SIMILARITY_FLOOR * encoder.duplicate_threshold
        found, sims = nearest_neighbors(index.vectors, k=limit, queries=query)
        base = event.ideas_url
        for row, similarity in zip(found[0], sims[0], strict=True):
            if row < 0 or similarity < floor:
                continue
            number, title, theme_id = index.ideas[row]
            theme = index.themes.get(theme_id)
            similar.append(
                {
                    "number": number,
                    "title": title,
                    "theme": theme.name if theme else "",
                    "similarity": float(similarity),
                    "url": f"{base}?idea={number}",
                }
            )
    theme, confidence = None, None
    if index.mapper is not None:
        code = index.mapper.predict(query)[0]
        if code != ABSTAIN:
            confidence = float(index.mapper.predict_proba(query).max())
            theme = next(t for t in index.themes.values() if t.code == code)
    return Hints(
        similar=similar, theme=theme, confidence=confidence, vectors_missing=missing
    )


def hints_forget() -> None:
    """Drop every event's index (tests, and after bulk changes in a shell)."""
    with _lock:
        _indexes.clear()
