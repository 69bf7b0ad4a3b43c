"""Every rule against its fixtures: a failing variant and a passing variant of a clean workspace.

A fixture `fixtures/<rule-name>.yaml` has `fail` and `pass` variants. Each variant copies
`base/` (a workspace every rule passes), deletes `remove`, writes `files`, makes named pipes
at `fifos`, signs for the roles in `sign` (default: every required role) over the content as
it now is, writes `after_sign`, then lints with only that rule selected (and with the
infrastructure inputs its sra.yaml lists under `discovery`). `fail` must report
exactly the object ids in `expect`, and exactly the `findings` (`file:line:col: message`,
the file relative to the workspace) in order; `pass` must report nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from hipaa_sra.analysis.digest import workspace_digest
from hipaa_sra.discover.workspace import workspace_discovery
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import KINDS
from hipaa_sra.rules import RULES, LintReport, Selection, lint

HERE = Path(__file__).parent
BASE = HERE / "base"
FIXTURES = HERE / "fixtures"
TODAY = date(2026, 11, 22)
SIGNERS = {
    "compliance-officer": ("Alice Reyes", "alice@example.test"),
    "engineering-owner": ("Bob Okafor", "bob@example.test"),
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def sign(root: Path, roles: list[str], today: date) -> None:
    """Write `signoffs/signoffs.yaml` with one record per role over the current content."""
    digest = workspace_digest(load_workspace(root, use_cache=False))
    lines = []
    for role in roles:
        name, email = SIGNERS.get(role, (role.title(), f"{role}@example.test"))
        lines.append(
            f"- role: {role}\n  name: {name}\n  email: {email}\n"
            f'  signed_at: {today.isoformat()}T12:00:00+00:00\n  digest: "{digest}"\n'
        )
    _write(root, {"signoffs/signoffs.yaml": "".join(lines)})


def build(tmp: Path, variant: dict[str, Any]) -> tuple[Path, date]:
    """A copy of the base workspace with the variant applied."""
    root = tmp / "sra"
    shutil.copytree(BASE, root)
    for rel in variant.get("remove", ()):
        (root / rel).unlink()
    _write(root, variant.get("files") or {})
    for rel in variant.get("fifos", ()):
        os.mkfifo(root / rel)
    today = variant.get("today") or TODAY
    sign(root, variant.get("sign", list(SIGNERS)), today)
    _write(root, variant.get("after_sign") or {})
    return root, today


def run(tmp: Path, variant: dict[str, Any], code: str | None) -> LintReport:
    """Lint a built variant with one rule (or all rules when `code` is None)."""
    root, today = build(tmp, variant)
    selection = Selection(select=(code,)) if code else Selection()
    workspace = load_workspace(root, use_cache=False)
    # `discovery.inputs` in sra.yaml, read the way `sra lint` reads them.
    return lint(workspace, today, selection, discovery=workspace_discovery(workspace))


def fixture(name: str) -> dict[str, Any]:
    """The parsed fixture file of a rule."""
    data: dict[str, Any] = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    return data


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_fail_fixture_reports_exactly_the_expected_objects(rule, tmp_path: Path) -> None:
    variant = fixture(rule.name)["fail"]
    report = run(tmp_path, variant, rule.code)
    found = sorted((f.object_id or "") for f in report.findings if f.code == rule.code)
    expected = sorted((oid or "") for oid in variant["expect"])
    assert found == expected, [f.message for f in report.findings]
    assert all(f.name == rule.name for f in report.findings if f.code == rule.code)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_fail_fixture_findings_say_what_and_where(rule, tmp_path: Path) -> None:
    # What a user reads: `file:line:col: message`, paths relative to the workspace.
    variant = fixture(rule.name)["fail"]
    report = run(tmp_path, variant, rule.code)
    root = f"{tmp_path / 'sra'}{os.sep}"
    shown = [
        f"{f.location.file}:{f.location.line}:{f.location.column}: {f.message}".replace(root, "")
        for f in sorted(report.findings, key=lambda f: f.sort_key())
        if f.code == rule.code
    ]
    assert shown == variant["findings"]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_pass_fixture_reports_nothing(rule, tmp_path: Path) -> None:
    report = run(tmp_path, fixture(rule.name)["pass"], rule.code)
    assert [f.message for f in report.findings if f.code == rule.code] == []


def test_every_rule_has_both_fixtures_and_no_fixture_is_orphaned() -> None:
    names = {rule.name for rule in RULES}
    files = {path.stem for path in FIXTURES.glob("*.yaml")}
    assert names - files == set(), "rules without a fixture file"
    assert files - names == set(), "fixture files for no rule"
    for name in names:
        data = fixture(name)
        assert set(data) == {"fail", "pass"}, name
        assert data["fail"].get("expect"), f"{name}: the fail variant must expect a finding"
        assert len(data["fail"].get("findings") or ()) >= len(data["fail"]["expect"]), name


def test_base_workspace_is_clean_under_every_rule(tmp_path: Path) -> None:
    report = run(tmp_path, {}, None)
    assert [f"{f.code} {f.location}: {f.message}" for f in report.findings] == []
    assert len(report.rules) == len(RULES)


def _example_parts(example: str) -> list[str]:
    """An example split at its `# path.yaml` lines: one part per file it shows."""
    parts: list[list[str]] = [[]]
    for line in example.splitlines():
        if line.startswith("# ") and line.rstrip().endswith(".yaml") and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    return ["\n".join(part) for part in parts]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.code}-{r.name}")
def test_every_example_is_yaml_a_user_can_copy(rule) -> None:
    # `sra explain` shows the example as what to write; each file it shows must parse.
    if re.fullmatch(r"[\w./-]+\.yaml", rule.example):
        # Rules on where a file lives show the path to use; it must be a kind's directory.
        assert rule.example.split("/")[0] in {kind.folder for kind in KINDS}, rule.example
        return
    for part in _example_parts(rule.example):
        parsed = yaml.safe_load(textwrap.dedent(part))
        assert isinstance(parsed, dict | list), (rule.code, part)
