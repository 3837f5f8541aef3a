"""Every write to a framework and its tree goes through these functions."""

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ideas import access
from ideas.models import Cluster, Idea, Theme
from strategy import selectors
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    IndicatorTarget,
    Measure,
    MeasureCluster,
    MeasureIdea,
    NationalMilestone,
    StrategicIssue,
    merged_cluster_message,
    target_outside_period_message,
)

logger = logging.getLogger(__name__)


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(n=Max("sort_order"))["n"]
    return 0 if last is None else last + 1


def _append(node, *, siblings: models.QuerySet):
    """Validate ``node`` and save it after ``siblings``, in one transaction."""
    with transaction.atomic():
        node.sort_order = _next_order(siblings)
        node.full_clean()
        node.save()
    return node


def _check_version(*, model, pk: int, expected_version: int) -> int:
    """Lock the stored row and return its version, or refuse a stale edit."""
    current = (
        model.objects.select_for_update()
        .filter(pk=pk)
        .values_list("version", flat=True)
    )
    stored = current.first()
    if stored is None:
        raise ValidationError(
            _("This %(name)s has been deleted by someone else.")
            % {"name": model._meta.verbose_name},
            code="deleted",
        )
    if stored != expected_version:
        raise ValidationError(
            _(
                "Someone else saved this %(name)s while you were editing it. Your "
                "changes have not been saved and are still in the form: open the "
                "%(name)s again in a new tab to see the other changes, then apply "
                "yours there."
            )
            % {"name": model._meta.verbose_name},
            code="conflict",
        )
    return stored


# Frameworks


def _check_approval(*, status: str, old_status: str | None, actor) -> None:
    if (
        status in Framework.APPROVED_STATUSES
        and status != old_status
        and not (actor is not None and access.has(actor, access.APPROVE_FRAMEWORK))
    ):
        raise ValidationError(
            {
                "status": _(
                    "Only an approver can approve or publish a framework. Set it to "
                    "“In review” and ask an approver."
                )
            },
            code="not_approver",
        )


def _check_targets_in_period(framework: Framework) -> None:
    if framework.pk is None:
        return
    outside = (
        IndicatorTarget.objects.filter(
            indicator__measure__goal__issue__framework=framework
        )
        .exclude(year__gte=framework.start_year, year__lte=framework.end_year)
        .order_by("year")
    )
    first = outside.first()
    if first is not None:
        raise ValidationError(
            {
                "end_year": _(
                    "%(count)d yearly targets fall outside this period, the first "
                    "in %(year)s. Move or remove them before changing the period."
                )
                % {"count": outside.count(), "year": first.year}
            },
            code="targets_outside",
        )


def framework_create(
    *,
    title: str,
    slug: str,
    start_year: int,
    end_year: int,
    english_title: str = "",
    vision: str = "",
    english_vision: str = "",
    source_events: Iterable = (),
    milestones: Iterable[NationalMilestone] = (),
    actor=None,
) -> Framework:
    """Create a draft framework.

    Parameters
    ----------
    title, english_title : str
        The framework's name in Thai and in English.
    slug : str
        Unique short name, used by ``export_framework``.
    start_year, end_year : int
        The period, in the Common era (2023, not 2566).
    source_events : iterable of EventPage
        The events whose ideas the framework is built from.
    milestones : iterable of NationalMilestone
        National plan milestones it aligns with.

    Raises
    ------
    ValidationError
        When the period ends before it starts, a year is out of range (a
        Buddhist-era year, say) or the slug is taken.
    """
    with transaction.atomic():
        framework = Framework(
            title=title,
            english_title=english_title,
            slug=slug,
            start_year=start_year,
            end_year=end_year,
            vision=vision,
            english_vision=english_vision,
            status=Framework.Status.DRAFT,
        )
        framework.full_clean()
        framework.save()
        framework.source_events.set(list(source_events))
        framework.milestones.set(list(milestones))
        framework.save()
    logger.info("framework created: %s", framework.pk)
    return framework


