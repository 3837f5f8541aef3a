"""The framework as a document: DOCX (python-docx) and Markdown.

Both carry the same content: the framework's facts, its numbered tree, an
indicator table per measure with a column per year (Buddhist era in Thai), the
ideas each measure cites as "[#12]" and the clusters it was drafted from (by
name, "merged into …" when merged since), and an appendix listing every cited idea.
Nothing personal is exported: ideas carry no author, and contacts are never read.
"""

import io
import shutil
import subprocess
from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ideas.i18n import reader_language
from strategy import selectors
from strategy.models import Framework, period_display, year_label
from strategy.selectors import FrameworkTree, MeasureNode, format_number

FORMATS = ("docx", "md", "pdf")


class ExportUnavailable(Exception):
    """A format this server cannot produce correctly, with the reason and the fix."""


# Word picks the complex-script font for Thai characters; without one declared
# it falls back to a font that may lack Thai glyphs. TH Sarabun New is the
# Thai government's standard font; it reads small, hence the larger size.
THAI_FONT = "TH Sarabun New"
THAI_SIZE_PT = 16
LATIN_FONT = "Tahoma"


def budget_label(measure) -> str:
    if measure.estimated_budget is None:
        return ""
    return _("%(amount)s baht") % {"amount": format_number(measure.estimated_budget)}


def _facts(tree: FrameworkTree) -> list[tuple[str, str]]:
    framework = tree.framework
    period = period_display(framework.start_year, framework.end_year)
    if reader_language() == "th":
        period += f" ({framework.start_year}–{framework.end_year})"
    return [
        (_("Period"), period),
        (_("Status"), str(framework.get_status_display())),
    ]


def _measure_facts(node: MeasureNode) -> list[tuple[str, str]]:
    measure = node.measure
    facts = [
        (_("Lead agency"), measure.lead_agency),
        (_("Supporting agencies"), ", ".join(measure.supporting_agency_list)),
        (_("Pilot scope"), measure.pilot_scope),
        (_("Estimated budget"), budget_label(measure)),
        (_("Ideas cited"), node.citation),
        (_("Clusters cited"), node.cluster_citation),
    ]
    return [(label, value) for label, value in facts if value]


def _indicator_header(years: list[int]) -> list[str]:
    return [_("Indicator"), _("Unit"), _("Baseline"), *map(year_label, years)]


def _indicator_row(indicator_node, years: list[int]) -> list[str]:
    indicator = indicator_node.indicator
    baseline = format_number(indicator.baseline)
    if baseline and indicator.baseline_year:
        baseline += f" ({year_label(indicator.baseline_year)})"
    return [
        indicator_node.name,
        indicator.unit,
        baseline,
        *(indicator_node.target_for(year) for year in years),
    ]


def _appendix_rows(tree: FrameworkTree) -> list[list[str]]:
    used_in: dict[int, list[str]] = {}
    for node in tree.measures:
        for idea in node.ideas:
            used_in.setdefault(idea.pk, []).append(node.number)
    return [
        [
            f"#{idea.number}",
            idea.title,
            idea.theme.name if idea.theme else "",
            str(idea.get_status_display()),
            ", ".join(used_in[idea.pk]),
        ]
        for idea in tree.cited_ideas
    ]


def _appendix_header() -> list[str]:
    return ["#", _("Idea"), _("Theme"), _("Status"), _("Measures")]


def _in_language(language: str, build: Callable[[], object]):
    with translation.override(language):
        return build()


# DOCX


# The order of run properties in the schema (ECMA-376 CT_RPr), which Word
# insists on; lang and szCs are placed by it.
_RPR_ORDER = (
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)


