"""Issue #4: a facilitator of another event, or a policy writer, cannot change
this event's ideas; a named facilitator and an administrator can."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, ObjectList

from cms.forms_admin import EventPageForm
from cms.models import EventPage
from facilitation.bulk_actions import AcceptBulkAction, ShortlistBulkAction
from facilitation.forms import FacilitatedEventField
from ideas import services
from ideas.models import Idea, IdeaDecision
from tests.conftest import name_facilitator
from tests.factories import IdeaFactory, UserFactory
from workbench import roles

LIST_URL = reverse("wagtailsnippets_ideas_idea:list")
IMPORT_URL = reverse("ideas_import")
EXPORT_URL = reverse("ideas_export")
CSV = "title,problem,solution\nลดสำเนาเอกสาร,ต้องถ่ายสำเนา,ใช้ข้อมูลกลาง\n".encode()


def edit_url(idea):
    return reverse("wagtailsnippets_ideas_idea:edit", args=[idea.pk])


def bulk_url(action, ideas):
    ids = "&".join(f"id={idea.pk}" for idea in ideas)
    return f"{reverse('wagtail_bulk_action', args=['ideas', 'idea', action])}?{ids}"


def messages_of(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path


@pytest.fixture
def idea(event, themes):
    return IdeaFactory(
        event=event,
        title="ไอเดียของงานนี้",
        suggested_theme=themes[1],
        suggestion_confidence=0.9,
    )


@pytest.fixture
def elsewhere(other_event):
    return IdeaFactory(event=other_event, title="Idea of the other event")


def unchanged(idea):
    fresh = Idea.objects.get(pk=idea.pk)
    return (
        fresh.status == Idea.Status.SUBMITTED
        and fresh.theme_id is None
        and not list(fresh.tags.names())
        and not IdeaDecision.objects.filter(idea=fresh).exists()
    )


# Services: the one rule every screen goes through


@pytest.mark.parametrize(
    "write",
    [
        lambda idea, user, themes: services.idea_set_status(
            idea=idea, status="accepted", actor=user
        ),
        lambda idea, user, themes: services.idea_set_theme(
            idea=idea, theme=themes[0], actor=user
        ),
        lambda idea, user, themes: services.idea_add_tags(
            idea=idea, tags=["ด่วน"], actor=user
        ),
        lambda idea, user, themes: services.idea_moderate(
            idea=idea,
            actor=user,
            status="accepted",
            status_reason="",
            theme=themes[0],
            tags=["ด่วน"],
        ),
        lambda idea, user, themes: services.idea_accept_suggestion(
            idea=idea, actor=user
        ),
        lambda idea, user, themes: services.idea_set_shortlisted(
            idea=services.idea_set_status(idea=idea, status="accepted", actor=user),
            actor=user,
        ),
    ],
    ids=["status", "theme", "tags", "moderate", "suggestion", "shortlist"],
)
def test_only_who_facilitates_the_event_may_write(
    write, idea, themes, facilitator_other_event, policy_writer, facilitator
):
    for outsider in (facilitator_other_event, policy_writer):
        with pytest.raises(PermissionDenied):
            write(idea, outsider, themes)
        assert unchanged(idea)
    write(idea, facilitator, themes)
    assert not unchanged(idea)


def test_only_who_facilitates_the_event_may_shortlist_an_accepted_idea(
    idea, facilitator_other_event, policy_writer
):
    Idea.objects.filter(pk=idea.pk).update(status=Idea.Status.ACCEPTED)
    for outsider in (facilitator_other_event, policy_writer):
        with pytest.raises(PermissionDenied):
            services.idea_set_shortlisted(idea=idea, actor=outsider)
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.ACCEPTED


def test_administrators_and_the_system_write_on_every_event(
    idea, themes, administrator, superuser
):
    services.idea_set_theme(idea=idea, theme=themes[0], actor=administrator)
    services.idea_set_status(idea=idea, status="accepted", actor=superuser)
    services.idea_add_tags(idea=idea, tags=["ระบบ"])  # no actor: the shell
    idea.refresh_from_db()
    assert (idea.theme, idea.status, list(idea.tags.names())) == (
        themes[0],
        "accepted",
        ["ระบบ"],
    )


def test_naming_a_facilitator_gives_them_the_event(idea, facilitator_other_event):
    with pytest.raises(PermissionDenied):
        services.idea_set_status(
            idea=idea, status="accepted", actor=facilitator_other_event
        )
    name_facilitator(idea.event, facilitator_other_event)
    services.idea_set_status(
        idea=idea, status="accepted", actor=facilitator_other_event
    )
    assert Idea.objects.get(pk=idea.pk).status == "accepted"


def test_import_refuses_another_events_actor(event, facilitator_other_event):
    with pytest.raises(PermissionDenied):
        services.ideas_import(event=event, rows=[], actor=facilitator_other_event)


# The ideas listing and the edit form


def test_a_facilitator_lists_only_their_events_ideas(
    client, facilitator_other_event, idea, elsewhere, event
):
    client.force_login(facilitator_other_event)
    body = client.get(LIST_URL).content.decode()
    assert "Idea of the other event" in body
    assert "ไอเดียของงานนี้" not in body
    # The event filter offers their events only.
    filters = client.get(LIST_URL).context["filters"]
    assert list(filters.form.fields["event"].queryset) == [elsewhere.event]
    # Selecting "all" in the listing does not reach another event's ideas.
    client.post(
        f"{reverse('wagtail_bulk_action', args=['ideas', 'idea', 'accept'])}?id=all"
    )
    assert Idea.objects.get(pk=elsewhere.pk).status == "accepted"
    assert unchanged(idea)


def test_policy_writers_still_read_every_event(client, policy_writer, idea, elsewhere):
    client.force_login(policy_writer)
    body = client.get(LIST_URL).content.decode()
    assert "Idea of the other event" in body and "ไอเดียของงานนี้" in body
    inspect = reverse("wagtailsnippets_ideas_idea:inspect", args=[idea.pk])
    assert client.get(inspect).status_code == 200


def test_another_events_facilitator_cannot_open_or_post_the_edit_form(
    client, facilitator_other_event, policy_writer, idea, themes
):
    for user in (facilitator_other_event, policy_writer):
        client.force_login(user)
        assert client.get(edit_url(idea)).status_code in (302, 403)
        response = client.post(
            edit_url(idea),
            {
                "status": "accepted",
                "status_reason": "",
                "theme": themes[0].pk,
                "tags": "ด่วน",
            },
        )
        assert response.status_code in (302, 403)
        assert "/login/" not in response.get("Location", "")
        assert unchanged(idea)
    client.force_login(facilitator_other_event)
    inspect = reverse("wagtailsnippets_ideas_idea:inspect", args=[idea.pk])
    history = reverse("wagtailsnippets_ideas_idea:history", args=[idea.pk])
    for url in (inspect, history):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "ไอเดียของงานนี้" not in response.content.decode()


def test_an_administrator_edits_any_events_idea(client, administrator, idea, themes):
    client.force_login(administrator)
    response = client.post(
        edit_url(idea),
        {"status": "accepted", "status_reason": "", "theme": themes[0].pk, "tags": ""},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.theme) == ("accepted", themes[0])


# Bulk actions


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("accept", {}),
        ("reject", {"reason": "นอกประเด็น"}),
        ("shortlist", {}),
        ("accept_suggestion", {}),
        ("add_tags", {"tags": "ด่วน"}),
    ],
)
def test_bulk_actions_leave_another_events_ideas(
    client, facilitator_other_event, policy_writer, idea, action, data
):
    for user in (facilitator_other_event, policy_writer):
        client.force_login(user)
        client.post(bulk_url(action, [idea]), data)
        assert unchanged(idea)


def test_bulk_set_theme_offers_and_applies_nothing_of_another_event(
    client, facilitator_other_event, idea, themes
):
    client.force_login(facilitator_other_event)
    form = client.get(bulk_url("set_theme", [idea])).context["form"]
    assert not form.fields["theme"].queryset.exists()
    client.post(bulk_url("set_theme", [idea]), {"theme": themes[0].pk})
    assert unchanged(idea)


def test_a_mixed_selection_changes_only_the_facilitated_event(
    client, facilitator, idea, elsewhere
):
    client.force_login(facilitator)
    confirm = client.get(bulk_url("accept", [idea, elsewhere])).content.decode()
    assert "Idea of the other event" not in confirm  # counted, not shown
    response = client.post(bulk_url("accept", [idea, elsewhere]))
    assert Idea.objects.get(pk=idea.pk).status == "accepted"
    assert Idea.objects.get(pk=elsewhere.pk).status == "submitted"
    assert AcceptBulkAction.get_success_message(AcceptBulkAction, 1, 1) in messages_of(
        response
    )


def test_an_administrator_uses_bulk_actions_on_any_event(
    client, administrator, idea, elsewhere
):
    client.force_login(administrator)
    client.post(bulk_url("accept", [idea, elsewhere]))
    assert set(
        Idea.objects.filter(pk__in=[idea.pk, elsewhere.pk]).values_list(
            "status", flat=True
        )
    ) == {"accepted"}


# The shortlist: ready to implement


def test_mark_ready_to_implement_and_remove_from_shortlist(client, facilitator, event):
    accepted = IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, title="ศูนย์บริการร่วม"
    )
    fresh = IdeaFactory(event=event)
    rejected = IdeaFactory(
        event=event, status=Idea.Status.REJECTED, status_reason="สแปม"
    )
    client.force_login(facilitator)
    response = client.post(bulk_url("shortlist", [accepted, fresh, rejected]))
    statuses = dict(Idea.objects.values_list("pk", "status"))
    assert statuses[accepted.pk] == "shortlisted"
    # Ready to implement is said in public: only of ideas moderated and accepted.
    assert (statuses[fresh.pk], statuses[rejected.pk]) == ("submitted", "rejected")
    assert ShortlistBulkAction.get_success_message(
        ShortlistBulkAction, 1, 2
    ) in messages_of(response)
    assert IdeaDecision.objects.filter(
        idea=accepted, field="status", new_value="shortlisted", actor=facilitator
    ).exists()

    client.post(bulk_url("unshortlist", [accepted, rejected]))
    statuses = dict(Idea.objects.values_list("pk", "status"))
    assert (statuses[accepted.pk], statuses[fresh.pk], statuses[rejected.pk]) == (
        "accepted",
        "submitted",
        "rejected",
    )
    # The public tracker still shows it: accepted ideas are public.
    body = client.get(event.ideas_url).content.decode()
    assert "ศูนย์บริการร่วม" in body


def test_a_merged_duplicate_is_not_shortlisted(event, facilitator):
    canonical = IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    duplicate = IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, duplicate_of=canonical
    )
    with pytest.raises(ValidationError):
        services.idea_set_shortlisted(idea=duplicate, actor=facilitator)
    assert Idea.objects.get(pk=duplicate.pk).status == "accepted"


# Import and export


def test_import_lists_and_accepts_only_facilitated_events(
    client, facilitator_other_event, event, other_event
):
    client.force_login(facilitator_other_event)
    form = client.get(IMPORT_URL).context["form"]
    assert list(form.fields["event"].queryset) == [other_event]
    response = client.post(
        IMPORT_URL,
        {"event": event.pk, "file": SimpleUploadedFile("ideas.csv", CSV)},
    )
    assert response.status_code == 200
    expected = str(FacilitatedEventField.default_error_messages["invalid_choice"])
    assert expected in response.context["form"].errors["event"]
    assert not Idea.objects.exists()


def test_confirming_an_upload_for_another_event_is_refused(
    client, facilitator, facilitator_other_event, event
):
    # A facilitator of both checks the file, then is taken off this event.
    name_facilitator(event, facilitator_other_event)
    client.force_login(facilitator_other_event)
    preview = client.post(
        IMPORT_URL, {"event": event.pk, "file": SimpleUploadedFile("ideas.csv", CSV)}
    )
    upload_id = preview.context["form"].initial["upload"]
    EventPage.facilitators.through.objects.filter(
        eventpage=event, user=facilitator_other_event
    ).delete()
    client.post(IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"})
    assert not Idea.objects.exists()


def test_export_lists_and_serves_only_facilitated_events(
    client, facilitator_other_event, event, other_event
):
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED, title="ผ่านแล้วของงานนี้")
    client.force_login(facilitator_other_event)
    form = client.get(EXPORT_URL).context["form"]
    assert list(form.fields["event"].queryset) == [other_event]
    response = client.get(EXPORT_URL, {"event": event.pk, "format": "csv"})
    assert "Content-Disposition" not in response
    assert "ผ่านแล้วของงานนี้" not in response.content.decode()


def test_an_administrator_imports_into_any_event(client, administrator, event):
    client.force_login(administrator)
    form = client.get(IMPORT_URL).context["form"]
    assert event in form.fields["event"].queryset


# Naming facilitators on the event's page


def event_form(event, user):
    form_class = (
        ObjectList([FieldPanel("facilitators")], base_form_class=EventPageForm)
        .bind_to_model(EventPage)
        .get_form_class()
    )
    return form_class(instance=event, parent_page=event.get_parent(), for_user=user)


def test_the_facilitators_field_offers_active_facilitators_only(
    event, facilitator, privacy_officer, policy_writer, administrator, superuser
):
    gone = UserFactory(username="gone", groups=[roles.FACILITATOR], is_active=False)
    newcomer = UserFactory(username="newcomer", groups=[roles.FACILITATOR])
    choices = set(event_form(event, superuser).fields["facilitators"].queryset)
    assert choices == {facilitator, privacy_officer, newcomer}
    assert gone not in choices and policy_writer not in choices

    # Someone named before leaving the role stays listed, to be unticked.
    name_facilitator(event, gone)
    choices = set(event_form(event, superuser).fields["facilitators"].queryset)
    assert gone in choices


def test_the_event_edit_page_offers_facilitators_only(
    client, superuser, event, facilitator, policy_writer
):
    client.force_login(superuser)
    body = client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).content
    assert f'value="{facilitator.pk}"'.encode() in body
    assert b"writer" not in body
