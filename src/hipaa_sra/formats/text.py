"""Findings as terminal text: one `path:line:col: CODE [severity] message` line each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import click

from ..findings import Finding, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def findings_text(findings: Iterable[Finding], *, colour: bool = False) -> str:
    """One line per finding, in the order given (the loader sorts by file and line)."""
    lines = []
    for finding in findings:
        where = f"{finding.location}:"
        label = f"{finding.code} {finding.severity.value}"
        if colour:
            where = click.style(where, bold=True)
            label = click.style(label, fg=_COLOURS[finding.severity])
        lines.append(f"{where} {label} [{finding.name}] {finding.message}")
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(counts: Mapping[str, int], findings: Iterable[Finding], files: int) -> str:
    """`Loaded 40 assets, ... from 17 files: 0 errors, 2 warnings, 1 info.`"""
    by_severity = dict.fromkeys(Severity, 0)
    for finding in findings:
        by_severity[finding.severity] += 1
    loaded = ", ".join(f"{count} {name}" for name, count in counts.items())
    return (
        f"Loaded {loaded} from {_plural(files, 'file')}: "
        f"{_plural(by_severity[Severity.ERROR], 'error')}, "
        f"{_plural(by_severity[Severity.WARNING], 'warning')}, "
        f"{by_severity[Severity.INFO]} info."
    )
