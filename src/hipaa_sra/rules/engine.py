"""Run the rules over a workspace: select, check, apply waivers and severity, order findings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from ..analysis.facts import Facts
from ..discover import Reconciliation
from ..errors import SraError
from ..findings import Finding, Location, Severity
from ..model import Manifest, Workspace
from .base import Context, Hit, Rule, run_check
from .lint_report import LintReport, finding_order
from .registry import RULES, find_rule, is_selector, matches, rule_keys
from .selection import Selection
from .waivers import apply_waivers, configured_severity


class UnknownSelector(SraError):
    """A `--select` or `--ignore` value names no rule."""


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise `UnknownSelector` (with a suggestion) for a selector that picks no rule."""
    import difflib

    for selector in selectors:
        if not is_selector(selector):
            names = [key for rule in RULES for key in (rule.code, rule.name)]
            close = difflib.get_close_matches(selector, names, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise UnknownSelector(
                f"`{selector}` is not a rule code, code prefix or name{hint}; `sra rules` "
                "lists them"
            )


def active_rules(manifest: Manifest | None, selection: Selection) -> tuple[Rule, ...]:
    """The rules that run, in registry order."""
    config = manifest.rules if manifest else None
    select = selection.select or (config.select if config else ())
    ignore = (*(config.ignore if config else ()), *selection.ignore)
    return tuple(
        rule
        for rule in RULES
        if (not select or any(matches(rule, s) for s in select))
        and not any(matches(rule, s) for s in ignore)
    )


def _severity(rule: Rule, hit_severity: Severity | None, ctx: Context) -> Severity:
    return configured_severity(rule, ctx) or hit_severity or rule.severity_for(ctx.profile)


def _findings(rule: Rule, hits: Iterable[Hit], ws: Workspace, ctx: Context) -> Iterator[Finding]:
    """The findings of one rule's hits: located, with the rule's code, name and severity."""
    # The severity turns only on the rule and sra.yaml unless a hit gives its own: worked
    # out once per rule, not once per hit (a large register has 100,000 hits of one rule).
    configured = configured_severity(rule, ctx)
    default = configured or rule.severity_for(ctx.profile)
    code, name = rule.code, rule.name
    manifest = ws.manifest
    for hit in hits:
        record = hit.record
        if record is not None:
            location = ws.locate(record, hit.path)
        elif manifest is not None:
            location = ws.locate(manifest, hit.path)
        else:  # no sra.yaml model to point into: point at the file itself
            location = Location(ws.files[0] if ws.files else "sra.yaml")
        oid = hit.object_id
        if oid is None and record is not None:
            oid = getattr(record, "id", None)
        severity = configured or hit.severity or default
        yield Finding(code, name, severity, hit.message, location, oid)


def context(
    workspace: Workspace,
    today: date,
    facts: Facts | None = None,
    discovery: Reconciliation | None = None,
) -> Context:
    """What the checks of one lint run may know besides the workspace."""
    return Context(
        today, facts if facts is not None else Facts(workspace), rule_keys(), discovery, find_rule
    )


def record_findings(
    workspace: Workspace, part: Workspace, ctx: Context, rules: Sequence[Rule]
) -> list[Finding]:
    """The findings of the per-record rules among `rules` on the records of `part`.

    `part` holds some of `workspace`'s records (those of some files); the checks see its
    records, and the context of the whole workspace. Only rules that declare
    `record_inputs` give the same findings on a part as on the whole.
    """
    return [
        finding
        for rule in rules
        if rule.record_inputs is not None
        for finding in _findings(rule, run_check(rule, part, ctx), workspace, ctx)
    ]


def lint(
    workspace: Workspace,
    today: date,
    selection: Selection | None = None,
    facts: Facts | None = None,
    discovery: Reconciliation | None = None,
    per_record: Sequence[Finding] | None = None,
) -> LintReport:
    """Every finding of the selected rules on `workspace`, as of `today`.

    Pass the `Facts` of the same workspace when the caller has built them already (the
    report does), so the indexes and the coverage table are computed once. Pass the
    `discovery` reconciliation to check the inventory against infrastructure code. Pass
    `per_record` (the per-record rules' findings, some of them reused from an earlier run)
    and those rules are not run again.
    """
    selection = selection or Selection()
    check_selectors(selection.selectors)
    rules = active_rules(workspace.manifest, selection)
    ctx = context(workspace, today, facts, discovery)
    codes = {rule.code: rule for rule in rules}
    findings: list[tuple[Finding, bool]] = []  # and whether it is about a record
    for loaded in workspace.findings:
        rule = codes.get(loaded.code)
        if rule is not None:
            severity = _severity(rule, loaded.severity, ctx)
            findings.append((_replace_severity(loaded, severity), True))
    for rule in rules:
        if per_record is None or rule.record_inputs is None:
            hits = list(run_check(rule, workspace, ctx))
            on_record = [hit.record is not None for hit in hits]
            findings.extend(zip(_findings(rule, hits, workspace, ctx), on_record, strict=True))
    if per_record is not None:
        findings.extend((finding, True) for finding in per_record)
    applied = apply_waivers(findings, workspace, ctx)
    order = finding_order(workspace.files)
    applied.kept.sort(key=order)
    applied.waived.sort(key=lambda item: order(item.finding))
    return LintReport(
        root=workspace.root,
        today=today,
        findings=tuple(applied.kept),
        rules=rules,
        counts=workspace.counts(),
        files=workspace.files,
        waived_findings=tuple(applied.waived),
        refused=tuple(applied.refused),
        waivers=applied.waivers,
    )


def _replace_severity(finding: Finding, severity: Severity) -> Finding:
    if finding.severity is severity:
        return finding
    return Finding(
        finding.code, finding.name, severity, finding.message, finding.location, finding.object_id
    )


def rules_for(keys: Sequence[str]) -> tuple[Rule, ...]:
    """Rules by code or name, in the order given; `UnknownSelector` for one that is not."""
    check_selectors(keys)
    return tuple(rule for rule in RULES if any(matches(rule, key) for key in keys))