def framework_save(
    *, framework: Framework, actor, expected_version: int | None = None
) -> Framework:
    """Save an edited framework (as the admin form filled it in), checking who and when.

    Parameters
    ----------
    framework : Framework
        The instance with the writer's changes, its many-to-many fields held
        in memory (a ClusterForm's ``save(commit=False)``).
    actor : User
        Only a user with ``strategy.approve_framework`` may move it to
        approved or published.
    expected_version : int, optional
        The version the writer started from; None for a new framework.

    Raises
    ------
    ValidationError
        On a stale version (code ``"conflict"``), an approval without the
        right (``"not_approver"``), a period that would leave yearly targets
        outside it, or any field error.
    """
    with transaction.atomic():
        old_status = None
        if framework.pk is not None:
            stored = _check_version(
                model=Framework,
                pk=framework.pk,
                expected_version=expected_version
                if expected_version is not None
                else framework.version,
            )
            old_status = (
                Framework.objects.filter(pk=framework.pk)
                .values_list("status", flat=True)
                .first()
            )
            framework.version = stored + 1
        _check_approval(status=framework.status, old_status=old_status, actor=actor)
        framework.full_clean()
        _check_targets_in_period(framework)
        framework.save()
    return framework


def framework_set_status(*, framework: Framework, status: str, actor) -> Framework:
    """Move a framework through draft → in review → approved → published.

    Raises ValidationError when ``actor`` may not approve (code
    ``"not_approver"``).
    """
    with transaction.atomic():
        current = Framework.objects.select_for_update().get(pk=framework.pk)
        _check_approval(status=status, old_status=current.status, actor=actor)
        _write_status(framework=current, status=status)
    return current


def _write_status(*, framework: Framework, status: str) -> None:
    if framework.status != status:
        old = framework.status
        framework.status = status
        framework.version += 1
        framework.full_clean()
        framework.save(update_fields=["status", "version", "updated_at"])
        logger.info("framework %s: %s → %s", framework.pk, old, status)


# What happens to a framework's document page in Wagtail → the statuses the
# framework moves from, and the one it moves to. From any other status the
# change leaves it alone: a published framework whose document is revised and
# sent for review again stays published, and Wagtail's publishing on approval
# (which signals "published" before "approved") cannot step it back.
DOCUMENT_STEPS = {
    "submitted": ((Framework.Status.DRAFT,), Framework.Status.IN_REVIEW),
    "rejected": ((Framework.Status.IN_REVIEW,), Framework.Status.DRAFT),
    "cancelled": ((Framework.Status.IN_REVIEW,), Framework.Status.DRAFT),
    "approved": (
        (Framework.Status.DRAFT, Framework.Status.IN_REVIEW),
        Framework.Status.APPROVED,
    ),
    "published": (
        (
            Framework.Status.DRAFT,
            Framework.Status.IN_REVIEW,
            Framework.Status.APPROVED,
        ),
        Framework.Status.PUBLISHED,
    ),
    "unpublished": ((Framework.Status.PUBLISHED,), Framework.Status.APPROVED),
}
# Wagtail's page_published and page_unpublished signals name no user; Wagtail
# has checked the publish right on the page, which workbench.roles gives
# approvers alone (strategy.wagtail_hooks refuses anyone else in the admin).
PUBLISHING_CHANGES = ("published", "unpublished")


def framework_follow_document(*, document, change: str, actor=None) -> Framework:
    """Keep a framework's status in step with its document's Wagtail workflow.

    Submitting the document to the approval workflow puts a draft framework
    "In review"; a rejection, or the writer cancelling, returns it to draft
    (unless another of its documents is still in review); the approver's
    approval makes it "Approved"; publishing the document makes it
    "Published", and unpublishing its last live document "Approved" again.
    See ``DOCUMENT_STEPS`` for the statuses each change moves it from.

    Parameters
    ----------
    document : cms.FrameworkPage
        Any page (or object) with a ``framework``.
    change : str
        One of ``DOCUMENT_STEPS``.
    actor : User, optional
        Who made the change. Approving takes ``strategy.approve_framework``.
        None for publishing and unpublishing, which Wagtail reports without
        a user after checking its own publish right.

    Raises
    ------
    ValidationError
        With code ``"not_approver"`` when ``actor`` may not approve.
    """
    sources, status = DOCUMENT_STEPS[change]
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=document.framework_id)
        if framework.status not in sources:
            return framework
        others = framework.documents.exclude(pk=document.pk)
        if change in ("rejected", "cancelled") and any(
            page.workflow_in_progress for page in others
        ):
            return framework
        if change == "unpublished" and others.filter(live=True).exists():
            return framework
        if actor is not None or change not in PUBLISHING_CHANGES:
            _check_approval(status=status, old_status=framework.status, actor=actor)
        _write_status(framework=framework, status=status)
    return framework


# The tree


def issue_create(
    *,
    framework: Framework,
    title: str,
    english_title: str = "",
    theme: Theme | None = None,
    description: str = "",
) -> StrategicIssue:
    """Add a strategic issue at the end of the framework's list."""
    return _append(
        StrategicIssue(
            framework=framework,
            title=title,
            english_title=english_title,
            theme=theme,
            description=description,
        ),
        siblings=framework.issues.all(),
    )


