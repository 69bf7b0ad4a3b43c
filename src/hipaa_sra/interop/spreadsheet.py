"""CSV and XLSX files: write tables of cells, read sheets back as positioned rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import LoadError, WriteError
from ..model import Kind
from ..writing import file_digest, replace_file
from .tables import SHEET_KINDS, Column

_LISTS_SHEET = "lists"
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


@dataclass
class Sheet:
    """A sheet as read: its kind, header and rows with the row numbers a user sees."""

    source: str
    name: str
    kind: Kind | None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a zero-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _write(path: Path, data: bytes) -> None:
    replace_file(path, data, file_digest(path))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(directory: Path, tables: Sequence[Table]) -> list[Path]:
    """One `<kind>.csv` per table in `directory` (UTF-8 with BOM, which Excel needs)."""
    if directory.exists() and not directory.is_dir():
        raise WriteError(f"{directory}: not a directory; CSV export writes one file per kind")
    written = []
    for table in tables:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([col.header for col in table.columns])
        writer.writerows([_csv_cell(value) for value in cells] for cells in table.rows)
        path = directory / f"{table.kind.name}.csv"
        _write(path, buffer.getvalue().encode("utf-8-sig"))
        written.append(path)
    return written


def _choices(col: Column, levels: tuple[str, ...]) -> tuple[str, ...]:
    return levels if col.leaf.cell == "level" else col.leaf.choices


def write_xlsx(path: Path, tables: Sequence[Table], levels: tuple[str, ...]) -> None:
    """One sheet per kind: bold frozen header, autofilter, widths and drop-down lists."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils.exceptions import IllegalCharacterError  # type: ignore[import-untyped]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

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
                ref = lists[choices] = f"{_LISTS_SHEET}!${letter}$1:${letter}${len(choices)}"
            rule = DataValidation(type="list", formula1=ref, allow_blank=True,
                                  error=f"Choose one of: {', '.join(choices)}",
                                  errorTitle=col.header, showErrorMessage=True)  # fmt: skip
            letter = column_letter(index)
            rule.add(f"{letter}2:{letter}{max(len(table.rows) + 1, _VALIDATION_ROWS)}")
            sheet.data_validations.append(rule)
        sheet.append(header)
        try:
            for cells in table.rows:
                sheet.append([_xlsx_cell(sheet, value) for value in cells])
        except IllegalCharacterError:
            raise WriteError(
                f"{path}: a {table.kind.name} value holds a control character XLSX cannot store;"
                " export as CSV instead"
            ) from None
    hidden = book.create_sheet(_LISTS_SHEET)
    hidden.sheet_state = "hidden"
    columns = list(lists)
    for number in range(max((len(c) for c in columns), default=0)):
        hidden.append([c[number] if number < len(c) else None for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    _write(path, buffer.getvalue())


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, str) and value.startswith("="):
        # Text that starts with "=" would be stored as a formula and run when opened.
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def kind_named(name: str) -> Kind | None:
    """The kind a sheet or file name means: its kind name or folder (`risks`, `register`)."""
    text = name.strip().lower()
    for kind in SHEET_KINDS:
        if text in (kind.name, kind.folder):
            return kind
    return None


def _blank(values: Sequence[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _rows(source: str, name: str, kind: Kind | None, rows: Any) -> Sheet:
    sheet = Sheet(source, name, kind)
    for number, values in enumerate(rows, start=1):
        values = list(values)
        if _blank(values):
            continue
        if not sheet.header:
            sheet.header = ["" if v is None else str(v) for v in values]
            continue
        width = len(sheet.header)
        sheet.rows.append((number, (values + [None] * width)[:width]))
    return sheet


def read_sheets(path: Path, kind: Kind | None = None) -> list[Sheet]:
    """The sheets of an XLSX file (named by kind) or one CSV file; LoadError if unreadable."""
    if path.suffix.lower() == ".csv":
        kind = kind or kind_named(path.stem)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LoadError(path, f"not UTF-8 text ({exc.reason}); save the CSV as UTF-8") from None
        except OSError as exc:
            raise LoadError(path, f"cannot read file: {exc.strerror or exc}") from None
        try:
            rows = list(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise LoadError(path, f"not a readable CSV file: {exc}") from None
        return [_rows(str(path), kind.name if kind else path.stem, kind, rows)]
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise LoadError(path, "expected a .xlsx or .csv file")
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(path, f"not a readable XLSX workbook: {exc}") from None
    try:
        sheets = []
        for worksheet in book.worksheets:
            only = kind if len(book.worksheets) == 1 else None
            sheet_kind = kind_named(worksheet.title) or only
            if worksheet.title == _LISTS_SHEET and sheet_kind is None:
                continue
            rows = worksheet.iter_rows(values_only=True)
            sheets.append(_rows(str(path), worksheet.title, sheet_kind, rows))
        return sheets
    finally:
        book.close()

