"""`sra calendar` loads the models of the kinds it reads, and refuses what a full load refuses.

Flows are parsed but not validated: the calendar's bytes must
be those of a schedule built on the full load, and a broken file of any kind must stop it
with the full load's error.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import hipaa_sra.loading.load as load_module
from hipaa_sra.errors import LoadError
from hipaa_sra.loading import load_workspace
from hipaa_sra.loading.load import load_records
from hipaa_sra.schedule import build_schedule, render_ics
from hipaa_sra.schedule.cached import calendar_file
from hipaa_sra.schedule.events import KINDS_READ

TESTS = Path(__file__).parent
WORKSPACES = {
    "base": TESTS / "rules" / "base",
    "partial": TESTS / "fixtures" / "partial",
    "telehealth": TESTS.parent / "src" / "hipaa_sra" / "examples" / "telehealth",
    "waivers": TESTS / "fixtures" / "waivers",
}
DAYS = ("2026-11-22", "2025-01-01", "2031-06-30")


def _full(root: Path, today: date) -> bytes:
    return render_ics(build_schedule(load_workspace(root, use_cache=False), today))


@pytest.mark.parametrize("name", sorted(WORKSPACES))
@pytest.mark.parametrize("day", DAYS)
def test_the_calendar_is_that_of_the_full_load(name: str, day: str, tmp_path: Path) -> None:
    root = tmp_path / name
    shutil.copytree(WORKSPACES[name], root)
    today = date.fromisoformat(day)
    full = _full(root, today)
    assert calendar_file(root, today, use_cache=False) == full
    assert calendar_file(root, today) == full  # cold, with the cache written
    (cached,) = (root / ".sra_cache").rglob("*.calendar")
    cached.unlink()
    assert calendar_file(root, today) == full  # the parses and summaries of the first run


def test_only_the_kinds_read_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "partial"
    shutil.copytree(WORKSPACES["partial"], root)
    full = load_workspace(root, use_cache=False)
    some = load_records(root, KINDS_READ, use_cache=False)
    assert not some.flows
    assert full.flows and full.policies and full.training and full.answers
    for kind in KINDS_READ:
        assert getattr(some, kind) == getattr(full, kind), kind
    assert some.manifest == full.manifest and some.files == full.files
    assert some.findings == ()
    # Partial records (an invalid field left out) are placed as the full load places them.
    for risk_some, risk_full in zip(some.risks, full.risks, strict=True):
        for path in ((), ("remediation", 0), ("current_controls",)):
            assert some.locate(risk_some, path) == full.locate(risk_full, path)


BROKEN = {
    "invalid YAML": "- id: F-1\n  from: [api\n",
    "a mapping": "id: F-1\nfrom: api\n",
    "a scalar": "just some words\n",
    "a duplicate key": "- id: F-1\n  id: F-2\n",
}


@pytest.mark.parametrize("kind_file", ["flows/flows.yaml"])
@pytest.mark.parametrize("breakage", sorted(BROKEN))
def test_a_broken_file_of_a_kind_not_read_is_refused_as_before(
    kind_file: str, breakage: str, sra, tmp_path: Path
) -> None:
    root = tmp_path / "sra"
    shutil.copytree(WORKSPACES["base"], root)
    assert sra("calendar", "--workspace", str(root)).exit_code == 0  # its parses are cached
    (root / kind_file).write_text(BROKEN[breakage])
    with pytest.raises(LoadError) as full:
        load_workspace(root, use_cache=False)
    for use_cache in (False, True):
        with pytest.raises(LoadError) as some:
            load_records(root, KINDS_READ, use_cache=use_cache)
        assert str(some.value) == str(full.value)
    run = sra("calendar", "--workspace", str(root), "--today", "2026-11-22")
    assert run.exit_code == 2 and run.stdout == ""
    assert str(full.value) in run.stderr


def test_every_broken_file_is_named_in_one_run_as_before(sra, tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(WORKSPACES["base"], root)
    (root / "flows" / "flows.yaml").write_text(BROKEN["invalid YAML"])
    (root / "register" / "risks.yaml").write_text(BROKEN["a mapping"])
    (root / "training" / "training.yaml").write_text(BROKEN["a scalar"])
    with pytest.raises(LoadError) as full:
        load_workspace(root, use_cache=False)
    with pytest.raises(LoadError) as some:
        load_records(root, KINDS_READ, use_cache=False)
    assert str(some.value) == str(full.value) and len(full.value.others) == 2
    run = sra("calendar", "--workspace", str(root))
    assert run.exit_code == 2 and str(full.value) in run.stderr


def test_a_file_not_read_whose_summary_is_stored_is_not_parsed(
    sra, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "sra"
    shutil.copytree(WORKSPACES["base"], root)
    assert sra("validate", "--workspace", str(root)).exit_code in (0, 1)  # stores summaries
    for parse in (root / ".sra_cache").rglob("*.data"):
        parse.unlink()  # a file not read would have to be parsed again, but for its summary
    parsed: list[str] = []
    real = load_module.parse_yaml

    def spy(data: bytes, path: str) -> object:
        parsed.append(path)
        return real(data, path)

    monkeypatch.setattr(load_module, "parse_yaml", spy)
    load_records(root, KINDS_READ, waivers=True)  # as the calendar loads
    assert parsed and not [path for path in parsed if "flows" in path]


WAIVED_FLOW = """\
- id: F-wh-export
  from: warehouse
  to: backups
  ephi: true
  {key}:
    - rule: SRA203
      reason: Retired with the warehouse migration.
      approved_by: bob
      until: 2027-03-31
"""


@pytest.mark.parametrize("key", ["waivers", '"waiv\\u0065rs"'])
def test_a_file_not_read_is_kept_where_a_record_holds_a_waiver(key: str, tmp_path: Path) -> None:
    # Waivers sit in records of every kind: a calendar that skipped the flows would miss
    # when a flow's waiver expires. Only the flows files that hold one are validated.
    root = tmp_path / "sra"
    shutil.copytree(WORKSPACES["base"], root)
    (root / "flows" / "waived.yaml").write_text(WAIVED_FLOW.format(key=key))
    for use_cache in (False, True, True):
        some = load_records(root, KINDS_READ, waivers=True, use_cache=use_cache)
        assert [flow.id for flow in some.flows] == ["F-wh-export"]
        assert some.flows[0].waivers[0].until == date(2027, 3, 31)
    assert not load_records(root, KINDS_READ).flows
    today = date(2026, 11, 22)
    assert calendar_file(root, today, use_cache=False) == _full(root, today)
    assert b"Waiver expires: SRA203 on flow F-wh-export" in _full(root, today)
