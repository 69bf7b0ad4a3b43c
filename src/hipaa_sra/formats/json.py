"""Findings as JSON: a versioned document that CI and the web app can depend on.

The keys of a finding (`finding_dict`) and of `summary` are a contract: keys may be added,
but one is renamed or removed only together with a new schema version. `sra lint` writes
`LINT_SCHEMA_VERSION`: its `findings` also hold the waived ones, which a reader of version 1
would count as reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from json.encoder import encode_basestring_ascii
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


def finding_line(finding: Finding) -> str:
    """`json.dumps(finding_dict(finding))`, byte for byte, without building the dict.

    A large register has a hundred thousand findings or more: through the dict and the
    encoder's Python entry point each line cost several times what the string escapes
    themselves cost (the same C function the encoder uses).
    """
    return _finding_fields(finding) + "}"


def _finding_fields(finding: Finding) -> str:
    """`finding_line` without its closing brace, for a caller that adds keys."""
    oid = finding.object_id
    where = finding.location
    line, column = where.line, where.column
    if type(line) is int and type(column) is int:  # not a bool, which json writes `true`
        try:
            return (
                f'{{"rule": {_text(finding.code)}, "name": {_text(finding.name)}, '
                f'"severity": {_text(finding.severity.value)}, '
                f'"message": {_text(finding.message)}, '
                f'"object": {"null" if oid is None else _text(oid)}, '
                f'"file": {_text(where.file)}, "line": {line}, "column": {column}'
            )
        except TypeError:  # a value of another type than declared
            pass
    return json.dumps(finding_dict(finding))[:-1]


_text = encode_basestring_ascii
"""A `str` as JSON text, as `json.dumps` writes it (ASCII only, `\\uXXXX` escapes)."""


def findings_json(findings: Sequence[Finding], extra: Mapping[str, Any] | None = None) -> str:
    """`{"schema_version": 1, ..., "findings": [...], "summary": {...}}` as indented JSON."""
    summary = {severity.value: 0 for severity in Severity}
    for finding in findings:
        summary[finding.severity.value] += 1
    document = {
        "schema_version": SCHEMA_VERSION,
        **(extra or {}),
        "findings": _Lines(finding_line(f) for f in findings),
        "summary": summary,
    }
    return dumps_listing(document, "findings")


def lint_json(report: LintReport) -> str:
    """A `sra lint` report as the versioned JSON document described in docs/formats.md."""
    document = {
        "schema_version": LINT_SCHEMA_VERSION,
        "today": report.today.isoformat(),
        # Lazily: each finding's line is joined as soon as it is made.
        "findings": _Lines(_lint_line(f, waiver, waived) for f, waiver, waived in report.listing()),
        "summary": _worst_first(report.summary()),
        "counts": dict(report.counts),
        "files": len(report.files),
        "rules": [rule.code for rule in report.rules],
        "waivers": [waiver_dict(waiver) for waiver in report.waivers],
    }
    return dumps_listing(document, "findings", "waivers")


def _lint_line(finding: Finding, waiver: WaiverEntry | None, waived: bool) -> str:
    """The JSON line of one finding of a lint report: `finding_line` with its waiver."""
    if waiver is None:
        return f"{_finding_fields(finding)}, {_WAIVED[waived]}}}"
    entry = {**finding_dict(finding), "waived": waived, "waiver": _waiver_ref(waiver)}
    return json.dumps(entry)


_WAIVED = {True: '"waived": true', False: '"waived": false'}


class _Lines:
    """Rows of a listing that are already JSON text, for `dumps_listing` to join as they are."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = lines

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)


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
    lines = iter(rows) if isinstance(rows, _Lines) else map(json.dumps, rows)
    first = next(lines, None)
    if first is None:
        pieces.append("[]")
        return
    pieces.append("[\n    ")
    pieces.append(first)
    for line in lines:
        pieces.append(",\n    ")
        pieces.append(line)
    pieces.append("\n  ]")


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, indent=2)`, byte for byte, several times faster on large documents.

    With `indent` the standard library encodes in Python through a chain of nested
    generators, every piece passing up through each level: a SARIF log of the 169,000
    findings of a large register took 7 s. This writes the same text in one recursive pass,
    strings escaped by the encoder's own C function. A value it does not know (a float, a
    key that is not a string) falls back to `json.dumps`.
    """
    parts: list[str] = []
    try:
        _write_indented(value, parts, "\n")
    except TypeError:
        return json.dumps(value, indent=2)
    return "".join(parts)


def _write_indented(value: Any, parts: list[str], newline: str) -> None:
    """Append `value` as `json.dumps(..., indent=2)` writes it at the depth `newline` gives."""
    if isinstance(value, str):
        parts.append(_text(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + "  "
        opening = "{"
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(key)
            parts.append(f"{opening}{inner}{_text(key)}: ")
            opening = ","
            _write_indented(item, parts, inner)
        parts.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            parts.append("[]")
            return
        inner = newline + "  "
        opening = "["
        for item in value:
            # Each item joined at once: a document of 169,000 results held as tens of
            # millions of small pieces took several times its own size in memory.
            piece = [opening, inner]
            _write_indented(item, piece, inner)
            parts.append("".join(piece))
            opening = ","
        parts.append(newline + "]")
    else:
        raise TypeError(value)


def _worst_first(summary: dict[str, int]) -> dict[str, int]:
    # Readers scan for errors first; any key the report adds later keeps its place after.
    first = [severity.value for severity in sorted(Severity, key=lambda s: -s.rank)]
    return {**{key: summary[key] for key in first if key in summary}, **summary}
