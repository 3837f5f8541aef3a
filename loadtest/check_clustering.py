"""How the load test's clustering run ended, read from the database.

Usage: python loadtest/check_clustering.py
Prints one JSON line: each clustering run a user started (the seed's own run
has none), its status, seconds waiting for the worker and running, ideas and
clusters; the worker's queue of tasks by kind and state; the event's ideas by
status. Exits 1 unless a run started by a user finished as done.
"""

import json
import os
import sys
from collections import Counter

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
django.setup()

from django_tasks_db.models import DBTaskResult  # noqa: E402

from ideas.models import ClusteringRun, Idea  # noqa: E402


def _seconds(start, end):
    return round((end - start).total_seconds(), 1) if start and end else None


runs = [
    {
        "run": run.pk,
        "status": run.status,
        "error": run.error,
        "queued_s": _seconds(run.created_at, run.started_at),
        "running_s": _seconds(run.started_at, run.finished_at),
        "requested_to_finished_s": _seconds(run.created_at, run.finished_at),
        "worker_seconds": round(run.seconds, 1) if run.seconds else run.seconds,
        "ideas": run.n_ideas,
        "clusters": run.n_clusters,
        "unclustered": run.unclustered,
        "changed": run.changed_assignments,
    }
    for run in ClusteringRun.objects.filter(started_by__isnull=False).order_by("pk")
]
tasks = Counter(
    f"{path.rsplit('.', 1)[-1]}:{status}"
    for path, status in DBTaskResult.objects.values_list("task_path", "status")
)
ideas = Counter(Idea.objects.values_list("status", flat=True))
print(
    json.dumps(
        {"runs": runs, "tasks": dict(sorted(tasks.items())), "ideas": dict(ideas)},
        ensure_ascii=False,
    )
)
sys.exit(0 if any(run["status"] == ClusteringRun.Status.DONE for run in runs) else 1)
