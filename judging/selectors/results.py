"""A round's results, a judge's list and what the public may read of them."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ideas import access
from ideas.models import Idea
from judging import aggregate
from judging.models import Assignment, Round, Score


@dataclass
class Results:
    round: Round
    criteria: list
    rows: list  # aggregate.IdeaScores, key = the Idea, best first

    @property
    def flagged(self) -> list:
        return [row for row in self.rows if row.flagged]


def _sheets(assignments) -> dict:
    """Idea → one {criterion id: score} per submitted sheet, for ``assignments``."""
    sheets: dict = {}
    submitted = {}
    for assignment in assignments:
        sheets.setdefault(assignment.idea, [])
        if assignment.submitted_at is not None:
            submitted[assignment.pk] = {}
            sheets[assignment.idea].append(submitted[assignment.pk])
    for score in Score.objects.filter(assignment_id__in=submitted):
        submitted[score.assignment_id][score.criterion_id] = score.value
    return sheets


def round_results(*, round: Round) -> Results:
    """Every idea of ``round`` with its scores, aggregate, spread and rank.

    Only submitted sheets count; an idea nobody has scored yet is listed last.
    """
    criteria = list(round.criteria.all())
    assignments = (
        Assignment.objects.filter(judge__round=round)
        .select_related("idea__theme")
        .order_by("idea__number", "pk")
    )
    rows = aggregate.aggregate(
        _sheets(assignments),
        weights={c.pk: c.weight for c in criteria},
        scale_max=round.scale_max,
    )
    return Results(round=round, criteria=criteria, rows=rows)


def judge_worklist(*, judge) -> list[Assignment]:
    """The ideas ``judge`` is to score, with their own scores, in number order."""
    return list(
        judge.assignments.select_related("idea__theme").prefetch_related("scores")
    )


def panel_scores(*, judge, idea) -> list[dict]:
    """The other judges' submitted scores of ``idea``, without their names.

    Raises PermissionDenied until ``judge`` has submitted their own.
    """
    if not access.judge_may_read_panel(judge, idea):
        raise PermissionDenied(
            _("Submit your own scores of this idea before reading the panel's.")
        )
    others = (
        Assignment.objects.filter(judge__round=judge.round, idea=idea)
        .exclude(judge=judge)
        .exclude(submitted_at=None)
        .prefetch_related("scores")
    )
    return [
        {score.criterion_id: score.value for score in other.scores.all()}
        for other in others
    ]


def idea_outcome(*, idea) -> dict | None:
    """What the public may read of ``idea``'s judging: the latest published round.

    Criterion means, the aggregate and the rank among the round's ideas; never
    the judges' names or notes unless the round publishes them.
    """
    rounds = Round.objects.filter(
        event_id=idea.event_id,
        state=Round.State.CLOSED,
        results_published_at__isnull=False,
        judges__assignments__idea=idea,
    ).distinct()
    round = rounds.order_by("-closed_at", "-pk").first()
    if round is None:
        return None
    results = round_results(round=round)
    row = next((r for r in results.rows if r.key.pk == idea.pk), None)
    if row is None or row.aggregate is None:
        return None
    notes = []
    if round.publish_notes:
        notes = [
            {"judge": a.judge.name if round.publish_judges else "", "note": a.note}
            for a in Assignment.objects.filter(judge__round=round, idea=idea)
            .exclude(submitted_at=None)
            .exclude(note="")
            .select_related("judge")
        ]
    return {
        "round": round,
        "criteria": [
            {"criterion": c, "mean": row.criterion_means.get(c.pk)}
            for c in results.criteria
        ],
        "aggregate": row.aggregate,
        "rank": row.rank,
        "of": sum(1 for r in results.rows if r.rank is not None),
        "n_judges": row.n_judges,
        "notes": notes,
    }


def event_outcome(*, event) -> dict | None:
    """The latest published round of ``event``, its public ideas best first.

    For the event's page: each row is (idea, its IdeaScores); ideas that are
    not public (since rejected, say) are left out.
    """
    round = (
        Round.objects.filter(
            event=event,
            state=Round.State.CLOSED,
            results_published_at__isnull=False,
        )
        .order_by("-closed_at", "-pk")
        .first()
    )
    if round is None:
        return None
    public = set(Idea.objects.public().of_event(event).values_list("pk", flat=True))
    results = round_results(round=round)
    rows = [row for row in results.rows if row.rank and row.key.pk in public]
    return {"round": round, "criteria": results.criteria, "rows": rows}
