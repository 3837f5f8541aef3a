"""What a facilitator's admin home shows: each event's queues, counted."""

from dataclasses import dataclass

from django.db.models import Count, Q

from ideas import access
from ideas.models import ClusteringRun, Idea

# The home page is a glance, not a listing: the most recent events.
EVENTS_SHOWN = 8


@dataclass(frozen=True)
class EventQueues:
    event: object
    waiting: int
    without_theme: int
    runs_in_progress: int


def facilitator_queues(*, user) -> list[EventQueues]:
    """The events ``user`` facilitates, newest first, with what awaits them.

    Waiting: submitted ideas nobody moderated yet. Without theme: ideas in
    play (neither rejected nor merged) that no theme holds. Two queries
    whatever the number of events.
    """
    events = list(access.events_facilitated(user).order_by("-start_date", "title"))
    events = events[:EVENTS_SHOWN]
    ids = [event.pk for event in events]
    counts = {
        row["event"]: row
        for row in Idea.objects.filter(event__in=ids)
        .order_by()
        .values("event")
        .annotate(
            waiting=Count("pk", filter=Q(status=Idea.Status.SUBMITTED)),
            without_theme=Count(
                "pk",
                filter=Q(theme__isnull=True, duplicate_of__isnull=True)
                & ~Q(status=Idea.Status.REJECTED),
            ),
        )
    }
    runs = dict(
        ClusteringRun.objects.filter(
            event__in=ids,
            status__in=[ClusteringRun.Status.QUEUED, ClusteringRun.Status.RUNNING],
        )
        .order_by()
        .values_list("event")
        .annotate(n=Count("pk"))
        .values_list("event", "n")
    )
    return [
        EventQueues(
            event=event,
            waiting=counts.get(event.pk, {}).get("waiting", 0),
            without_theme=counts.get(event.pk, {}).get("without_theme", 0),
            runs_in_progress=runs.get(event.pk, 0),
        )
        for event in events
    ]
