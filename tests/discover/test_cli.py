"""`sra discover` and `sra lint --discovered` as a user runs them, on the bundled example."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import IAC

PLAN = "infrastructure/terraform-plan.json"
PLANTED = "terraform:aws_s3_bucket.visit_exports_tmp"


@pytest.fixture
def example(sra: Callable[..., object], tmp_path: Path) -> Path:
    """`sra init --example` in a fresh git repository."""
    root = tmp_path / "sra"
    result = sra("init", "--example", str(root))
    assert result.exit_code == 0
    return root


def test_example_plan_matches_inventory_but_the_planted_bucket(sra, example: Path) -> None:
    run = sra("discover", str(example / PLAN), "-w", str(example), "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["schema_version"] == 1
    assert data["undeclared"] == [PLANTED]
    assert data["missing_sources"] == [] and data["contradictions"] == []
    assert data["inputs"] == [
        {
            "path": str(example / PLAN),
            "kind": "terraform-plan",
            "format_version": "1.2",
            "resources": 27,
        }
    ]
    stores = {s["source_key"]: s for s in data["data_stores"]}
    planted = stores[PLANTED]
    assert planted["ephi"] == "present" and planted["asset"] is None
    assert planted["address"] == "aws_s3_bucket.visit_exports_tmp"
    assert set(planted["attributes"]) >= {
        "encryption_at_rest",
        "publicly_accessible",
        "backup_retention_days",
        "logging",
    }
    assert planted["attributes"]["backup_retention_days"] is None  # buckets have none
    db = stores["terraform:module.patient_db.aws_rds_cluster.this"]
    assert db["asset"] == "visits-db"
    assert db["attributes"]["encryption_at_rest"] is True
    assert db["attributes"]["backup_retention_days"] == 35
    reader = stores["terraform:module.patient_db.aws_rds_cluster_instance.reader[0]"]
    assert reader["category"] == "replica" and reader["asset"] == "visits-db-replica"
    assert data["flows"] == [
        {
            "from": "terraform:module.patient_db.aws_rds_cluster.this",
            "to": "terraform:module.patient_db.aws_rds_cluster_instance.reader[0]",
            "via": "aws_rds_cluster_instance.cluster_identifier",
            "confidence": "low",
        }
    ]


def test_write_appends_once_and_changes_nothing_else(sra, example: Path) -> None:
    before = {p: p.read_bytes() for p in example.rglob("*.yaml")}
    first = sra("discover", str(example / PLAN), "-w", str(example), "--write")
    assert first.exit_code == 0, first.stderr
    written = example / "inventory" / "discovered.yaml"
    text = written.read_text()
    assert f"    - {PLANTED}" in text and "ephi: possible" in text
    assert {p: p.read_bytes() for p in before} == before  # every other file byte for byte
    second = sra("discover", str(example / PLAN), "-w", str(example), "--write", "--format", "json")
    assert json.loads(second.stdout)["undeclared"] == []
    assert written.read_text() == text
    lint = sra("lint", "-w", str(example), "--select", "SRA212", "--today", "2026-11-22")
    assert lint.exit_code == 0, lint.stdout


def test_lint_reports_the_planted_store_from_sra_yaml(sra, example: Path) -> None:
    run = sra(
        "lint",
        "-w",
        str(example),
        "--select",
        "SRA212,SRA213,SRA214",
        "--format",
        "json",
        "--today",
        "2026-11-22",
    )
    assert run.exit_code == 1
    findings = json.loads(run.stdout)["findings"]
    assert [(f["rule"], f["object"], f["severity"], f["file"]) for f in findings] == [
        ("SRA212", PLANTED, "error", "sra/sra.yaml")
    ]


def test_lint_cache_sees_a_changed_input(sra, example: Path) -> None:
    args = (
        "lint",
        "-w",
        str(example),
        "--select",
        "SRA212",
        "--format",
        "json",
        "--today",
        "2026-11-22",
    )
    assert len(json.loads(sra(*args).stdout)["findings"]) == 1
    plan = example / PLAN
    data = json.loads(plan.read_text())
    data["resource_changes"] = [
        r for r in data["resource_changes"] if not r["address"].endswith("visit_exports_tmp")
    ]
    plan.write_text(json.dumps(data))
    assert json.loads(sra(*args).stdout)["findings"] == []


def test_lint_discovered_option_and_contradiction(sra, example: Path, tmp_path: Path) -> None:
    state = IAC / "driftctl/pkg/iac/terraform/state/test/aws_db_instance/terraform.tfstate"
    copy = tmp_path / "db.tfstate"
    shutil.copy(state, copy)
    inventory = example / "inventory" / "data-stores.yaml"
    inventory.write_text(
        inventory.read_text().replace(
            "    - terraform:module.patient_db.aws_rds_cluster.this",
            "    - terraform:module.patient_db.aws_rds_cluster.this\n"
            "    - terraform:aws_db_instance.default",
        )
    )
    run = sra(
        "lint",
        "-w",
        str(example),
        "--discovered",
        str(copy),
        "--select",
        "SRA214",
        "--format",
        "json",
        "--today",
        "2026-11-22",
    )
    found = json.loads(run.stdout)["findings"]
    # The state: storage_encrypted = false, no log exports, backup retention 0, not public.
    # The inventory: encrypted, audit logging, backups, not internet-facing.
    assert sorted((f["object"], f["message"].split("`")[3]) for f in found) == [
        ("visits-db", "audit_logging: true"),
        ("visits-db", "backups: true"),
        ("visits-db", "encryption_at_rest: true"),
    ]


def test_missing_source_when_the_resource_is_gone(sra, example: Path) -> None:
    plan = example / PLAN
    data = json.loads(plan.read_text())
    data["resource_changes"] = [
        r for r in data["resource_changes"] if r["address"] != "aws_cloudtrail.organization"
    ]
    plan.write_text(json.dumps(data))
    run = sra("discover", str(plan), "-w", str(example), "--format", "json")
    assert json.loads(run.stdout)["missing_sources"] == ["cloudtrail-logs"]


def test_bad_input_exit_2_and_one_line(sra, tmp_path: Path) -> None:
    bad = IAC / "terraform-json/testdata/invalid/plan.json"
    run = sra("discover", str(bad))
    assert run.exit_code == 2
    assert run.stderr.strip().startswith(f"{bad}:676:")
    assert "Traceback" not in run.stderr
    missing = sra("discover", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_without_workspace_everything_is_undeclared(sra, tmp_path: Path) -> None:
    run = sra(
        "discover",
        str(IAC / "kubernetes-examples/databases/cassandra/cassandra-statefulset.yaml"),
        "--format",
        "json",
    )
    assert json.loads(run.stdout)["undeclared"] == ["kubernetes:default/StatefulSet/cassandra"]


def test_write_changes_only_the_new_file_in_git(sra, example: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(example), *args], capture_output=True, text=True, check=True
        ).stdout

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=T", "-c", "user.email=t@example.test", "commit", "-qm", "start")
    sra("discover", str(example / PLAN), "-w", str(example), "--write")
    assert git("status", "--porcelain").splitlines() == ["?? inventory/discovered.yaml"]


SURROGATE_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  "Records\\ud800":
    Type: AWS::S3::Bucket
"""


def test_half_a_surrogate_pair_in_a_template_is_printed_as_its_escape(tmp_path: Path) -> None:
    # YAML and JSON both let `\ud800` stand for half a UTF-16 pair, which UTF-8 cannot hold.
    # The name is printed as that escape (in JSON, the escape of the same character), as a
    # process writes it: the terminal's encoding is the process's, not a test runner's.
    sra = str(Path(sys.executable).parent / "sra")
    template = tmp_path / "stack.yaml"
    template.write_text(SURROGATE_TEMPLATE, encoding="utf-8")
    runs = {
        fmt: subprocess.run(
            [sra, "discover", str(template), "--format", fmt],
            cwd=tmp_path,
            capture_output=True,
            check=False,
        )
        for fmt in ("text", "json")
    }
    for run in runs.values():
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        assert b"Traceback" not in run.stderr
    assert b"cloudformation:stack/Records\\ud800" in runs["text"].stdout
    assert json.loads(runs["json"].stdout)["undeclared"] == ["cloudformation:stack/Records\ud800"]
