"""`sra calendar`: RFC 5545 output that parses back, with stable UIDs and the lint's dates."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from icalendar import Calendar

from hipaa_sra.loading import load_workspace
from hipaa_sra.rules import Selection, lint
from hipaa_sra.schedule import EventKind, calendar_events

BASE = Path(__file__).parent / "rules" / "base"
TODAY = "2026-11-22"
EXTRA_RISK = """\
- id: RR-8
  asset: api
  threat: Session fixation
  vuln: Session id not rotated at login
  likelihood: low
  impact: moderate
  current_controls: [CTL-ACCESS]
  remediation:
    - {control: Rotate the session id at login, owner: security-team, due: 2026-12-15,
       status: in_progress}
    - {control: Old cookie flags, owner: bob, due: 2026-01-01, status: done}
  last_reviewed: 2026-10-01
"""
SCANNED = (
    "Patient records primary",
    "Read replica",
    "Nightly snapshots",
    "Analytics warehouse",
    "Access audit log",
    "Patient portal API",
)
EVIDENCED = (
    "CTL-RISK-PROGRAM",
    "CTL-WORKFORCE",
    "CTL-PHYSICAL",
    "CTL-ACCESS",
    "CTL-BA",
    "CTL-DEID",
)
EXPECTED = {
    "OVERDUE: Periodic review and sign-off of the SRA": date(2026, 11, 22),
    "Remediation for RR-8: Rotate the session id at login": date(2026, 12, 15),
    "BAA expires: Example Cloud": date(2027, 1, 14),
    "Remediation for RR-6: Move to opaque patient references": date(2027, 2, 28),
    **{f"Vulnerability scan: {name}": date(2027, 4, 15) for name in SCANNED},
    "Penetration test: Patient portal API": date(2027, 5, 1),
    "Evidence refresh: current controls of RR-6": date(2027, 5, 1),
    "Training: Security awareness 2026 (alice)": date(2027, 2, 10),
    "Policy review: Information security program": date(2027, 3, 1),
    "Policy review: Physical and technical safeguards standard": date(2027, 3, 1),
    "Training: Secure engineering 2026 (engineering-owner)": date(2027, 4, 1),
    "Vendor verification: Example Cloud": date(2027, 6, 1),
    "Review of the technology asset inventory": date(2027, 9, 1),
    **{f"Evidence refresh: {control}": date(2027, 10, 1) for control in EVIDENCED},
    "Refresh of the risk register": date(2027, 10, 1),
    "Evidence refresh: CTL-LOG-REVIEW": date(2027, 11, 16),
}
"""Every event of the fixture workspace on 2026-11-22 and its day: one per rule-backed date."""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The clean base workspace, with a BAA expiry and a remediation owned by a team."""
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    vendors = root / "vendors" / "vendors.yaml"
    vendors.write_text(
        vendors.read_text().replace(
            "executed: 2024-01-15,", "executed: 2024-01-15, expires: 2027-01-14,"
        )
    )
    risks = root / "register" / "risks.yaml"
    risks.write_text(risks.read_text() + EXTRA_RISK)
    return root


def _calendar(sra: Any, *args: str, today: str = TODAY) -> tuple[bytes, Calendar]:
    out = Path.cwd() / "sra.ics"
    run = sra("calendar", "--workspace", "sra", "--today", today, "--out", str(out), *args)
    assert run.exit_code == 0, run.stderr
    data = out.read_bytes()
    return data, Calendar.from_ical(data)


def _events(calendar: Calendar) -> dict[str, Any]:
    """VEVENTs by summary (summaries are unique in these workspaces)."""
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert len(events) == len(calendar.walk("VEVENT"))
    return events


def _uids(calendar: Calendar) -> dict[str, str]:
    return {
        str(e["summary"]).removeprefix("OVERDUE: "): str(e["uid"]) for e in calendar.walk("VEVENT")
    }


