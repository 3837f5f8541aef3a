import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas import services
from ideas.models import Contact, Idea
from tests.factories import SCRIPT, IdeaFactory

IMPORT_URL = reverse("ideas_import")
EXPORT_URL = reverse("ideas_export")

GOOD_CSV = (
    "\ufeffหัวข้อ,ปัญหา,แนวทางแก้ไข,ประเด็น\n"
    "ลดสำเนาเอกสาร,ต้องถ่ายสำเนาทุกครั้ง,ใช้ข้อมูลกลาง,services\n"
    f"ศูนย์บริการร่วม {SCRIPT},ต้องไปหลายที่,รวมบริการไว้ที่เดียว,\n"
).encode()
BAD_CSV = "title,problem,solution\nok,ปัญหา,ทางแก้\n,ไม่มีหัวข้อ,ทางแก้\n".encode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path


@pytest.fixture
def staff(client, facilitator):
    client.force_login(facilitator)
    return client


def upload(client, event, content, name="ideas.csv", **extra):
    return client.post(
        IMPORT_URL,
        {"event": event.pk, "file": SimpleUploadedFile(name, content), **extra},
    )


def test_upload_shows_a_dry_run_and_saves_nothing(staff, event, themes):
    response = upload(staff, event, GOOD_CSV)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 แถว" in body
    assert "หัวข้อ" in body  # the recognised Thai header is shown with its field
    assert SCRIPT not in body
    assert not Idea.objects.exists()


def test_confirm_imports_the_checked_file(staff, event, themes):
    preview = upload(staff, event, GOOD_CSV)
    upload_id = preview.context["form"].initial["upload"]
    response = staff.post(
        IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"}
    )
    assert response.status_code == 302
    assert Idea.objects.filter(event=event).count() == 2
    assert Idea.objects.get(theme__code="services").title == "ลดสำเนาเอกสาร"
    # The stored upload is gone: confirming again imports nothing more.
    staff.post(IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"})
    assert Idea.objects.count() == 2


def test_invalid_rows_are_listed_by_row_and_block_the_import(staff, event):
    preview = upload(staff, event, BAD_CSV)
    body = preview.content.decode()
    assert "title" in body and ">3<" in body  # row 3 of the file, column title
    upload_id = preview.context["form"].initial["upload"]
    staff.post(IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"})
    assert not Idea.objects.exists()
    staff.post(
        IMPORT_URL,
        {"event": event.pk, "upload": upload_id, "confirm": "1", "skip_invalid": "on"},
    )
    assert list(Idea.objects.values_list("title", flat=True)) == ["ok"]


def test_a_broken_file_gets_a_clear_message(staff, event):
    body = upload(staff, event, b"\x00\x01\x02binary", name="ideas.csv").content
    assert "ideas.csv" in body.decode()
    assert not Idea.objects.exists()


def test_another_sessions_upload_cannot_be_imported(staff, event, client, superuser):
    upload_id = upload(staff, event, GOOD_CSV).context["form"].initial["upload"]
    from django.test import Client

    other = Client()
    other.force_login(superuser)
    other.post(IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"})
    assert not Idea.objects.exists()


def test_policy_writers_cannot_import_or_export(client, policy_writer, event):
    client.force_login(policy_writer)
    assert client.get(IMPORT_URL).status_code in (302, 403)
    assert client.get(EXPORT_URL).status_code in (302, 403)


def test_export_download_has_public_ideas_and_no_personal_data(staff, event):
    accepted = IdeaFactory(event=event, status=Idea.Status.ACCEPTED)
    IdeaFactory(event=event, title="ยังไม่ได้พิจารณา")
    Contact.objects.create(
        idea=accepted,
        email="somchai@example.org",
        consent_at="2022-06-11T10:00:00+07:00",
        consent_text_version="v1",
    )
    response = staff.get(EXPORT_URL, {"event": event.pk, "format": "csv"})
    content = response.content.decode("utf-8")
    assert response["Content-Disposition"].startswith("attachment;")
    assert content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == [accepted.title]
    assert "somchai@example.org" not in content and "ยังไม่ได้พิจารณา" not in content


def test_an_event_number_past_a_database_integer_is_no_event(staff, event):
    # OverflowError on SQLite before (found by the fuzz test).
    for odd in ("9" * 40, "²"):
        response = staff.get(EXPORT_URL, {"event": odd, "format": "csv"})
        assert response.status_code in (200, 400)
        assert "Content-Disposition" not in response


def test_listing_offers_import_and_download(staff, event):
    body = staff.get(reverse("wagtailsnippets_ideas_idea:list")).content.decode()
    assert IMPORT_URL in body and EXPORT_URL in body


def test_polis_export_reads_as_comments(staff, event):
    idea = IdeaFactory(event=event, status=Idea.Status.ACCEPTED, title="=SUM(A1)")
    response = staff.get(EXPORT_URL, {"event": event.pk, "format": "polis"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]
    assert rows[0]["comment-id"] == str(idea.number)
    assert rows[0]["moderated"] == "1"
    assert rows[0]["comment-body"].startswith("'=SUM(A1)")  # no formula


def test_provenance_export_records_who_changed_what(staff, event, themes, facilitator):
    idea = IdeaFactory(
        event=event,
        status=Idea.Status.ACCEPTED,
        theme=themes[0],
        theme_source="participant",
    )
    services.idea_set_theme(idea=idea, theme=themes[1], actor=facilitator)
    response = staff.get(EXPORT_URL, {"event": event.pk, "format": "provenance"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert [
        (r["field"], r["from"], r["to"], r["source"], r["decided_by"]) for r in rows
    ] == [
        ("theme", "", "services", "participant", ""),
        ("theme", "services", "digital", "facilitator", "facilitator"),
    ]


@pytest.fixture
def worker_backend(db_worker, settings):
    settings.IDEAS_IMPORT_BACKGROUND_BYTES = 10  # every test file is "large"
    return db_worker


def test_a_large_file_is_checked_and_imported_by_the_worker(
    staff, event, themes, worker_backend
):
    response = upload(staff, event, GOOD_CSV)
    assert response.status_code == 302  # returned at once
    status_url = response["Location"]
    assert "ทำงานอยู่เบื้องหลัง" in staff.get(status_url).content.decode()
    worker_backend()
    checked = staff.get(status_url).content.decode()
    assert "2 แถว" in checked and not Idea.objects.exists()
    job_form = staff.get(status_url).context["form"]
    confirm = staff.post(
        IMPORT_URL,
        {"event": event.pk, "upload": job_form.initial["upload"], "confirm": "1"},
    )
    worker_backend()
    assert "นำเข้าแล้ว" in staff.get(confirm["Location"]).content.decode()
    assert Idea.objects.filter(event=event).count() == 2


def test_a_failed_background_import_shows_as_failed(staff, event, worker_backend):
    response = upload(staff, event, GOOD_CSV)
    event.delete()  # the worker cannot find the event any more
    worker_backend()
    body = staff.get(response["Location"]).content.decode()
    assert "ผิดพลาด" in body
    assert "นำเข้าแล้ว" not in body
    assert not Idea.objects.exists()
