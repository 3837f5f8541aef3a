"""The one access rule, asked directly (the URL matrix asks it through every screen)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from ideas import access
from ideas.models import Contact, Idea
from tests.conftest import name_facilitator
from tests.factories import EventPageFactory, IdeaFactory, UserFactory
from workbench import roles


@pytest.fixture
def events(event, other_event):
    return {"A": event, "B": other_event}


@pytest.fixture
def people(events):
    people = {
        "anonymous": AnonymousUser(),
        "fac_a": UserFactory(groups=[roles.FACILITATOR]),
        "contact_a": UserFactory(groups=[roles.FACILITATOR, roles.CONTACT_ACCESS]),
        "contact_only": UserFactory(groups=[roles.CONTACT_ACCESS]),
        "writer": UserFactory(groups=[roles.POLICY_WRITER]),
        "admin": UserFactory(groups=[roles.ADMINISTRATOR]),
        "inactive": UserFactory(groups=[roles.FACILITATOR], is_active=False),
    }
    for name in ("fac_a", "contact_a", "inactive"):
        name_facilitator(events["A"], people[name])
    return people


@pytest.fixture
def ideas(events):
    made = {}
    for x, event in events.items():
        made[x] = IdeaFactory(event=event, status=Idea.Status.SUBMITTED)
        Contact.objects.create(
            idea=made[x],
            name=f"Contact {x}",
            consent_at=datetime(2022, 6, 11, tzinfo=UTC),
            consent_text_version="1",
        )
    return made


# (who, may facilitate A, may read A's ideas, may read B's, sees A's contacts)
RULE = [
    ("anonymous", False, False, False, False),
    ("fac_a", True, True, False, False),
    ("contact_a", True, True, False, True),
    ("contact_only", False, False, False, False),
    ("writer", False, True, True, False),
    ("admin", True, True, True, True),
    ("inactive", False, False, False, False),
]


@pytest.mark.parametrize(("who", "facilitates", "reads_a", "reads_b", "contacts"), RULE)
def test_the_rule(people, events, ideas, who, facilitates, reads_a, reads_b, contacts):
    user = people[who]
    assert access.can_facilitate(user, events["A"]) is facilitates
    assert access.can_change_idea(user, ideas["A"]) is facilitates
    assert access.can_read_idea(user, ideas["A"]) is reads_a
    assert access.can_read_idea(user, ideas["B"]) is reads_b
    assert access.can_see_contacts(user, events["A"]) is contacts
    readable = set(access.ideas_readable(user, Idea.objects.all()))
    assert readable == {
        idea for x, idea in ideas.items() if (reads_a, reads_b)["AB".index(x)]
    }
    names = set(
        access.contacts_readable(user, Contact.objects.all()).values_list(
            "name", flat=True
        )
    )
    assert ("Contact A" in names) is contacts
    assert ("Contact B" in names) is (who == "admin")


def test_naming_a_facilitator_counts_at_once_for_a_service(people, events):
    user = people["fac_a"]
    assert not access.can_facilitate(user, events["B"])
    name_facilitator(events["B"], user)
    assert access.can_facilitate(user, events["B"])


def test_refusals_say_why(people, events):
    with pytest.raises(PermissionDenied, match="กิจกรรมที่คุณดำเนินอยู่"):
        access.require_facilitator(actor=people["writer"], event=events["A"])
    # The system (a shell command, the worker) is not refused.
    access.require_facilitator(actor=None, event=events["A"])


def test_log_entries_of_another_events_ideas_are_not_read(people, ideas, event_index):
    for idea in ideas.values():
        log(instance=idea, action="wagtail.edit", user=None)
    log(instance=EventPageFactory(parent=event_index), action="wagtail.edit")
    every = ModelLogEntry.objects.all()
    seen = access.log_entries_readable(people["fac_a"], every)
    labels = set(seen.values_list("label", flat=True))
    assert str(ideas["A"]) in labels
    assert str(ideas["B"]) not in labels
    assert access.log_entries_readable(people["admin"], every).count() == (
        every.count()
    )
