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
- policy-review: each active, approved policy's `approved` + its `review_days` or
  `policy_days` (SRA506)
- training: per person or group and course, the latest completion + its `interval_days` or
  `training_days`, capped under the nprm-2025 profile (SRA306)
- answer-review: each questionnaire answer's `date` + `answer_days` (SRA403)
- waiver-expiry: each complete waiver's `until`, on a record of any kind or in sra.yaml
  (SRA011)

`RULE_EVENTS` maps each of these rules to its event kind, and `UNDATED_RULES` names the
time-based rules that have none and why (today none); a test holds every time-based rule of
the registry to one of the two, so a new one cannot go without its event unnoticed.

Past-due items and items never done are dated *today* and flagged overdue (the due date
stays in the text): a calendar is read forwards, and an event left on a past day is one
nobody sees. The calendar is meant to be regenerated, so an overdue item moves with today
until it is done.

A due date in the year 9999 means "no end date" (`expires: 9999-12-31` is the usual way to
write an agreement that does not expire), so it makes no event until it is overdue. Due dates
are computed with `dates.add_days`, which stops at 9999-12-31 rather than overflowing: one
that would fall past the end of the calendar is open-ended too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from ..analysis.facts import Facts
from ..analysis.signoff_status import required_roles
from ..dates import is_open_ended
from ..model import Workspace
from .event import Attendee, Builder, Event, EventKind
from .obligations import OBLIGATIONS

_ORDER = {kind: index for index, kind in enumerate(EventKind)}

RULE_EVENTS: Mapping[str, EventKind] = MappingProxyType(
    {
        "SRA101": EventKind.REGISTER_REFRESH,
        "SRA103": EventKind.REMEDIATION,
        "SRA110": EventKind.EVIDENCE_REFRESH,
        "SRA205": EventKind.INVENTORY_REVIEW,
        "SRA207": EventKind.BAA_EXPIRY,
        "SRA208": EventKind.VENDOR_VERIFICATION,
        "SRA304": EventKind.VULNERABILITY_SCAN,
        "SRA305": EventKind.PENETRATION_TEST,
        "SRA306": EventKind.TRAINING,
        "SRA403": EventKind.ANSWER_REVIEW,
        "SRA503": EventKind.PERIODIC_REVIEW,
        "SRA506": EventKind.POLICY_REVIEW,
        "SRA011": EventKind.WAIVER_EXPIRY,
    }
)
"""The time-based rules with an event, and its kind: the day after the event, the rule fires."""

UNDATED_RULES: Mapping[str, str] = MappingProxyType({})
"""The time-based rules with no event, and why: the calendar does not cover them."""

KINDS_READ = frozenset(
    {"answers", "assets", "controls", "policies", "risks", "signoffs", "training", "vendors"}
)
"""The record kinds the schedule reads, besides sra.yaml, and the records of any other kind
that hold a waiver (`load_records(..., waivers=True)`): a calendar loads no others."""


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
    name = ws.manifest.organization.name if ws.manifest and ws.manifest.organization else None
    if name is None:  # no sra.yaml, or its name could not be read
        return "sra"
    return " ".join(name.split()).casefold()


def build_schedule(ws: Workspace, today: date) -> Schedule:
    """The workspace's calendar as of `today`."""
    facts = Facts(ws)
    organizer = next(
        (
            Attendee(p.name or p.email, p.email)
            for role in required_roles(ws)
            for p in facts.people_by_role.get(role, ())
            if p.email
        ),
        None,
    )
    organization = ws.manifest.organization if ws.manifest else None
    org = (organization.name if organization else None) or ws.root.name
    return Schedule(
        workspace_identity(ws),
        f"HIPAA SRA: {org}",
        today,
        calendar_events(ws, today, facts),
        organizer,
    )


def calendar_events(ws: Workspace, today: date, facts: Facts | None = None) -> tuple[Event, ...]:
    """Every dated obligation of the workspace as of `today`, by day, kind and record.

    Pass the `Facts` of the same workspace when the caller has built them (the web app's
    version, the lint before it), so that controls' evidence is judged once.
    """
    b = Builder(ws, today, facts)
    found: dict[tuple[EventKind, str], Event] = {}
    for source in OBLIGATIONS:
        for event in source(b):
            if event.due is not None and is_open_ended(event.due) and not event.overdue:
                continue
            # A duplicated id is a loader error; one event per identity keeps UIDs unique.
            found.setdefault((event.kind, event.record_id), event)
    return tuple(sorted(found.values(), key=lambda e: (e.day, _ORDER[e.kind], e.record_id)))
