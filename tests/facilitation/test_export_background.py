"""Large exports are written by the background worker; the request returns at once."""

import csv
import io
import json
import os
import time
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from ideas import tasks
from ideas.models import Contact, Idea
from tests.factories import SCRIPT, IdeaFactory

EXPORT_URL = reverse("ideas_export")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path


@pytest.fixture
def worker(db_worker, settings):
    settings.IDEAS_EXPORT_BACKGROUND_IDEAS = 1  # two public ideas are "many"
    return db_worker


def login(user) -> Client:
    # English, whatever the admin's Thai translations say: the assertions
    # read the words a facilitator sees.
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def public_ideas(event, themes):
    # With a theme, so the provenance export has a row for each.
    ideas = [
        IdeaFactory(event=event, status=Idea.Status.ACCEPTED, theme=themes[0]),
        IdeaFactory(event=event, status=Idea.Status.SHORTLISTED, theme=themes[1]),
    ]
    Contact.objects.create(
        idea=ideas[0],
        email="somchai@example.org",
        phone="0812345678",
        consent_at="2022-06-11T10:00:00+07:00",
        consent_text_version="v1",
    )
    IdeaFactory(event=event, title="ยังไม่ได้พิจารณา")  # submitted: never exported
    return ideas


def export_files(settings):
    folder = settings.PRIVATE_FILES_ROOT / "exports"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_large_export_is_written_by_the_worker_and_downloaded(
    facilitator, event, public_ideas, worker, settings
):
    client = login(facilitator)
    response = client.get(EXPORT_URL, {"event": event.pk, "format": "csv"})
    assert response.status_code == 302  # returned at once, nothing written yet
    status_url = response["Location"]
    assert export_files(settings) == []
    waiting = client.get(status_url).content.decode()
    assert "Waiting for the background worker" in waiting
    assert 'http-equiv="refresh"' in waiting

    worker()

    done = client.get(status_url)
    body = done.content.decode()
    download_url = reverse(
        "ideas_export_download", kwargs={"result_id": done.context["result"].id}
    )
    assert "The file is ready: 2 ideas." in body
    assert download_url in body and 'http-equiv="refresh"' not in body
    assert SCRIPT not in body  # the event's title is escaped
    # The file sits in a private folder under a random name, not a public URL.
    assert settings.MEDIA_URL not in body
    [path] = export_files(settings)
    assert event.slug not in path.name

    download = client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{event.slug}-ideas.csv"'
    )
    content = b"".join(download.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    assert [row["title"] for row in rows] == [idea.title for idea in public_ideas]
    assert "somchai@example.org" not in content and "0812345678" not in content
    assert "ยังไม่ได้พิจารณา" not in content


@pytest.mark.parametrize("fmt", ["xlsx", "json", "polis", "provenance"])
def test_every_format_can_be_exported_in_the_background(
    facilitator, event, public_ideas, worker, fmt
):
    client = login(facilitator)
    status_url = client.get(EXPORT_URL, {"event": event.pk, "format": fmt})["Location"]
    worker()
    result_id = client.get(status_url).context["result"].id
    download = client.get(
        reverse("ideas_export_download", kwargs={"result_id": result_id})
    )
    data = b"".join(download.streaming_content)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(data)).active
        titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    elif fmt == "json":
        titles = [idea["title"] for idea in json.loads(data)["ideas"]]
    else:
        text = data.decode("utf-8").lstrip("\ufeff")
        titles = [idea.title for idea in public_ideas if idea.title in text]
    assert titles == [idea.title for idea in public_ideas]
    assert b"somchai@example.org" not in data


def test_only_those_who_may_export_the_event_see_the_file(
    facilitator,
    facilitator_other_event,
    administrator,
    policy_writer,
    event,
    public_ideas,
    worker,
):
    status_url = login(facilitator).get(
        EXPORT_URL, {"event": event.pk, "format": "csv"}
    )["Location"]
    worker()
    result_id = status_url.rstrip("/").rsplit("/", 1)[-1]
    download_url = reverse("ideas_export_download", kwargs={"result_id": result_id})

    elsewhere = login(facilitator_other_event)
    assert elsewhere.get(status_url).status_code == 404
    assert elsewhere.get(download_url).status_code == 404
    writer = login(policy_writer)
    assert writer.get(status_url).status_code in (302, 403)
    assert writer.get(download_url).status_code in (302, 403)
    anonymous = Client()
    assert anonymous.get(download_url).status_code == 302  # to the login
    # An administrator facilitates every event, and so may download it.
    assert login(administrator).get(download_url).status_code == 200


