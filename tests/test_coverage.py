"""HIPAA coverage: one row per standard and specification, and SRA401 on what nothing meets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from conftest import MANIFEST
from hipaa_sra.analysis.coverage import (
    CONDITIONAL,
    CoverageRow,
    CoverageStatus,
    coverage_summary,
    hipaa_coverage,
)
from hipaa_sra.catalog import hipaa_entries
from hipaa_sra.findings import Severity
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Workspace
from hipaa_sra.rules import Selection, lint

Make = Callable[..., Path]
TODAY = date(2026, 11, 22)


def control(cid: str, *citations: str) -> str:
    cites = ", ".join(f'"{c}"' for c in citations)
    return f"- {{id: {cid}, name: {cid}, safeguard: technical, hipaa: [{cites}]}}\n"


def load(root: Path) -> Workspace:
    return load_workspace(root, use_cache=False)


def rows_by_citation(ws: Workspace) -> dict[str, CoverageRow]:
    return {row.citation: row for row in hipaa_coverage(ws)}


def sra401(ws: Workspace) -> dict[str | None, Severity]:
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    return {f.object_id: f.severity for f in report.findings}


def test_every_standard_and_specification_has_one_row_in_order(workspace: Make) -> None:
    rows = hipaa_coverage(load(workspace()))
    assert [row.citation for row in rows] == [entry.citation for entry in hipaa_entries()]
    assert sum(row.entry.is_standard for row in rows) == 22
    assert sum(not row.entry.is_standard for row in rows) == 46
    assert all(row.status is CoverageStatus.UNCOVERED for row in rows)


def test_empty_workspace_reports_every_requirement(workspace: Make) -> None:
    ws = load(workspace())
    found = sra401(ws)
    # 46 specifications and the 7 self-specifying standards; errors for the 24 required
    # specifications and the 7 standards, warnings for the 22 addressable.
    assert len(found) == 53
    assert sum(s is Severity.ERROR for s in found.values()) == 31
    assert sum(s is Severity.WARNING for s in found.values()) == 22
    assert found["164.312(b)"] is Severity.ERROR  # self-specifying standard
    assert "164.312(a)(1)" not in found  # a standard with specifications is met through them
    summary = coverage_summary(hipaa_coverage(ws))
    assert (summary.total, summary.uncovered, summary.required_uncovered) == (53, 53, 31)


def test_control_citing_a_spec_covers_it_in_any_spelling(workspace: Make) -> None:
    controls = control("c1", "45 CFR § 164.312(a)(2)(i)", "164.312(b)", "164.308(b)(4)")
    controls += control("c2", "164.312(a)(2)(i)")
    ws = load(workspace({"controls/c.yaml": controls}))
    rows = rows_by_citation(ws)
    assert rows["164.312(a)(2)(i)"].status is CoverageStatus.COVERED
    assert rows["164.312(a)(2)(i)"].controls == ("c1", "c2")
    assert rows["164.312(b)"].controls == ("c1",)
    # Former numbering of the written-contract specification.
    assert rows["164.308(b)(3)"].status is CoverageStatus.COVERED
    found = sra401(ws)
    assert not {"164.312(a)(2)(i)", "164.312(b)", "164.308(b)(3)"} & set(found)


def test_standard_citation_does_not_cover_its_specifications(workspace: Make) -> None:
    ws = load(workspace({"controls/c.yaml": control("c1", "164.312(a)(1)")}))
    rows = rows_by_citation(ws)
    assert rows["164.312(a)(1)"].controls == ("c1",)
    spec = rows["164.312(a)(2)(i)"]
    assert spec.status is CoverageStatus.UNCOVERED
    assert spec.standard_controls == ("c1",)
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    message = next(f.message for f in report.findings if f.object_id == "164.312(a)(2)(i)")
    assert "Unique user identification" in message
    assert "`c1` cites only the standard" in message


def test_message_names_five_standard_only_controls_and_counts_the_rest(workspace: Make) -> None:
    controls = "".join(control(f"c{n}", "164.312(a)(1)") for n in range(1, 9))
    ws = load(workspace({"controls/c.yaml": controls}))
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    message = next(f.message for f in report.findings if f.object_id == "164.312(a)(2)(i)")
    assert "`c1`, `c2`, `c3`, `c4`, `c5` and 3 more cite only the standard" in message
    assert "`c6`" not in message


def test_required_spec_without_control_is_an_error(workspace: Make) -> None:
    found = sra401(load(workspace({"controls/c.yaml": control("c1", "164.312(a)(2)(ii)")})))
    assert "164.312(a)(2)(ii)" not in found
    assert found["164.312(a)(2)(i)"] is Severity.ERROR


def test_addressable_with_complete_decision_is_decided(workspace: Make) -> None:
    manifest = (
        MANIFEST
        + """\
decisions:
  - spec: 164.312(a)(2)(iv)
    decision: not-reasonable
    rationale: The provider encrypts every volume; nothing else stores ePHI.
  - spec: 164.312(a)(2)(iii)
    decision: alternative
    rationale: Shared kiosks.
    alternative_measure: PIN screen after two minutes idle.
