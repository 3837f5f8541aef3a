import secrets

import pytest

from ideas import services as idea_services
from ideas.models import Idea
from strategy import services
from strategy.models import Framework
from tests.factories import SCRIPT


def tracker(client, event):
    response = client.get(event.ideas_url)
    assert response.status_code == 200
    return response.content.decode()


def test_tracker_lists_only_public_ideas_without_personal_data(
    client, framework, event, ideas
):
    body = tracker(client, event)
    for key in ("copies", "portal", "data", "open_data", "unthemed"):
        assert ideas[key].title in body
    assert "ไอเดียที่ยังรอการคัดกรอง" not in body  # submitted
    assert "โฆษณาขายของที่ถูกปฏิเสธ" not in body  # rejected
    assert "สแปม" not in body
    assert "somchai@example.org" not in body and "สมชาย" not in body
    assert "080-000-0101" not in body
    assert SCRIPT not in body
    assert 'id="idea-12"' in body


def test_tracker_shows_adoption_only_once_the_framework_is_approved(
    client, framework, event, ideas, approver
):
    assert "Seamless service centre" not in tracker(client, event)
    services.framework_set_status(
        framework=framework["framework"],
        status=Framework.Status.APPROVED,
        actor=approver,
    )
    body = tracker(client, event)
    assert "Adopted into the measure “Seamless service centre”" in body
    assert "Adopted into the measure “ยกเลิกสำเนาเอกสาร”" in body


def test_event_page_still_serves_the_form(client, event):
    body = client.get(event.url).content.decode()
    assert 'class="idea-form"' in body


@pytest.fixture
def tracked(event, framework):
    submission = idea_services.idea_submit(
        event=event,
        title="ติดตามเรื่องร้องเรียนได้ทุกขั้นตอน",
        problem="ไม่รู้ว่าเรื่องไปถึงไหน",
        solution="ติดตามออนไลน์",
        contact_email="author@example.org",
        consent=True,
    )
    idea = idea_services.idea_set_status(
        idea=submission.idea, status=Idea.Status.ACCEPTED, actor=None
    )
    services.measure_cite_ideas(measure=framework["measures"][1], ideas=[idea])
    return submission.tracking_token


def test_tracking_page_counts_draft_measures_without_naming_them(client, tracked):
    body = client.get(f"/track/{tracked}/").content.decode()
    assert "Measures your idea fed" in body
    assert "still being drafted" in body
    assert "ยกเลิกสำเนาเอกสาร" not in body


def test_tracking_page_names_the_measure_once_approved(
    client, tracked, framework, approver
):
    services.framework_set_status(
        framework=framework["framework"],
        status=Framework.Status.PUBLISHED,
        actor=approver,
    )
    body = client.get(f"/track/{tracked}/").content.decode()
    assert "“ยกเลิกสำเนาเอกสาร”" in body
    assert SCRIPT not in body


def test_a_stranger_token_shows_nothing(client, tracked):
    assert client.get(f"/track/{secrets.token_urlsafe(24)}/").status_code == 404
