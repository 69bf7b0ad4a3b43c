"""Date rules (SRA0xx): a date that records something already done cannot lie after today.

Review, verification, scan, test, signature and decision dates say when something happened.
Each staleness rule counts its interval from one of them, so a date in the future (a typo
such as 2062 for 2026, or 9999-01-01 written to mean "always current") keeps its record
from ever falling due. Deadlines (`due`, `expires`, a waiver's `until`) may lie anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel

from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule

FieldPath = tuple[str | int, ...]
Dated = tuple[str, BaseModel | None, str | None, FieldPath, date | None]
"""(who to name in the message, the record, its id, the field's path, the date)."""


def _dated(ws: Workspace) -> Iterator[Dated]:
    """Every date in the workspace that records something done."""
    for risk in ws.risks:
        yield f"risk `{risk.label}`", risk, risk.id, ("last_reviewed",), risk.last_reviewed
    for asset in ws.assets:
        name = f"asset `{asset.label}`"
        yield name, asset, asset.id, ("last_reviewed",), asset.last_reviewed
        attributes = asset.attributes
        for field in ("last_vulnerability_scan", "last_penetration_test"):
            yield name, asset, asset.id, ("attributes", field), getattr(attributes, field)
    for vendor in ws.vendors:
        name = f"vendor `{vendor.label}`"
        yield name, vendor, vendor.id, ("last_verified",), vendor.last_verified
        if vendor.baa is not None:
            yield name, vendor, vendor.id, ("baa", "executed"), vendor.baa.executed
    for control in ws.controls:
        name = f"control `{control.label}`"
        for index, evidence in enumerate(control.evidence):
            yield name, control, control.id, ("evidence", index, "date"), evidence.date
    for signoff in ws.signoffs:
        name = f"sign-off by {signoff.name} as {signoff.role}"
        yield name, signoff, None, ("signed_at",), signoff.signed_at.date()
    for answer in ws.answers:
        yield f"answer `{answer.label}`", answer, answer.id, ("date",), answer.date
    for policy in ws.policies:
        yield f"policy `{policy.label}`", policy, policy.id, ("approved",), policy.approved
    for record in ws.training:
        name = f"training record `{record.label}`"
        yield name, record, record.id, ("completed",), record.completed
    if ws.manifest is not None:
        for index, decision in enumerate(ws.manifest.decisions):
            yield "sra.yaml", None, None, ("decisions", index, "date"), decision.date


def _field(path: FieldPath) -> str:
    """`evidence[0].date` for ("evidence", 0, "date")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _date_in_future(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for name, record, record_id, path, day in _dated(ws):
        if day is None or day <= ctx.today:
            continue
        yield Hit(
            f"{name}: `{_field(path)}` is {day.isoformat()}, {-ctx.age(day):,} days after today "
            f"({ctx.today.isoformat()}); it records something already done, and intervals "
            "counted from a future date keep the record from falling due; write the date it "
            "happened",
            record,
            path,
            object_id=record_id,
        )


DATE_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA014",
        name="date-in-future",
        severity=Severity.WARNING,
        family=Family.WORKSPACE,
        summary=(
            "A date that records something done (a review, verification, scan, test, signature, "
            "evidence or decision) lies after today."
        ),
        citation=(
            "45 CFR 164.316(b)(1) (documentation of actions and assessments); "
            "164.308(a)(1)(ii)(A) (accurate risk analysis)"
        ),
        rationale=(
            "Stale-review, stale-evidence, vendor verification and the scan and test cadences all "
            "count from these dates. A review dated next year, or 9999-01-01, keeps its record "
            "current until then, so nothing would ever ask for the next review; a record of an "
            "assessment must say when it actually took place. Deadlines (`due`, `baa.expires`, a "
            "waiver's `until`) are not checked: they belong in the future."
        ),
        fix=(
            "Write the date on which the review, verification, scan, test or signature happened. "
            "To say when the next one is due, use the review intervals in sra.yaml or a "
            "remediation item's `due`."
        ),
        example="  last_reviewed: 2026-11-02",
        check=_date_in_future,
    ),
)
