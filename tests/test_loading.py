"""Loading: every problem in one run, on the right line, with the rest still loaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hipaa_sra.errors import LoadError, WorkspaceNotFound
from hipaa_sra.loading import check_workspace, find_workspace, load_workspace
from hipaa_sra.loading.cache import CACHE_DIR

ASSETS = """\
# Data stores
- id: pg-primary
  name: Patient records primary
  category: database
  ephi: present
  owner: bob
- id: pg-replica
  name: Analytics replica
  category: replica
  ephi: present
  owner: carol
"""
RISKS = """\
- id: RR-1
  asset: pg-primary
  threat: Ransomware
  vuln: Unpatched host
  likelihood: Medium
  impact: high
  inherent_risk: moderate
- id: RR-2
  asset: pg-missing
  threat: Insider snooping
  vuln: Broad read role
  likelihood: low
  impact: very-high
- id: RR-3
  asset: pg-primary
  threat: Lost laptop
  vuln: No disk encryption
  likelihood: low
  impact: moderate
  colour: red
- id: pg-replica
  asset: pg-replica
  threat: t
  vuln: v
  likelihood: low
  impact: low
"""


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def findings_by_name(result) -> dict[str, list]:
    out: dict[str, list] = {}
    for finding in result.findings:
        out.setdefault(finding.name, []).append(finding)
    return out


def test_every_problem_reported_in_one_run(workspace) -> None:
    root = workspace({"inventory/stores.yaml": ASSETS, "register/risks.yaml": RISKS})
    result = check_workspace(root)
    found = findings_by_name(result)

    [synonym] = found["level-synonym"]
    assert synonym.location.line == line_of(RISKS, "Medium") and synonym.object_id == "RR-1"
    assert "`likelihood: Medium` is read as `moderate`" in synonym.message
    assert synonym.severity.value == "info"

    [unknown_field] = found["unknown-field"]
    assert unknown_field.location.file.endswith("register/risks.yaml")
    assert unknown_field.location.line == line_of(RISKS, "colour")
    assert unknown_field.location.column == 3
    assert unknown_field.object_id == "RR-3"

    [duplicate] = found["duplicate-id"]
    assert duplicate.location.line == line_of(RISKS, "- id: pg-replica")
    assert f"inventory/stores.yaml:{line_of(ASSETS, '- id: pg-replica')}:" in duplicate.message

    refs = found["unknown-reference"]
    assert [(f.location.line, f.object_id) for f in refs] == [
        (line_of(ASSETS, "owner: carol"), "pg-replica"),
        (line_of(RISKS, "asset: pg-missing"), "RR-2"),
    ]
    assert all(f.severity.value == "warning" for f in refs)
    assert any("owner `carol` is not a person" in f.message for f in refs)
    assert any("asset `pg-missing` is not a known asset id" in f.message for f in refs)

    [scale] = found["invalid-value"]
    assert scale.object_id == "RR-2"
    assert "5-level value but methodology.levels is 3" in scale.message
    # Everything loads: RR-3 keeps every field but the unknown key, which is kept raw.
    ws = load_workspace(root)
    assert [r.id for r in ws.risks] == ["RR-1", "RR-2", "RR-3", "pg-replica"]
    assert ws.risk_by_id["RR-3"].threat == "Lost laptop"
    assert [(u.key, u.path, u.value) for u in ws.unusable] == [("risks/RR-3", ("colour",), "red")]
    assert result.counts["risks"] == 4 and result.counts["assets"] == 2


def test_five_level_values_are_fine_in_five_level_mode(workspace) -> None:
    manifest = "organization: {name: X}\nmethodology: {levels: 5}\n"
    root = workspace({"register/r.yaml": RISKS.split("- id: RR-3")[0]}, manifest=manifest)
    names = {f.name for f in check_workspace(root).findings}
    assert "invalid-value" not in names


def test_owner_references_checked_only_when_people_are_listed(workspace) -> None:
    root = workspace({"inventory/a.yaml": ASSETS}, manifest="organization: {name: X}\n")
    assert check_workspace(root).findings == ()


def test_flow_style_records_are_located_exactly(workspace) -> None:
    vendors = (
        "- {id: twilio, name: Twilio, ephi_exposure: processes,\n"
        "   baa: {status: executed, expires: 2026-02-30}}\n"
    )
    root = workspace({"vendors/v.yaml": vendors})
    [finding] = check_workspace(root).findings
    assert finding.name == "invalid-value"
    assert (finding.location.line, finding.location.column) == (2, 28)
    assert finding.object_id == "twilio"


def test_anchors_and_merge_keys_load(workspace) -> None:
    risks = (
        "- &base\n  id: RR-1\n  asset: a\n  threat: t\n  vuln: v\n"
        "  likelihood: low\n  impact: low\n"
        "- <<: *base\n  id: RR-2\n  impact: high\n"
    )
    root = workspace({"register/r.yaml": risks}, manifest="organization: {name: X}\n")
    ws = load_workspace(root)
    assert [(r.id, r.impact.value, r.threat) for r in ws.risks] == [
        ("RR-1", "low", "t"),
        ("RR-2", "high", "t"),
    ]


def test_locate_points_at_fields_of_loaded_records(workspace) -> None:
    root = workspace({"inventory/stores.yaml": ASSETS})
    ws = load_workspace(root)
    replica = ws.asset_by_id["pg-replica"]
    location = ws.locate(replica, ("owner",))
    assert location.file.endswith("inventory/stores.yaml")
    assert (location.line, location.column) == (11, 3)
    assert ws.locate(replica).line == 7


def test_warm_cache_gives_the_same_answer(workspace) -> None:
    root = workspace({"inventory/stores.yaml": ASSETS, "register/risks.yaml": RISKS})
    cold = check_workspace(root)
    assert (root / CACHE_DIR).is_dir()
    assert (root / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")
    warm = check_workspace(root)
    assert warm.findings == cold.findings
    assert warm.counts == cold.counts


def test_cache_is_never_stale(workspace) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    before = check_workspace(root)
    assert any(f.name == "unknown-field" for f in before.findings)
    fixed = RISKS.replace("  colour: red\n", "")
    (root / "register" / "risks.yaml").write_text(fixed)
    after = check_workspace(root)
    assert not any(f.name == "unknown-field" for f in after.findings)


def test_corrupt_cache_entries_are_misses(workspace) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    cold = check_workspace(root)
    for entry in (root / CACHE_DIR).rglob("*.summary"):
        entry.write_bytes(b"\x00garbage")
    for entry in (root / CACHE_DIR).rglob("*.data"):
        entry.write_bytes(b"")
    assert check_workspace(root).findings == cold.findings


def test_no_cache_writes_nothing(workspace) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    check_workspace(root, use_cache=False)
    assert not (root / CACHE_DIR).exists()


def test_cache_is_not_part_of_the_workspace(workspace) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    check_workspace(root)
    assert not any(CACHE_DIR in f for f in check_workspace(root).files)


def test_find_workspace_prefers_sra_dir_then_parents(tmp_path: Path, workspace) -> None:
    root = workspace()
    assert find_workspace(start=tmp_path) == root.resolve()
    nested = root / "register" / "deep"
    nested.mkdir(parents=True)
    assert find_workspace(start=nested) == root.resolve()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if not any((p / "sra.yaml").exists() for p in elsewhere.resolve().parents):
        with pytest.raises(WorkspaceNotFound):
            find_workspace(start=elsewhere)


def test_nested_folders_and_yml_suffix_are_loaded(workspace) -> None:
    root = workspace({"register/2026/q1.yml": RISKS.split("- id: RR-2")[0]})
    assert check_workspace(root).counts["risks"] == 1


def test_hidden_and_non_yaml_files_are_ignored(workspace) -> None:
    root = workspace(
        {
            "register/.draft.yaml": "not: [valid",
            "register/README.md": "notes",
            ".schema/risks.schema.json": "{}",
        }
    )
    assert check_workspace(root).counts["risks"] == 0


def test_record_that_is_not_a_mapping(workspace) -> None:
    root = workspace({"register/r.yaml": "- just a string\n"})
    [finding] = check_workspace(root).findings
    assert finding.name == "invalid-value"
    assert "risk #1 is `just a string`; expected a mapping of fields" in finding.message


def test_missing_required_field(workspace) -> None:
    root = workspace(
        {"register/r.yaml": "- id: RR-1\n  asset: a\n  threat: t\n  vuln: v\n  likelihood: low\n"}
    )
    finding, reference = check_workspace(root).findings
    assert finding.name == "missing-field"
    assert finding.message == "risk `RR-1`: missing required field `impact`"
    assert finding.location.line == 1
    # The rest of the record is kept, so its asset reference is still checked.
    assert reference.name == "unknown-reference" and reference.location.line == 2


def test_relative_paths_are_shown_relative_to_the_working_directory(workspace, monkeypatch) -> None:
    root = workspace({"register/r.yaml": "- id: RR-1\n"})
    monkeypatch.chdir(root.parent)
    finding = check_workspace(Path("sra")).findings[0]
    assert finding.location.file == os.path.join("sra", "register", "r.yaml")


def test_unknown_citation_suggests_the_renumbered_one(workspace) -> None:
    controls = (
        "- id: baa-process\n  name: BAA process\n  safeguard: administrative\n"
        "  hipaa: ['164.308(a)(1)(ii)(A)', '164.308(b)(4)']\n"
    )
    root = workspace({"controls/c.yaml": controls})
    [finding] = check_workspace(root).findings
    assert finding.name == "invalid-value"
    assert finding.location.line == 4
    assert "`hipaa[1]` `164.308(b)(4)` is not a HIPAA Security Rule citation" in finding.message
    assert "did you mean `164.308(b)(3)`?" in finding.message
    assert "renumbered in 2013" in finding.message


def test_decision_must_be_on_an_addressable_spec(workspace) -> None:
    manifest = (
        "organization: {name: X}\n"
        "decisions:\n"
        "  - spec: 164.312(a)(2)(iv)\n    decision: implemented\n"
        "  - spec: 164.312(a)(2)(i)\n    decision: not-reasonable\n"
    )
    root = workspace(manifest=manifest)
    [finding] = check_workspace(root).findings
    assert finding.location.line == 5
    assert "is required, not addressable" in finding.message


def test_unknown_reference_suggests_the_id_it_was_probably_meant_to_be(workspace) -> None:
    risk = (
        "- id: RR-9\n  asset: pg-primry\n  threat: t\n  vuln: v\n  likelihood: low\n  impact: low\n"
    )
    root = workspace({"inventory/stores.yaml": ASSETS, "register/risks.yaml": risk})
    [ref] = [
        f
        for f in check_workspace(root).findings
        if f.name == "unknown-reference" and f.object_id == "RR-9"
    ]
    assert ref.message.endswith(
        "asset `pg-primry` is not a known asset id (did you mean `pg-primary`?)"
    )


def test_scalar_list_items_are_located_on_their_own_lines() -> None:
    from hipaa_sra.loading.parse import parse_yaml
    from hipaa_sra.loading.positions import SourceMap

    text = (
        b"- id: RR-1\n"
        b"  current_controls:\n"
        b"    # a comment between items\n"
        b'    - "first, wrapped\n'
        b'      - over two lines"\n'
        b"    -   second\n"
        b"    - - nested\n"
        b"    - third\n"
        b"  hipaa: [164.312(b), 164.312(d)]\n"
    )
    source_map = SourceMap(text, parse_yaml(text, "r.yaml"))
    assert source_map.position((0, "current_controls", 0)) == (4, 7)
    assert source_map.position((0, "current_controls", 1)) == (6, 9)
    assert source_map.position((0, "current_controls", 3)) == (8, 7)
    # An item of a flow list: its own place, as libyaml marks it.
    assert source_map.position((0, "hipaa", 1)) == (9, 23)


def test_text_continued_at_the_key_column_is_refused_so_it_cannot_pose_as_a_key(workspace):
    # PyYAML reads this as threat "foo vuln: x"; the position finder relies on the parser
    # refusing it, since it would otherwise take line 3 for the `vuln` key.
    root = workspace({"register/r.yaml": '- id: a\n  threat: "foo\n  vuln: x"\n  vuln: y\n'})
    with pytest.raises(LoadError, match=r"r\.yaml:\d+:\d+"):
        check_workspace(root)


def test_an_unusable_risk_matrix_is_reported_on_its_line(workspace) -> None:
    manifest = "organization: {name: X}\nmethodology:\n  matrix: custom\n"
    root = workspace({"register/r.yaml": RISKS.split("- id: RR-3")[0]}, manifest=manifest)
    [problem] = [
        f
        for f in check_workspace(root).findings
        if f.name == "invalid-value" and f.location.file.endswith("sra.yaml")
    ]
    assert problem.location.line == 3
    assert "`methodology.custom_matrix` is missing" in problem.message
