"""CSV and XLSX files: write tables of cells, read sheets back as positioned rows.

CSV cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
tab or a carriage return) are written with a leading `'`, which spreadsheets take as
"this is text"; reading takes exactly that quote off again (see `neutralise`).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import LoadError, WriteError
from ..model import Kind
from ..writing import file_digest, replace_file
from .csv_cells import neutralise, restore
from .sheet import (
    LISTS_SHEET,
    MAX_CSV_CELL_CHARS,
    MAX_FILE_SIZE,
    MAX_XLSX_CELL_CHARS,
    Budget,
    Sheet,
    assemble,
    column_letter,
    kind_named,
    open_regular,
)
from .tables import Column

__all__ = [
    "Sheet",
    "Table",
    "column_letter",
    "csv_bytes",
    "kind_named",
    "neutralise",
    "read_sheets",
    "restore",
    "write_csv",
    "write_xlsx",
]

_MAX_WIDTH = 60
_WIDTH_SAMPLE = 500
# Drop-downs reach past the data so rows typed in later get them too.
_VALIDATION_ROWS = 10_000


@dataclass(frozen=True)
class Table:
    """One kind's records as cells: what a sheet or a CSV file holds."""

    kind: Kind
    columns: tuple[Column, ...]
    rows: list[list[Any]]


def _write(path: Path, data: bytes) -> None:
    replace_file(path, data, file_digest(path))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    # Numbers stay as they are: a -5 is a number to a spreadsheet, never a formula.
    return neutralise(value) if isinstance(value, str) else str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file's bytes: UTF-8 with BOM (which Excel needs), no cell a spreadsheet runs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_csv_cell(value) for value in cells] for cells in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_csv(directory: Path, tables: Sequence[Table]) -> list[Path]:
    """One `<kind>.csv` per table in `directory` (UTF-8 with BOM, which Excel needs)."""
    if directory.exists() and not directory.is_dir():
        raise WriteError(f"{directory}: not a directory; CSV export writes one file per kind")
    written = []
    for table in tables:
        path = directory / f"{table.kind.name}.csv"
        _write(path, csv_bytes([col.header for col in table.columns], table.rows))
        written.append(path)
    return written


def _choices(col: Column, levels: tuple[str, ...]) -> tuple[str, ...]:
    return levels if col.leaf.cell == "level" else col.leaf.choices


def write_xlsx(path: Path, tables: Sequence[Table], levels: tuple[str, ...]) -> None:
    """One sheet per kind: bold frozen header, autofilter, widths and drop-down lists."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    _check_storable(path, tables)
    book = Workbook(write_only=True)
    lists: dict[tuple[str, ...], str] = {}
    sheets = []
    for table in tables:
        sheet = book.create_sheet(table.kind.name)
        sheets.append(sheet)
        bold = Font(bold=True)
        header = []
        for col in table.columns:
            cell = WriteOnlyCell(sheet, col.header)
            cell.font = bold
            header.append(cell)
        widths = [len(col.header) + 2 for col in table.columns]
        for number, cells in enumerate(table.rows):
            if number < _WIDTH_SAMPLE:
                for index, value in enumerate(cells):
                    if value is not None:
                        longest = max(len(line) for line in str(value).split("\n"))
                        widths[index] = max(widths[index], min(longest + 2, _MAX_WIDTH))
        for index, width in enumerate(widths):
            sheet.column_dimensions[column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        last = column_letter(max(len(table.columns) - 1, 0))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        for index, col in enumerate(table.columns):
            choices = _choices(col, levels)
            if not choices:
                continue
            # Lists live on a hidden sheet: inline lists are capped at 255 characters,
            # which the 27 asset categories exceed.
            ref = lists.setdefault(choices, "")
            if not ref:
                letter = column_letter(len(lists) - 1)
                ref = lists[choices] = f"{LISTS_SHEET}!${letter}$1:${letter}${len(choices)}"
            rule = DataValidation(
                type="list",
                formula1=ref,
                allow_blank=True,
                error=f"Choose one of: {', '.join(choices)}",
                errorTitle=col.header,
                showErrorMessage=True,
            )
            letter = column_letter(index)
            rule.add(f"{letter}2:{letter}{max(len(table.rows) + 1, _VALIDATION_ROWS)}")
            sheet.data_validations.append(rule)
        sheet.append(header)
        for cells in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in cells])
    hidden = book.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"
    columns = list(lists)
    for number in range(max((len(c) for c in columns), default=0)):
        hidden.append([c[number] if number < len(c) else None for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    _write(path, buffer.getvalue())


def _unstorable(value: Any) -> str | None:
    """Why XLSX cannot hold `value` as it is, or None."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

    if not isinstance(value, str):
        return None
    if len(value) > MAX_XLSX_CELL_CHARS:
        # openpyxl would cut the text silently; an export must never lose what a user wrote.
        return (
            f"is {len(value):,} characters long; an XLSX cell holds at most {MAX_XLSX_CELL_CHARS:,}"
        )
    if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):
        return "holds a control character, which XLSX cannot store"
    return None


def _check_storable(path: Path, tables: Sequence[Table]) -> None:
    """Refuse, before writing anything, a value XLSX cannot hold, naming record and column."""
    for table in tables:
        headers = [col.header for col in table.columns]
        for cells in table.rows:
            for header, value in zip(headers, cells, strict=True):
                problem = _unstorable(value)
                if problem:
                    record = cells[headers.index("id")] if "id" in headers else "?"
                    raise WriteError(
                        f"{path}: {table.kind.name} {record}, column {header}: the "
                        f"value {problem}; export as CSV instead"
                    )


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        # Text that starts with "=" would be stored as a formula and run when opened.
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def _read_csv(path: Path, kind: Kind | None) -> Sheet:
    with open_regular(path) as handle:
        try:
            # The size first, so an oversized file is refused without reading it; the bounded
            # read still holds if the file grows meanwhile.
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_FILE_SIZE + 1) if size <= MAX_FILE_SIZE else b""
        except OSError as exc:
            raise LoadError(path, f"cannot read file: {exc.strerror or exc}") from None
    if size > MAX_FILE_SIZE or len(data) > MAX_FILE_SIZE:
        raise LoadError(
            path,
            f"the file is larger than {MAX_FILE_SIZE // 1048576} MiB, the most a CSV file may hold",
            hint="split it into several files",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"not UTF-8 text ({exc.reason}); save the CSV as UTF-8") from None
    del data
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = (
        (number, {index: restore(cell) for index, cell in enumerate(cells) if cell})
        for number, cells in enumerate(reader, start=1)
    )
    # The csv module's own cell limit is process-wide; it is raised only while reading.
    limit = csv.field_size_limit(MAX_CSV_CELL_CHARS)
    try:
        return assemble(
            path, kind.name if kind else path.stem, kind, rows, Budget(path), MAX_CSV_CELL_CHARS
        )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise LoadError(
                path,
                f"a cell is longer than {MAX_CSV_CELL_CHARS:,} characters, "
                "the most a workspace file may hold",
                reader.line_num,
            ) from None
        raise LoadError(path, f"not a readable CSV file: {exc}", reader.line_num) from None
    finally:
        csv.field_size_limit(limit)


def read_sheets(path: Path, kind: Kind | None = None) -> list[Sheet]:
    """The sheets of an XLSX file (named by kind) or one CSV file; LoadError if unreadable."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path, kind or kind_named(path.stem))]
    if suffix not in (".xlsx", ".xlsm"):
        raise LoadError(path, "expected a .xlsx or .csv file")
    from .workbook import read_workbook

    return read_workbook(path, kind)
