"""A round's results match a hand computation; bad input stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ideas.models import Idea
from judging import services
from judging.models import Assignment, Judge, Round, Score
from judging.selectors.results import panel_scores, round_results

# Idea #1's sheets, one per judge: (impact, feasibility, cost).
IDEA_1 = [(5, 4, 3), (4, 4, 4), (5, 5, 5), (1, 1, 1), (4, 3, 5)]
# Every other idea gets the same score on every criterion from every judge.
UNIFORM = {2: 5, 3: 4, 4: 3, 5: 2, 6: 2, 7: 1, 8: 4}


def score_all(round, judges, ideas):
    criteria = list(round.criteria.all())
    for j, judge in enumerate(judges):
        for idea in ideas:
            if not Assignment.objects.filter(judge=judge, idea=idea).exists():
                continue
            sheet = IDEA_1[j] if idea.number == 1 else [UNIFORM[idea.number]] * 3
            services.scores_save(
                judge=judge,
                idea=idea,
                values={c.pk: v for c, v in zip(criteria, sheet, strict=True)},
                note="ดีมาก <script>",
                submit=True,
            )


@pytest.fixture
def scored(judging_round, judges, ideas, facilitator):
    services.round_open(round=judging_round, actor=facilitator)
    score_all(judging_round, judges, ideas)
    return judging_round


def test_the_conflicted_pair_is_never_assigned(judging_round, judges, facilitator):
    short = services.round_open(round=judging_round, actor=facilitator)
    conflicted = judges[3]
    assert short == []
    assert not Assignment.objects.filter(judge=conflicted, idea__number=8).exists()
    assert Assignment.objects.filter(judge=conflicted).count() == 7
    assert Assignment.objects.filter(idea__number=8).count() == 4
    assert Assignment.objects.filter(judge__round=judging_round).count() == 39


def test_balanced_rounds_share_ideas_evenly_and_respect_conflicts(
    judging_round, judges, facilitator
):
    Round.objects.filter(pk=judging_round.pk).update(
        assignment=Round.Assignment.BALANCED, judges_per_idea=2
    )
    judging_round.refresh_from_db()
    services.round_open(round=judging_round, actor=facilitator)
    loads = [Assignment.objects.filter(judge=judge).count() for judge in judges]
    assert sum(loads) == 16
    assert max(loads) - min(loads) <= 1
    assert not Assignment.objects.filter(judge=judges[3], idea__number=8).exists()


def test_aggregate_and_ranking_match_a_hand_computation(scored):
    results = round_results(round=scored)
    by_number = {row.key.number: row for row in results.rows}
    first = by_number[1]
    # Judges' weighted means of idea #1: 26/6, 4, 5, 1, 23/6.
    assert first.judge_totals == pytest.approx([26 / 6, 4, 5, 1, 23 / 6])
    assert first.weighted_mean == pytest.approx(109 / 30)
    # Five judges: the highest (5) and the lowest (1) are left out.
    assert first.trimmed_mean == pytest.approx(73 / 18)
    impact, feasibility, cost = (c.pk for c in results.criteria)
    assert first.criterion_means == pytest.approx(
        {impact: 3.8, feasibility: 3.4, cost: 3.6}
    )
    assert first.spread == pytest.approx(1.37598, abs=1e-4)
    assert first.flagged
    # Idea #8 has four judges (one declared a conflict): no trimmed mean.
    assert by_number[8].n_judges == 4 and by_number[8].trimmed_mean is None
    assert [(row.key.number, row.rank) for row in results.rows] == [
        (2, 1),
        (1, 2),
        (3, 3),
        (8, 3),
        (4, 5),
        (5, 6),
        (6, 6),
        (7, 8),
    ]
    assert [row.key.number for row in results.flagged] == [1]


def test_a_judge_reads_the_panel_only_after_submitting(
    judging_round, judges, ideas, facilitator
):
    services.round_open(round=judging_round, actor=facilitator)
    first, second = judges[0], judges[1]
    criteria = list(judging_round.criteria.all())
    values = {c.pk: 3 for c in criteria}
    services.scores_save(judge=second, idea=ideas[0], values=values, submit=True)
    services.scores_save(judge=first, idea=ideas[0], values=values, submit=False)
    with pytest.raises(PermissionDenied):
        panel_scores(judge=first, idea=ideas[0])
    services.scores_save(judge=first, idea=ideas[0], values=values, submit=True)
    assert panel_scores(judge=first, idea=ideas[0]) == [{c.pk: 3 for c in criteria}]


def test_closing_the_round_freezes_scores(scored, judges, ideas, facilitator):
    services.round_close(round=scored, actor=facilitator)
    criterion = scored.criteria.first()
    with pytest.raises(ValidationError):
        services.scores_save(
            judge=judges[0], idea=ideas[1], values={criterion.pk: 1}, submit=True
        )
    assert set(
        Score.objects.filter(
            assignment__judge=judges[0], assignment__idea=ideas[1]
        ).values_list("value", flat=True)
    ) == {5}


@pytest.mark.parametrize("value", [0, 6, "4.5", "สาม", -1, "99999999999999999999"])
def test_a_score_off_the_scale_stores_nothing(
    judging_round, judges, ideas, facilitator, value
):
    services.round_open(round=judging_round, actor=facilitator)
    impact, feasibility, cost = judging_round.criteria.all()
    with pytest.raises(ValidationError, match="1"):
        services.scores_save(
            judge=judges[0],
            idea=ideas[0],
            values={impact.pk: 4, feasibility.pk: value, cost.pk: 4},
            submit=True,
        )
    assert not Score.objects.exists()
    assert not Assignment.objects.exclude(submitted_at=None).exists()


def test_a_judge_cannot_score_an_idea_not_assigned_to_them(
    judging_round, judges, ideas, facilitator
):
    services.round_open(round=judging_round, actor=facilitator)
    criterion = judging_round.criteria.first()
    with pytest.raises(PermissionDenied):
        services.scores_save(
            judge=judges[3], idea=ideas[7], values={criterion.pk: 3}, submit=False
        )
    assert not Score.objects.exists()


def test_criteria_of_weight_zero_only_cannot_open(judging_round, judges, facilitator):
    for criterion in judging_round.criteria.all():
        services.criterion_save(
            round=judging_round,
            actor=facilitator,
            criterion=criterion,
            name_th=criterion.name_th,
            weight=0,
        )
    with pytest.raises(ValidationError, match="0"):
        services.round_open(round=judging_round, actor=facilitator)
    judging_round.refresh_from_db()
    assert judging_round.state == Round.State.DRAFT
    assert not Assignment.objects.exists()


def test_a_link_works_once_and_not_after_it_expires(judges):
    by_link = judges[4]
    assert services.judge_claim_link(token=by_link.token) == by_link
    with pytest.raises(ValidationError) as used:
        services.judge_claim_link(token=by_link.token)
    assert used.value.code == "used"
    with pytest.raises(ValidationError) as unknown:
        services.judge_claim_link(token="not-a-token")
    assert unknown.value.code == "unknown"


def test_an_expired_link_is_refused_and_stays_unused(judging_round, facilitator):
    judge, token = services.judge_invite(
        round=judging_round, actor=facilitator, name="ผู้เชี่ยวชาญ"
    )
    Judge.objects.filter(pk=judge.pk).update(
        invite_expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError) as expired:
        services.judge_claim_link(token=token)
    assert expired.value.code == "expired"
    judge.refresh_from_db()
    assert judge.invite_used_at is None


def test_levels_need_one_line_per_score(judging_round, facilitator):
    with pytest.raises(ValidationError, match="5"):
        services.criterion_save(
            round=judging_round,
            actor=facilitator,
            name_th="ผลกระทบ",
            levels_th="น้อย\nมาก",
        )
    assert judging_round.criteria.count() == 3


def test_a_declared_conflict_removes_the_idea_and_its_scores(
    judging_round, judges, ideas, facilitator
):
    services.round_open(round=judging_round, actor=facilitator)
    criterion = judging_round.criteria.first()
    services.scores_save(judge=judges[0], idea=ideas[2], values={criterion.pk: 2})
    services.judge_declare_conflict(judge=judges[0], idea=ideas[2])
    assert not Assignment.objects.filter(judge=judges[0], idea=ideas[2]).exists()
    assert not Score.objects.exists()
    assert judges[0].conflict_ideas.filter(pk=ideas[2].pk).exists()


def test_selection_needs_a_closed_round_and_a_reason_and_is_logged(
    scored, ideas, facilitator
):
    with pytest.raises(ValidationError):
        services.round_select_ready(
            round=scored, idea=ideas[1], actor=facilitator, reason="อันดับ 1"
        )
    services.round_close(round=scored, actor=facilitator)
    with pytest.raises(ValidationError):
        services.round_select_ready(
            round=scored, idea=ideas[1], actor=facilitator, reason="  "
        )
    idea = services.round_select_ready(
        round=scored, idea=ideas[1], actor=facilitator, reason="อันดับ 1 จาก 8"
    )
    assert idea.status == Idea.Status.SHORTLISTED
    decision = idea.decisions.latest("created_at")
    assert decision.new_value == Idea.Status.SHORTLISTED
    assert decision.reason == "อันดับ 1 จาก 8"
    assert decision.actor == facilitator


def test_another_events_facilitator_cannot_run_the_round(
    judging_round, facilitator_other_event
):
    with pytest.raises(PermissionDenied):
        services.round_open(round=judging_round, actor=facilitator_other_event)
