"""`sra validate`: load, check schema and references, print counts and every problem."""

from __future__ import annotations

from pathlib import Path

import click

from ..findings import Severity
from ..formats import findings_json, findings_text, summary_line
from ..loading import check_workspace
from .common import use_colour, workspace_option


@click.command("validate")
@workspace_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not write the load cache.")
def validate_command(workspace: Path | None, fmt: str, no_cache: bool) -> None:
    """Load the workspace and report schema problems, duplicate ids and dangling references.

    Exits 0 when nothing is an error, 1 when something is, 2 when a file
    cannot be read or parsed at all.

    Example:

    \b
        sra validate --workspace sra/
    """
    result = check_workspace(workspace, use_cache=not no_cache)
    if fmt == "json":
        click.echo(
            findings_json(result.findings, {"counts": result.counts, "files": len(result.files)})
        )
    else:
        if result.findings:
            click.echo(findings_text(result.findings, colour=use_colour()))
        click.echo(summary_line(result.counts, result.findings, len(result.files)))
    if result.count(Severity.ERROR):
        raise SystemExit(1)
