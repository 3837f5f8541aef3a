"""An idea carried out is marked implemented, and the public tracker says so."""

from ideas import services
from ideas.models import Idea
from tests.factories import IdeaFactory


def test_an_implemented_idea_is_public_and_labelled(client, event, facilitator):
    idea = IdeaFactory(
        event=event, status=Idea.Status.SHORTLISTED, title="ศูนย์บริการเดียว"
    )
    services.idea_set_status(
        idea=idea, status=Idea.Status.IMPLEMENTED, actor=facilitator
    )
    idea.refresh_from_db()
    assert idea.is_public
    body = client.get(event.url + "ideas/").content.decode()
    assert "ศูนย์บริการเดียว" in body
    assert "นำไปปฏิบัติแล้ว" in body  # "Implemented", in Thai
    data = client.get(f"/api/v1/events/{event.slug}/ideas/").json()
    assert [row["status"] for row in data["results"]] == ["implemented"]
