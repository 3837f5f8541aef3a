from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from workbench import backups


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database (SQLite or PostgreSQL), the "
        "uploaded media and the private files (import uploads, exports), with a "
        "manifest of row counts and the sha256 of every file. The archive holds "
        "personal data and is written readable by its owner only (mode 0600). "
        "Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="The archive to write (must not exist), or an existing folder to "
            "write a dated workbench-backup-YYYYMMDD-HHMMSS.tar.gz into.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to back up (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be backed up; write nothing.",
        )

    def handle(self, *args, output, database, dry_run=False, **options):
        try:
            report = backups.backup_create(
                output=output, using=database, dry_run=dry_run
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        engine = backups.ENGINE_NAMES[report.engine]
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    _("Dry run: nothing was written. Would write %(path)s with:")
                    % {"path": report.path}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Archive written: %(path)s (%(size)s).")
                    % {"path": report.path, "size": filesizeformat(report.size)}
                )
            )
        self.stdout.write(_("Database (%(engine)s):") % {"engine": engine})
        for label, count in report.counts.items():
            self.stdout.write(f"  {backups.count_label(label)}: {count}")
        self.stdout.write(
            _(
                "Files: %(media)d uploaded media (%(media_size)s), %(private)d "
                "private (%(private_size)s)."
            )
            % {
                "media": report.files["media"],
                "media_size": filesizeformat(report.file_bytes["media"]),
                "private": report.files["private"],
                "private_size": filesizeformat(report.file_bytes["private"]),
            }
        )
        if report.skipped:
            self.stdout.write(
                self.style.WARNING(
                    _("%(count)d links or special files were left out.")
                    % {"count": report.skipped}
                )
            )
        self.stdout.write(
            _(
                "The archive is readable by its owner only (mode 0600): it holds "
                "personal data (contact details, import uploads). Store it like "
                "the database, on another machine too, and delete it when it is "
                "no longer needed."
            )
        )
