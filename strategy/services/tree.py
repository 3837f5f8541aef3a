"""The tree under a framework: issues, goals, measures and the ideas they cite."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ideas.models import Idea, Theme
from strategy import selectors
from strategy.models import (
    Framework,
    Goal,
    Indicator,
    Measure,
    MeasureIdea,
    StrategicIssue,
)
from strategy.services._common import (
    _append,
    _bump_version,
    _check_cluster_event,
    _check_version,
    _from_cluster_note,
    _next_order,
    check_node_open,
)
from strategy.services.indicators import _check_targets


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
    fall within the framework's period. Nothing of an approved or published
    framework changes (code ``"adopted"``).
    """
    with transaction.atomic():
        check_node_open(node)
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
        check_node_open(Measure(goal=goal))
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
        writer loaded it: nothing is saved, and the form keeps what they typed;
        with code ``"adopted"`` when its framework is approved or published.
    """
    with transaction.atomic():
        check_node_open(measure)
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
        check_node_open(measure)
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
