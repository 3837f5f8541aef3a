from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from strategy import exporters, selectors


class Command(BaseCommand):
    help = (
        "Export a strategy framework as a Word document (docx), Markdown (md) or "
        "PDF (pdf; needs WeasyPrint and a Thai font on this machine): "
        "its issues, goals, numbered measures, an indicator table per measure "
        "with yearly targets, the ideas each measure cites and an appendix of "
        "those ideas. No personal data is exported."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The framework's slug, e.g. reform-2566-2570.")
        parser.add_argument(
            "--format",
            choices=exporters.FORMATS,
            default="docx",
            help="docx (default), md or pdf.",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="The file to write; it is replaced if it exists.",
        )
        parser.add_argument(
            "--language",
            choices=("th", "en"),
            default="th",
            help="Language of the headings and labels, and of the years "
            "(Buddhist era in th, the default; Common era in en).",
        )

    def handle(self, *args, slug, format, output, language, **options):
        framework = selectors.framework_get(slug=slug)
        if framework is None:
            raise CommandError(
                f"No framework with the slug {slug!r}. "
                "Its slug is shown in the admin under Strategy › Frameworks."
            )
        try:
            data = exporters.export(
                framework=framework, format=format, language=language
            )
        except exporters.ExportUnavailable as error:
            raise CommandError(str(error)) from error
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {path} ({len(data):,} bytes).")
