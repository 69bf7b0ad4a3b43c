"""The worked example of docs/deidentify.md on the bundled sample data, the draft policy, and the
de-identification record written as evidence on the staging asset's scoped_out_by control."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.deid import load_policy
from hipaa_sra.loading import load_workspace

from .data import clinic, write_files, write_sqlite
from .test_files import run


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`sra init sra --example` in an empty folder, which becomes the working directory."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "sra", "--example"]).exit_code == 0
    return tmp_path


def test_worked_example_on_the_sample_clickstream(example: Path) -> None:
    code, draft, _ = run("--init-policy", "sra/samples/clickstream.csv")
    assert code == 0
    assert "      page_url: {action: redact, type: url}  # url (confidence 0.90)" in draft
    assert "      client_ip: {action: redact, type: ip-address}" in draft
    (example / "clickstream-policy.yaml").write_text(draft)
    code, stdout, stderr = run(
        "--from",
        "sra/samples/clickstream.csv",
        "--to",
        "staging/clickstream",
        "--policy",
        "clickstream-policy.yaml",
        "--asset",
        "staging-db",
        "--record-evidence",
    )
    assert code == 0, stdout + stderr
    assert "Scanned as written: 40 rows, no identifier left; the copy is in place" in stdout
    assert "Recorded the de-identification as evidence of ctl-synthetic-data-lower-envs" in stderr
    control = next(
        c
        for c in load_workspace(example / "sra").controls
        if c.id == "ctl-synthetic-data-lower-envs"
    )
    item = control.evidence[-1]
    assert item.what is not None and item.what.startswith(
        "De-identified copy (safe-harbor) of samples/clickstream.csv at ../staging/clickstream: "
        "1 table(s), 40 rows; columns per action: keep 5, redact 2"
    )
    assert item.how_verified is not None and "policy sha256:" in item.how_verified
    assert "result sha256:" in item.how_verified and str(item.date) == "2026-12-01"
    assert "scanned by sra scan's detector as it was written (40 rows)" in item.how_verified
    assert item.location == "../staging/clickstream"  # from the workspace, as scan: entries
    assert CliRunner().invoke(cli, ["validate", "--workspace", "sra"]).exit_code in (0, 1)


def test_a_failed_copy_records_nothing(example: Path) -> None:
    (example / "keep-all.yaml").write_text(
        "profile: safe-harbor\ntables:\n  clickstream:\n    columns:\n"
        + "".join(
            f"      {c}: keep\n"
            for c in (
                "event_id",
                "event_time",
                "session_id",
                "event_type",
                "page_url",
                "client_ip",
                "app_version",
            )
        )
    )
    before = (example / "sra" / "controls" / "technical-data-and-monitoring.yaml").read_bytes()
    code, stdout, _ = run(
        "--from",
        "sra/samples/clickstream.csv",
        "--to",
        "staging",
        "--policy",
        "keep-all.yaml",
        "--asset",
        "staging-db",
        "--record-evidence",
    )
    assert code == 1 and "clickstream.client_ip: ip-address" in stdout
    after = (example / "sra" / "controls" / "technical-data-and-monitoring.yaml").read_bytes()
    assert after == before


def test_asset_without_a_scoping_control_is_refused_before_the_copy(example: Path) -> None:
    (example / "p.yaml").write_text("profile: safe-harbor\ntables: {}\n")
    code, _, stderr = run(
        "--from",
        "sra/samples/clickstream.csv",
        "--to",
        "staging",
        "--policy",
        "p.yaml",
        "--asset",
        "product-events-bucket",
        "--record-evidence",
    )
    assert code == 2 and "the asset names no `scoped_out_by` control" in stderr
    code, _, stderr = run(
        "--from",
        "sra/samples/clickstream.csv",
        "--to",
        "staging",
        "--policy",
        "p.yaml",
        "--asset",
        "staging_db",
        "--record-evidence",
    )
    assert code == 2 and "did you mean `staging-db`?" in stderr
    assert not (example / "staging").exists()


@pytest.mark.parametrize("kind", ["csv", "sqlite"])
def test_the_draft_policy_removes_every_identifier_of_the_clinic(tmp_path: Path, kind: str) -> None:
    data = clinic(patients=150)
    source = (
        write_files(data, tmp_path / "export", "csv")
        if kind == "csv"
        else write_sqlite(data, tmp_path / "clinic.sqlite")
    )
    code, _, stderr = run("--init-policy", str(source), "-o", str(tmp_path / "policy.yaml"))
    assert code == 0, stderr
    reviewed = (tmp_path / "policy.yaml").read_bytes()
    code, _, stderr = run("--init-policy", str(source), "-o", str(tmp_path / "policy.yaml"))
    assert code == 2 and "policy.yaml: exists; write the draft to a new file" in stderr
    assert (tmp_path / "policy.yaml").read_bytes() == reviewed
    policy = load_policy(tmp_path / "policy.yaml").policy
    notes = policy.tables["notes"].columns
    assert notes["text"].action.value == "redact-text"
    patients = policy.tables["patients"].columns
    assert {c: patients[c].action.value for c in ("birth_date", "zip", "ssn", "sex")} == {
        "birth_date": "generalize",
        "zip": "generalize",
        "ssn": "redact",
        "sex": "keep",
    }
    code, stdout, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "copy"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 0, stdout + stderr
