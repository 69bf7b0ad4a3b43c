"""CSV cells no spreadsheet runs as a formula (CSV injection), and the way back."""

from __future__ import annotations

import re

# Any number of quotes, then a character that makes a spreadsheet read a formula.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """`text` as a CSV cell no spreadsheet runs: a `'` before `=`, `+`, `-`, `@`, tab or CR,
    and before any run of quotes leading up to one, so that `restore` is its exact inverse."""
    return "'" + text if _FORMULA_START.match(text) else text


def restore(cell: str) -> str:
    """The text `neutralise` made `cell` from (a cell it did not change comes back as is)."""
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell) else cell
