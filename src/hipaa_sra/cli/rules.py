"""`sra rules` and `sra explain`: the rule catalog and one rule's documentation."""

from __future__ import annotations

import click

from ..formats.rule_docs import explain_text, rule_json, rules_json, rules_text
from ..rules import RULES, find_rule
from ..rules.engine import UnknownSelector, check_selectors
from .common import format_option


@click.command("rules")
@format_option(["text", "json"])
def rules_command(fmt: str) -> None:
    """List every rule: code, name, default severity and what it flags.

    Example:

    \b
        sra rules --format json
    """
    click.echo(rules_json(RULES) if fmt == "json" else rules_text(RULES))


@click.command("explain")
@click.argument("rule")
@format_option(["text", "json"])
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
    click.echo(rule_json(found) if fmt == "json" else explain_text(found))
