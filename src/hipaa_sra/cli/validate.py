"""`sra validate`: load, check schema and references, print counts and every problem."""

from __future__ import annotations

from pathlib import Path

import click

from ..formats import findings_json, findings_text, summary_line
from ..loading import CheckResult, render_check_workspace
from .common import (
    emit,
    format_option,
    no_cache_option,
    progress_option,
    use_colour,
    workspace_option,
)
from .stages import QUICK_COMMAND_HELP, quick_command_stages


@click.command("validate")
@workspace_option
@format_option(["text", "json"])
@no_cache_option("Ignore and do not write the cache (parsed files and the findings printed).")
@progress_option(QUICK_COMMAND_HELP)
def validate_command(
    workspace: Path | None, fmt: str, no_cache: bool, progress: bool | None
) -> None:
    """Load the workspace and report schema problems, duplicate ids and dangling references.

    Exits 0 when nothing is an error, 1 when something is, 2 when a file
    cannot be read or parsed at all.

    Example:

    \b
        sra validate --workspace sra/
    """
    colour = fmt == "text" and use_colour()

    def render(result: CheckResult) -> str:
        if fmt == "json":
            extra = {"counts": result.counts, "files": len(result.files)}
            return findings_json(result.findings, extra)
        text = findings_text(result.findings, colour=colour) + "\n" if result.findings else ""
        return text + summary_line(result.counts, result.findings, len(result.files))

    style = f"{fmt}-colour" if colour else fmt
    with quick_command_stages("sra validate", progress) as stages:
        rendered = render_check_workspace(
            workspace, render, style, use_cache=not no_cache, progress=stages.start
        )
    emit(rendered.text, None)
    if rendered.errors:
        raise SystemExit(1)
