import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ideas import exporting
from ideas.management.commands.import_ideas import event_by_slug


class Command(BaseCommand):
    help = (
        "Export an event's public ideas (accepted or shortlisted) as open data: "
        "CSV (UTF-8 with a byte-order mark), XLSX or JSON. Never any personal "
        "data. The columns are listed in docs/import-export.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, help="Slug of the event.")
        parser.add_argument(
            "--format", choices=exporting.FORMATS, default="csv", help="Default: csv."
        )
        parser.add_argument(
            "--output",
            default=None,
            help="File to write; CSV and JSON go to standard output without it.",
        )

    def handle(self, *args, **options):
        event = event_by_slug(options["event"])
        fmt = options["format"]
        output = options["output"]
        if output is None:
            if fmt == "xlsx":
                raise CommandError("XLSX is a binary file: name one with --output.")
            buffer = io.StringIO(newline="")
            exporting.export_ideas(event=event, format=fmt, stream=buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        path = Path(output)
        try:
            count = exporting.export_ideas_to_file(event=event, format=fmt, path=path)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        self.stderr.write(f"{count} public ideas written to {path}.")
