"""`sra report` says what it is doing on a terminal, and nothing when its output is piped."""

from __future__ import annotations

from pathlib import Path

from hipaa_sra.writing import init_workspace


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    init_workspace(root, example=False, organization="Clinic")
    return root


def test_a_pdf_shows_each_stage_with_its_time(tmp_path: Path, sra) -> None:
    root = _workspace(tmp_path)
    out = tmp_path / "sra.pdf"
    run = sra(
        "report",
        "--workspace",
        str(root),
        "--format",
        "pdf",
        "--out",
        str(out),
        "--today",
        "2026-12-02",
        "--no-history",
        "--progress",
    )
    assert run.exit_code == 0, run.stderr
    assert out.read_bytes().startswith(b"%PDF")
    # Each stage redraws its line (\r) while it runs; what stays on screen is the last draw.
    lines = [drawn.rsplit("\r", 1)[-1] for drawn in run.stderr.split("\n") if drawn]
    labels = [line.rsplit(" (", 1)[0] for line in lines]
    assert labels == [
        "sra report: loading the workspace",
        "sra report: building the document (0 risks)",
        "sra report: rendering the HTML",
        labels[3],
    ]
    assert labels[3].startswith("sra report: laying out the PDF pages (")
    assert all(line.endswith(" s)") for line in lines)


def test_piped_it_stays_quiet(tmp_path: Path, sra) -> None:
    root = _workspace(tmp_path)
    run = sra(
        "report",
        "--workspace",
        str(root),
        "--format",
        "md",
        "--out",
        str(tmp_path / "sra.md"),
        "--today",
        "2026-12-02",
    )
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith("Wrote ")
