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
