import pytest

from ideas.models import Cluster, ClusterMembership, Idea
from tests.factories import IdeaFactory


@pytest.fixture
def clusters(event, themes):
    """Two clusters: one holding public and unmoderated ideas, one only rejected."""
    public = IdeaFactory(
        event=event,
        status=Idea.Status.ACCEPTED,
        title="ระบบนัดหมายออนไลน์",
        problem="ต้องรอคิวที่สำนักงานนาน",
        solution="จองคิวออนไลน์",
    )
    waiting = IdeaFactory(
        event=event,
        title="ความลับยังไม่เผยแพร่",
        problem="คำหยาบคาย",
        solution="ข้อความที่ยังไม่ตรวจ",
    )
    rejected = IdeaFactory(event=event, status=Idea.Status.REJECTED, title="สแปม")
    shown = Cluster.objects.create(
        event=event,
        number=0,
        label="ออนไลน์, คำหยาบคาย",
        keywords=["ออนไลน์", "คำหยาบคาย", "คิว"],
        size=2,
    )
    ClusterMembership.objects.create(cluster=shown, idea=public)
    ClusterMembership.objects.create(cluster=shown, idea=waiting)
    hidden = Cluster.objects.create(
        event=event, number=1, label="สแปม", keywords=["สแปม"], size=1
    )
    ClusterMembership.objects.create(cluster=hidden, idea=rejected)
    named = Cluster.objects.create(
        event=event,
        scope=themes[1].code,
        number=0,
        label="รัฐบาลดิจิทัล <script>",
        label_source=Cluster.LabelSource.FACILITATOR,
        keywords=[],
        size=1,
    )
    ClusterMembership.objects.create(cluster=named, idea=public, scope=themes[1].code)
    return public


def test_clusters_show_only_what_public_ideas_show(client, event, clusters):
    response = client.get(f"/api/v1/events/{event.slug}/clusters/")
    data = response.json()
    text = response.content.decode()
    assert data["count"] == 2
    everything = data["results"][0]
    assert everything["ideas"] == [clusters.number]
    assert everything["size"] == 1
    # A keyword only the unmoderated idea uses is not published, nor a label
    # the model made from it.
    assert "คำหยาบคาย" not in text
    assert "ความลับ" not in text
    assert "สแปม" not in text
    assert "ออนไลน์" in everything["keywords"]
    assert "ออนไลน์" in everything["label"]


def test_clusters_by_theme_keep_the_facilitators_name(client, event, themes, clusters):
    data = client.get(
        f"/api/v1/events/{event.slug}/clusters/?theme={themes[1].code}"
    ).json()
    assert [row["label"] for row in data["results"]] == ["รัฐบาลดิจิทัล <script>"]
    assert data["results"][0]["theme"] == themes[1].code
    everything = client.get(f"/api/v1/events/{event.slug}/clusters/?theme=").json()
    assert [row["theme"] for row in everything["results"]] == [None]


def test_clusters_of_an_unknown_event(client, db):
    response = client.get("/api/v1/events/no-such-event/clusters/")
    assert response.status_code == 404
    assert "no-such-event" in response.json()["error"]


def test_event_links_to_its_clusters(client, event):
    data = client.get(f"/api/v1/events/{event.slug}/").json()
    assert data["clusters_api_url"].endswith(f"/api/v1/events/{event.slug}/clusters/")
