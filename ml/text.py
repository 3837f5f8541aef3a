"""Text normalisation and language detection for Thai and English."""

import re
import unicodedata

__all__ = ["detect_language", "normalize_text"]

# Zero-width characters that Thai keyboards and copy-paste from PDFs leave
# inside words; they break matching and search but are invisible to the reader.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# Share of Thai among the letters of a text above which it counts as Thai,
# and below whose complement it counts as English; in between it is mixed.
_MAJORITY = 0.8


def normalize_text(text: str, *, multiline: bool = True) -> str:
    """Return ``text`` in the form the workbench stores.

    Parameters
    ----------
    text : str
        Text as typed or imported.
    multiline : bool, default=True
        Keep line breaks (collapsing runs of blank lines to one); when False,
        every run of whitespace becomes one space.

    Returns
    -------
    str
        NFC-normalised text without zero-width characters, with runs of spaces
        collapsed and no leading or trailing whitespace.
    """
    text = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split())
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _is_thai(char: str) -> bool:
    return "\u0e00" <= char <= "\u0e7f"


def detect_language(*texts: str) -> str:
    """Tell whether texts are written in Thai, English or a mix of both.

    Counts Thai letters against Latin letters; digits, punctuation and other
    scripts are ignored, so "ระบบ SSO" counts mostly as Thai.

    Parameters
    ----------
    *texts : str
        One or more texts judged together (e.g. an idea's title and body).

    Returns
    -------
    {"th", "en", "mixed"}
        "th" when at least 80 % of the letters are Thai, "en" when at most
        20 % are, otherwise "mixed". A text without Thai or Latin letters is
        "mixed": there is nothing to decide on.
    """
    thai = latin = 0
    for text in texts:
        for char in text or "":
            if _is_thai(char):
                # Vowel and tone marks are letters too; counting them keeps
                # Thai and English words of the same length about even.
                thai += 1
            elif char.isascii() and char.isalpha():
                latin += 1
    letters = thai + latin
    if letters == 0:
        return "mixed"
    share = thai / letters
    if share >= _MAJORITY:
        return "th"
    if share <= 1 - _MAJORITY:
        return "en"
    return "mixed"
