"""The PDF export: Thai set in a Thai font, or a clear refusal."""

import re
import zlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from strategy import exporters
from tests.factories import SCRIPT


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects with their streams inflated, to search for names."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_the_pdf_sets_thai_in_a_thai_font(framework):
    pytest.importorskip("weasyprint")
    fonts = exporters.thai_fonts()
    if not fonts:
        pytest.skip("no Thai font installed (apt-get install fonts-thai-tlwg)")

    data = exporters.export_pdf(framework=framework["framework"], language="th")

    assert data.startswith(b"%PDF-")
    embedded = re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", pdf_objects(data))
    families = {name.decode().split("-")[0] for name in embedded}
    assert families & {font.replace(" ", "") for font in fonts}, families


def test_the_pdf_carries_the_tree_escaped(framework):
    with translation.override("th"):
        context = exporters._pdf_context(framework["framework"], ["Laksaman"])
        html = render_to_string("strategy/export/framework.html", context)
    assert SCRIPT not in html
    assert 'font-family: "Laksaman", sans-serif' in html
    assert "ศูนย์บริการแบบไร้รอยต่อ" in html
    assert "[#3] [#12]" in html
    assert "somchai" not in html


def test_without_a_thai_font_no_pdf_is_made(framework, monkeypatch, tmp_path):
    monkeypatch.setattr(exporters, "thai_fonts", lambda: [])
    with pytest.raises(exporters.ExportUnavailable):
        exporters.export_pdf(framework=framework["framework"])

    output = tmp_path / "framework.pdf"
    with pytest.raises(CommandError, match="PDF export needs"):
        call_command(
            "export_framework",
            "reform-2566-2570",
            "--format",
            "pdf",
            "--output",
            str(output),
        )
    assert not output.exists()


def test_the_admin_explains_a_pdf_it_cannot_make(
    client, policy_writer, framework, monkeypatch
):
    monkeypatch.setattr(exporters, "thai_fonts", lambda: [])
    client.force_login(policy_writer)
    target = framework["framework"]

    response = client.get(
        reverse("strategy_export", args=[target.pk, "pdf"]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse(
        "wagtailsnippets_strategy_framework:edit", args=[target.pk]
    )
    assert "PDF export needs" in response.content.decode()
