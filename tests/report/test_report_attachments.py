"""A PDF of a workspace larger than its sections show: bounded pages, every row attached as CSV."""

from __future__ import annotations

import csv
import io
import os
import threading
from datetime import date
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Workspace
from hipaa_sra.report import (
    Report,
    Table,
    appendix_csv,
    build_report,
    render_html,
    render_pdf,
)
from hipaa_sra.report.pdf import _fonts_dated
from hipaa_sra.writing import init_workspace

TODAY = date(2026, 11, 22)
LIMIT = 4
"""Rows each section shows: the example's register, flows and findings are all longer."""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("attach") / "sra"
    init_workspace(root, example=True, organization="unused")
    return load_workspace(root, use_cache=False)


@pytest.fixture(scope="module")
def report(workspace: Workspace) -> Report:
    return build_report(workspace, TODAY, detail_limit=LIMIT)


def _sra_pdf(workspace: Workspace, out: Path) -> bytes:
    """The PDF as a user makes it: `sra report --format pdf --detail-limit 4`."""
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "--workspace",
            str(workspace.root),
            "--format",
            "pdf",
            "--out",
            str(out),
            "--today",
            TODAY.isoformat(),
            "--no-history",
            "--detail-limit",
            str(LIMIT),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


@pytest.fixture(scope="module")
def pdf_bytes(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _sra_pdf(workspace, tmp_path_factory.mktemp("out") / "sra.pdf")


@pytest.fixture(scope="module")
def pdf(pdf_bytes: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf_bytes))


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _attached(pdf: pypdf.PdfReader) -> dict[str, bytes]:
    return {name: data for name, contents in pdf.attachments.items() for data in contents}


def test_every_appendix_is_attached_as_csv_in_appendix_order(
    report: Report, pdf: pypdf.PdfReader
) -> None:
    appendices = report.appendices
    assert {t.key for t in appendices} >= {"flows", "threats", "risk-levels", "findings"}
    assert sorted(_attached(pdf)) == [
        f"appendix-{n:02d}-{table.key}.csv" for n, table in enumerate(appendices, start=1)
    ]


def test_the_attached_register_holds_every_risk_and_every_flow(
    workspace: Workspace, report: Report, pdf: pypdf.PdfReader
) -> None:
    files = _attached(pdf)
    numbers = report.appendix_numbers
    risks = _rows(files[f"appendix-{numbers['risk-levels']:02d}-risk-levels.csv"])
    assert risks[0] == list(report.section("risk-determination").tables[0].columns)
    column = risks[0].index("Risk")
    assert sorted(row[column] for row in risks[1:]) == sorted(r.id for r in workspace.risks if r.id)
    flows = _rows(files[f"appendix-{numbers['flows']:02d}-flows.csv"])
    assert len(flows) - 1 == len(workspace.flows)
    for table in report.appendices:  # no table loses a row or a column on the way
        rows = _rows(files[f"appendix-{numbers[table.key]:02d}-{table.key}.csv"])
        assert len(rows) == len(table.rows) + 1, table.key
        assert all(len(row) == len(table.columns) for row in rows), table.key


def test_the_pages_show_the_bound_and_name_the_file(report: Report, pdf: pypdf.PdfReader) -> None:
    text = "\n".join(page.extract_text() for page in pdf.pages)
    number = report.appendix_numbers["risk-levels"]
    name = f"appendix-{number:02d}-risk-levels.csv"
    table = report.section("risk-determination").tables[0]
    assert f"The first {LIMIT} of {len(table.rows)} rows" in text
    assert f"Appendix {number}: {table.title}" in text
    assert name in " ".join(text.split())  # a long line may wrap inside the name's sentence
    # The lowest-ranked risks are in the attached file, not laid out on a page.
    last = table.rows[-1][table.columns.index("Risk")]
    assert isinstance(last, str) and last not in text


def test_the_html_still_holds_every_row_inline(report: Report) -> None:
    html = render_html(report)
    table = report.section("risk-determination").tables[0]
    last = table.rows[-1][table.columns.index("Risk")]
    assert isinstance(last, str) and f">{last}<" in html
    assert "attached to this PDF" not in html and "appendix-01-" not in html


def test_the_pdf_is_the_same_bytes_every_time(
    workspace: Workspace, pdf_bytes: bytes, tmp_path: Path
) -> None:
    # Seconds pass between the two runs: nothing in the file may come from the clock (the
    # attachments' dates, the embedded fonts' timestamps).
    assert _sra_pdf(workspace, tmp_path / "again.pdf") == pdf_bytes


def test_a_cell_a_spreadsheet_would_run_is_written_as_text() -> None:
    rows = (("R-1", '=HYPERLINK("http://x")'), ("R-2", "-5 is fine as text"))
    table = Table("t", "T", ("Risk", "Threat"), rows, shown=0)
    assert _rows(appendix_csv(table))[1:] == [
        ["R-1", '\'=HYPERLINK("http://x")'],
        ["R-2", "'-5 is fine as text"],
    ]


def test_example_pdf_without_appendices_attaches_nothing(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    init_workspace(root, example=False, organization="Clinic")
    reader = pypdf.PdfReader(
        io.BytesIO(render_pdf(build_report(load_workspace(root, use_cache=False), TODAY)))
    )
    assert reader.attachments == {}


def test_a_pdf_section_shows_fewer_rows_than_the_html_by_default(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    init_workspace(root, example=False, organization="Clinic")
    risks = "".join(
        f"- id: R-{n:03d}\n  asset: db\n  threat: Threat {n}\n  vuln: Weakness {n}\n"
        f"  likelihood: low\n  impact: moderate\n"
        for n in range(1, 61)
    )
    (root / "register" / "many.yaml").write_text(risks, encoding="utf-8")
    runner = CliRunner()
    for fmt in ("html", "pdf"):
        args = [
            "report",
            "--workspace",
            str(root),
            "--format",
            fmt,
            "--out",
            f"{tmp_path}/sra.{fmt}",
        ]
        result = runner.invoke(cli, [*args, "--today", TODAY.isoformat(), "--no-history"])
        assert result.exit_code == 0, result.stderr
    # 60 rows fit in an HTML section (200); a PDF section shows 50 and attaches all 60.
    assert "Appendix 1" not in (tmp_path / "sra.html").read_text(encoding="utf-8")
    reader = pypdf.PdfReader(tmp_path / "sra.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "The first 50 of 60 rows" in text
    [name] = [name for name in reader.attachments if name.endswith("-risk-levels.csv")]
    assert len(_rows(reader.attachments[name][0])) == 61


def test_two_pdfs_rendered_at_once_each_carry_their_own_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The web app renders in several threads, and the date fontTools stamps comes from the
    # process's environment: a render that began while another held it took that one's date.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first_inside, second_tried = threading.Event(), threading.Event()
    seen: dict[str, str | None] = {}

    def first() -> None:
        with _fonts_dated(date(2026, 1, 1)):
            first_inside.set()
            second_tried.wait(timeout=0.5)  # the second would be inside now, but for the lock
            seen["first"] = os.environ.get("SOURCE_DATE_EPOCH")

    def second() -> None:
        first_inside.wait()
        second_tried.set()
        with _fonts_dated(date(2026, 6, 1)):
            seen["second"] = os.environ.get("SOURCE_DATE_EPOCH")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"first": "1767225600", "second": "1780272000"}
    assert "SOURCE_DATE_EPOCH" not in os.environ
