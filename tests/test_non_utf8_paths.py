"""A workspace under a directory whose name is not UTF-8 works like any other.

Linux allows any bytes in a file name; Python hands them to us surrogate-escaped, and a plain
`.encode()` of such a path raises. Every command must treat the path as a name, not crash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRA = [str(Path(sys.executable).parent / "sra")]


@pytest.fixture
def odd_dir(tmp_path: Path) -> Path:
    """A working directory named with the byte 0xff, holding the example workspace."""
    raw = os.path.join(os.fsencode(tmp_path), b"\xff")
    os.mkdir(raw)
    here = Path(os.fsdecode(raw))
    subprocess.run([*SRA, "init", "sra", "--example"], cwd=here, check=True, capture_output=True)
    return here


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["lint", "--today", "2026-12-02"],
        ["calendar", "--today", "2026-12-02"],
        ["score"],
    ],
)
def test_commands_run_under_a_non_utf8_directory(odd_dir: Path, args: list[str]) -> None:
    run = subprocess.run([*SRA, *args], cwd=odd_dir, capture_output=True, check=False)
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    assert run.returncode in (0, 1), run.stderr.decode(errors="replace")


def test_report_names_the_directory_without_crashing(odd_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    run = subprocess.run(
        [*SRA, "report", "--out", str(out), "--today", "2026-12-02"],
        cwd=odd_dir,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    out.read_bytes().decode("utf-8")  # valid UTF-8 throughout


def test_history_outside_git_says_so_with_the_name_escaped(odd_dir: Path) -> None:
    run = subprocess.run([*SRA, "history"], cwd=odd_dir, capture_output=True, check=False)
    assert run.returncode == 2
    assert b"\\xff/sra: not in a git repository" in run.stderr


def test_sarif_names_a_discovered_input_under_a_non_utf8_directory(
    odd_dir: Path, tmp_path: Path
) -> None:
    # The finding's message names the input as given; its SARIF fingerprint hashes that
    # text and the document is JSON, so neither may need the name to be UTF-8.
    plan = str(odd_dir / "sra" / "infrastructure" / "terraform-plan.json")
    args = [*SRA, "lint", "--discovered", plan, "--format", "sarif", "--today", "2026-12-02"]
    out = tmp_path / "lint.sarif"
    printed = subprocess.run(args, cwd=odd_dir, capture_output=True, check=False)
    written = subprocess.run([*args, "--output", str(out)], cwd=odd_dir, capture_output=True)
    for run in (printed, written):
        assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
        assert run.returncode == 1, run.stderr.decode(errors="replace")
    for document in (json.loads(printed.stdout), json.loads(out.read_bytes())):
        texts = [result["message"]["text"] for result in document["runs"][0]["results"]]
        assert any(plan in text for text in texts), texts  # the name, escaped and read back
