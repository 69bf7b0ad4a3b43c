"""A command-line run ends without freeing what it kept, and loses none of its output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from hipaa_sra import lifetime
from hipaa_sra.cli import cli

# Buffered, as a user's shell runs it: what the exit must flush is then still pending.
_BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=_BUFFERED,
    )


_NOISY = """
    import sys
    from hipaa_sra import lifetime

    class Noisy:
        def __del__(self):
            print("freed", flush=True)

    def command():
        {body}
        for n in range(5000):  # more than the stream's buffer: its last part is not written yet
            print("output", n)
        print("warning", file=sys.stderr)
        raise SystemExit({code})

    lifetime.run_then_exit(command)
"""


_KEPT = "with lifetime.keeping(): lifetime.keep(Noisy())"


def test_a_run_that_kept_something_ends_without_freeing_it_and_with_all_its_output() -> None:
    done = _run(_NOISY.format(body=_KEPT, code=3))
    assert done.returncode == 3
    assert done.stdout.splitlines()[-1] == "output 4999"
    assert "freed" not in done.stdout
    assert done.stderr == "warning\n"


@pytest.mark.parametrize("body", ["noisy = Noisy()", "noisy = Noisy(); lifetime.keep(noisy)"])
def test_a_run_that_kept_nothing_exits_as_usual(body: str) -> None:
    # The second keeps outside `keeping`: as a long-running command would, which must not
    # hold on to what it is done with.
    done = _run(_NOISY.format(body=body, code=0))
    assert done.returncode == 0
    assert done.stdout.splitlines()[-2:] == ["output 4999", "freed"]


def test_an_exit_with_a_message_is_reported_as_usual() -> None:
    done = _run(_NOISY.format(body=_KEPT, code="'no workspace here'"))
    assert done.returncode == 1
    assert done.stderr == "warning\nno workspace here\n"


def test_outside_the_entry_point_nothing_is_kept(tmp_path: Path) -> None:
    # Tests and programs that import hipaa-sra run many lints in one process: each one's
    # models must be freed when it is done, not kept for an exit that never comes.
    root = tmp_path / "sra"
    assert CliRunner().invoke(cli, ["init", "--example", str(root)]).exit_code == 0
    result = CliRunner().invoke(cli, ["lint", "--workspace", str(root), "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    assert lifetime.kept() == 0


def test_sra_lint_through_the_entry_point_prints_what_it_prints_in_process(
    tmp_path: Path,
) -> None:
    root = tmp_path / "sra"
    assert CliRunner().invoke(cli, ["init", "--example", str(root)]).exit_code == 0
    args = ["lint", "--workspace", str(root), "--today", "2026-11-22", "--format", "json"]
    in_process = CliRunner().invoke(cli, [*args, "--no-cache"])
    for extra in (["--no-cache"], []):  # the second: a cold run that stores its result
        done = subprocess.run(
            [sys.executable, "-m", "hipaa_sra", *args, *extra],
            capture_output=True,
            text=True,
            env=_BUFFERED,
        )
        assert done.returncode == in_process.exit_code, done.stderr
        assert json.loads(done.stdout) == json.loads(in_process.stdout)


@pytest.mark.parametrize(("command", "ends_at_once"), [("lint", True), ("validate", False)])
def test_sra_lint_ends_the_process_at_once(
    command: str, ends_at_once: bool, tmp_path: Path
) -> None:
    # Exit handlers run on the usual way out and not on the immediate one: whether this one
    # ran tells which way `sra` left.
    root = tmp_path / "sra"
    assert CliRunner().invoke(cli, ["init", "--example", str(root)]).exit_code == 0
    script = f"""
        import atexit, sys
        atexit.register(lambda: print("exit handlers ran", file=sys.stderr))
        from hipaa_sra.cli import main
        sys.argv = ["sra", {command!r}, "--workspace", {str(root)!r}, "--no-cache"]
        main()
    """
    done = _run(script)
    assert done.returncode in (0, 1), done.stderr
    assert ("exit handlers ran" not in done.stderr) is ends_at_once
