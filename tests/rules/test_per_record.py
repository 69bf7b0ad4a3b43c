"""Per-record rules and `sra lint`'s per-file cache: reused findings equal a cold lint's.

A rule that declares `record_inputs` promises that its findings on a record depend only on
that record, sra.yaml, the date and the kinds it names. The per-file cache relies on it, so
the promise is held two ways: on every rule fixture, the rule run on each file's records
alone finds what it finds on the whole workspace; and no such rule (nor the facts it asks)
reads a kind it did not name. Then the cache itself: after each kind of change, a cached
lint prints what a lint without the cache prints.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.analysis.facts import Facts
from hipaa_sra.loading import CACHE_DIR, load_workspace
from hipaa_sra.loading.cache import Cache
from hipaa_sra.loading.pack import Pack
from hipaa_sra.model import Workspace
from hipaa_sra.rules.engine import context, record_findings
from hipaa_sra.rules.registry import RULES

from .test_rules import BASE, build, fixture

PER_RECORD = [rule for rule in RULES if rule.record_inputs is not None]
KINDS = (
    "assets",
    "flows",
    "vendors",
    "controls",
    "risks",
    "signoffs",
    "answers",
    "policies",
    "training",
)
INDEXES = {
    "asset_by_id": "assets",
    "flow_by_id": "flows",
    "vendor_by_id": "vendors",
    "control_by_id": "controls",
    "risk_by_id": "risks",
    "answer_by_id": "answers",
    "policy_by_id": "policies",
}
TODAY = "2026-11-22"


def _part(ws: Workspace, file: str) -> Workspace:
    return replace(
        ws, **{kind: tuple(r for r in getattr(ws, kind) if ws.file_of(r) == file) for kind in KINDS}
    )


def _order(f: Any) -> tuple[Any, ...]:
    where = f.location
    return (f.code, where.file, where.line, where.column, f.message, f.object_id or "")


def _variants() -> list[tuple[str, str]]:
    return [(rule.name, variant) for rule in RULES for variant in ("fail", "pass")]


def test_the_register_and_evidence_rules_are_per_record() -> None:
    # The rules behind most findings on a large register: if one stops being per-record,
    # a lint after a one-file change costs a full run again.
    codes = {rule.code for rule in PER_RECORD}
    assert {"SRA101", "SRA103", "SRA109", "SRA110"} <= codes


@pytest.mark.parametrize(("name", "variant"), _variants(), ids=lambda v: str(v))
def test_per_record_rules_find_on_each_file_what_they_find_on_the_whole(
    name: str, variant: str, tmp_path: Path
) -> None:
    root, today = build(tmp_path, fixture(name)[variant])
    ws = load_workspace(root, use_cache=False)
    ctx = context(ws, today)
    whole = record_findings(ws, ws, ctx, PER_RECORD)
    by_file = [
        f for file in ws.files for f in record_findings(ws, _part(ws, file), ctx, PER_RECORD)
    ]
    assert sorted(by_file, key=_order) == sorted(whole, key=_order)
    assert all(f.location.file in ws.files and f.location.file != ws.files[0] for f in whole)


class _Watched:
    """A workspace that notes which of its kinds (records or indexes) are read."""

    def __init__(self, ws: Workspace, seen: set[str], records_too: bool) -> None:
        self._ws, self._seen, self._records_too = ws, seen, records_too

    def __getattr__(self, name: str) -> Any:
        if name in INDEXES:
            self._seen.add(INDEXES[name])
        elif name in KINDS and self._records_too:
            self._seen.add(name)
        return getattr(self._ws, name)


@pytest.mark.parametrize("rule", PER_RECORD, ids=lambda r: r.code)
def test_per_record_rules_read_no_kind_they_do_not_name(rule, tmp_path: Path) -> None:
    root, today = build(tmp_path, fixture(rule.name)["fail"])
    ws = load_workspace(root, use_cache=False)
    seen: set[str] = set()
    # The facts answer about the whole workspace: every kind they read is an input. The
    # checks iterate the records they judge, so only the indexes count there.
    facts = Facts(_Watched(ws, seen, records_too=True))  # type: ignore[arg-type]
    ctx = context(ws, today, facts)
    hits = list(rule.check(_Watched(ws, seen, records_too=False), ctx))  # type: ignore[arg-type]
    assert hits, "the fail fixture must exercise the rule"
    assert seen <= rule.record_inputs


# --------------------------------------------------------------------------- the cache

EXTRA = """\
- id: RR-20
  asset: pg-primary
  threat: Stolen laptop
  vuln: Disk not encrypted
  likelihood: low
  impact: low
  current_controls: [CTL-ACCESS, "Disk encryption checked"]
  remediation:
    - {control: Encrypt disks, owner: bob, due: 2026-10-01, status: planned}
  last_reviewed: 2025-01-01