def test_ics_round_trip(sra, ws) -> None:
    data, calendar = _calendar(sra)
    assert str(calendar["version"]) == "2.0" and "hipaa-sra" in str(calendar["prodid"])
    events = _events(calendar)
    assert {summary: e.decoded("dtstart") for summary, e in events.items()} == EXPECTED
    stamp = datetime(2026, 11, 22, tzinfo=UTC)
    for event in events.values():
        start = event.decoded("dtstart")
        assert type(start) is date  # all-day: VALUE=DATE, not a date-time
        assert (event.decoded("dtend") - start).days == 1
        assert event.decoded("dtstamp") == stamp
        assert str(event["uid"]).endswith("@hipaa-sra")
        assert "HIPAA SRA" in [str(c) for c in event["categories"].cats]
    uids = [str(e["uid"]) for e in events.values()]
    assert len(set(uids)) == len(uids)
    # RFC 5545 3.1: CRLF line ends, content lines folded at 75 octets.
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_owners_are_attendees_and_descriptions_say_where_and_what(sra, ws) -> None:
    events = _events(_calendar(sra)[1])
    rr6 = events["Remediation for RR-6: Move to opaque patient references"]
    assert str(rr6["attendee"]) == "mailto:bob@example.test"
    assert rr6["attendee"].params["CN"] == "Bob Okafor"
    assert str(rr6["organizer"]) == "mailto:alice@example.test"
    description = str(rr6["description"])
    assert "Due 2027-02-28." in description and "register/risks.yaml:" in description
    assert "set `status: done`" in description and "Owner: bob" in description
    # A team is not a person in sra.yaml: no attendee, but named in the text.
    rr8 = events["Remediation for RR-8: Rotate the session id at login"]
    assert "attendee" not in rr8 and "Owner: security-team" in str(rr8["description"])
    review = events["OVERDUE: Periodic review and sign-off of the SRA"]
    assert sorted(str(a) for a in review["attendee"]) == [
        "mailto:alice@example.test",
        "mailto:bob@example.test",
    ]
    assert str(review["description"]).startswith("Never done:")
    assert "Old cookie flags" not in "".join(events)  # done items are not scheduled


def test_uids_are_stable_across_runs_reformatting_and_date_changes(sra, ws) -> None:
    first, calendar = _calendar(sra)
    again, _ = _calendar(sra)
    assert first == again  # byte for byte: DTSTAMP comes from --today
    before = _uids(calendar)
    for path in ws.rglob("*.yaml"):
        records = yaml.safe_load(path.read_text())
        if isinstance(records, list):
            records.reverse()  # reordered, block style, keys sorted, comments gone
        path.write_text(yaml.safe_dump(records, default_flow_style=False, sort_keys=True))
    _, reformatted = _calendar(sra)
    assert _uids(reformatted) == before
    risks = ws / "register" / "risks.yaml"
    risks.write_text(risks.read_text().replace("2027-02-28", "2027-03-31"))
    _, moved = _calendar(sra)
    assert _uids(moved) == before
    rr6 = _events(moved)["Remediation for RR-6: Move to opaque patient references"]
    assert rr6.decoded("dtstart") == date(2027, 3, 31)


def test_overdue_items_are_dated_today_and_marked(sra, ws) -> None:
    _, calendar = _calendar(sra, today="2027-03-15")
    events = _events(calendar)
    overdue = events["OVERDUE: Remediation for RR-6: Move to opaque patient references"]
    assert overdue.decoded("dtstart") == date(2027, 3, 15)
    assert "Was due 2027-02-28 (15 days ago)" in str(overdue["description"])
    assert events["OVERDUE: BAA expires: Example Cloud"].decoded("dtstart") == date(2027, 3, 15)
    assert events["Vulnerability scan: Read replica"].decoded("dtstart") == date(2027, 4, 15)


