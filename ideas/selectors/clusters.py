"""Reads of clusters, clustering runs and the ideas they cluster, for the workbench."""

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from ideas.models import Cluster, ClusteringRun, ClusterMembership, Idea, Theme

_ACTIVE = (ClusteringRun.Status.QUEUED, ClusteringRun.Status.RUNNING)


def clusterable_ideas(*, event, scope: str = "") -> QuerySet[Idea]:
    """The ideas a run of ``scope`` clusters: not rejected, not merged duplicates."""
    ideas = Idea.objects.of_event(event).open()
    if scope:
        ideas = ideas.filter(theme__code=scope)
    return ideas


def _by_similarity():
    return (F("similarity").desc(nulls_last=True), "idea__number")


def clusters_for_scope(*, event, scope: str = "", top_n: int = 5) -> list[Cluster]:
    """The scope's active clusters, largest first, each with its central ideas.

    Each cluster gets ``top_ideas`` (up to ``top_n`` ideas closest to its
    centre, each with ``similarity`` and ``pinned`` set), ``pinned_count``
    and ``model_placed_count`` (its ideas without a theme). Three queries
    whatever the number of clusters.
    """
    memberships = ClusterMembership.objects.select_related("idea", "idea__theme")
    clusters = list(
        Cluster.objects.filter(event=event, scope=scope, is_active=True)
        .annotate(
            pinned_count=Count("memberships", filter=Q(memberships__pinned=True)),
            # Ideas without a theme sit under the cluster's theme because the
            # model placed them there; a person has not confirmed it.
            model_placed_count=Count(
                "memberships", filter=Q(memberships__idea__theme__isnull=True)
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships.order_by(*_by_similarity()),
                to_attr="_ordered_memberships",
            )
        )
        .order_by("-size", "number")
    )
    for cluster in clusters:
        top = []
        for membership in cluster._ordered_memberships[:top_n]:
            idea = membership.idea
            idea.similarity = membership.similarity
            idea.pinned = membership.pinned
            top.append(idea)
        cluster.top_ideas = top
        del cluster._ordered_memberships
    return clusters


def cluster_members(*, cluster: Cluster) -> list[ClusterMembership]:
    """The cluster's memberships with their ideas, closest to the centre first."""
    return list(
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related("idea", "idea__theme")
        .order_by(*_by_similarity())
    )


def clustering_runs_for_event(
    *, event, scope: str | None = None, limit: int = 20
) -> list[ClusteringRun]:
    """The event's runs, newest first; of one scope when ``scope`` is given."""
    runs = ClusteringRun.objects.filter(event=event).select_related("started_by")
    if scope is not None:
        runs = runs.filter(scope=scope)
    return list(runs.order_by("-created_at", "-pk")[:limit])


def clustering_run_active(*, event, scope: str = "") -> ClusteringRun | None:
    """The run queued or running for the scope, if any."""
    return (
        ClusteringRun.objects.filter(event=event, scope=scope, status__in=_ACTIVE)
        .select_related("started_by")
        .first()
    )


def clustering_run_latest_done(*, event, scope: str = "") -> ClusteringRun | None:
    """The scope's last finished run: its clusters are the ones shown."""
    return (
        ClusteringRun.objects.filter(
            event=event, scope=scope, status=ClusteringRun.Status.DONE
        )
        .select_related("started_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def cluster_scopes(*, event) -> list[tuple[str, str]]:
    """What can be clustered: all the event's ideas, or one theme's."""
    themes = Theme.objects.filter(event=event).order_by("sort_order", "pk")
    return [("", _("All themes")), *((theme.code, theme.name) for theme in themes)]


def idea_map_points(
    *, event, scope: str = "", colour_by: str = "cluster"
) -> list[dict]:
    """The ideas placed on the scope's map, grouped for colouring.

    One dict per idea: ``idea_id``, ``number`` (the idea's), ``title``,
    ``x``, ``y`` (in [-1, 1]), ``group`` and ``group_label``: the cluster's
    number and name, or with ``colour_by="theme"`` the idea's theme code and
    name ("" and "No theme" when it has none).
    """
    memberships = (
        ClusterMembership.objects.filter(
            cluster__event=event,
            scope=scope,
            cluster__is_active=True,
            x__isnull=False,
            y__isnull=False,
        )
        .select_related("idea", "idea__theme", "cluster")
        .order_by("idea__number")
    )
    points = []
    for membership in memberships:
        idea = membership.idea
        if colour_by == "theme":
            group = idea.theme.code if idea.theme else ""
            group_label = idea.theme.name if idea.theme else _("No theme")
        else:
            group = membership.cluster.number
            group_label = membership.cluster.label
        points.append(
            {
                "idea_id": idea.pk,
                "number": idea.number,
                "title": idea.title,
                "x": membership.x,
                "y": membership.y,
                "group": group,
                "group_label": group_label,
            }
        )
    return points
