"""A sheet as read from a spreadsheet file, and the size limits every reader keeps to.

Both readers (CSV and XLSX) hand their rows to `assemble`, which keeps the header and the
non-blank rows, puts formula cells aside (the importer decides what they mean), and
refuses, with the cell's position, a file that would take more memory or time than any
real register needs: a cell longer than the format holds, or more cells than `MAX_CELLS`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import LoadError
from ..loading import MAX_FILE_BYTES
from ..model import Kind
from .tables import SHEET_KINDS

LISTS_SHEET = "lists"
"""The hidden sheet of an exported workbook that holds the drop-down lists."""
MAX_CELLS = 5_000_000
"""Cells one file may hold, all sheets together, counted as header columns x rows: 1.5 times
the whole enterprise benchmark workspace (3.3 million); a larger one is exported by kind."""
MAX_SHARED_STRINGS = 1_000_000
"""Distinct strings an XLSX shared-string table may hold: 3.5 times the 281,000 of the whole
enterprise benchmark workbook as Excel saves it."""
MAX_FILE_SIZE = 256 * 1024 * 1024
"""Bytes of a CSV file, or of an XLSX workbook unpacked (the enterprise workbook unpacks to
138 MB): checked before anything is parsed, so a small zip cannot unpack to gigabytes."""
MAX_XLSX_CELL_CHARS = 32_767
"""The most an XLSX cell holds (Excel's limit); export refuses longer values."""
MAX_CSV_CELL_CHARS = MAX_FILE_BYTES
"""The most a CSV cell holds: what a workspace file may hold."""


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell holding a formula or an error: what it says and the value saved with it."""

    text: str
    """The formula (`=IF(E2="high",...)`), or "" for an error value typed into the cell."""
    value: Any
    """The value last computed and saved with the formula; None when there is none."""
    computed: bool
    """Whether a value was saved at all: Excel and LibreOffice save one, files written by
    libraries (openpyxl, many report generators) usually do not."""
    error: str | None = None
    """The error the cell shows (`#DIV/0!`, `#REF!`), if it shows one."""


@dataclass
class Sheet:
    """A sheet as read: its kind, header and rows with the row numbers a user sees."""

    source: str
    name: str
    kind: Kind | None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    formulas: dict[tuple[int, int], Formula] = field(default_factory=dict)
    """Formula and error cells of `rows` by (row number, column index); their value (the
    saved one, or None) is in the row."""


def column_letter(index: int) -> str:
    """Spreadsheet letter of a zero-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def kind_named(name: str) -> Kind | None:
    """The kind a sheet or file name means: its kind name or folder (`risks`, `register`)."""
    text = name.strip().lower()
    for kind in SHEET_KINDS:
        if text in (kind.name, kind.folder):
            return kind
    return None


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading if it is a regular file; LoadError otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LoadError(path, f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LoadError(path, "not a regular file; expected a .xlsx or .csv file")
    return os.fdopen(fd, "rb")


class Budget:
    """The cells a file may still hold; its sheets draw on one budget."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_CELLS

    def spend(self, cells: int, sheet: str, number: int) -> None:
        """Take `cells` for row `number` of `sheet`; LoadError once the file holds too many."""
        self.left -= cells
        if self.left < 0:
            raise LoadError(
                self.path,
                f"sheet {sheet!r} reaches more than {MAX_CELLS:,} cells "
                f"(rows x header columns) at row {number:,}; that is the most one "
                "file may hold",
                number,
                hint="split it: export fewer kinds with --kinds, or delete empty columns",
            )


def _header_text(value: Any) -> str:
    if isinstance(value, Formula):
        value = value.value if value.computed else value.text
    return "" if value is None else str(value)


def assemble(
    source: Path,
    name: str,
    kind: Kind | None,
    rows: Iterable[tuple[int, dict[int, Any]]],
    budget: Budget,
    max_chars: int,
) -> Sheet:
    """A sheet of `rows` (row number, {column index: value}): the first non-blank row is the
    header, blank rows are left out, every row is cut or padded to the header's width."""
    sheet = Sheet(str(source), name, kind)
    width = 0
    for number, cells in rows:
        plain: dict[int, Any] = {}
        formulas: list[tuple[int, Formula]] = []
        blank = True
        for index, value in cells.items():
            if isinstance(value, Formula):
                formulas.append((index, value))
                # A formula without a saved value may mean anything: the row stays, refused.
                blank = blank and value.computed and not value.error
                value = value.value
            if isinstance(value, str):
                if len(value) > max_chars:
                    raise LoadError(
                        source,
                        f"sheet {name!r}, cell {column_letter(index)}"
                        f"{number}: {len(value):,} characters; a cell holds at most "
                        f"{max_chars:,}",
                        number,
                        index + 1,
                    )
                blank = blank and (not value or value.isspace())
            elif value is not None:
                blank = False
            plain[index] = value
        if blank:
            continue
        if not sheet.header:
            texts = {index: _header_text(value) for index, value in cells.items()}
            width = 1 + max((index for index, text in texts.items() if text.strip()), default=0)
            budget.spend(width, name, number)
            sheet.header = [texts.get(index, "") for index in range(width)]
            continue
        budget.spend(width, name, number)
        values: list[Any] = [None] * width
        for index, value in plain.items():
            if index < width:
                values[index] = value
        for index, formula in formulas:
            if index < width:
                sheet.formulas[number, index] = formula
        sheet.rows.append((number, values))
    return sheet
