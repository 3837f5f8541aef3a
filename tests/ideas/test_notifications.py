"""Authors who asked for mail get one per change of their idea; nobody else does."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from ideas import services
from ideas.models import Contact, Idea
from ideas.services.notifications import stop_token
from tests.factories import SCRIPT


@pytest.fixture
def immediate_tasks(settings):
    immediate = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    settings.TASKS = {"default": immediate, "background": immediate}


def _submission(event, *, email="", notify=False, title="ไอเดียของฉัน", name=""):
    return services.idea_submit(
        event=event,
        title=title,
        problem=f"ปัญหา {SCRIPT}",
        solution="ทางออก",
        contact_name=name,
        contact_email=email,
        consent=bool(email or name),
        notify_by_email=notify,
    )


def _submit(event, **kwargs):
    return _submission(event, **kwargs).idea


def test_an_author_who_asked_gets_one_mail_per_change_and_others_none(
    event, facilitator, immediate_tasks, django_capture_on_commit_callbacks
):
    facilitator.first_name = "สมศรี"
    facilitator.save()
    asked = _submit(event, email="author@example.org", notify=True, name="นายก")
    silent = _submit(event, email="quiet@example.org", title="อีกไอเดีย")
    anonymous = _submit(event, title="ไอเดียนิรนาม")
    with django_capture_on_commit_callbacks(execute=True):
        for idea in (asked, silent, anonymous):
            services.idea_set_status(
                idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator
            )
        services.idea_set_status(
            idea=asked,
            status=Idea.Status.REJECTED,
            actor=facilitator,
            reason="ซ้ำกับโครงการที่มีอยู่แล้ว",
        )
        # A theme is the facilitators' sorting: no mail.
        services.idea_set_theme(idea=asked, theme=None, actor=facilitator)

    assert [message.to for message in mail.outbox] == [["author@example.org"]] * 2
    accepted, rejected = mail.outbox
    assert f"#{asked.number}" in accepted.subject
    assert str(Idea.Status.ACCEPTED.label) in accepted.subject  # in Thai
    assert "ซ้ำกับโครงการที่มีอยู่แล้ว" in rejected.body
    for message in mail.outbox:
        # No staff names, no other author's data, the text as plain text.
        assert "สมศรี" not in message.body and "facilitator" not in message.body
        assert "quiet@example.org" not in message.body
        assert "นายก" not in message.body
        assert "/notifications/stop/" in message.body
        assert "&lt;" not in message.body
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_an_accepted_idea_s_mail_links_its_public_page(
    event, facilitator, immediate_tasks, django_capture_on_commit_callbacks
):
    idea = _submit(event, email="author@example.org", notify=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(
            idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator, reason="ขอบคุณ"
        )
    (message,) = mail.outbox
    assert f"{event.url}ideas/{idea.number}/" in message.body
    assert "ขอบคุณ" in message.body


def test_an_english_idea_gets_its_mail_in_english(
    event, facilitator, immediate_tasks, django_capture_on_commit_callbacks
):
    idea = services.idea_submit(
        event=event,
        title="Open data for every ministry",
        problem="Data is scattered across agencies",
        solution="One open data portal",
        contact_email="author@example.org",
        consent=True,
        notify_by_email=True,
    ).idea
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(
            idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator
        )
    (message,) = mail.outbox
    assert "Accepted" in message.subject
    assert "To get no more" in message.body


def test_a_merge_is_mailed_to_the_merged_idea_s_author(
    event, facilitator, immediate_tasks, django_capture_on_commit_callbacks
):
    kept = _submit(event, title="ไอเดียหลัก")
    merged = _submit(event, email="author@example.org", notify=True, title="ซ้ำ")
    services.idea_set_status(idea=kept, status=Idea.Status.ACCEPTED, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_merge(duplicate=merged, canonical=kept, actor=facilitator)
    (message,) = mail.outbox
    assert f"#{kept.number}" in message.body and "ไอเดียหลัก" in message.body


def test_the_stop_link_works_without_login_and_a_get_changes_nothing(
    client, event, facilitator, immediate_tasks, django_capture_on_commit_callbacks
):
    idea = _submit(event, email="author@example.org", notify=True)
    url = f"/notifications/stop/{stop_token(idea.contact)}/"
    assert client.get(url).status_code == 200
    assert Contact.objects.get(idea=idea).notify_by_email
    response = client.post(url)
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert not Contact.objects.get(idea=idea).notify_by_email
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_set_status(
            idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator
        )
    assert mail.outbox == []


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "ไทย"])
def test_an_altered_stop_link_is_refused_plainly(client, event, token):
    idea = _submit(event, email="author@example.org", notify=True)
    response = client.post(f"/notifications/stop/{token}/")
    assert response.status_code == 400
    assert Contact.objects.get(idea=idea).notify_by_email


def test_a_mail_queued_before_the_author_stopped_is_not_sent(
    event, facilitator, django_capture_on_commit_callbacks
):
    idea = _submit(event, email="author@example.org", notify=True)
    services.idea_set_status(idea=idea, status=Idea.Status.ACCEPTED, actor=facilitator)
    Contact.objects.filter(idea=idea).update(notify_by_email=False)
    decision = idea.decisions.get()
    assert services.author_notify(decision_id=decision.pk) is False
    assert mail.outbox == []


def test_mails_need_an_address(event):
    with pytest.raises(ValidationError) as refused:
        _submission(event, name="นายก", notify=True)
    assert "notify_by_email" in refused.value.message_dict
    assert not Idea.objects.exists()


def test_the_tracking_page_mails_its_link_only_to_the_address_given(client, event):
    submission = _submission(event, email="author@example.org")
    page = client.get(f"/track/{submission.tracking_token}/")
    body = page.content.decode()
    assert "author@example.org" not in body
    assert "email/" in body
    response = client.post(
        f"/track/{submission.tracking_token}/email/",
        {"email": "attacker@example.org"},
    )
    assert response.status_code == 302
    assert "mailed=1" in response["Location"]
    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert f"/track/{submission.tracking_token}/" in message.body


def test_the_tracking_link_mail_is_limited_per_idea(client, event, settings):
    settings.IDEAS_LINK_MAIL_RATE = "2/h"
    submission = _submission(event, email="author@example.org")
    url = f"/track/{submission.tracking_token}/email/"
    answers = [client.post(url)["Location"] for _ in range(3)]
    assert ["mailed=1" in a for a in answers] == [True, True, False]
    assert len(mail.outbox) == 2


def test_no_address_no_mail_form(client, event):
    submission = _submission(event)
    page = client.get(f"/track/{submission.tracking_token}/").content.decode()
    assert "email/" not in page
    assert client.post(f"/track/{submission.tracking_token}/email/").status_code == 404
    assert client.get(f"/track/{submission.tracking_token}/email/").status_code == 405
    assert mail.outbox == []
