"""The triage screen: one idea at a time, one decision per key or click."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from ideas import services
from ideas.models import Idea, IdeaDecision
from tests.factories import SCRIPT, IdeaFactory


def triage_url(event, **query):
    url = reverse("workbench:triage", args=[event.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


@pytest.fixture
def queue(event, themes):
    """Five submitted ideas, sent a minute apart, and one already accepted."""
    start = timezone.now() - datetime.timedelta(hours=1)
    ideas = []
    for minute in range(5):
        idea = IdeaFactory(
            event=event,
            language="en" if minute == 3 else "th",
            title=f"ไอเดียที่ {minute + 1} {SCRIPT}",
        )
        Idea.objects.filter(pk=idea.pk).update(
            created_at=start + datetime.timedelta(minutes=minute)
        )
        ideas.append(Idea.objects.get(pk=idea.pk))
    IdeaFactory(event=event, status=Idea.Status.ACCEPTED, title="รับแล้ว")
    return ideas


def shown_number(response) -> int | None:
    body = response.content.decode()
    marker = 'data-idea-number="'
    if marker not in body:
        return None
    start = body.index(marker) + len(marker)
    return int(body[start : body.index('"', start)])


def version_of(client, event, idea) -> str:
    body = client.get(triage_url(event, idea=idea.pk)).content.decode()
    marker = 'name="version" value="'
    start = body.index(marker) + len(marker)
    return body[start : body.index('"', start)]


def decide(client, event, idea, action, *, query=None, **fields):
    version = fields.pop("version", None)
    if version is None:
        version = version_of(client, event, idea)
    url = triage_url(event, **(query or {}))
    return client.post(
        url, {"idea": idea.pk, "version": version, "action": action, **fields}
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def state(idea):
    idea = Idea.objects.get(pk=idea.pk)
    return (
        idea.status,
        idea.status_reason,
        idea.theme_id,
        idea.duplicate_of_id,
        sorted(idea.tags.names()),
    )


def test_readers_and_facilitators_of_other_events_get_a_403(
    client, event, queue, policy_writer, facilitator_other_event
):
    for user in (policy_writer, facilitator_other_event):
        client.force_login(user)
        response = client.get(triage_url(event))
        assert response.status_code == 403
        response = client.post(
            triage_url(event), {"idea": queue[0].pk, "action": "accept"}
        )
        assert response.status_code == 403
    assert Idea.objects.get(pk=queue[0].pk).status == Idea.Status.SUBMITTED


def test_the_queue_opens_on_the_oldest_submitted_idea_with_its_whole_text(
    client, facilitator, event, queue
):
    client.force_login(facilitator)
    response = client.get(triage_url(event))
    assert response.status_code == 200
    assert shown_number(response) == queue[0].number
    body = response.content.decode()
    assert "ปัญหาคือเอกสารซ้ำซ้อน &lt;script&gt;" in body
    assert "เชื่อมข้อมูลระหว่างหน่วยงาน &lt;script&gt;" in body
    assert SCRIPT not in body
    # Five waiting; the accepted idea is not in the submitted queue.
    assert "1 จาก 5" in body or "1 of 5" in body


def test_the_dashboard_links_to_the_queue_with_its_count(
    client, facilitator, event, queue
):
    client.force_login(facilitator)
    body = client.get(reverse("workbench:event", args=[event.pk])).content.decode()
    assert triage_url(event) in body
    waiting = ngettext(
        "Moderate the queue (%(counter)s waiting)",
        "Moderate the queue (%(counter)s waiting)",
        5,
    ) % {"counter": 5}
    assert waiting in body


def test_accept_moves_to_the_next_idea_and_says_what_was_done(
    client, facilitator, event, queue
):
    client.force_login(facilitator)
    response = decide(client, event, queue[0], "accept", follow=False)
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert shown_number(followed) == queue[1].number
    assert any(f"#{queue[0].number}" in text for text in messages_of(followed))
    assert Idea.objects.get(pk=queue[0].pk).status == Idea.Status.ACCEPTED
    decision = IdeaDecision.objects.get(idea=queue[0])
    assert (decision.new_value, decision.actor) == ("accepted", facilitator)


def test_reject_with_a_reason_records_it_for_the_participant(
    client, facilitator, event, queue
):
    client.force_login(facilitator)
    response = decide(client, event, queue[0], "reject", reason="นอกประเด็นของงาน")
    assert response.status_code == 302
    idea = Idea.objects.get(pk=queue[0].pk)
    assert (idea.status, idea.status_reason) == ("rejected", "นอกประเด็นของงาน")
    assert shown_number(client.get(response["Location"])) == queue[1].number


def test_setting_a_theme_keeps_the_idea_on_screen(
    client, facilitator, event, queue, themes
):
    client.force_login(facilitator)
    response = decide(client, event, queue[0], "theme", theme="digital")
    followed = client.get(response["Location"])
    assert shown_number(followed) == queue[0].number
    idea = Idea.objects.get(pk=queue[0].pk)
    assert (idea.theme, idea.theme_source) == (themes[1], "facilitator")
    assert any("รัฐบาลดิจิทัล" in text for text in messages_of(followed))


def test_choosing_the_suggested_theme_accepts_the_suggestion(
    client, facilitator, event, queue, themes
):
    Idea.objects.filter(pk=queue[0].pk).update(
        suggested_theme=themes[0], suggestion_confidence=0.95
    )
    client.force_login(facilitator)
    decide(client, event, queue[0], "theme", theme="services")
    idea = Idea.objects.get(pk=queue[0].pk)
    assert (idea.theme, idea.theme_source) == (themes[0], "model")


def test_tags_are_added(client, facilitator, event, queue):
    client.force_login(facilitator)
    response = decide(client, event, queue[0], "tag", tags="ด่วน, ข้อมูลเปิด")
    assert response.status_code == 302
    assert sorted(Idea.objects.get(pk=queue[0].pk).tags.names()) == [
        "ข้อมูลเปิด",
        "ด่วน",
    ]
    body = client.get(response["Location"]).content.decode()
    assert "ข้อมูลเปิด" in body


def test_duplicate_of_a_number_merges_and_moves_on(client, facilitator, event, queue):
    client.force_login(facilitator)
    response = decide(
        client, event, queue[2], "duplicate", duplicate_of=f"#{queue[0].number}"
    )
    assert response.status_code == 302
    assert Idea.objects.get(pk=queue[2].pk).duplicate_of_id == queue[0].pk
    assert shown_number(client.get(response["Location"])) == queue[3].number


def test_the_next_idea_is_taken_in_the_same_filter(
    client, facilitator, event, queue, themes
):
    for idea in (queue[1], queue[3]):
        services.idea_set_theme(idea=idea, theme=themes[1], actor=facilitator)
    client.force_login(facilitator)
    response = client.get(triage_url(event, theme="digital"))
    assert shown_number(response) == queue[1].number
    response = decide(client, event, queue[1], "accept", query={"theme": "digital"})
    location = response["Location"]
    assert "theme=digital" in location and "status=submitted" in location
    # Not queue[2], which has no theme: the next of the digital queue.
    assert shown_number(client.get(location)) == queue[3].number
    response = client.get(triage_url(event, language="en"))
    assert shown_number(response) == queue[3].number


def test_skip_and_back_follow_the_queue(client, facilitator, event, queue):
    client.force_login(facilitator)
    body = client.get(triage_url(event, idea=queue[1].pk)).content.decode()
    assert f"idea={queue[2].pk}" in body  # skip
    assert f"idea={queue[0].pk}" in body  # back


def test_the_last_decision_empties_the_queue(client, facilitator, event, queue):
    client.force_login(facilitator)
    for idea in queue:
        decide(client, event, idea, "accept")
    response = client.get(triage_url(event))
    assert shown_number(response) is None
    assert "0" in response.content.decode()


def test_a_stale_decision_is_refused_and_nothing_changes(
    client, facilitator, administrator, event, queue
):
    client.force_login(facilitator)
    shown = version_of(client, event, queue[0])
    # Someone else rejects it meanwhile.
    services.idea_set_status(
        idea=queue[0], status=Idea.Status.REJECTED, actor=administrator, reason="ซ้ำ"
    )
    before = state(queue[0])
    response = decide(client, event, queue[0], "accept", version=shown)
    assert response.status_code == 409
    assert state(queue[0]) == before
    assert any("someone else" in t or "ผู้อื่น" in t for t in messages_of(response))


@pytest.mark.parametrize(
    ("action", "fields", "field"),
    [
        ("reject", {"reason": "   "}, "reason"),
        ("reject", {"reason": "เหตุผลยาว " + "ก" * 5000}, "reason"),
        ("theme", {"theme": "no-such-theme"}, None),
        ("duplicate", {"duplicate_of": "self"}, "duplicate_of"),
        ("duplicate", {"duplicate_of": "999"}, "duplicate_of"),
        ("duplicate", {"duplicate_of": "other-event"}, "duplicate_of"),
        ("duplicate", {"duplicate_of": "สิบสอง"}, "duplicate_of"),
        ("tag", {"tags": " , "}, "tags"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(
    client, facilitator, event, other_event, queue, action, fields, field
):
    idea = queue[0]
    if fields.get("duplicate_of") == "self":
        fields = {"duplicate_of": str(idea.number)}
    if fields.get("duplicate_of") == "other-event":
        elsewhere = IdeaFactory(event=other_event, number=4321)
        fields = {"duplicate_of": str(elsewhere.number)}
    client.force_login(facilitator)
    before = state(idea)
    decisions = IdeaDecision.objects.count()
    response = decide(client, event, idea, action, **fields)
    assert response.status_code == 400
    assert state(idea) == before
    assert IdeaDecision.objects.count() == decisions
    # The same idea again, with the refusal said: which idea, or which limit.
    assert shown_number(response) == idea.number
    texts = messages_of(response)
    assert any(f"#{idea.number}" in text or "2000" in text for text in texts), texts
    if field and fields[field].strip():
        assert fields[field] in response.content.decode()


def test_the_suggestion_is_explained_in_words_not_percentages(
    client, facilitator, event, queue, themes
):
    Idea.objects.filter(pk=queue[0].pk).update(
        suggested_theme=themes[1],
        suggestion_confidence=0.999,
        suggestion_reasons={
            "nearest": [
                {"idea": queue[1].pk, "number": 2, "title": "a", "theme": "digital"},
                {"idea": queue[2].pk, "number": 3, "title": "b", "theme": "digital"},
                {"idea": queue[3].pk, "number": 4, "title": "c", "theme": "services"},
            ],
            "keywords": [],
        },
    )
    client.force_login(facilitator)
    body = client.get(triage_url(event)).content.decode()
    assert "รัฐบาลดิจิทัล" in body
    assert "2" in body and "3" in body
    assert "100%" not in body and "99%" not in body


def test_an_answer_template_answers_the_author_filled_in_for_their_idea(
    client, event, facilitator, queue
):
    template = services.answer_template_save(
        event=event,
        actor=facilitator,
        name="นอกโจทย์",
        status=Idea.Status.REJECTED,
        text_th="ไอเดีย #{number} อยู่นอกโจทย์ของงาน",
    )
    client.force_login(facilitator)
    page = client.get(triage_url(event, idea=queue[0].pk)).content.decode()
    assert f'data-text="ไอเดีย #{queue[0].number} อยู่นอกโจทย์ของงาน"' in page
    response = decide(client, event, queue[0], "reject", answer_template=template.pk)
    assert response.status_code == 302
    assert state(queue[0])[:2] == (
        "rejected",
        f"ไอเดีย #{queue[0].number} อยู่นอกโจทย์ของงาน",
    )
    # A typed answer wins over the template; an accept carries it too.
    decide(
        client, event, queue[1], "accept", reason="ขอบคุณ", answer_template=template.pk
    )
    assert state(queue[1])[:2] == ("accepted", "ขอบคุณ")


def test_an_unknown_answer_template_changes_nothing(client, event, facilitator, queue):
    client.force_login(facilitator)
    before = state(queue[0])
    for odd in ("999999", "abc", "9" * 40):
        response = decide(client, event, queue[0], "reject", answer_template=odd)
        assert response.status_code == 400
        assert state(queue[0]) == before
