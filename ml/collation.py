"""Thai dictionary order for sorting lists that mix Thai and English."""

__all__ = ["thai_sort_key"]

# Written before the consonant they follow in speech; a dictionary sorts
# เก, แก, โก under ก.
_LEADING_VOWELS = frozenset("เแโใไ")
# Tone marks and other signs break ties only: กา and ก้า sort together.
_TONE_MARKS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def _is_consonant(char: str) -> bool:
    return "\u0e01" <= char <= "\u0e2e"


def thai_sort_key(text: str) -> tuple[str, str]:
    """Return a key that sorts Thai words in dictionary order.

    Code-point order puts every word starting with เ แ โ ใ ไ after all the
    others; a Thai dictionary files them under the consonant that follows.
    English and other scripts keep their (case-insensitive) order.

    Parameters
    ----------
    text : str
        A word, title or name.

    Returns
    -------
    tuple of str
        The text with leading vowels moved after their consonant, without tone
        marks, then with them, for ``sorted(..., key=thai_sort_key)``.
    """
    text = (text or "").casefold()
    moved = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char in _LEADING_VOWELS and _is_consonant(following):
            moved += [following, char]
            index += 2
        else:
            moved.append(char)
            index += 1
    full = "".join(moved)
    return ("".join(char for char in full if char not in _TONE_MARKS), full)
