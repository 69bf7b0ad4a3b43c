"""Dated events of a workspace: what falls due when, for `sra calendar`.

Every event falls on the last day its lint rule is still satisfied (the next day the rule
fires), with the same interval the rule uses, so the calendar and `sra lint` never disagree:

- periodic-review: newest sign-off + `review_days` (SRA503)
- register-refresh: oldest risk `last_reviewed` + `register_days` (SRA101)
- remediation: each planned or in-progress item's `due` (SRA103)
- evidence-refresh: per control, its latest evidence date + that entry's `refresh_days` or
  `evidence_days`; per risk, the oldest date in its free-text controls + `evidence_days`
  (SRA110)
- baa-expiry: `baa.expires` of an executed BAA with a vendor that touches ePHI (SRA207)
- vendor-verification: `last_verified` + `vendor_days` (SRA208)
- vulnerability-scan, penetration-test: the asset's last one + the NPRM cadence (SRA304/305)
- inventory-review: oldest asset `last_reviewed` + `inventory_days` (SRA205)

Past-due items and items never done are dated *today* and flagged overdue (the due date
stays in the text): a calendar is read forwards, and an event left on a past day is one
nobody sees. The calendar is meant to be regenerated, so an overdue item moves with today
until it is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from ..analysis.exposure import BUSINESS_ASSOCIATE, exposed, scannable
from ..analysis.facts import Facts
from ..analysis.signoff import last_review, required_roles
from ..catalog import nprm_profile
from ..model import (
    Asset,
    BaaStatus,
    EphiExposure,
    Profile,
    ReviewIntervals,
    Workspace,
)
from ..scoring import ACTIVE_STATUSES


class EventKind(StrEnum):
    """What an event is about; also its calendar category."""

    PERIODIC_REVIEW = "periodic-review"
    REGISTER_REFRESH = "register-refresh"
    REMEDIATION = "remediation"
    EVIDENCE_REFRESH = "evidence-refresh"
    BAA_EXPIRY = "baa-expiry"
    VENDOR_VERIFICATION = "vendor-verification"
    VULNERABILITY_SCAN = "vulnerability-scan"
    PENETRATION_TEST = "penetration-test"
    INVENTORY_REVIEW = "inventory-review"


_ORDER = {kind: index for index, kind in enumerate(EventKind)}
# Items and assets are selected with the definitions the SRA103/SRA207/SRA208/SRA304/SRA305
# checks use (scoring.ACTIVE_STATUSES, analysis.exposure), so every event has a rule that
# fires when it is missed.


@dataclass(frozen=True, slots=True)
class Attendee:
    """A person from `sra.yaml` who has an email address."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Event:
    """One dated obligation of the SRA."""

    kind: EventKind
    record_id: str
    """The record (or `sra`, `register`, `inventory`) the event is about; with the kind and
    the workspace identity it makes the event's UID, so it never holds a date or a position."""
    title: str
    """What is due, without the overdue mark."""
    action: str
    """What to do, in a sentence or two."""
    due: date | None
    """When it falls due; None when it was never done at all."""
    day: date
    """The calendar day: `due`, or today when overdue."""
    overdue: bool
    source: str | None = None
    """`file:line` of the record, relative to the workspace."""
    owners: tuple[str, ...] = ()
    """Person ids (or free text) accountable, as written in the workspace."""
    attendees: tuple[Attendee, ...] = ()
    """Owners who are people with an email in `sra.yaml`."""

    @property
    def summary(self) -> str:
        """The one-line calendar summary, `OVERDUE: ` first when past due."""
        return f"OVERDUE: {self.title}" if self.overdue else self.title


