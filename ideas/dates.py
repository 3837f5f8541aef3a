"""Dates as Thai readers expect them: Buddhist era in Thai, Common era in English."""

from datetime import date, datetime

from django.utils import timezone

from ideas.i18n import reader_language

BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
THAI_MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
ENGLISH_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
ENGLISH_MONTHS_LONG = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_date(
    value: date | datetime | None,
    *,
    language: str | None = None,
    long: bool = False,
    with_time: bool = False,
) -> str:
    """Format a date for display: "11 มิ.ย. 2565" in Thai, "11 Jun 2022" in English.

    Parameters
    ----------
    value : date or datetime or None
        Aware datetimes are shown in the site's time zone. None gives "".
    language : str, optional
        "th" or "en"; defaults to the active language.
    long : bool, default=False
        Spell the month out ("11 มิถุนายน 2565", "11 June 2022").
    with_time : bool, default=False
        Add the time of day for datetimes ("11 มิ.ย. 2565 14:05 น.").
    """
    if value is None:
        return ""
    language = reader_language(language)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    month = value.month - 1
    if language == "th":
        months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
        text = f"{value.day} {months[month]} {value.year + BUDDHIST_ERA_OFFSET}"
        if with_time and isinstance(value, datetime):
            text += f" {value:%H:%M} น."
        return text
    months = ENGLISH_MONTHS_LONG if long else ENGLISH_MONTHS_SHORT
    text = f"{value.day} {months[month]} {value.year}"
    if with_time and isinstance(value, datetime):
        text += f", {value:%H:%M}"
    return text
