"""`sra score`: rank the register by residual and inherent risk under the workspace's matrix."""

from __future__ import annotations

from pathlib import Path

import click

from ..catalog import RiskMatrix
from ..errors import LoadError
from ..findings import Location, Severity
from ..formats.scores import scores_csv, scores_json, scores_text
from ..loading import load_workspace
from ..model import Workspace
from ..scoring import MethodologyError, score_risks, workspace_matrix
from ..writing import file_digest, replace_file
from .common import format_option, no_cache_option, out_option, use_colour, workspace_option


@click.command("score")
@workspace_option
@format_option(["text", "json", "csv"])
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Show only the N highest-ranked risks.",
)
@out_option()
@no_cache_option()
def score_command(
    workspace: Path | None, fmt: str, limit: int | None, out: Path | None, no_cache: bool
) -> None:
    """Score every risk with the methodology's matrix and rank them, highest first.

    Risks are ranked by residual level (the stated one, else the inherent
    level), then inherent level (stated, else the matrix's), then the
    semi-quantitative score (tool-defined, 0-100), then id. Inherent levels
    that disagree with the matrix are marked. A report, not a gate: exits 0,
    or 2 when the workspace or its methodology cannot be used.

    Example:

    \b
        sra score --limit 10
        sra score --format csv --out risks.csv
    """
    loaded = load_workspace(workspace, use_cache=not no_cache)
    matrix = _matrix(loaded)
    scored = score_risks(loaded, matrix, limit=limit)
    total = len(loaded.risks)
    errors = sum(1 for finding in loaded.findings if finding.severity is Severity.ERROR)
    if errors:
        click.echo(
            f"sra score: {errors} error(s) found while loading; scores may be incomplete "
            "or wrong until they are fixed (run `sra validate`)",
            err=True,
        )
    if fmt == "json":
        text = scores_json(scored, matrix, total=total) + "\n"
    elif fmt == "csv":
        text = scores_csv(scored)
    else:
        colour = out is None and use_colour()
        text = scores_text(scored, matrix, colour=colour, total=total) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        replace_file(out, text.encode("utf-8"), file_digest(out))


def _matrix(loaded: Workspace) -> RiskMatrix:
    """The workspace's matrix, or `LoadError` pointing into `sra.yaml` at why there is none."""
    manifest_file = loaded.files[0] if loaded.files else "sra.yaml"
    manifest = loaded.manifest
    if manifest is None:
        # Scoring with default levels would mislabel every row of a workspace that chose others.
        first = next((f for f in loaded.findings if f.location.file == manifest_file), None)
        where = first.location if first else Location(manifest_file)
        problem = f" ({first.code} {first.name})" if first else ""
        raise LoadError(
            manifest_file,
            f"sra.yaml did not load{problem}, so the methodology to score with is unknown",
            where.line,
            where.column,
            hint="run `sra validate` and fix sra.yaml",
        )
    try:
        return workspace_matrix(loaded)
    except MethodologyError as exc:
        path = ("methodology", exc.field) if exc.field else ("methodology",)
        where = loaded.locate(manifest, path)
        raise LoadError(where.file, exc.message, where.line, where.column, hint=exc.hint) from None
