"""A JSON file of ideas, as the export writes it, into a parsed file."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.import_limits import ImportFileError, max_rows
from ideas.importing.headers import _map_headers
from ideas.importing.rows import ImportRow, ParsedFile
from ideas.importing.tables import _too_many_rows


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
