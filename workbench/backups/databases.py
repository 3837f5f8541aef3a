"""The database side: engine detection, the engine's own copy and restore, counts.

SQLite is copied with the online backup API; PostgreSQL with ``pg_dump`` and
``pg_restore``, whose versions are checked before they run.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _
from psycopg.conninfo import make_conninfo

from ._common import COUNTED_MODELS, DATABASE_FILES, BackupError

# libpq reads these from the environment, so that nothing about the
# connection, the password least of all, shows on a command line.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
    "options": "PGOPTIONS",
}


def _engine(connection) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(engine)s.")
            % {"engine": connection.vendor}
        )
    return connection.vendor


def _row_counts(cursor, *, tables: set[str]) -> dict[str, int]:
    counts = {}
    for label in COUNTED_MODELS:
        model = apps.get_model(label)
        table = model._meta.db_table
        if table not in tables:
            continue
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
        counts[model._meta.label_lower] = cursor.fetchone()[0]
    return counts


def _database_snapshot(
    *, using: str, engine: str, path: Path
) -> tuple[dict[str, int], dict]:
    """Copy the database to ``path``; return its row counts and the engine's details.

    The counts are those of the copy itself, not of the live database a
    moment later, so that a restore can compare like with like.
    """
    connection = connections[using]
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # One step: the copy holds a read lock throughout, so it is a
            # single moment of the database however busy the site is.
            connection.connection.backup(target)
        finally:
            target.close()
        copy = sqlite3.connect(path)
        try:
            cursor = copy.cursor()
            tables = {
                row[0]
                for row in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
            counts = _row_counts(cursor, tables=tables)
        finally:
            copy.close()
        return counts, {
            "name": str(connection.settings_dict["NAME"]),
            "sqlite_version": sqlite3.sqlite_version,
        }

    # PostgreSQL: count rows in a transaction whose snapshot pg_dump then
    # shares, so that the counts are exactly those of the dump.
    snapshot_connection = connections.create_connection(using)
    try:
        snapshot_connection.ensure_connection()
        server_version = snapshot_connection.pg_version
        snapshot_connection.set_autocommit(False)
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = set(snapshot_connection.introspection.table_names(cursor))
            counts = _row_counts(cursor, tables=tables)
            dump_version = _pg_run(
                tool="pg_dump",
                settings_dict=snapshot_connection.settings_dict,
                arguments=[
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={path}",
                ],
                minimum=server_version // 10000,
            )
        snapshot_connection.rollback()
    finally:
        snapshot_connection.close()
    return counts, {
        "name": str(connection.settings_dict["NAME"]),
        "server_version": _pg_version_text(server_version),
        "pg_dump_version": dump_version,
    }


def _sqlite_restore(connection, *, source: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(source)
    try:
        # The backup API writes the target through its own connection, page
        # by page, in one transaction: an interrupted restore leaves it empty.
        copy.backup(connection.connection)
    finally:
        copy.close()


def _migrations_compare(connection) -> tuple[list[str], list[str]]:
    """This code's migrations the database lacks, and those it has that we lack."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    plan = executor.migration_plan(loader.graph.leaf_nodes())
    unapplied = [f"{migration.app_label}.{migration.name}" for migration, _b in plan]
    # A squashed migration is recorded with the ones it replaces.
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    unknown = sorted(
        f"{app}.{name}"
        for app, name in loader.applied_migrations
        if app in loader.migrated_apps and (app, name) not in known
    )
    return unapplied, unknown


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = settings_dict.get(key)
        if value:
            env[var] = str(value)
    for option, var in _PG_OPTION_ENV.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[var] = str(value)
    return env


def _pg_tool_version(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        return ""
    result = subprocess.run(
        [path, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"(\d+(?:\.\d+)?)", result.stdout)
    return match.group(1) if match else ""


def _major(version: str) -> int:
    match = re.match(r"(\d+)", version or "")
    return int(match.group(1)) if match else 0


def _pg_version_text(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _pg_tool_check(*, tool: str, minimum: int, made_by: str = "") -> str:
    version = _pg_tool_version(tool)
    if not version:
        raise BackupError(
            _(
                "%(tool)s was not found on PATH: install the PostgreSQL client "
                "tools, version %(major)d or newer (Debian: apt-get install "
                "postgresql-client), and run again."
            )
            % {"tool": tool, "major": minimum}
        )
    if _major(version) < minimum:
        if made_by:
            raise BackupError(
                _(
                    "%(tool)s is version %(version)s, older than the pg_dump "
                    "%(made_by)s that wrote the archive: install the PostgreSQL "
                    "client %(major)d or newer, put it first on PATH and run again. "
                    "Nothing was changed."
                )
                % {
                    "tool": tool,
                    "version": version,
                    "made_by": made_by,
                    "major": minimum,
                }
            )
        raise BackupError(
            _(
                "%(tool)s is version %(version)s, older than the PostgreSQL server "
                "(%(major)d): install the PostgreSQL client %(major)d or newer, put "
                "it first on PATH and run again. Nothing was written."
            )
            % {"tool": tool, "version": version, "major": minimum}
        )
    return version


def _pg_run(
    *,
    tool: str,
    settings_dict: dict,
    arguments: list[str],
    minimum: int = 0,
    target_database: bool = False,
) -> str:
    version = _pg_tool_check(tool=tool, minimum=minimum)
    command = [shutil.which(tool), "--no-password", *arguments]
    if target_database:
        # pg_restore writes SQL to stdout unless told a database; a conninfo
        # string holds the name however it is spelt.
        command.append(f"--dbname={make_conninfo(dbname=settings_dict['NAME'])}")
    result = subprocess.run(
        command,
        env=_pg_env(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit status %(status)d): %(error)s")
            % {
                "tool": tool,
                "status": result.returncode,
                "error": result.stderr.strip()[-2000:],
            }
        )
    return version
