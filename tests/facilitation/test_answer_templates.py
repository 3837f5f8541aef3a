"""Answer templates: written once per event, given to many authors in bulk."""

import pytest
from django.urls import reverse

from ideas import answers, services
from ideas.models import AnswerTemplate, Idea
from tests.factories import SCRIPT, IdeaFactory, UserFactory
from workbench import roles


def screen(event):
    return reverse("workbench:answers", args=[event.pk])


def bulk_url(action, ideas):
    ids = "&".join(f"id={idea.pk}" for idea in ideas)
    return f"{reverse('wagtail_bulk_action', args=['ideas', 'idea', action])}?{ids}"


@pytest.fixture
def template(event, facilitator):
    return services.answer_template_save(
        event=event,
        actor=facilitator,
        name="นอกประเด็น",
        status=Idea.Status.REJECTED,
        text_th="ขอบคุณสำหรับไอเดีย #{number} “{title}” ซึ่งอยู่นอกโจทย์ของ {event}",
        text_en="Thank you for idea #{number} “{title}”: outside {event}'s brief.",
    )


def test_a_facilitator_adds_changes_and_deletes_a_template(client, event, facilitator):
    client.force_login(facilitator)
    data = {
        "name": f"ขอบคุณ {SCRIPT}",
        "status": "accepted",
        "text_th": "ขอบคุณสำหรับไอเดีย #{number}",
        "text_en": "",
    }
    assert client.post(screen(event), data).status_code == 302
    saved = AnswerTemplate.objects.get(event=event)
    page = client.get(screen(event)).content.decode()
    assert "ขอบคุณสำหรับไอเดีย #{number}" in page and SCRIPT not in page
    client.post(screen(event), {**data, "template": saved.pk, "text_th": "ใหม่"})
    saved.refresh_from_db()
    assert saved.text_th == "ใหม่"
    client.post(screen(event), {"delete": saved.pk})
    assert not AnswerTemplate.objects.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("ขอบคุณ {name}", "{name}"),
        ("ขอบคุณ {title.__class__}", "{title.__class__}"),
        ("ขอบคุณ {number!r}", "{number!r}"),
        ("วงเล็บไม่ปิด {number", "{{"),
        ("ย" * 2001, "2000"),
    ],
)
def test_a_bad_template_is_refused_with_a_message_and_kept_as_typed(
    client, event, facilitator, text, says
):
    client.force_login(facilitator)
    response = client.post(
        screen(event), {"name": "แม่แบบ", "status": "", "text_th": text}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert says in body
    assert text[:50] in body
    assert not AnswerTemplate.objects.exists()


def test_two_templates_of_an_event_cannot_share_a_name(
    client, event, facilitator, template
):
    client.force_login(facilitator)
    response = client.post(
        screen(event), {"name": template.name, "status": "", "text_th": "อื่น"}
    )
    assert response.status_code == 400
    assert AnswerTemplate.objects.count() == 1


def test_readers_see_the_templates_and_cannot_change_them(
    client, event, template, other_event
):
    reader = UserFactory(groups=[roles.POLICY_WRITER])
    client.force_login(reader)
    assert client.get(screen(event)).status_code == 200
    response = client.post(screen(event), {"delete": template.pk})
    assert response.status_code == 403
    outsider = UserFactory(groups=[roles.FACILITATOR])
    client.force_login(outsider)
    assert client.post(screen(event), {"delete": template.pk}).status_code == 403
    assert AnswerTemplate.objects.filter(pk=template.pk).exists()


def test_another_event_s_template_cannot_be_opened_here(
    client, event, other_event, facilitator, template
):
    client.force_login(facilitator)
    elsewhere = reverse("workbench:answers", args=[other_event.pk])
    for odd in ("999999", "9" * 40, "²", "abc"):
        assert client.get(f"{screen(event)}?edit={odd}").status_code == 404
    assert client.post(elsewhere, {"delete": template.pk}).status_code == 403
    assert AnswerTemplate.objects.filter(pk=template.pk).exists()


def test_bulk_reject_with_a_template_answers_each_author_in_their_language(
    client, event, facilitator, template
):
    thai = IdeaFactory(event=event, title="ไอเดียไทย")
    english = IdeaFactory(event=event, title="English idea", language="en")
    client.force_login(facilitator)
    response = client.post(
        bulk_url("reject", [thai, english]), {"template": template.pk, "reason": ""}
    )
    assert response.status_code == 302
    thai.refresh_from_db()
    english.refresh_from_db()
    assert thai.status == english.status == Idea.Status.REJECTED
    assert thai.status_reason.startswith(f"ขอบคุณสำหรับไอเดีย #{thai.number} “ไอเดียไทย”")
    assert english.status_reason.startswith(f"Thank you for idea #{english.number}")
    assert thai.decisions.get().reason == thai.status_reason


def test_bulk_accept_with_a_typed_answer_fills_its_placeholders(
    client, event, facilitator
):
    ideas = [IdeaFactory(event=event), IdeaFactory(event=event)]
    client.force_login(facilitator)
    client.post(bulk_url("accept", ideas), {"reason": "ไอเดีย #{number} ผ่านแล้ว"})
    for idea in ideas:
        idea.refresh_from_db()
        assert idea.status_reason == f"ไอเดีย #{idea.number} ผ่านแล้ว"


def test_bulk_answers_with_unknown_placeholders_change_nothing(
    client, event, facilitator
):
    idea = IdeaFactory(event=event)
    client.force_login(facilitator)
    response = client.post(bulk_url("accept", [idea]), {"reason": "สวัสดี {author}"})
    assert response.status_code == 200
    assert "{author}" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SUBMITTED and not idea.decisions.exists()


def test_bulk_reject_needs_an_answer(client, event, facilitator):
    idea = IdeaFactory(event=event)
    client.force_login(facilitator)
    response = client.post(bulk_url("reject", [idea]), {"reason": "  "})
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SUBMITTED


def test_a_template_fills_in_only_known_values():
    text = answers.fill(
        "#{number} {title} {{ok}}", number=7, title="ก", event="", theme=""
    )
    assert text == "#7 ก {ok}"
