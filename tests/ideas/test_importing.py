"""Importing ideas from the files facilitators actually have."""

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from ideas import importing, services
from ideas.models import Contact, Idea
from tests.factories import SCRIPT, EventPageFactory, IdeaFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"

HEADER = ["title", "problem", "solution"]


def run_import(path, event, *args):
    """Run the command; return (exit ok, JSON of its last stdout line, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    # Messages are translated; the tests read them in English.
    with translation.override("en"):
        try:
            call_command(
                "import_ideas", str(path), "--event", event.slug, *args,
                stdout=out, stderr=err,
            )  # fmt: skip
            ok = True
        except CommandError:
            ok = False
    last = out.getvalue().strip().splitlines()[-1]
    return ok, json.loads(last), err.getvalue()


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def snapshot():
    return sorted(Idea.objects.values_list("pk", "title", "updated_at"))


# Real-world files


def test_google_forms_csv_with_bom_thai_headers_and_personal_columns(event, themes):
    ok, result, err = run_import(FIXTURES / "google_forms_th.csv", event)

    assert ok, err
    assert result == {"created": 3, "updated": 0, "skipped": 0, "errors": []}
    first, second, third = Idea.objects.filter(event=event).order_by("number")
    assert first.title == "ระบบข้อมูลกลางภาครัฐ"
    # A quoted field keeps its line breaks; the BOM is not part of any header.
    assert first.problem == "ประชาชนต้องยื่นสำเนาบัตรซ้ำ\nทุกหน่วยงาน"
    assert first.solution.startswith("- เชื่อมข้อมูล")
    assert first.agencies == "สำนักงาน ก.พ.ร., กรมการปกครอง"
    assert first.team_name == "ทีมดิจิทัล"
    assert first.theme.code == "digital"
    assert first.theme_source == Idea.ThemeSource.PARTICIPANT
    assert first.language == "th"
    # Buddhist-era timestamp, read in Bangkok time.
    assert timezone.localtime(first.created_at).replace(tzinfo=None) == datetime(
        2022, 6, 11, 10, 15, 2
    )
    # HTML is stored as the text it is.
    assert second.title == "จุดบริการเดียว <b>ครบ</b>"
    assert third.language == "en"
    assert third.theme is None
    assert third.theme_source == Idea.ThemeSource.NONE
    assert [idea.number for idea in (first, second, third)] == [1, 2, 3]
    # Personal data is left out and said to be.
    assert not Contact.objects.exists()
    assert "somchai" not in str(list(Idea.objects.values()))
    assert "personal data" in err
    assert "ชื่อ-นามสกุล" in err and "อีเมล" in err


def test_semicolon_csv_without_bom_english_headers_any_case(event, themes):
    ok, result, err = run_import(FIXTURES / "semicolon_en.csv", event)

    assert ok, err
    assert result["created"] == 2
    portal, digital_id = Idea.objects.filter(event=event).order_by("number")
    assert portal.problem == "People visit many offices; often twice"
    assert portal.external_id == "A-1"
    assert portal.theme.code == "services"
    # A theme may be named by code in any case.
    assert digital_id.theme.code == "digital"
    assert timezone.localtime(digital_id.created_at).date() == date(2022, 6, 11)


def test_tab_separated_file(event):
    ok, result, err = run_import(FIXTURES / "tab_separated.csv", event)

    assert ok, err
    assert result["created"] == 2
    assert set(Idea.objects.values_list("external_id", "team_name")) == {
        ("1", "ทีมหนึ่ง"),
        ("2", "ทีมสอง"),
    }


def test_excel_separator_line(event, tmp_path):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\ntitle;problem;solution\nA, B;P;S\n;;\nC;P;\n", "utf-8")

    ok, result, err = run_import(path, event)

    assert not ok
    assert [(error["row"], error["column"]) for error in result["errors"]] == [
        (4, "solution")
    ]
    ok, result, err = run_import(path, event, "--skip-invalid")
    assert Idea.objects.get().title == "A, B"


@pytest.mark.parametrize("encoding", ["cp874", "tis-620"])
def test_thai_csv_saved_by_excel_in_cp874_reads_without_mojibake(
    event, tmp_path, encoding
):
    path = write_csv(
        tmp_path / "excel.csv",
        [
            ["หัวข้อ", "ปัญหา", "แนวทางแก้ไข", "หน่วยงาน"],
            ["ลดสำเนาเอกสาร", "เสียเวลาถ่ายเอกสาร", "ใช้ข้อมูลจากบัตร", "กรมการปกครอง"],
            ["ศูนย์บริการร่วม", "ต้องเดินทางหลายที่", "รวมบริการไว้ที่เดียว", ""],
        ],
        encoding=encoding,
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert result["created"] == 2
    idea = Idea.objects.get(event=event, number=1)
    assert idea.title == "ลดสำเนาเอกสาร"
    assert idea.solution == "ใช้ข้อมูลจากบัตร"
    assert idea.agencies == "กรมการปกครอง"


def test_western_single_byte_csv_is_not_read_as_thai(event, tmp_path):
    path = write_csv(
        tmp_path / "latin.csv",
        [HEADER, ["Café service", "Queue à l'entrée", "Réserver en ligne"]],
        encoding="cp1252",
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert Idea.objects.get().title == "Café service"


def test_utf16_unicode_text_from_excel(event, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(
        "หัวข้อ\tปัญหา\tแนวทางแก้ไข\r\nคิวออนไลน์\tรอนาน\tจองล่วงหน้า\r\n".encode("utf-16")
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert Idea.objects.get().title == "คิวออนไลน์"


def make_workbook(path):
    """A workbook as people make them: a notes sheet first, a banner row,
    merged header cells, empty rows, numbers and dates as cells."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "คำอธิบาย"
    notes["A1"] = "แบบฟอร์มนี้ใช้เก็บไอเดีย"
    sheet = workbook.create_sheet("ไอเดีย")
    other = workbook.create_sheet("รอบสอง")
    for target, prefix in ((sheet, "รอบแรก"), (other, "รอบสอง")):
        target["A1"] = f"ไอเดียจากกิจกรรม {prefix}"
        target.merge_cells("A1:F1")
        # "ลำดับ" spans two header rows; the fields are named in the second.
        target["A2"] = "ลำดับ"
        target.merge_cells("A2:A3")
        target["B2"] = "รายละเอียดไอเดีย"
        target.merge_cells("B2:D2")
        target.append([None, "หัวข้อ", "ปัญหา", "แนวทางแก้ไข", "วันที่", "ประเด็น"])
        target.append([101, f"{prefix} ระบบคิว", "รอนาน", "จองคิว", date(2565, 6, 11)])
        target.append([])
        target.append([])
        target.append(
            [102.0, 2565, f"ปัญหา {SCRIPT}", "แก้", datetime(2022, 6, 11, 9, 30)]
        )
        target.append([None, None, None, None, None])
    workbook.save(path)
    return path


