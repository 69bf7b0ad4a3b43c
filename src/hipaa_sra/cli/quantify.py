"""`sra quantify`: the register's annual loss in USD by Monte Carlo, inherent against residual."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

import click

from ..findings import Severity
from ..loading import load_workspace
from ..quantify import DEFAULT_SEED, DEFAULT_YEARS, MAX_YEARS
from .common import (
    format_option,
    no_cache_option,
    out_option,
    progress_option,
    resolve_today,
    today_option,
    workspace_option,
)


class _Progress:
    """Risks simulated so far, on standard error, a few times a second at most."""

    def __init__(self, years: int) -> None:
        self.years = years
        self.shown = 0.0
        self.written = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < 0.2 and done < total:
            return
        self.shown = now
        self.written = True
        sys.stderr.write(
            f"\rsra quantify: {done:,} of {total:,} risks simulated ({self.years:,} years each)"
        )
        sys.stderr.flush()

    def done(self) -> None:
        if self.written:
            sys.stderr.write("\n")


@click.command("quantify")
@workspace_option
@click.option(
    "--years",
    type=click.IntRange(min=1, max=MAX_YEARS),
    default=DEFAULT_YEARS,
    show_default=True,
    metavar="N",
    help="Simulated years.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=DEFAULT_SEED,
    show_default=True,
    metavar="S",
    help="Random seed: the same seed gives the same numbers.",
)
@format_option(["text", "json", "csv"])
@out_option()
@today_option
@no_cache_option()
@progress_option()
def quantify_command(
    workspace: Path | None,
    years: int,
    seed: int,
    fmt: str,
    out: Path | None,
    today: datetime | None,
    no_cache: bool,
    progress: bool | None,
) -> None:
    """Estimate each risk's annual loss in USD, and the register's, by Monte Carlo.

    Each simulated year draws every risk's loss event frequency and loss
    magnitude (PERT from min, most likely and max, or lognormal from a 90%
    interval) and multiplies them. A risk's `quant:` block gives its own
    estimates and the effect of current and planned controls; anything it
    leaves out comes from `methodology.calibration` by likelihood and impact.
    Prints mean, P50, P90 and P99 per risk (inherent and residual), the loss
    exceedance of the whole register, the top contributors and what each
    planned remediation is expected to save. Exits 0, or 2 when the workspace
    cannot be used.

    Example:

    \b
        sra quantify --years 20000 --seed 7
        sra quantify --format json --out quantified.json
    """
    from ..formats.quantify import quantify_csv, quantify_json, quantify_text
    from ..quantify import quantify

    day = resolve_today(today)
    loaded = load_workspace(workspace, use_cache=not no_cache)
    errors = sum(1 for finding in loaded.findings if finding.severity is Severity.ERROR)
    if errors:
        click.echo(
            f"sra quantify: {errors} error(s) found while loading; risks concerned use "
            "the calibration or are left out (run `sra lint`)",
            err=True,
        )
    show = sys.stderr.isatty() if progress is None else progress
    meter = _Progress(years) if show else None
    result = quantify(loaded, years=years, seed=seed, progress=meter)
    if meter is not None:
        meter.done()
    if fmt == "json":
        text = quantify_json(result, as_of=day) + "\n"
    elif fmt == "csv":
        text = quantify_csv(result)
    else:
        text = quantify_text(result, as_of=day)
    if out is None:
        click.echo(text, nl=False)
    else:
        from ..writing import file_digest, replace_file

        replace_file(out, text.encode("utf-8"), file_digest(out))
