"""How much of an import file is read: bounds that keep a hostile file cheap.

A file within the size limit can still cost far more to read than its size: a
zip that inflates a thousandfold, a row of a million cells, a JSON of nested
empty lists. Each bound here is generous for the files facilitators bring
(forms' exports, spreadsheets of past events) and refuses the rest before the
expensive step, with a message that names the limit.

``ideas.importing`` applies them; ``ImportFileError`` lives here so that this
module needs nothing from it, and ``ideas.importing`` re-exports it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = [
    "COLUMN_MAP_MAX_LENGTH",
    "MAX_COLUMNS",
    "ImportFileError",
    "check_cells",
    "bounded_row",
    "check_size",
    "check_json_containers",
    "check_zip",
    "max_bytes",
    "max_rows",
    "megabytes",
    "xlsx_cell_budget",
    "xlsx_table_bytes",
    "xlsx_uncompressed_limit",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 50_000
# The column map names a few dozen headers at most; form questions make long
# headers, so the bound leaves room for many of them.
COLUMN_MAP_MAX_LENGTH = 5000
# Forms export a column per question, plus their own; none comes near this.
MAX_COLUMNS = 1000
# An XLSX holds a dozen parts, plus two per extra sheet and one per picture.
MAX_ZIP_MEMBERS = 1000
# Spreadsheet XML deflates about 15 to 25 times (measured on sheets of Thai
# text and of repeated values); a zip bomb, about a thousand. Only parts large
# enough to matter are judged: a small part may compress as well as it likes.
MAX_COMPRESSION_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
# The most an XLSX may inflate to: a file at the size limit, deflated as well
# as real spreadsheets are, and never more than this, whatever the settings.
XLSX_INFLATION = 32
XLSX_UNCOMPRESSED_CAP = 512 * 1024 * 1024
# A sheet's XML is about four times the size of the same table as CSV, which
# is what the background threshold measures.
XLSX_XML_PER_CSV_BYTE = 4
# Cells read from a workbook, empty ones included: a sheet can ask for a
# row 16,384 cells wide with a few bytes of XML.
XLSX_CELLS_PER_ROW = 200
# Containers a JSON list of ideas needs: an object per idea and its list of
# tags, with room for brackets in the text itself.
JSON_CONTAINERS_PER_ROW = 10


class ImportFileError(Exception):
    """A file that cannot be read as a table of ideas at all."""

    def __init__(self, message: str, *, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


def max_bytes() -> int:
    return getattr(settings, "IDEAS_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_rows() -> int:
    return getattr(settings, "IDEAS_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


def check_size(size: int) -> None:
    if size > max_bytes():
        raise ImportFileError(
            _("The file is %(size)s; at most %(limit)s can be imported.")
            % {"size": megabytes(size), "limit": megabytes(max_bytes())}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))


def megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def xlsx_uncompressed_limit() -> int:
    return min(XLSX_INFLATION * max_bytes(), XLSX_UNCOMPRESSED_CAP)


def xlsx_cell_budget() -> int:
    return (max_rows() + 100) * XLSX_CELLS_PER_ROW


def xlsx_table_bytes(uncompressed: int) -> int:
    """An XLSX's XML size as the size of the same table in CSV."""
    return uncompressed // XLSX_XML_PER_CSV_BYTE


def check_zip(source: str | IO[bytes]) -> int:
    """Refuse a zip that would inflate past any spreadsheet of ideas.

    Reads only the zip's directory. The sizes it states bound what reading
    can inflate: zipfile stops a part at its stated size (and then fails its
    checksum), so a part that lies about its size cannot inflate further.

    Returns
    -------
    int
        How many bytes the parts inflate to, all together.

    Raises
    ------
    ImportFileError
        When it is no zip, has too many parts, one inflates absurdly, or all
        together would inflate past ``xlsx_uncompressed_limit()``.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    # A damaged zip directory fails in several ways; each means the same.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(
            _(
                "This is not an XLSX spreadsheet: the file is damaged or of "
                "another kind."
            )
        ) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            _(
                "The XLSX file holds %(count)s parts; a spreadsheet has far fewer "
                "(at most %(limit)s are read). Save it again as XLSX, or as CSV."
            )
            % {"count": f"{len(members):,}", "limit": f"{MAX_ZIP_MEMBERS:,}"}
        )
    total = 0
    for member in members:
        total += member.file_size
        if (
            member.file_size > RATIO_FROM_BYTES
            and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            ratio = member.file_size / max(member.compress_size, 1)
            raise ImportFileError(
                _(
                    "A part of the XLSX file inflates to %(ratio)s times its "
                    "size; a spreadsheet inflates at most %(limit)s times. This "
                    "is not an ordinary spreadsheet: save it again as XLSX, or "
                    "as CSV."
                )
                % {"ratio": f"{ratio:,.0f}", "limit": MAX_COMPRESSION_RATIO}
            )
    limit = xlsx_uncompressed_limit()
    if total > limit:
        raise ImportFileError(
            _(
                "The XLSX file inflates to %(size)s; at most %(limit)s can be "
                "read. Split it into smaller files."
            )
            % {"size": megabytes(total), "limit": megabytes(limit)}
        )
    return total


def bounded_row(cells: Iterable[Any], *, row: int) -> list[Any]:
    """A row's cells, refused past ``MAX_COLUMNS``.

    Empty cells at the end do not count (a tool may write a styled empty cell
    far to the right), and are dropped from a row that long.
    """
    cells = list(cells)
    if len(cells) > MAX_COLUMNS:
        while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise ImportFileError(
                _("The row has %(count)s columns; at most %(limit)s can be read.")
                % {"count": f"{len(cells):,}", "limit": f"{MAX_COLUMNS:,}"},
                row=row,
            )
    return cells


def check_cells(count: int, *, budget: int) -> None:
    """Refuse a workbook once ``count`` cells are read, of ``xlsx_cell_budget()``."""
    if count > budget:
        raise ImportFileError(
            _(
                "The spreadsheet has more than %(limit)s cells, empty ones "
                "included; split it into smaller files."
            )
            % {"limit": f"{budget:,}"}
        )


def check_json_containers(text: str) -> None:
    """Refuse a JSON with more objects and lists than ideas could need.

    Counted before parsing, as brackets anywhere (text included): a file of
    nested empty lists parses into twenty times its size in memory.
    """
    limit = (max_rows() + 10) * JSON_CONTAINERS_PER_ROW
    if text.count("{") + text.count("[") > limit:
        raise ImportFileError(
            _(
                "The JSON has more than %(limit)s objects and lists: more than a "
                "list of at most %(rows)s ideas needs."
            )
            % {"limit": f"{limit:,}", "rows": f"{max_rows():,}"}
        )
