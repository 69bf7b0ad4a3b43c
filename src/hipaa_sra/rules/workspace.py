"""Workspace rules (SRA0xx): what the loader reports, and waivers that are incomplete or expired."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel

from ..findings import Severity
from ..loading.problems import (
    DUPLICATE_ID,
    INVALID_VALUE,
    LEVEL_SYNONYM,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    UNKNOWN_REFERENCE,
    Problem,
)
from ..model import Waiver, Workspace
from .base import Context, Family, Hit, Rule

_SCHEMA = "hipaa-sra workspace schema (docs/workspace.md, `sra schema`)"


def _loader_rule(problem: Problem, rationale: str, fix: str, example: str) -> Rule:
    return Rule(problem.code, problem.name, problem.severity, Family.WORKSPACE, problem.summary,
                _SCHEMA, rationale, fix, example)  # fmt: skip


def waiver_gaps(waiver: Waiver) -> tuple[str, ...]:
    """The parts a waiver lacks: rule, reason, approver, expiry."""
    parts = (("rule", waiver.rule), ("reason", waiver.reason),
             ("approved_by", waiver.approved_by), ("until", waiver.until))  # fmt: skip
    return tuple(name for name, value in parts if not value)


def _waivers(record: BaseModel) -> tuple[Waiver, ...]:
    return tuple(getattr(record, "waivers", ()))


def _who(oid: str | None) -> str:
    return f"`{oid}`" if oid else "sra.yaml"


def _incomplete(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(_waivers(record)):
            gaps = waiver_gaps(waiver)
            if gaps:
                yield Hit(
                    f"{_who(oid)}: waiver of `{waiver.rule or '?'}` lacks "
                    f"{', '.join(f'`{gap}`' for gap in gaps)}, so it does not apply",
                    record, ("waivers", index), oid,
                )  # fmt: skip
            elif waiver.rule and not ctx.known_rule(waiver.rule):
                yield Hit(
                    f"{_who(oid)}: waiver names `{waiver.rule}`, which is not a rule code or "
                    "name (see `sra rules`), so it does not apply",
                    record, ("waivers", index, "rule"), oid,
                )  # fmt: skip


def _expired(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(_waivers(record)):
            until: date | None = waiver.until
            if until is not None and until < ctx.today and not waiver_gaps(waiver):
                yield Hit(
                    f"{_who(oid)}: the waiver of `{waiver.rule}` expired on {until}; the "
                    "finding it silenced is reported again. Renew it with a new review, or "
                    "fix the finding",
                    record, ("waivers", index, "until"), oid,
                )  # fmt: skip


WORKSPACE_RULES: tuple[Rule, ...] = (
    _loader_rule(
        INVALID_VALUE,
        "A value the model cannot read is a value nothing downstream can check. The record "
        "is left out of the analysis until it is fixed, and every other record still loads.",
        "Change the value to what the message says is expected (`sra schema` shows every "
        "field's type and allowed values).",
        "  likelihood: moderate",
    ),
    _loader_rule(
        UNKNOWN_FIELD,
        "A misspelt key (`last_reviwed`) silently drops the data it was meant to hold. The "
        "message suggests the closest field name.",
        "Rename the key to the suggested field, or remove it.",
        "  last_reviewed: 2026-06-05",
    ),
    _loader_rule(
        MISSING_FIELD,
        "Some fields define what a record is (a risk without a threat is not a risk).",
        "Add the field named in the message.",
        "  threat: Credential theft",
    ),
    _loader_rule(
        DUPLICATE_ID,
        "Ids are how risks, controls, flows and sign-offs refer to each other. Two records "
        "with one id make every reference ambiguous; the first one wins.",
        "Give one of the records a new id (and update references to it).",
        "- id: RR-2026-015",
    ),
    _loader_rule(
        UNKNOWN_REFERENCE,
        "A reference to an asset, vendor, control or person that does not exist breaks the "
        "chain an auditor follows from risk to system to safeguard. A warning, because a "
        "register often exists before its inventory.",
        "Fix the id (the message suggests the closest one) or add the missing record.",
        "  asset: patient-db",
    ),
    _loader_rule(
        LEVEL_SYNONYM,
        "`medium` is read as `moderate` (the HHS SRA Tool renamed it in v3.6, and NIST says "
        "moderate). Writing the canonical name keeps the register consistent.",
        "Write the canonical level name.",
        "  likelihood: moderate",
    ),
    Rule(
        "SRA010", "waiver-incomplete", Severity.WARNING, Family.WORKSPACE,
        "A waiver lacks its rule, reason, approver or expiry, or names an unknown rule.",
        "45 CFR 164.316(b)(1) (documentation of decisions)",
        "A waiver is a documented risk decision: what is waived, why, who approved it, and "
        "until when it stands. Without all four it is not a decision an auditor can accept, "
        "so it does not silence anything.",
        "Fill in `rule`, `reason`, `approved_by` and `until`.",
        "  waivers:\n    - rule: stale-review\n      reason: Row re-scored in the Q1 review\n"
        "      approved_by: alice\n      until: 2027-03-31",
        _incomplete,
    ),
    Rule(
        "SRA011", "waiver-expired", Severity.WARNING, Family.WORKSPACE,
        "A waiver's `until` date has passed.",
        "45 CFR 164.306(e) (maintenance); 164.316(b)(2)(iii) (updates)",
        "Waivers end so that decisions get revisited. An expired waiver no longer applies, "
        "and the finding it silenced is reported again.",
        "Review the decision and set a new `until`, or fix the finding and remove the waiver.",
        "      until: 2027-03-31",
        _expired,
    ),
)
"""Workspace rules: loader findings SRA001-SRA006 and waiver checks SRA010-SRA011."""
