"""Rows of cells, from CSV or XLSX, into a parsed file: header found, columns mapped."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.import_limits import ImportFileError, max_rows
from ideas.importing.cells import _header_text, _present
from ideas.importing.headers import (
    _HEADER_WINDOW,
    _check_duplicates,
    _header_index,
    _map_headers,
)
from ideas.importing.rows import ImportRow, ParsedFile


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
