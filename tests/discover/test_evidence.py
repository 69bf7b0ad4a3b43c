"""Infrastructure facts as machine evidence for the MFA and encryption-at-rest rules, and in
the report, which says which evidence came from infrastructure code."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from hipaa_sra.discover.workspace import workspace_discovery
from hipaa_sra.loading import load_workspace
from hipaa_sra.report import build_report
from hipaa_sra.rules import Selection, lint

BASE = Path(__file__).parent.parent / "rules" / "base"
TODAY = date(2026, 11, 22)


def plan(encrypted: bool, mfa: str) -> str:
    changes = [
        {
            "address": "aws_db_instance.records",
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "records",
            "change": {
                "actions": ["create"],
                "after_unknown": {},
                "after": {"storage_encrypted": encrypted},
            },
        },
        {
            "address": "aws_cognito_user_pool.staff",
            "mode": "managed",
            "type": "aws_cognito_user_pool",
            "name": "staff",
            "change": {
                "actions": ["create"],
                "after_unknown": {},
                "after": {"mfa_configuration": mfa},
            },
        },
    ]
    return json.dumps({"format_version": "1.2", "resource_changes": changes})


ASSETS = """\
- {id: records-db, name: Records DB, category: database, ephi: present, owner: bob,
   last_reviewed: 2026-09-01, sources: ['terraform:aws_db_instance.records']}
- {id: staff-idp, name: Staff sign-in, category: identity-provider, ephi: present,
   owner: bob, last_reviewed: 2026-09-01, sources: ['terraform:aws_cognito_user_pool.staff']}
"""


def workspace(tmp_path: Path, encrypted: bool, mfa: str) -> Path:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    manifest = root / "sra.yaml"
    manifest.write_text(manifest.read_text() + "discovery:\n  inputs: [infra/plan.json]\n")
    (root / "infra").mkdir()
    (root / "infra" / "plan.json").write_text(plan(encrypted, mfa))
    (root / "inventory" / "linked.yaml").write_text(ASSETS)
    return root


def findings(root: Path, code: str) -> dict[str, str]:
    ws = load_workspace(root, use_cache=False)
    report = lint(ws, TODAY, Selection(select=(code,)), discovery=workspace_discovery(ws))
    return {f.object_id or "": f.message for f in report.findings}


def test_infrastructure_that_encrypts_and_enforces_mfa_is_evidence(tmp_path: Path) -> None:
    root = workspace(tmp_path, encrypted=True, mfa="ON")
    assert "records-db" not in findings(root, "SRA303")
    assert "staff-idp" not in findings(root, "SRA302")


def test_infrastructure_that_does_not_is_named(tmp_path: Path) -> None:
    root = workspace(tmp_path, encrypted=False, mfa="OFF")
    message = findings(root, "SRA303")["records-db"]
    assert "`terraform:aws_db_instance.records` (infra/plan.json) says it is not" in message
    assert "staff-idp" in findings(root, "SRA302")


def test_without_discovery_the_records_still_need_the_attribute(tmp_path: Path) -> None:
    root = workspace(tmp_path, encrypted=True, mfa="ON")
    ws = load_workspace(root, use_cache=False)
    report = lint(ws, TODAY, Selection(select=("SRA303",)))
    assert "records-db" in {f.object_id for f in report.findings}


def test_report_lists_machine_evidence_with_source_and_date(tmp_path: Path) -> None:
    root = workspace(tmp_path, encrypted=True, mfa="ON")
    report = build_report(load_workspace(root, use_cache=False), TODAY)
    section = next(s for s in report.sections if s.slug == "asset-inventory")
    table = next(t for t in section.tables if t.key == "infrastructure")
    assert "Machine evidence read from infrastructure code on 2026-11-22" in table.order
    rows = {row[0]: row for row in table.rows}
    assert set(rows) == {"records-db", "staff-idp"}
    assert rows["records-db"][1] == "terraform:aws_db_instance.records (aws_db_instance)"
    assert rows["records-db"][2] == "infra/plan.json"
    assert getattr(rows["records-db"][3], "text", None) == "yes"
    assert rows["records-db"][-1] == "2026-11-22"
