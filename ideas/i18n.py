"""The reader's language, and which of a bilingual object's texts they read.

Thai first: a reader reads English only when English is their language, and a
text left empty in one language falls back to the other. Dates and years in
the reader's language are in ``ideas.dates`` and ``strategy.models``.
"""

from django.utils import translation


def reader_language(language: str | None = None) -> str:
    """ "en" for a reader of English, else "th": of ``language``, or the active one.

    A regional variant counts as its language ("en-gb" reads English), and no
    active language (a management command) reads Thai, the site's language.
    """
    language = (language or translation.get_language() or "th").split("-")[0]
    return "en" if language == "en" else "th"


def in_language(thai: str, english: str, *, language: str | None = None) -> str:
    """The text in the reader's language, or in the other one where it is empty."""
    if reader_language(language) == "en":
        return english or thai
    return thai or english
