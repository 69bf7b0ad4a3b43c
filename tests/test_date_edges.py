"""Dates and numbers at the edges of the calendar, through the CLI a user runs.

Every date from 0001-01-01 to 9999-12-31 is a valid YAML date and `--today` accepts each of
them; intervals arrive as whatever a user typed. Lint, calendar, report and the OSCAL export
must answer for all of them, without a traceback and with a calendar of the same few events,
and an absurd interval must come back as a finding on its line.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.cli import cli

TODAY = "2026-11-22"
# However far apart `--today` and the dates are, the workspace's few records give a few
# events: a calendar that walked the years between them (one event per missed cycle) would
# be the hang a user notices, and shows here as thousands of events, not as a slow test.
MAX_EVENTS = 25  # the workspace gives 6 to 11

# Every date field and every interval field of the model, each a `{name}` placeholder.
FILES = {
    "sra.yaml": """\
organization:
  name: Edge Clinic
methodology:
  profile: {profile}
  review_intervals:
    register_days: {register_days}
    inventory_days: {inventory_days}
    evidence_days: {evidence_days}
    vendor_days: {vendor_days}
    review_days: {review_days}
people:
  - {{id: alice, name: Alice, email: alice@example.com, roles: [compliance-officer]}}
  - {{id: bob, name: Bob, email: bob@example.com, roles: [engineering-owner]}}
decisions:
  - spec: "164.312(a)(2)(iv)"
    decision: implemented
    rationale: Disks are encrypted.
    controls: [CTL-LOG]
    decided_by: alice
    date: {decision_date}
""",
    "inventory/assets.yaml": """\
- id: db
  name: Patient database
  category: database
  ephi: present
  owner: bob
  attributes:
    internet_facing: true
    last_vulnerability_scan: {scan}
    last_penetration_test: {pentest}
  last_reviewed: {asset_reviewed}
- id: audit-log
  name: Audit log
  category: audit-log
  ephi: present
  owner: bob
  last_reviewed: 2026-10-01
""",
    "vendors/vendors.yaml": """\
- id: cloud
  name: Example Cloud
  ephi_exposure: stores
  owner: alice
  baa: {{status: executed, executed: {baa_executed}, expires: {baa_expires}}}
  last_verified: {vendor_verified}
""",
    "controls/controls.yaml": """\
- id: CTL-LOG
  name: Audit log review
  safeguard: technical
  hipaa: ["164.312(b)"]
  assets: [audit-log, db]
  owner: bob
  cadence: {{reviewer: bob, every: {every}, runbook: runbooks/log-review.md}}
  evidence:
    - what: Weekly review record
      how_verified: review
      date: {evidence_date}
      location: evidence/log-review.pdf
      refresh_days: {refresh_days}
""",
    "register/risks.yaml": """\
- id: RR-1
  asset: db
  ephi_present: true
  threat: Stolen credentials
  vuln: Long-lived passwords
  likelihood: high
  impact: high
  inherent_risk: high
  current_controls: [CTL-LOG]
  residual_risk: moderate
  remediation:
    - {{control: Rotate passwords, owner: bob, due: {due}, status: planned}}
    - {{control: Short-lived tokens, owner: bob, due: 2027-01-31, status: in_progress}}
  last_reviewed: {risk_reviewed}
  waivers:
    - {{rule: SRA104, reason: Owner is the team, approved_by: alice, until: {waiver_until}}}
""",
    "signoffs/signoffs.yaml": """\
- role: compliance-officer
  name: Alice
  email: alice@example.com
  signed_at: {signed_at}T12:00:00+00:00
  digest: "sha256:{zeros}"
""",
}

VALID = {
    "register_days": "365",
    "inventory_days": "365",
    "evidence_days": "365",
    "vendor_days": "365",
    "review_days": "365",
    "decision_date": "2026-02-10",
    "scan": "2026-10-15",
    "pentest": "2026-06-01",
    "asset_reviewed": "2026-10-01",
    "baa_executed": "2024-01-15",
    "baa_expires": "2028-01-15",
    "vendor_verified": "2026-06-01",
    "every": "weekly",
    "evidence_date": "2026-11-16",
    "refresh_days": "31",
    "due": "2027-03-31",
    "risk_reviewed": "2026-10-01",
    "waiver_until": "2027-06-30",
    "signed_at": "2026-11-01",
    "zeros": "0" * 64,
    "profile": "current",
}
DATE_FIELDS = (
    "decision_date",
    "scan",
    "pentest",
    "asset_reviewed",
    "baa_executed",
    "baa_expires",
    "vendor_verified",
    "evidence_date",
    "due",
    "risk_reviewed",
    "waiver_until",
    "signed_at",
)
DAY_FIELDS = (
    "register_days",
    "inventory_days",
    "evidence_days",
    "vendor_days",
    "review_days",
    "refresh_days",
)


def write(root: Path, **values: str) -> Path:
    """The edge workspace at `root`, with `values` in place of the valid ones."""
    filled = {**VALID, **values}
    for rel, template in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**filled), encoding="utf-8")
    return root


@dataclass
class Outputs:
    """What each command printed or wrote."""

    lint: str
    calendar: str
    report: str


def invoke(*args: str) -> tuple[int, str]:
    """Run `sra ARGS` in-process; a traceback fails the test (catch_exceptions=False)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


