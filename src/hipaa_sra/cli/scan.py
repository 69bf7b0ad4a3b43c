"""`sra scan`: find PHI in files and databases, and check it against the inventory."""

from __future__ import annotations

import difflib
import sys
import time
from pathlib import Path

import click

from ..errors import SraError
from ..scan.engine import Options, Target, scan
from ..scan.reconcile import out_of_scope, reconcile
from ..scan.render import to_json, to_sarif, to_text
from ..scan.sources import Filters
from .common import OutputPath, emit, workspace_option


class _Progress:
    """Rows and MB per second on standard error, only when it is a terminal."""

    def __init__(self) -> None:
        self.rows = 0
        self.bytes = 0
        self.start = time.monotonic()

    def __call__(self, rows: int, size: int) -> None:
        self.rows += rows
        self.bytes += size
        elapsed = max(time.monotonic() - self.start, 1e-6)
        sys.stderr.write(f"\rscanned {self.rows:,} rows, {self.bytes / 1e6:,.0f} MB "
                         f"({self.rows / elapsed:,.0f} rows/s, "
                         f"{self.bytes / 1e6 / elapsed:,.1f} MB/s)")  # fmt: skip
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")


@click.command("scan")
@click.argument("sources", nargs=-1)
@workspace_option
@click.option("--asset", metavar="ID", help="Tie the sources given to this inventory asset.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=OutputPath(), default=None,
              help="Write the result to this file instead of standard output.")
@click.option("--show-samples", is_flag=True,
              help="Show up to three example values per column found, masked (***-**-1234).")
@click.option("--max-rows", type=click.IntRange(min=1), default=None,
              help="Read at most this many rows per table (default: all).")
@click.option("--sample", "sample_percent", type=click.FloatRange(0, 100, min_open=True),
              default=None, metavar="PERCENT",
              help="Databases: read about this percent of each table (TABLESAMPLE SYSTEM).")
@click.option("--schema", "schemas", multiple=True, help="PostgreSQL: only tables in this "
              "schema (repeatable).")
@click.option("--table", "tables", multiple=True,
              help="Databases: only this table, `name` or `schema.name` (repeatable).")
@click.option("--progress/--no-progress", default=None,
              help="Progress on standard error (default: only on a terminal).")
def scan_command(sources: tuple[str, ...], workspace: Path | None, asset: str | None, fmt: str,
                 output: Path | None, show_samples: bool, max_rows: int | None,
                 sample_percent: float | None, schemas: tuple[str, ...],
                 tables: tuple[str, ...], progress: bool | None) -> None:  # fmt: skip
    """Find PHI in files and databases.

    SOURCES are CSV, TSV, JSON Lines or Parquet files, folders or globs of them,
    fsspec URLs (s3://...) when fsspec is installed, SQLite files, and
    postgresql:// URLs (`postgresql://` alone uses the libpq environment).
    Reports, per table and column, the identifier types found with a confidence
    and the share of values that matched; never the values, unless
    --show-samples, and then masked. Nothing is ever written to a source.

    With --asset, the sources belong to that inventory asset: PHI in an asset
    marked `ephi: absent` is the error phi-found-out-of-scope (exit 1).

    Exits 0 when done, 1 when PHI was found in an asset marked absent, 2 on a
    usage error. A source that cannot be read is reported and the others go on.

    Example:

        sra scan exports/ --asset analytics-bucket
        sra scan postgresql://reader@db/clinic --schema public --sample 5 --format json
    """
    if not sources:
        raise click.UsageError("name at least one source to scan")
    assets = {}
    base = None
    if asset is not None:
        from ..loading import load_workspace

        ws = load_workspace(workspace)
        assets = {a.id: a for a in ws.assets if a.id is not None}
        if asset not in assets:
            close = difflib.get_close_matches(asset, list(assets), 1)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            raise SraError(f"--asset {asset}: no asset has this id in the inventory{hint}")
    filters = Filters(schemas=schemas, tables=tables, max_rows=max_rows,
                      sample_percent=sample_percent)  # fmt: skip
    options = Options(filters=filters, show_samples=show_samples, base=base)
    show = sys.stderr.isatty() if progress is None else progress
    meter = _Progress() if show else None
    result = scan([Target(spec, asset) for spec in sources], options, meter)
    if meter is not None:
        meter.done()
    findings = reconcile(result, assets)
    if fmt == "json":
        text = to_json(result, samples=show_samples, findings=findings)
    elif fmt == "sarif":
        text = to_sarif(result, findings=findings)
    else:
        text = to_text(result, samples=show_samples, findings=findings)
    emit(text.rstrip("\n"), output)
    if out_of_scope(findings):
        raise SystemExit(1)
