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
Dated = tuple[str, BaseModel | None, str | None, FieldPath, date]
"""(who to name in the message, the record, its id, the field's path, the date)."""


def _dated(ws: Workspace, today: date) -> Iterator[Dated]:
    """Every date in the workspace that records something done and lies after `today`."""
    # Nearly every date is in the past: each is compared before its record's name is
    # written (50,000 risks would otherwise mean 50,000 unused messages).
    for risk in ws.risks:
        if (day := risk.last_reviewed) is not None and day > today:
            yield f"risk `{risk.label}`", risk, risk.id, ("last_reviewed",), day
    for asset in ws.assets:
        dates: list[tuple[FieldPath, date | None]] = [
            (("last_reviewed",), asset.last_reviewed),
            (("attributes", "last_vulnerability_scan"), asset.attributes.last_vulnerability_scan),
            (("attributes", "last_penetration_test"), asset.attributes.last_penetration_test),
        ]
        for path, day in dates:
            if day is not None and day > today:
                yield f"asset `{asset.label}`", asset, asset.id, path, day
    for vendor in ws.vendors:
        if (day := vendor.last_verified) is not None and day > today:
            yield f"vendor `{vendor.label}`", vendor, vendor.id, ("last_verified",), day
        if vendor.baa is not None and (day := vendor.baa.executed) is not None and day > today:
            yield f"vendor `{vendor.label}`", vendor, vendor.id, ("baa", "executed"), day
    for control in ws.controls:
        for index, evidence in enumerate(control.evidence):
            if (day := evidence.date) is not None and day > today:
                where: FieldPath = ("evidence", index, "date")
                yield f"control `{control.label}`", control, control.id, where, day
    for signoff in ws.signoffs:
        if (day := signoff.signed_at.date()) > today:
            name = f"sign-off by {signoff.name} as {signoff.role}"
            yield name, signoff, None, ("signed_at",), day
    for answer in ws.answers:
        if (day := answer.date) is not None and day > today:
            yield f"answer `{answer.label}`", answer, answer.id, ("date",), day
    for policy in ws.policies:
        if (day := policy.approved) is not None and day > today:
            yield f"policy `{policy.label}`", policy, policy.id, ("approved",), day
    for record in ws.training:
        if (day := record.completed) is not None and day > today:
            name = f"training record `{record.label}`"
            yield name, record, record.id, ("completed",), day
    if ws.manifest is not None:
        for index, decision in enumerate(ws.manifest.decisions):
            if (day := decision.date) is not None and day > today:
                yield "sra.yaml", None, None, ("decisions", index, "date"), day


def _field(path: FieldPath) -> str:
    """`evidence[0].date` for ("evidence", 0, "date")."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _date_in_future(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for name, record, record_id, path, day in _dated(ws, ctx.today):
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
