"""The archive itself: writing it with its manifest, and verifying it again."""

import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath

import django
import wagtail
from django.utils import timezone
from django.utils.translation import gettext as _

from ._common import (
    _CHUNK,
    ARCHIVE_MODE,
    DATABASE_DIR,
    DATABASE_FILES,
    FILE_ROOTS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    ArchiveDamaged,
    BackupError,
)


class _HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes it hands over."""

    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _write_archive(
    raw, *, database_file: Path, files: dict, engine: str, counts: dict, details: dict
) -> dict[str, dict]:
    checksums: dict[str, dict] = {}
    members = [(f"{DATABASE_DIR}/{database_file.name}", database_file)]
    for kind in FILE_ROOTS:
        members.extend(files[kind])
    with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
        for name, path in members:
            with open(path, "rb") as source:
                stat = os.fstat(source.fileno())
                info = _tarinfo(name, size=stat.st_size, mtime=stat.st_mtime)
                if name.partition("/")[0] in FILE_ROOTS:
                    # Restored as they were: the web server may need to read
                    # media that another user wrote.
                    info.mode = stat.st_mode & 0o777
                reader = _HashingReader(source)
                try:
                    tar.addfile(info, reader)
                except OSError as error:
                    raise BackupError(
                        _("%(path)s changed while it was being backed up: %(error)s")
                        % {"path": path, "error": error}
                    ) from error
            checksums[name] = {"sha256": reader.sha256.hexdigest(), "size": info.size}
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": {
                "file": f"{DATABASE_DIR}/{database_file.name}",
                **details,
            },
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "counts": counts,
            "files": checksums,
        }
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        # Last, because it lists the checksums of everything before it.
        tar.addfile(_tarinfo(MANIFEST, size=len(data)), io.BytesIO(data))
    return checksums


def _tarinfo(name: str, *, size: int, mtime: float | None = None) -> tarfile.TarInfo:
    # No owner names or ids: they mean nothing on the machine restored to.
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime if mtime is not None else timezone.now().timestamp())
    info.mode = ARCHIVE_MODE
    return info


# --- verifying --------------------------------------------------------------


def archive_verify(*, path: Path) -> dict:
    """Read the whole archive and check every file against its manifest.

    Returns the manifest. Nothing is written anywhere.

    Raises
    ------
    ArchiveDamaged
        The archive cannot be read, has no valid manifest, or holds a file
        that is missing from it, not listed in it, or whose sha256 differs.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no archive at %(path)s.") % {"path": path})
    found: dict[str, str] = {}
    manifest_data = None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                name = _member_name(member, path=path)
                if name in found or (name == MANIFEST and manifest_data is not None):
                    raise _damaged(path, _("%(member)s appears twice") % _m(name))
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = source.read()
                    continue
                digest = hashlib.sha256()
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                found[name] = digest.hexdigest()
            # Read to the end, so that gzip checks its own checksum too.
            while tar.fileobj.read(_CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise ArchiveDamaged(
            _(
                "The archive %(path)s cannot be read (%(error)s): it is damaged or "
                "not a Workbench backup. Nothing was changed."
            )
            % {"path": path, "error": error}
        ) from error
    manifest = _manifest_parse(manifest_data, path=path)
    listed = manifest["files"]
    if missing := sorted(listed.keys() - found.keys()):
        raise _damaged(path, _("%(member)s is listed but missing") % _m(missing[0]))
    if unlisted := sorted(found.keys() - listed.keys()):
        raise _damaged(
            path, _("%(member)s is not listed in its manifest") % _m(unlisted[0])
        )
    if differ := sorted(
        name for name, digest in found.items() if listed[name].get("sha256") != digest
    ):
        raise _damaged(
            path, _("the checksum of %(member)s does not match") % _m(differ[0])
        )
    if manifest["database"]["file"] not in found:
        raise _damaged(path, _("it holds no database"))
    return manifest


def _m(name: str) -> dict:
    return {"member": name}


def _damaged(path: Path, problem: str) -> ArchiveDamaged:
    return ArchiveDamaged(
        _("The archive %(path)s is damaged: %(problem)s. Nothing was changed.")
        % {"path": path, "problem": problem}
    )


def _member_name(member: tarfile.TarInfo, *, path: Path) -> str:
    # Only plain files, at relative paths under the folders we write: an
    # archive is never allowed to write outside them.
    name = PurePosixPath(member.name)
    top = name.parts[0] if name.parts else ""
    if (
        not member.isfile()
        or name.is_absolute()
        or any(part in ("", ".", "..") for part in name.parts)
        or (str(name) != MANIFEST and top not in (DATABASE_DIR, *FILE_ROOTS))
        or (str(name) != MANIFEST and len(name.parts) < 2)
    ):
        raise _damaged(
            path,
            _("it holds %(member)s, which a Workbench backup never holds")
            % _m(member.name),
        )
    return str(name)


def _manifest_parse(data: bytes | None, *, path: Path) -> dict:
    if data is None:
        raise _damaged(path, _("it has no manifest"))
    try:
        manifest = json.loads(data)
        valid = (
            manifest.get("format") == FORMAT
            and isinstance(manifest.get("files"), dict)
            and isinstance(manifest.get("counts"), dict)
            and manifest.get("engine") in DATABASE_FILES
            and isinstance(manifest.get("database"), dict)
        )
    except (ValueError, AttributeError):
        valid = False
    if not valid:
        raise _damaged(path, _("its manifest is unreadable"))
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _(
                "The archive was written in backup format %(version)s, which this "
                "version of the Workbench does not read. Nothing was changed."
            )
            % {"version": manifest.get("version")}
        )
    return manifest
