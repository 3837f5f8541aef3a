"""Whole numbers typed by people or put in URLs, read strictly."""

# More digits than a 64-bit database integer holds would overflow the query.
_MAX_DIGITS = 18


def whole_number(value) -> int | None:
    """``value`` as a whole number of ASCII or Thai digits, else None.

    ``str.isdigit`` accepts "²" and "①", which ``int`` refuses; a number
    longer than a database integer overflows the query. Both were 500s.
    """
    text = str(value if value is not None else "").strip()
    if not text or len(text) > _MAX_DIGITS or not text.isdecimal():
        return None
    return int(text)


def whole_numbers(values) -> list[int]:
    """The whole numbers among ``values`` (ids repeated in a query string);
    what ``whole_number`` refuses is left out."""
    return [number for number in map(whole_number, values) if number is not None]
