"""Each concept has one definition, and every consumer of it agrees (a workspace where the
copies that used to exist disagreed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hipaa_sra.analysis.ocr import ocr_elements
from hipaa_sra.history.timeline import residual_counts
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Level, Workspace
from hipaa_sra.rules import Selection, lint
from hipaa_sra.scoring import (
    effective_level,
    is_overdue,
    is_untreated_high,
    score_risks,
    usable_matrix,
)
from hipaa_sra.scoring.table import register_table
from test_ocr import COMPLETE, SCOPED, risk

Make = Callable[..., Path]
TODAY = date(2026, 11, 22)


def _high(rid: str, remediation: str, residual: bool = True) -> str:
    row = (
        risk(rid, "db")
        .replace("likelihood: low", "likelihood: high")
        .replace("impact: moderate", "impact: high")
        .replace("  inherent_risk: low\n", "")
        .replace("residual_risk: low", "residual_risk: high")
    )
    if not residual:
        row = row.replace("  residual_risk: high\n", "")
    return row + remediation


def _item(status: str, due: str = "2026-12-31", extra: str = "") -> str:
    return (
        f"  remediation:\n    - control: Rotate keys\n      owner: alice\n"
        f"      due: {due}\n      status: {status}\n{extra}"
    )


REGISTER = (
    # Work marked done left the risk high: untreated (OCR element 7 used to call it treated).
    _high("RR-DONE", _item("done"))
    # A documented acceptance treats it.
    + _high(
        "RR-ACCEPTED", _item("accepted", extra="      rationale: Cheap\n      approved_by: b\n")
    )
    # Work under way, and overdue.
    + _high("RR-LATE", _item("in_progress", due="2026-10-01"))
    # Put off on purpose: not under way, not overdue.
    + _high("RR-DEFERRED", _item("deferred", due="2026-10-01"))
    # No stated levels at all: high from the matrix, no plan.
    + _high("RR-MATRIX", "", residual=False)
    + risk("RR-LOW", "db")
)
UNTREATED = {"RR-DONE", "RR-DEFERRED", "RR-MATRIX"}


def _load(workspace: Make, manifest: str | None = SCOPED) -> Workspace:
    root = workspace({**COMPLETE, "register/r.yaml": REGISTER}, manifest=manifest)
    return load_workspace(root, use_cache=False)


def test_untreated_high_risks_are_the_same_for_sra102_ocr_and_the_library(
    workspace: Make,
) -> None:
    ws = _load(workspace)
    matrix = usable_matrix(ws)
    library = {r.label for r in ws.risks if is_untreated_high(r, matrix)}
    report = lint(ws, TODAY, Selection(select=("SRA102",)))
    sra102 = {f.object_id for f in report.findings}
    [element] = [e for e in ocr_elements(ws, TODAY) if e.slug == "level-of-risk"]
    [reason] = [r for r in element.reasons if "high risk" in r]
    listed = set(reason.split(": ", 1)[1].split(", "))
    assert library == sra102 == listed == UNTREATED


def test_effective_levels_agree_across_ranking_history_and_the_register_table(
    workspace: Make,
) -> None:
    ws = _load(workspace)
    matrix = usable_matrix(ws)
    own = {r.label: effective_level(r, matrix) for r in ws.risks}
    assert own["RR-MATRIX"] is Level.HIGH and own["RR-LOW"] is Level.LOW
    ranked = {s.risk_id: s.residual for s in score_risks(ws)}
    table = {row.risk_id: row.residual for row in register_table(ws, TODAY).rows}
    assert ranked == table == own
    counts: dict[str, int] = {}
    for level in own.values():
        assert level is not None
        counts[level.value] = counts.get(level.value, 0) + 1
    assert residual_counts(ws) == counts


def test_overdue_remediation_agrees_between_sra103_and_the_register_table(
    workspace: Make,
) -> None:
    ws = _load(workspace)
    late = {r.label for r in ws.risks if any(is_overdue(i, TODAY) for i in r.remediation)}
    report = lint(ws, TODAY, Selection(select=("SRA103",)))
    table = {row.risk_id for row in register_table(ws, TODAY).rows if row.overdue}
    assert {f.object_id for f in report.findings} == table == late == {"RR-LATE"}


def test_without_sra_yaml_no_consumer_scores_with_a_guessed_matrix(workspace: Make) -> None:
    ws = replace(_load(workspace), manifest=None)  # as when sra.yaml breaks the schema
    assert usable_matrix(ws) is None
    # Stated levels still count; the row with none has no level rather than a guessed one.
    levels = {row.risk_id: row.residual for row in register_table(ws, TODAY).rows}
    assert levels["RR-MATRIX"] is None and levels["RR-DONE"] is Level.HIGH
    assert residual_counts(ws)["unscored"] == 1


def test_every_declared_rule_interval_names_real_settings() -> None:
    from hipaa_sra.catalog import nprm_profile
    from hipaa_sra.model import ReviewIntervals
    from hipaa_sra.rules import RULES

    timed = {rule.code: rule.interval for rule in RULES if rule.interval is not None}
    assert {"SRA101", "SRA205", "SRA208", "SRA304", "SRA305"} <= set(timed)
    for interval in timed.values():
        assert interval.setting is None or interval.setting in ReviewIntervals.model_fields
        if interval.nprm_cadence is not None:
            assert isinstance(getattr(nprm_profile(), interval.nprm_cadence), int)
        assert interval.days(None) is not None  # the defaults give every one a value


def test_gate_and_history_report_a_missing_repository_with_the_one_git_error(
    tmp_path: Path,
) -> None:

    from hipaa_sra.gate.changes import Git
    from hipaa_sra.git import GitError
    from hipaa_sra.history import open_repository

    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    with pytest.raises(GitError, match="not inside a git repository"):
        Git.containing(outside)
    with pytest.raises(GitError, match="not in a git repository"):
        open_repository(outside)


SRC = Path(__file__).resolve().parents[1] / "src" / "hipaa_sra"


def test_every_writer_refuses_a_file_changed_since_it_was_read_in_the_same_words(
    workspace: Make,
) -> None:

    from hipaa_sra.editing import MANIFEST, Set, apply_changes, snapshot
    from hipaa_sra.errors import WriteConflict
    from hipaa_sra.writing import file_digest, replace_file
    from hipaa_sra.writing.journal import swap_in
    from hipaa_sra.writing.lock import workspace_lock

    root = workspace({})
    manifest = root / "sra.yaml"
    read = file_digest(manifest)
    digests = snapshot(root)
    manifest.write_text(manifest.read_text() + "# saved by someone else meanwhile\n")
    edited = manifest.read_bytes()
    refusals = []
    with pytest.raises(WriteConflict) as single:
        replace_file(manifest, b"mine\n", read)
    refusals.append(str(single.value))
    with workspace_lock(root), pytest.raises(WriteConflict) as journal:
        swap_in(root, {manifest.absolute(): (b"mine\n", read)})
    refusals.append(str(journal.value))
    with pytest.raises(WriteConflict) as editing:
        apply_changes(root, [Set(MANIFEST, ("scope",), "mine")], expected=digests)
    refusals.append(str(editing.value))
    assert manifest.read_bytes() == edited  # none of them wrote
    said = {text.split(": ", 1)[1] for text in refusals}
    assert said == {"changed on disk since it was read; not writing (re-run to pick it up)"}
    assert all(text.split(": ", 1)[0].endswith("sra.yaml") for text in refusals)


def _raised(error: str) -> list[str]:
    """Modules (relative to the package) that construct `error(...)`."""
    import ast

    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            called = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == error
            )
            if called:
                found.append(path.relative_to(SRC).as_posix())
    return sorted(set(found))


def test_the_overwrite_and_output_guards_have_one_home_each() -> None:
    # A writer that compared digests itself would drift from the others' words and rules.
    assert _raised("WriteConflict") == ["writing/unchanged.py"]
    assert _raised("OutputInWorkspace") == ["writing/guard.py"]
    words = "changed on disk since it was read;"
    spelled = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if words in path.read_text(encoding="utf-8")
    ]
    assert spelled == ["writing/unchanged.py"]


def test_nprm_readiness_takes_the_time_based_rules_cadences_from_the_registry(
    workspace: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipaa_sra.analysis import nprm
    from hipaa_sra.catalog import nprm_profile
    from hipaa_sra.rules import RULES

    timed = {
        rule.interval.nprm_cadence: rule
        for rule in RULES
        if rule.interval is not None and rule.interval.nprm_cadence is not None
    }
    assert set(timed) == {"inventory_review", "ba_verification", "vuln_scan", "pentest"}
    assert all(rule.interval is not None and rule.interval.renewal for rule in timed.values())
    # Under nprm-2025, with settings longer than the NPRM asks, lint holds each record to the
    # cadence the readiness item judges it by: both name the same records.
    manifest = (
        SCOPED + "methodology:\n  profile: nprm-2025\n  review_intervals:\n"
        "    inventory_days: 800\n    vendor_days: 800\n"
    )
    assets = (
        "- {id: api, name: API, category: public-api, ephi: present, last_reviewed: 2025-06-01,"
        " attributes: {last_vulnerability_scan: 2026-01-01, last_penetration_test: 2025-06-01}}\n"
        "- {id: db, name: DB, category: database, ephi: present, last_reviewed: 2026-10-01,"
        " attributes: {last_vulnerability_scan: 2026-10-01}}\n"
    )  # 539 and 325 days old on TODAY: past the NPRM's 365 and 182 days, within 800
    vendors = (
        "- {id: aws, name: AWS, ephi_exposure: stores, last_verified: 2025-06-01, "
        "baa: {status: executed, signed: 2024-01-01}}\n"
    )
    root = workspace(
        {**COMPLETE, "inventory/a.yaml": assets, "vendors/v.yaml": vendors}, manifest=manifest
    )
    ws = load_workspace(root, use_cache=False)
    items = {item.key: item for item in nprm.nprm_readiness(ws, TODAY).items}
    codes = tuple(rule.code for rule in timed.values())
    findings = lint(ws, TODAY, Selection(select=codes)).findings
    for key, rule in timed.items():
        assert rule.interval is not None and rule.interval.renewal is not None
        assert rule.interval.days(ws.manifest) == nprm_profile().cadence(key).value, key
        assert items[key].group == rule.interval.renewal.section
        flagged = {f.object_id for f in findings if f.code == rule.code}
        named = {i for reason in items[key].reasons for i in reason.split(": ")[-1].split(", ")}
        assert named == flagged != set(), key  # each rule has a record to flag
    # The items come from the registry: without its rules, exactly those items go.
    monkeypatch.setattr(nprm, "RULES", ())
    left = {item.key for item in nprm.nprm_readiness(ws, TODAY).items}
    assert set(items) - left == set(timed)


def test_every_csv_writer_keeps_formulas_as_text_the_same_way(workspace: Make) -> None:
    # `sra score --format csv` and the web audit export each had their own copy of the
    # quoting, which missed a quote run before `=`: `'=1` came back as a formula once the
    # spreadsheet ate the first quote.
    import csv
    import io
    import json

    from click.testing import CliRunner

    from hipaa_sra.cli import cli
    from hipaa_sra.interop.csv_cells import neutralise, restore

    asset = '\'=HYPERLINK("http://x.test")'
    register = risk("RR-F", json.dumps(asset))
    root = workspace({**COMPLETE, "register/r.yaml": register}, manifest=SCOPED)
    result = CliRunner().invoke(cli, ["score", "-w", str(root), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["asset"] for row in rows] == [neutralise(asset)] == ["'" + asset]
    assert restore(rows[0]["asset"]) == asset
    quoting = "[=+\\-@\\t\\r]"
    spelled = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if quoting in path.read_text(encoding="utf-8")
        or '("=", "+", "-", "@"' in path.read_text(encoding="utf-8")
    ]
    assert spelled == ["interop/csv_cells.py"]
