"""Handing work to the background worker: the one place services reach tasks."""


def enqueue(task: str, /, **kwargs):
    """Enqueue ``ideas.tasks.<task>`` with ``kwargs``; returns its result handle."""
    # ideas.tasks imports the services when it loads, so the services import
    # it only here, once a task is handed over: the import runs one way.
    from ideas import tasks

    return getattr(tasks, task).enqueue(**kwargs)
