"""Lint after files changed but not their records: the last result, its findings placed again.

Every run compares a cached lint with a `--no-cache` one, byte for byte; the runs that must
take the last result (a comment added or removed in a kind file) are made with the loader
unavailable, and those that must not (a value, the order of keys, sra.yaml, a message that
names a line of the changed file) are checked to load the workspace.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.loading import load as loader
from rules.test_per_record import _EDIT_NAMES, BASE, EXTRA, _edit

TODAY = "2026-11-22"

# Findings and waivers of several rules in one file: an expired waiver, one in force, a
# stale review, a remediation without a due date (its path names a field not written), and
# the loader's: a field no model knows, an asset no inventory lists. The remediation is
# written in block style; flow-style items are placed the same whatever was looked up first
# since e076eea (tests/test_positions_lint.py).
WAIVED = """\
- id: RR-60
  asset: pg-primary
  colour: red
  threat: Ransomware
  vuln: Unpatched host
  likelihood: low
  impact: moderate
  inherent_risk: low
  residual_risk: low
  current_controls: [CTL-ACCESS]
  last_reviewed: 2024-10-01
  waivers:
    - {rule: SRA101, reason: Reviewed in the Q1 deep dive, approved_by: alice, until: 2026-03-31}
- id: RR-61
  asset: tape-library
  threat: Stolen backup tape
  vuln: Tapes leave the site unencrypted
  likelihood: high
  impact: high
  inherent_risk: high
  residual_risk: high
  current_controls: [CTL-ACCESS]
  remediation:
    - control: Encrypt tapes
      owner: bob
      status: planned
  last_reviewed: 2024-10-01
  waivers:
    - {rule: stale-review, reason: Tapes retired in Q1, approved_by: alice, until: 2027-06-30}
"""


def _json(sra: Any, root: Path, *args: str) -> str:
    run = sra("lint", "--workspace", str(root), "--today", TODAY, "--format", "json", *args)
    assert run.exit_code in (0, 1), run.stderr
    return str(run.stdout)


def _as_cold(sra: Any, root: Path) -> str:
    cached_run = _json(sra, root)
    assert cached_run == _json(sra, root, "--no-cache")
    return cached_run


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    (root / "register" / "extra.yaml").write_text(EXTRA)
    (root / "register" / "waived.yaml").write_text(WAIVED)
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times lint loaded the workspace (the last result was not taken)."""
    calls: list[int] = []
    # Lint imports the loader where it runs it (a cached answer does not), so it is
    # counted in its own module.
    load = loader.load_workspace

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return load(*args, **kwargs)

    monkeypatch.setattr(loader, "load_workspace", counted)
    yield calls


def _reused(sra: Any, root: Path, loads: list[int]) -> str:
    """A cached lint that must take the last result, checked against --no-cache."""
    before = len(loads)
    text = _json(sra, root)
    assert len(loads) == before, "the workspace was loaded: the last result was not taken"
    assert text == _json(sra, root, "--no-cache")
    return text


def _linted(sra: Any, root: Path, loads: list[int]) -> str:
    """A cached lint that must load the workspace, checked against --no-cache."""
    before = len(loads)
    text = _json(sra, root)
    assert len(loads) == before + 1
    assert text == _json(sra, root, "--no-cache")
    return text


def _lines(text: str, file: str) -> list[str]:
    return [line for line in text.splitlines() if file in line]


def _insert(path: Path, after: int, lines: str) -> None:
    """Insert `lines` after line `after` (0: at the top)."""
    text = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*text[:after], lines, *text[after:]]))


