"""The duplicates review screen in the Wagtail admin."""

import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Contact, DuplicateDismissal, Idea
from ideas.selectors.duplicates import duplicate_candidates
from ml.encoders import get_encoder
from tests.factories import SCRIPT, EventPageFactory, IdeaFactory, UserFactory
from workbench import roles

pytestmark = pytest.mark.usefixtures("lexical_model")

TEXT = "ลดสำเนาเอกสารราชการ ให้หน่วยงานดึงข้อมูลจากระบบกลางแทนการขอสำเนา"


@pytest.fixture
def pair(event):
    ideas = [
        services.idea_submit(
            event=event,
            title=f"ลดสำเนาเอกสาร {SCRIPT}{suffix}",
            problem=TEXT,
            solution=TEXT,
            contact_name="สมชาย ใจดี",
            contact_email=f"somchai{suffix}@example.org",
            consent=True,
        ).idea
        for suffix in ("", "!")
    ]
    services.ideas_embed(ideas=ideas, encoder=get_encoder("lexical"))
    return ideas


def url(name, event, **kwargs):
    return reverse(f"duplicates:{name}", kwargs={"event_id": event.pk, **kwargs})


def test_the_queue_shows_pairs_side_by_side_without_personal_data(staff, event, pair):
    response = staff.get(url("queue", event))
    body = response.content.decode()
    assert response.status_code == 200
    for idea in pair:
        assert f"#{idea.number} ลดสำเนาเอกสาร" in body
        assert f'name="first" value="{idea.pk}"' in body
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "สมชาย" not in body and "example.org" not in body
    ((_a, _b, similarity),) = duplicate_candidates(event=event).pairs
    assert f"{round(similarity * 100)}%" in body


