"""`sra deidentify`: Safe Harbor copies of files and databases, proved by a re-scan."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..errors import TargetExists
from ..names import is_utf8, printable
from ..scan.sources import Filters
from .common import (
    OutputPath,
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


class OutputTarget(OutputPath):
    """A file, folder or `postgresql://` URL written to: local paths pass the output guard."""

    def __init__(self) -> None:
        super().__init__(dir_okay=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The URL as given, or the path once the guard has accepted it."""
        if isinstance(value, str) and value.startswith(("postgresql://", "postgres://")):
            return value
        return str(super().convert(value, param, ctx))


def _say(message: str) -> None:
    click.echo(f"sra deidentify: {message}", err=True)


@click.command("deidentify")
@click.option(
    "--from",
    "source",
    metavar="SRC",
    help="Folder or file of CSV, TSV, JSON Lines, Parquet; a SQLite file; or a postgresql:// URL.",
)
@click.option(
    "--to",
    "destination",
    type=OutputTarget(),
    metavar="DST",
    help="Where the copy goes: a folder, a SQLite file, or a postgresql:// URL.",
)
@click.option(
    "--policy",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="The policy: a profile and each column's action.",
)
@click.option(
    "--init-policy",
    "init_source",
    metavar="SRC",
    help="Scan SRC and write a draft policy for a person to review.",
)
@output_option("With --init-policy: write the draft here instead of standard output.")
@click.option(
    "--mapping-store",
    type=OutputTarget(),
    metavar="STORE",
    help="SQLite file or postgresql:// URL holding surrogates and date offsets, outside the copy.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace a destination that is not empty, once the copy has passed its re-scan.",
)
@schema_option("PostgreSQL: only this schema (repeatable).")
@table_option("PostgreSQL: only this table, `name` or `schema.name` (repeatable).")
@engine_option("Transform files in this process, or on a Dask cluster.")
@scheduler_option("With --engine dask: the scheduler's address (default: local threads).")
@click.option(
    "--verify",
    type=click.Choice(["memory", "full"]),
    default=None,
    help="How the copy is scanned: `memory`, each batch of a file as it is written "
    "(the default for files); `full`, the written copy read back by sra scan (the "
    "default, and the only way, for databases and --engine dask).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Re-scan confidence from which an identifier left in the copy fails the run.",
)
@click.option(
    "--asset",
    metavar="ID",
    help="The inventory asset the copy is (its `scoped_out_by` control gets the record).",
)
@click.option(
    "--record-evidence",
    is_flag=True,
    help="Write the de-identification record as evidence on the asset's scoped_out_by control.",
)
@workspace_option
@today_option
@format_option(["text", "json"])
@progress_option()
def deidentify_command(
    source: str | None,
    destination: str | None,
    policy: Path | None,
    init_source: str | None,
    output: Path | None,
    mapping_store: str | None,
    replace: bool,
    schemas: tuple[str, ...],
    tables: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    verify: str | None,
    threshold: float,
    asset: str | None,
    record_evidence: bool,
    workspace: Path | None,
    today: datetime | None,
    fmt: str,
    progress: bool | None,
) -> None:
    """Make a de-identified copy of files or a database, and prove it by a re-scan.

    Each column gets its policy's action: drop, keep, redact, generalize (dates
    to the year, ZIP codes to three digits, ages over 89 to 90+), surrogate,
    pseudonymize, date-shift or redact-text. The copy is written to a temporary
    place, re-scanned with `sra scan`, and put at DST only if no identifier is
    left; the schema (tables, types, primary and foreign keys) comes before the
    rows. Pseudonymize reads its key from SRA_DEID_KEY.

    Exits 0 when the copy is in place, 1 when the re-scan found an identifier
    (nothing is written), 2 on a usage or input error.

    Example:

    \b
        sra deidentify --init-policy exports/ -o policy.yaml
        sra deidentify --from exports/ --to /staging/exports --policy policy.yaml
            --mapping-store /secure/deid-map.sqlite
        sra deidentify --from clinic.sqlite --to staging.sqlite --policy policy.yaml
            --asset staging-db --record-evidence
    """
    from ..deid import Request, deidentify, load_policy, source_tables
    from ..deid.policy_init import draft, free_text, scan_for_policy
    from ..deid.render import to_json, to_text

    day = resolve_today(today)
    if init_source is not None:
        if source or destination or policy:
            raise click.UsageError("--init-policy drafts a policy; run the copy separately")
        if output is not None and output.exists():
            # A policy someone has reviewed is never overwritten by a new draft.
            raise TargetExists(f"{output}: exists; write the draft to a new file and compare")
        filters = Filters(schemas=schemas, tables=tables)
        found = scan_for_policy(init_source, filters)
        if found.unscanned:
            raise click.UsageError(f"{init_source}: cannot scan: {found.unscanned[0].error}")
        listed = source_tables(init_source, schemas, tables)
        emit(draft(init_source, listed, found, free_text(init_source, filters), day), output)
        return
    if not (source and destination and policy):
        raise click.UsageError("give --from SRC, --to DST and --policy FILE (or --init-policy SRC)")
    if not is_utf8(destination):  # polars and SQLite create files by a UTF-8 path only
        raise click.UsageError(
            f"--to {printable(destination)}: the path is not UTF-8, and the copy is written "
            "only to UTF-8 paths; choose another"
        )
    if record_evidence and asset is None:
        raise click.UsageError("--record-evidence needs --asset ID (the copy's asset)")
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    loaded = load_policy(policy)
    root = digests = control = None
    if record_evidence and asset is not None:
        from ..deid.record import control_of
        from ..editing import snapshot
        from ..loading import find_workspace, load_workspace

        root = find_workspace(workspace)
        digests = snapshot(root)
        control = control_of(load_workspace(root), asset)
    key = os.environ.get("SRA_DEID_KEY")
    request = Request(
        source,
        destination,
        loaded,
        day,
        mapping_store,
        replace,
        schemas,
        tables,
        threshold,
        engine,
        scheduler,
        key.encode() if key else None,
        verify,
    )
    show = sys.stderr.isatty() if progress is None else progress
    outcome = deidentify(request, _say if show else None)
    emit(to_json(outcome) if fmt == "json" else to_text(outcome), None)
    if not outcome.written:
        raise SystemExit(1)
    if root is not None and control is not None:
        from ..deid.record import evidence, record

        written = record(root, control, evidence(outcome, day, root), digests)
        names = ", ".join(str(p) for p in written.files) or "nothing new"
        click.echo(f"Recorded the de-identification as evidence of {control}: {names}", err=True)
