"""Workspace rules (SRA0xx): what the loader reports, and the checks on waivers."""

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
    NOT_A_REGULAR_FILE,
    UNEXPECTED_FILE,
    UNKNOWN_FIELD,
    UNKNOWN_REFERENCE,
    Problem,
)
from ..model import Waiver, Workspace
from .base import Context, Family, Hit, Rule, run_check
from .lint_report import WaiverStatus
from .waivers import (
    configured_severity,
    on_required_spec,
    record_waivers,
    waiver_gaps,
    waiver_key,
    waiver_status,
)

_SCHEMA = "hipaa-sra workspace schema (docs/workspace.md, `sra schema`)"


def _loader_rule(problem: Problem, rationale: str, fix: str, example: str) -> Rule:
    return Rule(
        code=problem.code,
        name=problem.name,
        severity=problem.severity,
        family=Family.WORKSPACE,
        summary=problem.summary,
        citation=_SCHEMA,
        rationale=rationale,
        fix=fix,
        example=example,
    )


def _who(oid: str | None) -> str:
    return f"`{oid}`" if oid else "sra.yaml"


def _incomplete(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(record_waivers(record)):
            if waiver.unknown:
                continue  # its own finding says what could not be read; it silences nothing
            gaps = waiver_gaps(waiver)
            if gaps:
                yield Hit(
                    f"{_who(oid)}: waiver of `{waiver.rule or '?'}` lacks "
                    f"{', '.join(f'`{gap}`' for gap in gaps)}, so it does not apply",
                    record,
                    ("waivers", index),
                    oid,
                )
            elif waiver.rule and not ctx.known_rule(waiver.rule):
                yield Hit(
                    f"{_who(oid)}: waiver names `{waiver.rule}`, which is not a rule code or "
                    "name (see `sra rules`), so it does not apply",
                    record,
                    ("waivers", index, "rule"),
                    oid,
                )
            elif waiver_status(waiver, ctx) is WaiverStatus.UNWAIVABLE:
                yield Hit(
                    f"{_who(oid)}: waiver names `{waiver.rule}`, a check on waivers, which no "
                    "waiver can silence, so it does not apply; fix the waiver it reports",
                    record,
                    ("waivers", index, "rule"),
                    oid,
                )


def _expired(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(record_waivers(record)):
            until: date | None = waiver.until
            if until is not None and until < ctx.today and not waiver_gaps(waiver):
                yield Hit(
                    f"{_who(oid)}: the waiver of `{waiver.rule}` expired on {until}; the "
                    "finding it silenced is reported again. Renew it with a new review, or "
                    "fix the finding",
                    record,
                    ("waivers", index, "until"),
                    oid,
                )


def _in_force(ctx: Context) -> Iterator[tuple[BaseModel, str | None, int, Waiver, Rule]]:
    """Waivers that apply today: record, its id (None: sra.yaml), index, waiver, its rule."""
    for record, oid in ctx.facts.waived_records:
        for index, waiver in enumerate(record_waivers(record)):
            rule = ctx.find_rule(waiver.rule or "")
            if rule is not None and waiver_status(waiver, ctx) is WaiverStatus.IN_FORCE:
                yield record, oid, index, waiver, rule


def _broad(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for record, oid, index, waiver, rule in _in_force(ctx):
        severity = configured_severity(rule, ctx) or rule.severity_for(ctx.profile)
        if oid is None and severity is Severity.ERROR:
            yield Hit(
                f"sra.yaml: the waiver of `{waiver.rule}` names no record, so it silences an "
                "error-level rule on the whole workspace, including any new finding of it, "
                "without anyone reviewing that finding. Meet what the rule asks, or record "
                f"the decision it accepts (`sra explain {rule.code}`), and keep a rule-wide "
                "waiver short",
                record,
                ("waivers", index),
                None,
            )


def _hit_key(hit: Hit) -> str | None:
    on_record = hit.record is not None
    oid = hit.object_id if hit.object_id is not None else getattr(hit.record, "id", None)
    return waiver_key(on_record, oid)


def _not_allowed(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    hits: dict[str, list[Hit]] = {}  # a spec rule's hits, computed once however many waivers
    for record, oid, index, waiver, rule in _in_force(ctx):
        if not rule.names_specifications:
            continue
        if rule.code not in hits:
            hits[rule.code] = list(run_check(rule, ws, ctx))
        named = [hit for hit in hits[rule.code] if _hit_key(hit) == oid]
        refused = [hit.object_id or "" for hit in named if on_required_spec(rule, hit.object_id)]
        if not refused:
            continue
        listed = ", ".join(refused[:_NAMED]) + (
            f" and {len(refused) - _NAMED:,} more" if len(refused) > _NAMED else ""
        )
        still = len(named) - len(refused)
        rest = (
            f"; the waiver still silences the {still:,} on addressable specifications"
            if still
            else ""
        )
        yield Hit(
            f"{_who(oid)}: the waiver of `{waiver.rule}` cannot silence {_findings(refused)} "
            f"on required implementation specifications ({listed}): HIPAA gives no choice on "
            "a required specification (45 CFR 164.306(d)(2)), so they stay reported. Meet "
            "each with a control that cites it (or, for one that binds only some entities, "
            f"a `not-applicable` decision){rest}",
            record,
            ("waivers", index),
            oid,
        )


def _findings(items: list[str]) -> str:
    return f"{len(items):,} finding" + ("" if len(items) == 1 else "s")


_NAMED = 5
"""Citations a message names before "and N more"."""


WORKSPACE_RULES: tuple[Rule, ...] = (
    _loader_rule(
        INVALID_VALUE,
        "A value the model cannot read is a value nothing downstream can check. The rest of "
        "the record stays in the analysis with that field unknown: every rule still runs on "
        "what could be read, and a rule that needs the unknown value says nothing rather "
        "than guess (docs/workspace.md, Partial records). A sign-off record is the exception: "
        "an invalid one never counts as a signature.",
        "Change the value to what the message says is expected (`sra schema` shows every "
        "field's type and allowed values).",
        "  likelihood: moderate",
    ),
    _loader_rule(
        UNKNOWN_FIELD,
        "A misspelt key (`last_reviwed`) would silently drop the data it was meant to hold. "
        "The message suggests the closest field name; that field counts as unknown rather "
        "than left out, so no rule reports it missing while the key is misspelt.",
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
    _loader_rule(
        UNEXPECTED_FILE,
        "A file the tool does not read is a part of the analysis nobody checks: risks in "
        "`registers/` or `risks.yaml` would never be scored, linted or signed. Everything "
        "else still loads, and the finding names the folder it most likely belongs in.",
        "Move the file into the kind folder that holds its records (the message suggests "
        "one), or out of the workspace.",
        "register/2026-q3.yaml",
    ),
    _loader_rule(
        NOT_A_REGULAR_FILE,
        "A named pipe could block the loader forever and a device could feed it without "
        "end, so only regular files are read. A YAML name on something else is reported "
        "rather than skipped in silence.",
        "Replace it with the regular YAML file it stands for, or remove it.",
        "register/2026-q3.yaml",
    ),
    Rule(
        code="SRA010",
        name="waiver-incomplete",
        severity=Severity.WARNING,
        family=Family.WORKSPACE,
        summary=(
            "A waiver lacks its rule, reason, approver or expiry, or names an unknown rule or a "
            "check on waivers."
        ),
        citation="45 CFR 164.316(b)(1) (documentation of decisions)",
        rationale=(
            "A waiver is a documented risk decision: what is waived, why, who approved it, and "
            "until when it stands. Without all four it is not a decision an auditor can accept, "
            "so it does not silence anything. Nor does a waiver of one of the checks on waivers "
            "(SRA010-SRA013): a waiver cannot vouch for itself."
        ),
        fix=(
            "Fill in `rule`, `reason`, `approved_by` and `until`; name a rule from `sra rules`, "
            "and fix what a check on waivers reports rather than waiving it."
        ),
        example=(
            "  waivers:\n    - rule: stale-review\n      reason: Row re-scored in the Q1 review\n"
            "      approved_by: alice\n      until: 2027-03-31"
        ),
        check=_incomplete,
    ),
    Rule(
        code="SRA011",
        name="waiver-expired",
        severity=Severity.WARNING,
        family=Family.WORKSPACE,
        summary="A waiver's `until` date has passed.",
        citation="45 CFR 164.306(e) (maintenance); 164.316(b)(2)(iii) (updates)",
        rationale=(
            "Waivers end so that decisions get revisited. An expired waiver no longer applies, "
            "and the finding it silenced is reported again."
        ),
        fix="Review the decision and set a new `until`, or fix the finding and remove the waiver.",
        example="      until: 2027-03-31",
        check=_expired,
    ),
    Rule(
        code="SRA012",
        name="broad-waiver",
        severity=Severity.WARNING,
        family=Family.WORKSPACE,
        summary="A waiver in sra.yaml silences an error-level rule on the whole workspace.",
        citation=(
            "45 CFR 164.316(b)(1) (documentation of decisions); 164.308(a)(1)(ii)(B) (risk "
            "management)"
        ),
        rationale=(
            "A waiver in sra.yaml names no record: it silences every finding of its rule about "
            "the workspace as a whole, today's and any that appear later, without anyone "
            "reviewing them. For a rule whose findings are errors (its severity under the "
            "profile, or as re-graded in `rules.severity`) that hides what an auditor would "
            "flag first. The waiver still applies; this warning keeps it in view, and a review "
            "should narrow it."
        ),
        fix=(
            "Meet what the rule asks, or record the decision the rule accepts instead of a "
            "waiver (`decisions` for an addressable specification, `absent_categories` for an "
            "inventory category, a sign-off for a missing signature). Keep a waiver that must "
            "stay rule-wide short-lived."
        ),
        example=(
            "# sra.yaml\ndecisions:\n  - spec: 164.312(a)(2)(iv)\n    decision: not-reasonable\n"
            "    rationale: The provider encrypts every volume; application-level encryption "
            "adds key handling without reducing risk.\n    decided_by: alice\n"
            "    date: 2026-02-10"
        ),
        check=_broad,
    ),
    Rule(
        code="SRA013",
        name="waiver-not-allowed",
        severity=Severity.ERROR,
        family=Family.WORKSPACE,
        summary=(
            "A waiver names findings on required implementation specifications, which cannot be "
            "waived."
        ),
        citation="45 CFR 164.306(d) (required and addressable implementation specifications)",
        rationale=(
            "HIPAA gives no choice on a required implementation specification (164.306(d)(2)): "
            "it must be implemented. Only an addressable one may be met another way or found "
            "not reasonable and appropriate, with the decision documented (164.306(d)(3)). A "
            "waiver cannot stand in for a required specification, so the findings it names "
            "stay reported and the waiver itself is this error. The findings on a required "
            "specification are those of `hipaa-spec-without-control` whose specification the "
            "catalog designates required, or whose standard has no specifications of its own."
        ),
        fix=(
            "Implement the specification and add its citation to the `hipaa` list of the "
            "control that meets it. A specification that binds only some entities "
            "(clearinghouses, government entities, group health plans) takes a "
            "`not-applicable` decision in sra.yaml `decisions` instead."
        ),
        example=(
            "# controls/technical.yaml\n- id: ctl-audit-log\n  name: Audit logging of ePHI "
            "access\n  safeguard: technical\n  hipaa: [164.312(b)]"
        ),
        check=_not_allowed,
    ),
)
"""Workspace rules: loader findings SRA001-SRA008 and waiver checks SRA010-SRA013."""