def test_merge_undo_and_the_merged_list(staff, event, pair):
    left, right = pair
    response = staff.post(
        url("merge", event), {"first": right.pk, "second": left.pk}, follow=True
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == url("queue", event)
    right.refresh_from_db()
    assert right.duplicate_of == left
    assert Contact.objects.filter(idea__in=pair).count() == 2
    # Recent decisions offer to undo, and the merge is listed.
    assert body.count(reverse("duplicates:unmerge", args=[event.pk])) == 2
    assert f"<td>#{right.number} ลดสำเนาเอกสาร" in body

    staff.post(url("unmerge", event), {"first": right.pk})
    right.refresh_from_db()
    assert right.duplicate_of is None
    body = staff.get(url("queue", event)).content.decode()
    assert f'name="first" value="{right.pk}"' in body  # back in the queue


def test_the_undo_stays_at_the_top_after_leaving_the_page(staff, event, pair):
    staff.post(url("merge", event), {"first": pair[1].pk, "second": pair[0].pk})
    unmerge = reverse("duplicates:unmerge", args=[event.pk])
    for _visit in range(2):
        body = staff.get(url("queue", event)).content.decode()
        assert body.count(unmerge) == 2
        # The first undo is the recent decisions' one, above the pairs.
        assert body.index(unmerge) < body.index(f"<td>#{pair[1].number} ลดสำเนา")


def test_not_duplicates_and_its_undo(staff, event, pair):
    staff.post(url("dismiss", event), {"first": pair[0].pk, "second": pair[1].pk})
    assert DuplicateDismissal.objects.count() == 1
    body = staff.get(url("queue", event)).content.decode()
    assert reverse("duplicates:undismiss", args=[event.pk]) in body
    assert reverse("duplicates:merge", args=[event.pk]) not in body

    staff.post(url("undismiss", event), {"first": pair[0].pk, "second": pair[1].pk})
    assert not DuplicateDismissal.objects.exists()
    assert reverse("duplicates:merge", args=[event.pk]) in (
        staff.get(url("queue", event)).content.decode()
    )


def test_a_refused_merge_is_a_message_not_a_crash(staff, event, pair):
    left, right = pair
    staff.post(url("merge", event), {"first": right.pk, "second": left.pk})
    response = staff.post(
        url("merge", event), {"first": left.pk, "second": right.pk}, follow=True
    )
    assert response.status_code == 200
    assert '<li class="error">' in response.content.decode()
    left.refresh_from_db()
    assert left.duplicate_of is None


def test_an_idea_of_another_event_is_refused(staff, event, event_index, pair):
    other = EventPageFactory(parent=event_index)
    stranger = services.idea_submit(
        event=other, title="งานอื่น", problem=TEXT, solution=TEXT
    ).idea
    response = staff.post(
        url("merge", event), {"first": stranger.pk, "second": pair[0].pk}
    )
    assert response.status_code == 302
    stranger.refresh_from_db()
    assert stranger.duplicate_of is None


def test_the_queue_says_how_many_ideas_wait_for_a_vector(staff, event, pair):
    assert "help-warning" not in staff.get(url("queue", event)).content.decode()
    services.idea_submit(event=event, title="ใหม่", problem=TEXT, solution=TEXT)
    body = staff.get(url("queue", event)).content.decode()
    assert "help-warning" in body
    assert not Idea.objects.get(title="ใหม่").embeddings.exists()


def test_get_never_changes_anything(staff, event, pair):
    for name in ("unmerge", "dismiss", "undismiss"):
        assert staff.get(url(name, event)).status_code == 405
    # A GET of the merge is its confirmation page.
    confirm = staff.get(
        url("merge", event), {"first": pair[1].pk, "second": pair[0].pk}
    )
    assert confirm.status_code == 200
    assert not Idea.objects.filter(duplicate_of__isnull=False).exists()


@pytest.mark.parametrize("who", ["outsider", "policy_writer", "anonymous"])
def test_only_the_events_facilitators_change_the_queue(
    client, event, pair, who, request
):
    if who == "outsider":
        client.force_login(UserFactory(groups=[roles.FACILITATOR]))
    elif who == "policy_writer":
        client.force_login(request.getfixturevalue("policy_writer"))
    response = client.get(url("queue", event))
    body = response.content.decode()
    if who == "anonymous":
        assert response.status_code == 302
        assert pair[0].title not in body
    elif who == "outsider":
        # A facilitator of another event reads nothing of this one.
        assert response.status_code == 403
        assert pair[0].title not in body
    else:
        # Readers of the workbench read the queue, without its buttons.
        assert response.status_code == 200
        assert f"#{pair[0].number} ลดสำเนาเอกสาร" in body
        # Thai is the admin's default language.
        assert "มีเพียงผู้ดำเนินกิจกรรมเท่านั้นที่รวมไอเดีย" in body
        assert url("merge", event) not in body and url("dismiss", event) not in body
        assert "สมชาย" not in body and "example.org" not in body
    client.post(url("merge", event), {"first": pair[1].pk, "second": pair[0].pk})
    client.post(url("dismiss", event), {"first": pair[1].pk, "second": pair[0].pk})
    assert not Idea.objects.filter(duplicate_of__isnull=False).exists()
    assert not DuplicateDismissal.objects.exists()


def test_a_reader_sees_merges_without_undo(client, event, pair, policy_writer, runner):
    from ideas.services import duplicates as duplicate_services

    duplicate_services.idea_merge(duplicate=pair[1], canonical=pair[0], actor=runner)
    client.force_login(policy_writer)
    body = client.get(url("queue", event)).content.decode()
    assert f"#{pair[1].number}" in body and f"#{pair[0].number}" in body
    assert url("unmerge", event) not in body
    index = client.get(reverse("duplicates:index")).content.decode()
    assert url("queue", event) in index


def test_the_index_lists_only_the_events_one_facilitates(staff, event, event_index):
    other = EventPageFactory(parent=event_index)
    body = staff.get(reverse("duplicates:index")).content.decode()
    assert url("queue", event) in body
    assert url("queue", other) not in body


def test_ideas_without_a_vector_are_embedded_by_the_worker_not_the_page(
    staff, event, monkeypatch
):
    from ideas.models import IdeaEmbedding

    for n in range(3):
        IdeaFactory(event=event, title=f"ยังไม่ประมวลผล {n}")
    asked = []
    monkeypatch.setattr(
        "ideas.services.ideas_embed_request",
        lambda *, event_id: asked.append(event_id),
    )
    body = staff.get(url("queue", event)).content.decode()
    assert IdeaEmbedding.objects.count() == 0  # nothing embedded in the request
    assert asked == [event.pk]
    assert "3" in body
