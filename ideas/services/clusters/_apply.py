"""A run's result laid over the clusters as they are now, and written at once.

Facilitators' edits made while the run computed win over the model's result:
see ``make_plan``. The write holds the scope's clusters locked and is all or
nothing, so a failure leaves the previous clusters as they were.
"""

import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Cluster, ClusterEdit, ClusteringRun, ClusterMembership
from ideas.services.clusters._common import LABEL_MAX_LENGTH, current_state, resolve
from ideas.services.clusters._compute import Result
from ml.text import normalize_text

# The run's record lists moved ideas for the "what changed" view; past this
# many a count says the rest (a re-run after a big import moves hundreds).
MOVED_LIMIT = 200


class Abandoned(Exception):
    """The run was failed (as stale) by someone else while it computed."""


@dataclass
class Plan:
    """The result laid over the clusters as they are now."""

    final: dict[int, int] = field(default_factory=dict)  # idea id -> number
    similarity: dict[int, float | None] = field(default_factory=dict)
    new_numbers: list[int] = field(default_factory=list)
    keywords: dict[int, list[str]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)  # number -> theme code
    removed: list[int] = field(default_factory=list)  # idea ids
    moved: list[dict] = field(default_factory=list)
    added: int = 0
    kept: int = 0
    unclustered: int = 0


def make_plan(*, run, result: Result, clusters: dict, memberships: list) -> Plan:
    """Lay the model's result over the clusters as they are now.

    The model's numbers for clusters it knew are resolved through merges
    made since; its new clusters get numbers no cluster of the scope ever
    had. A membership a person touched after the run read the data wins.
    """
    plan = Plan()
    by_number = {c.number: c for c in clusters.values()}
    next_number = max((c.number for c in clusters.values()), default=0) + 1
    mapping: dict[int, int] = {}
    for model_id in sorted(result.centres):
        known = by_number.get(model_id) if model_id in result.old_ids else None
        target = resolve(known, clusters)
        if target is None:
            mapping[model_id] = next_number
            plan.new_numbers.append(next_number)
            next_number += 1
        else:
            mapping[model_id] = target.number
        number = mapping[model_id]
        # Two model clusters can land in one after a merge made during the
        # run; the one the cluster was known by describes it.
        if number not in plan.keywords or model_id == number:
            info = result.described.get(model_id, {})
            plan.keywords[number] = info.get("keywords", [])
            plan.labels[number] = model_label(info)
            if model_id in result.groups:
                plan.groups[number] = result.groups[model_id]

    owner = {number: model_id for model_id, number in sorted(mapping.items())[::-1]}
    current = {m.idea_id: m for m in memberships}
    in_run = set()
    for i, idea in enumerate(result.ideas):
        in_run.add(idea.pk)
        label = int(result.labels[i])
        membership = current.get(idea.pk)
        now_in = (
            resolve(clusters.get(membership.cluster_id), clusters)
            if membership
            else None
        )
        if membership is not None and (
            membership.updated_at > result.read_at or membership.pinned
        ):
            if membership.updated_at > result.read_at:
                plan.kept += 1
            number = now_in.number if now_in else None
        elif label < 0:
            number = None
        else:
            number = mapping[label]
        if number is None:
            if membership is not None:
                plan.removed.append(idea.pk)
            plan.unclustered += 1
            continue
        plan.final[idea.pk] = number
        if label >= 0 and mapping[label] == number:
            centre = result.centres[label]
        else:
            centre = result.centres.get(owner.get(number, -1))
        plan.similarity[idea.pk] = (
            float(result.vectors[i] @ centre) if centre is not None else None
        )
        if membership is None:
            plan.added += 1
        elif now_in is not None and now_in.number != number:
            plan.moved.append(
                {
                    "idea": idea.pk,
                    "number": idea.number,
                    "from": now_in.number,
                    "to": number,
                }
            )
    for idea_id, membership in current.items():
        if idea_id not in in_run and membership.updated_at <= result.read_at:
            plan.removed.append(idea_id)
    return plan


