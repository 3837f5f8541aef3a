"""The staff screens of a judging round: results, decisions, exports."""

import csv
import io

import pytest
from django.urls import reverse

from ideas.models import Idea
from judging import services
from judging.models import Round
from judging.selectors.results import round_results
from tests.judging.conftest import ideas, judges, judging_round  # noqa: F401
from tests.judging.test_rounds import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(judging_round, judges, ideas, runner):  # noqa: F811
    services.round_open(round=judging_round, actor=runner)
    score_all(judging_round, judges, ideas)
    return judging_round


def results_url(round):
    return reverse("workbench:judging_results", args=[round.event_id, round.pk])


def test_the_rounds_list_and_results_rank_as_the_selector(staff, scored):
    listing = staff.get(reverse("workbench:judging", args=[scored.event_id]))
    assert listing.status_code == 200
    assert results_url(scored) in listing.content.decode()
    response = staff.get(results_url(scored))
    assert response.status_code == 200
    numbers = [row["idea"].number for row in response.context["rows"]]
    expected = [row.key.number for row in round_results(round=scored).rows]
    assert numbers == expected
    assert "<script>x" not in response.content.decode()


def test_another_events_facilitator_and_a_writer_are_refused(
    client, scored, facilitator_other_event, policy_writer
):
    client.force_login(facilitator_other_event)
    assert client.get(results_url(scored)).status_code == 403
    client.force_login(policy_writer)
    assert client.get(reverse("workbench:judging", args=[scored.event_id])).status_code
    response = client.post(results_url(scored), {"action": "close"})
    assert response.status_code == 403
    scored.refresh_from_db()
    assert scored.state == Round.State.OPEN


def test_closing_by_post_freezes_the_round(staff, scored):
    response = staff.post(results_url(scored), {"action": "close"})
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.state == Round.State.CLOSED


def test_select_ready_needs_a_reason_and_keeps_what_was_typed(
    staff,
    scored,
    ideas,  # noqa: F811
    runner,
):
    services.round_close(round=scored, actor=runner)
    idea = ideas[1]
    response = staff.post(
        results_url(scored), {"action": "ready", "idea": idea.pk, "reason": "   "}
    )
    assert response.status_code == 400
    assert list(response.context["messages"])
    idea.refresh_from_db()
    assert idea.status == Idea.Status.ACCEPTED
    response = staff.post(
        results_url(scored),
        {"action": "ready", "idea": idea.pk, "reason": "อันดับ 1 จาก 8"},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SHORTLISTED
    assert idea.decisions.latest("created_at").reason == "อันดับ 1 จาก 8"


def test_the_exports_have_ranks_and_no_judge_or_note(staff, scored):
    url = reverse("workbench:judging_export", args=[scored.event_id, scored.pk, "csv"])
    response = staff.get(url)
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "ผู้ทรงคุณวุฒิ" not in text and "ดีมาก" not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows[0]) == 3 + 3 + 5
    ranks = [row[-1] for row in rows[1:]]
    expected = [str(row.rank) for row in round_results(round=scored).rows]
    assert ranks == expected
    from openpyxl import load_workbook

    response = staff.get(url.replace(".csv", ".xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(rows)
