"""The compatibility promise: the HIPAA SRA article's register row loads unchanged, forever."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES


def test_seed_row_validates_with_exit_0(workspace, sra) -> None:
    root = workspace()
    (root / "register").mkdir()
    shutil.copy(FIXTURES / "seed-register-example.yaml", root / "register" / "seed.yaml")

    run = sra("validate", "--workspace", str(root))

    assert run.exit_code == 0, run.stdout + run.stderr
    assert "1 risks" in run.stdout
    assert "0 errors" in run.stdout


def test_seed_row_loads_every_field(workspace) -> None:
    from datetime import date

    from hipaa_sra.loading import load_workspace
    from hipaa_sra.model import Level, RemediationStatus

    root = workspace()
    (root / "register").mkdir()
    shutil.copy(FIXTURES / "seed-register-example.yaml", root / "register" / "seed.yaml")
    ws = load_workspace(root)

    [risk] = ws.risks
    assert risk.id == "RR-2026-014"
    assert risk.asset == "patient_records.prod-postgres-primary"
    assert risk.ephi_present is True
    assert risk.threat == "Compromise of analytics read-replica role via credential theft"
    assert risk.vuln.startswith("Read-replica role retains SELECT on patient_records.*")
    assert (risk.likelihood, risk.impact, risk.inherent_risk, risk.residual_risk) == (
        Level.MODERATE,
        Level.HIGH,
        Level.HIGH,
        Level.MODERATE,
    )
    assert len(risk.current_controls) == 3
    [item] = risk.remediation
    assert item.owner == "security-eng-lead"
    assert item.due == date(2026, 9, 30)
    assert item.status is RemediationStatus.IN_PROGRESS
    assert risk.last_reviewed == date(2026, 6, 5)
    # The unknown asset and owner are warnings (a register often predates its inventory).
    assert {f.name for f in ws.findings} == {"unknown-reference"}
    assert all(f.severity.value == "warning" for f in ws.findings)


def test_fixture_is_the_published_row() -> None:
    published = Path(__file__).parents[2] / "shared" / "reference" / "seed-register-example.yaml"
    if published.exists():
        assert published.read_bytes() == (FIXTURES / "seed-register-example.yaml").read_bytes()
