"""Findings land where libyaml places them, whatever was located before them, cached or not.

A field missing from a flow-style list item lands on the item (its `{`), not on its first
key, whichever lookups came first: a cached lint places a changed file's findings in
another order than a `--no-cache` one. A key written after a block scalar whose text holds
a line like it (`asset: ...`) is placed on its own line, not in the text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

BASE = Path(__file__).parent / "rules" / "base"
TODAY = "2026-11-22"

RISK = """\
- id: {id}
  asset: {asset}
  threat: {threat}
  vuln: Tapes leave the site unencrypted
  likelihood: high
  impact: high
  inherent_risk: high
  residual_risk: high
  current_controls: [CTL-ACCESS]
  last_reviewed: 2024-10-01
"""

FLOW = (
    RISK.format(id="RR-70", asset="pg-primary", threat="Stolen backup tape")
    + "  remediation:\n    - {control: Encrypt disks, owner: bob, status: planned}\n"
    + "  waivers:\n"
    + "    - {rule: stale-review, reason: Retired in Q1, approved_by: alice, until: 2027-06-30}\n"
    + RISK.format(id="RR-71", asset="pg-primary", threat="Lost tape")
    + "  remediation: [{control: Encrypt tapes, owner: bob, status: planned}]\n"
)

BLOCK = """\
- id: RR-72
  vuln: Keys are kept with the data
  likelihood: low
  impact: low
  inherent_risk: low
  residual_risk: low
  current_controls: [CTL-ACCESS]
  last_reviewed: 2026-10-01
  threat: |
    asset: written inside the block
  asset : pg-primry
- id: RR-73
  vuln: Keys are kept with the data
  likelihood: low
  impact: low
  inherent_risk: low
  residual_risk: low
  current_controls: [CTL-ACCESS]
  last_reviewed: 2026-10-01
  threat: "Keys are kept, asset: with the data
    asset: in the same bucket"
  asset : pg-primry
"""


def _lint(sra: Any, root: Path, *args: str) -> str:
    run = sra("lint", "--workspace", str(root), "--today", TODAY, "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    return str(run.stdout)


def _places(output: str, rule: str, file: str) -> list[tuple[int, int]]:
    """(line, column) of each finding of `rule` in `file`, in the report's order."""
    found = json.loads(output)["findings"]
    return [
        (f["line"], f["column"]) for f in found if f["name"] == rule and f["file"].endswith(file)
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "sra"
    shutil.copytree(BASE, copy)
    (copy / "register" / "flow.yaml").write_text(FLOW)
    (copy / "register" / "block.yaml").write_text(BLOCK)
    return copy


def test_a_field_missing_from_a_flow_item_lands_on_the_item_cached_or_not(
    sra: Any, root: Path
) -> None:
    cold = _lint(sra, root, "--no-cache")
    # RR-70's item is `- {...}` on line 12 (its `{` at column 7); RR-71's is `[{...}]`.
    assert _places(cold, "remediation-without-due-date", "flow.yaml") == [(12, 7), (25, 17)]
    assert _lint(sra, root) == cold  # filling the cache
    assert _lint(sra, root) == cold  # from it
    # A waiver edited in the same file: its findings are placed again, before the others.
    flow = root / "register" / "flow.yaml"
    flow.write_text(FLOW.replace("Retired in Q1", "Retired in Q2"))
    cold = _lint(sra, root, "--no-cache")
    assert _places(cold, "remediation-without-due-date", "flow.yaml") == [(12, 7), (25, 17)]
    assert _lint(sra, root) == cold


def test_a_key_after_block_text_holding_its_name_is_placed_on_its_own_line(
    sra: Any, root: Path
) -> None:
    cold = _lint(sra, root, "--no-cache")
    assert _places(cold, "unknown-reference", "block.yaml") == [(11, 3), (22, 3)]
    assert _lint(sra, root) == cold
    assert _lint(sra, root) == cold
