"""The text of a cell: numbers, dates and lists as text, formula escapes undone."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from ml.text import normalize_text

# An export escapes cells that spreadsheets would run as formulas with a quote;
# undo that so an export imports back as the same text.
_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")


def _present(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _header_text(cell: Any) -> str:
    return normalize_text(str(cell), multiline=False) if _present(cell) else ""


def _text(value: Any, *, multiline: bool) -> str:
    """A cell as text: numbers without a trailing .0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        value = str(int(value))
    elif isinstance(value, datetime | date | time):
        value = value.isoformat()
    elif isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    elif not isinstance(value, str):
        value = str(value)
    return _FORMULA_ESCAPE.sub("", normalize_text(value, multiline=multiline))


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(item, multiline=False) for item in value]
    text = _text(value, multiline=False)
    separator = ";" if ";" in text else ","
    return [tag.strip() for tag in text.split(separator) if tag.strip()]
