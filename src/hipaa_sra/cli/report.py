"""`sra report`: render the SRA document as HTML, PDF or Markdown."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import SraError
from ..findings import Severity
from ..history import Commit, History
from ..loading import load_workspace
from .common import (
    format_option,
    no_cache_option,
    out_option,
    progress_option,
    resolve_today,
    today_option,
    workspace_option,
)
from .stages import Stages

if TYPE_CHECKING:  # the report package is imported only when a report is rendered
    from ..model import Workspace
    from ..report import Report

_SUFFIX = {"html": "html", "pdf": "pdf", "md": "md", "docx": "docx"}


@click.command("report")
@workspace_option
@format_option(
    list(_SUFFIX),
    default="html",
    help="html (one self-contained file), pdf, md (Markdown) or docx (Word).",
)
@out_option(
    "Where to write (default: sra-report.<format>; - for standard output).",
    metavar="PATH",
    allow_dash=True,
)
@today_option
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Include the review history from git when the workspace is in a repository.",
)
@click.option(
    "--history-limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="List at most the N newest commits (default 100).",
)
@click.option(
    "--history-measure",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Compute the numbers of at most the N newest commits not yet cached (default 10).",
)
@click.option(
    "--detail-limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Rows a section shows before the rest move to an appendix (default 200; "
    "50 in a PDF, whose appendices are attached files).",
)
@no_cache_option(
    "Ignore and do not write the cache (parsed files and the review history's figures)."
)
@progress_option("Each stage and its time on standard error (default: only on a terminal).")
def report_command(
    workspace: Path | None,
    fmt: str,
    out: Path | None,
    today: datetime | None,
    history: bool,
    history_limit: int | None,
    history_measure: int | None,
    detail_limit: int | None,
    no_cache: bool,
    progress: bool | None,
) -> None:
    """Write the SRA document: the signed risk analysis auditors read.

    Sections carry the headings auditors look for (Scope, Methodology, Asset
    inventory, Data flows, ... Sign-off, Review history), with the heat maps,
    the data-flow diagram, the coverage of every HIPAA specification, OCR's
    nine elements and the sign-off state; a banner says NOT SIGNED or CHANGED
    SINCE SIGN-OFF when that is the case. Exits 0 when written, 2 when the
    workspace or the output path cannot be used.

    Example:

    \b
        sra report --format pdf --out sra.pdf
        sra report --format md --out SRA.md --today 2026-12-01
        sra report --format docx --out SRA.docx
    """
    day = resolve_today(today)
    target = out if out is not None else Path(f"sra-report.{_SUFFIX[fmt]}")
    if str(target) != "-":
        _check_target(target)  # before minutes of rendering, not after
    show = sys.stderr.isatty() if progress is None else progress
    with Stages("sra report", enabled=show) as stages:
        stages.start("loading the workspace")
        ws = load_workspace(workspace, use_cache=not no_cache)
        data, document = _render(
            ws,
            fmt,
            day,
            stages,
            history=history,
            history_limit=history_limit,
            history_measure=history_measure,
            detail_limit=detail_limit,
            no_cache=no_cache,
        )
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from ..writing import file_digest, replace_file

    replace_file(target, data, file_digest(target))
    click.echo(
        f"Wrote {target} ({fmt}, {len(data):,} bytes): {document.title} of "
        f"{document.organization} as of {day.isoformat()}, "
        f"{document.banner.title}"
    )


def _render(
    ws: Workspace,
    fmt: str,
    day: date,
    stages: Stages,
    *,
    history: bool,
    history_limit: int | None,
    history_measure: int | None,
    detail_limit: int | None,
    no_cache: bool,
) -> tuple[bytes, Report]:
    """The document's bytes in `fmt`, each stage announced on `stages`."""
    from ..report import (
        DETAIL_LIMIT,
        HISTORY_LIMIT,
        HISTORY_MEASURE,
        PDF_DETAIL_LIMIT,
        build_report,
        render_docx,
        render_html,
        render_markdown,
        render_pdf,
    )
    from ..report import review_history as load_history

    errors = sum(1 for finding in ws.findings if finding.severity is Severity.ERROR)
    if errors:
        stages.say(
            f"sra report: {errors} error(s) found while loading; the records concerned "
            "are left out of the report and listed under Findings"
        )
    past: History | None = None
    problem: str | None = "this rendering was made with --no-history"
    if history:
        measure = HISTORY_MEASURE if history_measure is None else history_measure

        def progress(commit: Commit) -> None:
            stages.start(f"measuring {commit.short} ({commit.date})")

        stages.start("reading the review history")
        past, problem = load_history(
            ws.root,
            limit=history_limit or HISTORY_LIMIT,
            measure=measure,
            use_cache=not no_cache,
            progress=progress if stages.enabled else None,
        )
    stages.start(f"building the document ({len(ws.risks):,} risks)")
    limit = detail_limit or (PDF_DETAIL_LIMIT if fmt == "pdf" else DETAIL_LIMIT)
    document = build_report(ws, day, history=past, history_problem=problem, detail_limit=limit)
    stages.start("rendering the HTML" if fmt in ("html", "pdf") else f"rendering {fmt}")
    if fmt == "md":
        return render_markdown(document).encode("utf-8"), document
    if fmt == "docx":
        return render_docx(document), document
    if fmt == "pdf":
        return render_pdf(
            document, laying_out=lambda what: stages.start(f"laying out the PDF pages ({what})")
        ), document
    return render_html(document).encode("utf-8"), document


def _check_target(target: Path) -> None:
    """Refuse a target inside a workspace, a directory, or in a directory that does not exist."""
    from ..writing import check_output

    check_output(target, "sra report --out")  # the default path is not checked while parsing
    if target.is_dir():
        raise SraError(f"{target}: is a directory; expected the report's file name")
    if not target.parent.exists():
        raise SraError(f"{target}: directory {target.parent} does not exist")
