"""Preparing a round on its staff screen: refused input keeps what was typed."""

import pytest
from django.urls import reverse

from judging import services
from judging.models import Criterion, Judge, Round
from tests.factories import IdeaFactory, UserFactory


@pytest.fixture
def round(event, runner):
    return services.round_create(event=event, actor=runner, name="รอบที่ 1")


def setup_url(round):
    return reverse("workbench:judging_setup", args=[round.event_id, round.pk])


def test_a_facilitator_creates_a_round(staff, event):
    url = reverse("workbench:judging_new", args=[event.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {"name": "รอบตัดสิน", "scale_max": 5, "assignment": "all", "judges_per_idea": 3},
    )
    round = Round.objects.get(event=event)
    assert response.url == setup_url(round)


def test_levels_without_one_line_per_score_are_refused_and_kept(staff, round):
    response = staff.post(
        setup_url(round),
        {
            "action": "criterion",
            "name_th": "ผลกระทบ",
            "levels_th": "ต่ำ\nสูง",
            "weight": 3,
        },
    )
    assert response.status_code == 400
    assert "ต่ำ\nสูง" in response.text
    assert not Criterion.objects.exists()


def test_a_judge_by_link_gets_a_link_shown_once(staff, round):
    response = staff.post(
        setup_url(round), {"action": "judge", "name": "ผู้ทรงคุณวุฒิ"}, follow=True
    )
    assert "/judging/join/" in response.text
    judge = Judge.objects.get(round=round)
    assert judge.invite_token_hash and judge.user is None
    again = staff.get(setup_url(round))
    assert "/judging/join/" not in again.text


def test_an_unknown_account_is_refused_with_a_message(staff, round):
    response = staff.post(setup_url(round), {"action": "judge", "username": "nobody"})
    assert response.status_code == 400
    assert "nobody" in response.text
    assert not Judge.objects.exists()


def test_conflicts_name_only_ideas_of_the_event(staff, round, event, other_event):
    judge = services.judge_add_account(
        round=round, actor=None, user=UserFactory(username="judge-a")
    )
    IdeaFactory(event=event, number=3)
    IdeaFactory(event=other_event, number=8)
    refused = staff.post(
        setup_url(round),
        {"action": "conflicts", "judge": judge.pk, "ideas": "3, 8", "teams": ""},
    )
    assert refused.status_code == 400
    assert not judge.conflict_ideas.exists()
    typo = staff.post(
        setup_url(round), {"action": "conflicts", "judge": judge.pk, "ideas": "3, x"}
    )
    assert typo.status_code == 400
    staff.post(
        setup_url(round),
        {"action": "conflicts", "judge": judge.pk, "ideas": "#3", "teams": "ทีม ก"},
    )
    assert list(judge.conflict_ideas.values_list("number", flat=True)) == [3]


def test_another_events_facilitator_is_refused(client, round, facilitator_other_event):
    client.force_login(facilitator_other_event)
    assert client.get(setup_url(round)).status_code == 403
    client.post(setup_url(round), {"action": "judge", "name": "x"})
    assert not Judge.objects.exists()
