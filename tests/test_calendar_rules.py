"""Every time-based rule has its calendar event, and the event falls the day before it fires."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from hipaa_sra.analysis.questionnaire import usable_answers
from hipaa_sra.analysis.recurring import latest_training
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Workspace
from hipaa_sra.rules import Selection, lint
from hipaa_sra.rules.registry import RULES, find_rule
from hipaa_sra.schedule import EventKind, calendar_events
from hipaa_sra.schedule.events import KINDS_READ, RULE_EVENTS, UNDATED_RULES

BASE = Path(__file__).parent / "rules" / "base"
WAIVED = Path(__file__).parent / "fixtures" / "waivers"
TODAY = date(2026, 11, 22)

TIME_BASED = frozenset(
    {
        "SRA011",  # waiver-expired: `until` < today
        "SRA101",  # stale-review: last_reviewed + register_days
        "SRA103",  # remediation-overdue: due < today
        "SRA110",  # stale-evidence: evidence date + refresh_days or evidence_days
        "SRA205",  # stale-inventory: last_reviewed + inventory_days
        "SRA207",  # baa-expired: expires < today
        "SRA208",  # vendor-not-verified: last_verified + vendor_days
        "SRA304",  # vulnerability scan + the NPRM cadence
        "SRA305",  # penetration test + the NPRM cadence
        "SRA306",  # training-overdue: completed + interval_days or training_days
        "SRA403",  # assessment-answer-stale: answer date + answer_days
        "SRA503",  # review-overdue: newest sign-off + review_days
        "SRA506",  # policy-review-overdue: approved + review_days or policy_days
    }
)
"""The rules whose check compares a date with today (plus an interval), read off the rules.

A rule that declares an `interval` is time-based too, whether or not it is listed here."""

OLDER_TRAINING = """\
- id: tr-2025-alice
  person: alice
  course: Security awareness 2026
  completed: 2025-01-10
"""
ANSWERS = """\
- id: q.sanctions.1
  answer: "yes"
  evidence:
    - control: CTL-WORKFORCE
  answered_by: alice
  date: 2026-10-14
- id: q.sanctions.2
  answer: partial
  answered_by: bob
  date: 2026-06-01
- id: q.no-such-question
  answer: "yes"
  answered_by: bob
  date: 2020-01-01
"""


def test_every_time_based_rule_has_an_event_or_says_why_not() -> None:
    codes = {rule.code for rule in RULES}
    time_based = TIME_BASED | {rule.code for rule in RULES if rule.interval is not None}
    assert time_based <= codes  # a code listed here that the registry lost is a stale list
    missing = sorted(time_based - RULE_EVENTS.keys() - UNDATED_RULES.keys())
    assert not missing, f"time-based rules with no entry in schedule.events.RULE_EVENTS: {missing}"
    assert not RULE_EVENTS.keys() & UNDATED_RULES.keys()
    assert set(RULE_EVENTS) | set(UNDATED_RULES) <= time_based
    # Every kind of event backs a rule: none is a reminder lint knows nothing about.
    assert set(RULE_EVENTS.values()) == set(EventKind)


def test_the_calendar_reads_the_kinds_of_the_new_events() -> None:
    assert {"answers", "policies", "training"} <= KINDS_READ
    for code in ("SRA306", "SRA403", "SRA506"):
        assert find_rule(code) is not None and code in RULE_EVENTS


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The base workspace (two active policies, training of a person and of a role's group),
    with an older completion of a course that a later one supersedes, and two answers to the
    questionnaire (and one to a question that does not exist, which no rule judges)."""
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    training = root / "training" / "training.yaml"
    training.write_text(training.read_text() + OLDER_TRAINING)
    (root / "assessment").mkdir()
    (root / "assessment" / "answers.yaml").write_text(ANSWERS)
    return root


def _identity(ws: Workspace, code: str) -> dict[str, str]:
    """Event record id -> the object id of the rule's finding on the same record."""
    if code == "SRA306":
        return {f"{who}/{course}": r.label for (who, course), r in latest_training(ws).items()}
    if code == "SRA403":
        return {answer.label: answer.label for answer in usable_answers(ws).values()}
    return {policy.label: policy.label for policy in ws.policies}


def _flagged(ws: Workspace, day: date, code: str) -> set[str]:
    report = lint(ws, day, Selection(select=(code,)))
    return {f.object_id for f in report.findings if f.code == code and f.object_id}


@pytest.mark.parametrize("code", ["SRA306", "SRA403", "SRA506"])
@pytest.mark.parametrize("profile", ["current", "nprm-2025"])
def test_the_event_falls_on_the_last_day_the_rule_passes(ws: Path, code: str, profile: str) -> None:
    # 800 days is longer than the NPRM's yearly refresher: only nprm-2025 caps the training.
    manifest = ws / "sra.yaml"
    manifest.write_text(manifest.read_text() + f"methodology:\n  profile: {profile}\n")
    training = ws / "training" / "training.yaml"
    training.write_text(
        training.read_text().replace(
            "completed: 2026-04-01\n", "completed: 2026-04-01\n  interval_days: 800\n"
        )
    )
    loaded = load_workspace(ws, use_cache=False)
    kind = RULE_EVENTS[code]
    identity = _identity(loaded, code)
    events = [e for e in calendar_events(loaded, TODAY) if e.kind is kind]
    assert len(events) == 2 and {e.record_id for e in events} == set(identity)
    if code == "SRA306":
        dues = {e.record_id: e.due for e in events}
        assert dues["alice/Security awareness 2026"] == date(2027, 2, 10)  # the latest counts
        capped = date(2027, 4, 1) if profile == "nprm-2025" else date(2028, 6, 9)
        assert dues["engineering-owner/Secure engineering 2026"] == capped
    for event in events:
        assert event.due is not None and event.day == event.due and not event.overdue
        day, after = event.due, event.due + timedelta(days=1)
        assert identity[event.record_id] not in _flagged(loaded, day, code)
        assert identity[event.record_id] in _flagged(loaded, after, code)
        later = next(
            e
            for e in calendar_events(loaded, after)
            if (e.kind, e.record_id) == (kind, event.record_id)
        )
        assert later.overdue and later.day == after and later.due == day
        assert later.summary == f"OVERDUE: {event.title}"
        assert later.action.startswith(f"Was due {day.isoformat()} (1 days ago). ")


