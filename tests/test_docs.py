"""Meta-tests: every command has help and is documented; generated docs are current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from hipaa_sra.cli import COMMANDS, cli
from hipaa_sra.loading import PROBLEMS

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_command_has_help_with_an_example(command) -> None:
    assert command.help and "Example:" in command.help


def _every_command(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(_every_command(command, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize(("path", "command"), _every_command(cli, "sra"), ids=lambda v: str(v))
def test_help_examples_keep_their_line_breaks(path: str, command: click.Command) -> None:
    assert command.help
    after = command.help.split("Example:", 1)[1]
    examples = [line.strip() for line in after.splitlines() if line.strip() not in ("", "\b")]
    with click.Context(command, info_name=path) as ctx:
        shown = [line.strip() for line in command.get_help(ctx).splitlines()]
    for example in examples:
        assert example in shown, f"{path} --help runs {example!r} into other lines"


def test_every_registered_command_is_listed() -> None:
    assert set(cli.commands) == {c.name for c in COMMANDS}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_command_is_in_the_cli_reference(command) -> None:
    assert f"## sra {command.name}\n" in (ROOT / "docs" / "cli.md").read_text()


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.code)
def test_loader_findings_are_documented(problem) -> None:
    text = (ROOT / "docs" / "workspace.md").read_text()
    assert f"| {problem.code} | `{problem.name}` | {problem.severity.value} |" in text


def test_generated_docs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split()[:2] for line in first_block] == [["make", "demo"], ["make", "test"]]


def test_readme_says_how_to_get_sra_on_path() -> None:
    text = (ROOT / "README.md").read_text()
    for way in (". .venv/bin/activate", "pipx install .", "pip install /path/to/hipaa-sra"):
        assert way in text, way


USER_FACING = [
    "README.md",
    "action.yml",
    ".pre-commit-hooks.yaml",
    *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "docs").glob("*.md"))),
]


@pytest.mark.parametrize("name", USER_FACING)
def test_docs_install_from_the_repository_not_a_registry(name: str) -> None:
    # hipaa-sra is not on a package index: a registry install would fail or fetch a stranger's.
    text = (ROOT / name).read_text()
    assert "pip install hipaa-sra" not in text
    assert "pip install 'hipaa-sra[" not in text
    assert "OWNER/" not in text


def test_public_api_is_importable_from_the_package() -> None:
    import hipaa_sra

    for name in hipaa_sra.__all__:
        assert getattr(hipaa_sra, name) is not None, name
