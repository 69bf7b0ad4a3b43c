"""The register as a table to filter, sort and page: built once per workspace version and date.

A register of 50,000 rows is scored, its facets indexed and each sort order computed once;
a page is then a set intersection and a slice, so filtering and paging cost milliseconds
however often they are asked for. Levels and overdue items are judged by the same
functions as `sra score` and SRA103 (`score_risk`, `is_overdue`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from ..catalog import scale_levels
from ..findings import Location
from ..model import Level, Remediation, RemediationStatus, Risk, Workspace
from .matrix import usable_matrix
from .rank import ScoredRisk, score_risk
from .remediation import OPEN_STATUSES, is_overdue

NO_REMEDIATION = "none"
"""The status filter's value for a risk with no remediation item."""
UNSCORED = "unscored"
"""The level filter's value for a risk whose residual level is unknown."""

_NOWHERE = Location("")


class SortKey(StrEnum):
    """Orders the register can be shown in; each ascending, or descending with a `-` prefix."""

    RANK = "rank"
    """Highest residual risk first, as `sra score` ranks (descending: lowest first)."""
    ID = "id"
    ASSET = "asset"
    RESIDUAL = "residual"
    INHERENT = "inherent"
    SCORE = "score"
    DUE = "due"
    """The earliest due date of an open remediation item; undated rows last."""
    REVIEWED = "reviewed"
    """`last_reviewed`; never-reviewed rows first."""


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One risk as the register table shows it."""

    index: int
    """Position of the risk in `Workspace.risks`."""
    risk_id: str
    asset: str | None
    threat: str | None
    likelihood: Level | None
    impact: Level | None
    inherent: Level | None
    """As stated, else as the matrix gives it."""
    inherent_computed: Level | None
    """The matrix's level for likelihood x impact."""
    inherent_disagrees: bool
    """The stated inherent level is not the matrix's (SRA105)."""
    residual: Level | None
    residual_source: str
    """`stated`, or `inherent` when the row states no residual level and is ranked on that."""
    score: int | None
    open_items: int
    """Remediation items planned, in progress or deferred."""
    statuses: tuple[RemediationStatus, ...]
    """The statuses of its remediation items, without repeats, in item order."""
    owners: tuple[str, ...]
    """Owners of its remediation items, without repeats, in item order."""
    overdue: int
    """Remediation items past their due date (SRA103)."""
    next_due: date | None
    """Earliest due date of an open item."""
    last_reviewed: date | None


@dataclass(frozen=True, slots=True)
class RegisterQuery:
    """What a register page asks for: filters (None: any), an order, a page of a size."""

    level: str | None = None
    """A residual level's value, or `unscored`."""
    status: str | None = None
    """A remediation status's value, or `none` for risks with no remediation."""
    owner: str | None = None
    asset: str | None = None
    overdue: bool = False
    sort: str = SortKey.RANK.value
    """A `SortKey` value, `-` in front for the reverse order."""
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class RegisterPage:
    """One page of the filtered, sorted register."""

    rows: tuple[RegisterRow, ...]
    total: int
    """Rows matching the filters, on every page."""
    page: int
    """The page shown (1-based), clamped to the pages there are."""
    pages: int
    per_page: int

    @property
    def first(self) -> int:
        """1-based number of the first row shown (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based number of the last row shown."""
        return self.first + len(self.rows) - 1 if self.rows else 0


