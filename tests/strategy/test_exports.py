import io

import docx
import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections
from docx.oxml.ns import qn

from strategy import exporters
from tests.factories import SCRIPT
from tests.strategy.helpers import th

ISSUE = "Strategic issue %(number)s: %(title)s"
GOAL = "Goal %(number)s: %(title)s"
MEASURE = "Measure %(number)s: %(title)s"
APPENDIX = "Appendix: ideas cited"


@pytest.fixture
def document(framework):
    data = exporters.export_docx(framework=framework["framework"], language="th")
    return docx.Document(io.BytesIO(data))


def headings(document, level):
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_docx_has_the_tree_as_headings(document, framework):
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == [framework["framework"].title]
    assert th(ISSUE, number="1", title="การบริการภาครัฐ") in headings(document, 1)
    assert th(GOAL, number="2.1", title="ข้อมูลเชื่อมโยงกัน") in headings(document, 2)
    assert headings(document, 3) == [
        th(MEASURE, number="1.1.1", title="ศูนย์บริการแบบไร้รอยต่อ"),
        th(MEASURE, number="1.1.2", title="ยกเลิกสำเนาเอกสาร"),
        th(MEASURE, number="2.1.1", title="แลกเปลี่ยนข้อมูลระหว่างหน่วยงาน"),
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "พ.ศ. 2566–2570" in text
    assert f"{th('Ideas cited')}: [#3] [#12]" in text
    assert "45,000,000" in text


def test_docx_indicator_table_has_a_column_per_buddhist_year(document):
    table = document.tables[0]
    header = [cell.text for cell in table.rows[0].cells]
    assert header == [
        th("Indicator"),
        th("Unit"),
        th("Baseline"),
        "2566",
        "2567",
        "2568",
        "2569",
        "2570",
    ]
    row = [cell.text for cell in table.rows[1].cells]
    assert row == [
        "จำนวนบริการเบ็ดเสร็จ",
        "บริการ",
        "0 (2565)",
        "10",
        "25",
        "50",
        "80",
        "120",
    ]
    sparse = [cell.text for cell in document.tables[1].rows[1].cells]
    assert sparse[3:] == ["30", "", "", "", "100"]


def test_docx_appendix_lists_every_cited_idea(document, ideas):
    assert headings(document, 1)[-1] == th(APPENDIX)
    appendix = document.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in appendix.rows[1:]]
    assert [row[0] for row in rows] == ["#3", "#7", "#12"]
    assert rows[2][1] == "ยกเลิกสำเนาบัตรประชาชน"
    assert rows[2][4] == "1.1.1, 1.1.2"


def test_docx_declares_thai_fonts(document):
    for name in ("Normal", "Heading 1", "Heading 3", "Title"):
        rpr = document.styles[name].element.rPr
        assert rpr.find(qn("w:rFonts")).get(qn("w:cs")) == exporters.THAI_FONT
        assert rpr.find(qn("w:rFonts")).get(qn("w:cstheme")) is None
        assert rpr.find(qn("w:lang")).get(qn("w:bidi")) == "th-TH"


def test_exports_carry_no_personal_data_nor_uncited_ideas(framework):
    data = exporters.export_docx(framework=framework["framework"])
    document = docx.Document(io.BytesIO(data))
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [
            cell.text
            for table in document.tables
            for row in table.rows
            for cell in row.cells
        ]
    )
    markdown = exporters.export_markdown(framework=framework["framework"])
    for text in (everything, markdown):
        assert "somchai@example.org" not in text and "สมชาย" not in text
        assert "ไอเดียที่ยังรอการคัดกรอง" not in text
        assert "โฆษณาขายของ" not in text


def test_markdown_has_headings_tables_citations_and_appendix(framework):
    text = exporters.export_markdown(framework=framework["framework"], language="th")
    assert text.startswith("# กรอบยุทธศาสตร์")
    assert SCRIPT not in text and "&lt;script&gt;" in text
    assert f"## {th(ISSUE, number='1', title='การบริการภาครัฐ')}" in text
    assert f"#### {th(MEASURE, number='1.1.2', title='ยกเลิกสำเนาเอกสาร')}" in text
    header = " | ".join([th("Indicator"), th("Unit"), th("Baseline")])
    assert f"| {header} | 2566 | 2567 | 2568 | 2569 | 2570 |" in text
    assert "| จำนวนบริการเบ็ดเสร็จ | บริการ | 0 (2565) | 10 | 25 | 50 | 80 | 120 |" in text
    assert f"- **{th('Ideas cited')}:** [#3] [#12]" in text
    assert f"## {th(APPENDIX)}" in text
    assert "| #12 | ยกเลิกสำเนาบัตรประชาชน |" in text


def test_markdown_in_english_uses_common_era(framework):
    text = exporters.export_markdown(framework=framework["framework"], language="en")
    assert "| 2023 | 2024 | 2025 | 2026 | 2027 |" in text
    assert "2023–2027" in text and "พ.ศ." not in text.split("\n", 3)[2]


@pytest.mark.parametrize("format", ["docx", "md"])
def test_export_framework_writes_the_file(framework, tmp_path, format):
    path = tmp_path / f"framework.{format}"
    call_command(
        "export_framework",
        "reform-2566-2570",
        "--format",
        format,
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    if format == "docx":
        assert th(APPENDIX) in [p.text for p in docx.Document(path).paragraphs]
    else:
        assert "[#12]" in path.read_text(encoding="utf-8")


def test_export_framework_unknown_slug_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="No framework with the slug 'nope'"):
        call_command(
            "export_framework",
            "nope",
            "--format",
            "md",
            "--output",
            str(tmp_path / "x"),
        )
    assert not (tmp_path / "x").exists()


def test_export_framework_unwritable_path_fails_clearly(framework, tmp_path):
    target = tmp_path / "missing" / "framework.md"
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "export_framework",
            "reform-2566-2570",
            "--format",
            "md",
            "--output",
            str(target),
        )


def test_export_framework_exit_codes(framework, tmp_path, capsys, monkeypatch):
    # As from the command line: exit status 1 and a message on stderr. The
    # command closes database connections when done; the test's must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args):
        utility = ManagementUtility(["manage.py", "export_framework", *args])
        try:
            utility.execute()
        except SystemExit as exit:
            return exit.code
        return 0

    good = tmp_path / "ok.md"
    assert run("reform-2566-2570", "--format", "md", "--output", str(good)) == 0
    assert good.stat().st_size > 0
    assert run("nope", "--format", "md", "--output", str(tmp_path / "x.md")) == 1
    assert "No framework with the slug 'nope'" in capsys.readouterr().err
    bad = str(tmp_path / "missing" / "x.docx")
    assert run("reform-2566-2570", "--output", bad) == 1
    assert "Cannot write" in capsys.readouterr().err
