"""The merge's checks without a write (the confirmation step) and its stale stamp."""

import pytest
from django.core.exceptions import ValidationError

from ideas.selectors.duplicates import pair_stamp
from ideas.services import duplicates as duplicate_services
from tests.factories import IdeaFactory


@pytest.fixture
def runner(facilitator, event):
    event.facilitators.add(facilitator)
    event.save()
    return facilitator


def test_the_check_refuses_what_the_merge_would_and_writes_nothing(event, runner):
    a, b, c = (IdeaFactory(event=event) for _ in range(3))
    duplicate_services.idea_merge(duplicate=b, canonical=a, actor=runner)
    b.refresh_from_db()
    for duplicate, canonical, code in (
        (a, a, "same_idea"),
        (b, c, "already_merged"),
        (c, b, "canonical_is_duplicate"),
    ):
        with pytest.raises(ValidationError) as refused:
            duplicate_services.idea_merge_check(
                duplicate=duplicate, canonical=canonical, actor=runner
            )
        assert refused.value.code == code
    duplicate_services.idea_merge_check(duplicate=c, canonical=a, actor=runner)
    c.refresh_from_db()
    assert c.duplicate_of is None


def test_a_merge_with_a_stale_stamp_changes_nothing(event, runner):
    a, b = IdeaFactory(event=event), IdeaFactory(event=event)
    stamp = pair_stamp(a, b)
    a.title = "แก้ไขแล้ว"
    a.save()
    with pytest.raises(ValidationError) as refused:
        duplicate_services.idea_merge(
            duplicate=b, canonical=a, actor=runner, stamp=stamp
        )
    assert refused.value.code == "stale"
    b.refresh_from_db()
    assert b.duplicate_of is None
    a.refresh_from_db()
    duplicate_services.idea_merge(
        duplicate=b, canonical=a, actor=runner, stamp=pair_stamp(a, b)
    )
    b.refresh_from_db()
    assert b.duplicate_of == a
