"""`sra gate`: fail a change that touches ePHI code without consulting the risk analysis."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click

from ..formats.gate import GATE_FORMATS
from ..gate import GateError, read_paths, run_gate
from .common import emit, format_option, no_cache_option, output_option, workspace_option


@click.command("gate")
@workspace_option
@click.option(
    "--base",
    default=None,
    metavar="REF",
    help="Compare against this ref (default: origin/main, origin/master, main or "
    "master, the first that exists and is not the head; else HEAD~1).",
)
@click.option(
    "--head", default=None, metavar="REF", help="The change's last commit (default: HEAD)."
)
@click.option(
    "--paths-from",
    "paths_from",
    default=None,
    metavar="FILE",
    type=click.File("r", encoding="utf-8", errors="surrogateescape"),
    help="Read changed paths (one per line, repository-relative) from FILE, or - for "
    "stdin, instead of from git.",
)
@format_option(list(GATE_FORMATS))
@output_option("Write the report to this file instead of standard output.")
@no_cache_option()
def gate_command(
    workspace: Path | None,
    base: str | None,
    head: str | None,
    paths_from: TextIO | None,
    fmt: str,
    output: Path | None,
    no_cache: bool,
) -> None:
    """Check that a change touching ePHI code consulted the risk analysis.

    Changed paths (git diff BASE...HEAD, or the list given with --paths-from)
    are matched against every asset's code_paths. Each touched asset with
    ePHI present or possible must be consulted: the change edits its
    inventory entry, a risk on it, a control on it or a flow from or to it,
    or a commit in the change carries the trailer
    `SRA-Reviewed: <asset or risk ids>: <reason>`. Exits 0 when every
    touched ePHI asset was consulted, 1 when one was not, 2 on a usage error
    (bad ref, not a git repository, unreadable workspace). See docs/gate.md.

    Example:

    \b
        sra gate --base origin/main
        sra gate --format github
        git diff --name-only HEAD~3 | sra gate --paths-from -
    """
    if paths_from is not None and (base is not None or head is not None):
        raise GateError(
            "--paths-from reads the changed paths from a list; "
            "it cannot be combined with --base or --head"
        )
    paths = read_paths(paths_from) if paths_from is not None else None
    result = run_gate(workspace, base=base, head=head, paths=paths, use_cache=not no_cache)
    emit(GATE_FORMATS[fmt](result), output)
    if not result.passed:
        raise SystemExit(1)