"""


def _lint(sra: Any, root: Path, *args: str) -> dict[str, Any]:
    run = sra("lint", "--workspace", str(root), "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def _entries(root: Path) -> frozenset[bytes]:
    """The per-record findings stored per file: in the pack, or on their own after an edit."""
    alone = {p.name.encode() for p in (root / CACHE_DIR).rglob("*.lint-file")}
    return Pack(Cache(root), "lint-file").held() | alone


def _assert_as_cold(sra: Any, root: Path, today: str = TODAY) -> dict[str, Any]:
    cached = _lint(sra, root, "--today", today)
    cold = _lint(sra, root, "--today", today, "--no-cache")
    assert cached == cold
    return cached


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    (root / "register" / "extra.yaml").write_text(EXTRA)
    return root


def test_one_changed_file_is_linted_again_and_the_rest_reused(sra, ws: Path) -> None:
    _assert_as_cold(sra, ws)
    before = _entries(ws)
    assert len(before) == len(list(ws.glob("*/*.yaml")))  # one per kind file
    risks = ws / "register" / "risks.yaml"
    risks.write_text(
        risks.read_text().replace("last_reviewed: 2026-10-01", "last_reviewed: 2024-10-01", 1)
    )
    second = _assert_as_cold(sra, ws)
    assert len(_entries(ws) - before) == 1  # only the edited file was linted again
    stale = [f for f in second["findings"] if f["rule"] == "SRA101"]
    assert sorted(f["object"] for f in stale) == ["RR-1", "RR-20"]


def test_every_kind_of_change_lints_as_a_cold_run_would(sra, ws: Path) -> None:
    _assert_as_cold(sra, ws)
    extra = ws / "register" / "extra.yaml"
    # A record added.
    extra.write_text(EXTRA + EXTRA.replace("RR-20", "RR-21").replace("Stolen laptop", "Theft"))
    assert "RR-21" in {f["object"] for f in _assert_as_cold(sra, ws)["findings"]}
    # An id others reference renamed: the risks in the unchanged file now name no control.
    controls = ws / "controls" / "controls.yaml"
    original = controls.read_text()
    controls.write_text(original.replace("id: CTL-ACCESS\n", "id: CTL-ACCESS-2\n"))
    renamed = _assert_as_cold(sra, ws)
    assert any(
        f["rule"] == "SRA109" and f["file"].endswith("register/risks.yaml")
        for f in renamed["findings"]
    )
    controls.write_text(original)
    # sra.yaml changed: a stricter register interval.
    manifest = ws / "sra.yaml"
    manifest.write_text(
        manifest.read_text() + "methodology:\n  review_intervals:\n    register_days: 30\n"
    )
    strict = _assert_as_cold(sra, ws)
    assert len([f for f in strict["findings"] if f["rule"] == "SRA101"]) > 2
    # Another day, and a file deleted.
    _assert_as_cold(sra, ws, "2027-06-01")
    extra.unlink()
    gone = _assert_as_cold(sra, ws)
    assert not any(f["file"].endswith("extra.yaml") for f in gone["findings"])


NEW_ASSET = """\
- id: new-store
  name: New document store
  category: database
  ephi: present
  environment: production
  owner: bob
  attributes: {encryption_at_rest: true, mfa: true, last_vulnerability_scan: 2026-10-15}
  last_reviewed: 2026-09-01
"""
BACKUPS = """\
- id: backups
  name: Nightly snapshots
  category: snapshot-backup
  ephi: present
  environment: production
  owner: bob
  attributes: {encryption_at_rest: true, last_vulnerability_scan: 2026-10-15}
  last_reviewed: 2026-09-01
