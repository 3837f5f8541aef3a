"""Read ideas from the files facilitators bring: CSV, XLSX and JSON.

Parsing turns a file into rows of raw values keyed by field; validation turns a
row into the text an idea stores, or into errors that name the row and column
as the user sees them in their file. Nothing here writes to the database:
``ideas.services.ideas_import`` does, with these functions.

Files come from Google Forms, Microsoft Forms, Excel on Thai Windows and other
platforms, so the reader is lenient about form (encoding, separator, banner
rows above the header, Buddhist-era dates) and strict about content.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import charset_normalizer
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.dates import (
    BUDDHIST_ERA_OFFSET,
    ENGLISH_MONTHS_LONG,
    ENGLISH_MONTHS_SHORT,
    THAI_MONTHS_LONG,
    THAI_MONTHS_SHORT,
)
from ideas.import_limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ImportFileError,
    max_bytes,
    max_rows,
)
from ideas.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from ml.text import normalize_text

__all__ = [
    "FIELDS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "CleanRow",
    "ImportFileError",
    "ImportRow",
    "ParsedFile",
    "RowError",
    "check_file",
    "clean_rows",
    "max_bytes",
    "max_rows",
    "parse_column_map",
    "parse_date",
    "read_file",
    "read_bytes",
]

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
# An export escapes cells that spreadsheets would run as formulas with a quote;
# undo that so an export imports back as the same text.
_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")
# Vowel and tone marks, and sara am: they follow a consonant or another mark.
_THAI_MARKS = frozenset(
    "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# The header is among the first rows: a banner or group heading may stand
# above it.
_HEADER_WINDOW = 10
# Past this year a date must be Buddhist era: 2400 CE is far away, 2400 BE
# is 1857 CE, before any event this workbench will hold.
_BUDDHIST_ERA_FROM = 2400


@dataclass(frozen=True)
class RowError:
    """What is wrong where: ``row`` as numbered in the user's file, or None."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


@dataclass(frozen=True)
class ImportRow:
    """One row of a file: raw values by field, and where it came from."""

    row: int
    values: dict[str, Any]
    columns: dict[str, str]


@dataclass
class ParsedFile:
    name: str
    columns: dict[str, str]
    rows: list[ImportRow]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CleanRow:
    """A valid row, as an idea will store it."""

    row: int
    external_id: str
    title: str
    problem: str
    solution: str
    benefit: str
    agencies: str
    team_name: str
    theme: Any
    tags: list[str]
    submitted_at: datetime | None


# Reading


def upload_dir() -> Path:
    """Where uploaded files wait between the admin's check and the import."""
    return Path(settings.PRIVATE_FILES_ROOT) / "imports"


def read_file(
    path: str | Path,
    *,
    column_map: dict[str, str] | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> ParsedFile:
    """Read an import file from disk; see ``read_bytes``.

    ``name`` is the file's name as its owner knows it, by default the path's:
    its extension picks the reader. An XLSX is read from disk as openpyxl
    needs it, never whole into memory.
    """
    path = Path(path)
    name = name or path.name
    import_limits.check_size(_file_size(path))
    if _is_xlsx(name):
        return _read_xlsx(str(path), name=name, column_map=column_map, sheet=sheet)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _cannot_open(error) from error
    return read_bytes(data, name=name, column_map=column_map, sheet=sheet)


def check_file(path: str | Path, *, name: str) -> int:
    """Refuse what needs no parsing to refuse: the size, an XLSX's zip.

    Returns how large the file is as a table, in bytes of CSV: its size, or
    for an XLSX what its XML inflates to, scaled. That is what reading it
    costs, and what decides whether the background worker reads it.
    """
    path = Path(path)
    size = _file_size(path)
    import_limits.check_size(size)
    if not _is_xlsx(name):
        return size
    return import_limits.xlsx_table_bytes(import_limits.check_zip(str(path)))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise _cannot_open(error) from error


def _cannot_open(error: OSError) -> ImportFileError:
    return ImportFileError(
        _("Cannot open the file: %(reason)s") % {"reason": error.strerror}
    )


def _is_xlsx(name: str) -> bool:
    return Path(name).suffix.casefold() in (".xlsx", ".xlsm")


def read_bytes(
    data: bytes,
    *,
    name: str,
    column_map: dict[str, str] | None = None,
    sheet: str | None = None,
) -> ParsedFile:
    """Read an import file's content into rows keyed by field.

    Parameters
    ----------
    data : bytes
        The file as uploaded.
    name : str
        Its name; the extension picks the reader (.xlsx, .json, else CSV).
    column_map : dict, optional
        Header → field for headers the reader does not recognise by itself.
    sheet : str, optional
        The XLSX sheet to read; by default the first one with data.

    Raises
    ------
    ImportFileError
        When the file is empty, too big, not of its kind, has no rows, lacks a
        required column or repeats one.
    """
    import_limits.check_size(len(data))
    suffix = Path(name).suffix.casefold()
    if _is_xlsx(name):
        return _read_xlsx(
            io.BytesIO(data), name=name, column_map=column_map, sheet=sheet
        )
    if suffix == ".xls":
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV.")
        )
    if sheet:
        raise ImportFileError(_("Only XLSX files have sheets to choose."))
    # Decoded text has at most a character per byte, so the size limit bounds
    # it; what it parses into is bounded by rows, columns and containers.
    text = _decode(data)
    if suffix == ".json":
        return _from_json(text, name=name, column_map=column_map)
    return _from_table(_csv_rows(text), name=name, column_map=column_map)