def test_comments_move_findings_and_waivers_without_linting_again(
    sra: Any, ws: Path, loads: list[int]
) -> None:
    first = _as_cold(sra, ws)
    waived = ws / "register" / "waived.yaml"
    assert '"waived": true' in first and "expired" in first
    assert "unknown-field" in first and "unknown-reference" in first
    waived.write_text(waived.read_text() + "# reviewed again on 2026-11-20\n")
    assert _reused(sra, ws, loads) == first  # a comment at the end moves nothing
    _insert(waived, 0, "# Risks of the backup systems.\n# Owner: bob\n")
    _insert(waived, 15, "  # the tapes\n")
    moved = _reused(sra, ws, loads)
    assert moved != first
    assert len(_lines(moved, "waived.yaml")) == len(_lines(first, "waived.yaml"))
    for old, new in zip(_lines(first, "waived.yaml"), _lines(moved, "waived.yaml"), strict=True):
        assert old != new  # every finding and waiver of the file placed again
    waived.write_text(WAIVED)  # the comments removed: the first result again
    assert _reused(sra, ws, loads) == first


def test_changes_the_rules_read_are_linted_again(sra: Any, ws: Path, loads: list[int]) -> None:
    _as_cold(sra, ws)
    waived, manifest = ws / "register" / "waived.yaml", ws / "sra.yaml"
    waived.write_text(WAIVED.replace("until: 2027-06-30", "until: 2026-06-30"))
    _linted(sra, ws, loads)  # a value
    waived.write_text(
        WAIVED.replace(
            "  likelihood: high\n  impact: high\n", "  impact: high\n  likelihood: high\n"
        )
    )
    _linted(sra, ws, loads)  # the same values, keys in another order
    manifest.write_text(manifest.read_text() + "# a comment\n")
    _linted(sra, ws, loads)  # sra.yaml: it also names the signers and the inputs
    (ws / "register" / "extra.yaml").rename(ws / "register" / "moved.yaml")
    _linted(sra, ws, loads)  # a file renamed


def test_a_message_naming_a_line_of_the_changed_file_is_linted_again(
    sra: Any, ws: Path, loads: list[int]
) -> None:
    extra = ws / "register" / "extra.yaml"
    extra.write_text(EXTRA + WAIVED.split("- id: RR-61")[0].replace("RR-60", "RR-1"))
    first = _as_cold(sra, ws)
    assert "is already defined at sra/register/extra.yaml:" in first  # before risks.yaml
    _insert(ws / "register" / "risks.yaml", 0, "# the register\n")
    assert _reused(sra, ws, loads) != first  # the duplicate moved, not the line it names
    _insert(extra, 0, "# more risks\n")
    assert _linted(sra, ws, loads) != first  # the line the message names moved


def test_a_comment_that_reads_like_a_missing_field(sra: Any, ws: Path, loads: list[int]) -> None:
    _as_cold(sra, ws)
    waived = ws / "register" / "waived.yaml"
    # Inside the remediation item that has no `due`, and after the record's fields.
    _insert(waived, 26, "      # due: 2026-12-01 once the budget is approved\n")
    text = _json(sra, ws)
    assert text == _json(sra, ws, "--no-cache")


_LAYOUT = ["comment-top", "comment-end", "comment-inside", "uncomment"]


def _layout(root: Path, edit: str, which: int) -> None:
    files = sorted(root.glob("*/*.yaml"))
    target = files[which % len(files)]
    if edit == "comment-top":
        _insert(target, 0, "# a note\n")
    elif edit == "comment-end":
        target.write_text(target.read_text() + "# a note at the end\n")
    elif edit == "comment-inside":
        lines = target.read_text().count("\n")
        _insert(target, min(3, lines), "  # a note inside\n")
    else:
        for path in files:
            kept = [
                line for line in path.read_text().splitlines(keepends=True) if "a note" not in line
            ]
            path.write_text("".join(kept))


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from([*_LAYOUT, *_EDIT_NAMES]), st.integers(0, 20)),
        min_size=1,
        max_size=5,
    )
)
def test_any_sequence_of_layout_and_value_edits_lints_as_a_cold_run_would(
    sra: Callable[..., Any], tmp_path: Path, edits: list[tuple[str, int]]
) -> None:
    root = tmp_path / f"sra-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(BASE, root)
    (root / "register" / "extra.yaml").write_text(EXTRA)
    (root / "register" / "waived.yaml").write_text(WAIVED)
    _as_cold(sra, root)
    for edit, which in edits:
        if edit in _LAYOUT:
            _layout(root, edit, which)
        else:
            _edit(root, edit)
        _as_cold(sra, root)
