"""`sra lint`, `sra rules`, `sra explain` as a user runs them: exit codes, formats, config."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from hipaa_sra.formats import LINT_FORMATS
from hipaa_sra.rules import RULES

ROOT = Path(__file__).parents[1]
SEED = Path(__file__).parent / "fixtures" / "seed-register-example.yaml"
"""The article's row, byte for byte (test_seed_register checks the copy against the source)."""
GOLDEN = Path(__file__).parent / "golden" / "lint" / "seed.json"
BASE = Path(__file__).parent / "rules" / "base"


@pytest.fixture
def seed_workspace(tmp_path: Path) -> Path:
    """The article's register row, pasted unchanged into a fresh workspace."""
    root = tmp_path / "sra"
    (root / "register").mkdir(parents=True)
    (root / "sra.yaml").write_text("organization:\n  name: Seed Health\n")
    shutil.copy(SEED, root / "register" / "seed-register-example.yaml")
    return root


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """The rule fixtures' clean base workspace, signed as of 2026-11-22."""
    from rules.test_rules import build

    root, _ = build(tmp_path, {})
    return root


def test_seed_register_golden(sra, seed_workspace: Path) -> None:
    run = sra("lint", "--today", "2026-11-22", "--format", "json", "--no-cache")
    assert run.exit_code == 1  # errors: nothing maps the required HIPAA specifications
    document = json.loads(run.stdout)
    if not GOLDEN.exists():  # write it for review, but never pass without one
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(run.stdout)
        pytest.fail(f"wrote {GOLDEN}; review it and run again")
    assert document == json.loads(GOLDEN.read_text())


def test_seed_register_findings_an_auditor_expects(sra, seed_workspace: Path) -> None:
    run = sra("lint", "--today", "2026-11-22", "--format", "json")
    findings = json.loads(run.stdout)["findings"]
    row = [f for f in findings if f["object"] == "RR-2026-014"]
    by_name: dict[str, list[dict]] = {}
    for finding in row:
        by_name.setdefault(finding["name"], []).append(finding)
    [overdue] = by_name["remediation-overdue"]
    assert "was due 2026-09-30 (53 days ago)" in overdue["message"] and overdue["line"] == 23
    lines = sorted(f["line"] for f in by_name["control-without-evidence"])
    assert lines == [15, 16, 17]  # each of the three free-text controls, on its own line
    [mismatch] = by_name["inherent-risk-mismatch"]
    assert "inherent_risk is high" in mismatch["message"]
    assert "gives moderate" in mismatch["message"]
    assert mismatch["line"] == 13 and mismatch["file"] == "sra/register/seed-register-example.yaml"
    # The row loads unchanged: nothing about its schema, only a dangling asset reference.
    assert {f["name"] for f in row} <= {
        "remediation-overdue",
        "control-without-evidence",
        "inherent-risk-mismatch",
        "unknown-reference",
    }


def test_clean_workspace_exits_zero(sra, clean: Path) -> None:
    run = sra("lint", "-w", str(clean), "--today", "2026-11-22")
    assert run.exit_code == 0, run.stdout
    assert run.stdout.startswith("No findings in 9 files")


def test_fail_on_sets_the_threshold(sra, clean: Path) -> None:
    (clean / "register" / "risks.yaml").write_text(
        (clean / "register" / "risks.yaml").read_text().replace("2026-10-01", "2025-01-01", 1)
    )
    # The edit also voids the sign-off; look at the register rules alone.
    args = ("lint", "-w", str(clean), "--today", "2026-11-22", "--select", "SRA1")
    assert sra(*args).exit_code == 0  # stale-review is a warning; default fails on errors
    assert sra(*args, "--fail-on", "warning").exit_code == 1
    assert sra(*args, "--fail-on", "info").exit_code == 1
    assert sra(*args, "--fail-on", "warning", "--ignore", "stale-review").exit_code == 0


def test_unknown_rule_selector_is_a_usage_error_with_a_suggestion(sra, clean: Path) -> None:
    run = sra("lint", "-w", str(clean), "--select", "stale-reveiw")
    assert run.exit_code == 2
    assert "did you mean `stale-review`" in run.stderr and "Traceback" not in run.stderr


def test_bad_today_is_a_usage_error(sra, clean: Path) -> None:
    run = sra("lint", "-w", str(clean), "--today", "2026-02-30")
    assert run.exit_code == 2 and "--today" in run.stderr


@pytest.mark.parametrize("fmt", list(LINT_FORMATS))
def test_every_format_is_reachable_and_can_be_written_to_a_file(sra, seed_workspace, fmt) -> None:
    out = seed_workspace.parent / f"report.{fmt}"
    run = sra("lint", "--today", "2026-11-22", "--format", fmt, "--output", str(out))
    assert run.exit_code == 1 and run.stdout == ""
    text = out.read_text()
    assert "RR-2026-014" in text


@pytest.mark.parametrize("spelling", ["--output", "--out", "-o"])
def test_output_takes_every_spelling_the_other_commands_take(sra, seed_workspace, spelling) -> None:
    out = seed_workspace.parent / "report.json"
    run = sra("lint", "--today", "2026-11-22", "--format", "json", spelling, str(out))
    assert run.exit_code == 1 and run.stdout == ""
    assert "RR-2026-014" in out.read_text()


