"""What the public reads of a round: scores per criterion once published, no names."""

import hashlib

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from cms.idea_page import idea_page_url
from judging import services
from judging.selectors.results import idea_outcome
from tests.judging.test_rounds import score_all


@pytest.fixture
def closed(judging_round, judges, ideas, facilitator):
    services.round_open(round=judging_round, actor=facilitator)
    score_all(judging_round, judges, ideas)
    return services.round_close(round=judging_round, actor=facilitator)


def test_nothing_is_public_until_the_results_are_published(closed, ideas, facilitator):
    assert idea_outcome(idea=ideas[1]) is None
    services.round_publish_results(round=closed, actor=facilitator)
    outcome = idea_outcome(idea=ideas[1])
    assert (outcome["rank"], outcome["of"], outcome["n_judges"]) == (1, 8, 5)
    assert outcome["aggregate"] == pytest.approx(5.0)
    assert outcome["notes"] == []


def test_the_public_idea_page_shows_scores_without_judges_or_notes(
    client, closed, ideas, facilitator, event
):
    services.round_publish_results(round=closed, actor=facilitator)
    page = client.get(idea_page_url(event, ideas[0].number))
    assert page.status_code == 200
    assert gettext("The judging panel's scores") in page.text
    assert "3.80" in page.text  # the impact criterion's mean for idea #1
    assert "ผู้ทรงคุณวุฒิ" not in page.text
    assert "ดีมาก" not in page.text
    assert "<script>x</script>" not in page.text


def test_the_tracking_page_shows_the_outcome(client, closed, ideas, facilitator):
    services.round_publish_results(round=closed, actor=facilitator)
    idea = ideas[0]
    idea.tracking_token_hash = hashlib.sha256(b"tok-1").hexdigest()
    idea.save(update_fields=["tracking_token_hash"])
    page = client.get(reverse("idea_track", args=["tok-1"]))
    assert page.status_code == 200
    assert gettext("The judging panel's scores") in page.text
