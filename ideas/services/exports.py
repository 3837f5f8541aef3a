"""Exports of an event's public ideas written by the background worker."""

import uuid

from ideas import access, exporting
from ideas.services import _queue


def ideas_export_request(*, event, format: str, actor) -> str:
    """Have the worker write ``event``'s public ideas in ``format``; return the
    task's id, through whose result alone the file is found.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` may facilitate the event (None is the system).
    """
    access.require_facilitator(actor=actor, event=event)
    # A random name: nothing about the event or who asked is in it.
    path = exporting.export_dir() / f"{uuid.uuid4().hex}.{format}"
    # Enqueued at once, not on commit: it comes with no write to wait for.
    result = _queue.enqueue(
        "export_ideas_file", event_id=event.pk, format=format, path=str(path)
    )
    return result.id