class _Builder:
    """Turns (record, due date, words) into events with today, owners and sources filled in."""

    def __init__(self, ws: Workspace, today: date) -> None:
        self.ws = ws
        self.today = today
        self.facts = Facts(ws)
        root = ws.root.absolute()
        self.root = root

    def source(self, record: BaseModel | None, path: tuple[str | int, ...] = ()) -> str | None:
        """`file:line` of the record, with the file relative to the workspace root."""
        if record is None:
            return None
        where = self.ws.locate(record, path)
        file = Path(where.file)
        try:
            shown = file.absolute().relative_to(self.root).as_posix()
        except ValueError:
            shown = where.file
        return f"{shown}:{where.line}"

    def attendees(self, owners: Iterable[str]) -> tuple[Attendee, ...]:
        """People of `sra.yaml` with an email among `owners`, once each, in order."""
        found: dict[str, Attendee] = {}
        for owner in owners:
            person = self.facts.people.get(owner)
            if person is not None and person.email and person.email not in found:
                found[person.email] = Attendee(person.name, person.email)
        return tuple(found.values())

    def event(self, kind: EventKind, record_id: str, title: str, action: str, due: date | None,
              record: BaseModel | None = None, path: tuple[str | int, ...] = (),
              owners: Iterable[str | None] = ()) -> Event:  # fmt: skip
        """An event due on `due` (never done when None)."""
        named = tuple(dict.fromkeys(owner for owner in owners if owner))
        overdue = due is None or due < self.today
        if due is None:
            action = f"Never done: {action}"
        elif due < self.today:
            action = f"Was due {due.isoformat()} ({(self.today - due).days} days ago). {action}"
        else:
            action = f"Due {due.isoformat()}. {action}"
        day = self.today if due is None or overdue else due
        return Event(kind, record_id, title, action, due, day, overdue,
                     self.source(record, path), named, self.attendees(named))  # fmt: skip


def _after(day: date | None, days: int) -> date | None:
    return None if day is None else day + timedelta(days=days)


def _intervals(ws: Workspace) -> tuple[ReviewIntervals, Profile]:
    manifest = ws.manifest
    if manifest is None:
        return ReviewIntervals(), Profile.CURRENT
    return manifest.methodology.review_intervals, manifest.methodology.profile


def _signers(ws: Workspace, facts: Facts) -> list[str]:
    """Person ids holding a role that must sign: they own the review as a whole."""
    holders = facts.people_by_role
    return [person.id for role in required_roles(ws) for person in holders.get(role, ())]


def _reviews(b: _Builder) -> Iterator[Event]:
    ws = b.ws
    intervals, _ = _intervals(ws)
    signers = _signers(ws, b.facts)
    last = last_review(ws)
    yield b.event(
        EventKind.PERIODIC_REVIEW, "sra", "Periodic review and sign-off of the SRA",
        f"Review the whole analysis, update it, and have every required role sign it again "
        f"(`sra signoff`); the review interval is {intervals.review_days} days "
        f"(last signed {last.isoformat() if last else 'never'}).",
        _after(last, intervals.review_days), ws.manifest, owners=signers,
    )  # fmt: skip
    risks = ws.risks
    if risks:
        oldest = None if any(r.last_reviewed is None for r in risks) else min(
            r.last_reviewed for r in risks if r.last_reviewed is not None)  # fmt: skip
        due = _after(oldest, intervals.register_days)
        first = next((r for r in risks if r.last_reviewed == oldest), risks[0])
        count = sum(1 for r in risks if _after(r.last_reviewed, intervals.register_days) == due)
        yield b.event(
            EventKind.REGISTER_REFRESH, "register", "Refresh of the risk register",
            f"Re-review the risk rows, first the {count} of {len(risks)} that fall due now "
            f"(such as `{first.id}`), and update their levels, controls and `last_reviewed`; "
            f"rows stay current for {intervals.register_days} days.",
            due, first, ("last_reviewed",) if first.last_reviewed else (), signers,
        )  # fmt: skip


