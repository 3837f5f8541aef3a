"""The tracking page as the way back: the whole link to copy, a QR code, the event."""

import re

import pytest
from django.utils.translation import gettext

from ideas import services
from ideas.models import Idea


@pytest.fixture
def submission(event):
    return services.idea_submit(
        event=event, title="ไอเดียที่ติดตาม", problem="ปัญหา", solution="ทางออก"
    )


def track(client, submission, **query):
    response = client.get(f"/track/{submission.tracking_token}/", query)
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_whole_link_is_in_a_field_with_a_copy_button(client, submission):
    _response, body = track(client, submission, submitted="1")
    url = f"http://testserver/track/{submission.tracking_token}/"
    # A wrapping field shows all of it, selectable without JavaScript.
    field = re.search(r'<textarea id="tracking-url"[^>]*>([^<]*)</textarea>', body)
    assert field and field.group(1) == url
    assert "readonly" in field.group(0)
    # The button waits for the script that makes it work.
    button = re.search(r"<button[^>]*data-copy=\"tracking-url\"[^>]*>", body)
    assert button and " hidden" in button.group(0)
    assert gettext("Copy link") in body
    assert "js/copy-link.js" in body


def test_a_qr_code_of_the_link_is_drawn_in_the_page(client, submission):
    import segno

    _response, body = track(client, submission)
    svg = re.search(r"<svg [^>]*>.*?</svg>", body, re.S)
    assert svg, "an inline SVG"
    assert 'role="img"' in svg.group(0)
    assert f"<title>{gettext('QR code of your tracking link')}</title>" in svg.group(0)
    # It encodes exactly this page's address: the same code segno draws for it.
    expected = segno.make(
        f"http://testserver/track/{submission.tracking_token}/", error="m"
    ).svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg.group(0)).group(1)
    assert path in expected
    # Nothing is fetched for it from anywhere.
    assert "<img" not in body and "chart.googleapis" not in body


def test_the_page_links_back_to_the_event(client, event, submission):
    _response, body = track(client, submission)
    assert f'<a href="{event.url}">' in body


def test_the_private_page_keeps_its_headers(client, submission):
    response, _body = track(client, submission, submitted="1")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    assert 'content="noindex, nofollow"' in response.content.decode()


def test_a_public_idea_links_to_its_public_page(client, event, submission):
    _response, body = track(client, submission)
    public_url = f"{event.ideas_url}{submission.idea.number}/"
    assert public_url not in body  # still waiting for moderation
    Idea.objects.filter(pk=submission.idea.pk).update(status=Idea.Status.ACCEPTED)
    _response, body = track(client, submission)
    assert f'href="{public_url}"' in body
