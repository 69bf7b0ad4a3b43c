"""A lint report's findings indexed by record, family and severity, for pages that list them.

Built once per lint report: a record's page finds its findings by id, and the findings list
filters by family and severity, without walking 100,000 findings per request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import overload

from ..findings import Finding, Location, Severity
from ..rules import Family, LintReport, WaiverEntry, find_rule

_FAMILY_BY_DIGIT = tuple(Family)
"""Families in code order: the hundreds digit of a code (`SRA1xx`) is the family's place."""


def family_of(code: str) -> Family:
    """The rule family of a finding's code (the registry's, else by its hundreds digit)."""
    rule = find_rule(code)
    if rule is not None:
        return rule.family
    digit = code[3:4]
    place = int(digit) if digit.isdigit() else 0
    return _FAMILY_BY_DIGIT[place] if place < len(_FAMILY_BY_DIGIT) else Family.WORKSPACE


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One finding as a list shows it, with its family and the waiver that named it."""

    finding: Finding
    family: Family
    where: str
    """`file:line:col` with the file relative to the workspace, wherever the app runs from."""
    waived: bool
    """Silenced by a waiver in force (counted apart; `sra lint` does not fail on it)."""
    waiver: WaiverEntry | None
    """The waiver that silenced it, or that was refused for it."""


@dataclass(frozen=True)
class FindingIndex:
    """Every finding of a lint run, waived or not, in report order, with indexes.

    Each selection (family, severity, waived) is computed once and kept, so a page of a
    100,000-finding list costs a lookup and a slice.
    """

    rows: tuple[FindingRow, ...]
    _by_object: dict[str, tuple[int, ...]] = field(repr=False)
    _selections: dict[tuple[Family | None, Severity | None, bool | None], tuple[int, ...]] = field(
        default_factory=dict, repr=False
    )

    def about(self, object_id: str) -> tuple[FindingRow, ...]:
        """The findings about the record with this id."""
        return tuple(self.rows[n] for n in self._by_object.get(object_id, ()))

    def select(
        self,
        *,
        family: Family | None = None,
        severity: Severity | None = None,
        code: str | None = None,
        waived: bool | None = None,
    ) -> Sequence[FindingRow]:
        """The rows matching every filter given (None: any)."""
        key = (family, severity, waived)
        chosen = self._selections.get(key)
        if chosen is None:
            chosen = tuple(
                n
                for n, row in enumerate(self.rows)
                if (family is None or row.family is family)
                and (severity is None or row.finding.severity is severity)
                and (waived is None or row.waived is waived)
            )
            self._selections[key] = chosen
        rows = Selection(self.rows, chosen)
        return rows if code is None else [row for row in rows if row.finding.code == code]

    @cached_property
    def families(self) -> list[tuple[Family, dict[Severity, int], int]]:
        """Per family, in code order: unwaived findings per severity, and waived ones."""
        counts: Counter[tuple[Family, Severity]] = Counter()
        waived: Counter[Family] = Counter()
        for row in self.rows:
            if row.waived:
                waived[row.family] += 1
            else:
                counts[row.family, row.finding.severity] += 1
        return [
            (family, {s: counts[family, s] for s in Severity}, waived[family]) for family in Family
        ]

    @cached_property
    def codes(self) -> list[tuple[str, str, int]]:
        """`(code, name, findings)` of every rule that found something, by code."""
        seen = Counter((row.finding.code, row.finding.name) for row in self.rows)
        return [(code, name, count) for (code, name), count in sorted(seen.items())]


class Selection(Sequence[FindingRow]):
    """Some of an index's rows, in order, without copying them (pages slice it)."""

    def __init__(self, rows: tuple[FindingRow, ...], chosen: tuple[int, ...]) -> None:
        self._rows = rows
        self._chosen = chosen

    def __len__(self) -> int:
        return len(self._chosen)

    @overload
    def __getitem__(self, index: int) -> FindingRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[FindingRow]: ...

    def __getitem__(self, index: int | slice) -> FindingRow | Sequence[FindingRow]:
        if isinstance(index, slice):
            return [self._rows[n] for n in self._chosen[index]]
        return self._rows[self._chosen[index]]


def in_workspace(location: Location, root: Path, files: dict[str, str] | None = None) -> str:
    """`file:line:col` with the file relative to the workspace `root` (as the report shows it).

    Locations name files as the command that loaded them saw them (relative to its working
    directory); a page shows them as they are in the workspace. `files` memoises the files.
    """
    shown = files.get(location.file) if files is not None else None
    if shown is None:
        try:
            shown = Path(location.file).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = location.file
        if files is not None:
            files[location.file] = shown
    return f"{shown}:{location.line}:{location.column}"


def index_findings(report: LintReport) -> FindingIndex:
    """Index every finding of `report`, waived ones included, in report order."""
    families: dict[str, Family] = {}
    files: dict[str, str] = {}
    rows: list[FindingRow] = []
    by_object: dict[str, list[int]] = {}
    for finding, waiver, waived in report.listing():
        family = families.get(finding.code)
        if family is None:
            family = families[finding.code] = family_of(finding.code)
        if finding.object_id is not None:
            by_object.setdefault(finding.object_id, []).append(len(rows))
        rows.append(
            FindingRow(
                finding, family, in_workspace(finding.location, report.root, files), waived, waiver
            )
        )
    return FindingIndex(tuple(rows), {key: tuple(value) for key, value in by_object.items()})


def severity_counts(rows: Sequence[FindingRow]) -> dict[Severity, int]:
    """How many of `rows` are of each severity."""
    counts = Counter(row.finding.severity for row in rows)
    return {severity: counts[severity] for severity in Severity}