def _remediation(b: _Builder) -> Iterator[Event]:
    for risk in b.ws.risks:
        seen: dict[str, int] = {}
        for index, item in enumerate(risk.remediation):
            key = " ".join(item.control.split()).casefold()
            seen[key] = seen.get(key, 0) + 1
            if item.status not in ACTIVE_STATUSES or item.due is None:
                continue
            # The item's words are its identity: it has no id, and its position may change.
            suffix = "" if seen[key] == 1 else f"#{seen[key]}"
            short = " ".join(item.control.split())
            yield b.event(
                EventKind.REMEDIATION, f"{risk.id}/{key}{suffix}",
                f"Remediation for {risk.id}: {_clip(short)}",
                f"Risk {risk.id} on {risk.asset} ({_clip(risk.threat)}): {short}. Status "
                f"{item.status}; when finished set `status: done`, or record an accepted "
                "decision with rationale and approver.",
                item.due, risk, ("remediation", index, "due"), (item.owner,),
            )  # fmt: skip


def _evidence(b: _Builder) -> Iterator[Event]:
    ws = b.ws
    intervals, _ = _intervals(ws)
    for control in ws.controls:
        status = b.facts.control_status(control)
        path: tuple[str | int, ...] = ()
        if status.latest is not None:
            index = next(i for i, e in enumerate(control.evidence) if e.date == status.latest)
            path = ("evidence", index, "date")
        yield b.event(
            EventKind.EVIDENCE_REFRESH, f"control/{control.id}",
            f"Evidence refresh: {control.id}",
            f"Verify that control {control.id} ({_clip(control.name)}) still works and add an "
            "evidence entry saying how it was verified, the date and where the proof is kept.",
            status.due, control, path, (control.owner,),
        )  # fmt: skip
    for risk in ws.risks:
        texts = [entry for entry in risk.current_controls if entry not in ws.control_by_id]
        if not texts:
            continue
        whens = [b.facts.text_evidence(text).when for text in texts]
        # The entry verified longest ago is the first to go stale.
        earliest = None if any(when is None for when in whens) else min(
            when for when in whens if when is not None)  # fmt: skip
        asset = ws.asset_by_id.get(risk.asset)
        yield b.event(
            EventKind.EVIDENCE_REFRESH, f"risk/{risk.id}",
            f"Evidence refresh: current controls of {risk.id}",
            f"Re-verify the safeguards risk {risk.id} describes in free text and update each "
            f"entry's how, date and where (evidence stays current for "
            f"{intervals.evidence_days} days).",
            _after(earliest, intervals.evidence_days), risk, ("current_controls",),
            (asset.owner if asset else None,),
        )  # fmt: skip


def _vendors(b: _Builder) -> Iterator[Event]:
    intervals, profile = _intervals(b.ws)
    days = intervals.vendor_days
    if profile is Profile.NPRM_2025:
        days = min(days, nprm_profile().ba_verification)
    for vendor in b.ws.vendors:
        baa = vendor.baa
        touches = vendor.ephi_exposure is not EphiExposure.NONE
        if touches and baa and baa.status is BaaStatus.EXECUTED and baa.expires is not None:
            yield b.event(
                EventKind.BAA_EXPIRY, vendor.id, f"BAA expires: {vendor.name}",
                f"The business associate agreement with {vendor.name} ends; renew it before "
                f"then, or stop the ePHI flow ({vendor.ephi_exposure}).",
                baa.expires, vendor, ("baa", "expires"), (vendor.owner,),
            )  # fmt: skip
        if vendor.ephi_exposure in BUSINESS_ASSOCIATE:
            yield b.event(
                EventKind.VENDOR_VERIFICATION, vendor.id, f"Vendor verification: {vendor.name}",
                f"Obtain and review {vendor.name}'s evidence of its safeguards (SOC 2, "
                f"questionnaire, written verification), then update `last_verified`; "
                f"verify every {days} days.",
                _after(vendor.last_verified, days), vendor,
                ("last_verified",) if vendor.last_verified else (), (vendor.owner,),
            )  # fmt: skip