def test_xlsx_reads_first_sheet_with_data_merged_header_and_cells(event, tmp_path):
    path = make_workbook(tmp_path / "ideas.xlsx")

    ok, result, err = run_import(path, event, "--sheet", "ไอเดีย")

    assert ok, err
    assert result["created"] == 2
    first, second = Idea.objects.filter(event=event).order_by("number")
    assert first.title == "รอบแรก ระบบคิว"
    # Numbers as cells: an integer-valued float is "102", not "102.0".
    assert (first.external_id, second.external_id) == ("101", "102")
    assert second.title == "2565"
    assert second.problem == f"ปัญหา {SCRIPT}"
    # A date cell typed in the Buddhist era, and one in the Common era.
    assert timezone.localtime(first.created_at).date() == date(2022, 6, 11)
    assert timezone.localtime(second.created_at).replace(tzinfo=None) == datetime(
        2022, 6, 11, 9, 30
    )


def test_xlsx_sheet_option_and_default(event, event_index, tmp_path):
    path = make_workbook(tmp_path / "ideas.xlsx")

    ok, result, _err = run_import(path, event, "--sheet", "รอบสอง")
    assert ok and result["created"] == 2
    assert Idea.objects.filter(title__startswith="รอบสอง").count() == 1

    # Without --sheet: the first sheet whose header names fields, not the notes.
    other = EventPageFactory(parent=event_index)
    ok, result, err = run_import(path, other)
    assert ok, err
    assert Idea.objects.filter(event=other, title__startswith="รอบแรก").count() == 1

    ok, result, err = run_import(path, other, "--sheet", "ไม่มี")
    assert not ok
    assert "ไอเดีย" in result["errors"][0]["message"]


