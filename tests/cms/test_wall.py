"""The event wall: a projector's page of counts and public ideas, nothing else."""

import pytest
from django.core.cache import cache
from django.utils.translation import gettext

from ideas.models import Cluster, ClusterMembership, Idea
from tests.factories import SCRIPT, IdeaFactory


@pytest.fixture
def ideas(event, themes):
    """An accepted, a waiting and a rejected idea under the first theme."""
    return {
        "accepted": IdeaFactory(
            event=event,
            theme=themes[0],
            status=Idea.Status.ACCEPTED,
            title=f"จองคิวออนไลน์ {SCRIPT}",
        ),
        "waiting": IdeaFactory(event=event, theme=themes[0], title="ความลับยังไม่ตรวจ"),
        "rejected": IdeaFactory(
            event=event,
            theme=themes[0],
            status=Idea.Status.REJECTED,
            title="ข้อความสแปม",
        ),
    }


def wall_url(event) -> str:
    return event.url + "wall/"


def get_wall(client, event):
    html = client.get(wall_url(event))
    data = client.get(wall_url(event) + "data/")
    assert html.status_code == 200
    assert data.status_code == 200
    return html.content.decode(), data


def test_the_wall_answers_anyone_with_counts_and_public_ideas_only(
    client, event, themes, ideas
):
    html, data = get_wall(client, event)
    body = data.json()
    text = data.content.decode()
    assert data["Content-Type"] == "application/json"
    assert "no-store" in data["Cache-Control"]
    assert body["generated_at"]
    first = body["themes"][0]
    assert first["name"] == "บริการภาครัฐ"
    # A count is not private: the waiting and rejected ideas are received.
    assert (first["received"], first["accepted"]) == (3, 1)
    assert body["totals"] == {"received": 3, "accepted": 1}
    assert [idea["number"] for idea in body["latest"]] == [ideas["accepted"].number]
    assert body["latest"][0]["title"] == ideas["accepted"].title
    assert body["latest"][0]["url"] == (f"{event.ideas_url}{ideas['accepted'].number}/")
    for secret in ("ความลับยังไม่ตรวจ", "ข้อความสแปม"):
        assert secret not in html
        assert secret not in text
    assert 'id="wall-received">3<' in html
    assert 'id="wall-accepted">1<' in html
    assert "จองคิวออนไลน์ &lt;script&gt;" in html
    assert SCRIPT not in html
    # The theme without ideas has its row; no "other" row without ideas.
    assert len(body["themes"]) == len(themes)


def test_ideas_without_a_theme_have_a_row_of_their_own(client, event, themes):
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    html, data = get_wall(client, event)
    last = data.json()["themes"][-1]
    assert last == {
        "theme": None,
        "name": gettext("No theme yet"),
        "received": 1,
        "accepted": 1,
    }
    assert gettext("No theme yet") in html


def test_merged_duplicates_are_counted_once(client, event, ideas):
    IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, duplicate_of=ideas["accepted"]
    )
    _html, data = get_wall(client, event)
    assert data.json()["totals"] == {"received": 3, "accepted": 1}


def test_the_page_shows_the_form_link_as_text_and_qr_code(client, event):
    html, _data = get_wall(client, event)
    assert "<svg" in html
    assert gettext("QR code of the link to the idea form") in html
    assert f"testserver{event.url.rstrip('/')}<" in html
    assert 'src="/static/js/wall.js"' in html
    # Whole without JavaScript, and no script in the page itself.
    assert "<script>" not in html


def test_a_closed_form_shows_no_qr_code(client, event):
    event.submissions_open = False
    event.save()
    html, _data = get_wall(client, event)
    assert "<svg" not in html
    assert gettext("The form is closed: thank you for your ideas.") in html


def test_an_unpublished_event_has_no_wall(client, event, ideas):
    event.unpublish()
    assert client.get(wall_url(event)).status_code == 404
    assert client.get(wall_url(event) + "data/").status_code == 404


def test_the_data_is_cached_for_a_few_seconds(client, event, ideas):
    _html, first = get_wall(client, event)
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    _html, second = get_wall(client, event)
    assert second.json() == first.json()
    cache.clear()
    _html, third = get_wall(client, event)
    assert third.json()["totals"]["accepted"] == 2


def test_clusters_are_named_only_by_what_is_public(client, event, themes, ideas):
    central = IdeaFactory(
        event=event, status=Idea.Status.ACCEPTED, title=f"ศูนย์บริการ {SCRIPT}"
    )
    modelled = Cluster.objects.create(
        event=event, number=0, label="ความลับยังไม่ตรวจ", keywords=["ความลับ"]
    )
    # The waiting idea sits closest to the centre; the name is the public one's.
    ClusterMembership.objects.create(
        cluster=modelled, idea=ideas["waiting"], similarity=0.99
    )
    ClusterMembership.objects.create(cluster=modelled, idea=central, similarity=0.8)
    ClusterMembership.objects.create(
        cluster=modelled, idea=ideas["accepted"], similarity=0.5
    )
    named = Cluster.objects.create(
        event=event,
        number=1,
        label=f"รัฐบาลดิจิทัล {SCRIPT}",
        label_source=Cluster.LabelSource.FACILITATOR,
    )
    ClusterMembership.objects.create(cluster=named, idea=ideas["accepted"], scope="x")
    hidden = Cluster.objects.create(event=event, number=2, label="ข้อความสแปม")
    ClusterMembership.objects.create(cluster=hidden, idea=ideas["rejected"])
    inactive = Cluster.objects.create(
        event=event, number=3, label="เก่า", is_active=False
    )
    ClusterMembership.objects.create(cluster=inactive, idea=central, scope="y")

    html, data = get_wall(client, event)
    assert data.json()["clusters"] == [
        {"name": central.title, "accepted": 2},
        {"name": f"รัฐบาลดิจิทัล {SCRIPT}", "accepted": 1},
    ]
    for secret in ("ความลับยังไม่ตรวจ", "ความลับ", "ข้อความสแปม", "เก่า"):
        assert secret not in html
        assert secret not in data.content.decode()
    assert "รัฐบาลดิจิทัล &lt;script&gt;" in html
    assert SCRIPT not in html
