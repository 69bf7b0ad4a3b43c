"""Waivers: whether each one applies, which findings it may silence, and applying them.

The engine applies waivers with `apply_waivers`; the waiver rules (SRA010-SRA013) judge
waivers with the same functions, so a waiver reported as not applying never silences
anything, and one that applies is never reported as void.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pydantic import BaseModel

from ..catalog import hipaa_entry
from ..findings import Finding, Severity
from ..model import Waiver, Workspace
from .base import Context, Rule
from .lint_report import WaivedFinding, WaiverEntry, WaiverStatus

WAIVER_RULE_CODES = frozenset({"SRA010", "SRA011", "SRA012", "SRA013"})
"""The checks on waivers: no waiver can silence them, or a waiver could hide its own flaws."""


def waiver_gaps(waiver: Waiver) -> tuple[str, ...]:
    """The parts a waiver lacks: rule, reason, approver, expiry."""
    parts = (
        ("rule", waiver.rule),
        ("reason", waiver.reason),
        ("approved_by", waiver.approved_by),
        ("until", waiver.until),
    )
    return tuple(name for name, value in parts if not value)


def waiver_status(waiver: Waiver, ctx: Context) -> WaiverStatus:
    """Whether a waiver applies as of `ctx.today`, and if not, why."""
    if waiver_gaps(waiver):
        return WaiverStatus.INCOMPLETE
    rule = ctx.find_rule(waiver.rule or "") if ctx.known_rule(waiver.rule or "") else None
    if rule is None:
        return WaiverStatus.UNKNOWN_RULE
    if rule.code in WAIVER_RULE_CODES:
        return WaiverStatus.UNWAIVABLE
    if waiver.until is not None and waiver.until < ctx.today:
        return WaiverStatus.EXPIRED
    return WaiverStatus.IN_FORCE


def on_required_spec(rule: Rule | None, object_id: str | None) -> bool:
    """True for a finding that a required implementation specification is not met.

    That is a finding of `rule`, a coverage rule whose object is a specification the catalog
    designates required, or a standard with no specifications of its own (met as written).
    HIPAA leaves no choice on these (45 CFR 164.306(d)(2)), so no waiver silences them.
    Findings of other rules cite the Security Rule too, but they judge a record, and
    accepting that judgement is a decision a waiver may document.
    """
    if object_id is None or rule is None or not rule.names_specifications:
        return False
    entry = hipaa_entry(object_id)
    return entry is not None and entry.is_required


def waiver_key(on_record: bool, object_id: str | None) -> str | None:
    """Whose waivers may silence a finding: its record's (by id), or sra.yaml's (None).

    Findings about the workspace as a whole, and loader findings that name no record, are
    waived in sra.yaml; every other finding on the record it is about.
    """
    return object_id if on_record else None


def configured_severity(rule: Rule, ctx: Context) -> Severity | None:
    """The severity sra.yaml `rules.severity` gives a rule (by code or name), if any."""
    manifest = ctx.manifest
    if manifest is not None:
        for key in (rule.code, rule.name):
            configured = manifest.rules.severity.get(key)
            if configured is not None:
                return configured
    return None


def record_waivers(record: BaseModel) -> tuple[Waiver, ...]:
    """The waivers written on a record (or in sra.yaml)."""
    return tuple(getattr(record, "waivers", None) or ())


@dataclass(frozen=True)
class Applied:
    """What applying the waivers did to one run's findings."""

    kept: list[Finding]
    """Findings still reported (refused ones included)."""
    waived: list[WaivedFinding]
    refused: list[WaivedFinding]
    waivers: tuple[WaiverEntry, ...]
    """Every waiver written, with its status and what it silenced or was refused."""


def apply_waivers(findings: Iterable[tuple[Finding, bool]], ws: Workspace, ctx: Context) -> Applied:
    """Silence each finding (`(finding, on_record)`) that a waiver in force names.

    The first waiver in force on the finding's record (or in sra.yaml) that names its rule
    matches it. A finding on a required implementation specification stays reported, and
    the match is kept as refused.
    """
    written: list[WaiverEntry] = []
    in_force: dict[str | None, list[int]] = {}
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(record_waivers(record)):
            status = waiver_status(waiver, ctx)
            named = status is not WaiverStatus.INCOMPLETE
            rule = ctx.find_rule(waiver.rule or "") if named else None
            if status is WaiverStatus.IN_FORCE:
                in_force.setdefault(oid, []).append(len(written))
            written.append(
                WaiverEntry(
                    waiver.rule,
                    rule.code if rule else None,
                    oid,
                    waiver.reason,
                    waiver.approved_by,
                    waiver.until,
                    ws.locate(record, ("waivers", index)),
                    status,
                )
            )
    kept: list[Finding] = []
    matched: list[tuple[Finding, int, bool]] = []
    for finding, on_record in findings:
        # A record without a valid id can hold no waiver in force, and sra.yaml's waivers
        # are for findings about the workspace as a whole: nothing may silence this one.
        orphan = on_record and finding.object_id is None
        candidates = None if orphan else in_force.get(waiver_key(on_record, finding.object_id))
        match = None
        if candidates and finding.code not in WAIVER_RULE_CODES:
            match = next((i for i in candidates if written[i].code == finding.code), None)
        if match is None:
            kept.append(finding)
            continue
        allowed = not on_required_spec(ctx.find_rule(finding.code), finding.object_id)
        matched.append((finding, match, allowed))
        if not allowed:
            kept.append(finding)
    silenced = Counter(index for _, index, allowed in matched if allowed)
    refused = Counter(index for _, index, allowed in matched if not allowed)
    entries = tuple(
        replace(entry, silenced=silenced[n], refused=refused[n])
        if n in silenced or n in refused
        else entry
        for n, entry in enumerate(written)
    )
    return Applied(
        kept,
        [WaivedFinding(f, entries[n]) for f, n, allowed in matched if allowed],
        [WaivedFinding(f, entries[n]) for f, n, allowed in matched if not allowed],
        entries,
    )
