"""The PDF's appendices as CSV files: every row of each table too long for its section.

Laying out tens of thousands of table rows is what made a large register's PDF take minutes
and gigabytes; the rows go into the PDF as attached files instead, which take no layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..interop.spreadsheet import csv_bytes
from .document import CellValue, Report, Table


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file carried inside the PDF, listed in a PDF reader's attachments panel."""

    name: str
    description: str
    data: bytes
    day: date
    """Its creation and modification date: the report's date, so the PDF's bytes repeat."""


def appendix_file_name(number: int, table: Table) -> str:
    """`appendix-03-risk-levels.csv`: sorts in appendix order in a reader's file list."""
    return f"appendix-{number:02d}-{table.key}.csv"


def cell_text(value: CellValue) -> str:
    """What a cell says, its further lines on lines of their own (CSV quotes keep them in)."""
    if isinstance(value, str):
        return value
    return "\n".join((value.text, *value.lines))


def appendix_csv(table: Table) -> bytes:
    """Every row of `table` as a CSV file, with its columns as the header."""
    return csv_bytes(table.columns, ([cell_text(cell) for cell in row] for row in table.rows))


def appendix_attachments(report: Report) -> tuple[Attachment, ...]:
    """One CSV file per appendix, in appendix order."""
    return tuple(
        Attachment(
            appendix_file_name(number, table),
            f"Appendix {number}: {table.title} ({len(table.rows):,} rows)",
            appendix_csv(table),
            report.today,
        )
        for number, table in enumerate(report.appendices, start=1)
    )
