"""Backup and restore: the database, uploaded media and private files in one archive.

An archive is a gzipped tar file::

    database/db.sqlite3 or database/db.dump   the engine's own copy
    media/...                                 settings.MEDIA_ROOT
    private/...                               settings.PRIVATE_FILES_ROOT
    manifest.json                             engine, row counts, sha256 of each file

The database is copied with the engine's own tools, not ``dumpdata``: Wagtail's
data migrations create rows (the root page, the default site, locales) that a
fixture loaded into a migrated database collides with, and the engine's copy is
consistent while the site keeps running. SQLite uses the online backup API;
PostgreSQL ``pg_dump --format=custom`` and ``pg_restore``.

A restore goes only into a database without tables, so that it never overwrites
anything and never has to merge with rows that migrations made; it checks every
file's checksum before it changes anything. The archive holds personal data
(contact details, import uploads): it is written readable by its owner only.
"""

from ._common import (
    ARCHIVE_MODE,
    COUNTED_MODELS,
    DATABASE_DIR,
    DATABASE_FILES,
    ENGINE_NAMES,
    FILE_ROOTS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    ArchiveDamaged,
    BackupError,
    BackupReport,
    RestoreReport,
    TargetNotEmpty,
    count_label,
    default_archive_name,
    logger,
)
from .archive import archive_verify
from .creating import backup_create
from .restoring import restore

__all__ = [
    "ARCHIVE_MODE",
    "COUNTED_MODELS",
    "DATABASE_DIR",
    "DATABASE_FILES",
    "ENGINE_NAMES",
    "FILE_ROOTS",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "ArchiveDamaged",
    "BackupError",
    "BackupReport",
    "RestoreReport",
    "TargetNotEmpty",
    "archive_verify",
    "backup_create",
    "count_label",
    "default_archive_name",
    "logger",
    "restore",
]