"""
    )
    ws = load(workspace(manifest=manifest))
    rows = rows_by_citation(ws)
    assert rows["164.312(a)(2)(iv)"].status is CoverageStatus.DECIDED
    assert rows["164.312(a)(2)(iii)"].decision_index == 1
    found = sra401(ws)
    assert "164.312(a)(2)(iv)" not in found and "164.312(a)(2)(iii)" not in found
    assert found["164.312(e)(2)(ii)"] is Severity.WARNING


def test_incomplete_decision_is_reported_at_the_decision(workspace: Make) -> None:
    manifest = (
        MANIFEST
        + """\
decisions:
  - spec: 164.312(a)(2)(iii)
    decision: alternative
    rationale: Shared kiosks.
"""
    )
    ws = load(workspace(manifest=manifest))
    row = rows_by_citation(ws)["164.312(a)(2)(iii)"]
    assert row.status is CoverageStatus.UNCOVERED
    assert row.decision_gaps == ("alternative_measure",)
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    finding = next(f for f in report.findings if f.object_id == "164.312(a)(2)(iii)")
    assert finding.severity is Severity.WARNING
    assert "lacks `alternative_measure`" in finding.message
    assert finding.location.line == MANIFEST.count("\n") + 2


def test_decision_meets_only_conditional_required_specs(workspace: Make) -> None:
    manifest = (
        MANIFEST
        + """\
decisions:
  - {spec: 164.314(b)(2)(i), decision: not-applicable, rationale: We sponsor no group health plan.}
  - {spec: 164.312(a)(2)(i), decision: not-reasonable, rationale: Shared accounts.}
"""
    )
    ws = load(workspace(manifest=manifest))
    rows = rows_by_citation(ws)
    assert "164.314(b)(2)(i)" in CONDITIONAL
    assert rows["164.314(b)(2)(i)"].status is CoverageStatus.DECIDED
    assert rows["164.312(a)(2)(i)"].status is CoverageStatus.UNCOVERED
    found = sra401(ws)
    assert "164.314(b)(2)(i)" not in found
    assert found["164.312(a)(2)(i)"] is Severity.ERROR
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    message = next(f.message for f in report.findings if f.object_id == "164.312(a)(2)(i)")
    assert "cannot stand in for it" in message


def test_standard_status_follows_its_specifications(workspace: Make) -> None:
    manifest = (
        MANIFEST
        + """\
decisions:
  - {spec: 164.312(e)(2)(ii), decision: implemented, rationale: TLS 1.2+ everywhere.}
"""
    )
    controls = control("c1", "164.312(e)(2)(i)", "164.312(c)(2)")
    rows = rows_by_citation(load(workspace({"controls/c.yaml": controls}, manifest=manifest)))
    assert rows["164.312(e)(1)"].status is CoverageStatus.DECIDED
    assert rows["164.312(c)(1)"].status is CoverageStatus.COVERED
    assert rows["164.312(a)(1)"].status is CoverageStatus.UNCOVERED


def test_finding_points_at_decisions_when_sra_yaml_has_them(workspace: Make) -> None:
    manifest = (
        MANIFEST + "decisions:\n  - {spec: 164.312(e)(2)(ii), decision: implemented, "
        "rationale: TLS.}\n"
    )
    report = lint(load(workspace(manifest=manifest)), TODAY, Selection(select=("SRA401",)))
    finding = next(f for f in report.findings if f.object_id == "164.312(a)(2)(i)")
    assert finding.location.file.endswith("sra.yaml")
    assert finding.location.line == MANIFEST.count("\n") + 1


def test_not_applicable_decides_only_specifications_that_bind_some_entities(
    workspace: Make,
) -> None:
    decisions = (
        "decisions:\n"
        "  - spec: 164.314(b)(2)(i)\n    decision: not-applicable\n"
        "    rationale: We sponsor no group health plan.\n"
        "  - spec: 164.312(a)(2)(iii)\n    decision: not-applicable\n"
        "    rationale: We do not think it applies.\n"
        "  - spec: 164.314(b)(2)(ii)\n    decision: not-reasonable\n"
        "    rationale: Too costly.\n"
    )
    ws = load(workspace(manifest=MANIFEST + decisions))
    assert [f for f in ws.findings if f.severity is Severity.ERROR] == []  # both load
    rows = rows_by_citation(ws)
    assert rows["164.314(b)(2)(i)"].status is CoverageStatus.DECIDED
    assert rows["164.312(a)(2)(iii)"].status is CoverageStatus.UNCOVERED
    report = lint(ws, TODAY, Selection(select=("SRA401",)))
    [logoff] = [f for f in report.findings if f.object_id == "164.312(a)(2)(iii)"]
    assert "says `not-applicable`, but it binds every covered entity" in logoff.message
    assert "164.314(b)(2)(i)" not in {f.object_id for f in report.findings}
    [plan] = [f for f in report.findings if f.object_id == "164.314(b)(2)(ii)"]
    assert "can only be `not-applicable`" in plan.message and "`not-reasonable`" in plan.message
