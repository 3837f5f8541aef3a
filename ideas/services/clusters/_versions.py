"""Versions of clusters: an edit made against an old one is refused, not lost.

Every edit but a pin raises the versions of the clusters it changes, and so
does a run that changes them; an edit that names the version its form was
drawn from is refused when another came in between, with a message that says
who changed what.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas.models import Cluster, ClusterEdit, ClusteringRun
from ideas.services.clusters._common import person


class EditConflict(Exception):
    """Raised when an edit was made against an out-of-date cluster version.

    ``cluster`` is the cluster as it is now (fresh from the database);
    ``message`` (translated) says who changed it and what it looks like now.
    """

    def __init__(self, *, cluster: Cluster, message: str):
        super().__init__(message)
        self.cluster = cluster
        self.message = message


def conflict_message(cluster: Cluster) -> str:
    """Who changed ``cluster`` last (a person or a run), and what it is now."""
    last_edit = (
        ClusterEdit.objects.filter(cluster=cluster)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    last_run = (
        ClusteringRun.objects.filter(
            event_id=cluster.event_id,
            scope=cluster.scope,
            status=ClusteringRun.Status.DONE,
        )
        .order_by("-finished_at")
        .first()
    )
    if last_edit is not None and (
        last_run is None or last_run.finished_at <= last_edit.created_at
    ):
        who = person(last_edit.actor)
    elif last_run is not None:
        who = _("A clustering run")
    else:
        who = _("Someone else")
    if not cluster.is_active and cluster.merged_into_id:
        target = cluster.merged_into
        now = _("it was merged into “%(label)s”") % {"label": target.label}
    elif not cluster.is_active:
        now = _("it no longer holds any ideas")
    else:
        now = ngettext(
            "it is now called “%(label)s” and holds %(size)s idea",
            "it is now called “%(label)s” and holds %(size)s ideas",
            cluster.size,
        ) % {"label": cluster.label, "size": cluster.size}
    return _(
        "%(who)s changed this cluster while you were editing: %(now)s. Your "
        "change was not saved; here it is again so you can re-apply it."
    ) % {"who": who, "now": now}


def lock_cluster(cluster: Cluster, version: int | None) -> Cluster:
    """The cluster, locked and fresh, if ``version`` (None: any) is still its own.

    Raises EditConflict for an older version, and ValidationError for a
    cluster no longer in use.
    """
    current = (
        Cluster.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=cluster.pk)
    )
    if version is not None and current.version != int(version):
        raise EditConflict(cluster=current, message=conflict_message(current))
    if not current.is_active:
        raise ValidationError(
            _("This cluster is no longer in use; reload the page."), code="inactive"
        )
    return current


def bump(cluster: Cluster, *fields: str) -> None:
    """Save ``fields`` and the size under a new version: open forms are stale."""
    cluster.version += 1
    cluster.save(update_fields=["version", "size", "updated_at", *fields])
