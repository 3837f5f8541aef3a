"""Work that runs in the background worker (django-tasks, backend "background")."""

from pathlib import Path

from django_tasks import task

from ideas import exporting, importing, services
from ideas.models import ClusteringRun, Idea
from ideas.services import clusters as cluster_services

# A person waits on a screen for an import, an export or a clustering run; the
# vectors and theme suggestions of new ideas can wait for them. At an event the
# worker has hundreds of suggestions queued (docs/benchmarks.md, load test).
WAITED_FOR = 10
IN_THE_BACKGROUND = -10


@task(backend="background", priority=WAITED_FOR)
def import_ideas_file(
    *,
    path: str,
    name: str,
    event_id: int,
    column_map: dict,
    sheet: str,
    skip_invalid: bool,
    dry_run: bool,
) -> dict:
    """Check or import a stored file of ideas, as the admin import screen does.

    Returns the import's counts and errors (``ImportResult.as_dict()``) with the
    file's row count, columns and warnings, or ``file_error`` when the file
    cannot be read at all. The file is removed once imported, and at once when
    it cannot be read: it may hold personal columns, and nobody can use it.
    """
    event_model = Idea._meta.get_field("event").related_model
    event = event_model.objects.get(pk=event_id)
    try:
        parsed = importing.read_file(path, column_map=column_map, sheet=sheet or None)
    except importing.ImportFileError as error:
        Path(path).unlink(missing_ok=True)
        return {"dry_run": dry_run, "file_error": error.message, "row": error.row}
    result = services.ideas_import(
        event=event, rows=parsed.rows, skip_invalid=skip_invalid, dry_run=dry_run
    )
    if not dry_run and (not result.errors or skip_invalid):
        Path(path).unlink(missing_ok=True)
    return {
        "dry_run": dry_run,
        "rows": len(parsed.rows),
        "columns": parsed.columns,
        "warnings": [str(warning) for warning in parsed.warnings],
        **result.as_dict(),
    }


@task(backend="background", priority=WAITED_FOR)
def export_ideas_file(*, event_id: int, format: str, path: str) -> dict:
    """Write an event's public ideas to ``path``, as the admin export does.

    The file appears under its name only once complete, so a half-written
    export never reads as done. Raises (the task fails) when the event is gone
    or the file cannot be written. Returns how many ideas and bytes.
    """
    event_model = Idea._meta.get_field("event").related_model
    event = event_model.objects.get(pk=event_id)
    target = Path(path)
    count = exporting.export_ideas_to_file(event=event, format=format, path=target)
    return {"count": count, "bytes": target.stat().st_size}


@task(backend="background", priority=WAITED_FOR)
def cluster_ideas(*, run_id: int) -> dict:
    """Carry out a requested clustering run; returns the command's summary.

    Failures are recorded on the run (status "failed" and the reason) by
    ``clustering_run_execute``, which leaves the previous clusters in place.
    """
    run = cluster_services.clustering_run_execute(
        run=ClusteringRun.objects.get(pk=run_id)
    )
    if run.status == ClusteringRun.Status.FAILED:
        # The run holds the reason for the facilitator; the task's own record
        # must not read as a success either.
        raise RuntimeError(run.error)
    return cluster_services.clustering_run_summary(run)


@task(backend="background", priority=IN_THE_BACKGROUND)
def embed_event_ideas(*, event_id: int) -> int:
    """Embed the event's ideas with the configured encoder; returns how many
    were new. Run when the encoder setting changed, never on a page request."""
    return services.ideas_embed_event(event_id=event_id)


@task(backend="background", priority=IN_THE_BACKGROUND)
def suggest_themes(*, event_id: int) -> int:
    """Refresh the suggestions of the event's ideas that await a theme;
    returns how many got one."""
    return services.ideas_suggest_themes(event_id=event_id)


@task(backend="background", priority=IN_THE_BACKGROUND)
def suggest_theme(*, idea_id: int) -> str:
    """Suggest a theme for a newly submitted idea; returns the code or ""."""
    idea = Idea.objects.filter(pk=idea_id).first()
    if idea is None:
        return ""
    idea = services.idea_suggest_theme(idea=idea)
    return idea.suggested_theme.code if idea.suggested_theme else ""


@task(backend="background", priority=WAITED_FOR)
def notify_author(*, decision_id: int) -> bool:
    """Mail an author about a decision on their idea (if they still want mail)."""
    return services.author_notify(decision_id=decision_id)
