"""`LintReport`: what one lint run found, in the shape every output format renders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..findings import Finding, Severity
from .base import Rule


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
    waived: int = 0
    """Findings silenced by a valid waiver."""

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