def run_all(root: Path, today: str = TODAY, *, oscal: bool = True) -> Outputs:
    """lint, calendar, report (HTML) and both OSCAL exports, each as a user would run them."""
    ws, out = str(root), root.parent
    code, lint = invoke("lint", "-w", ws, "--today", today, "--no-cache")
    assert code in (0, 1), lint
    code, text = invoke(
        "calendar", "-w", ws, "--today", today, "--no-cache", "-o", str(out / "sra.ics")
    )
    assert code == 0, text
    calendar = (out / "sra.ics").read_bytes().decode()  # CRLF kept, as RFC 5545 writes it
    code, text = invoke(
        "report",
        "-w",
        ws,
        "--today",
        today,
        "--no-cache",
        "--no-history",
        "-o",
        str(out / "sra.html"),
    )
    assert code == 0, text
    report = (out / "sra.html").read_text(encoding="utf-8")
    if oscal:
        for kind in ("oscal-ar", "oscal-poam"):
            target = out / f"{kind}.json"
            code, text = invoke(
                "export", "-w", ws, "--today", today, "--format", kind, "--out", str(target)
            )
            assert code == 0, text
            json.loads(target.read_text(encoding="utf-8"))
    assert len(events(calendar)) <= MAX_EVENTS
    return Outputs(lint, calendar, report)