@pytest.mark.parametrize("today", ["2027-02-11", "2027-03-02", "2027-06-02", "2028-01-01"])
def test_overdue_policy_and_training_events_are_what_lint_flags(ws: Path, today: str) -> None:
    day = date.fromisoformat(today)
    loaded = load_workspace(ws, use_cache=False)
    for code in ("SRA306", "SRA403", "SRA506"):
        identity = _identity(loaded, code)
        overdue = {
            identity[e.record_id]
            for e in calendar_events(loaded, day)
            if e.kind is RULE_EVENTS[code] and e.overdue
        }
        assert overdue == _flagged(loaded, day, code)
        assert all(e.day == day for e in calendar_events(loaded, day) if e.overdue)


def test_owners_sources_and_what_is_not_scheduled(ws: Path) -> None:
    policies = ws / "policies" / "policies.yaml"
    policies.write_text(
        policies.read_text()
        + "- id: pol-draft\n  title: Draft\n  status: draft\n"
        + "- id: pol-unapproved\n  title: Unapproved\n  status: active\n  owner: bob\n"
    )
    loaded = load_workspace(ws, use_cache=False)
    events = {(e.kind, e.record_id): e for e in calendar_events(loaded, TODAY)}
    policy = events[EventKind.POLICY_REVIEW, "pol-physical-technical"]
    assert policy.title == "Policy review: Physical and technical safeguards standard"
    assert policy.owners == ("bob", "alice")  # the owner, then the approver
    assert [a.email for a in policy.attendees] == ["bob@example.test", "alice@example.test"]
    assert policy.source is not None and policy.source.startswith("policies/policies.yaml:")
    assert "every 365 days" in policy.action  # policy_days, the default: none is written
    assert not {"pol-draft", "pol-unapproved"} & {oid for _, oid in events}
    group = events[EventKind.TRAINING, "engineering-owner/Secure engineering 2026"]
    # A group named after a role is its holders: they are the ones to train again.
    assert group.owners == ("engineering-owner", "bob")
    assert [a.email for a in group.attendees] == ["bob@example.test"]
    person = events[EventKind.TRAINING, "alice/Security awareness 2026"]
    assert person.owners == ("alice",) and person.title.endswith("(alice)")
    assert person.source is not None and person.source.startswith("training/training.yaml:")
    assert "last completed 2026-02-10" in person.action
    answer = events[EventKind.ANSWER_REVIEW, "q.sanctions.2"]
    assert answer.due == date(2027, 6, 1) and answer.owners == ("bob",)
    assert answer.source is not None and answer.source.startswith("assessment/answers.yaml:")
    assert (EventKind.ANSWER_REVIEW, "q.no-such-question") not in events


def test_a_date_at_the_end_of_the_calendar_is_open_ended_for_lint_and_calendar(ws: Path) -> None:
    policies = ws / "policies" / "policies.yaml"
    policies.write_text(
        policies.read_text().replace("approved: 2026-03-01", "approved: 9999-06-01")
    )
    loaded = load_workspace(ws, use_cache=False)
    assert _flagged(loaded, TODAY, "SRA506") == set()  # no overflow: due stops at 9999-12-31
    kinds = {e.kind for e in calendar_events(loaded, TODAY)}
    assert EventKind.POLICY_REVIEW not in kinds


def test_a_waiver_expires_on_the_last_day_lint_honours_it(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(WAIVED, root)
    loaded = load_workspace(root, use_cache=False)
    events = {
        e.record_id: e for e in calendar_events(loaded, TODAY) if e.kind is EventKind.WAIVER_EXPIRY
    }
    # The flow's second waiver has no approver: no decision, so nothing expires (SRA010).
    assert {key: e.due for key, e in events.items()} == {
        "risk RR-1/stale-review": date(2026, 12, 15),
        "sra.yaml/sra503": date(2027, 1, 31),
        "flow F-wh-export/sra203": date(2027, 3, 31),
    }
    flow = events["flow F-wh-export/sra203"]
    assert flow.title == "Waiver expires: SRA203 on flow F-wh-export"
    assert flow.source == "flows/waived.yaml:12"  # the waiver's `until`
    assert flow.owners == ("bob",) and [a.email for a in flow.attendees] == ["bob@example.test"]
    objects = {"risk RR-1/stale-review": "RR-1", "sra.yaml/sra503": None}
    objects["flow F-wh-export/sra203"] = "F-wh-export"
    for key, event in events.items():
        assert event.due is not None and not event.overdue
        report = lint(loaded, event.due, Selection(select=("SRA011",)))
        assert objects[key] not in {f.object_id for f in report.findings}
        report = lint(loaded, event.due + timedelta(days=1), Selection(select=("SRA011",)))
        assert objects[key] in {f.object_id for f in report.findings}
