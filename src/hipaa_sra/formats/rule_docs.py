"""The rule catalog rendered for people and programs: `sra rules`, `sra explain`, docs/rules.md.

One renderer per output, each from the rule declarations, so the terminal, the JSON and the
generated page cannot say different things about a rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..rules.base import Rule

SCHEMA_VERSION = 1
"""Version of `sra rules --format json`; a change that breaks readers raises it."""


def rule_dict(rule: Rule) -> dict[str, str | None]:
    """A rule's documentation as JSON-ready data."""
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.value,
        "nprm_severity": rule.nprm_severity.value if rule.nprm_severity else None,
        "family": rule.family.value,
        "summary": rule.summary,
        "citation": rule.citation,
        "rationale": rule.rationale,
        "fix": rule.fix,
        "example": rule.example,
    }


def _severity(rule: Rule, profile_phrase: str) -> str:
    severity = rule.severity.value
    if rule.nprm_severity:
        severity += f" ({rule.nprm_severity.value} {profile_phrase})"
    return severity


def rules_json(rules: Sequence[Rule]) -> str:
    """`sra rules --format json`: every rule's documentation."""
    return json.dumps(
        {"schema_version": SCHEMA_VERSION, "rules": [rule_dict(r) for r in rules]}, indent=2
    )


def rule_json(rule: Rule) -> str:
    """`sra explain --format json`: one rule's documentation."""
    return json.dumps(rule_dict(rule), indent=2)


def rules_text(rules: Sequence[Rule]) -> str:
    """`sra rules`: one line per rule, grouped by family."""
    width = max(len(rule.name) for rule in rules)
    lines: list[str] = []
    family = None
    for rule in rules:
        if rule.family is not family:
            family = rule.family
            lines += ([""] if lines else []) + [family.value]
        severity = rule.severity.value
        lines.append(f"  {rule.code}  {rule.name:<{width}}  {severity:<7}  {rule.summary}")
    return "\n".join(lines)


def explain_text(rule: Rule) -> str:
    """`sra explain`: a rule's documentation for the terminal."""
    example = "\n".join(f"    {line}" for line in rule.example.splitlines())
    return (
        f"{rule.code} {rule.name} ({rule.family.value}, "
        f"{_severity(rule, 'under the nprm-2025 profile')})\n\n"
        f"{rule.summary}\n\n"
        f"Why it matters:\n  {rule.rationale}\n\n"
        f"How to fix:\n  {rule.fix}\n\n"
        f"Example:\n{example}\n\n"
        f"Citation: {rule.citation}"
    )


def rules_markdown(rules: Sequence[Rule]) -> str:
    """docs/rules.md: the index table and one section per rule."""
    parts = [
        "# Rules\n",
        "Generated from the rule registry by `docs/generate.py`; do not edit by hand. The same",
        "text is printed by `sra explain CODE-or-NAME`. Codes and names are stable: select,",
        "ignore, waive and override severities by either (see docs/lint.md).\n",
        "| code | name | severity | family | flags |",
        "|---|---|---|---|---|",
    ]
    parts.extend(
        f"| {rule.code} | [`{rule.name}`](#{rule.name}) | {_severity(rule, 'under nprm-2025')} "
        f"| {rule.family.value} | {rule.summary} |"
        for rule in rules
    )
    parts.append("")
    for rule in rules:
        origin = "reported by the loader" if rule.check is None else "lint rule"
        parts += [
            f"## {rule.name}\n",
            f"**{rule.code}** · {rule.family.value} · {rule.severity.value} · {origin}\n",
            f"{rule.summary}\n",
            f"**Why it matters.** {rule.rationale}\n",
            f"**How to fix.** {rule.fix}\n",
            f"**Example.**\n\n```yaml\n{rule.example}\n```\n",
            f"**Citation.** {rule.citation}\n",
        ]
    return "\n".join(parts)
