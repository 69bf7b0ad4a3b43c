"""Findings as JSON: a versioned document that CI and the web app can depend on."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..findings import Finding, Severity

SCHEMA_VERSION = 1


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


def findings_json(
    findings: Sequence[Finding], extra: Mapping[str, Any] | None = None
) -> str:
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
    return json.dumps(document, indent=2)
