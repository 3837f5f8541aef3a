"""Uploads on the import screen: refused early, deleted at once, choices kept.

An upload may hold columns of personal data the import never reads: one
that is refused or cannot be read must not stay under PRIVATE_FILES_ROOT.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ideas.models import Idea

IMPORT_URL = reverse("ideas_import")
GOOD_CSV = "title,problem,solution\nคิวออนไลน์,รอนาน,จองล่วงหน้า\n".encode()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def staff(client, facilitator):
    client.force_login(facilitator)
    return client


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def upload(client, event, content, name="ideas.csv", **extra):
    return client.post(
        IMPORT_URL,
        {"event": event.pk, "file": SimpleUploadedFile(name, content), **extra},
    )


CHOICES = {"sheet": "", "column_map": "Column A=title", "skip_invalid": "on"}


def assert_choices_kept(response, event):
    form = response.context["form"]
    assert form["event"].value() == str(event.pk)
    assert form["column_map"].value() == CHOICES["column_map"]
    assert form["skip_invalid"].value() is True


def zip_bomb_xlsx() -> bytes:
    """A real workbook whose sheet is padded with 16 MB of spaces (16 KB zipped)."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["title", "problem", "solution"])
    workbook.active.append(["คิวออนไลน์", "รอนาน", "จองล่วงหน้า"])
    plain = io.BytesIO()
    workbook.save(plain)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                padding = b" " * (16 * 1024 * 1024)
                content = content.replace(b"</worksheet>", padding + b"</worksheet>")
            target.writestr(item.filename, content)
    return bomb.getvalue()


@pytest.mark.parametrize(
    "size", [2 * 1024 + 10, 200 * 1024], ids=["just-over", "far-over"]
)
def test_an_oversized_upload_is_refused_and_leaves_no_file(
    staff, event, settings, private_root, size
):
    settings.IDEAS_IMPORT_MAX_BYTES = 2 * 1024
    content = GOOD_CSV + b"x,y,z\n" * (size // 6)

    response = upload(staff, event, content, **CHOICES)

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("2 KB" in error for error in errors)
    assert_choices_kept(response, event)
    assert files_under(private_root) == []
    assert not Idea.objects.exists()


def test_the_upload_is_stored_as_sent_for_the_confirmation(staff, event, private_root):
    response = upload(staff, event, GOOD_CSV)

    upload_id = response.context["form"].initial["upload"]
    [stored] = files_under(private_root)
    assert stored.name == f"{upload_id}.csv"
    assert stored.read_bytes() == GOOD_CSV
    staff.post(IMPORT_URL, {"event": event.pk, "upload": upload_id, "confirm": "1"})
    assert Idea.objects.get().title == "คิวออนไลน์"
    assert files_under(private_root) == []


def test_a_zip_bomb_xlsx_is_refused_with_a_message_and_deleted(
    staff, event, private_root
):
    content = zip_bomb_xlsx()
    assert len(content) < 256 * 1024  # small enough to be read in the request

    response = upload(staff, event, content, name="bomb.xlsx", **CHOICES)

    assert response.status_code == 200
    body = response.content.decode()
    assert "bomb.xlsx" in body
    assert "100" in " ".join(response.context["form"].non_field_errors())
    assert_choices_kept(response, event)
    assert response.context["form"]["upload"].value() == ""
    assert files_under(private_root) == []
    assert not Idea.objects.exists()


def test_an_unreadable_upload_is_deleted_at_once(staff, event, private_root):
    response = upload(staff, event, b"\x00\x01\x02binary", **CHOICES)

    assert "ideas.csv" in response.content.decode()
    assert_choices_kept(response, event)
    assert files_under(private_root) == []


def test_a_refused_form_keeps_no_file(staff, event, other_event, private_root):
    response = upload(staff, other_event, GOOD_CSV)  # not this facilitator's

    assert response.context["form"].errors["event"]
    assert files_under(private_root) == []


def test_someone_who_may_not_import_writes_nothing(
    client, policy_writer, event, private_root
):
    client.force_login(policy_writer)

    response = upload(client, event, GOOD_CSV)

    assert response.status_code in (302, 403)
    assert files_under(private_root) == []


def test_a_column_map_too_long_is_refused_by_the_form(staff, event, private_root):
    response = upload(staff, event, GOOD_CSV, column_map="A=title," * 12_500)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["column_map"])
    assert "5000" in errors or "5,000" in errors
    assert files_under(private_root) == []


def test_a_small_xlsx_that_inflates_far_goes_to_the_worker(
    staff, event, settings, db_worker
):
    # Judged by what its XML inflates to, as the same table in CSV would be.
    settings.IDEAS_IMPORT_BACKGROUND_BYTES = 48 * 1024
    workbook = openpyxl.Workbook()
    workbook.active.append(["title", "problem", "solution"])
    for number in range(2000):
        workbook.active.append([f"ไอเดีย {number}", "รอนาน", "จองล่วงหน้า"])
    content = io.BytesIO()
    workbook.save(content)
    assert len(content.getvalue()) < settings.IDEAS_IMPORT_BACKGROUND_BYTES

    response = upload(staff, event, content.getvalue(), name="ideas.xlsx")

    assert response.status_code == 302
    status_prefix = reverse("ideas_import_status", kwargs={"result_id": "0"})[:-2]
    assert response["Location"].startswith(status_prefix)


def test_a_file_the_worker_cannot_read_is_deleted_when_reported(
    staff, event, settings, db_worker, private_root
):
    settings.IDEAS_IMPORT_BACKGROUND_BYTES = 10
    response = upload(staff, event, b"\x00\x01\x02binary" * 10)
    assert len(files_under(private_root)) == 1
    db_worker()
    assert files_under(private_root) == []  # the worker deleted it, unasked

    body = staff.get(response["Location"]).content.decode()

    assert "ideas.csv" in body
    assert files_under(private_root) == []
