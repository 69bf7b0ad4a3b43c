"""No option that writes a file may write into a workspace: every such option, every way there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from hipaa_sra.cli import COMMANDS
from hipaa_sra.cli.common import OutputPath

READS = {
    ("*", "workspace"): "the workspace the command reads",
    ("gate", "paths_from"): "a list of changed paths",
    ("discover", "sources"): "the infrastructure code to read",
    ("lint", "discovered"): "infrastructure code to check the inventory against",
    ("import", "file"): "the spreadsheet to import",
    ("signoff", "ssh_key"): "the key to sign with",
    ("assess", "answers_file"): "the answers to save",
    ("deidentify", "policy"): "the de-identification policy to apply",
}
"""Path parameters that only read. Any other path parameter must have the type OutputPath."""

EXTRA = {"export": ("--format", "oscal-ar"), "diff": ("HEAD",)}
"""Other arguments a command needs before it looks at its output path."""

RISKS = "- id: R-1\n  asset: db\n  threat: Ransomware\n  vuln: Unpatched host\n"


def _commands() -> Iterator[click.Command]:
    stack: list[click.Command] = list(COMMANDS)
    while stack:
        command = stack.pop()
        yield command
        if isinstance(command, click.Group):
            stack.extend(command.commands.values())


def _paths(
    commands: tuple[click.Command, ...] = COMMANDS, prefix: str = ""
) -> Iterator[tuple[str, click.Command]]:
    """(how to invoke it, command), subcommands of groups as `group sub`."""
    for command in commands:
        path = f"{prefix}{command.name or ''}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _paths(tuple(command.commands.values()), path + " ")


def _writers() -> list[tuple[str, click.Parameter]]:
    return [
        (path, param)
        for path, command in _paths()
        for param in command.params
        if isinstance(param.type, OutputPath)
    ]


def test_every_path_parameter_is_declared_as_read_or_written() -> None:
    undeclared = []
    for command in _commands():
        for param in command.params:
            if isinstance(param.type, OutputPath):
                continue
            named = (command.name, param.name) in READS or ("*", param.name) in READS
            is_path = isinstance(param.type, click.Path | click.File)
            writes = isinstance(param.type, click.File) and "r" not in param.type.mode
            looks_like_output = any(part in (param.name or "") for part in ("out", "write"))
            if writes or (is_path and not named) or looks_like_output:
                undeclared.append(f"sra {command.name} {param.name}")
    assert not undeclared, (
        "give these the type OutputPath (it writes a file) or list them in READS (it only "
        f"reads): {undeclared}"
    )
    assert len(_writers()) >= 10  # the walk sees the commands, not an empty tree


def _targets(param: click.Parameter) -> list[str]:
    """Ways to name a place inside the workspace: direct, new, through `..` and symlinks."""
    assert isinstance(param.type, OutputPath)
    if param.type.file_okay:
        return [
            "sra/sra.yaml",
            "sra/register/new.yaml",
            "elsewhere/../sra/sra.yaml",
            "linked/sra.yaml",
            "alias.yaml",
            "sra/register/../../sra/register/risks.yaml",
        ]
    return [
        "sra",
        "sra/register",
        "sra/new-folder",
        "elsewhere/../sra/register",
        "linked/register",
        "alias-folder",
    ]


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize(
    ("command", "param"), _writers(), ids=[f"{c}-{p.name}" for c, p in _writers()]
)
def test_every_writing_option_refuses_the_workspace(
    command, param, workspace, sra, tmp_path
) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked").symlink_to(root, target_is_directory=True)
    (tmp_path / "alias.yaml").symlink_to(root / "sra.yaml")
    (tmp_path / "alias-folder").symlink_to(root / "register", target_is_directory=True)
    before = _snapshot(root)
    for target in _targets(param):
        where = (param.opts[0], target) if isinstance(param, click.Option) else (target,)
        run = sra(*command.split(), *EXTRA.get(command, ()), *where)
        assert run.exit_code == 2, (target, run.stdout, run.stderr)
        assert "inside the workspace sra/" in run.stderr, (target, run.stderr)
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        # Unchanged, nothing added, and not even the cache written: refused before the work.
        assert _snapshot(root) == before, target


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "--output", "sra/sra.yaml"),
        ("lint", "-o", "sra/register/risks.yaml"),
        ("export", "--format", "oscal-ar", "--out", "sra/sra.yaml"),
        ("export", "--format", "xlsx", "--out", "sra/register/risks.yaml"),
        ("export", "--format", "csv", "--out", "sra/register"),
        ("gate", "-o", "sra/sra.yaml", "--paths-from", "-"),
        ("score", "--out", "sra/sra.yaml"),
        ("report", "--out", "sra/sra.yaml", "--no-history"),
        ("calendar", "--out", "sra/sra.yaml"),
    ],
)
def test_outputs_onto_workspace_files_leave_them_as_they_were(args, workspace, sra) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    before = _snapshot(root)
    run = sra(*args, input="")
    assert run.exit_code == 2 and run.stderr.startswith("sra: sra/"), run.stderr
    assert _snapshot(root) == before


def test_the_report_default_path_is_refused_inside_the_workspace(
    workspace, sra, monkeypatch
) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    monkeypatch.chdir(root)
    before = _snapshot(root)
    run = sra("report", "--no-history")
    assert run.exit_code == 2
    assert run.stderr.startswith("sra: sra-report.html: inside the workspace ./")
    assert _snapshot(root) == before
    assert sra("report", "--no-history", "--out", "../sra-report.html").exit_code == 0
    assert (root.parent / "sra-report.html").is_file()


def test_schemas_may_be_refreshed_in_the_workspace_schema_folder(workspace, sra) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    run = sra("schema", "--out", "sra/.schema")
    assert run.exit_code == 0, run.stderr
    assert (root / ".schema" / "risks.schema.json").is_file()
    refused = sra("schema", "--out", "sra/register")
    assert refused.exit_code == 2 and "writes only into sra/.schema/" in refused.stderr


def test_init_refuses_a_workspace_inside_another(workspace, sra) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    before = _snapshot(root)
    run = sra("init", "sra/register/nested")
    assert run.exit_code == 2 and "creates a workspace only outside another one" in run.stderr
    assert _snapshot(root) == before
    assert sra("init", "beside").exit_code == 0


def test_outputs_outside_the_workspace_are_written(workspace, sra, tmp_path) -> None:
    workspace({"register/risks.yaml": RISKS})
    (tmp_path / "out").mkdir()
    assert sra("lint", "--output", "out/lint.txt").exit_code in (0, 1)
    assert sra("export", "--format", "oscal-ar", "--out", "out/ar.json").exit_code == 0
    assert sra("score", "--out", "out/../scores.txt").exit_code == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"lint.txt", "ar.json"}
    assert (tmp_path / "scores.txt").is_file()


@pytest.mark.parametrize("fmt", ["xlsx", "oscal-ar", "oscal-poam"])
def test_export_to_a_directory_is_a_clean_usage_error(fmt, workspace, sra, tmp_path) -> None:
    workspace({"register/risks.yaml": RISKS})
    (tmp_path / "sheets").mkdir()
    run = sra("export", "--format", fmt, "--out", "sheets")
    assert run.exit_code == 2
    assert run.stderr.startswith(f"sra: sheets: is a directory; --format {fmt} writes one file")
    assert not list((tmp_path / "sheets").iterdir())


def test_csv_export_to_a_file_is_a_clean_usage_error(workspace, sra, tmp_path) -> None:
    workspace({"register/risks.yaml": RISKS})
    (tmp_path / "risks.csv").write_text("kept\n")
    run = sra("export", "--format", "csv", "--out", "risks.csv")
    assert run.exit_code == 2 and run.stderr.startswith("sra: risks.csv: not a directory")
    assert (tmp_path / "risks.csv").read_text() == "kept\n"