def test_an_import_result_is_not_an_export(facilitator, event, worker):
    result = tasks.embed_event_ideas.enqueue(event_id=event.pk)
    client = login(facilitator)
    url = reverse("ideas_export_status", kwargs={"result_id": result.id})
    assert client.get(url).status_code == 404


def test_a_failed_export_shows_as_failed_with_the_reason(
    facilitator, event, public_ideas, worker, monkeypatch, settings
):
    def disk_full(*, event, format, stream):
        stream.write("half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("ideas.exporting.export_ideas", disk_full)
    client = login(facilitator)
    status_url = client.get(EXPORT_URL, {"event": event.pk, "format": "csv"})[
        "Location"
    ]
    worker()

    response = client.get(status_url)
    body = response.content.decode()
    assert "The export failed" in body and "No space left on device" in body
    assert "The file is ready" not in body
    assert 'http-equiv="refresh"' not in body  # finished: it stops waiting
    assert DBTaskResult.objects.get().status == "FAILED"
    # Nothing half-written is left, nor offered.
    assert export_files(settings) == []
    download_url = reverse(
        "ideas_export_download", kwargs={"result_id": response.context["result"].id}
    )
    assert client.get(download_url).status_code == 404


def test_an_export_whose_event_was_deleted_fails_for_whoever_asked(
    facilitator, event, public_ideas, worker
):
    client = login(facilitator)
    status_url = client.get(EXPORT_URL, {"event": event.pk, "format": "json"})[
        "Location"
    ]
    Idea.objects.filter(event=event).delete()  # ideas keep their event
    event.delete()
    worker()
    body = client.get(status_url).content.decode()
    assert "The export failed" in body and "The event was deleted" in body


def test_a_small_export_downloads_at_once(facilitator, event, public_ideas, settings):
    settings.IDEAS_EXPORT_BACKGROUND_IDEAS = 2  # exactly at the limit: in-request
    response = login(facilitator).get(EXPORT_URL, {"event": event.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert len(rows) == 2
    assert not DBTaskResult.objects.exists()
    assert export_files(settings) == []


def test_housekeeping_deletes_old_exports(
    facilitator, event, public_ideas, worker, settings
):
    client = login(facilitator)
    old_status = client.get(EXPORT_URL, {"event": event.pk, "format": "csv"})[
        "Location"
    ]
    worker()
    [old] = export_files(settings)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    new_status = client.get(EXPORT_URL, {"event": event.pk, "format": "xlsx"})[
        "Location"
    ]
    worker()

    call_command("purge_contacts", stdout=io.StringIO())

    [kept] = export_files(settings)
    assert kept != old and kept.suffix == ".xlsx"
    body = client.get(old_status).content.decode()
    assert "The file has been deleted" in body
    old_id = old_status.rstrip("/").rsplit("/", 1)[-1]
    download = reverse("ideas_export_download", kwargs={"result_id": old_id})
    assert client.get(download).status_code == 404
    assert "The file is ready" in client.get(new_status).content.decode()


def test_an_export_whose_worker_was_killed_shows_as_stopped(
    facilitator, event, public_ideas, worker, settings
):
    # A worker killed mid-export leaves its task "running" for ever; once its
    # half-written file has been silent too long the page says so and offers
    # a new export instead of waiting.
    settings.IDEAS_EXPORT_STALE_SECONDS = 600
    client = login(facilitator)
    status_url = client.get(EXPORT_URL, {"event": event.pk, "format": "csv"})[
        "Location"
    ]
    task = DBTaskResult.objects.get()
    partial = f"{task.args_kwargs['kwargs']['path']}.part"
    os.makedirs(os.path.dirname(partial), exist_ok=True)
    with open(partial, "w", encoding="utf-8") as f:
        f.write("half a file")
    started = time.time() - 3600
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING",
        started_at=datetime.fromtimestamp(started, tz=UTC),
    )

    # Still writing a minute ago: it is running.
    os.utime(partial, (time.time() - 60, time.time() - 60))
    body = client.get(status_url).content.decode()
    assert "is writing the file" in body and 'http-equiv="refresh"' in body

    os.utime(partial, (time.time() - 900, time.time() - 900))
    body = client.get(status_url).content.decode()
    assert "The export stopped" in body and "Start again" in body
    assert 'http-equiv="refresh"' not in body
    assert "Download" not in body.split("</header>")[-1]
