"""Writing a backup: collecting the files, copying the database, the archive."""

import os
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from ._common import (
    ARCHIVE_MODE,
    DATABASE_FILES,
    FILE_ROOTS,
    BackupError,
    BackupReport,
    default_archive_name,
    logger,
)
from .archive import _write_archive
from .databases import _database_snapshot, _engine, _pg_tool_check, _row_counts


def backup_create(
    *, output: Path, using: str = DEFAULT_DB_ALIAS, dry_run: bool = False
) -> BackupReport:
    """Write one archive of the database, media and private files to ``output``.

    ``output`` is a file that must not exist yet, or an existing folder, into
    which a dated name is written. The archive appears only once complete
    (written beside it, then renamed) and with mode 0600, as it holds personal
    data. With ``dry_run`` nothing is written: the report counts what would be.

    Raises
    ------
    BackupError
        The output exists, the engine is not supported, or ``pg_dump`` is
        missing, too old or failed.
    """
    connection = connections[using]
    engine = _engine(connection)
    output = Path(output)
    if output.is_dir():
        output = output / default_archive_name()
    if output.exists():
        raise BackupError(
            _(
                "%(path)s exists already: give another file name, or a folder "
                "to write a dated archive into."
            )
            % {"path": output}
        )
    if not output.parent.is_dir():
        raise BackupError(
            _("The folder %(path)s does not exist.") % {"path": output.parent}
        )
    tmp = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    files, skipped = _collect_files(exclude={output.resolve(), tmp.resolve()})
    file_counts = {kind: len(entries) for kind, entries in files.items()}
    file_bytes = {
        kind: sum(path.stat().st_size for _name, path in entries)
        for kind, entries in files.items()
    }
    if engine == "postgresql":
        _pg_tool_check(tool="pg_dump", minimum=connection.pg_version // 10000)
    if dry_run:
        with connection.cursor() as cursor:
            counts = _row_counts(
                cursor, tables=set(connection.introspection.table_names(cursor))
            )
        return BackupReport(
            output, engine, counts, file_counts, file_bytes, skipped, None
        )

    with tempfile.TemporaryDirectory(prefix="workbench-backup-") as work:
        database_file = Path(work) / DATABASE_FILES[engine]
        counts, details = _database_snapshot(
            using=using, engine=engine, path=database_file
        )
        # Only the owner may read it, from its first byte on.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ARCHIVE_MODE)
        try:
            os.fchmod(fd, ARCHIVE_MODE)
            with os.fdopen(fd, "wb") as raw:
                checksums = _write_archive(
                    raw,
                    database_file=database_file,
                    files=files,
                    engine=engine,
                    counts=counts,
                    details=details,
                )
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(tmp, output)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    os.chmod(output, ARCHIVE_MODE)
    size = output.stat().st_size
    logger.info(
        "backup written: %s files, %s bytes, engine %s", len(checksums), size, engine
    )
    return BackupReport(output, engine, counts, file_counts, file_bytes, skipped, size)


def _collect_files(*, exclude: set[Path]) -> tuple[dict[str, list], int]:
    # Plain files only: a link could point anywhere on the machine, and a
    # restore would recreate it as something else.
    files: dict[str, list[tuple[str, Path]]] = {}
    skipped = 0
    for kind, setting in FILE_ROOTS.items():
        root = Path(getattr(settings, setting))
        entries = files[kind] = []
        if not root.is_dir():
            continue
        for folder, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for filename in sorted(filenames):
                path = Path(folder) / filename
                if path.is_symlink() or not path.is_file():
                    skipped += 1
                    continue
                if path.resolve() in exclude:
                    continue
                entries.append((f"{kind}/{path.relative_to(root).as_posix()}", path))
    return files, skipped