"""


def _about(report: dict[str, Any], file: str, object_id: str) -> set[str]:
    """The rules with a finding on `object_id` in `file` (a path ending)."""
    return {
        f["name"]
        for f in report["findings"]
        if f["file"].endswith(file) and f["object"] == object_id
    }


def test_a_change_in_one_file_is_reported_in_the_unchanged_files_it_affects(sra, ws: Path) -> None:
    assets, extra = ws / "inventory" / "assets.yaml", ws / "register" / "extra.yaml"
    before = _assert_as_cold(sra, ws)
    assert not _about(before, "register/risks.yaml", "RR-3")
    # The asset a risk of another file names is deleted: that risk's reference dangles.
    assert BACKUPS in assets.read_text()
    assets.write_text(assets.read_text().replace(BACKUPS, ""))
    dangling = _assert_as_cold(sra, ws)
    assert "unknown-reference" in _about(dangling, "register/risks.yaml", "RR-3")
    # An ePHI asset no risk names: the finding is on the asset's file ...
    assets.write_text(assets.read_text() + NEW_ASSET)
    unanalysed = _assert_as_cold(sra, ws)
    assert "ephi-asset-without-risk" in _about(unanalysed, "inventory/assets.yaml", "new-store")
    # ... and a risk for it, added to another file, takes it away there.
    extra.write_text(
        extra.read_text() + EXTRA.replace("RR-20", "RR-40").replace("pg-primary", "new-store")
    )
    analysed = _assert_as_cold(sra, ws)
    assert "ephi-asset-without-risk" not in _about(analysed, "inventory/assets.yaml", "new-store")


_EDIT_NAMES = [
    "review-old",
    "review-new",
    "add",
    "drop-extra",
    "rename",
    "interval",
    "text-control",
    "drop-asset",
    "new-asset",
    "risk-for-asset",
]
_EDITS = st.lists(st.sampled_from(_EDIT_NAMES), min_size=1, max_size=4)


def _edit(root: Path, edit: str) -> None:
    risks, extra = root / "register" / "risks.yaml", root / "register" / "extra.yaml"
    controls, manifest = root / "controls" / "controls.yaml", root / "sra.yaml"
    if edit == "review-old":
        risks.write_text(risks.read_text().replace("2026-10-01", "2024-02-01", 1))
    elif edit == "review-new":
        risks.write_text(risks.read_text().replace("2024-02-01", "2026-10-01", 1))
    elif edit == "add":
        text = extra.read_text() if extra.exists() else ""
        n = text.count("- id:") + 30
        extra.write_text(text + EXTRA.replace("RR-20", f"RR-{n}"))
    elif edit == "drop-extra" and extra.exists():
        extra.unlink()
    elif edit == "rename":
        text = controls.read_text()
        swapped = ("id: CTL-ACCESS\n", "id: CTL-ACCESS-X\n")
        if swapped[1] in text:
            swapped = swapped[::-1]
        controls.write_text(text.replace(*swapped))
    elif edit == "interval":
        text = manifest.read_text()
        marker = "methodology:\n  review_intervals:\n    register_days: 30\n"
        manifest.write_text(text.replace(marker, "") if marker in text else text + marker)
    elif edit == "text-control":
        risks.write_text(risks.read_text().replace("[CTL-ACCESS]", "[CTL-ACCESS, MFA on]", 1))
    elif edit in ("drop-asset", "new-asset"):
        # Toggled: a risk in another file names the one, no risk names the other.
        assets, block = (
            root / "inventory" / "assets.yaml",
            {
                "drop-asset": BACKUPS,
                "new-asset": NEW_ASSET,
            }[edit],
        )
        text = assets.read_text()
        assets.write_text(text.replace(block, "") if block in text else text + block)
    elif edit == "risk-for-asset":
        text = extra.read_text() if extra.exists() else ""
        risk = EXTRA.replace("RR-20", "RR-50").replace("pg-primary", "new-store")
        extra.write_text(text.replace(risk, "") if risk in text else text + risk)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=_EDITS)
def test_any_sequence_of_edits_lints_as_a_cold_run_would(sra, tmp_path: Path, edits) -> None:
    root = tmp_path / f"sra-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(BASE, root)
    (root / "register" / "extra.yaml").write_text(EXTRA)
    _assert_as_cold(sra, root)
    for edit in edits:
        _edit(root, edit)
        _assert_as_cold(sra, root)