def line_of(root: Path, rel: str, needle: str) -> int:
    """The 1-based line of `rel` that holds `needle`."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


def events(calendar: str) -> list[str]:
    """The VEVENT blocks of an iCalendar file, unfolded."""
    unfolded = calendar.replace("\r\n ", "")
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.DOTALL)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "sra"


def test_the_edge_workspace_is_quiet_about_dates(root: Path) -> None:
    found = run_all(write(root))
    assert "SRA001" not in found.lint and "date-in-future" not in found.lint
    assert "BAA expires: Example Cloud" in found.calendar


def test_risk_reviewed_in_9999_is_a_finding_not_a_traceback(root: Path) -> None:
    found = run_all(write(root, risk_reviewed="9999-01-01"))
    line = line_of(root, "register/risks.yaml", "last_reviewed:")
    assert re.search(
        rf"register/risks.yaml:{line}:\d+: +SRA014 warning \[date-in-future\] "
        r"risk `RR-1`: `last_reviewed` is 9999-01-01",
        found.lint,
    )
    assert "stale-review" not in found.lint


def test_baa_that_never_expires_keeps_working(root: Path) -> None:
    found = run_all(write(root, baa_expires="9999-12-31"))
    assert "baa-expired" not in found.lint and "SRA207" not in found.lint
    # "Never" makes no calendar event, as an agreement without `expires` makes none.
    assert "BAA expires" not in found.calendar
    assert "9999-12-31" in found.report


def test_evidence_dated_9999_saturates_in_every_output(root: Path) -> None:
    found = run_all(write(root, evidence_date="9999-12-31"))
    assert "SRA014" in found.lint and "`evidence[0].date` is 9999-12-31" in found.lint
    document = json.loads((root.parent / "oscal-ar.json").read_text(encoding="utf-8"))
    observations = document["assessment-results"]["results"][0]["observations"]
    dated = [o for o in observations if o.get("collected", "").startswith("9999")]
    assert dated and dated[0]["expires"] == "9999-12-31T00:00:00Z"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("refresh_days", "3000000"),
        ("refresh_days", "1e30"),
        ("refresh_days", "1.0e+30"),
        ("refresh_days", "0"),
        ("register_days", "1e30"),
        ("evidence_days", "3000000"),
        ("review_days", ".inf"),
        ("vendor_days", "-5"),
    ],
)
def test_an_absurd_interval_is_invalid_value_on_its_line(
    root: Path, field: str, value: str
) -> None:
    found = run_all(write(root, **{field: value}))
    rel = "controls/controls.yaml" if field == "refresh_days" else "sra.yaml"
    line = line_of(root, rel, f"{field}:")
    pattern = rf"{re.escape(rel)}:{line}:\d+: +SRA001 error +\[invalid-value\] .*`.*{field}` is"
    assert re.search(pattern, found.lint), found.lint
    assert "whole number of days from 1 to 36,600 (100 years)" in found.lint


@pytest.mark.parametrize("every", ["3000000d", "0d", "200y", "1e30", "99999999999999999999w"])
def test_an_absurd_cadence_is_invalid_value_with_the_range(root: Path, every: str) -> None:
    found = run_all(write(root, every=every), oscal=False)
    line = line_of(root, "controls/controls.yaml", "every:")
    assert re.search(rf"controls/controls.yaml:{line}:\d+: +SRA001 error", found.lint)
    assert "an interval is 1 to 36,600 days (100 years)" in found.lint


def test_today_at_the_end_of_the_calendar(root: Path) -> None:
    found = run_all(write(root), today="9999-12-31")
    blocks = events(found.calendar)
    assert blocks and all("DTSTART;VALUE=DATE:99991231" in block for block in blocks)
    # The day after 9999-12-31 has no date: the event simply lasts that one day.
    assert not any("DTEND" in block for block in blocks)
    assert "SRA103" in found.lint  # every open remediation item is overdue


def test_today_at_the_start_of_the_calendar(root: Path) -> None:
    found = run_all(write(root), today="0001-01-01")
    assert "DTSTART;VALUE=DATE:00010101" in found.calendar
    assert "SRA014" in found.lint  # every review, scan and signature is in its future


@pytest.mark.parametrize(
    ("due", "axis", "edge"),
    [
        ("2212-01-01", "Nov 2026 to Nov 2029", "1 item due after Nov 2029"),
        ("9999-12-31", "Nov 2026 to Nov 2029", "1 item due after Nov 2029"),
        ("0001-01-01", "Nov 2023 to Jan 2027", "1 item due before Nov 2023"),
    ],
)
def test_a_far_due_date_sits_at_the_edge_of_the_plan(
    root: Path, due: str, axis: str, edge: str
) -> None:
    found = run_all(write(root, due=due))
    # The axis runs from today's month (or the window's edge) to the other item, due Jan 2027,
    # or to the window's edge, 36 months from today; the far item is a bar at that edge.
    assert f"Remediation items by due month, {axis}: 2 items, " in found.report
    assert f"Bars at the edges: {edge}" in found.report


def test_due_9999_is_open_ended_and_due_0001_is_overdue_today(root: Path) -> None:
    never = run_all(write(root, due="9999-12-31"))
    assert "Rotate passwords" not in never.calendar
    overdue = run_all(write(root, due="0001-01-01"))
    block = next(b for b in events(overdue.calendar) if "Rotate passwords" in b)
    assert "OVERDUE" in block and "DTSTART;VALUE=DATE:20261122" in block


# A day count as a user might type it: plain, negative, huge, float, special, or with a unit.
_NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.integers(min_value=0, max_value=40_000).map(str),
    st.sampled_from(["1e30", "1.0e+30", "2.5", ".inf", "-.inf", ".nan", "0x10", "true", "x"]),
)
_EVERY = st.one_of(
    _NUMBERS,
    st.sampled_from(["daily", "weekly", "quarterly", "annually"]),
    st.builds("{}{}".format, st.integers(min_value=0, max_value=10**12), st.sampled_from("dwmy")),
)
_DATES = st.dates().map(lambda day: day.isoformat())


@st.composite
def _edge_values(draw: st.DrawFn) -> dict[str, str]:
    values = {field: draw(_DATES) for field in DATE_FIELDS}
    values.update({field: draw(_NUMBERS) for field in DAY_FIELDS})
    values["every"] = draw(_EVERY)
    # The NPRM profile caps some intervals at its own cadences: another path through them.
    values["profile"] = draw(st.sampled_from(["current", "nprm-2025"]))
    return values


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    # Hypothesis runs many examples in one test call, so the folder is reused, not tmp_path.
    folder = Path(tempfile.mkdtemp(prefix="sra-dates-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(values=_edge_values(), today=_DATES)
def test_any_date_and_any_interval_lint_calendar_and_report(
    scratch: Path, values: dict[str, str], today: str
) -> None:
    root = scratch / "sra"
    shutil.rmtree(root, ignore_errors=True)
    found = run_all(write(root, **values), today, oscal=False)
    assert found.calendar.startswith("BEGIN:VCALENDAR") and "</html>" in found.report