def test_microsoft_forms_xlsx(event, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(
        ["ID", "Start time", "Completion time", "Email", "Name", "หัวข้อ", "ปัญหา",
         "แนวทางแก้ไข"]
    )  # fmt: skip
    sheet.append(
        [1, datetime(2022, 6, 11, 9, 0), datetime(2022, 6, 11, 9, 12),
         "anonymous", "", "คิวออนไลน์", "รอนาน", "จองล่วงหน้า"]
    )  # fmt: skip
    workbook.save(tmp_path / "Ideas(1-1).xlsx")

    ok, result, err = run_import(tmp_path / "Ideas(1-1).xlsx", event)

    assert ok, err
    idea = Idea.objects.get()
    assert idea.external_id == "1"
    assert timezone.localtime(idea.created_at).minute == 12
    assert "Email, Name" in err
    assert "Start time" in err


def test_xlsx_default_sheet_is_first_with_data(event, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "empty"
    sheet = workbook.create_sheet("data")
    sheet.append(HEADER)
    sheet.append(["Queue app", "Long queues", "Book online"])
    workbook.save(tmp_path / "book.xlsx")

    ok, result, err = run_import(tmp_path / "book.xlsx", event)

    assert ok, err
    assert Idea.objects.get().title == "Queue app"


def test_json_list_or_object_with_ideas(event, themes, tmp_path):
    ok, result, err = run_import(FIXTURES / "ideas.json", event)

    assert ok, err
    assert result["created"] == 2
    queue = Idea.objects.get(external_id="7")
    assert sorted(queue.tags.names()) == ["คิว", "ออนไลน์"]
    assert not Contact.objects.exists()
    assert "email" in err
    catalogue = Idea.objects.get(external_id="8")
    assert catalogue.theme.code == "digital"

    plain = tmp_path / "list.json"
    plain.write_text(
        json.dumps([{"Title": "A", "Problem": "B", "Solution": "C"}]), "utf-8"
    )
    ok, result, err = run_import(plain, event)
    assert ok and result["created"] == 1


def test_map_option_names_any_header(event, tmp_path):
    path = write_csv(
        tmp_path / "other.csv",
        [
            ["Column A", "Column B", "What to do, briefly", "Notes"],
            ["Short forms", "Forms are long", "Cut them", "internal"],
        ],
    )

    ok, result, err = run_import(path, event)
    assert not ok
    assert "title" in result["errors"][0]["message"]

    ok, result, err = run_import(
        path,
        event,
        "--map",
        "Column A=title,Column B=ปัญหา,What to do, briefly=solution,Notes=-",
    )
    assert ok, err
    idea = Idea.objects.get()
    assert (idea.title, idea.problem, idea.solution) == (
        "Short forms",
        "Forms are long",
        "Cut them",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("Column A=title", {"Column A": "title"}),
        (" Column A = title , Column B = ปัญหา ,", {"Column A": "title",
                                                    "Column B": "problem"}),
        ("What to do, briefly=solution,Notes=-", {"What to do, briefly": "solution",
                                                  "Notes": ""}),
        # "=" inside a header: the pair still ends at "=field".
        ("a=b=title", {"a=b": "title"}),
        # An empty field is no pair: the header runs on to the next "=field".
        ("A=,B=title", {"A=,B": "title"}),
        ("Skip me=ignore,Me too=skip", {"Skip me": "", "Me too": ""}),
    ],
)  # fmt: skip
def test_column_map_syntax(text, expected):
    assert importing.parse_column_map(text) == expected


@pytest.mark.parametrize("text", ["no pairs here", "A=title,B", "A=title,B=nope"])
def test_column_map_mistakes_are_refused(text):
    with pytest.raises(importing.ImportFileError):
        importing.parse_column_map(text)


def test_column_map_of_100_kb_is_refused_by_its_length():
    # Pairs the old pattern read, slowly; a map this long is no map.
    text = ",".join(f"Column {n}=-" for n in range(9000))
    assert len(text) > 100_000

    with translation.override("en"), pytest.raises(importing.ImportFileError) as error:
        importing.parse_column_map(text)

    assert "at most 5,000" in error.value.message
    assert f"{len(text):,}" in error.value.message


def test_column_map_of_4000_characters_is_read_pair_by_pair():
    pairs = {f"Question {n}, in words=and more": "-" for n in range(100)}
    pairs["หัวข้อ"] = "title"
    # Spaces around "=": the shape the old pattern backtracked on.
    spaces = " " * 5
    text = ",".join(f"{header}{spaces}={spaces}{to}" for header, to in pairs.items())
    assert 4000 <= len(text) <= importing.import_limits.COLUMN_MAP_MAX_LENGTH

    mapping = importing.parse_column_map(text)

    assert len(mapping) == 101
    assert mapping["หัวข้อ"] == "title"
    assert mapping["Question 7, in words=and more"] == ""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ปัญหา (Problem)", ["ปัญหา (problem)", "ปัญหา", "problem"]),
        ("Idea (title) (v2)", ["idea (title) (v2)", "idea", "title) (v2"]),
        ("(title)", ["(title)"]),
        ("x()", ["x()"]),
        ("x (y) z", ["x (y) z"]),
        ("ชื่อ/Name", ["ชื่อ/name", "ชื่อ", "name"]),
    ],
)
def test_header_in_two_languages_is_split_by_hand(header, expected):
    # As the pattern "(.+?)\s*\((.+)\)" split it, which backtracked on long
    # cells ("a (a (a (…"), and every cell of the first rows is asked.
    assert importing._header_candidates(header) == expected


