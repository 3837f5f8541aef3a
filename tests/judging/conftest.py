"""A round as the founding event would run one: 3 criteria, 5 judges, 8 ideas."""

import pytest

from ideas.models import Idea
from judging import services
from tests.factories import IdeaFactory, UserFactory
from workbench import roles

# Weights of impact, feasibility and cost to the state.
WEIGHTS = (3, 2, 1)


@pytest.fixture
def ideas(event):
    return [
        IdeaFactory(
            event=event,
            number=n,
            status=Idea.Status.ACCEPTED,
            team_name=f"ทีม {n}",
        )
        for n in range(1, 9)
    ]


@pytest.fixture
def judging_round(event, facilitator, ideas):
    round = services.round_create(
        event=event, actor=facilitator, name="รอบตัดสิน <script>x</script>"
    )
    for name, weight in zip(("ผลกระทบ", "ความเป็นไปได้", "ต้นทุน"), WEIGHTS, strict=True):
        services.criterion_save(
            round=round, actor=facilitator, name_th=name, weight=weight
        )
    return round


@pytest.fixture
def judges(judging_round, facilitator):
    """Four staff judges, the last with a conflict with team 8, and one by link."""
    accounts = [
        UserFactory(username=f"judge{n}", groups=[roles.FACILITATOR])
        for n in range(1, 5)
    ]
    staff = [
        services.judge_add_account(round=judging_round, actor=facilitator, user=user)
        for user in accounts
    ]
    services.judge_set_conflicts(judge=staff[3], actor=facilitator, teams="ทีม 8")
    by_link, token = services.judge_invite(
        round=judging_round, actor=facilitator, name="ผู้ทรงคุณวุฒิ <script>"
    )
    by_link.token = token
    return [*staff, by_link]
