import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ideas.management.commands.import_ideas import event_by_slug
from ideas.models import ClusteringRun
from ideas.services import clusters


class Command(BaseCommand):
    help = (
        "Cluster an event's ideas (all of them, or one theme's) now, as the "
        "workbench's “Run clustering” does in the background: under each theme, "
        "clusters of ideas on one subject. Names, pins and merges made by "
        "facilitators are kept. Progress goes to standard error; the last line "
        "of standard output is one JSON object: run_id, n_ideas, n_clusters, "
        "n_top (theme groups), n_leaves (clusters), unclustered, "
        "changed_assignments, seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", required=True, help="Slug of the event.")
        parser.add_argument(
            "--theme",
            default="",
            help="Code of one of the event's themes; default: all its ideas.",
        )
        parser.add_argument(
            "--clusters",
            default="auto",
            help=(
                "Number of clusters under each theme on a first run, or “auto” "
                "(default) to let the ideas decide."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=(
                "Compute and report what a run would change, and write nothing: "
                "no run is recorded and the clusters stay as they are."
            ),
        )

    def handle(self, *args, **options):
        event = event_by_slug(options["event"])
        arguments = {
            "event": event,
            "scope": options["theme"],
            "parameters": {"n_clusters": options["clusters"]},
        }
        try:
            if options["dry_run"]:
                run = clusters.clustering_run_prepare(**arguments)
            else:
                run = clusters.clustering_run_request(**arguments, enqueue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        def progress(percent: int, stage: str) -> None:
            self.stderr.write(f"{percent:3d}% {stage}")

        run = clusters.clustering_run_execute(
            run=run, dry_run=options["dry_run"], on_progress=progress
        )
        if run.status != ClusteringRun.Status.DONE:
            raise CommandError(run.error or run.get_status_display())
        changes = run.changes or {}
        self.stderr.write(
            f"{run.n_ideas} ideas in {run.n_clusters} clusters under "
            f"{changes.get('n_top', 1)} themes; "
            f"{run.changed_assignments} moved, {changes.get('added', 0)} added, "
            f"{len(changes.get('new_clusters', []))} new clusters, "
            f"{changes.get('edits_kept', 0)} facilitators' edits kept."
            + (" Dry run: nothing was written." if options["dry_run"] else "")
        )
        summary = clusters.clustering_run_summary(run)
        if options["dry_run"]:
            summary["dry_run"] = True
        self.stdout.write(json.dumps(summary))
