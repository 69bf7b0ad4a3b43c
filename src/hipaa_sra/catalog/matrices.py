"""Level tables: NIST Table G-5 (overall likelihood) and the likelihood x impact risk matrices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property

from ..model.base import Level, parse_level
from .loader import Record, document
from .scales import NIST_FILE, scale_levels


@dataclass(frozen=True)
class LevelTable:
    """A lookup from a (row level, column level) pair to a level, written cell by cell."""

    name: str
    title: str
    source: str
    """Where the table comes from, e.g. `I-2` or `custom`."""
    scale: tuple[Level, ...]
    """The levels of rows, columns and results alike, lowest first."""
    cells: tuple[tuple[Level, ...], ...]
    """`cells[r][c]`: result for row `scale[r]` and column `scale[c]`."""
    row_label: str
    column_label: str

    @property
    def levels(self) -> int:
        """3 or 5."""
        return len(self.scale)

    def lookup(self, row: Level, column: Level) -> Level:
        """The cell at (row, column); ValueError for a level this table's scale lacks."""
        return self.cells[self._index(row, self.row_label)][self._index(column, self.column_label)]

    def cell(self, row: Level, column: Level) -> Level | None:
        """The cell at (row, column); None for a level this table's scale lacks."""
        return self._by_pair.get((row, column))

    @cached_property
    def _by_pair(self) -> dict[tuple[Level, Level], Level]:
        # Every risk of a register is looked up, several times a lint: one dict probe each.
        return {
            (row, column): self.cells[r][c]
            for r, row in enumerate(self.scale)
            for c, column in enumerate(self.scale)
        }

    @property
    def is_monotonic(self) -> bool:
        """True if raising the row or the column level never lowers the result."""
        size = len(self.scale)
        return all(
            self.cells[r][c].rank <= self.cells[r + 1][c].rank
            and self.cells[c][r].rank <= self.cells[c][r + 1].rank
            for r in range(size - 1)
            for c in range(size)
        )

    def as_rows(self) -> dict[str, dict[str, str]]:
        """Row -> {column -> result}, highest row first as NIST prints it; for JSON and display."""
        return {
            row.value: {col.value: self.cells[r][c].value for c, col in enumerate(self.scale)}
            for r, row in reversed(list(enumerate(self.scale)))
        }

    def _index(self, level: Level, label: str) -> int:
        if level not in self.scale:
            names = ", ".join(self.scale)
            raise ValueError(
                f"{label} {level} is not on the {self.levels}-level scale of {self.name} ({names})"
            )
        return self.scale.index(level)


@dataclass(frozen=True)
class RiskMatrix(LevelTable):
    """Likelihood x impact -> level of risk, e.g. NIST SP 800-30 Rev. 1 Table I-2."""

    def level(self, likelihood: Level, impact: Level) -> Level:
        """The level of risk for this likelihood and impact."""
        return self.lookup(likelihood, impact)

    @classmethod
    def from_table(
        cls, rows: Mapping[str, Mapping[str, str]], levels: int, *, name: str = "custom"
    ) -> RiskMatrix:
        """A user's matrix, likelihood -> {impact -> level}; ValueError names each bad cell."""
        scale = scale_levels(levels)
        cells = _cells(rows, scale, "likelihood", "impact")
        title = f"Custom {levels}-level risk matrix"
        return cls(name, title, "custom", scale, cells, "likelihood", "impact")


def risk_matrix(name: str, levels: int) -> RiskMatrix:
    """A built-in matrix by name (`nist-800-30r1`, `classic-3x3`) and number of levels (3 or 5)."""
    scale_levels(levels)
    builtin = _builtin()
    matrix = builtin.get((name, levels))
    if matrix is not None:
        return matrix
    available = sorted(count for known, count in builtin if known == name)
    if not available:
        known_names = ", ".join(matrix_names())
        raise ValueError(
            f"unknown risk matrix {name!r}: the built-in ones are {known_names}; "
            "build a custom one with RiskMatrix.from_table"
        )
    others = [known for known, count in builtin if count == levels]
    raise ValueError(
        f"{name} is defined for {' or '.join(map(str, available))} levels only, not {levels}; "
        f"for {levels} levels use {', '.join(others)}"
    )


def matrix_names() -> tuple[str, ...]:
    """Names of the built-in risk matrices, in catalog order."""
    return tuple(dict.fromkeys(name for name, _ in _builtin()))


