"""`sra report` as PDF and Markdown: pages and text a reader gets, and the golden Markdown."""

from __future__ import annotations

import difflib
import io
import os
import re
from datetime import date
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra._version import __version__
from hipaa_sra.catalog import risk_matrix
from hipaa_sra.findings import Location
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Level, Risk
from hipaa_sra.report import SECTION_TITLES, build_report, html_to_pdf, render_html, render_markdown
from hipaa_sra.report.markdown import _text
from hipaa_sra.report.risks import _likelihoods_by_level, _residual_place
from hipaa_sra.scoring.rank import score_risk
from hipaa_sra.writing import init_workspace

TODAY = date(2026, 11, 22)
GOLDEN = Path(__file__).parents[1] / "golden" / "report"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("formats") / "sra"
    init_workspace(root, example=True, organization="unused")
    return build_report(load_workspace(root, use_cache=False), TODAY)


@pytest.fixture(scope="module")
def pdf(report) -> pypdf.PdfReader:  # type: ignore[no-untyped-def]
    return pypdf.PdfReader(io.BytesIO(html_to_pdf(render_html(report))))


def test_pdf_has_every_section_and_page_furniture(pdf: pypdf.PdfReader) -> None:
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) >= 20
    cover = pages[0]
    assert "Northwind Telehealth, Inc." in cover and "HIPAA Security Risk Analysis" in cover
    assert "NOT SIGNED" in cover
    text = "\n".join(pages)
    for title in SECTION_TITLES:
        assert title in text, title
    total = len(pages)
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in page
        assert "NOT SIGNED" in page  # the running header repeats the verdict on every page


def test_pdf_contents_page_numbers_point_at_the_sections(pdf: pypdf.PdfReader) -> None:
    pages = [page.extract_text() for page in pdf.pages]
    contents = pages[1]
    listed = dict(re.findall(r"^([A-Z][A-Za-z -]+?) \.+ (\d+)$", contents, re.MULTILINE))
    assert set(SECTION_TITLES) <= set(listed)
    for title in ("Remediation plan", "Sign-off"):
        target = pages[int(listed[title]) - 1]
        assert title in target.splitlines()[:3], (title, target[:200])


def test_pdf_metadata(pdf: pypdf.PdfReader) -> None:
    meta = pdf.metadata
    assert meta is not None and meta.title is not None
    assert "Northwind Telehealth" in meta.title and "2026-11-22" in meta.title


def test_markdown_matches_the_golden_file(report) -> None:  # type: ignore[no-untyped-def]
    actual = render_markdown(report)
    path = GOLDEN / "example.md"
    if os.environ.get("SRA_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual.replace(__version__, "@VERSION@"), encoding="utf-8")
    expected = path.read_text(encoding="utf-8").replace("@VERSION@", __version__)
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile="golden/report/example.md",
            tofile="rendered",
        )
        pytest.fail(
            "Markdown differs from the golden file (SRA_UPDATE_GOLDEN=1 rewrites it):\n"
            + "".join(diff),
            pytrace=False,
        )


def test_markdown_carries_the_diagram_as_mermaid(report) -> None:  # type: ignore[no-untyped-def]
    text = render_markdown(report)
    assert text.count("```mermaid\nflowchart LR") == 1
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings[1 : 1 + len(SECTION_TITLES)] == list(SECTION_TITLES)
    assert "> ⛔ **NOT SIGNED**" in text


@given(st.text())
def test_markdown_text_cannot_break_a_table(value: str) -> None:
    out = _text(value)
    assert "\n" not in out and "\r" not in out
    assert re.search(r"(?<!\\)\|", out) is None
    prose = re.sub(r"(?<!\\)`[^`]+(?<!\\)`", "", out)  # code spans show `<` as it is
    assert re.search(r"(?<!\\)[<*_\[]", prose) is None


def test_markdown_keeps_code_spans_as_code() -> None:
    assert _text("set `signoff.required_roles` in a_b") == "set `signoff.required_roles` in a\\_b"
    assert _text("`a|b`") == "`a\\|b`"


_LEVELS = st.sampled_from(list(Level))


@given(_LEVELS, _LEVELS, _LEVELS)
def test_residual_lands_in_a_cell_of_its_level(
    likelihood: Level, impact: Level, residual: Level
) -> None:
    matrix = risk_matrix("nist-800-30r1", 5)
    risk = Risk(
        id="R",
        asset="a",
        threat="t",
        vuln="v",
        likelihood=likelihood,
        impact=impact,
        residual_risk=residual,
    )
    scored = score_risk(risk, matrix, Location("x"))
    place = _residual_place(scored, _likelihoods_by_level(matrix))
    reachable = [lk for lk in matrix.scale if matrix.level(lk, impact) is residual]
    if not reachable:
        assert place is None
    else:
        assert place is not None and matrix.level(place, impact) is residual
        nearest = min(abs(lk.rank - likelihood.rank) for lk in reachable)
        assert abs(place.rank - likelihood.rank) == nearest


def test_pdf_fetches_nothing_even_a_local_file(tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    html = f'<html><body><p>before</p><img src="{picture.as_uri()}"><p>after</p></body></html>'
    reader = pypdf.PdfReader(io.BytesIO(html_to_pdf(html)))
    page = reader.pages[0]
    assert "before" in page.extract_text() and "after" in page.extract_text()
    assert list(page.images) == []
