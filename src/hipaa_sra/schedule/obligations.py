"""The dated obligations of a workspace, one source per event kind, for `sra calendar`.

Each source finds its records the way the lint rule it backs finds them (see `events` for
the table of rules and kinds, and when each event falls), and turns each into an `Event`
through the `Builder`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date

from ..analysis.exposure import BUSINESS_ASSOCIATE, exposed, scannable
from ..analysis.facts import Facts
from ..analysis.questionnaire import usable_answers
from ..analysis.recurring import (
    latest_training,
    policy_interval,
    policy_review_due,
    training_due,
    training_interval,
)
from ..analysis.signoff_status import last_review, required_roles
from ..catalog.questions import question_by_id
from ..dates import add_days_or_none
from ..model import (
    Asset,
    BaaStatus,
    EphiExposure,
    Profile,
    ReviewIntervals,
    Workspace,
)
from ..rules.registry import find_rule
from ..rules.waivers import record_waivers, waiver_gaps
from ..scoring import ACTIVE_STATUSES
from .event import Builder, Event, EventKind

# Items and assets are selected with the definitions the SRA103/SRA207/SRA208/SRA304/SRA305
# checks use (scoring.ACTIVE_STATUSES, analysis.exposure), policies and training with those
# of SRA506/SRA306 (analysis.recurring) and answers with SRA403's (usable_answers), so
# every event has a rule that fires when it is missed.


def _after(day: date | None, days: int) -> date | None:
    return add_days_or_none(day, days)


def _rule_days(code: str, ws: Workspace) -> int | None:
    """The interval the rule `code` declares, for this workspace (None: not scheduled)."""
    rule = find_rule(code)
    if rule is None or rule.interval is None:
        raise LookupError(f"rule {code} declares no interval")  # a registry bug, not input
    return rule.interval.days(ws.manifest)


def _intervals(ws: Workspace) -> tuple[ReviewIntervals, Profile]:
    """The review intervals (an unreadable one is None: its events are not scheduled)."""
    manifest = ws.manifest
    if manifest is None:
        return ReviewIntervals(), Profile.CURRENT
    return manifest.methodology.review_intervals, manifest.methodology.profile or Profile.CURRENT


def _signers(ws: Workspace, facts: Facts) -> list[str]:
    """Person ids holding a role that must sign: they own the review as a whole."""
    holders = facts.people_by_role
    return [
        person.id
        for role in required_roles(ws)
        for person in holders.get(role, ())
        if person.id is not None
    ]


def _reviews(b: Builder) -> Iterator[Event]:
    ws = b.ws
    intervals, _ = _intervals(ws)
    signers = _signers(ws, b.facts)
    last = last_review(ws)
    if intervals.review_days is not None:
        yield b.event(
            EventKind.PERIODIC_REVIEW,
            "sra",
            "Periodic review and sign-off of the SRA",
            f"Review the whole analysis, update it, and have every required role sign it again "
            f"(`sra signoff`); the review interval is {intervals.review_days} days "
            f"(last signed {last.isoformat() if last else 'never'}).",
            _after(last, intervals.review_days),
            ws.manifest,
            owners=signers,
        )
    register_days = _rule_days("SRA101", ws)
    risks = [r for r in ws.risks if not r.is_unknown("last_reviewed")]
    if risks and register_days is not None:
        oldest = (
            None
            if any(r.last_reviewed is None for r in risks)
            else min(r.last_reviewed for r in risks if r.last_reviewed is not None)
        )
        due = _after(oldest, register_days)
        first = next((r for r in risks if r.last_reviewed == oldest), risks[0])
        # Per date, not per row: one date is shared by thousands of rows.
        reviewed = Counter(r.last_reviewed for r in risks)
        count = sum(n for day, n in reviewed.items() if _after(day, register_days) == due)
        yield b.event(
            EventKind.REGISTER_REFRESH,
            "register",
            "Refresh of the risk register",
            f"Re-review the risk rows, first the {count} of {len(risks)} that fall due now "
            f"(such as `{first.label}`), and update their levels, controls and `last_reviewed`; "
            f"rows stay current for {register_days} days.",
            due,
            first,
            ("last_reviewed",) if first.last_reviewed else (),
            signers,
        )


def _remediation(b: Builder) -> Iterator[Event]:
    for risk in b.ws.risks:
        seen: dict[str, int] = {}
        about: str | None = None  # the risk's own words, the same for each of its items
        for index, item in enumerate(risk.remediation):
            control = item.control if item.control is not None else f"remediation #{index + 1}"
            short = " ".join(control.split())
            key = short.casefold()
            count = seen[key] = seen.get(key, 0) + 1
            if item.status not in ACTIVE_STATUSES or item.due is None:
                continue
            # The item's words are its identity: it has no id, and its position may change.
            suffix = "" if count == 1 else f"#{count}"
            label = risk.label
            if about is None:
                threat = _clip(risk.threat) if risk.threat is not None else "threat unreadable"
                about = f"Risk {label} on {risk.asset or 'an unreadable asset'} ({threat}): "
            yield b.event(
                EventKind.REMEDIATION,
                f"{label}/{key}{suffix}",
                f"Remediation for {label}: {_clip(short)}",
                f"{about}{short}. Status {item.status}; when finished set `status: done`, or "
                "record an accepted decision with rationale and approver.",
                item.due,
                risk,
                ("remediation", index, "due"),
                (item.owner,),
            )


def _evidence(b: Builder) -> Iterator[Event]:
    ws = b.ws
    intervals, _ = _intervals(ws)
    for control in ws.controls:
        status = b.facts.control_status(control)
        if status.due is None and (status.latest is not None or status.complete is None):
            continue  # a date or interval could not be read: the due date is not known
        path: tuple[str | int, ...] = ()
        if status.latest is not None:
            index = next(i for i, e in enumerate(control.evidence) if e.date == status.latest)
            path = ("evidence", index, "date")
        yield b.event(
            EventKind.EVIDENCE_REFRESH,
            f"control/{control.label}",
            f"Evidence refresh: {control.label}",
            f"Verify that control {control.label} ({_clip(control.name or '')}) still works and "
            "add an "
            "evidence entry saying how it was verified, the date and where the proof is kept.",
            status.due,
            control,
            path,
            (control.owner,),
        )
    days = intervals.evidence_days
    if days is None:
        return
    control_by_id, asset_by_id = ws.control_by_id, ws.asset_by_id
    whens: dict[str, date | None] = {}  # many risks name the same safeguards in the same words
    dues: dict[date | None, date | None] = {}
    for risk in ws.risks:
        texts = [entry for entry in risk.current_controls if entry not in control_by_id]
        if not texts:
            continue
        # The entry verified longest ago is the first to go stale.
        earliest: date | None = None
        for text in texts:
            if text in whens:
                when = whens[text]
            else:
                when = whens[text] = b.facts.text_evidence(text).when
            if when is None:
                earliest = None
                break
            if earliest is None or when < earliest:
                earliest = when
        if earliest in dues:
            due = dues[earliest]
        else:
            due = dues[earliest] = _after(earliest, days)
        asset = asset_by_id.get(risk.asset) if risk.asset is not None else None
        label = risk.label
        yield b.event(
            EventKind.EVIDENCE_REFRESH,
            f"risk/{label}",
            f"Evidence refresh: current controls of {label}",
            f"Re-verify the safeguards risk {label} describes in free text and update each "
            f"entry's how, date and where (evidence stays current for {days} days).",
            due,
            risk,
            ("current_controls",),
            (asset.owner if asset else None,),
        )


def _vendors(b: Builder) -> Iterator[Event]:
    days = _rule_days("SRA208", b.ws)
    for vendor in b.ws.vendors:
        baa = vendor.baa
        name = vendor.name or vendor.label
        touches = vendor.ephi_exposure is not EphiExposure.NONE
        if touches and baa and baa.status is BaaStatus.EXECUTED and baa.expires is not None:
            yield b.event(
                EventKind.BAA_EXPIRY,
                vendor.label,
                f"BAA expires: {name}",
                f"The business associate agreement with {name} ends; renew it before "
                f"then, or stop the ePHI flow ({vendor.ephi_exposure}).",
                baa.expires,
                vendor,
                ("baa", "expires"),
                (vendor.owner,),
            )
        if (
            vendor.ephi_exposure in BUSINESS_ASSOCIATE
            and days is not None
            and not vendor.is_unknown("last_verified")
        ):
            yield b.event(
                EventKind.VENDOR_VERIFICATION,
                vendor.label,
                f"Vendor verification: {name}",
                f"Obtain and review {name}'s evidence of its safeguards (SOC 2, "
                f"questionnaire, written verification), then update `last_verified`; "
                f"verify every {days} days.",
                _after(vendor.last_verified, days),
                vendor,
                ("last_verified",) if vendor.last_verified else (),
                (vendor.owner,),
            )


def _testing(b: Builder) -> Iterator[Event]:
    scan, pentest = _rule_days("SRA304", b.ws), _rule_days("SRA305", b.ws)
    for asset in b.facts.in_scope_assets:
        attrs = asset.attributes
        if (
            scan is not None
            and scannable(asset)
            and not attrs.is_unknown("last_vulnerability_scan")
        ):
            yield _test_event(
                b,
                asset,
                EventKind.VULNERABILITY_SCAN,
                "Vulnerability scan",
                attrs.last_vulnerability_scan,
                "last_vulnerability_scan",
                scan,
            )
        if pentest is not None and exposed(asset) and not attrs.is_unknown("last_penetration_test"):
            yield _test_event(
                b,
                asset,
                EventKind.PENETRATION_TEST,
                "Penetration test",
                attrs.last_penetration_test,
                "last_penetration_test",
                pentest,
            )


def _test_event(
    b: Builder, asset: Asset, kind: EventKind, what: str, last: date | None, field: str, days: int
) -> Event:
    return b.event(
        kind,
        asset.label,
        f"{what}: {asset.name or asset.label}",
        f"Run the {what.lower()} of {asset.category} `{asset.label}`, fix what it finds, and "
        f"record the date in `attributes.{field}` (every {days} days, the cadence of the "
        "2025 NPRM; proposed, not law).",
        _after(last, days),
        asset,
        ("attributes", field) if last else (),
        (asset.owner,),
    )


def _inventory(b: Builder) -> Iterator[Event]:
    assets = [a for a in b.ws.assets if not a.is_unknown("last_reviewed")]
    days = _rule_days("SRA205", b.ws)
    if not assets or days is None:
        return
    dates = [asset.last_reviewed for asset in assets]
    oldest = None if None in dates else min(d for d in dates if d is not None)
    due = _after(oldest, days)
    falling = {day for day in set(dates) if _after(day, days) == due}
    late = [a for a in assets if a.last_reviewed in falling]
    yield b.event(
        EventKind.INVENTORY_REVIEW,
        "inventory",
        "Review of the technology asset inventory",
        f"Walk the inventory and data flows with the asset owners: add what is new, retire "
        f"what is gone, update each entry's `last_reviewed` (first the {len(late)} of "
        f"{len(assets)} entries that fall due now, such as `{late[0].label}`; every {days} "
        "days).",
        due,
        late[0],
        ("last_reviewed",) if late[0].last_reviewed else (),
        sorted({a.owner for a in late if a.owner}),
    )


def _policies(b: Builder) -> Iterator[Event]:
    ws = b.ws
    for policy in ws.policies:
        due = policy_review_due(policy, ws)
        if due is None:
            continue  # not active, not approved, or its interval could not be read
        label = policy.label
        name = _clip(policy.title) if policy.title else label
        yield b.event(
            EventKind.POLICY_REVIEW,
            label,
            f"Policy review: {name}",
            f"Review policy {label}, update it where the environment changed, and record the "
            f"new approval (`approved`, `approved_by`, `version`); approved "
            f"{policy.approved}, it is reviewed every {policy_interval(policy, ws)} days.",
            due,
            policy,
            ("approved",),
            (policy.owner, policy.approved_by),
        )


def _training(b: Builder) -> Iterator[Event]:
    ws = b.ws
    holders = b.facts.people_by_role
    for (who, course), record in latest_training(ws).items():
        due = training_due(record, ws)
        if due is None:
            continue  # its interval could not be read
        # A group named after a role is the people holding it (SRA307 counts it so).
        members = (
            [p.id for p in holders.get(record.group, ()) if p.id is not None]
            if record.person is None and record.group is not None
            else []
        )
        yield b.event(
            EventKind.TRAINING,
            f"{who}/{course}",
            f"Training: {_clip(course)} ({who})",
            f"{who} repeats `{_clip(course)}`, last completed {record.completed} and repeated "
            f"every {training_interval(record, ws)} days; record the new completion in "
            "training/ (person or group, course, completed date).",
            due,
            record,
            ("completed",),
            (who, *members),
        )


def _answers(b: Builder) -> Iterator[Event]:
    ws = b.ws
    days = _intervals(ws)[0].answer_days
    if not ws.answers or days is None:
        return  # no questionnaire, or its interval could not be read: SRA403 is silent too
    questions = question_by_id()
    for question, answer in usable_answers(ws).items():
        if answer.date is None:
            continue
        label = answer.label
        yield b.event(
            EventKind.ANSWER_REVIEW,
            label,
            f"Questionnaire answer: {label}",
            f"Answer question {label} again (`sra assess --section "
            f"{questions[question].section}`), last answered {answer.date}; answers are "
            f"reviewed every {days} days.",
            _after(answer.date, days),
            answer,
            ("date",),
            (answer.answered_by,),
        )


def _waivers(b: Builder) -> Iterator[Event]:
    # The waivers SRA011 judges: complete ones, on records with an id or in sra.yaml.
    for record, oid in b.facts.waived_records:
        about = f"{type(record).__name__.casefold()} {oid}" if oid is not None else "sra.yaml"
        seen: dict[str, int] = {}
        for index, waiver in enumerate(record_waivers(record)):
            if waiver.until is None or waiver_gaps(waiver):
                continue
            rule = str(waiver.rule)
            # The rule it waives is its identity: a waiver has no id, and its place may change.
            key = f"{about}/{rule.casefold()}"
            count = seen[key] = seen.get(key, 0) + 1
            yield b.event(
                EventKind.WAIVER_EXPIRY,
                key if count == 1 else f"{key}#{count}",
                f"Waiver expires: {rule} on {about}",
                f"The waiver of `{rule}` on {about} ({_clip(str(waiver.reason))}), approved by "
                f"{waiver.approved_by}, stands until {waiver.until}; after that day lint "
                "reports the finding it silences again. Review the decision and set a new "
                "`until`, or fix the finding and remove the waiver.",
                waiver.until,
                record,
                ("waivers", index, "until"),
                (waiver.approved_by, getattr(record, "owner", None)),
            )


def _clip(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


Source = Callable[[Builder], Iterator[Event]]

OBLIGATIONS: tuple[Source, ...] = (
    _reviews,
    _remediation,
    _evidence,
    _vendors,
    _testing,
    _inventory,
    _policies,
    _training,
    _answers,
    _waivers,
)
"""Every source of events, in the order a calendar takes them (the first of two events with
one identity is kept)."""
