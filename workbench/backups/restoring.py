"""Restoring a backup: the checks before anything changes, then putting it back."""

import dataclasses
import hashlib
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.translation import gettext as _

from ._common import (
    _CHUNK,
    ARCHIVE_MODE,
    ENGINE_NAMES,
    FILE_ROOTS,
    MANIFEST,
    ArchiveDamaged,
    BackupError,
    RestoreReport,
    TargetNotEmpty,
    logger,
)
from .archive import _damaged, _m, _member_name, archive_verify
from .databases import (
    _engine,
    _major,
    _migrations_compare,
    _pg_run,
    _pg_tool_check,
    _row_counts,
    _sqlite_restore,
)


def restore(
    *, archive: Path, using: str = DEFAULT_DB_ALIAS, dry_run: bool = False
) -> RestoreReport:
    """Restore ``archive`` into an empty database and the media and private folders.

    Checks, before changing anything: every checksum, that the archive's
    engine is the target's, that the target database has no tables, that no
    file to restore exists already and (PostgreSQL) that ``pg_restore`` can
    read the dump. Then restores the database, moves the files into place and
    counts the rows again. With ``dry_run`` it stops after the checks.

    Raises
    ------
    ArchiveDamaged
        A checksum differs or the archive cannot be read.
    TargetNotEmpty
        The database has tables.
    BackupError
        Another check or the restore itself failed.
    """
    archive = Path(archive)
    manifest = archive_verify(path=archive)
    engine = manifest["engine"]
    connection = connections[using]
    target_engine = _engine(connection)
    if engine != target_engine:
        raise BackupError(
            _(
                "The archive holds a %(archive)s database, but this site uses "
                "%(target)s: restore it into an empty %(archive)s database "
                "(set DATABASE_URL to it). Nothing was changed."
            )
            % {
                "archive": ENGINE_NAMES[engine],
                "target": ENGINE_NAMES[target_engine],
            }
        )
    _target_must_be_empty(connection, engine=engine)
    placements = _placements(manifest)
    existing = [str(dest) for _name, dest in placements if os.path.lexists(dest)]
    if existing:
        raise BackupError(
            _(
                "%(count)d files to restore exist already, e.g. %(path)s: restore "
                "into empty media and private folders. Nothing was changed."
            )
            % {"count": len(existing), "path": existing[0]}
        )
    if engine == "postgresql":
        _pg_tool_check(
            tool="pg_restore",
            minimum=_major(manifest["database"].get("pg_dump_version", "")),
            made_by=manifest["database"].get("pg_dump_version", ""),
        )
    files = dict.fromkeys(FILE_ROOTS, 0)
    for name, _dest in placements:
        files[name.split("/", 1)[0]] += 1
    report = RestoreReport(
        engine=engine,
        database=str(connection.settings_dict["NAME"]),
        created_at=manifest.get("created_at", ""),
        files_verified=len(manifest["files"]),
        expected=manifest["counts"],
        files=files,
    )
    if dry_run:
        return report

    with tempfile.TemporaryDirectory(prefix="workbench-restore-") as work:
        staged = _extract(archive, manifest=manifest, work=Path(work))
        database_file, _mode = staged.pop(manifest["database"]["file"])
        if engine == "sqlite":
            _sqlite_restore(connection, source=database_file)
        else:
            _pg_run(
                tool="pg_restore",
                settings_dict=connection.settings_dict,
                arguments=[
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    str(database_file),
                ],
                target_database=True,
            )
        for name, dest in placements:
            dest.parent.mkdir(parents=True, exist_ok=True)
            source, mode = staged[name]
            shutil.move(source, dest)
            os.chmod(dest, mode)
    with connection.cursor() as cursor:
        restored = _row_counts(
            cursor, tables=set(connection.introspection.table_names(cursor))
        )
    unapplied, unknown = _migrations_compare(connection)
    logger.info("backup restored: %s files, engine %s", len(manifest["files"]), engine)
    return dataclasses.replace(
        report, restored=restored, unapplied=unapplied, unknown=unknown
    )


def _target_must_be_empty(connection, *, engine: str) -> None:
    name = str(connection.settings_dict["NAME"])
    if engine == "sqlite" and not name.startswith("file:") and name != ":memory:":
        path = Path(name)
        if not path.parent.is_dir():
            raise BackupError(
                _("The folder %(path)s does not exist.") % {"path": path.parent}
            )
        if not path.exists():
            # Connecting would create the file: a dry run must not.
            return
    try:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor, include_views=True)
    except DatabaseError as error:
        raise BackupError(
            _(
                "The database %(name)s cannot be reached (%(error)s). Create it "
                "empty, e.g. createdb --owner=%(user)s %(name)s, and run restore "
                "again. Nothing was changed."
            )
            % {"name": name, "error": error, "user": connection.settings_dict["USER"]}
        ) from error
    if not tables:
        return
    if engine == "sqlite":
        how = _(
            "stop the service, move the database file aside (mv %(name)s "
            "%(name)s.before-restore) and run restore again; do not run migrate "
            "first."
        ) % {"name": name}
    else:
        how = _(
            "stop the service and create an empty database (dropdb %(name)s && "
            "createdb --owner=%(user)s %(name)s, or a new database named in "
            "DATABASE_URL), then run restore again; do not run migrate first."
        ) % {"name": name, "user": connection.settings_dict["USER"]}
    raise TargetNotEmpty(
        _(
            "The database %(name)s is not empty: it has %(count)d tables. A restore "
            "goes only into an empty database, so that it overwrites nothing. To "
            "get one, %(how)s Nothing was changed."
        )
        % {"name": name, "count": len(tables), "how": how}
    )


def _placements(manifest: dict) -> list[tuple[str, Path]]:
    placements = []
    for name in sorted(manifest["files"]):
        kind, _sep, rest = name.partition("/")
        if kind in FILE_ROOTS:
            root = Path(getattr(settings, FILE_ROOTS[kind]))
            placements.append((name, root.joinpath(*PurePosixPath(rest).parts)))
    return placements


def _extract(
    archive: Path, *, manifest: dict, work: Path
) -> dict[str, tuple[Path, int]]:
    # Everything is unpacked, and hashed again, before anything is restored:
    # the archive might have changed since it was verified.
    staged: dict[str, tuple[Path, int]] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _member_name(member, path=archive)
                if name == MANIFEST:
                    continue
                dest = work / f"{len(staged)}-{PurePosixPath(name).name}"
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ARCHIVE_MODE)
                with os.fdopen(fd, "wb") as out:
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                if manifest["files"].get(name, {}).get("sha256") != digest.hexdigest():
                    raise _damaged(
                        archive,
                        _("the checksum of %(member)s does not match") % _m(name),
                    )
                staged[name] = (dest, member.mode & 0o777)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise ArchiveDamaged(
            _(
                "The archive %(path)s cannot be read (%(error)s): it is damaged or "
                "not a Workbench backup. Nothing was changed."
            )
            % {"path": archive, "error": error}
        ) from error
    if staged.keys() != manifest["files"].keys():
        raise _damaged(archive, _("it changed while it was being restored"))
    return staged
