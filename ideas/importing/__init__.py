"""Read ideas from the files facilitators bring: CSV, XLSX and JSON.

Parsing turns a file into rows of raw values keyed by field; validation turns a
row into the text an idea stores, or into errors that name the row and column
as the user sees them in their file. Nothing here writes to the database:
``ideas.services.ideas_import`` does, with these functions.

Files come from Google Forms, Microsoft Forms, Excel on Thai Windows and other
platforms, so the reader is lenient about form (encoding, separator, banner
rows above the header, Buddhist-era dates) and strict about content.

Callers use the names re-exported here (``from ideas import importing``); each
part has its module:

- ``reading``: ``read_file``/``read_bytes``, ``check_file``, ``upload_dir``.
- ``csv_xlsx``: decoding and splitting CSV text, reading XLSX sheets.
- ``tables`` and ``json_files``: rows of cells, or JSON, into a ``ParsedFile``.
- ``headers``: finding the header row and mapping its columns to fields.
- ``fields``: ``FIELDS``, the headers that name them, ``parse_column_map``.
- ``cells`` and ``date_cells``: a cell's text, and ``parse_date``.
- ``validating``: ``clean_rows``.
- ``rows``: ``ImportRow``, ``ParsedFile``, ``CleanRow``, ``RowError``.

The limits, and ``ImportFileError``, are ``ideas.import_limits``'s.
"""

from __future__ import annotations

# The names marked noqa are not in __all__: callers and tests reach them as
# ``importing.X``.
from ideas import import_limits  # noqa: F401
from ideas.import_limits import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ImportFileError,
    max_bytes,
    max_rows,
)
from ideas.importing.csv_xlsx import _csv_rows  # noqa: F401
from ideas.importing.date_cells import parse_date
from ideas.importing.fields import (
    FIELDS,
    _field_for,  # noqa: F401
    _header_candidates,  # noqa: F401
    _is_personal,  # noqa: F401
    parse_column_map,
)
from ideas.importing.reading import (
    check_file,
    read_bytes,
    read_file,
    upload_dir,  # noqa: F401
)
from ideas.importing.rows import CleanRow, ImportRow, ParsedFile, RowError
from ideas.importing.validating import clean_rows

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
