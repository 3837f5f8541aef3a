"""The admin home shows each role what waits for it."""

import pytest
from django.urls import reverse

from ideas.models import Idea
from strategy.models import Framework
from tests.factories import (
    FrameworkFactory,
    GoalFactory,
    IdeaFactory,
    MeasureFactory,
    StrategicIssueFactory,
    UserFactory,
)
from workbench import roles

HOME = reverse("wagtailadmin_home")


@pytest.fixture
def framework(db):
    framework = FrameworkFactory(status=Framework.Status.IN_REVIEW)
    goal = GoalFactory(issue=StrategicIssueFactory(framework=framework))
    MeasureFactory(goal=goal)
    return framework


def test_a_facilitator_sees_their_events_queues(
    client, event, other_event, facilitator
):
    IdeaFactory(event=event)
    IdeaFactory(event=event)
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    IdeaFactory(event=other_event)
    client.force_login(facilitator)
    body = client.get(HOME).content.decode()
    panel = body[body.index('id="facilitator-queues-heading"') :]
    assert reverse("workbench:triage", args=[event.pk]) in panel
    assert reverse("workbench:triage", args=[other_event.pk]) not in panel
    assert "<script>alert" not in body
    # 2 submitted ideas wait; all 3 lack a theme.
    assert ">3</a>" in panel


def test_a_policy_writer_sees_frameworks_and_uncited_measures(client, framework):
    client.force_login(UserFactory(groups=[roles.POLICY_WRITER]))
    body = client.get(HOME).content.decode()
    assert 'id="frameworks-in-progress-heading"' in body
    assert reverse("wagtailsnippets_strategy_framework:edit", args=[framework.pk]) in (
        body
    )
    assert 'id="facilitator-queues-heading"' not in body
    assert 'id="frameworks-to-approve-heading"' not in body


def test_an_approver_sees_what_waits_for_their_decision(client, framework):
    draft = FrameworkFactory(status=Framework.Status.DRAFT)
    client.force_login(UserFactory(groups=[roles.APPROVER]))
    body = client.get(HOME).content.decode()
    panel = body[body.index('id="frameworks-to-approve-heading"') :]
    edit = "wagtailsnippets_strategy_framework:edit"
    assert reverse(edit, args=[framework.pk]) in panel
    assert reverse(edit, args=[draft.pk]) not in panel
