"""The report's "Accepted exceptions and waivers": what was accepted instead of fixed, by whom.

An auditor reads it just before the sign-off: every waiver (in force or not) with the
findings it silences, and every risk accepted in the remediation plan, each with its reason
and approver. Findings a waiver silences are left out of the Findings section, so this is
the one place they appear.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..findings import Location, Severity
from ..model import Person, RemediationStatus
from ..rules.lint_report import WaivedFinding, WaiverEntry, WaiverStatus
from .document import Cell, CellValue, Section, Tone
from .inputs import MISSING, ReportInputs, day, level_cell, plural, text

SLUG = "accepted-exceptions"
TITLE = "Accepted exceptions and waivers"

_NAMED = 8
"""Silenced findings a waiver's row names before "and N more" (the full list follows)."""

_SEVERITY_TONE = {Severity.ERROR: Tone.BAD, Severity.WARNING: Tone.WARN, Severity.INFO: Tone.MUTED}
_STATUS = {
    WaiverStatus.IN_FORCE: ("in force", Tone.GOOD),
    WaiverStatus.EXPIRED: ("expired", Tone.BAD),
    WaiverStatus.INCOMPLETE: ("incomplete", Tone.BAD),
    WaiverStatus.UNKNOWN_RULE: ("names no rule", Tone.BAD),
    WaiverStatus.UNWAIVABLE: ("not waivable", Tone.BAD),
}
_WHY_NOT = {
    WaiverStatus.EXPIRED: "its findings are reported again",
    WaiverStatus.UNKNOWN_RULE: "the rule it names does not exist; it silences nothing",
    WaiverStatus.UNWAIVABLE: "it names a check on waivers, which no waiver can silence",
}


def exceptions_section(i: ReportInputs) -> Section:
    """Accepted exceptions and waivers: each waiver and what it silences, and accepted risks."""
    lint = i.lint
    root = i.ws.root.resolve()
    people = i.facts.people
    silenced: dict[WaiverEntry, list[WaivedFinding]] = {}
    for item in lint.waived_findings:
        silenced.setdefault(item.waiver, []).append(item)
    in_force = sum(1 for w in lint.waivers if w.status is WaiverStatus.IN_FORCE)
    refused = sum(w.refused for w in lint.waivers)
    accepted = _accepted(i)
    facts = (
        ("Waivers in force", f"{in_force:,}"),
        ("Findings they silence", f"{lint.waived:,}"),
        ("Waivers that do not apply", f"{len(lint.waivers) - in_force:,}"),
        ("Findings on required specifications a waiver may not silence", f"{refused:,}"),
        ("Accepted risks", f"{len(accepted):,}"),
    )
    waivers = i.table(
        "waivers",
        "Waivers",
        ("Rule", "Applies to", "Reason", "Approved by", "Until", "Status", "Silences"),
        (_waiver_row(w, silenced.get(w, []), people, root) for w in lint.waivers),
        empty="No waiver is written in the workspace.",
        order="in the order they are written",
    )
    findings = i.table(
        "waived-findings",
        "Findings silenced by a waiver",
        ("Severity", "Rule", "Record", "Where", "Finding", "Waived by"),
        (_waived_row(item, root) for item in lint.waived_findings),
        empty="No finding is waived.",
        order="by file and line",
    )
    risks = i.table(
        "accepted-risks",
        "Accepted risks",
        ("Risk", "Asset", "Residual", "Accepted instead of", "Rationale", "Approved by"),
        accepted,
        empty="No remediation item has the status `accepted`.",
        order="in register order",
    )
    paragraphs = (
        "Decisions to accept a finding or a risk rather than fix it, each with its reason "
        "and approver. A waiver silences one rule on one record (or, written in sra.yaml, "
        "on the workspace as a whole) until its date; the findings it silences are not "
        "counted under Findings and are listed here instead. A waiver cannot silence a "
        "finding on a required implementation specification: HIPAA gives no choice on one "
        "(45 CFR 164.306(d)(2)), so those findings stay under Findings.",
        "An accepted risk is a remediation item with the status `accepted`: the residual "
        "risk is retained, on the rationale and approval recorded in the register "
        "(45 CFR 164.308(a)(1)(ii)(B)).",
    )
    return Section(SLUG, TITLE, paragraphs, facts, tables=(waivers, findings, risks))


