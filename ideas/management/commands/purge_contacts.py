from django.conf import settings
from django.core.management.base import BaseCommand

from ideas import services


class Command(BaseCommand):
    help = (
        "Delete contact details kept longer than IDEAS_CONTACT_RETENTION_DAYS "
        "after consent, and import uploads and admin exports left for more than a "
        "day (uploads may hold personal data). The ideas stay, anonymous. "
        "Run it daily (cron or a scheduled task)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted; delete nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        count = services.contacts_purge_expired(dry_run=dry_run)
        days = settings.IDEAS_CONTACT_RETENTION_DAYS
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"{count} contact records older than {days} days {verb}.")
        if not dry_run:
            files = services.import_uploads_purge()
            self.stdout.write(
                f"{files} import uploads and exports older than a day deleted."
            )
