"""Finding a table's header row, and mapping its columns to fields."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ideas.import_limits import ImportFileError
from ideas.importing.cells import _header_text, _present
from ideas.importing.fields import REQUIRED, _field_for, _header_key, _is_personal

# The header is among the first rows: a banner or group heading may stand
# above it.
_HEADER_WINDOW = 10


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