def _testing(b: _Builder) -> Iterator[Event]:
    profile = nprm_profile()
    for asset in b.facts.in_scope_assets:
        attrs = asset.attributes
        if scannable(asset):
            yield _test_event(b, asset, EventKind.VULNERABILITY_SCAN, "Vulnerability scan",
                              attrs.last_vulnerability_scan, "last_vulnerability_scan",
                              profile.vuln_scan)  # fmt: skip
        if exposed(asset):
            yield _test_event(b, asset, EventKind.PENETRATION_TEST, "Penetration test",
                              attrs.last_penetration_test, "last_penetration_test",
                              profile.pentest)  # fmt: skip


def _test_event(b: _Builder, asset: Asset, kind: EventKind, what: str, last: date | None,
                field: str, days: int) -> Event:  # fmt: skip
    return b.event(
        kind, asset.id, f"{what}: {asset.name}",
        f"Run the {what.lower()} of {asset.category} `{asset.id}`, fix what it finds, and "
        f"record the date in `attributes.{field}` (every {days} days, the cadence of the "
        "2025 NPRM; proposed, not law).",
        _after(last, days), asset, ("attributes", field) if last else (), (asset.owner,),
    )  # fmt: skip


def _inventory(b: _Builder) -> Iterator[Event]:
    assets = b.ws.assets
    if not assets:
        return
    intervals, profile = _intervals(b.ws)
    days = intervals.inventory_days
    if profile is Profile.NPRM_2025:
        days = min(days, nprm_profile().inventory_review)
    dates = [asset.last_reviewed for asset in assets]
    oldest = None if None in dates else min(d for d in dates if d is not None)
    due = _after(oldest, days)
    late = [a for a in assets if _after(a.last_reviewed, days) == due]
    yield b.event(
        EventKind.INVENTORY_REVIEW, "inventory", "Review of the technology asset inventory",
        f"Walk the inventory and data flows with the asset owners: add what is new, retire "
        f"what is gone, update each entry's `last_reviewed` (first the {len(late)} of "
        f"{len(assets)} entries that fall due now, such as `{late[0].id}`; every {days} days).",
        due, late[0], ("last_reviewed",) if late[0].last_reviewed else (),
        sorted({a.owner for a in late if a.owner}),
    )  # fmt: skip


def _clip(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A workspace's events with what a calendar needs to name and identify them."""

    identity: str
    """The workspace's identity in event UIDs: its organization name, normalized."""
    name: str
    """Human name of the calendar."""
    today: date
    events: tuple[Event, ...]
    organizer: Attendee | None = None
    """Who the events come from: the first holder of a required signing role with an email."""


def workspace_identity(ws: Workspace) -> str:
    """The organization name, case and spacing normalized (`sra` when sra.yaml did not load).

    Not the directory: the same SRA checked out elsewhere must produce the same UIDs.
    """
    if ws.manifest is None:
        return "sra"
    return " ".join(ws.manifest.organization.name.split()).casefold()


def build_schedule(ws: Workspace, today: date) -> Schedule:
    """The workspace's calendar as of `today`."""
    facts = Facts(ws)
    organizer = next(
        (Attendee(p.name, p.email) for role in required_roles(ws)
         for p in facts.people_by_role.get(role, ()) if p.email),
        None,
    )  # fmt: skip
    org = ws.manifest.organization.name if ws.manifest else ws.root.name
    return Schedule(workspace_identity(ws), f"HIPAA SRA: {org}", today,
                    calendar_events(ws, today), organizer)  # fmt: skip


def calendar_events(ws: Workspace, today: date) -> tuple[Event, ...]:
    """Every dated obligation of the workspace as of `today`, by day, kind and record."""
    b = _Builder(ws, today)
    found: dict[tuple[EventKind, str], Event] = {}
    for source in (_reviews, _remediation, _evidence, _vendors, _testing, _inventory):
        for event in source(b):
            # A duplicated id is a loader error; one event per identity keeps UIDs unique.
            found.setdefault((event.kind, event.record_id), event)
    return tuple(sorted(found.values(),
                        key=lambda e: (e.day, _ORDER[e.kind], e.record_id)))  # fmt: skip
