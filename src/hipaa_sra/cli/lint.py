"""`sra lint`: run the auditor's rules and report findings in the chosen format."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path

import click

from ..findings import Severity
from ..formats import LINT_FORMATS, lint_sarif, lint_text
from ..lifetime import keeping
from ..rules.cached import render_lint_workspace
from ..rules.selection import Selection
from .common import (
    emit,
    format_option,
    no_cache_option,
    output_option,
    progress_option,
    resolve_today,
    today_option,
    use_colour,
    workspace_option,
)
from .stages import QUICK_COMMAND_HELP, quick_command_stages


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept both `--select A --select B` and `--select A,B`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command("lint")
@workspace_option
@format_option(list(LINT_FORMATS))
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in Severity]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@today_option
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Run only these rules (codes, code prefixes such as SRA1, or names).",
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules.")
@output_option("Write the report to this file instead of standard output.")
@no_cache_option(
    "Ignore and do not write the cache (parsed files, each file's findings, the output)."
)
@click.option(
    "--discovered",
    "discovered",
    multiple=True,
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Also check the inventory against this infrastructure input (a Terraform "
    "plan or state, a .tf directory, a CloudFormation template or Kubernetes "
    "manifests), as `discovery:` in sra.yaml does; repeatable.",
)
@click.option(
    "--show-waived",
    is_flag=True,
    help="Text format: also list waived findings, each with its waiver (the other "
    "formats include them; SARIF unless --omit-waived).",
)
@click.option(
    "--omit-waived",
    is_flag=True,
    help="SARIF format: leave out waived findings, for GitHub code scanning, which "
    "does not read SARIF suppressions and would open an alert for each.",
)
@click.option(
    "--expand",
    is_flag=True,
    help="Text format: one line per HIPAA specification without a control, instead "
    "of one per standard with a count (the other formats list each).",
)
@progress_option(QUICK_COMMAND_HELP)
def lint_command(
    workspace: Path | None,
    fmt: str,
    fail_on: str,
    today: datetime | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output: Path | None,
    no_cache: bool,
    discovered: tuple[Path, ...],
    show_waived: bool,
    omit_waived: bool,
    expand: bool,
    progress: bool | None,
) -> None:
    """Check the workspace the way an auditor would.

    Runs every rule (see `sra rules`) and reports findings. Exits 0 when no
    finding reaches --fail-on, 1 when one does, 2 on a usage error or a file
    that cannot be read. Waived findings never count towards the exit code.

    Example:

    \b
        sra lint
        sra lint --format sarif --output sra.sarif
        sra lint --format sarif --omit-waived --output github.sarif
        sra lint --today 2026-11-22 --select SRA1 --ignore stale-review
        sra lint --show-waived --expand
        sra lint --discovered plan.json
    """
    if omit_waived and fmt != "sarif":
        raise click.UsageError(
            f"--omit-waived applies to --format sarif, not {fmt}"
            + (" (text leaves waived findings out unless --show-waived)" if fmt == "text" else "")
        )
    day = resolve_today(today)
    selection = Selection(_split(select), _split(ignore))
    colour = fmt == "text" and output is None and use_colour()
    renderer = LINT_FORMATS[fmt]
    style = fmt
    if fmt == "text":
        renderer = partial(lint_text, colour=colour, show_waived=show_waived, expand=expand)
        style = (
            "text"
            + ("-colour" if colour else "")
            + ("-waived" if show_waived else "")
            + ("-expand" if expand else "")
        )
    if omit_waived:
        renderer = partial(lint_sarif, omit_waived=True)
        style = "sarif-omit-waived"
    # The lint is this process's last work: its models go with the process (`keeping`).
    with keeping(), quick_command_stages("sra lint", progress) as stages:
        result = render_lint_workspace(
            workspace,
            day,
            selection,
            renderer,
            style,
            use_cache=not no_cache,
            discovered=discovered,
            progress=stages.start,
        )
    emit(result.text, output)
    if result.at_or_above(Severity(fail_on)):
        raise SystemExit(1)