def apply(*, run: ClusteringRun, result: Result, clock: float) -> None:
    """Write the result at once, with the scope's clusters locked."""
    with transaction.atomic():
        locked = ClusteringRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ClusteringRun.Status.RUNNING:
            raise Abandoned
        state = current_state(run, lock=True)
        clusters: dict[int, Cluster] = state["clusters"]
        plan = make_plan(run=run, result=result, **state)
        by_number = {c.number: c for c in clusters.values()}
        before = {c.pk: (c.label, c.is_active) for c in clusters.values()}
        members_before: dict[int, set[int]] = {}
        for membership in state["memberships"]:
            members_before.setdefault(membership.cluster_id, set()).add(
                membership.idea_id
            )

        new_clusters = []
        for number in plan.new_numbers:
            cluster = Cluster(
                event=run.event,
                scope=run.scope,
                number=number,
                label=fit_label(plan.labels.get(number), number),
                keywords=plan.keywords.get(number, []),
                group=plan.groups.get(number, run.scope),
                created_run=run,
            )
            cluster.save()
            clusters[cluster.pk] = by_number[number] = cluster
            new_clusters.append({"number": number, "label": cluster.label})

        relabelled = []
        for number, keywords in plan.keywords.items():
            cluster = by_number[number]
            if number in plan.new_numbers:
                continue
            cluster.keywords = keywords
            if number in plan.groups:
                cluster.group = plan.groups[number]
            if cluster.label_source == Cluster.LabelSource.MODEL:
                label = fit_label(plan.labels.get(number), number)
                if label != cluster.label:
                    relabelled.append(
                        {"number": number, "from": cluster.label, "to": label}
                    )
                    cluster.label = label

        current = {m.idea_id: m for m in state["memberships"]}
        coords = {idea.pk: i for i, idea in enumerate(result.ideas)}
        changed, created = [], []
        for idea_id, number in plan.final.items():
            i = coords[idea_id]
            x, y = (float(v) for v in result.coords[i])
            membership = current.get(idea_id)
            target = by_number[number]
            if membership is None:
                created.append(
                    ClusterMembership(
                        cluster=target,
                        idea_id=idea_id,
                        scope=run.scope,
                        similarity=plan.similarity[idea_id],
                        x=x,
                        y=y,
                    )
                )
                continue
            membership.cluster_id = target.pk
            membership.similarity = plan.similarity[idea_id]
            membership.x, membership.y = x, y
            changed.append(membership)
        # bulk_update leaves updated_at alone: it marks a person's edits only.
        ClusterMembership.objects.bulk_update(
            changed, ["cluster", "similarity", "x", "y"], batch_size=500
        )
        ClusterMembership.objects.bulk_create(created, batch_size=500)
        ClusterMembership.objects.filter(
            scope=run.scope, cluster__event=run.event, idea_id__in=plan.removed
        ).delete()

        sizes = dict(
            ClusterMembership.objects.filter(cluster__in=list(clusters))
            .values_list("cluster")
            .annotate(n=Count("pk"))
        )
        members_after: dict[int, set[int]] = {}
        for idea_id, cluster_id in ClusterMembership.objects.filter(
            cluster__in=list(clusters)
        ).values_list("idea_id", "cluster_id"):
            members_after.setdefault(cluster_id, set()).add(idea_id)
        emptied = []
        for cluster in clusters.values():
            cluster.size = sizes.get(cluster.pk, 0)
            if cluster.is_active and not cluster.size:
                cluster.is_active = False
                emptied.append({"number": cluster.number, "label": cluster.label})
            elif cluster.size and not cluster.is_active:
                # An emptied cluster the model fills again comes back.
                cluster.is_active = True
                cluster.merged_into = None
            if cluster.pk in before and (
                before[cluster.pk] != (cluster.label, cluster.is_active)
                or members_before.get(cluster.pk, set())
                != members_after.get(cluster.pk, set())
            ):
                # Open edit forms of this cluster are now out of date.
                cluster.version += 1
        Cluster.objects.bulk_update(
            list(clusters.values()),
            [
                "label",
                "keywords",
                "group",
                "size",
                "is_active",
                "merged_into",
                "version",
            ],
        )

        run.changes = {
            "moved": plan.moved[:MOVED_LIMIT],
            "moved_count": len(plan.moved),
            "added": plan.added,
            "removed": len(plan.removed),
            "new_clusters": new_clusters,
            "emptied_clusters": emptied,
            "relabelled": relabelled,
            "edits_kept": ClusterEdit.objects.filter(
                event=run.event, scope=run.scope, created_at__gt=result.read_at
            ).count(),
            "ideas_kept": plan.kept,
            "n_top": len({c.group for c in clusters.values() if c.is_active}),
        }
        n_clusters = sum(1 for c in clusters.values() if c.is_active)
        record(run=run, result=result, plan=plan, clock=clock, n_clusters=n_clusters)
        run.save(
            update_fields=[
                "status",
                "progress",
                "stage",
                "finished_at",
                "heartbeat_at",
                "n_ideas",
                "n_clusters",
                "unclustered",
                "changed_assignments",
                "seconds",
                "assignments",
                "changes",
                "encoder_id",
            ]
        )


def record(*, run, result: Result, plan: Plan, clock: float, n_clusters) -> None:
    """Set the finished run's figures on ``run``; the caller saves it, or not."""
    run.n_ideas = len(result.ideas)
    run.n_clusters = (
        n_clusters if n_clusters is not None else len(set(plan.final.values()))
    )
    run.unclustered = plan.unclustered
    run.changed_assignments = len(plan.moved)
    run.assignments = {str(k): v for k, v in sorted(plan.final.items())}
    if not run.changes:
        run.changes = {
            "moved": plan.moved[:MOVED_LIMIT],
            "moved_count": len(plan.moved),
            "added": plan.added,
            "removed": len(plan.removed),
            "new_clusters": [
                {"number": n, "label": fit_label(plan.labels.get(n), n)}
                for n in plan.new_numbers
            ],
            "emptied_clusters": [],
            "relabelled": [],
            "edits_kept": 0,
            "ideas_kept": plan.kept,
            "n_top": len({plan.groups.get(n) for n in set(plan.final.values())}),
        }
    run.status = ClusteringRun.Status.DONE
    run.progress = 100
    run.stage = _("Finished")
    run.finished_at = run.heartbeat_at = timezone.now()
    run.seconds = time.monotonic() - clock


# A cluster is named by its most central idea's title, cut to a length a
# card's heading holds; its keywords are shown beside it.
TITLE_LENGTH = 90


def model_label(info: dict) -> str:
    """The name the model gives a cluster: its central idea's title, else keywords."""
    title = normalize_text(info.get("title") or "", multiline=False)
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    return title or info.get("label", "")


def fit_label(label: str | None, number: int) -> str:
    label = normalize_text(label or "", multiline=False)[:LABEL_MAX_LENGTH]
    return label or _("Cluster %(number)s") % {"number": number}
