"""A framework's status follows its document through Wagtail's approval workflow."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import FrameworkPage
from strategy import services
from strategy.models import Framework
from tests.factories import UserFactory
from tests.strategy.conftest import in_english

Status = Framework.Status


def add_document(section, framework, slug="reform"):
    page = section.add_child(
        instance=FrameworkPage(
            title="เอกสารกรอบยุทธศาสตร์",
            slug=slug,
            framework=framework,
            live=False,
            body=[("heading", "ประเด็นที่ 1")],
        )
    )
    page.save_revision()
    return page


@pytest.fixture
def draft(framework):
    return framework["framework"]


@pytest.fixture
def document(section, draft):
    return add_document(section, draft)


def grant_publishing(group, section):
    """A publish right on the section given outside workbench.roles."""
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in ("change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group,
            page=section,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def status_of(framework):
    framework.refresh_from_db()
    return framework.status


def submit(page, user):
    page.get_workflow().start(page, user)
    page.refresh_from_db()


def act(page, user, action):
    state = page.current_workflow_state.current_task_state
    state.task.specific.on_action(state, user, action)
    page.refresh_from_db()


def test_submitting_puts_the_framework_in_review(document, draft, policy_writer):
    assert status_of(draft) == Status.DRAFT
    submit(document, policy_writer)
    assert status_of(draft) == Status.IN_REVIEW


def test_the_approvers_approval_publishes_document_and_framework(
    document, draft, policy_writer, approver
):
    submit(document, policy_writer)
    act(document, approver, "approve")
    assert document.live
    assert status_of(draft) == Status.PUBLISHED


def test_a_rejection_returns_the_framework_to_draft(
    document, draft, policy_writer, approver
):
    submit(document, policy_writer)
    assert status_of(draft) == Status.IN_REVIEW
    act(document, approver, "reject")
    assert not document.live
    assert status_of(draft) == Status.DRAFT


def test_cancelling_the_review_returns_the_framework_to_draft(
    document, draft, policy_writer
):
    submit(document, policy_writer)
    assert status_of(draft) == Status.IN_REVIEW
    document.current_workflow_state.cancel(user=policy_writer)
    assert status_of(draft) == Status.DRAFT


def test_a_rejection_keeps_it_in_review_while_another_document_is(
    section, document, draft, policy_writer, approver
):
    english = add_document(section, draft, slug="reform-en")
    submit(document, policy_writer)
    submit(english, policy_writer)
    act(document, approver, "reject")
    assert status_of(draft) == Status.IN_REVIEW
    act(english, approver, "reject")
    assert status_of(draft) == Status.DRAFT


def test_an_approval_scheduled_later_approves_now_and_publishes_then(
    document, draft, policy_writer, approver
):
    document.go_live_at = timezone.now() + datetime.timedelta(days=1)
    document.save_revision(user=policy_writer)
    submit(document, policy_writer)
    act(document, approver, "approve")
    assert not document.live
    assert status_of(draft) == Status.APPROVED

    FrameworkPage.objects.filter(pk=document.pk).update(
        go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    document.revisions.update(
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    assert status_of(draft) == Status.PUBLISHED


def test_a_published_framework_stays_published_while_its_document_is_revised(
    document, draft, policy_writer, approver
):
    submit(document, policy_writer)
    act(document, approver, "approve")
    document.save_revision(user=policy_writer)
    submit(document, policy_writer)
    assert status_of(draft) == Status.PUBLISHED
    act(document, approver, "reject")
    assert status_of(draft) == Status.PUBLISHED
    assert document.live


def test_unpublishing_the_last_live_document_steps_back_to_approved(
    section, document, draft, approver
):
    english = add_document(section, draft, slug="reform-en")
    document.get_latest_revision().publish(user=approver)
    english.get_latest_revision().publish(user=approver)
    assert status_of(draft) == Status.PUBLISHED
    document.refresh_from_db()
    english.refresh_from_db()
    document.unpublish(user=approver)
    assert status_of(draft) == Status.PUBLISHED  # the English one is still live
    english.unpublish(user=approver)
    assert status_of(draft) == Status.APPROVED


def test_only_an_approver_may_approve_through_the_document(
    document, draft, policy_writer, approver
):
    with pytest.raises(ValidationError) as refused:
        services.framework_follow_document(
            document=document, change="approved", actor=policy_writer
        )
    assert refused.value.message_dict["status"][0].startswith(
        "Only an approver can approve or publish a framework."
    )
    assert status_of(draft) == Status.DRAFT
    services.framework_follow_document(
        document=document, change="approved", actor=approver
    )
    assert status_of(draft) == Status.APPROVED


def test_an_approval_by_someone_without_the_right_leaves_the_status(
    document, draft, policy_writer, section
):
    # An editor may give the publish right on the section, and a place among
    # the workflow's reviewers, to someone who is no approver: the page moves
    # on (here, approved to go live tomorrow), the framework waits for one.
    reviewers = Group.objects.create(name="Reviewers")
    grant_publishing(reviewers, section)
    reviewer = UserFactory(username="reviewer", groups=["Reviewers"])
    document.get_workflow().tasks.get().specific.groups.add(reviewers)
    document.go_live_at = timezone.now() + datetime.timedelta(days=1)
    document.save_revision(user=policy_writer)
    submit(document, policy_writer)
    act(document, reviewer, "approve")
    assert document.current_workflow_state is None
    assert status_of(draft) == Status.IN_REVIEW


def test_the_admin_submit_and_approve_buttons_move_the_framework(
    client, document, draft, policy_writer, approver
):
    client.force_login(policy_writer)
    data = nested_form_data(
        {
            "title": document.title,
            "slug": document.slug,
            "english_title": "",
            "framework": draft.pk,
            "body": streamfield([("heading", "ประเด็นที่ 1")]),
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            "action-submit": "submit",
        }
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[document.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert status_of(draft) == Status.IN_REVIEW

    document.refresh_from_db()
    state = document.current_workflow_state.current_task_state
    client.force_login(approver)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[document.pk, "approve", state.pk],
        ),
        {"comment": ""},
    )
    assert response.status_code in (200, 302)
    document.refresh_from_db()
    assert document.live
    assert status_of(draft) == Status.PUBLISHED


def test_a_publisher_who_may_not_approve_is_told_and_keeps_the_draft(
    client, section, document, draft
):
    # A publish right on the section given outside the roles.
    grant_publishing(Group.objects.create(name="Publishers"), section)
    publisher = in_english(UserFactory(username="publisher", groups=["Publishers"]))
    client.force_login(publisher)
    data = nested_form_data(
        {
            "title": "ฉบับแก้ไข",
            "slug": document.slug,
            "english_title": "",
            "framework": draft.pk,
            "body": streamfield([("heading", "ประเด็นที่ 1")]),
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            "action-publish": "publish",
        }
    )
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[document.pk]), data, follow=True
    )
    assert "Only an approver can publish a framework document" in (
        response.content.decode()
    )
    document.refresh_from_db()
    assert not document.live
    assert document.get_latest_revision().as_object().title == "ฉบับแก้ไข"
    assert status_of(draft) == Status.DRAFT