def test_command_refuses_a_column_map_too_long(event, tmp_path):
    path = write_csv(tmp_path / "ideas.csv", [HEADER, ["t", "p", "s"]])

    ok, result, err = run_import(path, event, "--map", "A=title," * 1000)

    assert not ok
    assert "at most 5,000" in result["errors"][0]["message"]
    assert not Idea.objects.exists()


def test_headers_are_recognised_in_thai_and_english_forms():
    cases = {
        "TITLE": "title",
        " ชื่อไอเดีย ": "title",
        "ปัญหา (Problem)": "problem",
        "Proposed solution*": "solution",
        "ข้อเสนอ": "solution",
        "ประโยชน์": "benefit",
        "หน่วยงาน": "agencies",
        "ชื่อทีม": "team",
        "ธีม": "theme",
        "theme_code": "theme",
        "รหัส": "id",
        "number": "id",
        "Timestamp": "submitted_at",
    }
    assert {header: importing._field_for(header) for header in cases} == cases
    assert importing._field_for("theme_name_th") is None
    assert importing._is_personal("Email address")
    assert importing._is_personal("เบอร์โทรศัพท์")
    assert not importing._is_personal("ชื่อทีม")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11/06/2565", datetime(2022, 6, 11)),
        ("11/06/2022", datetime(2022, 6, 11)),
        ("11/6/65", datetime(2022, 6, 11)),
        ("๑๑/๐๖/๒๕๖๕", datetime(2022, 6, 11)),
        ("11 มิ.ย. 2565", datetime(2022, 6, 11)),
        ("11 June 2022", datetime(2022, 6, 11)),
        ("11/6/2565 14:05:33", datetime(2022, 6, 11, 14, 5, 33)),
        ("2022-06-11", datetime(2022, 6, 11)),
        ("2565-06-11", datetime(2022, 6, 11)),
        ("29/02/2567", datetime(2024, 2, 29)),
    ],
)
def test_dates_in_buddhist_and_common_era(text, expected):
    assert (
        timezone.localtime(importing.parse_date(text)).replace(tzinfo=None) == expected
    )


def test_dates_with_zone_and_bad_dates():
    moment = importing.parse_date("2022-06-11T07:05:00Z")
    assert timezone.localtime(moment).hour == 14
    for bad in ("not a date", "32/01/2565", "11/13/2022"):
        with pytest.raises(ValueError):
            importing.parse_date(bad)


# Re-importing


def test_reimport_creates_no_duplicates_by_id_and_updates_changes(event, themes):
    ok, first, _err = run_import(FIXTURES / "semicolon_en.csv", event)
    ok, again, _err = run_import(FIXTURES / "semicolon_en.csv", event)

    assert first["created"] == 2
    assert again == {"created": 0, "updated": 0, "skipped": 2, "errors": []}
    assert Idea.objects.count() == 2