@dataclass
class RegisterTable:
    """Every register row with facet indexes and sort orders, for one workspace and date."""

    today: date
    rows: tuple[RegisterRow, ...]
    scale: tuple[Level, ...]
    """The methodology's levels, lowest first."""
    _facets: dict[tuple[str, Any], frozenset[int]] = field(default_factory=dict, repr=False)
    _orders: dict[SortKey, tuple[int, ...]] = field(default_factory=dict, repr=False)
    _places: dict[SortKey, list[int]] = field(default_factory=dict, repr=False)
    _by_id: dict[str, RegisterRow] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, Any], set[int]] = {}
        for n, row in enumerate(self.rows):
            keys: list[tuple[str, Any]] = [
                ("level", row.residual.value if row.residual else UNSCORED),
                ("asset", row.asset),
            ]
            keys += [("status", status.value) for status in row.statuses]
            if not row.statuses:
                keys.append(("status", NO_REMEDIATION))
            keys += [("owner", owner) for owner in row.owners]
            if row.overdue:
                keys.append(("overdue", True))
            for key in keys:
                index.setdefault(key, set()).add(n)
        self._facets = {key: frozenset(rows) for key, rows in index.items()}
        # A duplicated id (a loader error) shows the first row written, as `risk_by_id` does.
        for row in sorted(self.rows, key=lambda r: r.index, reverse=True):
            self._by_id[row.risk_id] = row
        # Every order now, with the table: sorting 50,000 rows takes a fraction of a second,
        # which the first request to ask for an order would otherwise wait for.
        for sort in SortKey:
            self.order(sort)

    def row_for(self, risk_id: str) -> RegisterRow | None:
        """The row of the risk with this id."""
        return self._by_id.get(risk_id)

    @property
    def owners(self) -> tuple[str, ...]:
        """Every remediation owner named in the register, sorted."""
        return tuple(sorted(value for kind, value in self._facets if kind == "owner"))

    def has_asset(self, asset: str) -> bool:
        """True when some risk is about `asset`."""
        return ("asset", asset) in self._facets

    def count(self, kind: str, value: Any) -> int:
        """Rows in one facet: `count("level", "high")`, `count("overdue", True)`."""
        return len(self._facets.get((kind, value), ()))

    def order(self, key: SortKey) -> tuple[int, ...]:
        """Row positions in ascending `key` order (ties broken by rank), computed once."""
        with self._lock:
            found = self._orders.get(key)
        if found is None:
            found = tuple(sorted(range(len(self.rows)), key=_sorter(key, self.rows)))
            with self._lock:
                found = self._orders.setdefault(key, found)
        return found

    def select(self, query: RegisterQuery) -> list[int]:
        """Positions of the rows matching the query's filters, in its order."""
        wanted = [
            ("level", query.level),
            ("status", query.status),
            ("owner", query.owner),
            ("asset", query.asset),
        ]
        sets = [self._facets.get(key, frozenset()) for key in wanted if key[1] is not None]
        if query.overdue:
            sets.append(self._facets.get(("overdue", True), frozenset()))
        descending = query.sort.startswith("-")
        order = self.order(SortKey(query.sort.lstrip("-")))
        if descending:
            order = order[::-1]
        if not sets:
            return list(order)
        sets.sort(key=len)
        chosen = sets[0].intersection(*sets[1:])
        if len(chosen) * 8 < len(order):
            # Few matches: sorting them costs less than walking the whole order.
            rank = self._positions(SortKey(query.sort.lstrip("-")))
            return sorted(chosen, key=rank.__getitem__, reverse=descending)
        return [n for n in order if n in chosen]

    def _positions(self, key: SortKey) -> list[int]:
        """Each row's place in `order(key)`, to sort a few rows without walking them all."""
        with self._lock:
            found = self._places.get(key)
        if found is None:
            found = [0] * len(self.rows)
            for place, n in enumerate(self.order(key)):
                found[n] = place
            with self._lock:
                found = self._places.setdefault(key, found)
        return found

    def page(self, query: RegisterQuery) -> RegisterPage:
        """The page of rows the query asks for (the last page when it asks past the end)."""
        selected = self.select(query)
        per_page = max(1, query.per_page)
        pages = max(1, -(-len(selected) // per_page))
        page = min(max(1, query.page), pages)
        start = (page - 1) * per_page
        rows = tuple(self.rows[n] for n in selected[start : start + per_page])
        return RegisterPage(rows, len(selected), page, pages, per_page)


def _sorter(key: SortKey, rows: tuple[RegisterRow, ...]) -> Callable[[int], Any]:
    """Ascending sort key over row positions; every key ends in the rank, so order is total."""

    def level(value: Level | None) -> int:
        return -1 if value is None else value.rank

    keys: dict[SortKey, Callable[[RegisterRow], Any]] = {
        SortKey.RANK: lambda r: (),
        SortKey.ID: lambda r: (r.risk_id,),
        SortKey.ASSET: lambda r: (r.asset is None, r.asset or ""),
        SortKey.RESIDUAL: lambda r: (level(r.residual),),
        SortKey.INHERENT: lambda r: (level(r.inherent),),
        SortKey.SCORE: lambda r: (-1 if r.score is None else r.score,),
        SortKey.DUE: lambda r: (r.next_due is None, r.next_due or date.max),
        SortKey.REVIEWED: lambda r: (r.last_reviewed is not None, r.last_reviewed or date.min),
    }
    pick = keys[key]
    # Rows are built in rank order, so the position is the rank tie-breaker.
    return lambda n: (*pick(rows[n]), n)


def remediation_due(risk: Risk, today: date) -> list[tuple[Remediation, bool]]:
    """A risk's remediation items, each with whether it is overdue as of `today` (SRA103)."""
    return [(item, is_overdue(item, today)) for item in risk.remediation]


def _row(index: int, risk: Risk, scored: ScoredRisk | None, today: date) -> RegisterRow:
    items = risk.remediation
    open_due = [item.due for item in items if item.status in OPEN_STATUSES and item.due]
    return RegisterRow(
        index=index,
        risk_id=risk.label,
        asset=risk.asset,
        threat=risk.threat,
        likelihood=risk.likelihood,
        impact=risk.impact,
        inherent=scored.inherent if scored else risk.inherent_risk,
        inherent_computed=scored.inherent_computed if scored else None,
        inherent_disagrees=scored.inherent_disagrees if scored else False,
        residual=scored.residual if scored else risk.residual_risk,
        residual_source=scored.residual_source if scored else "stated",
        score=scored.score if scored else None,
        open_items=sum(1 for item in items if item.status in OPEN_STATUSES),
        statuses=tuple(dict.fromkeys(item.status for item in items if item.status)),
        owners=tuple(dict.fromkeys(item.owner for item in items if item.owner)),
        overdue=sum(1 for item in items if is_overdue(item, today)),
        next_due=min(open_due) if open_due else None,
        last_reviewed=risk.last_reviewed,
    )


def register_table(ws: Workspace, today: date) -> RegisterTable:
    """The register of `ws` as of `today`, rows in rank order (highest residual first)."""
    matrix = usable_matrix(ws)  # None: the loader reports it; rows keep their levels as written
    risks = ws.risks
    if matrix is None:
        levels = ws.manifest.methodology.levels if ws.manifest else None
        scale = scale_levels(levels) if levels is not None else tuple(Level)
        rows = tuple(_row(n, risk, None, today) for n, risk in enumerate(risks))
        return RegisterTable(today, rows, tuple(scale))
    # Locations are not shown in the table, and locating 50,000 rows costs seconds.
    ranked = sorted(
        (score_risk(risk, matrix, _NOWHERE, n) for n, risk in enumerate(risks)),
        key=ScoredRisk.rank_key,
    )
    rows = tuple(_row(s.order, risks[s.order], s, today) for s in ranked)
    return RegisterTable(today, rows, tuple(matrix.scale))
