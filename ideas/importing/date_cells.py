"""Submission times from cells, in the Buddhist or the Common era."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ideas.dates import (
    BUDDHIST_ERA_OFFSET,
    ENGLISH_MONTHS_LONG,
    ENGLISH_MONTHS_SHORT,
    THAI_MONTHS_LONG,
    THAI_MONTHS_SHORT,
)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Past this year a date must be Buddhist era: 2400 CE is far away, 2400 BE
# is 1857 CE, before any event this workbench will hold.
_BUDDHIST_ERA_FROM = 2400

_MONTHS = {
    name.casefold().rstrip("."): number
    for months in (
        THAI_MONTHS_SHORT,
        THAI_MONTHS_LONG,
        ENGLISH_MONTHS_SHORT,
        ENGLISH_MONTHS_LONG,
    )
    for number, name in enumerate(months, start=1)
}
_NUMERIC_DATE = re.compile(
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})"
    r"(?:,?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.)?)?"
)
_NAMED_DATE = re.compile(
    r"(\d{1,2})\s+([^\d\s]+)\s+(\d{4})"
    r"(?:,?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*น\.)?)?"
)


def parse_date(value: Any) -> datetime:
    """A submission time from a cell, in the Buddhist or the Common era.

    Accepts spreadsheet dates, ISO 8601 ("2022-06-11T09:00:00+07:00"),
    day/month/year ("11/06/2565", "11/6/2022 14:05:33": Thai forms write the
    day first) and Thai or English month names ("11 มิ.ย. 2565"). Years past
    2400 are Buddhist era. Times without a zone are in the site's time zone.

    Raises
    ------
    ValueError
        When the value is not a date.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = _parse_date_text(value.translate(_THAI_DIGITS).strip())
    else:
        raise ValueError(value)
    if moment.year >= _BUDDHIST_ERA_FROM:
        moment = moment.replace(year=moment.year - BUDDHIST_ERA_OFFSET)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _parse_date_text(text: str) -> datetime:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(.*)", text)
    if match:
        year = int(match.group(1))
        # fromisoformat checks the day against the year's calendar; a
        # Buddhist-era year is checked as its Common-era one (29 February).
        if year >= _BUDDHIST_ERA_FROM:
            text = f"{year - BUDDHIST_ERA_OFFSET:04d}{text[4:]}"
        return datetime.fromisoformat(text)
    match = _NUMERIC_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups()[:3])
    else:
        match = _NAMED_DATE.fullmatch(text)
        if not match or match.group(2).casefold().rstrip(".") not in _MONTHS:
            raise ValueError(text)
        day, year = int(match.group(1)), int(match.group(3))
        month = _MONTHS[match.group(2).casefold().rstrip(".")]
    if year < 100:
        # Two-digit years: 65 is 2565 BE in Thai use, 22 is 2022.
        year += 2500 if year >= 43 else 2000
    if year >= _BUDDHIST_ERA_FROM:
        year -= BUDDHIST_ERA_OFFSET
    hour, minute, second = (int(part or 0) for part in match.groups()[3:6])
    return datetime(year, month, day, hour, minute, second)