def test_reimport_by_id_updates_the_matched_idea(event, tmp_path):
    path = write_csv(tmp_path / "v1.csv", [["id", *HEADER], ["9", "Old", "P", "S"]])
    run_import(path, event)
    write_csv(
        path, [["id", *HEADER], ["9", "New title", "P", "S"], ["10", "B", "P", "S"]]
    )

    ok, result, err = run_import(path, event)

    assert ok, err
    assert result == {"created": 1, "updated": 1, "skipped": 0, "errors": []}
    assert Idea.objects.get(external_id="9").title == "New title"
    assert Idea.objects.get(external_id="9").number == 1


def test_reimport_without_id_matches_by_content(event, themes):
    run_import(FIXTURES / "google_forms_th.csv", event)
    numbers = sorted(Idea.objects.values_list("number", flat=True))

    ok, result, err = run_import(FIXTURES / "google_forms_th.csv", event)

    assert ok, err
    assert result == {"created": 0, "updated": 0, "skipped": 3, "errors": []}
    assert sorted(Idea.objects.values_list("number", flat=True)) == numbers


def test_imported_ideas_are_numbered_after_submitted_ones(event):
    services.idea_submit(event=event, title="T", problem="P", solution="S")
    run_import(FIXTURES / "tab_separated.csv", event)

    assert sorted(Idea.objects.values_list("number", flat=True)) == [1, 2, 3]
    tokens = set(Idea.objects.values_list("tracking_token_hash", flat=True))
    assert len(tokens) == 3 and "" not in tokens


def test_facilitators_theme_outranks_a_reimported_one(event, themes, facilitator):
    run_import(FIXTURES / "semicolon_en.csv", event)
    idea = Idea.objects.get(external_id="A-1")
    services.idea_set_theme(idea=idea, theme=themes[1], actor=facilitator)

    run_import(FIXTURES / "semicolon_en.csv", event)

    idea.refresh_from_db()
    assert idea.theme == themes[1]
    assert idea.theme_source == Idea.ThemeSource.FACILITATOR


# Bad input: a clear message, naming file, row and column; nothing imported.


def assert_refused(path, event, *, row, column, words=()):
    IdeaFactory(event=event, number=99)
    before = snapshot()
    ok, result, err = run_import(path, event)
    assert not ok
    assert result["created"] == result["updated"] == 0
    error = result["errors"][0]
    assert (error["row"], error["column"]) == (row, column)
    for word in words:
        assert word in error["message"]
    assert path.name in err
    assert "Traceback" not in err
    assert snapshot() == before
    return result


def test_empty_file(event, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert_refused(path, event, row=None, column="", words=["empty"])


def test_blank_lines_only(event, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n,,\r\n")
    assert_refused(path, event, row=None, column="", words=["no rows"])


def test_header_without_rows(event, tmp_path):
    path = write_csv(tmp_path / "header.csv", [HEADER])
    assert_refused(path, event, row=1, column="", words=["no rows"])


def test_missing_required_column(event, tmp_path):
    path = write_csv(tmp_path / "missing.csv", [["title", "problem"], ["A", "B"]])
    assert_refused(path, event, row=1, column="solution", words=["solution"])


def test_duplicate_column_names(event, tmp_path):
    path = write_csv(
        tmp_path / "twice.csv",
        [["title", "problem", "Title", "solution"], list("abcd")],
    )
    assert_refused(path, event, row=1, column="Title", words=["more than once"])


def test_two_columns_for_one_field(event, tmp_path):
    path = write_csv(
        tmp_path / "twice.csv", [["title", "หัวข้อ", *HEADER[1:]], list("abcd")]
    )
    assert_refused(path, event, row=1, column="หัวข้อ", words=["both"])


def test_file_over_the_size_limit(event, tmp_path, settings):
    settings.IDEAS_IMPORT_MAX_BYTES = 1024
    path = write_csv(tmp_path / "big.csv", [HEADER, ["a" * 50, "b", "c"]] * 30)
    assert_refused(path, event, row=None, column="", words=["at most 1 KB"])


def test_file_over_the_row_limit(event, tmp_path, settings):
    settings.IDEAS_IMPORT_MAX_ROWS = 5
    path = write_csv(tmp_path / "long.csv", [HEADER] + [["t", "p", "s"]] * 6)
    assert_refused(path, event, row=None, column="", words=["more than 5 rows"])


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)),
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
    ],
    ids=["png", "zip", "xls"],
)
def test_binary_file_renamed_csv(event, tmp_path, content):
    path = tmp_path / "ideas.csv"
    path.write_bytes(content)
    assert_refused(path, event, row=None, column="")


