"""`sra scan`: find PHI in files and databases, and check it against the inventory."""

from __future__ import annotations

import difflib
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import SraError
from ..scan.engine import Options, Target, scan
from ..scan.reconcile import out_of_scope, reconcile
from ..scan.render import to_json, to_sarif, to_text
from ..scan.sources import Filters
from ..scan.types import ScanResult
from .common import (
    emit,
    engine_option,
    format_option,
    output_option,
    progress_option,
    resolve_today,
    scheduler_option,
    schema_option,
    table_option,
    today_option,
    workspace_option,
)

if TYPE_CHECKING:
    # A scan without a workspace never imports the models or the editor.
    from ..editing import Digests
    from ..model import Asset


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
        sys.stderr.write(
            f"\rscanned {self.rows:,} rows, {self.bytes / 1e6:,.0f} MB "
            f"({self.rows / elapsed:,.0f} rows/s, "
            f"{self.bytes / 1e6 / elapsed:,.1f} MB/s)"
        )
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")


def _asset(assets: dict[str, Asset], key: str) -> Asset:
    if key not in assets:
        close = difflib.get_close_matches(key, list(assets), 1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise SraError(f"--asset {key}: no asset has this id in the inventory{hint}")
    return assets[key]


def _workspace_targets(
    assets: dict[str, Asset], only: str | None, filters: Filters
) -> list[Target]:
    chosen = [_asset(assets, only)] if only else list(assets.values())
    targets = []
    for asset in chosen:
        for entry in asset.scan:
            if entry.source is None:
                continue  # unreadable: the loader reported it
            own = replace(
                filters,
                schemas=entry.schemas or filters.schemas,
                tables=entry.tables or filters.tables,
            )
            targets.append(Target(entry.source, asset.id, own))
    if not targets:
        where = f"asset `{only}` has" if only else "no asset has"
        raise click.UsageError(f"name sources to scan; {where} a `scan:` list in the inventory")
    return targets


@click.command("scan")
@click.argument("sources", nargs=-1)
@workspace_option
@click.option(
    "--asset",
    metavar="ID",
    help="Tie the sources given to this inventory asset "
    "(without SOURCES: scan that asset's `scan:` list).",
)
@format_option(["text", "json", "sarif"])
@output_option("Write the result to this file instead of standard output.")
@click.option(
    "--show-samples",
    is_flag=True,
    help="Show up to three example values per column found, masked (***-**-1234).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=None,
    help="Read at most this many rows per table (default: all).",
)
@click.option(
    "--sample",
    "sample_percent",
    type=click.FloatRange(0, 100, min_open=True),
    default=None,
    metavar="PERCENT",
    help="Databases: read about this percent of each table (TABLESAMPLE SYSTEM).",
)
@schema_option("PostgreSQL: only tables in this schema (repeatable).")
@table_option("Databases: only this table, `name` or `schema.name` (repeatable).")
@engine_option("Scan in this process, or on a Dask cluster (files only).")
@scheduler_option(
    "With --engine dask: the scheduler's address (tcp://host:8786); default: "
    "threads in this process."
)
@click.option(
    "--record-evidence",
    is_flag=True,
    help="Write each fully scanned source's result as evidence on its asset's "
    "`scan:` entry (date, rows sampled, detector version, digest).",
)
@today_option
@progress_option()
def scan_command(
    sources: tuple[str, ...],
    workspace: Path | None,
    asset: str | None,
    fmt: str,
    output: Path | None,
    show_samples: bool,
    max_rows: int | None,
    sample_percent: float | None,
    schemas: tuple[str, ...],
    tables: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    record_evidence: bool,
    today: datetime | None,
    progress: bool | None,
) -> None:
    """Find PHI in files and databases.

    SOURCES are CSV, TSV, JSON Lines or Parquet files, folders or globs of them,
    fsspec URLs (s3://...) when fsspec is installed, SQLite files, and
    postgresql:// URLs (`postgresql://` alone uses the libpq environment).
    Without SOURCES, scans every asset's `scan:` list in the workspace (paths
    relative to the workspace). Reports, per table and column, the identifier
    types found with a confidence and the share of values that matched; never
    the values, unless --show-samples, and then masked. Nothing is ever written
    to a source.

    PHI in an asset marked `ephi: absent` is the error phi-found-out-of-scope.

    Exits 0 when done, 1 when PHI was found in an asset marked absent, 2 on a
    usage error. A source that cannot be read is reported and the others go on.

    Example:

    \b
        sra scan
        sra scan exports/ --asset product-events-bucket --record-evidence
        sra scan postgresql://reader@db/clinic --schema public --sample 5 --format json
    """
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    filters = Filters(
        schemas=schemas, tables=tables, max_rows=max_rows, sample_percent=sample_percent
    )
    assets: dict[str, Asset] = {}
    root: Path | None = None
    digests: Digests | None = None
    if asset is not None or not sources or record_evidence:
        from ..editing import snapshot
        from ..loading import find_workspace, load_workspace

        root = find_workspace(workspace)
        digests = snapshot(root) if record_evidence else None
        ws = load_workspace(root)
        assets = {a.id: a for a in ws.assets if a.id is not None}
    if sources:
        if asset is not None:
            _asset(assets, asset)
        elif record_evidence:
            raise click.UsageError("--record-evidence needs --asset ID for the sources given")
        targets = [Target(spec, asset) for spec in sources]
        base = None
    else:
        targets = _workspace_targets(assets, asset, filters)
        base = root
    options = Options(filters=filters, show_samples=show_samples, base=base)
    show = sys.stderr.isatty() if progress is None else progress
    meter = _Progress() if show else None
    if engine == "dask":
        from ..scan.dask_engine import scan_dask

        result = scan_dask(targets, options, scheduler)
    else:
        result = scan(targets, options, meter)
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
    if record_evidence and root is not None:
        _record(result, assets, root, resolve_today(today), targets, digests)
    if out_of_scope(findings):
        raise SystemExit(1)


def _record(
    result: ScanResult,
    assets: dict[str, Asset],
    root: Path,
    today: date,
    targets: list[Target],
    digests: Digests | None,
) -> None:
    """Write the evidence through the editor; say what was written and what was not."""
    from ..scan.evidence import plan_evidence, record, stored_source

    listed = {entry.source for a in assets.values() for entry in a.scan}
    specs = {}
    for target, source in zip(targets, result.sources, strict=True):
        # Entries from the workspace are written back as they are; URLs as shown (never
        # with a password); other paths relative to the workspace.
        if target.spec in listed:
            specs[source.source] = target.spec
        elif "://" in target.spec:
            specs[source.source] = source.source
        else:
            specs[source.source] = stored_source(target.spec, root)
    changes, skipped = plan_evidence(result, assets, root, today, specs)
    for item in skipped:
        click.echo(f"sra: {item.source}: evidence not recorded: {item.reason}", err=True)
    if changes:
        written = record(root, changes, expected=digests)
        names = ", ".join(str(p) for p in written.files) or "nothing new (already recorded)"
        click.echo(f"Recorded scan evidence: {names}", err=True)
