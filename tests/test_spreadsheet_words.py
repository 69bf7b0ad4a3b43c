"""Spreadsheet import reads what people type: US dates, everyday status words; a bad cell is
echoed back; new rows are written as a person would write them."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.loading import load_workspace

BASE = Path(__file__).parent / "rules" / "base"
HEADER = [
    "Risk ID",
    "Asset",
    "Threat",
    "Vulnerability",
    "Likelihood",
    "Impact",
    "Inherent Risk",
    "Current Controls",
    "Last Reviewed",
    "Remediation Control",
    "Remediation Owner",
    "Remediation Due",
    "Remediation Status",
]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    return root


def _import(base: Path, tmp_path: Path, rows: list[list[str]], *args: str) -> tuple[int, str, str]:
    path = tmp_path / "risks.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    result = CliRunner().invoke(
        cli, ["import", str(path), "-w", str(base), *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def _row(rid: str, reviewed: str, due: str, status: str) -> list[str]:
    return [
        rid,
        "api",
        "Phishing",
        "No MFA",
        "low",
        "high",
        "moderate",
        "",
        reviewed,
        "Enforce MFA",
        "bob",
        due,
        status,
    ]


def test_us_dates_are_read_with_a_note(base: Path, tmp_path: Path) -> None:
    code, stdout, stderr = _import(
        base, tmp_path, [_row("NEW-1", "3/5/2026", "03/31/2027", "planned")], "--apply"
    )
    assert code == 0, stderr
    notes = [line.split(": ", 1)[1] for line in stdout.splitlines() if "month/day/year" in line]
    assert notes == [
        "last_reviewed: read '3/5/2026' as 2026-03-05 (month/day/year)",
        "remediation.1.due: read '03/31/2027' as 2027-03-31 (month/day/year)",
    ]
    risk = load_workspace(base, use_cache=False).risk_by_id["NEW-1"]
    assert str(risk.last_reviewed) == "2026-03-05"
    assert str(risk.remediation[0].due) == "2027-03-31"


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Not started", "planned"),
        ("Complete", "done"),
        ("Closed", "done"),
        ("Completed", "done"),
        ("In Progress", "in_progress"),
        ("Ongoing", "in_progress"),
    ],
)
def test_everyday_status_words(base: Path, tmp_path: Path, word: str, status: str) -> None:
    code, stdout, stderr = _import(
        base, tmp_path, [_row("NEW-1", "2026-01-05", "2027-01-05", word)], "--apply"
    )
    assert code == 0, stderr
    risk = load_workspace(base, use_cache=False).risk_by_id["NEW-1"]
    assert risk.remediation[0].status.value == status
    if word.replace(" ", "_").lower() != status:
        assert f"remediation.1.status: read {word!r} as {status}" in stdout


def test_bad_values_are_echoed(base: Path, tmp_path: Path) -> None:
    bad = _row("NEW-1", "31/03/2026", "2027-01-05", "Whenever")
    worse = _row("NEW-2", "2026-01-05", "soon", "planned")
    worse[4] = "sometimes"
    code, _, stderr = _import(base, tmp_path, [bad, worse])
    path = tmp_path / "risks.csv"
    assert code == 1
    assert stderr.splitlines() == [
        f"{path}:risks:2:I: last_reviewed: '31/03/2026' is not a date; expected YYYY-MM-DD "
        "or month/day/year (03/31/2027)",
        f"{path}:risks:2:M: remediation.1.status: 'Whenever' is not one of: planned, "
        "in_progress, done, accepted, deferred",
        f"{path}:risks:3:E: likelihood: 'sometimes': Input should be 'very-low', 'low', "
        "'moderate', 'high' or 'very-high'",
        f"{path}:risks:3:L: remediation.1.due: 'soon': expected a date written as YYYY-MM-DD",
        "4 problems; nothing written",
    ]


def test_new_rows_are_written_as_a_person_would(base: Path, tmp_path: Path) -> None:
    code, _, stderr = _import(
        base, tmp_path, [_row("NEW-1", "2026-01-05", "", "planned")], "--apply"
    )
    assert code == 0, stderr
    text = (base / "register" / "imported.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../.schema/risks.schema.json\n")
    assert "[]" not in text and "null" not in text and "current_controls" not in text
