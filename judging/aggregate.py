"""The arithmetic of a round's results, apart from the database.

Each judge's score of an idea is the weighted mean of their criterion scores,
on the round's own scale. An idea's result is the mean of its judges' scores;
with at least :data:`TRIM_FROM` judges the highest and the lowest are left out
(a trimmed mean), so that one judge cannot carry or sink an idea alone.
"""

import math
from dataclasses import dataclass, field

# Trimming one score at each end leaves at least three to average.
TRIM_FROM = 5
# Judges disagree when their scores' standard deviation reaches a quarter of
# the scale's range: one point on a 1–5 scale.
DISAGREEMENT_SHARE = 0.25


@dataclass
class IdeaScores:
    """One idea's aggregate: per criterion, per judge and overall."""

    key: object
    criterion_means: dict = field(default_factory=dict)
    judge_totals: list = field(default_factory=list)
    weighted_mean: float | None = None
    trimmed_mean: float | None = None
    spread: float = 0.0
    flagged: bool = False
    rank: int | None = None

    @property
    def n_judges(self) -> int:
        return len(self.judge_totals)

    @property
    def aggregate(self) -> float | None:
        """What ranks the idea: the trimmed mean where there is one."""
        return (
            self.trimmed_mean if self.trimmed_mean is not None else self.weighted_mean
        )


def judge_total(scores: dict, weights: dict) -> float:
    """One judge's weighted mean of ``scores`` (criterion → score).

    Raises ValueError when the weights of the scored criteria sum to zero.
    """
    total_weight = sum(weights[criterion] for criterion in scores)
    if total_weight <= 0:
        raise ValueError("the criteria's weights sum to zero")
    return sum(weights[c] * value for c, value in scores.items()) / total_weight


def trimmed_mean(values: list[float]) -> float | None:
    """The mean without the highest and the lowest value, from TRIM_FROM values."""
    if len(values) < TRIM_FROM:
        return None
    kept = sorted(values)[1:-1]
    return sum(kept) / len(kept)


def spread(values: list[float]) -> float:
    """The population standard deviation of ``values`` (0 for fewer than two)."""
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((value - mean) ** 2 for value in values) / len(values))


def aggregate(
    sheets: dict, *, weights: dict, scale_max: int, scale_min: int = 1
) -> list[IdeaScores]:
    """Every idea's result and rank, best first.

    Parameters
    ----------
    sheets : dict
        Idea key → list of one dict per judge who submitted, criterion → score.
        An idea with an empty list is listed last, unranked.
    weights : dict
        Criterion → weight (a non-negative number).
    scale_max, scale_min : int
        The scale's ends, for the disagreement threshold.

    Returns
    -------
    list of IdeaScores
        Ranked by aggregate, highest first; equal aggregates share a rank
        ("1, 2, 2, 4").
    """
    threshold = (scale_max - scale_min) * DISAGREEMENT_SHARE
    results = []
    for key, judges in sheets.items():
        result = IdeaScores(key=key)
        if judges:
            result.judge_totals = [judge_total(sheet, weights) for sheet in judges]
            criteria = {criterion for sheet in judges for criterion in sheet}
            result.criterion_means = {
                criterion: sum(s[criterion] for s in judges if criterion in s)
                / sum(1 for s in judges if criterion in s)
                for criterion in criteria
            }
            totals = result.judge_totals
            result.weighted_mean = sum(totals) / len(totals)
            result.trimmed_mean = trimmed_mean(totals)
            result.spread = spread(totals)
            result.flagged = len(totals) >= 2 and result.spread >= threshold
        results.append(result)
    ranked = sorted(
        (r for r in results if r.aggregate is not None),
        key=lambda r: -round(r.aggregate, 9),
    )
    for position, result in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        same = previous is not None and round(previous.aggregate, 9) == round(
            result.aggregate, 9
        )
        result.rank = previous.rank if same else position
    return ranked + [r for r in results if r.aggregate is None]
