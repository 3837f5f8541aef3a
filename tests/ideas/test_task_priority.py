"""The worker takes what a person waits for before the ideas' background upkeep."""

from django_tasks_db.models import DBTaskResult

from ideas import tasks
from tests.factories import IdeaFactory


def test_a_clustering_run_goes_before_queued_theme_suggestions(settings, event):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    # At an event, hundreds of suggestions wait while a facilitator clicks
    # "Run clustering" and watches its progress.
    for _ in range(3):
        tasks.suggest_theme.enqueue(idea_id=IdeaFactory(event=event).pk)
    tasks.embed_event_ideas.enqueue(event_id=event.pk)
    tasks.cluster_ideas.enqueue(run_id=1)
    tasks.export_ideas_file.enqueue(event_id=event.pk, format="csv", path="x.csv")
    order = [
        result.task_path.rsplit(".", 1)[-1]
        for result in DBTaskResult.objects.ready().filter(backend_name="background")
    ]
    assert order[:2] == ["cluster_ideas", "export_ideas_file"]
    assert set(order[2:]) == {"suggest_theme", "embed_event_ideas"}
