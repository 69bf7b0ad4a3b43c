"""A `sra lint` report as SARIF 2.1.0, the format GitHub code scanning and IDEs import.

One run of one tool (`hipaa-sra`). Every rule that ran is described in
`tool.driver.rules`, so a viewer can explain a rule even when it found nothing. Relative
paths are expressed against `%SRCROOT%`, the directory `sra lint` ran in (the repository
root in CI); absolute paths become `file:` URIs.

`partialFingerprints["sraFinding/v1"]` hashes the rule, file, record id and message, but
not the line, so an alert survives edits that only move it; identical findings in one file
are told apart by their order.

A waived finding is a result with one `suppressions` entry (status `accepted`, the reason as
justification, the waiver's location); a finding a waiver named but may not silence keeps
its result with a `rejected` suppression, so viewers show it and say why. GitHub code
scanning reads no suppressions: `omit_waived` leaves the waived results out for it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .._version import __version__
from ..findings import Finding, Severity
from .json import dumps_indented

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.base import Rule
    from ..rules.lint_report import LintReport, WaiverEntry

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "hipaa-sra"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "sraFinding/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
"""SARIF has no `info` level; `note` is its lowest that still shows a result."""


def lint_sarif(report: LintReport, *, omit_waived: bool = False) -> str:
    """A `sra lint` report as a SARIF 2.1.0 log with one run.

    `omit_waived` leaves out the results a waiver silenced (an `accepted` suppression), for
    GitHub code scanning, which does not read suppressions and would open an alert for each.
    """

    index = {rule.code: i for i, rule in enumerate(report.rules)}
    seen: dict[str, int] = {}
    # Every result is built, waived or not, so that the order that tells identical findings'
    # fingerprints apart is the same with and without the waived ones.
    results = [
        (_result(f, index, seen, waiver, waived), waived) for f, waiver, waived in report.listing()
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "rules": [_rule(rule) for rule in report.rules],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "properties": {"today": report.today.isoformat(), "waived": report.waived},
            }
        ],
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The directory sra lint ran in; relative finding paths start there."
                }
            }
        },
        "results": [result for result, waived in results if not (omit_waived and waived)],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return dumps_indented(log)


def _rule(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "family": rule.family.value,
        "citation": rule.citation,
        # GitHub shows tags as filters in the code scanning list.
        "tags": ["hipaa", "compliance", rule.family.value],
    }
    if rule.nprm_severity is not None:
        properties["nprmSeverity"] = rule.nprm_severity.value
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _help_text(rule: Rule) -> str:
    return (
        f"{rule.rationale}\n\nFix: {rule.fix}\n\nExample:\n{rule.example.rstrip()}\n\n"
        f"Citation: {rule.citation}"
    )


def _help_markdown(rule: Rule) -> str:
    # A fence longer than any backtick run in the example keeps the example intact.
    fence = "`" * max(3, _longest_backtick_run(rule.example) + 1)
    return (
        f"{rule.rationale}\n\n**Fix:** {rule.fix}\n\n**Example:**\n\n"
        f"{fence}yaml\n{rule.example.rstrip()}\n{fence}\n\n**Citation:** {rule.citation}"
    )


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest


def _result(
    finding: Finding,
    index: dict[str, int],
    seen: dict[str, int],
    waiver: WaiverEntry | None = None,
    waived: bool = False,
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result.update(
        {
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "locations": [_location(finding)],
            "partialFingerprints": {FINGERPRINT: _fingerprint(finding, seen)},
        }
    )
    if waiver is not None:
        result["suppressions"] = [_suppression(finding, waiver, waived)]
    if finding.object_id is not None:
        result["properties"] = {"object": finding.object_id}
    return result


def _suppression(finding: Finding, waiver: WaiverEntry, waived: bool) -> dict[str, Any]:
    """A waiver as SARIF sees it: written in the finding's own file, or elsewhere."""
    where = waiver.location
    properties: dict[str, Any] = {"approvedBy": waiver.approved_by, "rule": waiver.rule}
    if waiver.until is not None:
        properties["until"] = waiver.until.isoformat()
    if not waived:
        properties["refusedBecause"] = (
            "A required implementation specification cannot be waived (45 CFR 164.306(d)(2))."
        )
    return {
        "kind": "inSource" if where.file == finding.location.file else "external",
        "status": "accepted" if waived else "rejected",
        "justification": waiver.reason or "",
        "location": {
            "physicalLocation": {
                "artifactLocation": artifact_location(where.file),
                "region": {"startLine": where.line, "startColumn": where.column},
            }
        },
        "properties": properties,
    }


def _location(finding: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": artifact_location(finding.location.file),
            "region": {
                "startLine": finding.location.line,
                "startColumn": finding.location.column,
            },
        }
    }
    if finding.object_id is not None:
        location["logicalLocations"] = [{"name": finding.object_id, "kind": "object"}]
    return location


def artifact_location(file: str) -> dict[str, str]:
    """A SARIF artifactLocation for a path as findings show it (relative or absolute)."""
    if PureWindowsPath(file).drive or PurePosixPath(file).is_absolute():
        path = PureWindowsPath(file) if PureWindowsPath(file).drive else PurePosixPath(file)
        return {"uri": path.as_uri()}
    # Findings show OS paths; a URI always uses `/`, and characters such as spaces or `%`
    # in a file name must be percent-encoded.
    return {"uri": quote(file.replace("\\", "/"), safe="/"), "uriBaseId": SRCROOT}


_DIGITS = re.compile(r"\d+")


def _fingerprint(finding: Finding, seen: dict[str, int]) -> str:
    identity = "\x1f".join(
        (
            finding.code,
            finding.location.file.replace("\\", "/"),
            finding.object_id or "",
            # Day counts ("53 days ago") change every day; an alert must not reopen for that.
            _DIGITS.sub("#", finding.message),
        )
    )
    # surrogatepass: a file name that is not UTF-8 still has an identity to hash.
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
    occurrence = seen.get(digest, 0) + 1
    seen[digest] = occurrence
    return f"{digest[:32]}:{occurrence}"