def goal_create(
    *, issue: StrategicIssue, title: str, english_title: str = "", description: str = ""
) -> Goal:
    """Add a goal at the end of the strategic issue's list."""
    return _append(
        Goal(
            issue=issue,
            title=title,
            english_title=english_title,
            description=description,
        ),
        siblings=issue.goals.all(),
    )


def node_save(
    *, node: StrategicIssue | Goal | Indicator
) -> StrategicIssue | Goal | Indicator:
    """Save an issue, goal or indicator edited in the admin, validating it first.

    A new node goes at the end of its parent's list. An indicator's yearly
    targets (held in memory by the admin form) are saved with it; each must
    fall within the framework's period.
    """
    with transaction.atomic():
        if node.pk is None:
            siblings = {
                StrategicIssue: lambda: StrategicIssue.objects.filter(
                    framework_id=node.framework_id
                ),
                Goal: lambda: Goal.objects.filter(issue_id=node.issue_id),
                Indicator: lambda: Indicator.objects.filter(measure_id=node.measure_id),
            }[type(node)]()
            node.sort_order = _next_order(siblings)
        node.full_clean()
        if isinstance(node, Indicator):
            _check_targets(indicator=node, targets=list(node.targets.all()))
        node.save()
    return node


def _citations(
    *, measure: Measure, ideas: Iterable[Idea], note: str = ""
) -> list[MeasureIdea]:
    have = {citation.idea_id for citation in measure.cited_ideas.all()}
    added = []
    for idea in ideas:
        if idea.pk in have:
            continue
        citation = MeasureIdea(measure=measure, idea=idea, note=note)
        citation.full_clean(exclude=["measure"])
        added.append(citation)
        have.add(idea.pk)
    return added


def measure_create(
    *,
    goal: Goal,
    title: str,
    english_title: str = "",
    description: str = "",
    lead_agency: str = "",
    supporting_agencies: Iterable[str] = (),
    pilot_scope: str = "",
    estimated_budget: Decimal | None = None,
    ideas: Iterable[Idea] = (),
) -> Measure:
    """Add a measure at the end of the goal's list, citing ``ideas``.

    Parameters
    ----------
    supporting_agencies : iterable of str
        Stored one per line.
    estimated_budget : Decimal, optional
        In baht.
    ideas : iterable of Idea
        Accepted or shortlisted ideas the measure answers.

    Raises
    ------
    ValidationError
        When a field is invalid or an idea is not accepted or shortlisted.
    """
    with transaction.atomic():
        measure = Measure(
            goal=goal,
            title=title,
            english_title=english_title,
            description=description,
            lead_agency=lead_agency,
            supporting_agencies="\n".join(supporting_agencies),
            pilot_scope=pilot_scope,
            estimated_budget=estimated_budget,
            sort_order=_next_order(goal.measures.all()),
        )
        measure.full_clean()
        measure.cited_ideas.add(*_citations(measure=measure, ideas=ideas))
        measure.save()
    return measure


def measure_save(*, measure: Measure, expected_version: int | None = None) -> Measure:
    """Save a measure edited in the admin, refusing to overwrite a newer save.

    Parameters
    ----------
    measure : Measure
        The instance with the writer's changes, its cited ideas held in
        memory (a ClusterForm's ``save(commit=False)``).
    expected_version : int, optional
        The version the writer's form was loaded with; defaults to the
        instance's own. None of that matters for a new measure.

    Raises
    ------
    ValidationError
        With code ``"conflict"`` when someone saved the measure since the
        writer loaded it: nothing is saved, and the form keeps what they typed.
    """
    with transaction.atomic():
        if measure.pk is None:
            measure.sort_order = _next_order(
                Measure.objects.filter(goal_id=measure.goal_id)
            )
        else:
            stored = _check_version(
                model=Measure,
                pk=measure.pk,
                expected_version=expected_version
                if expected_version is not None
                else measure.version,
            )
            measure.version = stored + 1
        measure.full_clean()
        for citation in measure.cited_ideas.all():
            citation.full_clean(exclude=["measure"])
        _clusters_cited_in_form(measure=measure)
        measure.save()
    return measure


