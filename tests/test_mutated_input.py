"""A real workspace edited carelessly: every command answers, and none shows a traceback.

A user's slip can be anything. The example workspace (`sra init --example`), with a line or
two of one file changed the way hands change them (a value swapped for one of another type,
a line dropped, repeated, re-indented or cut short), goes through the commands that read it:
each exits 0, 1 or 2, and a 2 says why on standard error. A spreadsheet with odd cells,
imported with `--apply`, either changes no file or leaves a workspace that loads with at
least the records it had (an import never deletes).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from hipaa_sra.cli import cli

TODAY = "2026-11-22"

VALUES = (
    "null",
    "~",
    "[]",
    "{}",
    "[1, 2]",
    "{a: 1}",
    "-1",
    "0",
    "1e309",
    ".nan",
    "true",
    "yes",
    "2026-02-30",
    "2026-13-01",
    "2026-11-22T10:00:00",
    "'2026-01-01'",
    "[2026-01-01]",
    "x" * 300,
    "'\u202e'",
    '"\\uD800"',
    "!!binary aGVsbG8=",
    "*nope",
    "&a x",
    "0x1F",
    "1_000",
    "very-high",
    "VERY HIGH",
    "med",
    '""',
    "1y",
    "999999999999",
    "12:30",
    "-",
    "@x",
    "planned",
    "accepted",
    "done",
    "high",
    "present",
    "unknown",
    "compliance-officer",
    "164.308(a)(1)(ii)(A)",
    "CTL-001",
    "!!python/object:os.system x",
    "|\n  text",
)
"""What a slip can leave in a value: other types, impossible dates, tags, anchors, words that
are valid somewhere else in the workspace."""

EDITS = ("value", "value", "value", "drop", "repeat", "indent", "dedent", "cut")

OUT = "{out}"
"""Stands for a fresh path outside the workspace, for the commands that write a file."""

COMMANDS = (
    ("validate",),
    ("validate", "--no-cache"),
    ("lint", "--today", TODAY),
    ("lint", "--today", TODAY, "--format", "json", "--no-cache"),
    ("lint", "--today", TODAY, "--format", "sarif"),
    ("score", "--format", "json"),
    ("calendar", "--today", TODAY),
    ("verify",),
    ("assess", "--list", "--today", TODAY),
    ("quantify", "--today", TODAY, "--years", "20", "--format", "json"),
    ("report", "--format", "md", "--today", TODAY, "--out", OUT),
    ("report", "--format", "html", "--today", TODAY, "--out", OUT),
    ("export", "--format", "xlsx", "--out", OUT),
    ("export", "--format", "oscal-ar", "--today", TODAY, "--out", OUT),
)


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=True, env={"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace, written once; each example works on a copy."""
    root = tmp_path_factory.mktemp("example") / "sra"
    made = _invoke("init", "--example", str(root))
    assert made.exit_code == 0, made.output
    shutil.rmtree(root / ".sra_cache", ignore_errors=True)
    return root


def _edit(text: str, edits: list[tuple[int, str, str]]) -> str:
    """`text` with each (line number, edit, value) applied, line numbers taken modulo its length."""
    lines = text.split("\n")
    for number, edit, value in edits:
        if not lines:
            break
        at = number % len(lines)
        line = lines[at]
        if edit == "value" and ": " in line:
            key = line.partition(": ")[0]
            indent = " " * (len(key) - len(key.lstrip(" -")) + 2)
            lines[at] = f"{key}: {value}".replace("\n", "\n" + indent)
        elif edit == "drop":
            del lines[at]
        elif edit == "repeat":
            lines.insert(at, line)
        elif edit == "indent":
            lines[at] = "  " + line
        elif edit == "dedent":
            lines[at] = line[2:]
        elif edit == "cut":
            lines[at] = line[: number % (len(line) + 1)]
    return "\n".join(lines)


