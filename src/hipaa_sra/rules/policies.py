"""Policy rules (SRA504-SRA506, documentation family): written, approved, reviewed policies."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.recurring import policy_interval, policy_review_due
from ..catalog import hipaa_entry
from ..catalog.questions import policy_standards
from ..findings import Severity
from ..model import PolicyStatus, Workspace
from .base import Context, Family, Hit, Rule


def _standard_name(citation: str) -> str | None:
    entry = hipaa_entry(citation)
    return entry.standard if entry is not None else None


def _missing(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if not (
        ctx.facts.known_everywhere("policies", "status")
        and ctx.facts.known_everywhere("policies", "hipaa")
    ):
        return  # the unreadable policy may be the one that covers a standard
    covered = {
        _standard_name(citation)
        for policy in ws.policies
        if policy.status is PolicyStatus.ACTIVE
        for citation in policy.hipaa
    }
    missing = [
        citation for citation in policy_standards() if _standard_name(citation) not in covered
    ]
    if not missing:
        return
    if not any(policy.status is PolicyStatus.ACTIVE for policy in ws.policies):
        yield Hit(
            f"no active written policy is recorded (policies/), and {len(missing)} standards "
            f"whose text asks for policies or procedures need one: {', '.join(missing)}; record "
            "each policy with the citations it addresses",
            object_id="policies",
        )
        return
    for citation in missing:
        entry = hipaa_entry(citation)
        name = entry.standard if entry is not None else citation
        yield Hit(
            f"{citation} {name}: no active policy in policies/ cites the standard or one of its "
            "specifications; its text asks for written policies or procedures",
            object_id=citation,
        )


def _not_approved(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for policy in ws.policies:
        if policy.status is not PolicyStatus.ACTIVE:
            continue
        lacks = [
            name
            for name in ("approved_by", "approved")
            if getattr(policy, name) is None and not policy.is_unknown(name)
        ]
        if lacks:
            yield Hit(
                f"policy `{policy.label}` is active but has no {' and no '.join(lacks)}; record "
                "who approved it and when, or mark it `draft`",
                policy,
                ("status",),
            )


def _overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for policy in ws.policies:
        due, days = policy_review_due(policy, ws), policy_interval(policy, ws)
        if due is not None and due < ctx.today:
            yield Hit(
                f"policy `{policy.label}` was approved on {policy.approved}; its review every "
                f"{days} days was due {due} ({(ctx.today - due).days:,} days ago); review it and "
                "record the new approval",
                policy,
                ("approved",),
            )


POLICY_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA504",
        name="policy-missing",
        severity=Severity.WARNING,
        family=Family.DOCUMENTATION,
        summary=(
            "A standard whose text asks for written policies or procedures has no active policy."
        ),
        citation=(
            "45 CFR 164.316(a) (policies and procedures); the standards listed in the "
            "questionnaire catalog (`policy: true`)"
        ),
        rationale=(
            'Most standards of the Security Rule begin "implement policies and procedures", and '
            "OCR asks for them first. A standard with no written, active policy cannot show how it "
            "is met, whatever the systems do. A policy counts for a standard when it cites the "
            "standard or one of its specifications. With no active policy at all, one finding "
            "lists every standard that needs one."
        ),
        fix="Record the policy in policies/ with `status: active` and the citations it addresses.",
        example=(
            "# policies/policies.yaml\n- id: pol-security-management\n  title: Security management "
            "policy\n  hipaa: [164.308(a)(1)(i), 164.308(a)(1)(ii)(C)]\n  owner: alice\n  version: "
            "'2.1'\n  status: active\n  approved_by: alice\n  approved: 2026-03-01\n  review_days: "
            "365\n  document: https://intranet.example/policies/security-management.pdf"
        ),
        check=_missing,
    ),
    Rule(
        code="SRA505",
        name="policy-not-approved",
        severity=Severity.WARNING,
        family=Family.DOCUMENTATION,
        summary="An active policy has no approver or no approval date.",
        citation="45 CFR 164.316(a)-(b) (policies documented and kept); 164.308(a)(2)",
        rationale=(
            "A policy in force must be one the organization adopted: an auditor asks who approved "
            "it and when. A policy still being written is `draft` and does not count yet."
        ),
        fix="Add `approved_by` (a person id) and `approved` (the date), or set `status: draft`.",
        example=(
            "- id: pol-sanctions\n  title: Sanction policy\n  hipaa: [164.308(a)(1)(ii)(C)]\n"
            "  status: active\n  approved_by: alice\n  approved: 2026-03-01"
        ),
        check=_not_approved,
    ),
    Rule(
        code="SRA506",
        name="policy-review-overdue",
        severity=Severity.WARNING,
        family=Family.DOCUMENTATION,
        summary="An active policy was approved longer ago than its review interval.",
        citation="45 CFR 164.316(b)(2)(iii) (review documentation periodically, and update it)",
        rationale=(
            "Documentation must be reviewed periodically and updated as the environment changes. "
            "Each policy is due for review `review_days` after its approval (default "
            "`methodology.review_intervals.policy_days`, 365)."
        ),
        fix="Review the policy and record the new approval date (and version).",
        example=(
            "- id: pol-contingency\n  title: Contingency plan\n  hipaa: [164.308(a)(7)(i)]\n"
            "  status: active\n  approved_by: alice\n  approved: 2026-03-01\n  review_days: 365"
        ),
        check=_overdue,
    ),
)
"""Policy rules SRA504-SRA506."""
