import json
import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ideas import importing, services
from ideas.models import Idea


def event_by_slug(slug: str):
    """The event page with this slug, or CommandError.

    Events are Wagtail pages of the cms app; reached through the relation so
    the ideas app does not import from the layer above it.
    """
    EventPage = Idea._meta.get_field("event").related_model
    events = list(EventPage.objects.filter(slug=slug)[:2])
    if not events:
        raise CommandError(f"No event has the slug {slug!r}.")
    if len(events) > 1:
        raise CommandError(
            f"More than one event has the slug {slug!r}; rename one in the admin."
        )
    return events[0]


class Command(BaseCommand):
    help = (
        "Import ideas into an event from a CSV, XLSX or JSON file (Google Forms, "
        "Microsoft Forms, Excel, an earlier export). Headers in Thai or English "
        "are recognised; rows already imported are matched by their id column or "
        "their content and updated, never copied. By default any invalid row "
        "means nothing is imported. The last line of output is a JSON object: "
        '{"created", "updated", "skipped", "errors": [{"row", "column", '
        '"message"}]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV, XLSX or JSON file.")
        parser.add_argument(
            "--event", required=True, help="Slug of the event the ideas belong to."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would happen; save nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and report the invalid ones.",
        )
        parser.add_argument(
            "--map",
            default="",
            metavar='"Column A=title,Column B=problem"',
            help=(
                "Map headers the importer does not recognise to fields: "
                + ", ".join(importing.FIELDS)
                + " (or '-' to leave a column out)."
            ),
        )
        parser.add_argument(
            "--sheet", default=None, help="XLSX only: the sheet to read."
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        event = event_by_slug(options["event"])
        # The import reports its own totals; one log line per idea would bury it.
        logging.getLogger("ideas").setLevel(logging.WARNING)
        try:
            column_map = importing.parse_column_map(options["map"])
            parsed = importing.read_file(
                path, column_map=column_map, sheet=options["sheet"]
            )
        except importing.ImportFileError as error:
            failure = importing.RowError(
                row=error.row, column=error.column, message=error.message
            )
            self._report_errors(path, [failure])
            self._write_json(
                services.ImportResult(created=0, updated=0, skipped=0, errors=[failure])
            )
            raise CommandError(f"{path.name}: nothing imported.") from None

        for warning in parsed.warnings:
            self.stderr.write(self.style.WARNING(f"{path.name}: {warning}"))
        result = services.ideas_import(
            event=event,
            rows=parsed.rows,
            skip_invalid=options["skip_invalid"],
            dry_run=options["dry_run"],
        )
        self._report_errors(path, result.errors)
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        self.stdout.write(
            f"{path.name}: {len(parsed.rows)} rows, {result.created} created, "
            f"{result.updated} updated, {result.skipped} skipped, "
            f"{len(result.errors)} errors."
        )
        self._write_json(result)
        if result.errors and not options["skip_invalid"]:
            raise CommandError(
                f"{path.name}: {len(result.errors)} errors, nothing imported "
                "(--skip-invalid imports the valid rows)."
            )

    def _report_errors(self, path: Path, errors) -> None:
        for error in errors:
            where = [path.name]
            if error.row is not None:
                where.append(f"row {error.row}")
            if error.column:
                where.append(f"column {error.column!r}")
            self.stderr.write(f"{', '.join(where)}: {error.message}")

    def _write_json(self, result) -> None:
        # Last line, so scripts can read it with `tail -n 1`.
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
