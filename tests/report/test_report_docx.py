"""`sra report --format docx`, read back with python-docx as Word would show it.

The read-back always runs; when LibreOffice is installed, the document is also converted
to PDF headless, the way a reviewer without Word would open it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn

from conftest import Run
from hipaa_sra.loading import load_workspace
from hipaa_sra.report import SECTION_TITLES, Report, build_report, render_docx
from hipaa_sra.writing import init_workspace

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("docx") / "sra"
    init_workspace(root, example=True, organization="Example")
    return root


@pytest.fixture(scope="module")
def report(example: Path) -> Report:
    return build_report(load_workspace(example, use_cache=False), TODAY, detail_limit=20)


@pytest.fixture(scope="module")
def document(report: Report) -> Document:
    return docx.Document(io.BytesIO(render_docx(report)))


def _headings(document: Document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def test_every_section_is_a_word_heading_in_the_html_order(
    document: Document, report: Report
) -> None:
    headings = _headings(document, 1)
    assert headings[0] == "Contents"
    assert headings[1 : 1 + len(SECTION_TITLES)] == list(SECTION_TITLES)
    appendices = [f"Appendix {n}: {t.title}" for n, t in enumerate(report.appendices, 1)]
    assert appendices and headings[1 + len(SECTION_TITLES) :] == appendices
    # The title is Word's Title style: the navigation pane lists the Heading 1 entries under it.
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [report.title]


def test_tables_have_repeating_bold_header_rows(document: Document, report: Report) -> None:
    expected = [t for s in report.sections for t in s.tables] + list(report.appendices)
    tables = document.tables[1:]  # the cover's key figures come first
    with_rows = [t for t in expected if t.rows]
    assert len(tables) == len(with_rows)
    for table, source in zip(tables, with_rows, strict=True):
        header = table.rows[0]
        assert [c.text for c in header.cells] == list(source.columns)
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for c in header.cells for run in c.paragraphs[0].runs)
    top = next(t for t, s in zip(tables, with_rows, strict=True) if s.key == "top-risks")
    assert top.rows[1].cells[0].text == report.section("summary").tables[0].rows[0][0]


def test_truncated_tables_point_at_their_appendix(document: Document, report: Report) -> None:
    text = "\n".join(p.text for p in document.paragraphs)
    numbers = report.appendix_numbers
    for table in report.appendices:
        assert (
            f"The first 20 of {len(table.rows):,} rows" in text
            and f"Appendix {numbers[table.key]}." in text
        )


def test_charts_and_the_flow_diagram_are_png_images(document: Document, report: Report) -> None:
    figures = [f for s in report.sections for f in s.figures]
    keys = {f.key for f in figures}
    assert {"data-flow-diagram", "loss-exceedance"} <= keys
    images = list(document.inline_shapes)
    assert len(images) == len(figures)
    parts = [rel.target_part for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(parts) == len(figures)
    assert all(part.blob[:8] == b"\x89PNG\r\n\x1a\n" and len(part.blob) > 10_000 for part in parts)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert all(any(c.startswith(f.caption) for c in captions) for f in figures)


def test_quantified_risk_section_carries_the_loss_figures(
    document: Document, report: Report
) -> None:
    section = report.section("quantified-risk")
    body = "\n".join(p.text for p in document.paragraphs)
    for label, value in section.facts:
        assert f"{label}: {value}" in body
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[-1].text for t in document.tables}
    assert "Probability|After plan" in tables


def test_banner_and_properties_say_what_was_signed(document: Document, report: Report) -> None:
    body = [p.text for p in document.paragraphs]
    assert body.count(report.banner.title) == 2  # the cover and the sign-off section
    props = document.core_properties
    assert props.title is not None and "2026-11-22" in props.title
    assert report.digest in (props.comments or "")
    assert props.created is not None and props.created.date() == TODAY
    header = document.sections[0].header.paragraphs[0].text
    assert report.banner.title in header


def test_the_same_report_gives_the_same_bytes(report: Report) -> None:
    # Every part of the archive is dated by the report's date, not the clock, so a signed
    # SRA can be rendered again later and compared byte for byte.
    first = render_docx(report)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 22, 0, 0, 0)}
        assert archive.testzip() is None
    assert render_docx(report) == first


def test_cli_writes_docx(example: Path, sra: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "SRA.docx"
    run = sra(
        "report",
        "-w",
        str(example),
        "--format",
        "docx",
        "--out",
        str(out),
        "--today",
        "2026-11-22",
        "--no-history",
        "--no-cache",
    )
    assert run.exit_code == 0, run.stderr
    assert "(docx," in run.stdout
    read = docx.Document(str(out))
    assert "Quantified risk" in _headings(read, 1)


def test_default_name_and_refusal_inside_the_workspace(
    example: Path, sra: Callable[..., Run]
) -> None:
    run = sra("report", "-w", str(example), "--format", "docx", "--out", str(example / "SRA.docx"))
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert not (example / "SRA.docx").exists()


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed",
)
def test_libreoffice_opens_it_and_converts_to_pdf(report: Report, tmp_path: Path) -> None:
    import pypdf

    source = tmp_path / "SRA.docx"
    source.write_bytes(render_docx(report))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office is not None
    profile = tmp_path / "profile"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = pypdf.PdfReader(tmp_path / "SRA.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) > 10
    for title in ("Quantified risk", "Sign-off", "Review history"):
        assert title in text


def test_control_characters_in_workspace_text_do_not_break_the_document(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    init_workspace(root, example=True, organization="Example")
    register = root / "register" / "clinical-platform.yaml"
    source = register.read_text(encoding="utf-8")
    first = next(line for line in source.splitlines() if line.startswith("  threat: "))
    register.write_text(
        source.replace(first, '  threat: "Bell\\x07 and form\\x0cfeed `code`"', 1), encoding="utf-8"
    )
    manifest = root / "sra.yaml"
    text = manifest.read_text(encoding="utf-8")
    named = text.replace("  name: Northwind Telehealth, Inc.", '  name: "Ex\\x1bample"', 1)
    manifest.write_text(named, encoding="utf-8")
    report = build_report(load_workspace(root, use_cache=False), TODAY)
    read = docx.Document(io.BytesIO(render_docx(report)))
    cells = [c.text for t in read.tables for row in t.rows for c in row.cells]
    assert any("Bell\\x07 and form\\x0cfeed code" in text for text in cells)
    assert read.core_properties.author == "Ex\\x1bample"


def test_a_long_table_keeps_every_row_in_order() -> None:
    from hipaa_sra.report.word_tables import add_grid

    document = docx.Document()
    rows = [(f"RR-{n}", "moderate", "a threat with `code`", "2027-01-31") for n in range(1_234)]
    add_grid(document, ("Risk", "Level", "Threat", "Due"), rows)
    table = document.tables[-1]
    assert [row.cells[0].text for row in table.rows] == ["Risk"] + [r[0] for r in rows]
    assert table.rows[5].cells[2].text == "a threat with code"
    runs = table.rows[5].cells[2].paragraphs[0].runs
    assert [r.font.name for r in runs] == [None, "Consolas"]
