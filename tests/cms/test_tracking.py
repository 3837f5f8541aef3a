import pytest

from ideas import services
from ideas.models import Idea


@pytest.fixture
def two_ideas(event):
    def submit(title):
        return services.idea_submit(
            event=event, title=title, problem="ปัญหา", solution="ทางออก"
        )

    return submit("ไอเดียของฉัน"), submit("ไอเดียของคนอื่น")


def test_tracking_page_shows_only_its_own_idea(client, two_ideas):
    mine, other = two_ideas
    response = client.get(f"/track/{mine.tracking_token}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "ไอเดียของฉัน" in body and "ไอเดียของคนอื่น" not in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "token", ["wrong-token", "a" * 32, "x" * 500, "ไทย", "%00", "../admin"]
)
def test_wrong_tokens_get_a_plain_404(client, two_ideas, token):
    response = client.get(f"/track/{token}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "ไม่พบหน้านี้" in body
    assert "ไอเดียของฉัน" not in body and "ไอเดียของคนอื่น" not in body


def test_status_changes_show_on_the_tracking_page(client, two_ideas, facilitator):
    mine, _other = two_ideas
    services.idea_set_status(
        idea=mine.idea,
        status=Idea.Status.REJECTED,
        actor=facilitator,
        reason="ซ้ำกับข้อ 3",
    )
    body = client.get(f"/track/{mine.tracking_token}/").content.decode()
    assert "ไม่ผ่านการพิจารณา" in body
    assert "ซ้ำกับข้อ 3" in body
    assert facilitator.username not in body  # who decided stays internal