def _yaml_files(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.yaml")
        if ".sra_cache" not in path.parts
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    file=st.integers(min_value=0, max_value=10_000),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=100_000),
            st.sampled_from(EDITS),
            st.sampled_from(VALUES),
        ),
        min_size=1,
        max_size=2,
    ),
    command=st.sampled_from(COMMANDS),
)
def test_an_edited_workspace_never_raises(
    example: Path, file: int, edits: list[tuple[int, str, str]], command: tuple[str, ...]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "sra"
        shutil.copytree(example, root)
        files = _yaml_files(root)
        target = root / files[file % len(files)]
        target.write_text(_edit(target.read_text(encoding="utf-8"), edits), encoding="utf-8")
        out = str(Path(scratch) / "out")  # outside the workspace, as those options require
        args = [out if arg == OUT else arg for arg in command]

        run = _invoke(args[0], "--workspace", str(root), *args[1:])

    event(f"{command[0]} exit {run.exit_code}")  # `--hypothesis-show-statistics` shows the spread
    assert run.exception is None or isinstance(run.exception, SystemExit), run.exc_info
    assert run.exit_code in (0, 1, 2), run.output
    if run.exit_code == 2:
        assert run.stderr.strip(), f"exit 2 without a word on standard error: {run.stdout}"
    assert "Traceback" not in run.output


CELLS = (
    "",
    " ",
    "03/31/2027",
    "31/03/2027",
    "2027-3-31",
    "2027-02-30",
    "Not started",
    "Complete",
    "Closed",
    "High",
    "VERY HIGH",
    "med",
    "n/a",
    "null",
    "-",
    "TRUE",
    "0",
    "-1",
    "1e9",
    "=1+1",
    "@SUM(A1)",
    "x" * 500,
    "a\nb",
    'quote"in',
    "\u202e",
    "[]",
    "a: b",
    "#comment",
    "*alias",
    "!!str x",
    "CTL-001",
    "compliance-officer",
    "2026-11-22T10:00:00Z",
    "44927",
    "1y",
    "a;b",
)
"""What a spreadsheet cell may hold: other tools' dates and words, formulas, YAML syntax."""


@pytest.fixture(scope="module")
def sheets(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's records exported as CSV, one file per kind."""
    out = tmp_path_factory.mktemp("sheets") / "csv"
    exported = _invoke("export", "--workspace", str(example), "--format", "csv", "--out", str(out))
    assert exported.exit_code == 0, exported.output
    return out


def _counts(root: Path) -> dict[str, int]:
    run = _invoke("validate", "--workspace", str(root), "--format", "json", "--no-cache")
    assert run.exit_code in (0, 1), run.output
    counts: dict[str, int] = json.loads(run.stdout)["counts"]
    return counts


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(("risks", "assets", "controls", "vendors", "flows", "training")),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10_000),
            st.integers(min_value=0, max_value=100),
            st.sampled_from((*CELLS, "<new id>", "<same row>")),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_an_import_of_odd_cells_changes_nothing_or_leaves_a_loadable_workspace(
    example: Path, sheets: Path, kind: str, edits: list[tuple[int, int, str]]
) -> None:
    rows = list(csv.reader(io.StringIO((sheets / f"{kind}.csv").read_text(encoding="utf-8"))))
    for row_number, column, cell in edits:
        row = rows[1 + row_number % (len(rows) - 1)]
        if cell == "<same row>":
            rows.append(list(row))  # the same id twice
        elif cell == "<new id>":
            rows.append([f"NEW-{row_number}", *row[1:]])
        else:
            row[column % len(row)] = cell
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "sra"
        shutil.copytree(example, root)
        sheet = Path(scratch) / f"{kind}.csv"
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        before = {name: (root / name).read_bytes() for name in _yaml_files(root)}
        counts = _counts(root)

        run = _invoke("import", "--workspace", str(root), str(sheet), "--apply")
        event(f"import exit {run.exit_code}")

        assert run.exception is None or isinstance(run.exception, SystemExit), run.exc_info
        assert run.exit_code in (0, 1, 2), run.output
        if run.exit_code != 0:
            after = {name: (root / name).read_bytes() for name in _yaml_files(root)}
            assert after == before, "an import that was refused changed a file"
        else:
            grown = _counts(root)
            assert all(grown[name] >= count for name, count in counts.items()), (counts, grown)
