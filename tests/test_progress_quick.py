"""`sra lint`, `sra validate` and `sra calendar` say what they are doing when a run is long.

Usually quick (a cached or small workspace), they print nothing then; on a terminal a run
that has taken a second shows its stages on standard error, and `--progress` shows them
always. Piped, they stay quiet.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hipaa_sra.cli.stages import Stages
from hipaa_sra.writing import init_workspace

STAGES = {
    "lint": ["loading the workspace", "checking the rules", "writing the report"],
    "validate": ["checking every file", "writing the report"],
    "calendar": ["loading the workspace", "building the calendar"],
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    init_workspace(root, example=True, organization="Clinic")
    return root


def _labels(stderr: str) -> list[str]:
    # Each stage redraws its line (\r) while it runs; what stays on screen is the last draw.
    lines = [drawn.rsplit("\r", 1)[-1] for drawn in stderr.split("\n") if drawn]
    assert all(line.endswith(" s)") for line in lines), lines
    return [line.rsplit(" (", 1)[0] for line in lines]


@pytest.mark.parametrize("command", sorted(STAGES))
def test_progress_shows_each_stage_and_changes_no_output(command: str, root: Path, sra) -> None:
    args = (command, "--workspace", str(root), "--today", "2026-11-22")
    if command == "validate":
        args = args[:3]
    quiet = sra(*args, "--no-cache")
    assert quiet.stderr == ""  # not a terminal: nothing unless asked
    shown = sra(*args, "--progress")
    assert _labels(shown.stderr) == [f"sra {command}: {stage}" for stage in STAGES[command]]
    assert (shown.exit_code, shown.stdout) == (quiet.exit_code, quiet.stdout)
    again = sra(*args, "--progress")  # answered from the cache: nothing to wait for
    assert (again.exit_code, again.stdout, again.stderr) == (quiet.exit_code, quiet.stdout, "")


def test_a_stage_shows_nothing_before_the_run_has_taken_its_delay(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Stages("sra lint", enabled=True, after=60.0) as stages:
        stages.start("loading the workspace")
        stages.start("checking the rules")
    assert capsys.readouterr().err == ""
    with Stages("sra lint", enabled=True, after=0.2) as stages:
        stages.start("loading the workspace")
        time.sleep(0.5)  # the run is now past its delay: a stage starts with its line
        stages.start("checking the rules")
    # The first stage's line comes from the clock's thread, once the delay is over.
    assert _labels(capsys.readouterr().err)[-1] == "sra lint: checking the rules"
