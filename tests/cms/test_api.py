import pytest

from ideas import services
from ideas.models import Idea
from tests.factories import SCRIPT, EventPageFactory, IdeaFactory


@pytest.fixture
def ideas(event, themes):
    accepted = IdeaFactory(event=event, status=Idea.Status.ACCEPTED, theme=themes[0])
    IdeaFactory(event=event, status=Idea.Status.SHORTLISTED, theme=themes[1])
    IdeaFactory(event=event, title="ยังไม่ได้พิจารณา")
    IdeaFactory(event=event, title="สแปม", status=Idea.Status.REJECTED)
    services.idea_submit(
        event=event,
        title="มีช่องทางติดต่อ",
        problem="ปัญหา",
        solution="ทางแก้",
        contact_email="somchai@example.org",
        consent=True,
    )
    return accepted


def test_events_list_with_themes(client, event, themes):
    data = client.get("/api/v1/events/").json()
    assert data["count"] == 1
    assert data["results"][0]["slug"] == event.slug
    assert [t["code"] for t in data["results"][0]["themes"]] == ["services", "digital"]


def test_unpublished_events_are_not_listed(client, event, event_index):
    draft = EventPageFactory(parent=event_index)
    draft.unpublish()
    slugs = [e["slug"] for e in client.get("/api/v1/events/").json()["results"]]
    assert slugs == [event.slug]
    assert client.get(f"/api/v1/events/{draft.slug}/").status_code == 404


def test_only_public_ideas_and_no_personal_data(client, event, ideas):
    response = client.get(f"/api/v1/events/{event.slug}/ideas/")
    data = response.json()
    text = response.content.decode()
    assert data["count"] == 2
    assert {row["status"] for row in data["results"]} == {"accepted", "shortlisted"}
    for secret in ("somchai", "ยังไม่ได้พิจารณา", "สแปม", "tracking", "fingerprint"):
        assert secret not in text
    assert SCRIPT in data["results"][0]["title"]  # JSON carries text, not markup
    assert response["Content-Type"].startswith("application/json")


def test_ideas_filter_by_theme(client, event, ideas):
    data = client.get(
        f"/api/v1/events/{event.slug}/ideas/", {"theme": "digital"}
    ).json()
    assert [row["theme_code"] for row in data["results"]] == ["digital"]


def test_pagination(client, event, themes):
    Idea.objects.bulk_create(
        IdeaFactory.build(event=event, status="accepted", number=n + 1)
        for n in range(60)
    )
    first = client.get(f"/api/v1/events/{event.slug}/ideas/").json()
    assert (first["count"], first["pages"], len(first["results"])) == (60, 2, 50)
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10 and second["next"] is None


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("-1", 400),
        ("abc", 400),
        ("99", 404),
        # isdigit() says yes to these, int() says no: they were 500s.
        ("²", 400),
        ("①", 400),
        ("9" * 40, 400),
    ],
)
def test_bad_pages_get_a_clear_error(client, event, page, status):
    response = client.get(f"/api/v1/events/{event.slug}/ideas/", {"page": page})
    assert response.status_code == status
    assert response.json()["error"]


def test_unknown_event_is_a_json_404(client, db):
    response = client.get("/api/v1/events/no-such-event/ideas/")
    assert response.status_code == 404
    assert "no-such-event" in response.json()["error"]


def test_the_api_is_read_only(client, event):
    assert client.post("/api/v1/events/").status_code == 405


def test_only_published_frameworks_with_their_tree(client, event, themes):
    from strategy import services as strategy_services
    from tests.factories import FrameworkFactory

    accepted = IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    rejected = IdeaFactory(event=event, status=Idea.Status.ACCEPTED, title="ภายหลังไม่รับ")
    framework = FrameworkFactory(slug="reform-2566-2570")
    draft = FrameworkFactory(slug="draft-plan")
    issue = strategy_services.issue_create(
        framework=framework, title="บริการ", theme=themes[0]
    )
    goal = strategy_services.goal_create(issue=issue, title="สะดวก")
    measure = strategy_services.measure_create(
        goal=goal, title="ศูนย์บริการ", ideas=[accepted, rejected]
    )
    strategy_services.indicator_create(
        measure=measure, name="จำนวนบริการ", unit="บริการ", targets={2023: 10, 2027: 50}
    )
    Idea.objects.filter(pk=rejected.pk).update(status=Idea.Status.REJECTED)
    assert client.get("/api/v1/frameworks/").json()["count"] == 0
    type(framework).objects.filter(pk=framework.pk).update(status="published")

    listing = client.get("/api/v1/frameworks/").json()
    assert [f["slug"] for f in listing["results"]] == ["reform-2566-2570"]
    assert listing["results"][0]["start_year_be"] == 2566
    assert client.get(f"/api/v1/frameworks/{draft.slug}/").status_code == 404
    detail = client.get("/api/v1/frameworks/reform-2566-2570/").json()
    measure_data = detail["issues"][0]["goals"][0]["measures"][0]
    assert measure_data["number"] == "1.1.1"
    assert measure_data["indicators"][0]["targets"] == {
        "2023": "10.00",
        "2027": "50.00",
    }
    assert [i["number"] for i in measure_data["ideas"]] == [accepted.number]
    # The event unpublished, its cited idea's title leaves the open data.
    event.unpublish()
    detail = client.get("/api/v1/frameworks/reform-2566-2570/").json()
    assert detail["issues"][0]["goals"][0]["measures"][0]["ideas"] == []
