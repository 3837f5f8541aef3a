"""The fields a column can map to: headers that name them, and the column map."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.import_limits import ImportFileError
from ml.text import normalize_text

# Fields a column can map to, in the order the docs list them.
FIELDS = (
    "id",
    "title",
    "problem",
    "solution",
    "benefit",
    "agencies",
    "team",
    "theme",
    "tags",
    "submitted_at",
)
REQUIRED = ("title", "problem", "solution")

# Header → field, compared after _header_key(). Thai first-language headers as
# forms and spreadsheets of past events wrote them; the export's own column
# names are here too, so an export imports back.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "number",
        "no",
        "no.",
        "#",
        "response id",
        "idea id",
        "idea number",
        "รหัส",
        "ลำดับ",
        "ลำดับที่",
        "เลขที่",
        "รหัสไอเดีย",
    ),
    "title": (
        "title",
        "idea",
        "idea title",
        "title of your idea",
        "หัวข้อ",
        "ชื่อไอเดีย",
        "หัวข้อไอเดีย",
        "ไอเดีย",
        "ชื่อแนวคิด",
        "ชื่อข้อเสนอ",
    ),
    "problem": (
        "problem",
        "the problem",
        "problem statement",
        "ปัญหา",
        "สภาพปัญหา",
        "ปัญหาที่พบ",
    ),
    "solution": (
        "solution",
        "proposed solution",
        "proposal",
        "แนวทางแก้ไข",
        "แนวทางการแก้ไข",
        "แนวทางแก้ปัญหา",
        "วิธีแก้ปัญหา",
        "ข้อเสนอ",
        "ข้อเสนอแนะ",
    ),
    "benefit": (
        "benefit",
        "benefits",
        "expected benefit",
        "ประโยชน์",
        "ประโยชน์ที่คาดว่าจะได้รับ",
    ),
    "agencies": (
        "agencies",
        "agency",
        "agencies involved",
        "หน่วยงาน",
        "หน่วยงานที่เกี่ยวข้อง",
    ),
    "team": ("team", "team name", "ทีม", "ชื่อทีม"),
    "theme": (
        "theme",
        "theme code",
        "theme_code",
        "challenge",
        "ประเด็น",
        "ธีม",
        "โจทย์",
        "รหัสธีม",
    ),
    "tags": ("tags", "tag", "แท็ก", "คำสำคัญ"),
    "submitted_at": (
        "submitted_at",
        "submitted at",
        "submitted",
        "timestamp",
        "date",
        "completion time",
        "วันที่",
        "วันที่ส่ง",
        "ประทับเวลา",
        "เวลาที่ส่ง",
    ),
}

# Columns that carry personal data: never imported (an import has no consent
# to show for them), and reported so the facilitator knows they were left out.
PERSONAL_HEADERS = (
    "name",
    "full name",
    "your name",
    "author",
    "contact",
    "address",
    "line",
    "line id",
    "ชื่อ",
    "ชื่อ-นามสกุล",
    "ชื่อ นามสกุล",
    "ชื่อ-สกุล",
    "นามสกุล",
    "ชื่อผู้เสนอ",
    "ผู้เสนอ",
    "ที่อยู่",
    "ติดต่อ",
    "ไลน์",
)
PERSONAL_WORDS = (
    "email",
    "e-mail",
    "phone",
    "mobile",
    "telephone",
    "อีเมล",
    "โทร",
    "เลขบัตร",
    "citizen id",
)

_FIELD_BY_HEADER = {
    alias: name for name, aliases in ALIASES.items() for alias in aliases
}


def _header_key(header: str) -> str:
    key = normalize_text(header, multiline=False).casefold()
    return key.rstrip(" :*").strip()


def _header_candidates(header: str) -> list[str]:
    """Ways a header may name a field: whole, or one part of "ปัญหา (Problem)"."""
    key = _header_key(header)
    candidates = [key]
    # "name (other name)", split by hand: the pattern that did it backtracked,
    # and the first rows' every cell is asked whether it is a header.
    opening = key.find("(", 1)
    if key.endswith(")") and 0 < opening < len(key) - 2:
        candidates.extend((key[:opening].strip(), key[opening + 1 : -1].strip()))
    if "/" in key and key not in _FIELD_BY_HEADER:
        candidates.extend(part.strip() for part in key.split("/"))
    return candidates


def _field_for(header: str) -> str | None:
    for candidate in _header_candidates(header):
        if candidate in _FIELD_BY_HEADER:
            return _FIELD_BY_HEADER[candidate]
    return None


def _is_personal(header: str) -> bool:
    for candidate in _header_candidates(header):
        if candidate in PERSONAL_HEADERS:
            return True
        if any(word in candidate for word in PERSONAL_WORDS):
            return True
    return False


def parse_column_map(text: str) -> dict[str, str]:
    """Parse ``--map "Column A=title,Column B=problem"`` into header → field.

    A header may itself contain commas, and "=": each pair ends at ``=field``,
    a field being text without either, up to the next comma or the end.
    Read in one pass, left to right: the pattern that did this backtracked,
    and a value of 300 characters took seconds.

    Raises
    ------
    ImportFileError
        When the text is longer than ``COLUMN_MAP_MAX_LENGTH``, names an
        unknown field, or has text that is no pair.
    """
    text = (text or "").strip()
    limit = import_limits.COLUMN_MAP_MAX_LENGTH
    if len(text) > limit:
        raise ImportFileError(
            _(
                "The column map is %(length)s characters long; at most "
                "%(limit)s are allowed."
            )
            % {"length": f"{len(text):,}", "limit": f"{limit:,}"}
        )
    mapping: dict[str, str] = {}
    start = 0  # where the header of the next pair begins
    equals = text.find("=")
    comma = text.find(",")
    while equals != -1:
        if comma != -1 and comma < equals:
            comma = text.find(",", equals)
        following = text.find("=", equals + 1)
        # The field runs to the next "," or "="; a pair ends only at a comma.
        end = min(at for at in (comma, following, len(text)) if at != -1)
        target = text[equals + 1 : end].strip() if end != following else ""
        # The header is cut out only for a pair that may end here: cutting it
        # at every "=" would cost its length each time.
        header = text[start:equals].strip() if target else ""
        if header:
            mapping[header] = _mapped_field(header, target)
            start = end + 1
        equals = following
    if text[start:].strip():
        raise ImportFileError(
            _('Write the column map as "Column A=title,Column B=problem".')
        )
    return mapping


def _mapped_field(header: str, target: str) -> str:
    """The field a map sends a header to; "" leaves the column out."""
    if target in ("-", "ignore", "skip"):
        return ""
    field_name = target if target in FIELDS else _field_for(target)
    if field_name is None:
        raise ImportFileError(
            _("Cannot map “%(header)s” to “%(target)s”: use one of %(fields)s.")
            % {"header": header, "target": target, "fields": ", ".join(FIELDS)}
        )
    return field_name
