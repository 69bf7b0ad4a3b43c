"""Read XLSX workbooks within fixed bounds, keeping formula cells recognisable.

openpyxl reads the workbook, its styles (which numbers are dates) and each sheet's cells.
What is ours, because openpyxl's read-only mode does not give it:

- limits checked before parsing: the unpacked size of every part (a zip stores it, and
  Python's zipfile never returns more), and the shared-string count the table declares;
- the shared-string table read with a streaming parser that stops at the first string
  longer than an XLSX cell holds, instead of building it first (a 1 MB file can hold a
  1 GiB string);
- sheets read as sparse rows, with each formula cell's formula and whether a value was
  saved with it (data-only mode returns an empty cell for a formula without one);
- inline strings (how exports store text) read directly, which makes reading a sheet
  about a third faster than through openpyxl's rich-text objects.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader  # type: ignore[import-untyped]
from openpyxl.utils import coordinate_to_tuple  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet._reader import (  # type: ignore[import-untyped]
    FORMULA_TAG,
    INLINE_STRING,
    VALUE_TAG,
    WorkSheetParser,
)
from openpyxl.xml.constants import (  # type: ignore[import-untyped]
    SHARED_STRINGS,
    SHEET_MAIN_NS,
)

from ..errors import LoadError
from ..model import Kind
from .sheet import (
    LISTS_SHEET,
    MAX_CELLS,
    MAX_FILE_SIZE,
    MAX_SHARED_STRINGS,
    MAX_XLSX_CELL_CHARS,
    Budget,
    Formula,
    Sheet,
    assemble,
    kind_named,
    open_regular,
)

_MIB = 1024 * 1024
_CHUNK = 64 * 1024


def _unpacked_size(path: Path, archive: zipfile.ZipFile) -> None:
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_FILE_SIZE:
        raise LoadError(
            path,
            f"the workbook unpacks to {total / _MIB:,.0f} MiB; at most "
            f"{MAX_FILE_SIZE // _MIB} MiB is read",
            hint="split it: export fewer kinds with --kinds",
        )


# Element names as expat reports them with namespace_separator=" ".
_SST, _SI, _T, _PHONETIC = (f"{SHEET_MAIN_NS} {name}" for name in ("sst", "si", "t", "rPh"))
# And as ElementTree names them.
_T_TAG, _RUN_TAG = f"{{{SHEET_MAIN_NS}}}t", f"{{{SHEET_MAIN_NS}}}r"


class _SharedStrings:
    """The shared-string table, read as a stream within the cell and count limits."""

    def __init__(self, path: Path, part: str) -> None:
        self.path = path
        self.part = part
        self.strings: list[str] = []
        self.chunks: list[str] = []
        self.size = 0
        self.in_text = False
        self.phonetic = 0

    def _refuse(self, message: str) -> None:
        raise LoadError(
            self.path,
            f"{self.part}: {message}",
            hint="the file was not written by a spreadsheet program",
        )

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _T:
            self.in_text = True
        elif name == _PHONETIC:
            self.phonetic += 1
        elif name == _SST:
            # Declared sizes first: an honest file too large is refused before any string.
            for key, limit, what in (
                ("uniqueCount", MAX_SHARED_STRINGS, "distinct strings"),
                ("count", MAX_CELLS, "cells"),
            ):
                declared = attrs.get(key, "")
                if declared.isdigit() and int(declared) > limit:
                    self._refuse(
                        f"the shared-string table declares {key}={int(declared):,}; "
                        f"a file holds at most {limit:,} {what}"
                    )

    def _end(self, name: str) -> None:
        if name == _SI:
            if len(self.strings) >= MAX_SHARED_STRINGS:
                self._refuse(
                    f"more than {MAX_SHARED_STRINGS:,} shared strings; a file holds "
                    f"at most {MAX_SHARED_STRINGS:,} distinct strings"
                )
            # The same unescaping openpyxl applies to shared strings.
            self.strings.append("".join(self.chunks).replace("x005F_", ""))
            self.chunks.clear()
            self.size = 0
        elif name == _T:
            self.in_text = False
        elif name == _PHONETIC:
            self.phonetic -= 1

    def _text(self, data: str) -> None:
        # A string's text: its own <t> and those of its rich-text runs, not phonetic hints.
        if self.in_text and not self.phonetic:
            self.size += len(data)
            if self.size > MAX_XLSX_CELL_CHARS:
                self._refuse(
                    f"string {len(self.strings) + 1:,} is longer than "
                    f"{MAX_XLSX_CELL_CHARS:,} characters, the most an XLSX cell holds"
                )
            self.chunks.append(data)

    def _no_dtd(self, *args: Any) -> None:
        self._refuse("declares a DTD or entities, which spreadsheet files never do")

    def read(self, source: IO[bytes]) -> list[str]:
        """Every string of the table, in order."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.StartDoctypeDeclHandler = self._no_dtd
        parser.EntityDeclHandler = self._no_dtd
        try:
            while chunk := source.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            self._refuse(f"not well-formed XML ({exc})")
        return self.strings


