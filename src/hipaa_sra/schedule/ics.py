"""A `Schedule` as an RFC 5545 iCalendar file of all-day events, written as text.

UIDs hash the workspace identity, the event kind and the record id, and nothing else: not
the date, the position or the file, so an edited, reordered or reformatted workspace yields
the same UIDs and a calendar app updates its events on re-import instead of adding copies.
DTSTAMP is midnight UTC of `--today`, so the same inputs give byte-identical output.

The text is written directly rather than through icalendar's object model, which cost about
two thirds of `sra calendar` on a large register. It is the text icalendar writes for the
same events (property order, parameter quoting, TEXT escaping, folding), which the tests
check by rendering through icalendar and comparing, with two deliberate differences:
icalendar turns a literal backslash-N in a value into a line break, where this writer keeps
it as written (`\\\\N`); and it writes X-WR-CALNAME raw, where this writer escapes it as
the TEXT that RFC 5545 3.8.8.2 makes the default type of an X- property (a comma in an
organization name becomes `\\,`, and a line break in it no longer stops the calendar).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from ..dates import LAST_DAY, add_days
from .event import Attendee, Event, EventKind
from .events import Schedule

PRODID = "-//hipaa-sra//sra calendar//EN"
UID_DOMAIN = "hipaa-sra"
CATEGORY = "HIPAA SRA"
FOLD_OCTETS = 75
"""RFC 5545 3.1: content lines are folded so that no line is longer than this."""

_LABELS = {
    EventKind.PERIODIC_REVIEW: "Periodic review",
    EventKind.REGISTER_REFRESH: "Register refresh",
    EventKind.REMEDIATION: "Remediation",
    EventKind.EVIDENCE_REFRESH: "Evidence refresh",
    EventKind.BAA_EXPIRY: "BAA expiry",
    EventKind.VENDOR_VERIFICATION: "Vendor verification",
    EventKind.VULNERABILITY_SCAN: "Vulnerability scan",
    EventKind.PENETRATION_TEST: "Penetration test",
    EventKind.INVENTORY_REVIEW: "Inventory review",
    EventKind.POLICY_REVIEW: "Policy review",
    EventKind.TRAINING: "Training",
    EventKind.ANSWER_REVIEW: "Answer review",
    EventKind.WAIVER_EXPIRY: "Waiver expiry",
}


# RFC 5545 3.3.11: TEXT holds no control character but HTAB (line breaks are escaped as
# `\n`). A workspace value may hold any, e.g. a terminal escape sequence.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# RFC 6868 escapes in parameter values; a parameter value is quoted when it holds one of
# `,;:` (RFC 5545 3.2) or, as icalendar does, a typographic apostrophe.
_PARAM_SPECIAL = re.compile('[\\^\n"]')
_PARAM_ESCAPES = {"^": "^^", "\n": "^n", '"': "^'"}
_PARAM_QUOTED = re.compile("[,;:\u2019]")


def ics_text(text: str) -> str:
    """`text` as RFC 5545 TEXT allows it: control characters other than tab and newline removed."""
    return _CONTROL.sub("", text)


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    # Backslash first, so the escapes added after it are not escaped again.
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _param(value: str, quote_if: str = "") -> str:
    """A parameter value, RFC 6868-escaped and quoted when it must be (or holds `quote_if`)."""
    escaped = _PARAM_SPECIAL.sub(lambda m: _PARAM_ESCAPES[m.group()], value)
    if _PARAM_QUOTED.search(escaped) or any(c in value for c in quote_if):
        return f'"{escaped}"'
    return escaped


def fold(line: str) -> str:
    """A content line folded (RFC 5545 3.1): CRLF and a space before each 75th octet.

    Each physical line holds at most 74 octets of content, and a fold never falls right
    after a backslash or caret, so that no escape is split across lines (some clients
    unfold badly); both as icalendar folds.
    """
    limit = FOLD_OCTETS - 1
    if len(line) <= limit and (line.isascii() or len(line.encode()) <= limit):
        return line
    data = line.encode()
    parts: list[bytes] = []
    begin, end = 0, len(data)
    while end - begin > limit:
        cut = begin + limit
        while data[cut] & 0xC0 == 0x80:  # inside a UTF-8 sequence: fold before the character
            cut -= 1
        if data[cut - 1] in b"\\^" and cut - 1 > begin:
            cut -= 1
        parts.append(data[begin:cut])
        begin = cut
    parts.append(data[begin:])
    return b"\r\n ".join(parts).decode()


def event_uid(identity: str, kind: EventKind, record_id: str) -> str:
    """The stable UID of an event: a hash of workspace identity, kind and record id."""
    digest = hashlib.sha256(f"{identity}\0{kind.value}\0{record_id}".encode()).hexdigest()
    return f"{digest[:32]}@{UID_DOMAIN}"


def _address(name: str, person: Attendee, attendee: bool) -> str:
    """An ATTENDEE or ORGANIZER line (parameters in name order, as icalendar sorts them)."""
    params = "CN=" + _param(ics_text(person.name), quote_if=" '")
    if attendee:
        params += ";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT"
    # A CAL-ADDRESS is a URI: it has no escapes, and a line break cannot be written in it.
    email = ics_text(person.email).replace("\n", "")
    return f"{name};{params}:mailto:{email}"


def _description(event: Event) -> str:
    lines = [event.action]
    if event.source:
        lines.append(f"Record: {event.source}")
    if event.owners:
        lines.append(f"Owner: {', '.join(event.owners)}")
    lines.append("Generated by `sra calendar`; edit the workspace, not this event.")
    return ics_text("\n\n".join(lines))


def _date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


_CATEGORIES = {
    kind: f"CATEGORIES:{escape_text(CATEGORY)},{escape_text(label)}"
    for kind, label in _LABELS.items()
}


@dataclass
class _Lines:
    """What many events share, written once: the stamp, the organizer, attendees, days."""

    stamp: str
    organizer: str | None
    addresses: dict[Attendee, str] = field(default_factory=dict)
    days: dict[date, tuple[str, str | None]] = field(default_factory=dict)

    def attendee(self, person: Attendee) -> str:
        """The ATTENDEE line of a person (a few people own thousands of events)."""
        line = self.addresses.get(person)
        if line is None:
            line = self.addresses[person] = fold(_address("ATTENDEE", person, True))
        return line

    def day(self, day: date) -> tuple[str, str | None]:
        """The DTSTART line and the DTEND line (None on the last day there is)."""
        lines = self.days.get(day)
        if lines is None:
            # The day after 9999-12-31 has no date, and RFC 5545 3.6.1 makes an all-day
            # event without DTEND last that day.
            end = f"DTEND;VALUE=DATE:{_date(add_days(day, 1))}" if day < LAST_DAY else None
            lines = self.days[day] = (f"DTSTART;VALUE=DATE:{_date(day)}", end)
        return lines


def _vevent(schedule: Schedule, event: Event, shared: _Lines, out: list[str]) -> None:
    """Append the event's content lines, in icalendar's order: the canonical few, then A-Z."""
    start, end = shared.day(event.day)
    out.append("BEGIN:VEVENT")
    out.append(fold(f"SUMMARY:{escape_text(ics_text(event.summary))}"))
    out.append(start)
    if end is not None:
        out.append(end)
    out.append(shared.stamp)
    out.append(f"UID:{event_uid(schedule.identity, event.kind, event.record_id)}")
    # RFC 5545 3.8.4.3: an event with attendees is group-scheduled and names an organizer.
    out.extend(shared.attendee(person) for person in event.attendees)
    out.append(_CATEGORIES[event.kind])
    out.append(fold(f"DESCRIPTION:{escape_text(_description(event))}"))
    if event.attendees and shared.organizer is not None:
        out.append(shared.organizer)
    # Deadlines, not meetings: they must not block anyone's free/busy time.
    out.append("TRANSP:TRANSPARENT")
    out.append("END:VEVENT")


def render_ics(schedule: Schedule) -> bytes:
    """The schedule as an iCalendar file (CRLF line ends, lines folded at 75 octets)."""
    today = schedule.today
    stamp = f"DTSTAMP:{_date(today)}T000000Z"  # midnight UTC of --today
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        fold(f"X-WR-CALNAME:{escape_text(ics_text(schedule.name))}"),
    ]
    organizer = schedule.organizer
    shared = _Lines(stamp, fold(_address("ORGANIZER", organizer, False)) if organizer else None)
    # Each event's text is encoded as it is written: the lines of 86,000 events, their text
    # and its bytes are not all held at once (and the `…` of one clipped title would make
    # the whole text two bytes a character).
    chunks = ["\r\n".join(lines).encode()]
    for event in schedule.events:
        lines.clear()
        _vevent(schedule, event, shared, lines)
        chunks.append("\r\n".join(lines).encode())
    chunks.append(b"END:VCALENDAR\r\n")
    return b"\r\n".join(chunks)