def _read_xlsx(
    source: str | IO[bytes],
    *,
    name: str,
    column_map: dict[str, str] | None,
    sheet: str | None,
) -> ParsedFile:
    table = _xlsx_rows(source, sheet=sheet, column_map=column_map)
    return _from_table(table, name=name, column_map=column_map)


def _sniff_binary(data: bytes) -> None:
    head = data[:8192]
    if head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "This is a spreadsheet (XLSX) or another zipped file, not CSV: "
                "name it .xlsx if it is a spreadsheet."
            )
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV.")
        )
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise ImportFileError(
            _("This is not a text file (it looks binary): export it as CSV or XLSX.")
        )


def _decode(data: bytes) -> str:
    """The file's text, in whichever encoding it was saved."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decoded_or_error(data, "utf-8-sig")
    # Excel's "Unicode text" is UTF-16 with a byte-order mark.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decoded_or_error(data, "utf-16")
    _sniff_binary(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Excel on Thai Windows saves CSV in cp874 (a superset of TIS-620). Try it
    # first: a detector can mistake short Thai text for another code page.
    try:
        text = data.decode("cp874")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible_thai(text):
        return text
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        raise ImportFileError(
            _(
                "The file's text encoding cannot be recognised: save it as "
                "“CSV UTF-8” and import it again."
            )
        )
    return str(best)


def _decoded_or_error(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not valid %(encoding)s text.") % {"encoding": encoding}
        ) from error


def _plausible_thai(text: str) -> bool:
    """Whether bytes read as cp874 give Thai, not Thai marks on Latin letters.

    A Western file (é, ü) read as cp874 turns into Thai vowel and tone marks
    after Latin letters, which real Thai never has.
    """
    thai = misplaced = 0
    previous = " "
    for char in text:
        if "\u0e00" <= char <= "\u0e7f":
            thai += 1
            if char in _THAI_MARKS and not (
                "\u0e01" <= previous <= "\u0e2e" or previous in _THAI_MARKS
            ):
                misplaced += 1
        previous = char
    return thai > 0 and misplaced <= thai // 50


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a CSV text as (row number as a spreadsheet shows it, cells)."""
    # Excel writes, and honours, a first line "sep=;" naming the separator;
    # it does not show that line as a row.
    hint = re.match(r"sep=(.)\r?\n", text)
    if hint:
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A spreadsheet shows each record, quoted line breaks included, as one
        # row, and blank lines as empty rows: count the same way.
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV cannot be read: %(reason)s") % {"reason": error},
            row=reader.line_num,
        ) from error


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one that splits the header widest and evenly."""
    sample = text[:65536]
    best, best_score = ",", (False, 0)
    for delimiter in (",", ";", "\t"):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        counts = []
        try:
            for cells in reader:
                # A line of bare separators (",,,") is an empty row in any of them.
                if any(cell.strip(" ,;\t") for cell in cells):
                    counts.append(len(cells))
                if len(counts) >= 50:
                    break
        except csv.Error:
            continue
        if not counts:
            continue
        header = counts[0]
        # The sample may end inside a quoted field: judge all but its last row.
        body = counts[1:-1] if len(counts) > 2 else counts[1:]
        even = all(count == header for count in body)
        score = (even and header > 1, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _xlsx_rows(
    source: str | IO[bytes],
    *,
    sheet: str | None,
    column_map: dict[str, str] | None,
) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl  # only XLSX imports pay for loading it

    # Before openpyxl inflates anything: a small zip can inflate a thousandfold.
    import_limits.check_zip(source)
    if not isinstance(source, str):
        source.seek(0)
    workbook = None
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
        rows = _xlsx_sheet_rows(workbook, sheet=sheet, column_map=column_map)
    except ImportFileError:
        raise
    # openpyxl raises many kinds of errors for damaged files, some only when
    # a row is read; each means the same to the user.
    except Exception as error:
        raise ImportFileError(
            _("The spreadsheet cannot be read: %(reason)s") % {"reason": error}
        ) from error
    finally:
        if workbook is not None:
            workbook.close()
    return iter(rows)


def _xlsx_sheet_rows(
    workbook, *, sheet: str | None, column_map: dict[str, str] | None
) -> list[tuple[int, list]]:
    """The chosen sheet's non-empty rows; by default the first sheet with data.

    A sheet whose header names fields wins over an earlier one that does not:
    workbooks often open with a sheet of instructions.
    """
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise ImportFileError(
                _(
                    "The spreadsheet has no sheet “%(sheet)s”; its sheets are: "
                    "%(names)s."
                )
                % {"sheet": sheet, "names": ", ".join(workbook.sheetnames)}
            )
        candidates = [workbook[sheet]]
    else:
        candidates = workbook.worksheets
    limit = max_rows()
    cells_read, cell_budget = 0, import_limits.xlsx_cell_budget()
    fallback: list[tuple[int, list]] = []
    for worksheet in candidates:
        # Files written by other tools often state wrong dimensions, which
        # would cut rows off in read-only mode.
        worksheet.reset_dimensions()
        rows = []
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), 1):
            # Counted as read, empty or not: a row of one far-off cell is
            # thousands of them, and a sheet of such rows has no data to stop at.
            cells_read += len(cells) + 1
            import_limits.check_cells(cells_read, budget=cell_budget)
            if any(_present(cell) for cell in cells):
                rows.append((number, import_limits.bounded_row(cells, row=number)))
                if len(rows) > limit + _HEADER_WINDOW:
                    break
        if rows and _header_fields(rows[:_HEADER_WINDOW], column_map)[1]:
            return rows
        fallback = fallback or rows
    return fallback


def _present(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _from_json(
    text: str, *, name: str, column_map: dict[str, str] | None
) -> ParsedFile:
    import_limits.check_json_containers(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            _("The JSON cannot be read: %(reason)s (line %(line)s)")
            % {"reason": error.msg, "line": error.lineno}
        ) from error
    except RecursionError:
        # Thousands of nested brackets exhaust the parser's stack (a 500);
        # an export of ideas is two levels deep.
        raise ImportFileError(
            _("The JSON is nested too deeply to be a list of ideas.")
        ) from None
    if isinstance(data, dict) and isinstance(data.get("ideas"), list):
        data = data["ideas"]
    if not isinstance(data, list):
        raise ImportFileError(
            _('The JSON must be a list of ideas, or an object with an "ideas" list.')
        )
    if not data:
        raise ImportFileError(_("The file has no ideas in it."))
    if len(data) > max_rows():
        raise _too_many_rows()
    headers: list[str] = []
    for item in data:
        if isinstance(item, dict):
            headers.extend(key for key in item if key not in headers)
    columns, warnings = _map_headers(headers, header_row=None, column_map=column_map)
    rows = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(
                _("Idea %(row)s is not an object with named fields.") % {"row": number},
                row=number,
            )
        rows.append(
            ImportRow(
                row=number,
                values={
                    field_name: item.get(header)
                    for field_name, header in columns.items()
                },
                columns=columns,
            )
        )
    return ParsedFile(name=name, columns=columns, rows=rows, warnings=warnings)


def _from_table(
    table: Iterable[tuple[int, list[Any]]],
    *,
    name: str,
    column_map: dict[str, str] | None,
) -> ParsedFile:
    limit = max_rows()
    rows = []
    for number, cells in table:
        if any(map(_present, cells)):
            rows.append((number, import_limits.bounded_row(cells, row=number)))
            # Enough to find the header and to know there are too many rows.
            if len(rows) > limit + _HEADER_WINDOW:
                break
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    header_at = _header_index(rows[:_HEADER_WINDOW], column_map)
    header_number, header_cells = rows[header_at]
    # A header cell merged down from a banner row above is empty in the
    # header row itself: take the text from above.
    headers = []
    for position, cell in enumerate(header_cells):
        text = _header_text(cell)
        for _number, above in reversed(rows[:header_at]):
            if text or position >= len(above):
                break
            text = _header_text(above[position])
        headers.append(text)
    data_rows = rows[header_at + 1 :]
    if not data_rows:
        raise ImportFileError(
            _("The file has a header but no rows of ideas."), row=header_number
        )
    if len(data_rows) > limit:
        raise _too_many_rows()

    _check_duplicates(headers, header_number)
    columns, warnings = _map_headers(
        headers, header_row=header_number, column_map=column_map
    )
    position = {header: index for index, header in enumerate(headers) if header}
    # One pass over the cells: a pass per column would cost columns × rows.
    with_data = {
        index for _n, cells in data_rows for index, cell in enumerate(cells) if cell
    }
    ignored_data = [
        index for index in with_data if index < len(headers) and not headers[index]
    ]
    if ignored_data:
        warnings.append(
            _("Not imported: %(count)s column(s) without a header.")
            % {"count": len(ignored_data)}
        )
    parsed = [
        ImportRow(
            row=number,
            values={
                field_name: _cell(cells, position[header])
                for field_name, header in columns.items()
            },
            columns=columns,
        )
        for number, cells in data_rows
    ]
    return ParsedFile(name=name, columns=columns, rows=parsed, warnings=warnings)


def _cell(cells: list[Any], index: int) -> Any:
    return cells[index] if index < len(cells) else None


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(limit)s rows; split it into smaller files.")
        % {"limit": f"{max_rows():,}"}
    )


def _header_text(cell: Any) -> str:
    return normalize_text(str(cell), multiline=False) if _present(cell) else ""


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


def _header_index(
    rows: list[tuple[int, list[Any]]], column_map: dict[str, str] | None
) -> int:
    """The header row: the first that names the most fields.

    Forms put a banner or a merged group heading above the real header now
    and then; the header is the row that names what its columns hold.
    """
    return _header_fields(rows, column_map)[0]


def _header_fields(
    rows: list[tuple[int, list[Any]]], column_map: dict[str, str] | None
) -> tuple[int, int]:
    """(index of the row naming the most fields, how many it names)."""
    mapped = {_header_key(header) for header in column_map or {}}
    best, best_count = 0, 0
    for index, (_number, cells) in enumerate(rows):
        count = sum(
            1
            for cell in cells
            if _present(cell)
            and (
                _field_for(_header_text(cell))
                or _header_key(_header_text(cell)) in mapped
            )
        )
        if count > best_count:
            best, best_count = index, count
    return best, best_count


def _check_duplicates(headers: list[str], header_row: int) -> None:
    seen = set()
    for header in headers:
        key = _header_key(header)
        if header and key in seen:
            raise ImportFileError(
                _(
                    "The column “%(column)s” appears more than once in the header: "
                    "rename or remove one of them."
                )
                % {"column": header},
                row=header_row,
                column=header,
            )
        seen.add(key)


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


def _map_headers(
    headers: list[str],
    *,
    header_row: int | None,
    column_map: dict[str, str] | None,
) -> tuple[dict[str, str], list[str]]:
    """Field → header for the columns imported, and warnings about the rest."""
    explicit = {
        _header_key(header): target for header, target in (column_map or {}).items()
    }
    present = {_header_key(header) for header in headers if header}
    for header in column_map or {}:
        if _header_key(header) not in present:
            raise ImportFileError(
                _("The column map names “%(column)s”, which the file does not have.")
                % {"column": header},
                row=header_row,
                column=header,
            )
    columns: dict[str, str] = {}
    personal: list[str] = []
    unknown: list[str] = []
    for header in headers:
        if not header:
            continue
        key = _header_key(header)
        field_name = explicit[key] if key in explicit else _field_for(header)
        if field_name == "":
            continue
        if field_name is None:
            (personal if _is_personal(header) else unknown).append(header)
            continue
        if field_name in columns:
            raise ImportFileError(
                _(
                    "The columns “%(first)s” and “%(second)s” both hold %(field)s: "
                    "remove one, or map it to another field."
                )
                % {"first": columns[field_name], "second": header, "field": field_name},
                row=header_row,
                column=header,
            )
        columns[field_name] = header
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            _(
                "The file has no column for %(fields)s. Name the header "
                "“title”/“หัวข้อ”, “problem”/“ปัญหา”, “solution”/“แนวทางแก้ไข”, or "
                'map one with --map "Your column=%(first)s".'
            )
            % {"fields": ", ".join(missing), "first": missing[0]},
            row=header_row,
            column=missing[0],
        )
    warnings = []
    if personal:
        warnings.append(
            _("Not imported (personal data): %(columns)s.")
            % {"columns": ", ".join(personal)}
        )
    if unknown:
        warnings.append(
            _("Not imported (not a field of an idea): %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )
    return columns, warnings


# Validating


def clean_rows(
    rows: Iterable[ImportRow], *, themes: Iterable
) -> tuple[list[CleanRow], list[RowError]]:
    """Judge every row as the submission form judges a participant's idea.

    Parameters
    ----------
    rows : iterable of ImportRow
    themes : iterable of Theme
        The event's themes; a theme cell must name one (code, Thai or English
        name, any case) or be empty.

    Returns
    -------
    (clean, errors)
        The valid rows, and an error per invalid cell. Two rows with the same
        id are an error on the second.
    """
    by_name = {}
    for theme in themes:
        for key in (theme.name_en, theme.name_th, theme.code):
            if key:
                by_name[_header_key(key)] = theme
    clean: list[CleanRow] = []
    errors: list[RowError] = []
    seen_ids: dict[str, int] = {}
    for row in rows:
        row_errors: list[RowError] = []

        def fail(field_name, message, *, row=row, row_errors=row_errors):
            row_errors.append(
                RowError(row=row.row, column=row.columns[field_name], message=message)
            )

        text = {}
        for field_name, limit, multiline in (
            ("title", TITLE_MAX_LENGTH, False),
            ("problem", BODY_MAX_LENGTH, True),
            ("solution", BODY_MAX_LENGTH, True),
            ("benefit", BODY_MAX_LENGTH, True),
            ("agencies", BODY_MAX_LENGTH, True),
            ("team", TITLE_MAX_LENGTH, False),
        ):
            value = _text(row.values.get(field_name), multiline=multiline)
            text[field_name] = value
            if field_name not in row.columns:
                continue
            if field_name in REQUIRED and not value:
                fail(field_name, _("This field is empty; it is required."))
            elif len(value) > limit:
                fail(
                    field_name,
                    _("%(length)s characters; at most %(limit)s are allowed.")
                    % {"length": f"{len(value):,}", "limit": f"{limit:,}"},
                )

        theme = None
        theme_text = _text(row.values.get("theme"), multiline=False)
        if theme_text:
            theme = by_name.get(_header_key(theme_text))
            if theme is None:
                codes = sorted({item.code for item in by_name.values()})
                fail(
                    "theme",
                    _(
                        "“%(value)s” is not a theme of this event; use one of: "
                        "%(codes)s."
                    )
                    % {"value": theme_text, "codes": ", ".join(codes) or "—"},
                )

        external_id = _text(row.values.get("id"), multiline=False)
        if len(external_id) > 100:
            fail("id", _("An id may have at most 100 characters."))
        elif external_id:
            first = seen_ids.setdefault(external_id, row.row)
            if first != row.row:
                fail(
                    "id",
                    _("The id “%(id)s” is also on row %(first)s.")
                    % {"id": external_id, "first": first},
                )

        submitted_at = None
        raw_date = row.values.get("submitted_at")
        if _present(raw_date):
            try:
                submitted_at = parse_date(raw_date)
            except ValueError:
                fail(
                    "submitted_at",
                    _(
                        "“%(value)s” is not a date; write it as 11/06/2565, "
                        "11/06/2022 or 2022-06-11."
                    )
                    % {"value": raw_date},
                )

        if row_errors:
            errors.extend(row_errors)
            continue
        clean.append(
            CleanRow(
                row=row.row,
                external_id=external_id,
                title=text["title"],
                problem=text["problem"],
                solution=text["solution"],
                benefit=text["benefit"],
                agencies=text["agencies"],
                team_name=text["team"],
                theme=theme,
                tags=_tags(row.values.get("tags")),
                submitted_at=submitted_at,
            )
        )
    return clean, errors


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
