import json
import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ideas import services
from ideas.models import Contact, Idea

URL = reverse("personal_data")


@pytest.fixture
def submitted(event):
    def submit(email, title):
        return services.idea_submit(
            event=event,
            title=title,
            problem="ปัญหา",
            solution="ทางแก้",
            contact_name="สมชาย ใจดี",
            contact_email=email,
            consent=True,
        ).idea

    return [
        submit("Somchai@Example.org", "ไอเดียแรก"),
        submit("somchai@example.org", "ไอเดียที่สอง"),
        submit("other@example.org", "ไอเดียคนอื่น"),
    ]


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_find_everything_held_about_an_email(admin_client, submitted):
    body = admin_client.post(URL, {"email": "somchai@example.org"}).content.decode()
    assert "ไอเดียแรก" in body and "ไอเดียที่สอง" in body
    assert "ไอเดียคนอื่น" not in body


def test_download_the_data_as_json(admin_client, submitted):
    response = admin_client.post(
        URL, {"email": "somchai@example.org", "action": "download"}
    )
    report = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert [c["idea"]["title"] for c in report["contacts"]] == ["ไอเดียแรก", "ไอเดียที่สอง"]


def test_erase_deletes_contacts_and_keeps_ideas(admin_client, submitted, caplog):
    with caplog.at_level(logging.DEBUG):
        admin_client.post(URL, {"email": "somchai@example.org", "action": "erase"})
    assert list(Contact.objects.values_list("email", flat=True)) == [
        "other@example.org"
    ]
    assert Idea.objects.count() == 3
    assert "somchai" not in caplog.text.lower()


def test_email_never_travels_in_the_url(admin_client, submitted):
    body = admin_client.post(URL, {"email": "somchai@example.org"}).content.decode()
    assert "?email=" not in body
    assert (
        admin_client.get(URL, {"email": "somchai@example.org"}).context.get("report")
        is None
    )


def test_facilitators_cannot_reach_personal_data(client, privacy_officer, submitted):
    client.force_login(privacy_officer)
    response = client.post(URL, {"email": "somchai@example.org", "action": "erase"})
    assert response.status_code in (302, 403)
    assert Contact.objects.count() == 3


def test_contacts_are_purged_after_the_retention_period(submitted, settings):
    settings.IDEAS_CONTACT_RETENTION_DAYS = 30
    Contact.objects.filter(idea=submitted[0]).update(
        consent_at=timezone.now() - timedelta(days=31)
    )
    call_command("purge_contacts", "--dry-run")
    assert Contact.objects.count() == 3
    call_command("purge_contacts")
    assert Contact.objects.count() == 2
    assert Idea.objects.count() == 3


def test_the_form_states_the_retention_period(client, event, settings):
    settings.IDEAS_CONTACT_RETENTION_DAYS = 180
    assert "180" in client.get(event.url).content.decode()


def test_purge_also_deletes_import_uploads_left_for_a_day(settings, tmp_path, db):
    import os
    import time

    settings.PRIVATE_FILES_ROOT = tmp_path
    folder = tmp_path / "imports"
    folder.mkdir()
    old, fresh = folder / "old.csv", folder / "fresh.csv"
    old.write_text("title,email\nไอเดีย,somchai@example.org\n")
    fresh.write_text("title\nไอเดีย\n")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    call_command("purge_contacts")
    assert not old.exists() and fresh.exists()
