"""Text normalisation, language detection and word segmentation for Thai and English."""

import functools
import re
import unicodedata

__all__ = [
    "detect_language",
    "is_stopword",
    "normalize_text",
    "segment",
    "tokenize",
]

# Zero-width characters that Thai keyboards and copy-paste from PDFs leave
# inside words; they break matching and search but are invisible to the reader.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Control characters (other than tab and line breaks) and the bidirectional
# overrides used to make text read differently from how it is stored.
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, DEL
    r"\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings and isolates
)
# SARA AM typed as NIKHAHIT + SARA AA (a tone mark may sit between them) looks
# the same as ำ, but NFC does not compose it, so searches would miss it.
_DECOMPOSED_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32")
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
        NFC-normalised text with ำ composed, without zero-width and control
        characters, with runs of spaces collapsed and no leading or trailing
        whitespace.
    """
    text = unicodedata.normalize("NFC", text or "").translate(_ZERO_WIDTH)
    text = _DECOMPOSED_SARA_AM.sub("\\1\u0e33", _CONTROLS.sub("", text))
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


# Thai characters that cannot begin a syllable: following vowels, tone marks
# and other combining signs. A token starting with one is a fragment cut from
# a word, which a reader sees as broken text.
_THAI_NON_INITIAL = frozenset(
    "\u0e30\u0e31\u0e32\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
    "\u0e45\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
_LATIN_WORD = re.compile(r"[a-z][a-z0-9\-\.]*[a-z0-9]|[a-z]")
# Particles and fillers of spoken Thai that PyThaiNLP's list leaves out but
# that complaint and idea texts are full of.
_EXTRA_THAI_STOPWORDS = frozenset(
    [
        "ครับ",
        "ค่ะ",
        "คะ",
        "นะ",
        "นะคะ",
        "นะครับ",
        "จ้า",
        "จ้ะ",
        "ค่า",
        "ฮะ",
        "เลย",
        "ด้วย",
        "แล้ว",
        "ก็",
        "อยู่",
        "ได้",
        "ไม่",
        "มี",
        "ที่",
        "ซึ่ง",
        "และ",
        "หรือ",
        "ของ",
        "ให้",
        "ใน",
        "การ",
        "ความ",
        "เป็น",
        "จะ",
        "ว่า",
        "กับ",
        "แต่",
        "ทำ",
        "ต้อง",
        "ควร",
        "อย่าง",
        "เพื่อ",
        "โดย",
        "จาก",
        "ไป",
        "มา",
        "ยัง",
        "ขอ",
        "ช่วย",
    ]
)
_EXTRA_ENGLISH_STOPWORDS = frozenset(
    [
        "also",
        "would",
        "could",
        "should",
        "may",
        "might",
        "let",
        "lets",
        "make",
        "every",
        "one",
        "per",
        "via",
        "instead",
        "rather",
        "without",
    ]
)


@functools.cache
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(
        thai_stopwords()
        | ENGLISH_STOP_WORDS
        | _EXTRA_THAI_STOPWORDS
        | _EXTRA_ENGLISH_STOPWORDS
    )


@functools.cache
def _thai_dictionary() -> frozenset[str]:
    from pythainlp.corpus.common import thai_words

    return frozenset(thai_words())


def __getattr__(name: str):
    # Loading PyThaiNLP's corpora takes about a second; the web app imports
    # this module for normalize_text alone and should not pay for it.
    if name == "STOPWORDS":
        return _stopwords()
    raise AttributeError(name)


def is_stopword(word: str) -> bool:
    """Tell whether ``word`` (lower case) is a Thai or English stopword.

    Parameters
    ----------
    word : str
        One word, as returned by :func:`segment`.

    Returns
    -------
    bool
        True for PyThaiNLP's Thai stopwords, scikit-learn's English ones and
        the spoken particles (ครับ, ค่ะ, นะ) common in citizens' texts.
    """
    return word in _stopwords()


def is_whole_word(word: str) -> bool:
    """Tell whether a Thai keyword is a dictionary word and not a stopword.

    Parameters
    ----------
    word : str
        One keyword; words in other scripts are judged by the stopword list
        alone.

    Returns
    -------
    bool
        False for fragments left by segmentation (``รมณ์`` of ``อารมณ์``)
        and for stopwords.
    """
    if is_stopword(word):
        return False
    return not _is_thai(word[:1] or " ") or word in _thai_dictionary()


def segment(text: str) -> list[str]:
    """Split text into words: Thai with PyThaiNLP ``newmm``, others on spaces.

    Parameters
    ----------
    text : str
        Any text; it is normalised first.

    Returns
    -------
    list of str
        The words in order, without whitespace tokens. Punctuation and
        numbers are kept as their own tokens; :func:`tokenize` drops them.
    """
    from pythainlp.tokenize import word_tokenize

    text = normalize_text(text, multiline=False)
    if not text:
        return []
    return [
        token
        for token in word_tokenize(text, engine="newmm", keep_whitespace=False)
        if token.strip()
    ]


def _is_readable(token: str) -> bool:
    if _is_thai(token[0]):
        if token[0] in _THAI_NON_INITIAL or not all(map(_is_thai, token)):
            return False
        # A silenced consonant (thanthakhat) right after the first letter
        # means the word's start was cut off.
        if len(token) > 1 and token[1] == "\u0e4c":
            return False
        # Out-of-dictionary runs are kept only when long enough to be a name
        # or a compound; short ones are usually fragments of misspellings.
        return len(token) >= 2 and (token in _thai_dictionary() or len(token) >= 4)
    return bool(_LATIN_WORD.fullmatch(token)) and len(token) >= 2


def tokenize(text: str) -> list[str]:
    """Return the content words of a text, for keywords and lexical matching.

    Parameters
    ----------
    text : str
        Thai, English or both.

    Returns
    -------
    list of str
        Lower-cased words from :func:`segment` without stopwords, numbers,
        punctuation, one-letter tokens and Thai fragments: a token beginning
        with a vowel or tone sign, or a short run missing from the dictionary
        (such as ``ไม`` or ``องสว``).
    """
    words = []
    for token in segment(text):
        token = token.lower().strip(".-")
        if token and _is_readable(token) and not is_stopword(token):
            words.append(token)
    return words
