"""`sra export` and `sra import`: the workspace to and from spreadsheets (CSV, XLSX)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from ..editing import Commit
from ..errors import WriteError
from ..formats.imports import render_plan
from ..interop.importer import apply_plan, plan_import, snapshot
from ..interop.oscal import assessment_results, oscal_json, poam
from ..interop.spreadsheet import Table, kind_named, read_sheets, write_csv, write_xlsx
from ..interop.tables import SHEET_KIND_BY_NAME, SHEET_KINDS, columns, row
from ..loading import load_workspace
from ..loading.discover import find_workspace
from ..model import Kind, Workspace
from .common import OutputPath, emit, resolve_today, today_option, workspace_option

Exporter = Callable[[Workspace, tuple[Kind, ...], Path, date], list[Path]]


def _tables(workspace: Workspace, kinds: tuple[Kind, ...]) -> list[Table]:
    tables = []
    for kind in kinds:
        records = getattr(workspace, kind.name)
        cols = columns(kind, records)
        tables.append(Table(kind, cols, [row(record, cols) for record in records]))
    return tables


def _levels(workspace: Workspace) -> tuple[str, ...]:
    five = workspace.manifest is not None and workspace.manifest.methodology.levels == 5
    inner = ("low", "moderate", "high")
    return ("very-low", *inner, "very-high") if five else inner


def _export_csv(
    workspace: Workspace, kinds: tuple[Kind, ...], out: Path, today: date
) -> list[Path]:
    return write_csv(out, _tables(workspace, kinds))


def _export_xlsx(
    workspace: Workspace, kinds: tuple[Kind, ...], out: Path, today: date
) -> list[Path]:
    write_xlsx(out, _tables(workspace, kinds), _levels(workspace))
    return [out]


def _export_oscal_ar(
    workspace: Workspace, kinds: tuple[Kind, ...], out: Path, today: date
) -> list[Path]:
    emit(oscal_json(assessment_results(workspace, today)), out)
    return [out]


def _export_oscal_poam(
    workspace: Workspace, kinds: tuple[Kind, ...], out: Path, today: date
) -> list[Path]:
    emit(oscal_json(poam(workspace, today)), out)
    return [out]


EXPORT_FORMATS: dict[str, tuple[Exporter, str]] = {
    "csv": (_export_csv, "one <kind>.csv per kind in the directory --out"),
    "xlsx": (_export_xlsx, "one workbook, a sheet per kind, with drop-down lists"),
    "oscal-ar": (_export_oscal_ar, "OSCAL assessment-results JSON (risks, findings, evidence)"),
    "oscal-poam": (_export_oscal_poam, "OSCAL POA&M JSON, one item per open remediation"),
}
"""Every `sra export --format`: its writer and a line of help; add new formats here."""


def _kinds(value: str | None) -> tuple[Kind, ...]:
    if not value:
        return SHEET_KINDS
    kinds = []
    for name in (part.strip() for part in value.split(",") if part.strip()):
        kind = SHEET_KIND_BY_NAME.get(name) or kind_named(name)
        if kind is None:
            raise click.BadParameter(
                f"{name!r}; expected some of {', '.join(SHEET_KIND_BY_NAME)}", param_hint="--kinds"
            )
        kinds.append(kind)
    return tuple(kinds)


@click.command("export")
@workspace_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    required=True,
    help="; ".join(f"{name}: {text}" for name, (_, text) in EXPORT_FORMATS.items()),
)
@click.option(
    "--kinds",
    default=None,
    metavar="KINDS",
    help=f"Comma-separated kinds to export (default: {','.join(SHEET_KIND_BY_NAME)}).",
)
@click.option(
    "--out",
    type=OutputPath(dir_okay=True),
    required=True,
    help="The file (xlsx, oscal-*) or directory (csv) to write; existing files are replaced.",
)
@today_option
def export_command(
    workspace: Path | None, fmt: str, kinds: str | None, out: Path, today: datetime | None
) -> None:
    """Export records to a spreadsheet.

    Spreadsheets have one row per record; nested fields become dotted columns
    (attributes.mfa, remediation.1.due): see docs/spreadsheets.md. The OSCAL
    formats write one JSON document as of --today: see docs/oscal.md. Exits 0,
    or 2 on a usage error or a file that cannot be read or written.

    Example:

    \b
        sra export --format xlsx --out register.xlsx
        sra export --format csv --kinds risks,assets --out sheets/
        sra export --format oscal-poam --out poam.json
    """
    selected = _kinds(kinds)
    _check_out(fmt, out)
    loaded = load_workspace(workspace)
    writer, _ = EXPORT_FORMATS[fmt]
    for path in writer(loaded, selected, out, resolve_today(today)):
        click.echo(f"wrote {path}")


def _check_out(fmt: str, out: Path) -> None:
    """Refuse, before any work, the wrong sort of `--out`: a directory for csv, else a file."""
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise WriteError(
            f"{out}: not a directory; --format csv writes one <kind>.csv per kind "
            "into the directory --out"
        )
    if fmt != "csv" and out.is_dir():
        suffix = "xlsx" if fmt == "xlsx" else "json"
        raise WriteError(
            f"{out}: is a directory; --format {fmt} writes one file: give its name, "
            f"e.g. --out {out / f'sra-{fmt}.{suffix}'}"
        )


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@workspace_option
@click.option(
    "--kind",
    "kind_name",
    type=click.Choice(list(SHEET_KIND_BY_NAME)),
    default=None,
    help="Kind of records in a CSV file (default: from its name, e.g. risks.csv).",
)
@click.option(
    "--apply",
    "do_apply",
    is_flag=True,
    help="Write the changes (default: only show what would change).",
)
@click.option(
    "--commit",
    "do_commit",
    is_flag=True,
    help="With --apply: commit the files written to the git repository around the "
    "workspace (nothing else that is staged).",
)
@click.option(
    "--author",
    metavar="'NAME <EMAIL>'",
    default=None,
    help="Author of the --commit (default: git's configured identity).",
)
def import_command(
    file: Path,
    workspace: Path | None,
    kind_name: str | None,
    do_apply: bool,
    do_commit: bool,
    author: str | None,
) -> None:
    """Import records from a spreadsheet.

    Reads an .xlsx (sheets named by kind) or a .csv file, maps columns by header
    (with the synonyms common templates use: Risk ID, Risk Level, Due Date,
    Status, ...), validates every cell and shows what would change. With
    --apply it updates records by id where they live and adds new ones to
    <folder>/imported.yaml, keeping comments and layout; it never deletes. All
    files are written or none, and none that changed since it was read.
    Exits 0, 1 if any cell is bad (nothing is written), 2 if a file cannot be
    read or written.

    Example:

    \b
        sra import register.xlsx
        sra import risks.csv --apply
        sra import risks.csv --apply --commit --author "Ana Diaz <ana@example.org>"
    """
    if (do_commit or author) and not do_apply:
        raise click.UsageError("--commit and --author go with --apply")
    commit = _commit(author) if do_commit else None
    kind = SHEET_KIND_BY_NAME[kind_name] if kind_name else None
    sheets = read_sheets(file, kind)
    if file.suffix.lower() == ".csv" and sheets[0].kind is None:
        raise click.UsageError(f"{file}: cannot tell the kind from the name; pass --kind")
    root = find_workspace(workspace)
    digests = snapshot(root)
    loaded = load_workspace(root)
    plan = plan_import(loaded, sheets)
    if plan.problems:
        for problem in plan.problems:
            click.echo(problem.render(), err=True)
        click.echo(f"{len(plan.problems)} problems; nothing written", err=True)
        raise SystemExit(1)
    click.echo(render_plan(plan, loaded))
    if do_apply:
        result = apply_plan(loaded, plan, digests, commit)
        if result.recovered:
            click.echo(f"sra: {result.recovered}", err=True)
        click.echo(f"wrote {len(result.files)} files" if result.files else "nothing to write")
        if result.note:
            click.echo(result.note, err=result.commit is None)


def _commit(author: str | None) -> Commit:
    """The commit `--author` asks for (git's own identity without it)."""
    if author is None:
        return Commit()
    match = re.fullmatch(r"\s*([^<>]*?)\s*<([^<>\s]+@[^<>\s]+)>\s*", author)
    if match is None or not match.group(1):
        raise click.BadParameter(f"{author!r}; expected 'Name <email>'", param_hint="--author")
    return Commit(match.group(1), match.group(2))