def builtin_matrices() -> tuple[RiskMatrix, ...]:
    """Every built-in risk matrix, each level count separately, in catalog order."""
    return tuple(_builtin().values())


def overall_likelihood(initiation: Level, adverse_impact: Level) -> Level:
    """Overall likelihood from likelihood of initiation/occurrence and of adverse impact (G-5)."""
    return overall_likelihood_table().lookup(initiation, adverse_impact)


@cache
def overall_likelihood_table() -> LevelTable:
    """NIST SP 800-30 Rev. 1 Table G-5 as a 5-level lookup table."""
    record = document(NIST_FILE).child("overall_likelihood")
    record.only("table", "rows")
    row_label, column_label = "initiation", "adverse impact"
    cells = _checked_cells(record, tuple(Level), row_label, column_label)
    title = "Overall likelihood (NIST SP 800-30 Rev. 1 Table G-5)"
    return LevelTable(
        "overall-likelihood",
        title,
        record.text("table"),
        tuple(Level),
        cells,
        row_label,
        column_label,
    )


@cache
def _builtin() -> dict[tuple[str, int], RiskMatrix]:
    matrices: dict[tuple[str, int], RiskMatrix] = {}
    for record in document(NIST_FILE).children("matrices"):
        record.only("name", "levels", "table", "title", "rows", "derivation")
        name, levels = record.text("name"), record.integer("levels")
        if levels not in (3, 5):
            record.fail("`levels` must be 3 or 5")
        if (name, levels) in matrices:
            record.fail(f"{name} has two {levels}-level tables")
        if "derivation" in record.mapping:
            record.child("derivation")
        scale = scale_levels(levels)
        cells = _checked_cells(record, scale, "likelihood", "impact")
        matrices[name, levels] = RiskMatrix(
            name, record.text("title"), record.text("table"), scale, cells, "likelihood", "impact"
        )
    return matrices


def _checked_cells(
    record: Record, scale: tuple[Level, ...], row_label: str, column_label: str
) -> tuple[tuple[Level, ...], ...]:
    try:
        return _cells(record.raw("rows"), scale, row_label, column_label)
    except ValueError as exc:
        record.fail(f"`rows`: {exc}")


def _cells(
    rows: object, scale: tuple[Level, ...], row_label: str, column_label: str
) -> tuple[tuple[Level, ...], ...]:
    """Check a table covers every cell of `scale` x `scale` with a level of `scale`."""
    names = ", ".join(scale)
    if not isinstance(rows, Mapping):
        raise ValueError(f"expected a mapping of {row_label} -> {{{column_label} -> level}}")
    problems: list[str] = []
    found: dict[Level, Mapping[object, object]] = {}
    for raw_row, row in rows.items():
        level = _on_scale(raw_row, scale)
        if level is None:
            problems.append(f"{row_label} {raw_row!r} is not one of {names}")
        elif level in found:
            problems.append(f"{row_label} {level} is given twice")
        elif not isinstance(row, Mapping):
            problems.append(f"{row_label}={level}: expected a mapping of {column_label} -> level")
        else:
            found[level] = row
    cells: list[tuple[Level, ...]] = []
    for row_level in scale:
        row = found.get(row_level, {})
        values: dict[Level, Level] = {}
        seen: set[Level] = set()
        for raw_column, raw_value in row.items():
            column = _on_scale(raw_column, scale)
            where = f"{row_label}={row_level}, {column_label}={column}"
            if column is None:
                problems.append(
                    f"{row_label}={row_level}: {column_label} {raw_column!r} is not one of {names}"
                )
                continue
            if column in seen:
                problems.append(f"cell {where} is given twice")
            seen.add(column)
            value = _on_scale(raw_value, scale)
            if value is None:
                problems.append(f"cell {where}: {raw_value!r} is not one of {names}")
            else:
                values[column] = value
        problems.extend(
            f"cell {row_label}={row_level}, {column_label}={column} is missing"
            for column in scale
            if column not in seen
        )
        cells.append(tuple(values.get(column, row_level) for column in scale))
    if problems:
        raise ValueError("; ".join(problems))
    return tuple(cells)


def _on_scale(raw: object, scale: tuple[Level, ...]) -> Level | None:
    level, _ = parse_level(raw)
    return level if level in scale else None