def _waiver_row(
    waiver: WaiverEntry, items: list[WaivedFinding], people: Mapping[str, Person], root: Path
) -> tuple[CellValue, ...]:
    rule = Cell(
        waiver.code or text(waiver.rule),
        None,
        (waiver.rule,) if waiver.rule and waiver.rule != waiver.code else (),
    )
    where = _where(waiver.location, root)
    scope: CellValue = (
        Cell(waiver.object_id, None, (where,))
        if waiver.object_id
        else Cell("the whole workspace", Tone.WARN, ("rule-wide", where))
    )
    label, tone = _STATUS[waiver.status]
    notes = [_WHY_NOT[waiver.status]] if waiver.status in _WHY_NOT else []
    if waiver.status is WaiverStatus.INCOMPLETE:
        notes.append(f"lacks {', '.join(_gaps(waiver))}; it silences nothing")
    if waiver.refused:
        notes.append(
            f"may not silence {plural(waiver.refused, 'finding')} on required "
            "specifications; they stay under Findings"
        )
        tone = Tone.BAD
    until: CellValue = day(waiver.until)
    if waiver.status is WaiverStatus.EXPIRED:
        until = Cell(day(waiver.until), Tone.BAD)
    named = [_named(item) for item in items[:_NAMED]]
    if len(items) > _NAMED:
        named.append(f"and {len(items) - _NAMED:,} more")
    silences = Cell(f"{len(items):,}", None, tuple(named))
    return (
        rule,
        scope,
        text(waiver.reason),
        _person(waiver.approved_by, people),
        until,
        Cell(label, tone, tuple(notes)),
        silences,
    )


def _gaps(waiver: WaiverEntry) -> list[str]:
    parts = (
        ("rule", waiver.rule),
        ("reason", waiver.reason),
        ("approved_by", waiver.approved_by),
        ("until", waiver.until),
    )
    return [name for name, value in parts if not value]


def _named(item: WaivedFinding) -> str:
    finding = item.finding
    return f"{finding.object_id or finding.location}: {finding.name}"


def _waived_row(item: WaivedFinding, root: Path) -> tuple[CellValue, ...]:
    finding, waiver = item.finding, item.waiver
    until = waiver.until.isoformat() if waiver.until else MISSING
    return (
        Cell(finding.severity.value, _SEVERITY_TONE[finding.severity]),
        Cell(finding.code, None, (finding.name,)),
        finding.object_id or MISSING,
        _where(finding.location, root),
        finding.message,
        Cell(
            _where(waiver.location, root),
            None,
            (f"approved by {waiver.approved_by}", f"until {until}"),
        ),
    )


def _accepted(i: ReportInputs) -> list[tuple[CellValue, ...]]:
    residual = {s.risk_id: s.residual for s in i.ranked}
    rows: list[tuple[CellValue, ...]] = []
    for risk in i.ws.risks:
        level = residual.get(risk.id, risk.residual_risk) if risk.id else risk.residual_risk
        for item in risk.remediation:
            if item.status is not RemediationStatus.ACCEPTED:
                continue
            written = item.rationale and item.rationale.strip()
            rationale = text(item.rationale) if written else Cell("not recorded", Tone.BAD)
            rows.append(
                (
                    risk.id or MISSING,
                    text(risk.asset),
                    level_cell(level),
                    text(item.control),
                    rationale,
                    _person(item.approved_by, i.facts.people),
                )
            )
    return rows


def _person(pid: str | None, people: Mapping[str, Person]) -> CellValue:
    """An approver: their name under the id, or a warning when sra.yaml does not list them."""
    if not pid:
        return Cell("not recorded", Tone.BAD)
    person = people.get(pid)
    if person is None:
        return Cell(pid, Tone.WARN, ("not in sra.yaml people",) if people else ())
    return Cell(pid, None, (person.name,) if person.name else ())


def _where(location: Location, root: Path) -> str:
    """`file:line:col` relative to the workspace: the document outlives the checkout."""
    try:
        shown = Path(location.file).resolve().relative_to(root).as_posix()
    except ValueError:
        shown = location.file
    return f"{shown}:{location.line}:{location.column}"
