"""What the model reads of an idea, and how its vector is found again.

Shared by the services that embed ideas and the selectors that compare cached
vectors, which must agree on the text and its hash or no cached vector would
ever match. Nothing here reads or writes the database.
"""

import hashlib

from ideas.models import Idea, Theme


def model_text(idea: Idea) -> str:
    """The text of an idea that the model reads (and whose hash keys its vector)."""
    return "\n".join(part for part in (idea.title, idea.problem, idea.solution) if part)


def text_hash(text: str) -> str:
    """The key under which the vector of ``text`` is cached, with the encoder's id."""
    return hashlib.sha256(text.encode()).hexdigest()


def theme_dicts(themes: list[Theme]) -> list[dict]:
    """The themes as ``ml`` reads them: code, name and description, both languages."""
    return [
        {
            "code": theme.code,
            "name": " / ".join(filter(None, (theme.name_th, theme.name_en))),
            "description": "\n".join(
                filter(None, (theme.description_th, theme.description_en))
            ),
        }
        for theme in themes
    ]


def theme_mapper(*, themes: list[Theme], encoder, vectors=None, labels=None):
    """A ThemeMapper fitted on an event's themes, in both languages, and ideas."""
    # scikit-learn loads with ml.themes: only the processes that suggest pay.
    from ml.themes import ThemeMapper

    return ThemeMapper(encoder=encoder).fit(vectors, labels, themes=theme_dicts(themes))
