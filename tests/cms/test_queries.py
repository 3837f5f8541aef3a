"""Lists run the same number of queries however many ideas there are."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ideas.models import Idea


def add_ideas(event, theme, count, start=0):
    Idea.objects.bulk_create(
        Idea(
            event=event,
            number=start + n + 1,
            title=f"ไอเดียที่ {start + n} <script>",
            problem="ปัญหา",
            solution="ทางแก้",
            theme=theme,
            status=Idea.Status.ACCEPTED,
            tracking_token_hash=hashlib.sha256(f"{start + n}".encode()).hexdigest(),
            fingerprint=f"q{start + n}",
        )
        for n in range(count)
    )


def count_queries(client, url, **params):
    client.get(url, params)  # warm the caches (site root paths, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params", [{}, {"q": "ไอเดีย"}, {"status": "accepted"}, {"page": "2"}]
)
def test_admin_idea_listing_queries_do_not_grow(
    client, facilitator, event, themes, params
):
    client.force_login(facilitator)
    url = reverse("wagtailsnippets_ideas_idea:list")
    add_ideas(event, themes[0], 120)
    few = count_queries(client, url, **params)
    add_ideas(event, themes[1], 1000, start=120)
    assert count_queries(client, url, **params) == few


def test_search_queries_do_not_grow(client, event, themes):
    add_ideas(event, themes[0], 30)
    few = count_queries(client, "/search/", q="ไอเดีย")
    add_ideas(event, themes[1], 1000, start=30)
    assert count_queries(client, "/search/", q="ไอเดีย") == few


def add_members(event, clusters, start, count):
    from ideas.models import ClusterMembership

    ideas = Idea.objects.filter(
        event=event, number__gt=start, number__lte=start + count
    )
    ClusterMembership.objects.bulk_create(
        ClusterMembership(
            cluster=clusters[n % len(clusters)],
            idea=idea,
            similarity=0.5,
            x=(n % 50) / 50,
            y=(n % 7) / 7,
            pinned=n % 5 == 0,
        )
        for n, idea in enumerate(ideas)
    )
    for cluster in clusters:
        cluster.size = cluster.memberships.count()
        cluster.save(update_fields=["size"])


@pytest.mark.parametrize("page", ["clusters", "cluster", "map", "duplicates"])
def test_the_workbench_lists_cost_the_same_queries_at_10_and_1000_ideas(
    client, facilitator, event, themes, page
):
    from ideas.models import Cluster

    client.force_login(facilitator)
    clusters = [
        Cluster.objects.create(event=event, number=n, label=f"กลุ่ม {n} <script>")
        for n in range(2)
    ]
    url = {
        "clusters": reverse("workbench:clusters", args=[event.pk]),
        "cluster": reverse("workbench:cluster", args=[event.pk, clusters[0].pk]),
        "map": reverse("workbench:map", args=[event.pk]),
        "duplicates": reverse("duplicates:queue", args=[event.pk]),
    }[page]
    add_ideas(event, themes[0], 10)
    add_members(event, clusters, 0, 10)
    few = count_queries(client, url)
    add_ideas(event, themes[1], 1000, start=10)
    add_members(event, clusters, 10, 1000)
    assert count_queries(client, url) == few
