"""A file's cells: CSV text decoded and split, XLSX sheets read with openpyxl."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import IO, Any

import charset_normalizer
from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.import_limits import ImportFileError, max_rows
from ideas.importing.cells import _present
from ideas.importing.headers import _HEADER_WINDOW, _header_fields

# Vowel and tone marks, and sara am: they follow a consonant or another mark.
_THAI_MARKS = frozenset(
    "\u0e31\u0e33\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a"
    "\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


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
