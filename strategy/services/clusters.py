"""Measures drawn from clusters: citing a cluster, drafting a measure from one.

Also linking a framework's measures, drafted from ideas, to the clusters those
ideas came from.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas import access
from ideas.models import Cluster
from strategy import selectors
from strategy.models import (
    Framework,
    Goal,
    Measure,
    MeasureCluster,
    merged_cluster_message,
)
from strategy.services._common import (
    _bump_version,
    _check_cluster_event,
    _check_open,
    _from_cluster_note,
    _next_order,
    check_node_open,
)
from strategy.services.tree import _save_citations, measure_create

logger = logging.getLogger(__name__)


def _require(actor, permission: str) -> None:
    if actor is not None:
        access.require(
            access.has(actor, permission),
            _("You may not do this: ask for the right to do it."),
        )


def measure_cite_cluster(
    *, measure: Measure, cluster: Cluster, note: str = "", actor=None
) -> MeasureCluster:
    """Cite a cluster, and its accepted and shortlisted members as they are now.

    The members are copied as idea citations with the note "from cluster “X”",
    so the ideas behind the measure stay put when the cluster is later edited,
    merged or re-run; ideas the measure cites already are left as they are. A
    cluster the measure cites already is returned as it is.

    Raises
    ------
    PermissionDenied
        When ``actor`` is given and may not change measures.
    ValidationError
        When the cluster has been merged or is no longer active (code
        ``"merged"``), or comes from an event that is not one of the
        framework's source events (``"other_event"``).
    """
    _require(actor, access.CHANGE_MEASURE)
    with transaction.atomic():
        check_node_open(measure)
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        existing = MeasureCluster.objects.filter(measure=measure, cluster=cluster)
        if existing.exists():
            return existing.get()
        citation = MeasureCluster(
            measure=measure,
            cluster=cluster,
            note=note,
            sort_order=_next_order(measure.cited_clusters.all()),
        )
        citation.full_clean()
        _check_cluster_event(goal=measure.goal, cluster=cluster)
        citation.save()
        ideas, _left_out = selectors.cluster_citable_ideas(cluster=cluster)
        _save_citations(measure=measure, ideas=ideas, note=_from_cluster_note(cluster))
        _bump_version(measure)
    logger.info("measure %s cites cluster %s", measure.pk, cluster.pk)
    return citation


def cluster_left_out_message(*, cluster: Cluster, count: int) -> str:
    """Why some of a cluster's ideas were not cited: empty when none was left out."""
    if not count:
        return ""
    return ngettext(
        "%(count)d idea of the cluster was left out: only accepted or "
        "shortlisted ideas can be cited.",
        "%(count)d ideas of the cluster were left out: only accepted or "
        "shortlisted ideas can be cited.",
        count,
    ) % {"count": count}


def measure_create_from_cluster(
    *, cluster: Cluster, goal: Goal, actor=None, title: str = ""
) -> Measure:
    """A new measure drafted from a cluster, citing it and its citable ideas.

    The title defaults to the cluster's label; the description lists its
    keywords and the proposed solutions of the ideas cited, for the writer to
    rework. Only accepted and shortlisted members are cited
    (``selectors.cluster_citable_ideas`` counts the others, and
    ``cluster_left_out_message`` says so).

    Raises
    ------
    PermissionDenied
        When ``actor`` is given and may not add measures.
    ValidationError
        When the cluster has been merged or is no longer active, has no
        accepted or shortlisted idea, comes from an event the framework does
        not draw on, or the goal's framework is no longer a draft.
    """
    _require(actor, access.ADD_MEASURE)
    with transaction.atomic():
        cluster = Cluster.objects.select_related("merged_into").get(pk=cluster.pk)
        if not cluster.is_active:
            raise ValidationError(merged_cluster_message(cluster), code="merged")
        # As stored, not as the caller's copy of the goal remembers it.
        framework = Framework.objects.select_for_update().get(issues__goals=goal.pk)
        if framework.status != Framework.Status.DRAFT:
            raise ValidationError(
                _(
                    "“%(framework)s” is %(status)s: measures are added to a "
                    "framework while it is a draft."
                )
                % {
                    "framework": framework.title,
                    "status": framework.get_status_display(),
                },
                code="not_draft",
            )
        _check_cluster_event(goal=goal, cluster=cluster)
        ideas, _left_out = selectors.cluster_citable_ideas(cluster=cluster)
        if not ideas:
            raise ValidationError(
                _(
                    "The cluster “%(label)s” has no accepted or shortlisted idea to "
                    "cite: moderate its ideas first."
                )
                % {"label": cluster.label},
                code="no_citable_ideas",
            )
        parts = []
        if cluster.keywords:
            parts.append(
                _("Keywords: %(keywords)s")
                % {"keywords": ", ".join(map(str, cluster.keywords))}
            )
        parts += [f"[#{idea.number}] {idea.solution}" for idea in ideas]
        measure = measure_create(
            goal=goal,
            title=(title or cluster.label)[
                : Measure._meta.get_field("title").max_length
            ],
            description="\n\n".join(parts),
        )
        measure_cite_cluster(measure=measure, cluster=cluster)
        measure.refresh_from_db()
    logger.info("measure %s created from cluster %s", measure.pk, cluster.pk)
    return measure


def framework_link_clusters(*, framework: Framework) -> int:
    """Link each measure that cites no cluster to the cluster its ideas came from.

    For measures drafted from ideas (the bulk action, the demo): the active
    cluster of the framework's source events sharing most of the measure's
    cited ideas is cited, without copying further ideas, so the ideas the
    measure rests on do not change. Returns how many measures were linked.
    """
    linked = 0
    with transaction.atomic():
        _check_open(framework_ids=[framework.pk])
        measures = Measure.objects.filter(
            goal__issue__framework=framework, cited_clusters__isnull=True
        ).prefetch_related("cited_ideas")
        events = list(framework.source_events.values_list("pk", flat=True))
        for measure in measures:
            ideas = [citation.idea_id for citation in measure.cited_ideas.all()]
            best = (
                Cluster.objects.filter(
                    event_id__in=events,
                    is_active=True,
                    memberships__idea_id__in=ideas,
                )
                .annotate(shared=models.Count("memberships"))
                .order_by("-shared", "-size", "pk")
                .first()
            )
            if best is None:
                continue
            MeasureCluster.objects.create(measure=measure, cluster=best, sort_order=0)
            _bump_version(measure)
            linked += 1
    return linked
