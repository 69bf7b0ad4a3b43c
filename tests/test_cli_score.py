"""`sra score`: the table, JSON and CSV a user gets, --limit and --out, and bad methodologies."""

from __future__ import annotations

import csv
import difflib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, MANIFEST
from hipaa_sra.catalog import risk_matrix
from hipaa_sra.findings import Location
from hipaa_sra.formats.scores import FIELDS, scores_csv, scores_text
from hipaa_sra.model import Level
from hipaa_sra.scoring import ScoredRisk

GOLDEN = Path(__file__).parent / "golden" / "score"

# Five rows covering every marker of the table: agreement, disagreement, inherent taken from
# the matrix, residual taken from inherent, and a level the 3-level matrix does not have.
REGISTER = """\
- id: R-001
  asset: visits-db
  threat: Credential theft from the analytics replica role
  vuln: Replica role keeps SELECT on patient tables
  likelihood: moderate
  impact: high
  inherent_risk: high
  residual_risk: moderate
  remediation:
    - {control: Drop SELECT from the replica role, owner: bob, status: in_progress}
- id: R-002
  asset: patient-web-app
  threat: Session hijacking
  vuln: Long-lived sessions
  likelihood: high
  impact: high
- id: R-003
  asset: visits-db
  threat: Backup restored to the wrong environment
  vuln: Manual restore runbook
  likelihood: low
  impact: moderate
  inherent_risk: low
  residual_risk: low
  remediation:
    - {control: Automate restores, owner: bob, status: done}
- id: R-004
  asset: lab-results-worker
  threat: Poisoned message from the lab partner
  vuln: No schema validation on inbound HL7
  likelihood: high
  impact: moderate
  residual_risk: moderate
- id: R-005
  asset: error-tracking-project
  threat: ePHI in exception payloads
  vuln: No scrubbing of request bodies
  likelihood: very-high
  impact: high
  inherent_risk: high
"""


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/score/NAME exactly, showing a diff when they differ."""
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"golden/score/{name}",
            tofile="sra score",
        )
        pytest.fail("output differs from the golden file:\n" + "".join(diff), pytrace=False)


@pytest.fixture
def scored_workspace(workspace):
    return workspace({"register/risks.yaml": REGISTER})


def methodology(text: str) -> str:
    return MANIFEST + "methodology:\n" + text


def test_text_table_matches_golden(scored_workspace, sra) -> None:
    run = sra("score", "--workspace", str(scored_workspace))
    assert run.exit_code == 0, run.stderr
    assert_golden("risks.txt", run.stdout)
    # R-005 is very-high in a 3-level workspace: a loader error, mentioned but not fatal.
    assert "1 error(s) found while loading" in run.stderr


def test_json_document(scored_workspace, sra) -> None:
    run = sra("score", "--workspace", str(scored_workspace), "--format", "json")
    assert run.exit_code == 0
    document = json.loads(run.stdout)
    assert document["schema_version"] == 1
    assert document["matrix"]["name"] == "nist-800-30r1"
    assert document["matrix"]["levels"] == 3
    assert document["matrix"]["rows"]["moderate"]["high"] == "moderate"
    definition = document["score_definition"]
    assert "tool-defined" in definition and "not NIST Table I-2" in definition
    assert document["total"] == 5
    risks = document["risks"]
    assert [r["id"] for r in risks] == ["R-005", "R-002", "R-001", "R-004", "R-003"]
    assert all(tuple(r) == FIELDS for r in risks)
    by_id = {r["id"]: r for r in risks}
    r001 = by_id["R-001"]
    assert (r001["rank"], r001["inherent_stated"], r001["inherent_computed"]) == (
        3,
        "high",
        "moderate",
    )
    assert r001["inherent_disagrees"] is True
    assert (r001["file"], r001["line"], r001["column"]) == ("sra/register/risks.yaml", 1, 3)
    assert (by_id["R-002"]["residual"], by_id["R-002"]["residual_source"]) == ("high", "inherent")
    assert by_id["R-002"]["residual_stated"] is None
    # Off the 3-level scale: no computed level, ranked on what the row states.
    assert by_id["R-005"]["inherent_computed"] is None
    assert by_id["R-005"]["score"] == 80


def test_csv_is_rfc_4180(scored_workspace, sra, tmp_path) -> None:
    out = tmp_path / "scores.csv"
    run = sra("score", "--workspace", str(scored_workspace), "--format", "csv", "--out", str(out))
    assert run.exit_code == 0
    data = out.read_bytes()
    assert data.count(b"\r\n") == 6 and data.count(b"\n") == 6
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == FIELDS
    assert rows[2][:4] == ["2", "R-002", "patient-web-app", "high"]
    by_id = {row[1]: dict(zip(FIELDS, row, strict=True)) for row in rows[1:]}
    assert by_id["R-001"]["inherent_disagrees"] == "true"
    assert by_id["R-002"]["residual_stated"] == ""
    assert by_id["R-003"]["open_remediation"] == "0"


def test_limit_shows_the_top_rows(scored_workspace, sra) -> None:
    text = sra("score", "-w", str(scored_workspace), "--limit", "2").stdout
    assert "Top 2 of 5 risks" in text
    assert "R-005" in text and "R-002" in text and "R-001" not in text
    document = json.loads(
        sra("score", "-w", str(scored_workspace), "--limit", "2", "--format", "json").stdout
    )
    assert (document["total"], len(document["risks"])) == (5, 2)
    assert sra("score", "-w", str(scored_workspace), "--limit", "0").exit_code == 2


def test_out_writes_the_file_and_replaces_it(scored_workspace, sra, tmp_path) -> None:
    target = tmp_path / "reports" / "scores.csv"
    run = sra("score", "-w", str(scored_workspace), "--format", "csv", "--out", str(target))
    assert (run.exit_code, run.stdout) == (0, "")
    assert target.read_bytes().startswith(b"rank,id,asset,")
    target.write_text("stale")
    assert sra("score", "-w", str(scored_workspace), "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("#  id ")
    assert not [p.name for p in target.parent.iterdir() if p.name != "scores.csv"]


def test_out_refuses_to_overwrite_a_workspace_file(scored_workspace, sra) -> None:
    register = scored_workspace / "register" / "risks.yaml"
    run = sra("score", "-w", str(scored_workspace), "--out", str(register))
    assert run.exit_code == 2
    assert "inside the workspace" in run.stderr
    assert register.read_text(encoding="utf-8") == REGISTER


def test_custom_matrix_with_a_missing_cell_exits_2(workspace, sra) -> None:
    root = workspace(
        {"register/risks.yaml": REGISTER},
        manifest=methodology(
            "  matrix: custom\n"
            "  custom_matrix:\n"
            "    low: {low: low, moderate: low, high: moderate}\n"
            "    moderate: {low: low, moderate: moderate}\n"
            "    high: {low: moderate, moderate: high, high: high}\n"
        ),
    )
    run = sra("score", "--workspace", str(root))
    assert run.exit_code == 2
    assert run.stdout == ""
    [line] = run.stderr.splitlines()
    assert line.startswith("sra/sra.yaml:12:3: `methodology.custom_matrix` is not a complete")
    assert "cell likelihood=moderate, impact=high is missing" in line
    assert "(write all 9 cells" in line


def test_matrix_defined_for_other_levels_exits_2(workspace, sra) -> None:
    root = workspace(manifest=methodology("  levels: 5\n  matrix: classic-3x3\n"))
    run = sra("score", "--workspace", str(root))
    assert run.exit_code == 2
    assert run.stderr.startswith("sra/sra.yaml:12:3: `methodology.matrix` is classic-3x3")
    assert "set `levels: 3`" in run.stderr


def test_custom_without_a_table_exits_2(workspace, sra) -> None:
    run = sra("score", "-w", str(workspace(manifest=methodology("  matrix: custom\n"))))
    assert run.exit_code == 2
    assert run.stderr.startswith("sra/sra.yaml:11:3: `methodology.matrix` is custom but")


def test_unreadable_levels_exit_2_rather_than_guess_the_matrix(workspace, sra) -> None:
    run = sra("score", "-w", str(workspace(manifest=methodology("  levels: 4\n"))))
    assert run.exit_code == 2
    assert run.stderr.startswith(
        "sra/sra.yaml:11:3: `methodology.levels` could not be read, so no risk matrix applies"
    )


def test_custom_five_level_matrix_scores(workspace, sra) -> None:
    rows = "\n".join(f"    {r}: {{{', '.join(f'{c}: {r}' for c in Level)}}}" for r in Level)
    root = workspace(
        {"register/risks.yaml": REGISTER},
        manifest=methodology(f"  levels: 5\n  matrix: custom\n  custom_matrix:\n{rows}\n"),
    )
    run = sra("score", "-w", str(root), "--format", "json")
    assert run.exit_code == 0, run.stderr
    document = json.loads(run.stdout)
    assert (document["matrix"]["name"], document["matrix"]["levels"]) == ("custom", 5)
    # This matrix's level of risk is the likelihood, so R-005 (very-high) ranks first.
    assert document["risks"][0]["id"] == "R-005"
    assert document["risks"][0]["inherent_computed"] == "very-high"


def test_seed_register_row(workspace, sra) -> None:
    root = workspace()
    (root / "register").mkdir()
    shutil.copy(FIXTURES / "seed-register-example.yaml", root / "register" / "seed.yaml")
    run = sra("score", "-w", str(root))
    assert run.exit_code == 0
    assert run.stderr == ""
    [row] = [line for line in run.stdout.splitlines() if "RR-2026-014" in line]
    assert row.split() == [
        "1",
        "RR-2026-014",
        "patient_records.prod-postgres-primary",
        "moderate",
        "high",
        "high",
        "!=",
        "moderate",
        "moderate",
        "40",
        "1",
    ]


def test_empty_register(workspace, sra) -> None:
    run = sra("score", "-w", str(workspace()))
    assert run.exit_code == 0
    assert run.stdout.startswith("No risks in the register.\nMatrix: NIST SP 800-30 Rev. 1")


# --- renderers on their own -----------------------------------------------------------------


def one(**fields: Any) -> ScoredRisk:
    values: dict[str, Any] = {
        "risk_id": "R-1",
        "asset": "db",
        "likelihood": Level.MODERATE,
        "impact": Level.HIGH,
        "inherent_stated": Level.HIGH,
        "inherent_computed": Level.MODERATE,
        "residual_stated": None,
        "residual": Level.HIGH,
        "residual_source": "inherent",
        "score": 40,
        "inherent_disagrees": True,
        "open_remediation": 1,
        "location": Location("sra/register/r.yaml", 2, 3),
        "order": 0,
    }
    values.update(fields)
    return ScoredRisk(**values)


def test_text_colours_only_when_asked() -> None:
    matrix = risk_matrix("nist-800-30r1", 3)
    plain = scores_text([one()], matrix)
    assert "\x1b[" not in plain
    assert "high != moderate" in plain and "(high)" in plain
    coloured = scores_text([one()], matrix, colour=True)
    assert "\x1b[" in coloured
    assert coloured.splitlines()[0] == plain.splitlines()[0]


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    rows = list(csv.reader(io.StringIO(scores_csv([one(asset="=HYPERLINK(1)")]), newline="")))
    assert rows[1][FIELDS.index("asset")] == "'=HYPERLINK(1)"
