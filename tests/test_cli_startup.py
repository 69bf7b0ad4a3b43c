"""The command line loads a command's module only when that command runs or shows its help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import COMMANDS, TABLE, cli


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_the_listed_summary_is_the_commands_own_short_help(command: click.Command) -> None:
    summary = TABLE[command.name or ""][2]
    listed = click.Command(command.name, help=summary)
    for width in (30, 45, 60, 94, 200):
        assert listed.get_short_help_str(width) == command.get_short_help_str(width)


def test_sra_help_lists_every_command_in_workflow_order() -> None:
    result = CliRunner().invoke(cli, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    listed = [
        line.split()[0]
        for line in result.output.split("Commands:\n", 1)[1].splitlines()
        if line.strip()
    ]
    assert listed == [c.name for c in COMMANDS]


@pytest.mark.parametrize("name", ["scan", "web", "diff"])
def test_a_commands_help_loads_it(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert f"Usage: cli {name}" in result.output or f"Usage: sra {name}" in result.output


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(cli, ["scna"])
    assert result.exit_code == 2
    assert "No such command 'scna'" in result.output and "scan" in result.output


def test_sra_scan_of_a_file_imports_neither_the_models_nor_psycopg(tmp_path: Path) -> None:
    data = tmp_path / "visits.csv"
    data.write_text("email,status\nann@example.org,active\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from hipaa_sra.cli import main\n"
        f"sys.argv = ['sra', 'scan', {str(data)!r}, '--format', 'json', '--no-progress']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pydantic', 'psycopg', 'jinja2', 'hipaa_sra.model', 'hipaa_sra.loading',\n"
        "         'hipaa_sra.rules', 'hipaa_sra.cli.lint')\n"
        "print('loaded:', sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert '"type": "email"' in done.stdout
    assert "loaded: []" in done.stderr


_WARM = (
    ["validate"],
    ["lint", "--today", "2026-11-22", "--format", "json"],
    ["calendar", "--today", "2026-11-22"],
)


@pytest.mark.parametrize("args", _WARM, ids=lambda a: a[0])
def test_an_unchanged_workspace_is_answered_without_the_models(
    tmp_path: Path, args: list[str]
) -> None:
    # The second run is answered from the cache: importing pydantic's models, the loader and
    # the rules was most of such a run (0.9 s of 1.0 s for a 72 MB workspace).
    root = tmp_path / "sra"
    subprocess.run(
        [sys.executable, "-m", "hipaa_sra", "init", "--example", str(root)],
        capture_output=True,
        check=True,
    )
    command = [*args, "--workspace", str(root)]
    first = subprocess.run(
        [sys.executable, "-m", "hipaa_sra", *command], capture_output=True, text=True
    )
    assert first.returncode in (0, 1), first.stderr
    script = (
        "import sys\n"
        "from hipaa_sra.cli import main\n"
        f"sys.argv = ['sra', *{command!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('pydantic', 'hipaa_sra.loading.load', 'hipaa_sra.model.risks',\n"
        "         'hipaa_sra.rules.engine', 'hipaa_sra.schedule.events')\n"
        "print('loaded:', sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert again.stdout == first.stdout
    assert "loaded: []" in again.stderr, again.stderr
