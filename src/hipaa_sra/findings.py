"""What checks emit and formats consume: `Severity`, `Location`, `Finding`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from sys import intern
from typing import Any


class Severity(StrEnum):
    """How much a finding matters; ordered `info < warning < error`."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Numeric order, so `--fail-on` can compare severities."""
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """A position in a workspace file; line and column are 1-based."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a workspace, pointing at the line it is about."""

    code: str
    """Stable rule code, e.g. `SRA001`."""
    name: str
    """Stable kebab-case rule name, e.g. `invalid-value`."""
    severity: Severity
    message: str
    """A full sentence naming the record and saying what is wrong and what was expected."""
    location: Location
    object_id: str | None = None
    """Id of the record the finding is about, even for schema problems inside it."""

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order findings by file, position, then code."""
        return (self.location.file, self.location.line, self.location.column, self.code)


FindingRow = tuple[str, str, str, str, str, int, int, str | None]
"""A finding as plain values (code, name, severity, message, file, line, column, object id)."""


def finding_row(f: Finding) -> FindingRow:
    """`f` as plain values, as the cache stores findings (marshal takes no dataclass)."""
    where = f.location
    return (
        f.code,
        f.name,
        f.severity.value,
        f.message,
        where.file,
        where.line,
        where.column,
        f.object_id,
    )


def finding_from_row(row: Any) -> Finding:
    """The finding `finding_row` gave `row` for; `TypeError` or `ValueError` for another shape."""
    code, name, severity, message, file, line, column, oid = row
    # One string object per rule, file and record, however many findings name them: rows
    # read from an entry written without marshal's references each have their own (16 MB
    # of a lint's peak after a value changed, on the 50,000-risk bench workspace).
    return Finding(
        intern(code),
        intern(name),
        Severity(severity),
        message,
        Location(intern(file), line, column),
        oid if oid is None else intern(oid),
    )


def shorten(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis, for quoting in a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