def _declare_thai(style, *, size: bool = False) -> None:
    """Declare the Thai complex-script font and language on a style."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    # Theme fonts win over named ones; headings name them, so drop them.
    for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{name}"), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), THAI_FONT)
    # Word insists on the schema's order of run properties.
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.insert_element_before(
            OxmlElement("w:lang"), *_RPR_ORDER[_RPR_ORDER.index("w:lang") + 1 :]
        )
    lang.set(qn("w:val"), "th-TH" if reader_language() == "th" else "en-GB")
    lang.set(qn("w:bidi"), "th-TH")
    if size:
        size_cs = rpr.find(qn("w:szCs"))
        if size_cs is None:
            size_cs = rpr.insert_element_before(
                OxmlElement("w:szCs"), *_RPR_ORDER[_RPR_ORDER.index("w:szCs") + 1 :]
            )
        size_cs.set(qn("w:val"), str(THAI_SIZE_PT * 2))


def _new_document() -> Document:
    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption"):
        _declare_thai(document.styles[name], size=name == "Normal")
    return document


def _docx_table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _build_docx(framework: Framework) -> bytes:
    tree = selectors.framework_tree(framework=framework)
    document = _new_document()
    document.core_properties.title = framework.display_title
    document.core_properties.language = translation.get_language()
    document.add_heading(framework.display_title, level=0)
    other_title = (
        framework.english_title if reader_language() == "th" else framework.title
    )
    if other_title and other_title != framework.display_title:
        document.add_paragraph(other_title, style="Subtitle")
    for label, value in _facts(tree):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    if framework.display_vision:
        document.add_heading(_("Vision"), level=1)
        document.add_paragraph(framework.display_vision)
    milestones = list(framework.milestones.all())
    if milestones:
        document.add_heading(_("Alignment with the national plan"), level=1)
        for milestone in milestones:
            document.add_paragraph(
                _("Milestone %(number)s: %(name)s")
                % {"number": milestone.number, "name": milestone.name},
                style="List Bullet",
            )

    for issue in tree.issues:
        document.add_heading(
            _("Strategic issue %(number)s: %(title)s")
            % {"number": issue.number, "title": issue.title},
            level=1,
        )
        if issue.issue.description:
            document.add_paragraph(issue.issue.description)
        for goal in issue.goals:
            document.add_heading(
                _("Goal %(number)s: %(title)s")
                % {"number": goal.number, "title": goal.title},
                level=2,
            )
            if goal.goal.description:
                document.add_paragraph(goal.goal.description)
            for node in goal.measures:
                _docx_measure(document, node, tree.years)

    appendix = _appendix_rows(tree)
    document.add_heading(_("Appendix: ideas cited"), level=1)
    if appendix:
        _docx_table(document, _appendix_header(), appendix)
    else:
        document.add_paragraph(_("No measure cites an idea yet."))

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_measure(document, node: MeasureNode, years: list[int]) -> None:
    document.add_heading(
        _("Measure %(number)s: %(title)s")
        % {"number": node.number, "title": node.title},
        level=3,
    )
    if node.measure.description:
        for part in node.measure.description.split("\n\n"):
            document.add_paragraph(part.strip())
    for label, value in _measure_facts(node):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if node.indicators:
        caption = document.add_paragraph(
            _("Indicators of measure %(number)s") % {"number": node.number},
            style="Caption",
        )
        caption.paragraph_format.keep_with_next = True
        _docx_table(
            document,
            _indicator_header(years),
            [_indicator_row(indicator, years) for indicator in node.indicators],
        )


def export_docx(*, framework: Framework, language: str = "th") -> bytes:
    """The framework as a Word document, in ``language`` ("th" or "en")."""
    return _in_language(language, lambda: _build_docx(framework))


# Markdown


def _md(text: str) -> str:
    """Text safe inside Markdown: no raw HTML, no accidental table breaks."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", "")
    )


def _md_line(text: str) -> str:
    return " ".join(_md(text).split())


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [
        "| " + " | ".join(map(_md_line, header)) + " |",
        "|" + "|".join("---" for _column in header) + "|",
    ]
    lines += ["| " + " | ".join(map(_md_line, row)) + " |" for row in rows]
    return [*lines, ""]


