"""Reading an import file, from disk or from bytes, by the reader its name picks."""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from ideas import import_limits
from ideas.import_limits import ImportFileError
from ideas.importing.csv_xlsx import _csv_rows, _decode, _xlsx_rows
from ideas.importing.json_files import _from_json
from ideas.importing.rows import ParsedFile
from ideas.importing.tables import _from_table

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
