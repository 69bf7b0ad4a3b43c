"""`sra rules` and `sra explain`: the rule catalog and one rule's documentation."""

from __future__ import annotations

import json

import click

from ..rules import RULES, Rule, find_rule
from ..rules.engine import UnknownSelector, check_selectors


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


def explain_text(rule: Rule) -> str:
    """A rule's documentation for the terminal."""
    severity = rule.severity.value
    if rule.nprm_severity:
        severity += f" ({rule.nprm_severity.value} under the nprm-2025 profile)"
    example = "\n".join(f"    {line}" for line in rule.example.splitlines())
    return (
        f"{rule.code} {rule.name} ({rule.family.value}, {severity})\n\n"
        f"{rule.summary}\n\n"
        f"Why it matters:\n  {rule.rationale}\n\n"
        f"How to fix:\n  {rule.fix}\n\n"
        f"Example:\n{example}\n\n"
        f"Citation: {rule.citation}"
    )


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def rules_command(fmt: str) -> None:
    """List every rule: code, name, default severity and what it flags.

    Example:

    \b
        sra rules --format json
    """
    if fmt == "json":
        click.echo(json.dumps({"schema_version": 1, "rules": [rule_dict(r) for r in RULES]},
                              indent=2))  # fmt: skip
        return
    width = max(len(rule.name) for rule in RULES)
    family = None
    for rule in RULES:
        if rule.family is not family:
            family = rule.family
            click.echo(f"\n{family.value}" if rule is not RULES[0] else family.value)
        click.echo(f"  {rule.code}  {rule.name:<{width}}  {rule.severity.value:<7}  {rule.summary}")


@click.command("explain")
@click.argument("rule")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def explain_command(rule: str, fmt: str) -> None:
    """Show one rule's documentation: rationale, fix, example and citation.

    RULE is a code (SRA101) or a name (stale-review).

    Example:

    \b
        sra explain high-risk-without-remediation
    """
    found = find_rule(rule)
    if found is None:
        check_selectors((rule,))  # raises with a did-you-mean when it can
        raise UnknownSelector(f"`{rule}` names a group of rules; give one code or name")
    if fmt == "json":
        click.echo(json.dumps(rule_dict(found), indent=2))
    else:
        click.echo(explain_text(found))
