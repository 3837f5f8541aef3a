"""Idea.objects' words: of_event, open and public, each rule written once."""

import pytest
from django.core.management import call_command
from django.utils import translation

from ideas.i18n import in_language, reader_language
from ideas.models import Idea
from tests.factories import IdeaFactory, ThemeFactory


@pytest.fixture
def ideas(event):
    """One idea of ``event`` per status, and two merged into the accepted one."""
    found = {status: IdeaFactory(event=event, status=status) for status in Idea.Status}
    canonical = found[Idea.Status.ACCEPTED]
    found["merged"] = IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, duplicate_of=canonical
    )
    found["merged_waiting"] = IdeaFactory(
        event=event, status=Idea.Status.SUBMITTED, duplicate_of=canonical
    )
    return found


def test_of_event_takes_the_event_or_its_id(event, other_event):
    mine = IdeaFactory(event=event)
    IdeaFactory(event=other_event)
    assert list(Idea.objects.of_event(event)) == [mine]
    assert list(Idea.objects.of_event(event.pk)) == [mine]


def test_open_ideas_are_neither_rejected_nor_merged(event, ideas, other_event):
    IdeaFactory(event=other_event)
    assert set(Idea.objects.of_event(event).open()) == {
        ideas[Idea.Status.SUBMITTED],
        ideas[Idea.Status.ACCEPTED],
        ideas[Idea.Status.SHORTLISTED],
        ideas[Idea.Status.IMPLEMENTED],
    }


def test_public_ideas_are_the_accepted_ones_merged_duplicates_included(
    event, ideas, other_event
):
    IdeaFactory(event=other_event, status=Idea.Status.ACCEPTED)
    public = set(Idea.objects.of_event(event).public())
    assert public == {
        ideas[Idea.Status.ACCEPTED],
        ideas[Idea.Status.SHORTLISTED],
        ideas[Idea.Status.IMPLEMENTED],
        ideas["merged"],
    }
    # The same rule for one idea as for a query.
    assert {idea for idea in Idea.objects.of_event(event) if idea.is_public} == public
    assert len(Idea.objects.public()) == len(public) + 1


def test_the_words_chain_in_any_order_and_keep_the_ideas_order(event, ideas):
    chained = list(Idea.objects.of_event(event).public().open())
    assert chained == list(Idea.objects.open().public().of_event(event))
    assert chained == list(
        Idea.objects.filter(pk__in=[idea.pk for idea in chained])
    )  # newest first, as Idea.Meta.ordering says
    assert [idea.pk for idea in chained] == sorted(
        (idea.pk for idea in chained), reverse=True
    )
    # Related managers speak them too.
    assert set(event.ideas.open()) == set(Idea.objects.of_event(event).open())


def test_the_manager_needs_no_migration():
    # A manager joins migrations only with use_in_migrations; a change there
    # would make every deployment migrate for nothing.
    call_command("makemigrations", "ideas", check=True, dry_run=True, verbosity=0)


def test_the_reader_reads_english_only_in_english():
    assert reader_language("en") == "en"
    assert reader_language("en-gb") == "en"
    assert reader_language("th") == "th"
    with translation.override("en"):
        assert reader_language() == "en"
        assert in_language("ไทย", "English") == "English"
        assert in_language("ไทย", "") == "ไทย"
    with translation.override(None):
        assert reader_language() == "th"
    assert in_language("ไทย", "English") == "ไทย"
    assert in_language("", "English") == "English"
    assert in_language("ไทย", "English", language="en") == "English"


def test_a_theme_is_named_in_the_readers_language(event):
    theme = ThemeFactory(event=event, name_th="บริการ", name_en="Services")
    untranslated = ThemeFactory(event=event, name_th="ดิจิทัล", name_en="")
    assert (theme.name, untranslated.name) == ("บริการ", "ดิจิทัล")
    with translation.override("en"):
        assert (theme.name, untranslated.name) == ("Services", "ดิจิทัล")