def test_damaged_xlsx(event, tmp_path):
    path = tmp_path / "ideas.xlsx"
    path.write_bytes(b"title,problem,solution\nA,B,C\n")
    assert_refused(path, event, row=None, column="", words=["XLSX"])


def test_bad_json(event, tmp_path):
    path = tmp_path / "ideas.json"
    path.write_text('{"ideas": [', encoding="utf-8")
    assert_refused(path, event, row=None, column="", words=["JSON"])


def test_json_nested_beyond_any_list_of_ideas(event, tmp_path):
    # 100,000 opening brackets ran the parser out of stack: a 500.
    path = tmp_path / "ideas.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    assert_refused(path, event, row=None, column="", words=["JSON"])


def test_ten_thousand_character_title(event, tmp_path):
    path = write_csv(
        tmp_path / "long_title.csv",
        [
            ["หัวข้อ", "ปัญหา", "แนวทางแก้ไข"],
            ["ดี", "ปัญหา", "แก้ไข"],
            ["ก" * 10_000, "ปัญหา", "แก้ไข"],
        ],
    )
    result = assert_refused(path, event, row=3, column="หัวข้อ", words=["10,000"])
    assert len(result["errors"]) == 1
    assert result["skipped"] == 2


def test_every_invalid_cell_is_reported_by_row_and_column(event, themes, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            ["id", "title", "problem", "solution", "theme", "date"],
            ["1", "", "p", "s", "", ""],
            ["2", "t", "p" * 5001, "", "nope", "31/02/2565"],
            ["1", "t", "p", "s", "รัฐบาลดิจิทัล", ""],
        ],
    )

    ok, result, err = run_import(path, event)

    assert not ok
    assert {(error["row"], error["column"]) for error in result["errors"]} == {
        (2, "title"),
        (3, "problem"),
        (3, "solution"),
        (3, "theme"),
        (3, "date"),
        (4, "id"),
    }
    assert "bad.csv, row 3, column 'theme'" in err
    assert not Idea.objects.exists()


def test_skip_invalid_imports_the_valid_rows(event, tmp_path):
    path = write_csv(
        tmp_path / "mixed.csv",
        [HEADER, ["Good", "p", "s"], ["", "p", "s"], ["Also good", "p", "s"]],
    )

    ok, result, err = run_import(path, event, "--skip-invalid")

    assert ok, err
    assert result["created"] == 2
    assert result["skipped"] == 1
    assert result["errors"] == [
        {"row": 3, "column": "title", "message": result["errors"][0]["message"]}
    ]
    assert sorted(Idea.objects.values_list("number", flat=True)) == [1, 2]


def test_dry_run_reports_and_saves_nothing(event, themes):
    ok, result, err = run_import(FIXTURES / "google_forms_th.csv", event, "--dry-run")

    assert ok, err
    assert result["created"] == 3
    assert not Idea.objects.exists()


def test_unknown_event_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No event"):
        call_command(
            "import_ideas", str(FIXTURES / "ideas.json"), "--event", "nope",
            stdout=io.StringIO(),
        )  # fmt: skip


def test_service_refuses_all_rows_when_one_is_invalid(event):
    rows = [
        importing.ImportRow(
            row=number,
            values={"title": title, "problem": "p", "solution": "s"},
            columns={"title": "T", "problem": "P", "solution": "S"},
        )
        for number, title in ((2, "ok"), (3, ""))
    ]

    result = services.ideas_import(event=event, rows=rows)

    assert (result.created, result.skipped) == (0, 2)
    assert result.errors == [
        importing.RowError(row=3, column="T", message=result.errors[0].message)
    ]
    assert not Idea.objects.exists()
