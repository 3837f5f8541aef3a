"""One test per user journey, end to end through the public site and the admin."""

from django.urls import reverse

from ideas.models import Idea


def test_participant_submits_and_facilitator_accepts(
    client, event, themes, facilitator
):
    # A participant on the event page submits an idea anonymously.
    page = client.get(event.url)
    assert "ส่งไอเดีย" in page.content.decode()
    response = client.post(
        event.url,
        {
            "title": "แพลตฟอร์มกลางรับเรื่องร้องเรียน",
            "problem": "เรื่องร้องเรียนกระจายอยู่หลายหน่วยงาน",
            "solution": "รวมช่องทางรับเรื่องไว้ที่เดียวและส่งต่ออัตโนมัติ",
            "theme": "services",
        },
    )
    tracking_url = response["Location"].split("?")[0]
    assert "ส่งแล้ว" in client.get(tracking_url).content.decode()

    # A facilitator finds it in the admin listing and accepts it.
    staff = client.__class__()
    staff.force_login(facilitator)
    listing = staff.get(reverse("wagtailsnippets_ideas_idea:list"), {"q": "ร้องเรียน"})
    assert "แพลตฟอร์มกลางรับเรื่องร้องเรียน" in listing.content.decode()
    idea = Idea.objects.get()
    staff.post(
        reverse("wagtailsnippets_ideas_idea:edit", args=[idea.pk]),
        {"status": "accepted", "status_reason": "", "theme": themes[0].pk, "tags": ""},
    )

    # The participant sees the decision on their private page.
    body = client.get(tracking_url).content.decode()
    assert "ผ่านการพิจารณา" in body
    assert "ส่งแล้ว → ผ่านการพิจารณา" in body
