import unicodedata
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ideas import selectors, services
from ideas.models import Contact, Idea, IdeaDecision
from tests.factories import SCRIPT, EventPageFactory, IdeaFactory, ThemeFactory


def submit(event, **overrides):
    fields = {
        "event": event,
        "title": "ระบบข้อมูลกลางภาครัฐ",
        "problem": "ประชาชนต้องยื่นเอกสารซ้ำทุกหน่วยงาน",
        "solution": "เชื่อมข้อมูลระหว่างหน่วยงานผ่านระบบกลาง",
    }
    return services.idea_submit(**{**fields, **overrides})


def test_submit_stores_normalised_text_as_typed(event):
    decomposed_title = unicodedata.normalize("NFD", "Café ภาค\u200bรัฐ <b>ดี</b>")
    submission = submit(event, title=decomposed_title, problem=f"  {SCRIPT}  ")
    idea = Idea.objects.get(pk=submission.idea.pk)
    assert idea.title == "Café ภาครัฐ <b>ดี</b>"
    assert idea.problem == SCRIPT
    assert submission.created


def test_submit_detects_language(event):
    assert submit(event).idea.language == "th"
    english = submit(
        event,
        title="One-stop portal",
        problem="People visit many offices",
        solution="Join the services up online",
    )
    assert english.idea.language == "en"


def test_submit_numbers_ideas_per_event(event, event_index):
    other = EventPageFactory(parent=event_index)
    assert [submit(event, title=f"ไอเดีย {n}").idea.number for n in range(3)] == [
        1,
        2,
        3,
    ]
    assert submit(other).idea.number == 1


def test_tracking_token_is_stored_only_as_a_hash(event):
    submission = submit(event)
    idea = Idea.objects.get(pk=submission.idea.pk)
    assert len(submission.tracking_token) >= 32
    assert submission.tracking_token not in idea.tracking_token_hash
    assert selectors.idea_get_by_tracking_token(token=submission.tracking_token) == idea


def test_contact_is_kept_apart_and_only_with_consent(event, settings):
    submission = submit(
        event,
        contact_name="สมชาย ใจดี",
        contact_email="somchai@example.org",
        contact_phone="080 000 0101",
        consent=True,
    )
    contact = Contact.objects.get(idea=submission.idea)
    assert contact.email == "somchai@example.org"
    assert contact.consent_text_version == settings.IDEAS_CONSENT_TEXT_VERSION
    assert contact.consent_at is not None
    assert "somchai" not in str(
        Idea.objects.filter(pk=submission.idea.pk).values().get()
    )


def test_contact_without_consent_is_refused_and_nothing_stored(event):
    with pytest.raises(ValidationError) as error:
        submit(event, contact_email="somchai@example.org", consent=False)
    assert "consent" in error.value.message_dict
    assert not Idea.objects.exists()
    assert not Contact.objects.exists()


def test_consent_without_contact_stores_no_contact(event):
    submission = submit(event, consent=True)
    assert not Contact.objects.filter(idea=submission.idea).exists()


def test_closed_event_refuses_ideas(event):
    event.submissions_open = False
    event.save()
    with pytest.raises(ValidationError) as error:
        submit(event)
    assert error.value.code == "closed"
    assert not Idea.objects.exists()


def test_event_closes_at_its_closing_time(event):
    event.submissions_close_at = timezone.now() - timedelta(minutes=1)
    event.save()
    with pytest.raises(ValidationError):
        submit(event)


def test_theme_of_another_event_is_refused(event, event_index):
    foreign = ThemeFactory(event=EventPageFactory(parent=event_index))
    with pytest.raises(ValidationError) as error:
        submit(event, theme=foreign)
    assert "theme" in error.value.message_dict


def test_participant_theme_is_recorded_as_theirs(event, themes):
    idea = submit(event, theme=themes[0]).idea
    assert idea.theme == themes[0]
    assert idea.theme_source == Idea.ThemeSource.PARTICIPANT
    assert submit(event, title="อีกเรื่อง").idea.theme_source == Idea.ThemeSource.NONE


def test_double_submit_from_one_browser_stores_one_idea(event):
    first = submit(event, submitter_key="browser-a")
    again = submit(event, submitter_key="browser-a")
    assert not again.created
    assert again.idea == first.idea
    assert again.tracking_token is None
    assert Idea.objects.count() == 1


def test_same_content_from_another_browser_or_later_is_a_new_idea(event, settings):
    submit(event, submitter_key="browser-a")
    assert submit(event, submitter_key="browser-b").created
    Idea.objects.update(created_at=timezone.now() - timedelta(seconds=61))
    assert submit(event, submitter_key="browser-a").created
    assert Idea.objects.count() == 3


def test_status_change_is_logged_with_actor_and_values(event, facilitator):
    idea = IdeaFactory(event=event)
    services.idea_set_status(idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator)
    decision = IdeaDecision.objects.get(idea=idea)
    assert (decision.actor, decision.field, decision.old_value, decision.new_value) == (
        facilitator,
        "status",
        "submitted",
        "accepted",
    )
    # Setting the same status again is not a decision.
    services.idea_set_status(idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator)
    assert IdeaDecision.objects.filter(idea=idea).count() == 1


def test_rejection_needs_a_reason(event, facilitator):
    idea = IdeaFactory(event=event)
    with pytest.raises(ValidationError):
        services.idea_set_status(
            idea=idea, status=Idea.Status.REJECTED, actor=facilitator, reason="  "
        )
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.SUBMITTED
    services.idea_set_status(
        idea=idea, status=Idea.Status.REJECTED, actor=facilitator, reason="นอกหัวข้อ"
    )
    idea.refresh_from_db()
    assert (idea.status, idea.status_reason) == ("rejected", "นอกหัวข้อ")
    assert IdeaDecision.objects.get(idea=idea).reason == "นอกหัวข้อ"


def test_theme_change_is_logged_and_marked_as_a_facilitators(
    event, themes, facilitator
):
    idea = IdeaFactory(event=event, theme=themes[0], theme_source="participant")
    services.idea_set_theme(idea=idea, theme=themes[1], actor=facilitator)
    idea.refresh_from_db()
    assert idea.theme == themes[1]
    assert idea.theme_source == Idea.ThemeSource.FACILITATOR
    decision = IdeaDecision.objects.get(idea=idea)
    assert (decision.old_value, decision.new_value) == ("services", "digital")
    history = selectors.idea_history(idea=idea, with_actors=True)
    assert history[0].old_label == "บริการภาครัฐ"
    assert history[0].new_label == "รัฐบาลดิจิทัล"
    assert history[0].actor_name


def test_theme_of_another_event_cannot_be_set(event, event_index, facilitator):
    idea = IdeaFactory(event=event)
    foreign = ThemeFactory(event=EventPageFactory(parent=event_index))
    with pytest.raises(ValidationError):
        services.idea_set_theme(idea=idea, theme=foreign, actor=facilitator)
    assert not IdeaDecision.objects.exists()


def test_tags_are_cleaned_and_added(event):
    idea = IdeaFactory(event=event)
    services.idea_add_tags(idea=idea, tags=[" ข้อมูลเปิด ", "", "Open Data", "open data"])
    assert sorted(idea.tags.names()) == ["Open Data", "ข้อมูลเปิด"]
