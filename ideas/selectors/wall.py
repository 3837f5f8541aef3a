"""The event wall: what a projector at the event shows, all of it public.

Counts of ideas are not private, whatever their status; a text is shown only
when its idea is public (``Idea.objects.public()``). Reads only.
"""

from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from ideas.models import Cluster, ClusterMembership, Idea, IdeaDecision, Theme

LATEST_COUNT = 6
CLUSTER_COUNT = 5


def _counts(queryset) -> dict[int | None, int]:
    rows = queryset.values("theme_id").annotate(n=Count("pk")).order_by()
    return {row["theme_id"]: row["n"] for row in rows}


def _public(event):
    # A merged duplicate is counted in the idea it was merged into.
    return Idea.objects.of_event(event).public().filter(duplicate_of__isnull=True)


def _latest(event) -> list[dict]:
    """The public ideas accepted last, newest first."""
    accepted_at = (
        IdeaDecision.objects.filter(idea=OuterRef("pk"), field="status")
        .values("idea")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    ideas = (
        _public(event)
        .select_related("theme")
        .annotate(accepted_at=Coalesce(Subquery(accepted_at), F("created_at")))
        .order_by("-accepted_at", "-number")[:LATEST_COUNT]
    )
    return [
        {
            "number": idea.number,
            "title": idea.title,
            "theme": idea.theme.name if idea.theme else "",
        }
        for idea in ideas
    ]


def _clusters(event) -> list[dict]:
    """The largest clusters by their public ideas, named only by what is public.

    The event-wide clustering when there is one, else the themes' own. A
    facilitator's name is shown as given; a cluster the model named is named
    by the title of its public idea closest to its centre, never by keywords
    (those come from every member's text, public or not).
    """
    active = Cluster.objects.filter(event=event, is_active=True)
    if active.filter(scope="").exists():
        active = active.filter(scope="")
    public_ids = Idea.objects.of_event(event).public().values("pk")
    clusters = list(
        active.annotate(
            public_count=Count(
                "memberships", filter=Q(memberships__idea__in=public_ids)
            )
        )
        .filter(public_count__gt=0)
        .order_by("-public_count", "scope", "number")[:CLUSTER_COUNT]
    )
    central = {}
    memberships = (
        ClusterMembership.objects.filter(
            cluster__in=[c.pk for c in clusters],
            cluster__label_source=Cluster.LabelSource.MODEL,
            idea__in=public_ids,
        )
        .select_related("idea")
        .order_by("cluster_id", F("similarity").desc(nulls_last=True), "idea__number")
    )
    for membership in memberships:
        central.setdefault(membership.cluster_id, membership.idea.title)
    return [
        {
            "name": (
                cluster.label
                if cluster.label_source == Cluster.LabelSource.FACILITATOR
                else central.get(cluster.pk, "")
            ),
            "accepted": cluster.public_count,
        }
        for cluster in clusters
    ]


def event_wall(*, event) -> dict:
    """What the event's wall shows, as JSON-safe data.

    ``themes``: per theme in the event's order, the ideas received (every
    idea but merged duplicates) and accepted (public ones), then a row of the
    ideas without a theme when there are any (``theme`` None); ``totals``;
    ``latest``: the last public ideas accepted (number, title, theme name);
    ``clusters``: up to five largest clusters holding a public idea.
    """
    received = _counts(Idea.objects.of_event(event).filter(duplicate_of__isnull=True))
    accepted = _counts(_public(event))
    themes = [
        {
            "theme": theme.code,
            "name": theme.name,
            "received": received.pop(theme.pk, 0),
            "accepted": accepted.pop(theme.pk, 0),
        }
        for theme in Theme.objects.filter(event=event).order_by("sort_order", "pk")
    ]
    # None, and any theme another event's (which the services refuse).
    other_received, other_accepted = sum(received.values()), sum(accepted.values())
    if other_received or other_accepted:
        themes.append(
            {
                "theme": None,
                "name": "",
                "received": other_received,
                "accepted": other_accepted,
            }
        )
    return {
        "themes": themes,
        "totals": {
            "received": sum(row["received"] for row in themes),
            "accepted": sum(row["accepted"] for row in themes),
        },
        "latest": _latest(event),
        "clusters": _clusters(event),
    }