def _build_markdown(framework: Framework) -> str:
    tree = selectors.framework_tree(framework=framework)
    lines = [f"# {_md_line(framework.display_title)}", ""]
    for label, value in _facts(tree):
        lines += [f"- **{_md_line(label)}:** {_md_line(value)}"]
    lines.append("")
    if framework.display_vision:
        lines += [f"## {_md_line(_('Vision'))}", "", _md(framework.display_vision), ""]
    milestones = list(framework.milestones.all())
    if milestones:
        lines += [f"## {_md_line(_('Alignment with the national plan'))}", ""]
        lines += [
            "- "
            + _md_line(
                _("Milestone %(number)s: %(name)s")
                % {"number": milestone.number, "name": milestone.name}
            )
            for milestone in milestones
        ]
        lines.append("")
    for issue in tree.issues:
        title = _("Strategic issue %(number)s: %(title)s") % {
            "number": issue.number,
            "title": issue.title,
        }
        lines += [f"## {_md_line(title)}", ""]
        if issue.issue.description:
            lines += [_md(issue.issue.description), ""]
        for goal in issue.goals:
            title = _("Goal %(number)s: %(title)s") % {
                "number": goal.number,
                "title": goal.title,
            }
            lines += [f"### {_md_line(title)}", ""]
            if goal.goal.description:
                lines += [_md(goal.goal.description), ""]
            for node in goal.measures:
                lines += _md_measure(node, tree.years)
    lines += [f"## {_md_line(_('Appendix: ideas cited'))}", ""]
    appendix = _appendix_rows(tree)
    if appendix:
        lines += _md_table(_appendix_header(), appendix)
    else:
        lines += [_md_line(_("No measure cites an idea yet.")), ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_measure(node: MeasureNode, years: list[int]) -> list[str]:
    title = _("Measure %(number)s: %(title)s") % {
        "number": node.number,
        "title": node.title,
    }
    lines = [f"#### {_md_line(title)}", ""]
    if node.measure.description:
        lines += [_md(node.measure.description), ""]
    lines += [
        f"- **{_md_line(label)}:** {_md_line(value)}"
        for label, value in _measure_facts(node)
    ]
    lines.append("")
    if node.indicators:
        lines += _md_table(
            _indicator_header(years),
            [_indicator_row(indicator, years) for indicator in node.indicators],
        )
    return lines


def export_markdown(*, framework: Framework, language: str = "th") -> str:
    """The framework as Markdown, in ``language`` ("th" or "en")."""
    return _in_language(language, lambda: _build_markdown(framework))


# PDF

# Fonts with Thai glyphs, best first: the government's TH Sarabun New, then
# what Debian's fonts-thai-tlwg installs (Laksaman is its Sarabun) and Noto.
PDF_FONTS = (
    "TH Sarabun New",
    "Sarabun",
    "Laksaman",
    "Garuda",
    "Loma",
    "Noto Sans Thai",
    "Noto Serif Thai",
)


def thai_fonts() -> list[str]:
    """The font families fontconfig knows that cover Thai (none: no fc-list)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    result = subprocess.run(
        [fc_list, ":lang=th", "family"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return sorted(
        {
            name.strip()
            for line in result.stdout.splitlines()
            for name in line.split(",")
            if name.strip()
        }
    )


def _pdf_context(framework: Framework, fonts: list[str]) -> dict:
    tree = selectors.framework_tree(framework=framework)
    language = translation.get_language()
    other_title = (
        framework.english_title if reader_language() == "th" else framework.title
    )
    ordered = [name for name in PDF_FONTS if name in fonts]
    ordered += [name for name in fonts if name not in ordered]
    return {
        "language": language,
        "framework": framework,
        "other_title": other_title
        if other_title and other_title != framework.display_title
        else "",
        "facts": _facts(tree),
        "milestones": list(framework.milestones.all()),
        # Family names come from fontconfig, quoted for CSS; never from users.
        "font_family": ", ".join('"' + name.replace('"', "") + '"' for name in ordered)
        + ", sans-serif",
        "issues": [
            {
                "node": issue,
                "goals": [
                    {
                        "node": goal,
                        "measures": [
                            {
                                "node": node,
                                "facts": _measure_facts(node),
                                "rows": [
                                    _indicator_row(indicator, tree.years)
                                    for indicator in node.indicators
                                ],
                            }
                            for node in goal.measures
                        ],
                    }
                    for goal in issue.goals
                ],
            }
            for issue in tree.issues
        ],
        "indicator_header": _indicator_header(tree.years),
        "appendix": _appendix_rows(tree),
        "appendix_header": _appendix_header(),
    }


def _refuse_fetch(url, *args, **kwargs):
    # The document names no resource; should one slip in, nothing is fetched.
    raise ValueError(f"The PDF export fetches nothing: {url}")


def export_pdf(*, framework: Framework, language: str = "th") -> bytes:
    """The framework as PDF, laid out by WeasyPrint (Pango shapes and breaks Thai).

    Raises
    ------
    ExportUnavailable
        When WeasyPrint is not installed, or no font with Thai glyphs is:
        rather than a PDF whose Thai prints as empty boxes.
    """
    try:
        import weasyprint
    except ImportError as error:
        raise ExportUnavailable(
            _(
                "PDF export needs WeasyPrint on the server (pip install "
                "weasyprint). Export DOCX instead and print it to PDF."
            )
        ) from error
    fonts = thai_fonts()
    if not fonts:
        raise ExportUnavailable(
            _(
                "PDF export needs a Thai font on the server (for example apt-get "
                "install fonts-thai-tlwg): without one Thai prints as empty boxes. "
                "Export DOCX instead."
            )
        )

    def build() -> bytes:
        html = render_to_string(
            "strategy/export/framework.html", _pdf_context(framework, fonts)
        )
        return weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()

    return _in_language(language, build)


def export(*, framework: Framework, format: str, language: str = "th") -> bytes:
    """The framework in ``format`` ("docx", "md" or "pdf"), as bytes for a file.

    Raises ExportUnavailable for a PDF this server cannot make correctly.
    """
    if format == "docx":
        return export_docx(framework=framework, language=language)
    if format == "md":
        return export_markdown(framework=framework, language=language).encode("utf-8")
    if format == "pdf":
        return export_pdf(framework=framework, language=language)
    raise ValueError(f"unknown format: {format}")
