"""Fixtures the staff screens' tests share."""

import pytest


@pytest.fixture
def runner(facilitator, event):
    """The event's facilitator, named on the page as its edit form does."""
    # A page's many-to-many is kept in memory until the page is saved.
    event.facilitators.add(facilitator)
    event.save()
    return facilitator


@pytest.fixture
def staff(client, runner):
    """A client logged in as the event's facilitator."""
    client.force_login(runner)
    return client
