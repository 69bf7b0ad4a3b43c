"""`sra history` and `sra diff`: the register through its git history."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..formats.history import diff_json, diff_text, history_json, history_text
from ..history import Commit, diff_refs, history, open_repository
from ..loading import find_workspace
from .common import emit, format_option, no_cache_option, out_option, workspace_option


@click.command("history")
@workspace_option
@format_option(["text", "json"])
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Only the N most recent commits that touched the workspace.",
)
@out_option()
@no_cache_option("Measure every commit again; write no cache.")
def history_command(
    workspace: Path | None, fmt: str, limit: int | None, out: Path | None, no_cache: bool
) -> None:
    """Show how the register changed over the commits that touched the workspace.

    One row per commit of HEAD's history that changed the workspace directory,
    oldest first: risks by residual level, open and overdue remediation, and
    `sra lint` findings by severity. Each commit is measured as of its own
    committer date (overdue then, findings then), so the report never depends
    on the clock. Uncommitted changes are not included. Results are cached in
    .sra_cache/ by the workspace's tree id. A commit whose workspace does not
    load is reported as such. Exits 0, or 2 outside a git repository.

    Example:

    \b
        sra history
        sra history --format json --limit 20 --out history.json
    """
    root = find_workspace(workspace)
    repo = open_repository(root)

    def progress(commit: Commit) -> None:
        # A first run over a long history loads every commit; say so, but only to a person.
        click.echo(f"sra history: measuring {commit.short} ({commit.date})", err=True)

    interactive = sys.stderr.isatty()
    report = history(
        root, repo, limit=limit, use_cache=not no_cache, progress=progress if interactive else None
    )
    emit(history_json(report) if fmt == "json" else history_text(report), out)


@click.command("diff")
@click.argument("old_ref", metavar="A")
@click.argument("new_ref", metavar="[B]", default="HEAD")
@workspace_option
@format_option(["text", "json"])
@out_option()
def diff_command(
    old_ref: str, new_ref: str, workspace: Path | None, fmt: str, out: Path | None
) -> None:
    """Compare the risk register at two git refs: risks added, removed, re-scored.

    A and B are any commit, branch or tag (B defaults to HEAD); the workspace
    is read at each from git, so the working tree is not involved. Reports
    risks added and removed, risks whose likelihood, impact, inherent or
    residual level changed (old -> new), and remediation items added, closed
    (done or accepted) or removed. A report, not a gate: exits 0, or 2
    outside a git repository, for an unknown ref, or when the workspace does
    not exist or load at a ref.

    Example:

    \b
        sra diff sra-2025 HEAD
        sra diff HEAD~10 --format json
    """
    root = find_workspace(workspace)
    repo = open_repository(root)
    report = diff_refs(repo, old_ref, new_ref)
    emit(diff_json(report) if fmt == "json" else diff_text(report), out)
