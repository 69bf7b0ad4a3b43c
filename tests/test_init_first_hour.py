"""A newcomer's `sra init`: what its first lint says, and what the templates show them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hipaa_sra.catalog.hipaa import CONDITIONAL_SPECS

TODAY = ("--today", "2026-12-02")


def _lint_json(sra, root: str) -> list[dict[str, object]]:
    run = sra("lint", "--workspace", root, "--format", "json", *TODAY)
    assert run.exit_code == 1, run.stderr
    findings: list[dict[str, object]] = json.loads(run.stdout)["findings"]
    return findings


@pytest.mark.parametrize("entity_type", ["covered-entity", "hybrid-entity", "business-associate"])
def test_no_clearinghouse_government_or_plan_gap_after_init(sra, entity_type: str) -> None:
    assert sra("init", "ws", "--entity-type", entity_type).exit_code == 0
    findings = _lint_json(sra, "ws")
    flagged = {c for f in findings for c in CONDITIONAL_SPECS if f"{c} " in str(f["message"])}
    assert flagged == set()
    assert len(findings) == 62  # was 68 before the decisions were pre-filled


def test_prefilled_decisions_follow_the_entity_type(tmp_path: Path, sra) -> None:
    sra("init", "ce", "--entity-type", "covered-entity")
    sra("init", "ba", "--entity-type", "business-associate")
    covered = (tmp_path / "ce" / "sra.yaml").read_text()
    assert "entity_type: covered-entity" in covered
    assert covered.count("decision: not-applicable") == len(CONDITIONAL_SPECS) == 6
    assert "Confirm each" in covered
    associate = (tmp_path / "ba" / "sra.yaml").read_text()
    assert "entity_type: business-associate" in associate
    assert "decisions:" not in associate  # coverage already knows none of them binds it


def test_text_groups_specifications_by_standard_and_expand_lists_each(sra) -> None:
    sra("init", "ws")
    each = [f for f in _lint_json(sra, "ws") if f["name"] == "hipaa-spec-without-control"]
    grouped = sra("lint", "--workspace", "ws", *TODAY).stdout.splitlines()
    expanded = sra("lint", "--workspace", "ws", "--expand", *TODAY).stdout.splitlines()
    assert grouped[0] == expanded[0] == "ws/sra.yaml (62 findings)"
    assert grouped[-1] == expanded[-1]  # the counts are the findings', grouped or not
    spec_lines = [line for line in grouped if "[hipaa-spec-without-control]" in line]
    assert len(spec_lines) < len(each) // 2
    # The location column is padded to the longest location in the report: compare the text.
    contingency = [" ".join(line.split()) for line in spec_lines if "Contingency plan" in line]
    assert contingency == [
        "ws/sra.yaml:31:1: SRA401 error [hipaa-spec-without-control] 164.308(a)(7)(i) "
        "Contingency plan: 5 specifications not met (3 required, 2 addressable): "
        "164.308(a)(7)(ii)(A), 164.308(a)(7)(ii)(B), 164.308(a)(7)(ii)(C), 164.308(a)(7)(ii)(D), "
        "164.308(a)(7)(ii)(E); `sra lint --expand` says what each needs"
    ]
    # A standard with a single gap keeps the full message.
    assert any(
        "164.308(a)(2) Assigned security responsibility (self-specifying standard) is "
        "not met: add a control" in line
        for line in spec_lines
    )
    listed = [line for line in expanded if "[hipaa-spec-without-control]" in line]
    assert len(listed) == len(each)
    assert all(str(f["message"]) in "\n".join(listed) for f in each)


def _uncomment(text: str) -> str:
    """What a user does with the example: drop `# ` before its lines and the `[]` line."""
    lines = text.splitlines()
    start = lines.index("#", lines.index("#") + 1) + 1  # after the note's closing `#`
    body = [line.removeprefix("# ") for line in lines[start:] if line not in ("#", "[]")]
    return "\n".join(lines[:start] + body) + "\n"


def test_every_template_shows_an_example_that_loads_once_uncommented(tmp_path: Path, sra) -> None:
    sra("init", "ws")
    root = tmp_path / "ws"
    templates = sorted(p for p in root.glob("*/*.yaml") if not p.parent.name.startswith("."))
    assert len(templates) == 8
    for path in templates:
        text = path.read_text()
        assert "\n# - id: " in text and text.endswith("\n[]\n"), path
        path.write_text(_uncomment(text))
    run = sra("validate", "--workspace", "ws")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout.startswith(
        "Loaded 1 assets, 1 flows, 1 vendors, 1 controls, 1 risks, "
        "0 signoffs, 1 answers, 1 policies, 1 training from 9 files: "
        "0 errors, 0 warnings"
    )
