"""A report section as a page shows it: the report's own content, every cell a `Cell`."""

from __future__ import annotations

from dataclasses import dataclass

from ..report.document import Cell, Section, Table


@dataclass(frozen=True)
class ShownTable:
    """A report table with its rows as `Cell`s (a plain string becomes an untoned cell)."""

    table: Table
    rows: tuple[tuple[Cell, ...], ...]


def shown_tables(section: Section) -> list[ShownTable]:
    """The section's tables, each cut to the rows its section shows."""
    return [
        ShownTable(
            table,
            tuple(
                tuple(c if isinstance(c, Cell) else Cell(c) for c in row)
                for row in table.rows[: table.shown]
            ),
        )
        for table in section.tables
    ]
