from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from workbench import backups


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database "
        "(one without tables: do not run migrate first) and the media and private "
        "folders. Every file's checksum is verified before anything is changed; "
        "a non-empty database, an archive of another engine or a damaged archive "
        "is refused. Afterwards the row counts are compared with the archive's "
        "manifest. Stop the web and task services first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive to restore.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to restore into (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Verify the archive and the target and say what would be "
            "restored; change nothing.",
        )

    def handle(self, *args, archive, database, dry_run=False, **options):
        try:
            report = backups.restore(archive=archive, using=database, dry_run=dry_run)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        engine = backups.ENGINE_NAMES[report.engine]
        self.stdout.write(
            _(
                "Archive verified: %(count)d files, every checksum matches (written "
                "%(created_at)s)."
            )
            % {"count": report.files_verified, "created_at": report.created_at}
        )
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Dry run: the target is empty; nothing was changed. Would "
                        "restore into the %(engine)s database %(name)s:"
                    )
                    % {"engine": engine, "name": report.database}
                )
            )
            for label, count in report.expected.items():
                self.stdout.write(f"  {backups.count_label(label)}: {count}")
            self.stdout.write(self._files_line(report, dry_run=True))
            return

        self.stdout.write(
            _("Restored into the %(engine)s database %(name)s:")
            % {"engine": engine, "name": report.database}
        )
        for label, count in report.expected.items():
            restored = report.restored.get(label)
            line = "  " + _("%(label)s: %(restored)s of %(expected)d") % {
                "label": backups.count_label(label),
                "restored": "-" if restored is None else restored,
                "expected": count,
            }
            style = self.style.SUCCESS if restored == count else self.style.ERROR
            self.stdout.write(style(line))
        self.stdout.write(self._files_line(report, dry_run=False))
        if report.unknown:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The restored database has %(count)d migrations this code "
                        "does not know (e.g. %(example)s): it was backed up from a "
                        "newer version. Install that version before serving."
                    )
                    % {"count": len(report.unknown), "example": report.unknown[0]}
                )
            )
        elif report.unapplied:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "This code has %(count)d migrations the restored database "
                        "lacks: run `python manage.py migrate`."
                    )
                    % {"count": len(report.unapplied)}
                )
            )
        if report.mismatches:
            raise CommandError(
                _("%(count)d row counts differ from the archive's manifest: see above.")
                % {"count": len(report.mismatches)}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Every row count matches the archive's manifest."))
        )

    def _files_line(self, report, *, dry_run: bool) -> str:
        values = {"media": report.files["media"], "private": report.files["private"]}
        if dry_run:
            return (
                _(
                    "Would restore %(media)d uploaded media and %(private)d "
                    "private files."
                )
                % values
            )
        return (
            _("Restored %(media)d uploaded media and %(private)d private files.")
            % values
        )
