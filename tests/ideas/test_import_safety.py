"""Imports against hostile files and against participants' own words.

A file within the size limit must not cost unbounded memory or time to read
(zip bombs, rows of a million cells, nested empty lists), and no file may
rewrite what a participant sent on the site.
"""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from ideas import importing, services
from ideas.models import Idea
from tests.factories import SCRIPT
from tests.ideas.test_importing import HEADER, run_import, write_csv

# Spreadsheet XML may be padded with whitespace between elements; a zip
# deflates that about a thousandfold, which makes a bomb openpyxl still reads.
PADDING = b" " * (16 * 1024 * 1024)


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezipped(data: bytes, *, pad: bytes = b"", extra: dict | None = None) -> bytes:
    """The workbook with its sheet padded and other parts added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", pad + b"</worksheet>")
            target.writestr(item.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


GOOD_ROWS = [HEADER, ["Queue app", "Long queues", "Book online"]]


# Zip bombs and other inflated spreadsheets


def test_xlsx_that_inflates_a_thousandfold_is_refused_before_reading(event, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rezipped(workbook_bytes(GOOD_ROWS), pad=PADDING))
    assert path.stat().st_size < 256 * 1024  # read within a request, before

    ok, result, err = run_import(path, event)

    assert not ok
    message = result["errors"][0]["message"]
    assert "inflates" in message and "at most 100 times" in message
    assert "Traceback" not in err
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("parts", "max_bytes", "message"),
    [
        # Parts small enough that no ratio is judged, but too much together
        # (the limit below lets a file inflate to at most 2 MB).
        (
            {f"xl/media/part{n}.bin": b"\0" * 900_000 for n in range(3)},
            64 * 1024,
            "inflates to 2.6 MB; at most 2.0 MB",
        ),
        ({f"xl/media/image{n}.png": b"" for n in range(1000)}, None, "1,009 parts"),
    ],
    ids=["inflated-in-all", "too-many-parts"],
)
def test_xlsx_past_the_zip_bounds_is_refused(
    event, tmp_path, settings, parts, max_bytes, message
):
    if max_bytes:
        settings.IDEAS_IMPORT_MAX_BYTES = max_bytes
    path = tmp_path / "parts.xlsx"
    path.write_bytes(rezipped(workbook_bytes(GOOD_ROWS), extra=parts))

    ok, result, _err = run_import(path, event)

    assert not ok
    assert message in result["errors"][0]["message"]


def test_ordinary_xlsx_passes_the_zip_checks(event, tmp_path):
    path = tmp_path / "ideas.xlsx"
    path.write_bytes(workbook_bytes(GOOD_ROWS))

    assert importing.check_file(path, name=path.name) > 0
    ok, result, err = run_import(path, event)

    assert ok, err
    assert result["created"] == 1


def test_xlsx_row_wider_than_any_form_is_refused(event, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet.cell(row=2, column=1500, value="far to the right")
    path = tmp_path / "wide.xlsx"
    workbook.save(path)

    ok, result, _err = run_import(path, event)

    assert not ok
    error = result["errors"][0]
    assert error["row"] == 2
    assert "1,500 columns; at most 1,000" in error["message"]


def test_styled_empty_cells_far_right_do_not_count(event, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in GOOD_ROWS:
        sheet.append(row)
    sheet.cell(row=2, column=1500).number_format = "0.00"  # written, empty
    path = tmp_path / "styled.xlsx"
    workbook.save(path)

    ok, result, err = run_import(path, event)

    assert ok, err
    assert Idea.objects.get().title == "Queue app"


def test_xlsx_of_wide_empty_rows_stops_at_the_cell_budget(event, tmp_path, settings):
    # Rows of one far-off empty cell hold no data to stop at; each costs
    # hundreds of cells to read.
    settings.IDEAS_IMPORT_MAX_ROWS = 5  # a budget of 21,000 cells
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in GOOD_ROWS:
        sheet.append(row)
    for number in range(3, 40):
        sheet.cell(row=number, column=999).number_format = "0.00"
    path = tmp_path / "sparse.xlsx"
    workbook.save(path)

    ok, result, _err = run_import(path, event)

    assert not ok
    assert "more than 21,000 cells" in result["errors"][0]["message"]
    assert not Idea.objects.exists()


# Text files


def test_csv_row_wider_than_any_form_is_refused(event, tmp_path):
    path = write_csv(
        tmp_path / "wide.csv",
        [HEADER + [f"extra {n}" for n in range(1200)], ["t", "p", "s"]],
    )

    ok, result, _err = run_import(path, event)

    assert not ok
    assert result["errors"][0]["row"] == 1
    assert "1,203 columns" in result["errors"][0]["message"]


def test_trailing_empty_csv_cells_do_not_count(event, tmp_path):
    path = write_csv(tmp_path / "commas.csv", [HEADER, ["t", "p", "s"] + [""] * 2000])

    ok, result, err = run_import(path, event)

    assert ok, err
    assert result["created"] == 1


def test_csv_stops_reading_once_past_the_row_limit(event, tmp_path, settings):
    settings.IDEAS_IMPORT_MAX_ROWS = 5
    path = write_csv(tmp_path / "long.csv", [HEADER] + [["t", "p", "s"]] * 1000)
    read = []
    original = importing._csv_rows

    def counting(text):
        for item in original(text):
            read.append(item)
            yield item

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importing.reading, "_csv_rows", counting)
        ok, result, _err = run_import(path, event)

    assert not ok
    assert "more than 5 rows" in result["errors"][0]["message"]
    assert len(read) <= 5 + 11


def test_json_of_nested_empty_lists_is_refused_before_parsing(
    event, tmp_path, settings
):
    settings.IDEAS_IMPORT_MAX_ROWS = 5
    path = tmp_path / "lists.json"
    path.write_text("[" + "[]," * 500 + "[]]", encoding="utf-8")

    ok, result, _err = run_import(path, event)

    assert not ok
    assert "objects and lists" in result["errors"][0]["message"]


# Participants' own words


def site_idea(event, **overrides):
    fields = {
        "event": event,
        "title": "คิวออนไลน์",
        "problem": f"รอนาน {SCRIPT}",
        "solution": "จองล่วงหน้า",
        **overrides,
    }
    return services.idea_submit(**fields)


@pytest.mark.parametrize("submitter_key", ["browser-a", ""])
def test_a_content_match_never_hands_a_participants_idea_the_rows_id(
    client, event, tmp_path, submitter_key
):
    submission = site_idea(event, submitter_key=submitter_key)
    idea = submission.idea
    path = write_csv(
        tmp_path / "form.csv",
        [["id", *HEADER], ["R1", idea.title, idea.problem, idea.solution]],
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert result == {"created": 0, "updated": 0, "skipped": 1, "errors": []}
    idea.refresh_from_db()
    assert idea.external_id == ""

    # The form's row is edited, and the file imported again: the participant's
    # idea stays as they wrote it, on their tracking page too.
    write_csv(path, [["id", *HEADER], ["R1", "แก้แล้ว", "ปัญหาใหม่", "ทางใหม่"]])
    ok, result, err = run_import(path, event)

    assert ok, err
    idea.refresh_from_db()
    assert (idea.title, idea.problem) == ("คิวออนไลน์", f"รอนาน {SCRIPT}")
    assert Idea.objects.get(external_id="R1").title == "แก้แล้ว"
    page = client.get(
        reverse("idea_track", kwargs={"token": submission.tracking_token})
    )
    body = page.content.decode()
    assert "คิวออนไลน์" in body and "แก้แล้ว" not in body


def test_an_id_already_on_a_participants_idea_is_refused_by_row(event, tmp_path):
    # What earlier imports left: a site idea carrying a file's id.
    idea = site_idea(event, submitter_key="browser-a").idea
    Idea.objects.filter(pk=idea.pk).update(external_id="R1")
    before = Idea.objects.values_list("title", "problem", "updated_at").get()
    path = write_csv(
        tmp_path / "form.csv",
        [
            ["id", *HEADER],
            ["R2", "อีกไอเดีย", "ปัญหา", "ทาง"],
            ["R1", "แก้แล้ว", "ปัญหาใหม่", "ทางใหม่"],
        ],
    )

    ok, result, err = run_import(path, event)

    assert not ok
    [error] = result["errors"]
    assert (error["row"], error["column"]) == (3, "id")
    assert f"#{idea.number}" in error["message"] and "participant" in error["message"]
    assert "form.csv, row 3, column 'id'" in err
    assert Idea.objects.count() == 1

    ok, result, err = run_import(path, event, "--skip-invalid")

    assert ok, err
    assert (result["created"], result["updated"], result["skipped"]) == (1, 0, 1)
    assert (
        Idea.objects.values_list("title", "problem", "updated_at").get(pk=idea.pk)
        == before
    )


def test_an_unchanged_row_for_a_participants_idea_is_no_error(event, tmp_path):
    idea = site_idea(event, submitter_key="browser-a").idea
    Idea.objects.filter(pk=idea.pk).update(external_id="R1")
    path = write_csv(
        tmp_path / "form.csv",
        [["id", *HEADER], ["R1", idea.title, idea.problem, idea.solution]],
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert result == {"created": 0, "updated": 0, "skipped": 1, "errors": []}