class _Reader(ExcelReader):  # type: ignore[misc]
    """openpyxl's reader, checking the unpacked size first and reading shared strings with
    `_SharedStrings`."""

    def __init__(self, path: Path, handle: IO[bytes]) -> None:
        super().__init__(handle, read_only=True, data_only=True)
        self.path = path
        _unpacked_size(path, self.archive)

    def read_strings(self) -> None:
        """Read the shared-string table, if the workbook has one, within the limits."""
        content_type = self.package.find(SHARED_STRINGS)
        if content_type is not None:
            part = content_type.PartName[1:]
            with self.archive.open(part) as source:
                self.shared_strings = _SharedStrings(self.path, part).read(source)


def _saved(element: Any) -> bool:
    """Whether a formula cell carries a computed value. openpyxl writes an empty <v/> for
    "not computed"; an empty text result is saved as an empty <v> of a string cell."""
    value = element.find(VALUE_TAG)
    return value is not None and (bool(value.text) or element.get("t") == "str")


class _CellParser(WorkSheetParser):  # type: ignore[misc]
    """The data-only sheet parser, also keeping each formula and error cell as such."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        """A cell as openpyxl parses it; a formula or error cell's value becomes a Formula."""
        formula = element.find(FORMULA_TAG)
        if formula is None and element.get("t") == "inlineStr":
            return self._inline(element)
        cell: dict[str, Any] = super().parse_cell(element)
        if formula is not None or cell["data_type"] == "e":
            error = str(cell["value"]) if cell["data_type"] == "e" else None
            text = "" if formula is None else self._formula_text(element, formula)
            cell["value"] = Formula(text, None if error else cell["value"], _saved(element), error)
        return cell

    def _inline(self, element: Any) -> dict[str, Any]:
        """An inline-string cell, with the text openpyxl's rich-text objects would give."""
        coordinate = element.get("r")
        if coordinate:
            number, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            number, column = self.row_counter, self.col_counter
        inline = element.find(INLINE_STRING)
        value = None
        if inline is not None:
            # The text of the string and of its rich-text runs; not of phonetic hints.
            value = "".join(
                [child.text or "" for child in inline if child.tag == _T_TAG]
                + [run.findtext(_T_TAG, "") for run in inline if run.tag == _RUN_TAG]
            )
        return {
            "row": number,
            "column": column,
            "value": value,
            "data_type": "s",
            "style_id": int(element.get("s", 0)),
        }

    def _formula_text(self, element: Any, formula: Any) -> str:
        """The formula as a user would see it; shared formulas translated to this cell."""
        try:
            text = self.parse_formula(element)
        except Exception:  # shown in a message only: an odd formula still names its cell
            text = None
        if isinstance(text, str):
            return text
        # Array formulas come as objects with .text; data-table formulas have none.
        return getattr(text, "text", None) or "=" + (formula.text or "TABLE()")


def _rows(book: Any, worksheet: Any, strings: list[str]) -> Iterator[tuple[int, dict[int, Any]]]:
    # Cells as the file stores them: a lone far-off cell (XFD1048576) costs one cell, not
    # the padded grid openpyxl's read-only rows would build up to it.
    with book._archive.open(worksheet._worksheet_path) as source:
        parser = _CellParser(
            source,
            strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            yield (
                number,
                {cell["column"] - 1: cell["value"] for cell in cells if cell["value"] is not None},
            )


# What openpyxl and zipfile raise on a damaged or hostile file; never MemoryError, which
# the limits above exist to prevent.
_DAMAGED = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,
)


def read_workbook(path: Path, kind: Kind | None) -> list[Sheet]:
    """The sheets of an XLSX workbook, named by kind (`kind` for a single-sheet workbook)."""
    with open_regular(path) as handle, warnings.catch_warnings():
        # openpyxl warns about workbook features it drops (data validation extensions,
        # out-of-range dates it turns into errors); what matters is reported as problems.
        warnings.simplefilter("ignore")
        try:
            reader = _Reader(path, handle)
            reader.read()
        except LoadError:
            raise
        except (*_DAMAGED, InvalidFileException) as exc:
            raise LoadError(path, f"not a readable XLSX workbook: {exc}") from None
        book = reader.wb
        budget = Budget(path)
        sheets = []
        try:
            for worksheet in book.worksheets:
                only = kind if len(book.worksheets) == 1 else None
                sheet_kind = kind_named(worksheet.title) or only
                if worksheet.title == LISTS_SHEET and sheet_kind is None:
                    continue
                rows = _rows(book, worksheet, reader.shared_strings)
                sheets.append(
                    assemble(path, worksheet.title, sheet_kind, rows, budget, MAX_XLSX_CELL_CHARS)
                )
        except LoadError:
            raise
        except _DAMAGED as exc:
            raise LoadError(path, f"not a readable XLSX workbook: {exc}") from None
        finally:
            book.close()
    return sheets
