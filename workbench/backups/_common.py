"""What the whole package shares: the archive's layout, the errors, the reports.

Kept apart from the modules that use it, so that none of them has to import
another just for a constant.
"""

import dataclasses
import logging
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

# The package's name, as before it was split into modules: its log records keep
# the logger they always had.
logger = logging.getLogger("workbench.backups")

FORMAT = "reform-workbench-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Where each kind of file lives inside the archive.
DATABASE_DIR = "database"
FILE_ROOTS = {"media": "MEDIA_ROOT", "private": "PRIVATE_FILES_ROOT"}
DATABASE_FILES = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
ARCHIVE_MODE = 0o600

# What the manifest counts and a restore compares: the office's work, and
# the pages and accounts that frame it.
COUNTED_MODELS = (
    settings.AUTH_USER_MODEL,
    "wagtailcore.Page",
    "cms.EventPage",
    "ideas.Theme",
    "ideas.Idea",
    "ideas.IdeaDecision",
    "ideas.Contact",
    "ideas.Cluster",
    "strategy.Framework",
    "strategy.StrategicIssue",
    "strategy.Goal",
    "strategy.Measure",
    "strategy.MeasureIdea",
    "strategy.Indicator",
)

# Models whose own plural reads badly in a list of counts: Wagtail's pages,
# and events, which have no plural of their own.
_COUNT_LABELS = {
    "wagtailcore.page": gettext_lazy("pages"),
    "cms.eventpage": gettext_lazy("events"),
}

_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


class ArchiveDamaged(BackupError):
    """The archive cannot be read, or a file in it differs from its manifest."""


class TargetNotEmpty(BackupError):
    """The database to restore into already has tables."""


@dataclasses.dataclass(frozen=True)
class BackupReport:
    """What a backup wrote, or on a dry run would write.

    ``counts`` maps a model's label (``ideas.idea``) to its rows; ``files``
    and ``file_bytes`` map ``media`` and ``private`` to how many files, and
    bytes, each holds; ``skipped`` counts links and other files that are not
    plain files, left out; ``size`` is the archive's size in bytes (``None``
    on a dry run).
    """

    path: Path
    engine: str
    counts: dict[str, int]
    files: dict[str, int]
    file_bytes: dict[str, int]
    skipped: int
    size: int | None


@dataclasses.dataclass(frozen=True)
class RestoreReport:
    """What a restore brought back, or on a dry run would bring back.

    ``expected`` are the manifest's row counts; ``restored`` those counted in
    the database afterwards (empty on a dry run). ``unapplied`` are this
    code's migrations the restored database lacks; ``unknown`` those it has
    that this code does not.
    """

    engine: str
    database: str
    created_at: str
    files_verified: int
    expected: dict[str, int]
    files: dict[str, int]
    restored: dict[str, int] = dataclasses.field(default_factory=dict)
    unapplied: list[str] = dataclasses.field(default_factory=list)
    unknown: list[str] = dataclasses.field(default_factory=list)

    @property
    def mismatches(self) -> dict[str, tuple[int, int | None]]:
        """Counts that differ: label → (in the manifest, in the database)."""
        return {
            label: (count, self.restored.get(label))
            for label, count in self.expected.items()
            if self.restored.get(label) != count
        }


def count_label(label: str) -> str:
    """The plural name, in the active language, of the model counted as ``label``."""
    if label in _COUNT_LABELS:
        return str(_COUNT_LABELS[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except LookupError:
        # An archive from another version may count a model this code lacks.
        return label


def default_archive_name() -> str:
    """A name for an archive written into a folder: dated, so that they sort."""
    return timezone.localtime().strftime("workbench-backup-%Y%m%d-%H%M%S.tar.gz")
