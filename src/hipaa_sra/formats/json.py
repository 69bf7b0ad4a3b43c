"""Findings as JSON: a versioned document that CI and the web app can depend on.

The keys of a finding (`finding_dict`) and of `summary` are a contract: keys may be added,
but one is renamed or removed only together with a new schema version. `sra lint` writes
`LINT_SCHEMA_VERSION`: its `findings` also hold the waived ones, which a reader of version 1
would count as reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Severity

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.lint_report import LintReport, WaiverEntry

SCHEMA_VERSION = 1
LINT_SCHEMA_VERSION = 2
"""Version 2: `findings` lists waived findings too, marked `waived` with their `waiver`."""


def finding_dict(finding: Finding) -> dict[str, Any]:
    """The JSON object of one finding (the `findings[]` entries of every JSON output)."""
    return {
        "rule": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "object": finding.object_id,
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
    }


def findings_json(findings: Sequence[Finding], extra: Mapping[str, Any] | None = None) -> str:
    """`{"schema_version": 1, ..., "findings": [...], "summary": {...}}` as indented JSON."""
    summary = {severity.value: 0 for severity in Severity}
    for finding in findings:
        summary[finding.severity.value] += 1
    document = {
        "schema_version": SCHEMA_VERSION,
        **(extra or {}),
        "findings": [finding_dict(f) for f in findings],
        "summary": summary,
    }
    return dumps_listing(document, "findings")


def lint_json(report: LintReport) -> str:
    """A `sra lint` report as the versioned JSON document described in docs/formats.md."""
    document = {
        "schema_version": LINT_SCHEMA_VERSION,
        "today": report.today.isoformat(),
        # A generator: each finding's dict is dropped as soon as its line is written.
        "findings": (_lint_finding(f, waiver, waived) for f, waiver, waived in report.listing()),
        "summary": _worst_first(report.summary()),
        "counts": dict(report.counts),
        "files": len(report.files),
        "rules": [rule.code for rule in report.rules],
        "waivers": [waiver_dict(waiver) for waiver in report.waivers],
    }
    return dumps_listing(document, "findings", "waivers")


def _lint_finding(finding: Finding, waiver: WaiverEntry | None, waived: bool) -> dict[str, Any]:
    entry = {**finding_dict(finding), "waived": waived}
    if waiver is not None:
        entry["waiver"] = _waiver_ref(waiver)
    return entry


def _waiver_ref(waiver: WaiverEntry) -> dict[str, Any]:
    return {
        "rule": waiver.rule,
        "object": waiver.object_id,
        "reason": waiver.reason,
        "approved_by": waiver.approved_by,
        "until": waiver.until.isoformat() if waiver.until else None,
        "file": waiver.location.file,
        "line": waiver.location.line,
        "column": waiver.location.column,
    }


def waiver_dict(waiver: WaiverEntry) -> dict[str, Any]:
    """The JSON object of one waiver as written, with whether it applied and what it did."""
    return {
        **_waiver_ref(waiver),
        "status": waiver.status.value,
        "silenced": waiver.silenced,
        "refused": waiver.refused,
    }


def dumps_listing(document: Mapping[str, Any], *listings: str) -> str:
    """Indented JSON with each entry of the `listings` keys' lists on one compact line.

    The same data as `json.dumps(document, indent=2)`, but the C encoder does the work:
    with `indent` Python falls back to its pure-Python encoder, which took seconds on the
    tens of thousands of findings of a large workspace. A listing may be any iterable.
    Every piece is joined once, at the end: a document of tens of megabytes is built
    without intermediate copies of itself.
    """
    pieces = ["{\n"]
    for number, (key, value) in enumerate(document.items()):
        separator = ",\n" if number else ""
        pieces.append(f"{separator}  {json.dumps(key)}: ")
        if key in listings:
            _append_rows(pieces, value)
        else:
            pieces.append(json.dumps(value, indent=2).replace("\n", "\n  "))
    pieces.append("\n}")
    return "".join(pieces)


def _append_rows(pieces: list[str], rows: Iterable[Any]) -> None:
    """`[`, one compact line per row, `]`, indented as `dumps_listing` lays a listing out."""
    empty = True
    for row in rows:
        pieces.append(",\n    " if not empty else "[\n    ")
        pieces.append(json.dumps(row))
        empty = False
    pieces.append("[]" if empty else "\n  ]")


def _worst_first(summary: dict[str, int]) -> dict[str, int]:
    # Readers scan for errors first; any key the report adds later keeps its place after.
    first = [severity.value for severity in sorted(Severity, key=lambda s: -s.rank)]
    return {**{key: summary[key] for key in first if key in summary}, **summary}
