import logging

import pytest

from ideas.models import Contact, Idea
from tests.factories import SCRIPT

VALID = {
    "title": "ระบบข้อมูลกลางภาครัฐ",
    "problem": "ประชาชนต้องยื่นสำเนาบัตรประชาชนซ้ำทุกครั้ง",
    "solution": "เชื่อมข้อมูลระหว่างหน่วยงานผ่านระบบกลาง",
    "benefit": "ลดเวลาและค่าใช้จ่าย",
    "agencies": "สำนักงาน ก.พ.ร., สพร.",
    "team_name": "ทีมไร้รอยต่อ",
    "theme": "not-sure",
}


def post(client, event, **changes):
    if "csrftoken" not in client.cookies:
        client.get(event.url)  # as a browser does: the form page sets the cookie
    data = {**VALID, **changes}
    return client.post(event.url, {k: v for k, v in data.items() if v is not None})


def test_anonymous_submission_leads_to_the_private_tracking_page(client, event, themes):
    response = post(client, event, theme="digital")
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.theme.code == "digital"
    assert not Contact.objects.exists()
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "ได้รับไอเดียของคุณแล้ว" in body
    assert response["Location"].split("?")[0] in body  # the link to keep
    assert "ระบบข้อมูลกลางภาครัฐ" in body
    assert "ส่งแล้ว" in body  # status in Thai


def test_not_sure_leaves_the_theme_open(client, event, themes):
    post(client, event)
    assert Idea.objects.get().theme is None


def test_contact_with_consent_is_stored_and_never_shown(client, event):
    response = post(
        client,
        event,
        contact_name="สมชาย ใจดี",
        contact_email="somchai@example.org",
        contact_phone="080-000-0101",
        consent="on",
    )
    assert Contact.objects.get().email == "somchai@example.org"
    body = client.get(response["Location"]).content.decode()
    assert "somchai@example.org" not in body and "080-000-0101" not in body
    assert "somchai" not in response["Location"]


def test_contact_without_consent_is_refused_and_input_kept(client, event):
    response = post(client, event, contact_email="somchai@example.org")
    body = response.content.decode()
    assert response.status_code == 400
    assert not Idea.objects.exists()
    assert "ติ๊กช่องนี้" in body
    assert 'value="somchai@example.org"' in body
    assert "ประชาชนต้องยื่นสำเนาบัตรประชาชนซ้ำทุกครั้ง" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "ต้องกรอก"),
        ("title", "   \u200b ", "ต้องกรอก"),
        ("problem", "\n\n", "ต้องกรอก"),
        ("title", "ก" * 201, "200"),
        ("solution", "ข" * 5001, "5000"),
        ("contact_email", "not-an-email", "อีเมล"),
    ],
)
def test_bad_input_names_the_field_and_keeps_the_rest(
    client, event, field, value, message
):
    response = post(client, event, **{field: value})
    body = response.content.decode()
    assert response.status_code == 400
    assert not Idea.objects.exists()
    assert f'id="id_{field}_error"' in body
    assert message in body
    assert 'aria-invalid="true"' in body
    for name in ("title", "problem", "solution"):
        if name != field:
            assert VALID[name] in body


def test_errors_come_in_english_for_english_readers(client, event):
    client.cookies["django_language"] = "en"
    body = post(client, event, title="").content.decode()
    assert "Please fill in this field." in body
    assert "Please correct the following" in body


def test_markup_is_stored_as_typed_and_shown_as_text(client, event):
    response = post(
        client, event, title=f"ไอเดีย {SCRIPT}", problem=f"<b>ตัวหนา</b>{SCRIPT}"
    )
    assert Idea.objects.get().title == f"ไอเดีย {SCRIPT}"
    body = client.get(response["Location"]).content.decode()
    assert SCRIPT not in body and "<b>ตัวหนา" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_closed_event_stores_nothing_and_says_so(client, event):
    event.submissions_open = False
    event.save()
    response = post(client, event)
    assert response.status_code == 403
    assert "ไม่เปิดรับไอเดียแล้ว" in response.content.decode()
    assert not Idea.objects.exists()


def test_double_submit_stores_one_idea(client, event):
    first = post(client, event)
    second = post(client, event)
    assert Idea.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_two_people_sending_the_same_text_get_two_ideas(
    client, event, django_user_model
):
    from django.test import Client

    post(client, event)
    post(Client(), event)
    assert Idea.objects.count() == 2


def test_no_personal_data_in_logs(client, event, caplog):
    with caplog.at_level(logging.DEBUG):
        post(
            client,
            event,
            contact_name="สมชาย ใจดี",
            contact_email="somchai@example.org",
            contact_phone="080-000-0101",
            consent="on",
        )
    assert Idea.objects.count() == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "somchai@example.org" not in logged and "080-000-0101" not in logged


def test_mails_about_changes_are_asked_for_on_the_form_and_need_an_address(
    client, event
):
    refused = post(
        client, event, contact_name="สมชาย", consent="on", notify_by_email="on"
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert VALID["problem"] in body  # what was typed is kept
    assert not Idea.objects.exists()
    taken = post(
        client,
        event,
        contact_email="somchai@example.org",
        consent="on",
        notify_by_email="on",
    )
    assert taken.status_code == 302
    assert Contact.objects.get().notify_by_email
