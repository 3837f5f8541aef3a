"""The duplicates queue as a facilitator uses it: full ideas, one action per
direction, a confirmation, recent decisions with undo, and refusals."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from facilitation.snippets.merge_panel import MergePanel
from ideas import services
from ideas.models import DuplicateDismissal, Idea
from ideas.selectors.duplicates import duplicate_candidates, pair_stamp
from ideas.services import duplicates as duplicate_services
from ml.encoders import get_encoder
from tests.factories import SCRIPT, EventPageFactory

pytestmark = pytest.mark.usefixtures("lexical_model")

TEXT = "ลดสำเนาเอกสารราชการ ให้หน่วยงานดึงข้อมูลจากระบบกลางแทนการขอสำเนา"
SOLUTION = "ตรวจสอบข้อมูลจากบัตรประชาชนผ่านระบบกลาง"
BENEFIT = "ประชาชนไม่ต้องถ่ายเอกสาร"


def submit(event, suffix=""):
    return services.idea_submit(
        event=event,
        title=f"ลดสำเนาเอกสาร {SCRIPT}{suffix}",
        problem=TEXT,
        solution=f"{SOLUTION} {suffix}",
        benefit=BENEFIT,
    ).idea


@pytest.fixture
def pair(event):
    ideas = [submit(event), submit(event, "!")]
    services.ideas_embed(ideas=ideas, encoder=get_encoder("lexical"))
    return ideas


def url(name, event):
    return reverse(f"duplicates:{name}", kwargs={"event_id": event.pk})


def merged_count():
    return Idea.objects.filter(duplicate_of__isnull=False).count()


def errors(response) -> str:
    body = response.content.decode()
    assert '<li class="error">' in body, "the user is told why"
    return body


def test_each_pair_shows_both_ideas_in_full_with_one_action_per_direction(
    staff, event, pair
):
    left, right = pair
    body = staff.get(url("queue", event)).content.decode()
    assert body.count(SOLUTION) == 2 and body.count(BENEFIT) == 2
    assert SCRIPT not in body
    assert "css/duplicates.css" in body
    merge = url("merge", event)
    forms = [part.split("</form>")[0] for part in body.split("<form")[1:]]
    directions = [form for form in forms if f'action="{merge}"' in form]
    # Each direction's button names the idea that repeats and the one kept.
    for form, (duplicate, kept) in zip(
        directions, ((right, left), (left, right)), strict=True
    ):
        assert f'name="first" value="{duplicate.pk}"' in form
        assert f'name="second" value="{kept.pk}"' in form
        button = form.split("<button")[1]
        assert button.count(f"#{kept.number}") == 2
        assert button.index(f"#{duplicate.number}") < button.index(f"#{kept.number}")
    # The merge buttons only lead to a confirmation (GET), never merge.
    assert body.count(f'method="get" action="{merge}"') == 2
    assert f'method="post" action="{merge}"' not in body


def test_a_merge_asks_for_confirmation_and_cancel_changes_nothing(staff, event, pair):
    left, right = pair
    stamp = pair_stamp(left, right)
    response = staff.get(
        url("merge", event),
        {"first": right.pk, "second": left.pk, "stamp": stamp},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert merged_count() == 0
    # Both ideas are named and shown in full, the merge is one POST away.
    assert body.count(SOLUTION) == 2
    assert f'method="post" action="{url("merge", event)}"' in body
    assert f'name="stamp" value="{stamp}"' in body
    assert f'href="{url("queue", event)}"' in body  # cancel
    staff.get(url("queue", event))
    assert merged_count() == 0

    response = staff.post(
        url("merge", event),
        {"first": right.pk, "second": left.pk, "stamp": stamp},
        follow=True,
    )
    right.refresh_from_db()
    assert right.duplicate_of == left
    assert response.redirect_chain[-1][0] == url("queue", event)


def test_recent_decisions_sit_at_the_top_with_undo(staff, event, pair):
    left, right = pair
    third, fourth = submit(event, "?"), submit(event, "+")
    staff.post(url("merge", event), {"first": right.pk, "second": left.pk})
    staff.post(url("dismiss", event), {"first": third.pk, "second": fourth.pk})
    body = staff.get(url("queue", event)).content.decode()
    recent = body.index('id="duplicates-recent"')
    pairs_heading = body.index("<h2>", recent + 1)
    top = body[recent:pairs_heading]
    assert url("unmerge", event) in top and url("undismiss", event) in top
    assert f'name="first" value="{right.pk}"' in top

    staff.post(url("unmerge", event), {"first": right.pk})
    staff.post(url("undismiss", event), {"first": third.pk, "second": fourth.pk})
    right.refresh_from_db()
    assert right.duplicate_of is None
    assert not DuplicateDismissal.objects.exists()
    body = staff.get(url("queue", event)).content.decode()
    top = body[body.index('id="duplicates-recent"') :]
    assert url("unmerge", event) not in top.split("<h2>")[1]


def test_pairs_below_the_calibrated_threshold_are_not_shown(
    staff, event, pair, settings
):
    ((_a, _b, similarity),) = duplicate_candidates(event=event, threshold=0).pairs
    settings.IDEAS_DUPLICATE_THRESHOLD = similarity + 0.001
    assert duplicate_candidates(event=event).pairs == []
    body = staff.get(url("queue", event)).content.decode()
    assert f'name="first" value="{pair[0].pk}"' not in body
    settings.IDEAS_DUPLICATE_THRESHOLD = similarity - 0.001
    assert len(duplicate_candidates(event=event).pairs) == 1


def test_merging_an_idea_with_itself_is_refused(staff, event, pair):
    idea = pair[0]
    data = {"first": idea.pk, "second": idea.pk}
    errors(staff.get(url("merge", event), data, follow=True))
    errors(staff.post(url("merge", event), data, follow=True))
    assert merged_count() == 0


def test_a_pair_from_another_event_is_refused(staff, event, event_index, pair):
    other = EventPageFactory(parent=event_index)
    stranger = submit(other)
    data = {"first": stranger.pk, "second": pair[0].pk}
    errors(staff.get(url("merge", event), data, follow=True))
    errors(staff.post(url("merge", event), data, follow=True))
    # Nor the other way round, into the stranger.
    errors(
        staff.post(
            url("merge", event),
            {"first": pair[0].pk, "second": stranger.pk},
            follow=True,
        )
    )
    assert merged_count() == 0


def test_an_already_merged_idea_is_refused(staff, event, pair, runner):
    left, right = pair
    third = submit(event, "?")
    duplicate_services.idea_merge(duplicate=right, canonical=left, actor=runner)
    data = {"first": right.pk, "second": third.pk}
    body = errors(staff.get(url("merge", event), data, follow=True))
    assert 'name="stamp"' not in body  # no confirmation offered
    errors(staff.post(url("merge", event), data, follow=True))
    right.refresh_from_db()
    assert right.duplicate_of == left


def test_a_stale_form_is_refused(staff, event, pair, runner):
    left, right = pair
    stamp = pair_stamp(left, right)
    # Someone edits the kept idea after the page was shown.
    Idea.objects.filter(pk=left.pk).update(title="แก้ไขแล้ว")
    left.refresh_from_db()
    left.save()
    data = {"first": right.pk, "second": left.pk, "stamp": stamp}
    errors(staff.get(url("merge", event), data, follow=True))
    errors(staff.post(url("merge", event), data, follow=True))
    assert merged_count() == 0


@pytest.mark.parametrize("bad", ["999999", "abc", "", "-1", "1e9"])
def test_unknown_ids_are_refused(staff, event, pair, bad):
    for data in (
        {"first": bad, "second": pair[0].pk},
        {"first": pair[0].pk, "second": bad},
    ):
        errors(staff.get(url("merge", event), data, follow=True))
        errors(staff.post(url("merge", event), data, follow=True))
        errors(staff.post(url("dismiss", event), data, follow=True))
    errors(staff.post(url("unmerge", event), {"first": bad}, follow=True))
    assert merged_count() == 0
    assert not DuplicateDismissal.objects.exists()


def test_undo_from_an_idea_page_goes_back_to_it(staff, event, pair, runner):
    left, right = pair
    duplicate_services.idea_merge(duplicate=right, canonical=left, actor=runner)
    back = f"/admin/snippets/ideas/idea/edit/{left.pk}/"
    response = staff.post(f"{url('unmerge', event)}?next={back}", {"first": right.pk})
    assert response.status_code == 302 and response["Location"] == back
    right.refresh_from_db()
    assert right.duplicate_of is None


def test_undo_never_goes_back_to_another_site(staff, event, pair, runner):
    duplicate_services.idea_merge(duplicate=pair[1], canonical=pair[0], actor=runner)
    response = staff.post(
        f"{url('unmerge', event)}?next=https://evil.example/", {"first": pair[1].pk}
    )
    assert response["Location"] == url("queue", event)


def render_panel(idea, user):
    request = RequestFactory().get(f"/admin/snippets/ideas/idea/edit/{idea.pk}/")
    request.user = user
    panel = MergePanel(heading="merges").bind_to_model(Idea)
    bound = panel.get_bound_panel(instance=idea, request=request, form=None)
    return bound.is_shown(), bound.render_html() if bound.is_shown() else ""


def test_the_merge_panel_offers_undo_on_both_ideas(event, pair, runner, policy_writer):
    left, right = pair
    assert render_panel(left, runner)[0] is False  # nothing merged yet
    duplicate_services.idea_merge(duplicate=right, canonical=left, actor=runner)
    unmerge = url("unmerge", event)
    for idea in (left, right):
        idea.refresh_from_db()
        shown, html = render_panel(idea, runner)
        assert shown
        assert f'formaction="{unmerge}?next=' in html
        assert f'name="first" value="{right.pk}"' in html
        assert f"%2Fedit%2F{idea.pk}%2F" in html  # back to the same idea
        assert "<form" not in html  # it sits inside the idea's own form
    # Someone who may only read sees the merge, not the undo.
    shown, html = render_panel(left, policy_writer)
    assert shown and unmerge not in html
