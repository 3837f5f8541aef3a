"""What runs, their computation and facilitators' edits of clusters share."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas.models import Cluster, ClusteringRun, ClusterMembership

MIN_IDEAS = 3
LABEL_MAX_LENGTH = 200
DEFAULT_PARAMETERS = {"n_clusters": "auto", "random_state": 0}
ACTIVE = (ClusteringRun.Status.QUEUED, ClusteringRun.Status.RUNNING)


def resolve(cluster: Cluster | None, by_pk: dict[int, Cluster]) -> Cluster | None:
    """The active cluster a merged cluster's ideas now live in."""
    seen = set()
    while (
        cluster is not None
        and not cluster.is_active
        and cluster.merged_into_id
        and cluster.pk not in seen
    ):
        seen.add(cluster.pk)
        cluster = by_pk.get(cluster.merged_into_id)
    return cluster


def current_state(run: ClusteringRun, *, lock: bool) -> dict:
    """The run's scope as it is now: its clusters by id, and their memberships."""
    clusters = Cluster.objects.filter(event=run.event, scope=run.scope).order_by("pk")
    if lock:
        clusters = clusters.select_for_update()
    return {
        "clusters": {cluster.pk: cluster for cluster in clusters},
        "memberships": list(
            ClusterMembership.objects.filter(cluster__event=run.event, scope=run.scope)
        ),
    }


def person(user) -> str:
    if user is None:
        return _("Someone else")
    return user.get_full_name() or user.get_username()


def text_language() -> str:
    # Management commands (the worker among them) deactivate translation;
    # what a run stores for people to read is then in the site's language.
    return translation.get_language() or settings.LANGUAGE_CODE


def too_few_message(count: int) -> str:
    if count == 0:
        return _("There are no ideas to cluster yet; at least %(min)s are needed.") % {
            "min": MIN_IDEAS
        }
    return ngettext(
        "There is only %(count)s idea to cluster; at least %(min)s are needed.",
        "There are only %(count)s ideas to cluster; at least %(min)s are needed.",
        count,
    ) % {"count": count, "min": MIN_IDEAS}
