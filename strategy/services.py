"""Every write to a framework and its tree goes through these functions."""

import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ideas.models import Idea, Theme
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    IndicatorTarget,
    Measure,
    MeasureIdea,
    NationalMilestone,
    StrategicIssue,
    target_outside_period_message,
)

logger = logging.getLogger(__name__)

APPROVE_PERMISSION = "strategy.approve_framework"


def _next_order(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(n=Max("sort_order"))["n"]
    return 0 if last is None else last + 1


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
        and not (actor is not None and actor.has_perm(APPROVE_PERMISSION))
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
        if current.status != status:
            current.status = status
            current.version += 1
            current.full_clean()
            current.save(update_fields=["status", "version", "updated_at"])
    return current


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
    with transaction.atomic():
        issue = StrategicIssue(
            framework=framework,
            title=title,
            english_title=english_title,
            theme=theme,
            description=description,
            sort_order=_next_order(framework.issues.all()),
        )
        issue.full_clean()
        issue.save()
    return issue


def goal_create(
    *, issue: StrategicIssue, title: str, english_title: str = "", description: str = ""
) -> Goal:
    """Add a goal at the end of the strategic issue's list."""
    with transaction.atomic():
        goal = Goal(
            issue=issue,
            title=title,
            english_title=english_title,
            description=description,
            sort_order=_next_order(issue.goals.all()),
        )
        goal.full_clean()
        goal.save()
    return goal


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
        measure.save()
    return measure


def measure_cite_ideas(
    *, measure: Measure, ideas: Iterable[Idea], note: str = ""
) -> list[MeasureIdea]:
    """Add ideas to those a measure cites; ideas it cites already are left as they are.

    Returns the citations added.
    """
    with transaction.atomic():
        Measure.objects.select_for_update().filter(pk=measure.pk).first()
        added = _citations(measure=measure, ideas=ideas, note=note)
        for citation in added:
            citation.sort_order = _next_order(measure.cited_ideas.all())
            citation.save()
        if added:
            Measure.objects.filter(pk=measure.pk).update(
                version=models.F("version") + 1
            )
            measure.refresh_from_db(fields=["version"])
    return added


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
