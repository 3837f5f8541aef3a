"""Facilitators' edits of clusters: rename, merge, split, move and pin.

Edits are the authority a re-run keeps (names, pins, merges, placements).
Each is logged as a ClusterEdit and, except a pin, raises the versions of the
clusters it changes (see ``_versions``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas import access
from ideas.models import Cluster, ClusterEdit, ClusterMembership, Idea
from ideas.selectors.clusters import clusterable_ideas
from ideas.services.clusters._common import LABEL_MAX_LENGTH
from ideas.services.clusters._versions import EditConflict, bump, lock_cluster
from ml.text import normalize_text

__all__ = [
    "EditConflict",
    "cluster_merge",
    "cluster_move_ideas",
    "cluster_pin",
    "cluster_rename",
    "cluster_split",
]


def _check_actor(*, actor, event) -> None:
    # Unlike the other services, an edit always has a person behind it.
    access.require(
        access.can_facilitate(actor, event),
        _("You may not change this event's clusters."),
    )


def _clean_label(label: str) -> str:
    label = normalize_text(label or "", multiline=False)
    if not label:
        raise ValidationError(_("Give the cluster a name."), code="label")
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(
            _("A cluster's name can be at most %(max)s characters long."),
            code="label",
            params={"max": LABEL_MAX_LENGTH},
        )
    return label


def _log(*, cluster: Cluster, action: str, actor, detail: dict) -> ClusterEdit:
    edit = ClusterEdit(
        event_id=cluster.event_id,
        scope=cluster.scope,
        cluster=cluster,
        action=action,
        actor=actor,
        detail=detail,
    )
    edit.full_clean()
    edit.save()
    return edit


def _resize(clusters: list[Cluster]) -> None:
    sizes = dict(
        ClusterMembership.objects.filter(cluster__in=clusters)
        .values_list("cluster")
        .annotate(n=Count("pk"))
    )
    for cluster in clusters:
        cluster.size = sizes.get(cluster.pk, 0)


def cluster_rename(*, cluster: Cluster, label: str, actor, version: int) -> Cluster:
    """Give a cluster a person's name, which no re-run changes.

    Raises PermissionDenied, ValidationError (empty or longer than 200
    characters) or EditConflict when ``version`` is out of date.
    """
    _check_actor(actor=actor, event=cluster.event)
    label = _clean_label(label)
    with transaction.atomic():
        current = lock_cluster(cluster, version)
        old = current.label
        current.label = label
        current.label_source = Cluster.LabelSource.FACILITATOR
        current.full_clean(validate_constraints=False)
        bump(current, "label", "label_source")
        _log(
            cluster=current,
            action=ClusterEdit.Action.RENAME,
            actor=actor,
            detail={"number": current.number, "old": old, "new": label},
        )
    return current


def cluster_merge(
    *, target: Cluster, others: list[Cluster], actor, versions: dict[int, int]
) -> Cluster:
    """Merge ``others`` into ``target``: their ideas move over, pins and all.

    The merged clusters are kept, inactive, pointing at ``target``, so a
    re-run and the history can still tell where their ideas went.
    ``versions`` maps cluster ids to the versions the facilitator saw; a
    cluster missing from it is not checked.
    """
    _check_actor(actor=actor, event=target.event)
    other_ids = sorted({other.pk for other in others} - {target.pk})
    if not other_ids:
        raise ValidationError(
            _("Choose at least one other cluster to merge into this one."),
            code="merge",
        )
    with transaction.atomic():
        locked = {
            cluster.pk: cluster
            for cluster in Cluster.objects.select_for_update()
            .filter(pk__in=[target.pk, *other_ids])
            .order_by("pk")
        }
        for pk in [target.pk, *other_ids]:
            # Keys may arrive as strings from a form or JSON.
            lock_cluster(locked[pk], versions.get(pk, versions.get(str(pk))))
        current = locked[target.pk]
        merged = [locked[pk] for pk in other_ids]
        if any(
            (c.event_id, c.scope) != (current.event_id, current.scope) for c in merged
        ):
            raise ValidationError(
                _("Only clusters of the same event and theme can be merged."),
                code="merge",
            )
        memberships = ClusterMembership.objects.filter(cluster__in=merged)
        idea_ids = sorted(memberships.values_list("idea_id", flat=True))
        memberships.update(cluster=current, updated_at=timezone.now())
        for cluster in merged:
            cluster.is_active = False
            cluster.merged_into = current
            cluster.size = 0
            bump(cluster, "is_active", "merged_into")
        _resize([current])
        bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.MERGE,
            actor=actor,
            detail={
                "number": current.number,
                "merged": [
                    {"id": c.pk, "number": c.number, "label": c.label} for c in merged
                ],
                "ideas": idea_ids,
            },
        )
    return current


def _members(cluster: Cluster, ideas: list[Idea]) -> list[int]:
    wanted = {idea.pk for idea in ideas}
    found = set(
        ClusterMembership.objects.filter(
            cluster=cluster, idea_id__in=wanted
        ).values_list("idea_id", flat=True)
    )
    if found != wanted:
        raise ValidationError(
            _("Some of the chosen ideas are not in this cluster any more."),
            code="not_members",
        )
    return sorted(found)


def cluster_split(
    *, cluster: Cluster, ideas: list[Idea], label: str, actor, version: int
) -> Cluster:
    """Split ``ideas`` off ``cluster`` into a new cluster named ``label``.

    The ideas are pinned there (a person decided where they belong); the new
    cluster gets the scope's next number. Returns the new cluster.
    """
    _check_actor(actor=actor, event=cluster.event)
    label = _clean_label(label)
    with transaction.atomic():
        current = lock_cluster(cluster, version)
        idea_ids = _members(current, ideas)
        if not idea_ids or len(idea_ids) >= current.size:
            raise ValidationError(
                _(
                    "Choose some of the cluster's ideas to split off, but not all "
                    "of them."
                ),
                code="split",
            )
        number = (
            Cluster.objects.filter(
                event_id=current.event_id, scope=current.scope
            ).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        new = Cluster(
            event_id=current.event_id,
            scope=current.scope,
            number=number,
            label=label,
            label_source=Cluster.LabelSource.FACILITATOR,
        )
        new.full_clean()
        new.save()
        ClusterMembership.objects.filter(cluster=current, idea_id__in=idea_ids).update(
            cluster=new,
            pinned=True,
            source=ClusterMembership.Source.FACILITATOR,
            updated_at=timezone.now(),
        )
        _resize([current, new])
        new.save(update_fields=["size"])
        bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.SPLIT,
            actor=actor,
            detail={
                "number": current.number,
                "new_cluster": new.pk,
                "new_number": new.number,
                "label": label,
                "ideas": idea_ids,
            },
        )
    return new


def cluster_move_ideas(
    *, ideas: list[Idea], target: Cluster, actor, version: int | None = None
) -> Cluster:
    """Move ideas into ``target`` and pin them there.

    Ideas may come from any cluster of the same scope or from none; they must
    belong to the event (and to the theme, for a theme's clusters) and be
    neither rejected nor merged duplicates. Clusters left empty become
    inactive. ``version`` (optional) is checked against ``target``'s.
    """
    _check_actor(actor=actor, event=target.event)
    if not ideas:
        raise ValidationError(_("Choose the ideas to move."), code="move")
    with transaction.atomic():
        current = lock_cluster(target, version)
        idea_ids = sorted({idea.pk for idea in ideas})
        allowed = clusterable_ideas(event=current.event, scope="").filter(
            pk__in=idea_ids
        )
        if current.scope:
            allowed = allowed.filter(
                Q(theme__code=current.scope)
                | Q(cluster_memberships__scope=current.scope)
            )
        if set(allowed.values_list("pk", flat=True)) != set(idea_ids):
            raise ValidationError(
                _(
                    "Only ideas of this event (and theme) that are neither "
                    "rejected nor merged duplicates can be moved here."
                ),
                code="move",
            )
        existing = {
            m.idea_id: m
            for m in ClusterMembership.objects.select_related("cluster").filter(
                scope=current.scope, idea_id__in=idea_ids
            )
        }
        sources = {
            m.cluster_id: m.cluster
            for m in existing.values()
            if m.cluster_id != current.pk
        }
        moved_from = {
            str(idea_id): m.cluster.number
            for idea_id, m in existing.items()
            if m.cluster_id != current.pk
        }
        now = timezone.now()
        ClusterMembership.objects.filter(
            pk__in=[m.pk for m in existing.values()]
        ).update(
            cluster=current,
            pinned=True,
            source=ClusterMembership.Source.FACILITATOR,
            updated_at=now,
        )
        ClusterMembership.objects.bulk_create(
            ClusterMembership(
                cluster=current,
                idea_id=idea_id,
                scope=current.scope,
                pinned=True,
                source=ClusterMembership.Source.FACILITATOR,
            )
            for idea_id in idea_ids
            if idea_id not in existing
        )
        old = list(Cluster.objects.select_for_update().filter(pk__in=list(sources)))
        _resize([current, *old])
        for cluster in old:
            if not cluster.size:
                cluster.is_active = False
            bump(cluster, "is_active")
        bump(current)
        _log(
            cluster=current,
            action=ClusterEdit.Action.MOVE,
            actor=actor,
            detail={"number": current.number, "ideas": idea_ids, "from": moved_from},
        )
    return current


def cluster_pin(
    *, cluster: Cluster, ideas: list[Idea], actor, pinned: bool = True
) -> int:
    """Pin ideas where they are, or unpin them to hand them back to the model.

    Returns how many ideas changed. A pin is not a conflicting edit: it
    leaves the cluster's version alone.
    """
    _check_actor(actor=actor, event=cluster.event)
    with transaction.atomic():
        idea_ids = _members(cluster, ideas)
        changed = ClusterMembership.objects.filter(
            cluster=cluster, idea_id__in=idea_ids
        ).exclude(pinned=pinned)
        changed_ids = sorted(changed.values_list("idea_id", flat=True))
        count = changed.update(
            pinned=pinned,
            source=(
                ClusterMembership.Source.FACILITATOR
                if pinned
                else ClusterMembership.Source.MODEL
            ),
            updated_at=timezone.now(),
        )
        if count:
            _log(
                cluster=cluster,
                action=ClusterEdit.Action.PIN if pinned else ClusterEdit.Action.UNPIN,
                actor=actor,
                detail={"number": cluster.number, "ideas": changed_ids},
            )
    return count