def _clusters_cited_in_form(*, measure: Measure) -> None:
    """Check the clusters held in memory; a newly cited one brings its ideas along."""
    seen = set()
    for citation in measure.cited_clusters.all():
        if citation.cluster_id in seen:
            raise ValidationError(
                _("The cluster “%(label)s” is cited twice.")
                % {"label": citation.cluster.label},
                code="duplicate_cluster",
            )
        seen.add(citation.cluster_id)
        citation.full_clean(exclude=["measure"])
        if citation.pk is None:
            _check_cluster_event(goal=measure.goal, cluster=citation.cluster)
            ideas, _left_out = selectors.cluster_citable_ideas(cluster=citation.cluster)
            measure.cited_ideas.add(
                *_citations(
                    measure=measure,
                    ideas=ideas,
                    note=_from_cluster_note(citation.cluster),
                )
            )


def measure_cite_ideas(
    *, measure: Measure, ideas: Iterable[Idea], note: str = ""
) -> list[MeasureIdea]:
    """Add ideas to those a measure cites; ideas it cites already are left as they are.

    Returns the citations added.
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        added = _save_citations(measure=measure, ideas=ideas, note=note)
        if added:
            _bump_version(measure)
    return added


def _save_citations(
    *, measure: Measure, ideas: Iterable[Idea], note: str
) -> list[MeasureIdea]:
    added = _citations(measure=measure, ideas=ideas, note=note)
    for citation in added:
        citation.sort_order = _next_order(measure.cited_ideas.all())
        citation.save()
    return added


def _bump_version(measure: Measure) -> None:
    Measure.objects.filter(pk=measure.pk).update(version=models.F("version") + 1)
    measure.refresh_from_db(fields=["version"])


def measure_create_from_ideas(
    *, goal: Goal, ideas: Iterable[Idea], title: str = ""
) -> Measure:
    """A new measure pre-filled from the ideas it will cite.

    The title defaults to the first idea's; the description lists the ideas'
    proposed solutions for the writer to rework.
    """
    ideas = list(ideas)
    if not ideas:
        raise ValidationError(_("Select at least one idea."))
    return measure_create(
        goal=goal,
        title=title or ideas[0].title,
        description="\n\n".join(f"[#{idea.number}] {idea.solution}" for idea in ideas),
        ideas=ideas,
    )


# Clusters


def _from_cluster_note(cluster: Cluster) -> str:
    return _("from cluster “%(label)s”") % {"label": cluster.label}


def _check_cluster_event(*, goal: Goal, cluster: Cluster) -> None:
    framework = Framework.objects.get(issues__goals=goal.pk)
    events = set(framework.source_events.values_list("pk", flat=True))
    if events and cluster.event_id not in events:
        raise ValidationError(
            _(
                "The cluster “%(label)s” comes from an event that is not one of the "
                "source events of “%(framework)s”: add the event to the framework "
                "first."
            )
            % {"label": cluster.label, "framework": framework.title},
            code="other_event",
        )


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


def _check_targets(*, indicator: Indicator, targets: list[IndicatorTarget]) -> None:
    framework = indicator.framework()
    errors = []
    seen = set()
    for target in targets:
        if framework and not framework.start_year <= target.year <= framework.end_year:
            errors.append(
                target_outside_period_message(year=target.year, framework=framework)
            )
        if target.year in seen:
            errors.append(
                _("There are two targets for %(year)s.") % {"year": target.year}
            )
        seen.add(target.year)
    if errors:
        raise ValidationError({"targets": errors}, code="target_outside_period")


def indicator_create(
    *,
    measure: Measure,
    name: str,
    unit: str,
    english_name: str = "",
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
    targets: Mapping[int, Decimal] | None = None,
) -> Indicator:
    """Add an indicator to a measure with a target per year.

    Parameters
    ----------
    unit : str
        Required: per cent, days, agencies...
    targets : mapping of int to Decimal, optional
        Year (Common era) → target. Every year must fall within the
        framework's period.

    Raises
    ------
    ValidationError
        When the unit is missing or a target's year is outside the period.
    """
    with transaction.atomic():
        indicator = Indicator(
            measure=measure,
            name=name,
            english_name=english_name,
            unit=unit,
            baseline=baseline,
            baseline_year=baseline_year,
            sort_order=_next_order(measure.indicators.all()),
        )
        indicator.full_clean()
        rows = [
            IndicatorTarget(indicator=indicator, year=year, value=Decimal(value))
            for year, value in sorted((targets or {}).items())
        ]
        _check_targets(indicator=indicator, targets=rows)
        for row in rows:
            row.full_clean(exclude=["indicator"])
        indicator.targets.add(*rows)
        indicator.save()
    return indicator
