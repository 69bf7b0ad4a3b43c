"""`LintReport`: what one lint run found, in the shape every output format renders.

Waived findings are kept, each with the waiver that silenced it, so every output can show
what was accepted and on whose authority; only the unwaived ones count towards the exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from ..findings import Finding, Location, Severity
from .base import Rule


class WaiverStatus(StrEnum):
    """Whether a waiver written in the workspace silences anything, and if not why."""

    IN_FORCE = "in-force"
    """Complete, names a rule, and `until` is today or later."""
    EXPIRED = "expired"
    INCOMPLETE = "incomplete"
    """Lacks its rule, reason, approver or expiry."""
    UNKNOWN_RULE = "unknown-rule"
    UNWAIVABLE = "unwaivable"
    """Names a check on waivers, which no waiver can silence."""


@dataclass(frozen=True, slots=True)
class WaiverEntry:
    """One waiver as written in the workspace: what it says, where, and whether it applies."""

    rule: str | None
    """The rule as written (a code or a name)."""
    code: str | None
    """The code of that rule, when it names one."""
    object_id: str | None
    """The record the waiver is written on; None for `sra.yaml` (rule-wide)."""
    reason: str | None
    approved_by: str | None
    until: date | None
    location: Location
    """Where the waiver is written (its list item)."""
    status: WaiverStatus
    silenced: int = 0
    """Findings it silenced in this run."""
    refused: int = 0
    """Findings it named that no waiver may silence (required implementation specifications)."""

    @property
    def rule_wide(self) -> bool:
        """Written in `sra.yaml`: it silences its rule on the whole workspace, not one record."""
        return self.object_id is None


@dataclass(frozen=True, slots=True)
class WaivedFinding:
    """A finding and the waiver that matched it (silenced it, or was refused for it)."""

    finding: Finding
    waiver: WaiverEntry


@dataclass(frozen=True)
class LintReport:
    """The findings of one `sra lint` run, with what formats need to describe them."""

    root: Path
    """The workspace directory."""
    today: date
    """The date every time-dependent rule measured against."""
    findings: tuple[Finding, ...]
    """Every finding that was not waived, ordered by file, line, column and code."""
    rules: tuple[Rule, ...]
    """The rules that ran (after select and ignore), in registry order."""
    counts: Mapping[str, int]
    """Records per kind."""
    files: tuple[str, ...]
    """The files loaded, as shown in finding locations."""
    waived_findings: tuple[WaivedFinding, ...] = ()
    """Findings a waiver in force silenced, in the order of `findings`."""
    refused: tuple[WaivedFinding, ...] = ()
    """Findings (also in `findings`) that a waiver named but may not silence."""
    waivers: tuple[WaiverEntry, ...] = ()
    """Every waiver written in the workspace, in file order, with what it did."""

    @property
    def waived(self) -> int:
        """Number of findings silenced by a waiver in force."""
        return len(self.waived_findings)

    def count(self, severity: Severity) -> int:
        """Number of findings of exactly this severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    def summary(self) -> dict[str, int]:
        """`{"error": n, "warning": n, "info": n, "waived": n}`."""
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return {**counts, "waived": self.waived}

    def at_or_above(self, threshold: Severity) -> int:
        """Number of findings at least as severe as `threshold` (what `--fail-on` compares)."""
        return sum(1 for f in self.findings if f.severity.rank >= threshold.rank)

    def rule(self, code: str) -> Rule | None:
        """The rule with this code among those that ran."""
        return next((rule for rule in self.rules if rule.code == code), None)

    def listing(self) -> list[tuple[Finding, WaiverEntry | None, bool]]:
        """Every finding, waived or not, in report order: `(finding, waiver, waived)`.

        `waiver` is the waiver that silenced the finding, or the one refused for it (then
        `waived` is False); None when no waiver named it.
        """
        if self.refused:
            refused = {item.finding: item.waiver for item in self.refused}
            rows = [(f, refused.get(f), False) for f in self.findings]
        else:  # hashing each finding (all its fields) to find none was a tenth of rendering
            rows = [(f, None, False) for f in self.findings]
        if self.waived_findings:
            rows += [(item.finding, item.waiver, True) for item in self.waived_findings]
            order = finding_order(self.files)
            rows.sort(key=lambda row: order(row[0]))
        return rows


OrderKey = tuple[int, str, int, int, str, str]


def finding_order(files: tuple[str, ...]) -> Callable[[Finding], OrderKey]:
    """Sort key of findings: file (in load order), line, column, code, record id."""
    index = {file: n for n, file in enumerate(files)}

    def key(finding: Finding) -> OrderKey:
        where = finding.location
        return (
            index.get(where.file, len(index)),
            where.file,
            where.line,
            where.column,
            finding.code,
            finding.object_id or "",
        )

    return key
