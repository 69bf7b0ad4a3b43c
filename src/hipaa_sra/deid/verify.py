"""The proof: the copy scanned by `sra scan`'s detector, every identifier found judged by its
action.

Two ways to scan it. `Tally` counts each batch of a file's copy as it is written, with the
scanner's own plan, memo and counting on the very frame the writer receives (as text, as a
re-read would give it): no second parse of the copy. `rescan` reads the written copy back
in full with `sra scan` (databases, Dask, and `--verify full`). Both give the same
`ScanResult`; the tests hold their digests equal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from threading import Lock

import polars as pl

from ..scan import Filters, Options, ScanResult, Target, scan
from ..scan.checks import Counts
from ..scan.detect_polars import count_batch
from ..scan.engine import table_result
from ..scan.memo import Memo
from ..scan.plan import PROFILE_ROWS, Plan, full_plan, merge, narrow
from ..scan.render import source_json
from ..scan.sources.base import as_text
from ..scan.types import TableResult
from .policy import Action, Policy, Profile, lds_may_keep

REPLACING = frozenset({Action.SURROGATE, Action.PSEUDONYMIZE, Action.DATE_SHIFT})
"""Actions whose output looks like the identifier on purpose (an MRN-shaped surrogate): the
re-scan finds the shape, but no value is the individual's."""
DEFAULT_THRESHOLD = 0.5
"""Confidence from which an identifier in the copy fails the run."""


@dataclass(frozen=True)
class Seen:
    """An identifier the re-scan found in a column of the copy."""

    table: str
    column: str
    type: str
    confidence: float
    why: str
    """Why it is accepted (`surrogate`, `kept: limited data set`) or why it fails."""


@dataclass(frozen=True)
class Verification:
    """The re-scan's result and its judgement."""

    failures: tuple[Seen, ...]
    accepted: tuple[Seen, ...]
    unscanned: tuple[str, ...]
    rows: int
    digest: str
    """`sha256:` of the re-scan's JSON result (table names as in the policy), keys sorted."""

    @property
    def passed(self) -> bool:
        """True when every table was scanned and no identifier is left unaccounted for."""
        return not self.failures and not self.unscanned


def _digest(result: ScanResult, label: str, names: Mapping[str, str]) -> str:
    docs = []
    for source in result.sources:
        doc = source_json(source, samples=False)
        doc["source"] = label
        for table in doc["tables"]:
            table["table"] = names.get(table["table"], table["table"])
        docs.append(doc)
    text = json.dumps(docs, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def judge(
    result: ScanResult,
    policy: Policy,
    names: Mapping[str, str],
    label: str,
    threshold: float = DEFAULT_THRESHOLD,
) -> Verification:
    """Fail on each PHI identifier at or above `threshold` that the policy did not replace."""
    failures: list[Seen] = []
    accepted: list[Seen] = []
    for source in result.sources:
        for table in source.tables:
            name = names.get(table.table, table.table)
            spec = policy.tables.get(name)
            for column in table.columns:
                rule = spec.columns.get(column.column) if spec is not None else None
                for ident in column.identifiers:
                    if not ident.type.is_phi or ident.confidence < threshold:
                        continue
                    seen = (name, column.column, ident.type.value, ident.confidence)
                    if rule is not None and rule.action in REPLACING:
                        accepted.append(Seen(*seen, f"{rule.action}: replaced values"))
                    elif (
                        rule is not None
                        and policy.profile is Profile.LIMITED_DATA_SET
                        and rule.action is Action.KEEP
                        and lds_may_keep(ident.type, column.column)
                    ):
                        accepted.append(Seen(*seen, "kept: a limited data set may"))
                    else:
                        action = rule.action.value if rule is not None else "no action"
                        failures.append(Seen(*seen, f"after {action}"))
    unscanned = tuple(f"{u.table or u.source}: {u.error}" for u in result.unscanned)
    rows = sum(s.rows_sampled for s in result.sources)
    return Verification(
        tuple(failures), tuple(accepted), unscanned, rows, _digest(result, label, names)
    )


def rescan(
    spec: str, filters: Filters, progress: Callable[[int, int], None] | None = None
) -> ScanResult:
    """`sra scan` of the written copy, every row."""
    return scan([Target(spec)], Options(filters=filters), progress)


class Tally:
    """`sra scan`'s counts of one table, fed the copy's batches in the order they are written.

    The table's first `PROFILE_ROWS` rows are counted first with every check, and give the
    plan for the rest, as `sra scan` does (`planned` says when batches may be counted on
    any thread at once: counts only add up).
    """

    def __init__(self, table: str) -> None:
        self.table = table
        self.rows = 0
        self._counts: dict[str, Counts] = {}
        self._plan: Plan | None = None
        self._head: list[pl.DataFrame] = []
        self._memo = Memo()
        self._lock = Lock()

    @property
    def planned(self) -> bool:
        """True once the profile is counted: later batches need no order."""
        return self._plan is not None

    def add(self, frame: pl.DataFrame) -> None:
        """Count a batch of the copy (its columns as written)."""
        text = as_text(frame)
        if self._plan is None:
            self._head.append(text)
            if sum(part.height for part in self._head) < PROFILE_ROWS:
                return
            text = self._profile()
        self._count(text)

    def _count(self, text: pl.DataFrame) -> None:
        if self._plan is not None and text.height:
            self._merge(count_batch(text, self._plan, self._memo), text.height)

    def _profile(self) -> pl.DataFrame:
        """Count the first rows with every check, set the plan; the rows after them."""
        rows = pl.concat(self._head, how="vertical_relaxed")
        self._head = []
        head = rows.head(PROFILE_ROWS)
        got = count_batch(head, full_plan(rows.columns), self._memo)
        self._plan = narrow(got)
        self._merge(got, head.height)
        return rows.slice(PROFILE_ROWS)

    def _merge(self, got: dict[str, Counts], rows: int) -> None:
        with self._lock:
            if not self._counts:
                self._counts = {column: {} for column in got}
            merge(self._counts, got)
            self.rows += rows

    def result(self) -> TableResult:
        """The table's verdicts, as a re-scan of the written copy would give them."""
        if self._head:
            self._count(self._profile())
        return table_result(self.table, self.rows, self._counts)
