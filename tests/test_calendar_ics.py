"""The calendar's hand-written RFC 5545 text is what icalendar would write, and parses back.

`icalendar_render` is the renderer `sra calendar` used before it wrote the text itself; it
stays here as the reference. Every comparison is made both ways: the bytes are equal, and the
file parsed back by icalendar has the same events with equal properties.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from hipaa_sra.dates import LAST_DAY, add_days
from hipaa_sra.loading import load_workspace
from hipaa_sra.schedule import Attendee, Event, EventKind, Schedule, build_schedule, render_ics
from hipaa_sra.schedule.ics import (
    _LABELS,
    CATEGORY,
    PRODID,
    _description,
    escape_text,
    event_uid,
    ics_text,
)

BASE = Path(__file__).parent / "rules" / "base"
EXAMPLE = Path(__file__).parent.parent / "src" / "hipaa_sra" / "examples"


def _address(person: Attendee, role: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{ics_text(person.email)}")
    address.params["cn"] = vText(ics_text(person.name))
    if role is not None:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
    return address


def icalendar_render(schedule: Schedule) -> bytes:
    """The schedule through icalendar's object model: the reference the writer must match."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar writes an X- property raw; RFC 5545 3.8.8.2 makes its default type TEXT, so
    # the writer escapes it (a comma in an organization name, a line break that icalendar
    # refused), and the reference is given the escaped value to write as it is.
    calendar.add("x-wr-calname", escape_text(ics_text(schedule.name)))
    stamp = datetime.combine(schedule.today, time(0), tzinfo=UTC)
    for event in schedule.events:
        vevent = VEvent()
        vevent.add("uid", event_uid(schedule.identity, event.kind, event.record_id))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.day)
        if event.day < LAST_DAY:
            vevent.add("dtend", add_days(event.day, 1))
        vevent.add("summary", ics_text(event.summary))
        vevent.add("description", _description(event))
        vevent.add("categories", [CATEGORY, _LABELS[event.kind]])
        vevent.add("transp", "TRANSPARENT")
        if event.attendees:
            if schedule.organizer is not None:
                vevent.add("organizer", _address(schedule.organizer, None))
            for person in event.attendees:
                vevent.add("attendee", _address(person, "REQ-PARTICIPANT"))
        calendar.add_component(vevent)
    data: bytes = calendar.to_ical()
    return data


def _properties(data: bytes) -> list[list[tuple[str, str, tuple[tuple[str, str], ...]]]]:
    """Each event's properties as parsed back: (name, value as text, parameters)."""
    events = []
    for component in Calendar.from_ical(data).walk("VEVENT"):
        props = []
        for name, value in component.property_items(recursive=False):
            params = tuple(sorted((k, str(v)) for k, v in getattr(value, "params", {}).items()))
            text = value.decode() if isinstance(value, bytes) else str(value.to_ical())
            props.append((name, text, params))
        events.append(props)
    return events


def _assert_same(schedule: Schedule) -> None:
    ours, reference = render_ics(schedule), icalendar_render(schedule)
    assert ours == reference
    assert _properties(ours) == _properties(reference)
    assert len(_properties(ours)) == len(schedule.events)


def test_a_real_workspace_is_written_byte_for_byte_as_icalendar_writes_it(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    schedule = build_schedule(load_workspace(root, use_cache=False), date(2026, 11, 22))
    assert len(schedule.events) > 10
    _assert_same(schedule)


def test_the_bundled_example_is_written_as_icalendar_writes_it() -> None:
    examples = [p.parent for p in EXAMPLE.rglob("sra.yaml")]
    assert examples
    for root in examples:
        schedule = build_schedule(load_workspace(root, use_cache=False), date(2026, 11, 22))
        _assert_same(schedule)


# Text that exercises every escape and fold: TEXT specials, RFC 6868 parameter specials, the
# quoting triggers of a CN, multi-byte characters that must not be split, control characters.
_ALPHABET = st.sampled_from(list("ab ,;:\\^\"'\n\t\u2019é€😀\x07\x1bZ9.-_@"))
_TEXT = st.text(_ALPHABET, max_size=200)


def _clean(text: str) -> str:
    # icalendar turns a literal backslash-N into a line break; the writer keeps the text as
    # written, which is the one place the two may differ.
    return text.replace("\\N", "\\ N")


@settings(max_examples=300)
@given(
    summary=_TEXT,
    action=_TEXT,
    name=_TEXT,
    email=_TEXT,
    owner=_TEXT,
    calname=_TEXT,
    day=st.dates(min_value=date(1, 1, 1), max_value=LAST_DAY),
)
def test_any_text_is_escaped_and_folded_as_icalendar_does(
    summary: str, action: str, name: str, email: str, owner: str, calname: str, day: date
) -> None:
    email = _clean(email).replace("\n", "")  # icalendar cannot write a line break in a URI
    person = Attendee(_clean(name), email)
    event = Event(
        EventKind.REMEDIATION,
        "RR-1/x",
        _clean(summary),
        _clean(action),
        day,
        day,
        False,
        "register/a.yaml:3",
        (_clean(owner),),
        (person,),
    )
    bare = Event(EventKind.BAA_EXPIRY, "vendor.x", "BAA", "Renew", None, day, True)
    schedule = Schedule("org", _clean(calname), day, (event, bare), person)
    _assert_same(schedule)


def test_lines_are_folded_within_75_octets_without_splitting_a_character() -> None:
    text = "é" * 40 + "\\;" * 40 + "😀" * 30 + "a" * 73 + ","
    event = Event(EventKind.REMEDIATION, "r", text, text, date(2027, 1, 1), date(2027, 1, 1), False)
    data = render_ics(Schedule("org", "Cal", date(2026, 1, 1), (event,)))
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode()  # a fold never falls inside a UTF-8 sequence
    parsed = Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(parsed["summary"]) == text


def test_a_line_break_in_an_email_does_not_break_the_file() -> None:
    person = Attendee("Eve", "eve@example.test\nX-INJECTED:1")
    event = Event(
        EventKind.REMEDIATION,
        "r",
        "Fix",
        "Fix it",
        date(2027, 1, 1),
        date(2027, 1, 1),
        False,
        None,
        ("eve",),
        (person,),
    )
    data = render_ics(Schedule("org", "Cal", date(2026, 1, 1), (event,), person))
    parsed = Calendar.from_ical(data).walk("VEVENT")[0]
    assert "X-INJECTED" not in parsed
    assert str(parsed["attendee"]) == "mailto:eve@example.testX-INJECTED:1"