@pytest.mark.parametrize("today", ["2027-01-20", "2027-06-02", "2027-11-20"])
def test_overdue_events_are_exactly_what_lint_flags(ws, today) -> None:
    day = date.fromisoformat(today)
    loaded = load_workspace(ws, use_cache=False)
    rules = {
        "SRA103": EventKind.REMEDIATION,
        "SRA207": EventKind.BAA_EXPIRY,
        "SRA208": EventKind.VENDOR_VERIFICATION,
        "SRA304": EventKind.VULNERABILITY_SCAN,
        "SRA305": EventKind.PENETRATION_TEST,
        "SRA205": EventKind.INVENTORY_REVIEW,
        "SRA101": EventKind.REGISTER_REFRESH,
    }
    report = lint(loaded, day, Selection(select=tuple(rules)))
    flagged = {(rules[f.code], f.object_id) for f in report.findings}
    assert flagged
    events = calendar_events(loaded, day)
    overdue = {(e.kind, e.record_id) for e in events if e.overdue and e.kind in rules.values()}
    # Singletons (register, inventory) are one event for the rows or assets lint names.
    collapsed = {
        (kind, oid.split("/")[0]) if kind is EventKind.REMEDIATION else (kind, oid)
        for kind, oid in overdue
    }
    expected = {
        (
            kind,
            {EventKind.REGISTER_REFRESH: "register", EventKind.INVENTORY_REVIEW: "inventory"}.get(
                kind, oid
            ),
        )
        for kind, oid in flagged
    }
    assert collapsed == expected


def test_stdout_and_refusing_to_overwrite_the_workspace(sra, ws) -> None:
    run = sra("calendar", "--workspace", "sra", "--today", TODAY)
    assert run.exit_code == 0 and run.stdout.startswith("BEGIN:VCALENDAR")
    assert run.stdout.rstrip().endswith("END:VCALENDAR")
    before = (ws / "sra.yaml").read_bytes()
    run = sra("calendar", "--workspace", "sra", "--today", TODAY, "--out", "sra/sra.yaml")
    assert run.exit_code == 2 and "inside the workspace" in run.stderr
    assert (ws / "sra.yaml").read_bytes() == before


def test_a_workspace_without_dates_schedules_everything_today(sra, workspace) -> None:
    workspace(
        {
            "inventory/a.yaml": "- {id: db, name: DB, category: database, ephi: present}\n",
            "register/r.yaml": "- {id: R1, asset: db, threat: t, vuln: v, likelihood: low, "
            "impact: low, current_controls: [we have backups]}\n",
        }
    )
    _, calendar = _calendar(sra)
    days = {e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert days == {date(2026, 11, 22)} and all(s.startswith("OVERDUE: ") for s in summaries)
    assert "attendee" not in "".join(str(e.get("attendee", "")) for e in calendar.walk("VEVENT"))


def test_control_characters_in_values_never_reach_the_calendar(sra, ws) -> None:
    # RFC 5545 TEXT allows no control character but tab; a terminal escape in a value must go.
    risks = ws / "register" / "risks.yaml"
    risks.write_text(
        risks.read_text().replace(
            "control: Rotate the session id at login",
            'control: "Rotate\\e]0;pwned\\a the session id\\e[2J at login"',
        )
    )
    data, calendar = _calendar(sra)
    assert not any(byte < 0x20 and byte not in b"\t\r\n" for byte in data)
    assert b"\x1b" not in data and b"\x07" not in data
    summaries = set(_events(calendar))
    assert "Remediation for RR-8: Rotate]0;pwned the session id[2J at login" in summaries


@pytest.mark.parametrize("profile", ["current", "nprm-2025"])
def test_calendar_and_lint_agree_on_intervals_the_nprm_profile_caps(ws, profile) -> None:
    # 800 days is longer than the NPRM's yearly cadence: only nprm-2025 caps it.
    manifest = ws / "sra.yaml"
    manifest.write_text(
        manifest.read_text()
        + (
            f"methodology:\n  profile: {profile}\n  review_intervals:\n"
            "    inventory_days: 800\n    vendor_days: 800\n"
        )
    )
    day = date(2027, 11, 20)
    loaded = load_workspace(ws, use_cache=False)
    rules = {"SRA205": EventKind.INVENTORY_REVIEW, "SRA208": EventKind.VENDOR_VERIFICATION}
    report = lint(loaded, day, Selection(select=tuple(rules)))
    flagged = {rules[f.code] for f in report.findings}
    events = [e for e in calendar_events(loaded, day) if e.kind in rules.values()]
    assert {e.kind for e in events if e.overdue} == flagged
    capped = profile == "nprm-2025"
    assert flagged == (set(rules.values()) if capped else set())
    inventory = next(e for e in events if e.kind is EventKind.INVENTORY_REVIEW)
    assert inventory.due == (date(2027, 9, 1) if capped else date(2028, 11, 9))
