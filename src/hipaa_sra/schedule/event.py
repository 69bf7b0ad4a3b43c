"""One dated obligation of the SRA: its kind, the event a calendar shows, and their builder.

`Builder` turns a record, a due date and the words of an obligation into an `Event` with
today's view filled in (overdue or not, the calendar day), the owners named once each and
those of them with an email as attendees, and the record's `file:line`. `events` decides
which obligations a workspace has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from ..analysis.facts import Facts
from ..model import Workspace


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
    POLICY_REVIEW = "policy-review"
    TRAINING = "training"
    ANSWER_REVIEW = "answer-review"
    WAIVER_EXPIRY = "waiver-expiry"


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


_People = tuple[tuple[str, ...], tuple[Attendee, ...]]
"""Owners named once each, and those of them who are attendees."""


class Builder:
    """Turns (record, due date, words) into events with today, owners and sources filled in."""

    def __init__(self, ws: Workspace, today: date, facts: Facts | None = None) -> None:
        self.ws = ws
        self.today = today
        self.facts = facts if facts is not None else Facts(ws)
        root = ws.root.absolute()
        self.root = root
        self._shown: dict[str, str] = {}
        self._locate = ws.locate if ws.locator is None else ws.locator.locate
        # A few people own tens of thousands of events, and thousands of events share a
        # due date: their words are worked out once each.
        self._people: dict[tuple[str | None, ...], _People] = {}
        self._timing: dict[date | None, tuple[str, date, bool]] = {}

    def source(self, record: BaseModel | None, path: tuple[str | int, ...] = ()) -> str | None:
        """`file:line` of the record, with the file relative to the workspace root."""
        if record is None:
            return None
        where = self._locate(record, path)
        shown = self._shown.get(where.file)
        if shown is None:  # once per file: path arithmetic for every event costs seconds
            try:
                shown = Path(where.file).absolute().relative_to(self.root).as_posix()
            except ValueError:
                shown = where.file
            self._shown[where.file] = shown
        return f"{shown}:{where.line}"

    def attendees(self, owners: Iterable[str]) -> tuple[Attendee, ...]:
        """People of `sra.yaml` with an email among `owners`, once each, in order."""
        found: dict[str, Attendee] = {}
        for owner in owners:
            person = self.facts.people.get(owner)
            if person is not None and person.email and person.email not in found:
                found[person.email] = Attendee(person.name or owner, person.email)
        return tuple(found.values())

    def event(
        self,
        kind: EventKind,
        record_id: str,
        title: str,
        action: str,
        due: date | None,
        record: BaseModel | None = None,
        path: tuple[str | int, ...] = (),
        owners: Iterable[str | None] = (),
    ) -> Event:
        """An event due on `due` (never done when None)."""
        key = tuple(owners)
        people = self._people.get(key)
        if people is None:
            named = tuple(dict.fromkeys(owner for owner in key if owner))
            people = self._people[key] = (named, self.attendees(named))
        timing = self._timing.get(due)
        if timing is None:
            timing = self._timing[due] = self._when(due)
        opening, day, overdue = timing
        return Event(
            kind,
            record_id,
            title,
            opening + action,
            due,
            day,
            overdue,
            self.source(record, path),
            *people,
        )

    def _when(self, due: date | None) -> tuple[str, date, bool]:
        """The action's opening words, the calendar day and whether overdue, for `due`."""
        today = self.today
        if due is None:
            return "Never done: ", today, True
        if due < today:
            return f"Was due {due.isoformat()} ({(today - due).days} days ago). ", today, True
        return f"Due {due.isoformat()}. ", due, False
