"""Backup and restore: one archive, verified before anything changes.

The same tests run on SQLite and, with DATABASE_URL=postgres://..., on
PostgreSQL: the archive is restored into a second database, a temporary file
or a scratch database made and dropped here.
"""

import hashlib
import io
import json
import os
import shutil
import stat
import tarfile
import uuid
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone, translation
from wagtail.models import Locale, Page

from ideas.models import Contact, Idea, IdeaDecision
from strategy.models import Framework, Indicator, Measure, MeasureIdea
from tests.factories import (
    EventIndexPageFactory,
    EventPageFactory,
    HomePageFactory,
    IdeaFactory,
    IndicatorFactory,
    ThemeFactory,
    UserFactory,
)
from workbench import backups

# pg_dump reads only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)

TARGET = "restored"


@pytest.fixture
def english():
    # The messages are checked in their msgid, whatever the catalogue says.
    with translation.override("en"):
        yield


@pytest.fixture
def office(transactional_db, settings):
    """An event's ideas, decisions and contacts, and a framework citing them.

    Built on a Wagtail tree rebuilt if need be: the flush after a transactional
    test can take the rows Wagtail's migrations made with it.
    """
    locale, _created = Locale.objects.get_or_create(
        language_code=settings.LANGUAGE_CODE
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePageFactory(parent=root)
    event = EventPageFactory(parent=EventIndexPageFactory(parent=home))
    theme = ThemeFactory(event=event)
    facilitator = UserFactory(username="facilitator")
    ideas = [
        IdeaFactory(event=event, theme=theme, status=Idea.Status.ACCEPTED)
        for _ in range(3)
    ]
    for idea in ideas[:2]:
        IdeaDecision.objects.create(
            idea=idea,
            actor=facilitator,
            field=IdeaDecision.Field.STATUS,
            old_value=Idea.Status.SUBMITTED,
            new_value=Idea.Status.ACCEPTED,
            reason="ตรงประเด็น",
        )
    Contact.objects.create(
        idea=ideas[0],
        name="สมหญิง ใจดี",
        email="somying@example.org",
        phone="0812345678",
        consent_at=timezone.now(),
        consent_text_version="2565-1",
    )
    indicator = IndicatorFactory(measure__goal__issue__framework__slug="reform")
    MeasureIdea.objects.create(measure=indicator.measure, idea=ideas[0])
    return SimpleNamespace(ideas=ideas, event=event)


@pytest.fixture
def files(settings, tmp_path):
    """Uploaded media and private files, each in a folder of its own."""
    media = tmp_path / "site" / "media"
    private = tmp_path / "site" / "private"
    (media / "images" / "originals").mkdir(parents=True)
    (media / "images" / "originals" / "ภาพกิจกรรม.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + os.urandom(2048)
    )
    (media / "documents").mkdir()
    (media / "documents" / "framework.pdf").write_bytes(b"%PDF-1.7 " * 300)
    (private / "imports").mkdir(parents=True)
    (private / "imports" / "responses.csv").write_text(
        "name,email\nสมหญิง,somying@example.org\n", encoding="utf-8"
    )
    (media / "documents" / "framework.pdf").chmod(0o644)
    (private / "imports" / "responses.csv").chmod(0o640)
    settings.MEDIA_ROOT = media
    settings.PRIVATE_FILES_ROOT = private
    return SimpleNamespace(media=media, private=private)


@pytest.fixture
def empty_folders(settings, tmp_path):
    """Point the media and private folders at new, empty ones (a fresh machine)."""

    def point():
        fresh = tmp_path / f"fresh-{uuid.uuid4().hex[:6]}"
        settings.MEDIA_ROOT = fresh / "media"
        settings.PRIVATE_FILES_ROOT = fresh / "private"
        return SimpleNamespace(media=fresh / "media", private=fresh / "private")

    return point


def _pg_admin(default):
    import psycopg

    return psycopg.connect(
        host=default["HOST"] or None,
        port=default["PORT"] or None,
        user=default["USER"] or None,
        password=default["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def target(transactional_db, tmp_path):
    """A second, empty database of the test's engine, as the alias ``restored``."""
    default = connections["default"].settings_dict
    vendor = connections["default"].vendor
    scratch = None
    if vendor == "sqlite":
        config = {**default, "NAME": str(tmp_path / "restored.sqlite3")}
    else:
        missing = [tool for tool in ("pg_dump", "pg_restore") if not shutil.which(tool)]
        if missing:
            pytest.skip(f"{' and '.join(missing)} (PostgreSQL client) not on PATH")
        scratch = f"{default['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with _pg_admin(default) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"')
        config = {**default, "NAME": scratch}
    # Opened before it is named: Django's test case refuses to open a
    # connection for a named alias that the test did not declare, and the
    # alias must exist for the ORM to read the restored rows.
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, TARGET)
    wrapper.ensure_connection()
    connections.settings[TARGET] = config
    connections[TARGET] = wrapper
    yield TARGET
    # Before pytest-django's own teardown, which expects only the aliases it saw.
    connections[TARGET].close()
    del connections[TARGET]
    del connections.settings[TARGET]
    if scratch:
        with _pg_admin(default) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _needs_pg_tools():
    if connections["default"].vendor == "postgresql" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump and pg_restore (PostgreSQL client) not on PATH")


def _backup(folder):
    _needs_pg_tools()
    out = io.StringIO()
    call_command("backup", output=str(folder), stdout=out)
    (archive,) = folder.glob("workbench-backup-*.tar.gz")
    return archive, out.getvalue()


def _members(archive):
    """Each member's bytes, by name."""
    with tarfile.open(archive, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def _repack(archive, dest, members):
    with tarfile.open(dest, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return dest


def _tables(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _content(alias):
    """Every idea, decision, contact and framework row that matters, comparable."""
    return {
        "ideas": list(
            Idea.objects.using(alias)
            .order_by("number")
            .values_list("number", "title", "problem", "status", "event_id")
        ),
        "decisions": list(
            IdeaDecision.objects.using(alias)
            .order_by("pk")
            .values_list("idea__number", "field", "new_value", "reason", "actor_id")
        ),
        "contacts": list(
            Contact.objects.using(alias)
            .order_by("pk")
            .values_list("idea__number", "name", "email", "phone", "consent_at")
        ),
        "frameworks": list(
            Framework.objects.using(alias).values_list("slug", "title", "vision")
        ),
        "measures": list(
            Measure.objects.using(alias).values_list("goal__issue__framework__slug")
        ),
        "indicators": list(Indicator.objects.using(alias).values_list("name")),
        "citations": list(
            MeasureIdea.objects.using(alias).values_list("measure_id", "idea__number")
        ),
        "pages": list(Page.objects.using(alias).order_by("path").values_list("title")),
    }


def test_backup_then_restore_brings_back_every_row_and_file(
    office, files, target, empty_folders, tmp_path, english
):
    archive, out = _backup(tmp_path)

    # Personal data: readable by its owner only, and the output says so.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "mode 0600" in out
    assert "ideas: 3" in out and "contacts: 1" in out
    assert "Files: 2 uploaded media" in out and "1 private" in out
    # The manifest holds every other member's sha256, and they match.
    members = _members(archive)
    manifest = json.loads(members.pop(backups.MANIFEST))
    assert manifest["files"].keys() == members.keys()
    for name, data in members.items():
        assert manifest["files"][name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["counts"]["ideas.idea"] == 3
    assert manifest["counts"]["ideas.ideadecision"] == 2
    assert manifest["counts"]["strategy.framework"] == 1
    assert manifest["counts"]["auth.user"] == 1

    fresh = empty_folders()
    out = io.StringIO()
    call_command("restore", str(archive), database=target, stdout=out)

    assert _content(target) == _content("default")
    assert len(_content(target)["ideas"]) == 3
    out = out.getvalue()
    assert "Archive verified" in out
    assert "ideas: 3 of 3" in out
    assert "Every row count matches the archive's manifest." in out
    # Made by this code: no migration missing on either side.
    assert "migration" not in out
    for name, entry in manifest["files"].items():
        kind, _sep, rest = name.partition("/")
        if kind == "database":
            continue
        restored = getattr(fresh, kind) / rest
        assert hashlib.sha256(restored.read_bytes()).hexdigest() == entry["sha256"]
    assert (fresh.media / "images" / "originals" / "ภาพกิจกรรม.png").exists()
    # With the permissions they had.
    for kind, name, mode in [
        ("media", "documents/framework.pdf", 0o644),
        ("private", "imports/responses.csv", 0o640),
    ]:
        assert stat.S_IMODE((getattr(fresh, kind) / name).stat().st_mode) == mode


def test_restore_into_a_database_with_tables_is_refused_and_changes_nothing(
    office, files, empty_folders, tmp_path, english
):
    archive, _out = _backup(tmp_path)
    before = _content("default")
    fresh = empty_folders()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    message = str(refused.value)
    assert "is not empty" in message
    assert "Nothing was changed." in message
    assert ("mv " in message) or ("createdb" in message)
    assert _content("default") == before
    assert not fresh.media.exists() and not fresh.private.exists()


def test_restore_dry_run_checks_everything_and_changes_nothing(
    office, files, target, empty_folders, tmp_path, english
):
    archive, _out = _backup(tmp_path)
    fresh = empty_folders()
    out = io.StringIO()

    call_command("restore", str(archive), database=target, dry_run=True, stdout=out)

    out = out.getvalue()
    assert "Dry run" in out
    assert "ideas: 3" in out
    assert "Would restore 2 uploaded media and 1 private files." in out
    assert _tables(target) == []
    assert not fresh.media.exists() and not fresh.private.exists()


@pytest.mark.parametrize("damage", ["truncated", "flipped", "altered", "unlisted"])
def test_a_damaged_archive_is_refused_before_anything_changes(
    office, files, target, empty_folders, tmp_path, english, damage
):
    archive, _out = _backup(tmp_path)
    members = _members(archive)
    damaged = tmp_path / "damaged.tar.gz"
    if damage == "truncated":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "flipped":
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0xFF
        damaged.write_bytes(bytes(data))
    elif damage == "altered":
        members["private/imports/responses.csv"] = b"name,email\nsomeone,else\n"
        _repack(archive, damaged, members)
    else:
        members = {"media/extra.txt": b"not in the manifest", **members}
        _repack(archive, damaged, members)
    fresh = empty_folders()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(damaged), database=target, stdout=io.StringIO())

    message = str(refused.value)
    assert "damaged" in message and "Nothing was changed." in message
    if damage == "altered":
        assert "checksum of private/imports/responses.csv" in message
    if damage == "unlisted":
        assert "media/extra.txt is not listed" in message
    assert _tables(target) == []
    assert not fresh.media.exists() and not fresh.private.exists()


def test_an_archive_that_would_write_outside_its_folders_is_refused(
    office, target, tmp_path, english
):
    evil = _repack(None, tmp_path / "evil.tar.gz", {"media/../../escape": b"x"})

    with pytest.raises(backups.ArchiveDamaged, match="never holds"):
        backups.restore(archive=evil, using=target)

    assert not (tmp_path / "escape").exists()


def test_an_archive_of_another_engine_is_refused(
    office, files, target, tmp_path, english
):
    archive, _out = _backup(tmp_path)
    members = _members(archive)
    manifest = json.loads(members[backups.MANIFEST])
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    manifest["engine"] = other
    members[backups.MANIFEST] = json.dumps(manifest).encode()
    moved = _repack(archive, tmp_path / "other.tar.gz", members)

    with pytest.raises(backups.BackupError, match="holds a .* database, but"):
        backups.restore(archive=moved, using=target)

    assert _tables(target) == []


def test_backup_dry_run_writes_nothing_and_an_archive_is_never_overwritten(
    office, files, tmp_path, english
):
    _needs_pg_tools()
    out = io.StringIO()
    call_command("backup", output=str(tmp_path), dry_run=True, stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert "ideas: 3" in out.getvalue()
    assert list(tmp_path.glob("*.tar.gz")) == []

    archive = tmp_path / "nightly.tar.gz"
    archive.write_bytes(b"yesterday")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", output=str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"yesterday"


def test_missing_or_old_pg_client_tools_are_explained(monkeypatch, english):
    monkeypatch.setattr(backups.databases.shutil, "which", lambda tool: None)
    with pytest.raises(backups.BackupError, match="pg_dump was not found on PATH"):
        backups.databases._pg_tool_check(tool="pg_dump", minimum=15)

    monkeypatch.setattr(backups.databases, "_pg_tool_version", lambda tool: "13.4")
    with pytest.raises(backups.BackupError, match="older than the PostgreSQL server"):
        backups.databases._pg_tool_check(tool="pg_dump", minimum=15)
    with pytest.raises(backups.BackupError, match="older than the pg_dump 16.2"):
        backups.databases._pg_tool_check(tool="pg_restore", minimum=16, made_by="16.2")
