"""Exporting an event's public ideas as open data."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ideas import exporting, selectors
from ideas.models import Contact, Idea
from tests.factories import SCRIPT, EventPageFactory, IdeaFactory, ThemeFactory

BANGKOK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def ideas(event, themes):
    accepted = IdeaFactory(
        event=event,
        number=1,
        status=Idea.Status.ACCEPTED,
        theme=themes[1],
        theme_source=Idea.ThemeSource.FACILITATOR,
        team_name="ทีม =สอง",
        agencies="-กรมการปกครอง",
    )
    accepted.tags.add("ข้อมูล", "open data")
    shortlisted = IdeaFactory(
        event=event,
        number=2,
        title='=HYPERLINK("http://evil.example","คลิก")',
        problem="+ประชาชนรอคิว\n- หลายชั่วโมง",
        solution="@SUM(1+1)",
        status=Idea.Status.SHORTLISTED,
    )
    Idea.objects.filter(pk=shortlisted.pk).update(
        created_at=datetime(2022, 6, 11, 10, 15, tzinfo=BANGKOK)
    )
    rejected = IdeaFactory(
        event=event, number=3, title="ถูกปฏิเสธ", status=Idea.Status.REJECTED
    )
    submitted = IdeaFactory(event=event, number=4, title="รอพิจารณา")
    for idea in (accepted, rejected, submitted):
        Contact.objects.create(
            idea=idea,
            name="สมชาย ใจดี",
            email=f"author{idea.number}@example.org",
            phone="080 000 0101",
            consent_at=timezone.now(),
            consent_text_version="v1",
        )
    return accepted, shortlisted


def export(event, fmt, tmp_path=None):
    """The command's output: bytes of the file written, or stdout text."""
    out = io.StringIO()
    args = ["export_ideas", "--event", event.slug, "--format", fmt]
    if tmp_path is None:
        call_command(*args, stdout=out, stderr=io.StringIO())
        return out.getvalue()
    path = tmp_path / f"ideas.{fmt}"
    call_command(*args, "--output", str(path), stdout=out, stderr=io.StringIO())
    return path


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_public_ideas_only_with_documented_columns(event, ideas):
    rows = csv_rows(export(event, "csv"))

    assert list(rows[0]) == list(exporting.COLUMNS)
    assert [row["number"] for row in rows] == ["1", "2"]
    accepted = rows[0]
    assert accepted["theme_code"] == "digital"
    assert accepted["theme_name_th"] == "รัฐบาลดิจิทัล"
    assert accepted["theme_name_en"] == "Digital"
    assert accepted["status"] == "accepted"
    assert accepted["language"] == "th"
    assert accepted["tags"] == "open data; ข้อมูล"
    assert rows[1]["status"] == "shortlisted"
    assert rows[1]["submitted_at"] == "2022-06-11T10:15:00+07:00"
    # HTML is text in open data, neither escaped nor stripped.
    assert accepted["problem"] == f"ปัญหาคือเอกสารซ้ำซ้อน {SCRIPT}"


def test_selector_is_the_one_rule_for_public_ideas(event, ideas):
    assert list(selectors.ideas_public(event=event)) == list(ideas)


@pytest.mark.parametrize("fmt", exporting.FORMATS)
def test_export_never_contains_personal_data_or_secrets(event, ideas, tmp_path, fmt):
    data = export(event, fmt, tmp_path).read_bytes()
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        data = "\n".join(
            str(cell) for row in workbook.active.iter_rows(values_only=True)
            for cell in row
        ).encode()  # fmt: skip
    text = data.decode("utf-8-sig")

    assert ideas[0].title in text
    for idea in Idea.objects.all():
        assert idea.tracking_token_hash not in text
        assert idea.fingerprint not in text
    for contact in Contact.objects.all():
        assert contact.email not in text
        assert contact.name not in text
        assert contact.phone not in text
    assert "ถูกปฏิเสธ" not in text
    assert "รอพิจารณา" not in text


def test_csv_is_utf8_with_bom(event, ideas, tmp_path):
    data = export(event, "csv", tmp_path).read_bytes()

    assert data.startswith(b"\xef\xbb\xbfnumber,title,")
    assert "รัฐบาลดิจิทัล".encode() in data


def test_csv_guards_against_formula_injection(event, ideas):
    rows = csv_rows(export(event, "csv"))

    assert rows[1]["title"] == '\'=HYPERLINK("http://evil.example","คลิก")'
    assert rows[1]["problem"].startswith("'+ประชาชน")
    assert rows[1]["solution"] == "'@SUM(1+1)"
    assert rows[0]["agencies"] == "'-กรมการปกครอง"
    assert rows[0]["team"] == "ทีม =สอง"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))


def test_xlsx_stores_formula_like_text_as_text(event, ideas, tmp_path):
    workbook = openpyxl.load_workbook(export(event, "xlsx", tmp_path))
    sheet = workbook["ideas"]
    header = [cell.value for cell in sheet[1]]
    title = sheet.cell(row=3, column=header.index("title") + 1)

    assert header == list(exporting.COLUMNS)
    # Text, shown as typed: no formula, no visible quote.
    assert title.data_type == "s"
    assert title.value == ideas[1].title
    assert title.quotePrefix
    assert sheet.cell(row=2, column=1).value == 1


def test_json_has_the_event_and_plain_text(event, ideas):
    document = json.loads(export(event, "json"))

    assert document["event"]["slug"] == event.slug
    assert document["columns"] == list(exporting.COLUMNS)
    first, second = document["ideas"]
    assert first["tags"] == ["open data", "ข้อมูล"]
    # JSON is not a spreadsheet: no quote in front.
    assert second["solution"] == "@SUM(1+1)"
    assert SCRIPT in first["problem"]


def test_xlsx_needs_an_output_file(event, ideas):
    with pytest.raises(CommandError, match="--output"):
        export(event, "xlsx")


@pytest.mark.parametrize("fmt", exporting.DATA_FORMATS)
def test_round_trip_into_a_new_event(event, event_index, ideas, tmp_path, fmt):
    path = export(event, fmt, tmp_path)
    other = EventPageFactory(parent=event_index)
    for theme in event.themes.all():
        ThemeFactory(event=other, code=theme.code)

    call_command(
        "import_ideas", str(path), "--event", other.slug, stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip

    # Language is detected again on import, as for any new idea.
    def content(event):
        return [
            (
                idea.title,
                idea.problem,
                idea.solution,
                idea.benefit,
                idea.agencies,
                idea.team_name,
                idea.theme.code if idea.theme else "",
                sorted(idea.tags.names()),
                idea.created_at,
            )
            for idea in selectors.ideas_public(event=event)
        ]

    imported = Idea.objects.filter(event=other).order_by("number")
    assert [idea.external_id for idea in imported] == ["1", "2"]
    assert all(idea.status == Idea.Status.SUBMITTED for idea in imported)
    assert not Contact.objects.filter(idea__event=other).exists()
    for idea in imported:
        idea.status = Idea.Status.ACCEPTED
        idea.save()
    assert content(other) == content(event)

    # Importing the same export again changes nothing.
    out = io.StringIO()
    call_command(
        "import_ideas", str(path), "--event", other.slug, stdout=out,
        stderr=io.StringIO(),
    )  # fmt: skip
    assert json.loads(out.getvalue().splitlines()[-1])["skipped"] == 2
    assert Idea.objects.filter(event=other).count() == 2
