"""The judges' screens: a link used once, scores on the sheet, the panel after."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from judging import services
from judging.models import Assignment, Score


@pytest.fixture
def opened(judging_round, judges, facilitator):
    services.round_open(round=judging_round, actor=facilitator)
    return judging_round


@pytest.fixture
def by_link(client, opened, judges):
    """A client that used the invitation link of the fifth judge."""
    url = reverse("judging:join", args=[judges[4].token])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    return client


def sheet_url(round, idea):
    return reverse("judging:sheet", args=[round.pk, idea.pk])


def test_a_link_opens_the_judges_list_once(by_link, opened, judges, ideas):
    page = by_link.get(reverse("judging:worklist", args=[opened.pk]))
    assert page.status_code == 200
    assert f"#{ideas[0].number}" in page.text
    assert "<script>" not in page.text.split("<main")[1]
    second = Client().post(reverse("judging:join", args=[judges[4].token]))
    assert second.status_code == 410
    used = "This judging link was already used. Ask the facilitator for a new one."
    assert gettext(used) in second.text


def test_a_previewed_link_is_not_spent(client, opened, judges):
    client.get(reverse("judging:join", args=[judges[4].token]))
    judges[4].refresh_from_db()
    assert judges[4].invite_used_at is None


def test_a_stranger_reads_no_list(client, opened):
    assert client.get(reverse("judging:worklist", args=[opened.pk])).status_code == 403


def test_scores_from_the_sheet_and_the_panel_after_submitting(
    by_link, client, opened, judges, ideas
):
    criteria = list(opened.criteria.all())
    services.scores_save(
        judge=judges[0],
        idea=ideas[0],
        values={c.pk: 2 for c in criteria},
        submit=True,
    )
    panel = reverse("judging:panel", args=[opened.pk, ideas[0].pk])
    assert by_link.get(panel).status_code == 403
    form = {f"criterion-{c.pk}": "4" for c in criteria}
    response = by_link.post(sheet_url(opened, ideas[0]), {**form, "submit": ""})
    assert response.status_code == 302
    assert set(
        Score.objects.filter(assignment__judge=judges[4]).values_list(
            "value", flat=True
        )
    ) == {4}
    answer = by_link.get(panel)
    assert answer.status_code == 200
    assert "<td>2</td>" in answer.text


def test_a_score_off_the_scale_is_refused_and_what_was_typed_kept(
    by_link, opened, ideas
):
    impact, feasibility, cost = opened.criteria.all()
    response = by_link.post(
        sheet_url(opened, ideas[0]),
        {
            f"criterion-{impact.pk}": "4",
            f"criterion-{feasibility.pk}": "9",
            f"criterion-{cost.pk}": "3",
            "note": "โน้ตที่พิมพ์ไว้",
            "submit": "",
        },
    )
    assert response.status_code == 400
    assert "โน้ตที่พิมพ์ไว้" in response.text
    assert 'value="4" checked' in response.text
    assert not Score.objects.exists()


def test_an_idea_not_assigned_is_refused_with_a_message(client, opened, judges, ideas):
    conflicted = judges[3]
    client.force_login(conflicted.user)
    response = client.post(
        sheet_url(opened, ideas[7]),
        {f"criterion-{c.pk}": "3" for c in opened.criteria.all()},
    )
    assert response.status_code == 403
    assert gettext("This idea is not assigned to you.") in response.text
    assert not Score.objects.exists()


def test_a_judge_declares_a_conflict_from_the_sheet(client, opened, judges, ideas):
    client.force_login(judges[0].user)
    url = reverse("judging:conflict", args=[opened.pk, ideas[1].pk])
    assert client.post(url).status_code == 302
    assert not Assignment.objects.filter(judge=judges[0], idea=ideas[1]).exists()