def test_select_by_prefix_and_config_in_sra_yaml(sra, seed_workspace: Path) -> None:
    manifest = seed_workspace / "sra.yaml"
    manifest.write_text(
        "organization: {name: Seed Health}\n"
        "rules:\n  ignore: [SRA4, SRA5]\n  severity: {remediation-overdue: error}\n"
    )
    document = json.loads(sra("lint", "--today", "2026-11-22", "--format", "json").stdout)
    codes = {f["rule"] for f in document["findings"]}
    assert not any(code.startswith(("SRA4", "SRA5")) for code in codes)
    [overdue] = [f for f in document["findings"] if f["name"] == "remediation-overdue"]
    assert overdue["severity"] == "error"
    only = json.loads(
        sra("lint", "--today", "2026-11-22", "--format", "json", "--select", "SRA1").stdout
    )
    assert {f["rule"][:4] for f in only["findings"]} == {"SRA1"}


def test_waiver_silences_one_rule_on_one_record_until_it_expires(sra, seed_workspace) -> None:
    path = seed_workspace / "register" / "seed-register-example.yaml"
    waiver = (
        "  waivers:\n    - rule: remediation-overdue\n"
        "      reason: Vendor slipped; new date agreed\n"
        "      approved_by: security-eng-lead\n      until: {until}\n"
    )
    original = path.read_text()

    def lint_with(until: str) -> dict:
        path.write_text(original + waiver.format(until=until))
        return json.loads(
            sra(
                "lint", "--today", "2026-11-22", "--format", "json", "--select", "SRA103,SRA011"
            ).stdout
        )

    live = lint_with("2026-12-31")
    assert [(f["name"], f["waived"]) for f in live["findings"]] == [("remediation-overdue", True)]
    assert live["summary"]["waived"] == 1
    expired = lint_with("2026-11-01")
    assert {f["name"] for f in expired["findings"]} == {"remediation-overdue", "waiver-expired"}
    assert not any(f["waived"] for f in expired["findings"])


def test_nprm_profile_raises_the_nprm_rules_to_warnings(sra, clean: Path) -> None:
    assets = clean / "inventory" / "assets.yaml"
    assets.write_text(assets.read_text().replace("mfa: true", "mfa: false", 1))
    args = (
        "lint",
        "-w",
        str(clean),
        "--today",
        "2026-11-22",
        "--format",
        "json",
        "--select",
        "ephi-system-without-mfa",
    )
    current = json.loads(sra(*args).stdout)["findings"]
    assert [f["severity"] for f in current] == ["info"]
    manifest = clean / "sra.yaml"
    manifest.write_text(manifest.read_text() + "methodology:\n  profile: nprm-2025\n")
    proposed = json.loads(sra(*args).stdout)["findings"]
    assert [f["severity"] for f in proposed] == ["warning"]


def test_rules_lists_every_rule_and_explain_prints_one(sra) -> None:
    listing = sra("rules")
    assert listing.exit_code == 0
    for rule in RULES:
        assert re.search(rf"{rule.code}\s+{re.escape(rule.name)}\s", listing.stdout)
    by_code = sra("explain", "SRA106")
    by_name = sra("explain", "inherent-risk-mismatch")
    assert by_code.stdout == by_name.stdout and "Table I-2" in by_code.stdout
    assert json.loads(sra("explain", "sra106", "--format", "json").stdout)["name"] == (
        "inherent-risk-mismatch"
    )
    missing = sra("explain", "stale-reveiw")
    assert missing.exit_code == 2 and "did you mean `stale-review`" in missing.stderr


def test_rule_declarations_are_complete_and_unique() -> None:
    codes = [rule.code for rule in RULES]
    names = [rule.name for rule in RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)
    assert codes == sorted(codes)
    for rule in RULES:
        assert re.fullmatch(r"SRA\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.family.value and rule.citation and rule.rationale and rule.fix
        assert rule.example and rule.summary.endswith(".")
        assert int(rule.code[3]) == list(type(rule.family)).index(rule.family)


def test_lint_cache_serves_an_unchanged_workspace_and_never_a_stale_one(sra, seed_workspace):
    args = ("lint", "--today", "2026-11-22", "--format", "json")
    first = sra(*args).stdout
    entries = list((seed_workspace / ".sra_cache").rglob("*.lint.json"))
    assert len(entries) == 1
    cached = sra(*args)
    assert cached.stdout == first  # served from the cache, byte for byte
    assert cached.exit_code == 1  # and the exit code still follows the findings
    assert sra(*args, "--no-cache").stdout == first
    # Another day is another result: the overdue count moves.
    assert "(54 days ago)" in sra("lint", "--today", "2026-11-23", "--format", "json").stdout
    path = seed_workspace / "register" / "seed-register-example.yaml"
    path.write_text(path.read_text().replace("due: 2026-09-30", "due: 2027-09-30"))
    changed = json.loads(sra(*args).stdout)
    assert "remediation-overdue" not in {f["name"] for f in changed["findings"]}


def test_lint_workspace_library_call_reuses_its_findings(seed_workspace: Path) -> None:
    from datetime import date

    from hipaa_sra.rules import lint_workspace

    first = lint_workspace(seed_workspace, date(2026, 11, 22))
    assert list((seed_workspace / ".sra_cache").rglob("*.lint"))
    again = lint_workspace(seed_workspace, date(2026, 11, 22))
    assert again.findings == first.findings and again.counts == first.counts
    assert [rule.code for rule in again.rules] == [rule.code for rule in first.rules]
    manifest = "organization: {name: Seed}\nrules: {select: [SRA1]}\n"
    (seed_workspace / "sra.yaml").write_text(manifest)
    narrowed = lint_workspace(seed_workspace, date(2026, 11, 22))
    assert {f.code[:4] for f in narrowed.findings} == {"SRA1"}
