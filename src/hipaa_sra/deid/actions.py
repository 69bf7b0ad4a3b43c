"""A table's actions on each batch: replacements per distinct value, then one polars query.

`frame` turns one batch into its de-identified copy: the columns that need the mapping
store (surrogates, date-shift subjects, pseudonyms) are reduced to their distinct values,
whose replacements the store gives (issuing new ones), and gathered back to the rows;
never a Python call per row. `load` and `bound` serve Dask: the replacements of a whole
file's values gathered first, then applied to each partition where it lives.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from ..errors import SraError
from ..scan.types import IdentifierType
from .generalize import age, shift, year, zip3
from .policy import Action, Rule
from .redact_text import redact_text
from .store import Make, MappingStore
from .surrogates import emails, shaped


class ActionError(SraError):
    """An action cannot be applied to the data as it is (a key, a missing key, a type)."""


@dataclass
class Context:
    """What every table's transform shares: the store, the date, the pseudonym key."""

    store: MappingStore | None
    today: date
    key: bytes | None = None
    """HMAC key of `pseudonymize` (from SRA_DEID_KEY), never stored."""
    counts: Counter[str] = field(default_factory=Counter)
    """Columns per action over the whole run."""


def out_dtype(rule: Rule, dtype: pl.DataType) -> pl.DataType:
    """The type a column has after its action."""
    if rule.action is Action.GENERALIZE:
        return pl.Int32() if rule.type is IdentifierType.DATE else pl.String()
    if rule.action in (Action.PSEUDONYMIZE, Action.REDACT_TEXT):
        return pl.String()
    return dtype


class TableTransform:
    """The policy of one table, bound to its columns' types."""

    def __init__(
        self, table: str, rules: Mapping[str, Rule], schema: pl.Schema, context: Context
    ) -> None:
        self.table = table
        self.rules = dict(rules)
        self.schema = schema
        self.context = context
        self._maps: dict[str, tuple[pl.Series, pl.Series]] = {}
        missing = [c for c in schema.names() if c not in rules]
        if missing:
            raise ActionError(
                f"table `{table}`: column(s) {', '.join(missing)} are not in the "
                "policy; every column needs an action (`keep` if it holds no "
                "identifier); `sra deidentify --init-policy` lists them all"
            )
        for rule in self.rules.values():
            context.counts[rule.action.value] += 1

    def _needs(self) -> list[tuple[str, str, Rule]]:
        """(column, what it maps: surrogate, offset or pseudonym, the rule asking)."""
        out: dict[tuple[str, str], Rule] = {}
        for column, rule in self.rules.items():
            if rule.action is Action.SURROGATE:
                out[(column, "surrogate")] = rule
            elif rule.action is Action.PSEUDONYMIZE:
                out[(column, "pseudonym")] = rule
            elif rule.action is Action.DATE_SHIFT and rule.subject is not None:
                # Several date columns of a subject share one offset lookup.
                out.setdefault((rule.subject, "offset"), rule)
        return [(column, kind, rule) for (column, kind), rule in out.items()]

    def columns_to_map(self) -> list[str]:
        """Columns whose distinct values `load` needs."""
        return list(dict.fromkeys(column for column, _, _ in self._needs()))

    def lookup_keys(self) -> list[str]:
        """Names of the lookups `lookups` gives (a column, or `offset:SUBJECT`)."""
        return [_key(column, kind) for column, kind, _ in self._needs()]

    def load(self, values: Mapping[str, pl.Series]) -> None:
        """Get the replacements of these distinct values of each column, for `bound`."""
        for column, kind, rule in self._needs():
            distinct = values[column].cast(pl.String).drop_nulls().unique()
            self._maps[_key(column, kind)] = (distinct, self._replace(column, kind, rule, distinct))

    def lookups(self, batch: pl.DataFrame) -> dict[str, pl.Series]:
        """Each lookup's value on every row of `batch`, issuing what the store lacks.

        Called batch after batch in order: the store issues each new value's surrogate
        (or subject's offset) when it is first seen.
        """
        out = {}
        for column, kind, rule in self._needs():
            values = batch.get_column(column)
            if kind == "pseudonym":  # Python per value: once per distinct one
                rows, names = encode(values)
                out[_key(column, kind)] = self._replace(column, kind, rule, names).gather(rows)
            else:  # the store's index takes every row at once
                out[_key(column, kind)] = self._replace(column, kind, rule, values)
        return out

    def _replace(self, column: str, kind: str, rule: Rule, values: pl.Series) -> pl.Series:
        """The replacement of each of `values` (as text): pseudonym, offset, surrogate."""
        store = self.context.store
        if kind == "pseudonym":
            key = self.context.key
            if key is None:
                raise ActionError(
                    "pseudonymize needs a key: set SRA_DEID_KEY in the "
                    "environment (kept out of the policy and the output)"
                )
            # One HMAC per distinct value (hashlib has no vectorised form); rows gather after.
            return pl.Series(
                [
                    None if v is None else hmac.new(key, v.encode(), hashlib.sha256).hexdigest()
                    for v in values.to_list()
                ],
                dtype=pl.String,
            )
        if store is None:
            raise ActionError(
                f"table `{self.table}`: column `{column}` needs the mapping "
                "store (surrogate, date-shift): give --mapping-store"
            )
        if kind == "offset":
            return store.offsets(rule.domain_of(column), values, rule.max_days)
        return store.surrogates(rule.domain_of(column), values, self._maker(rule))

    def _maker(self, rule: Rule) -> Make:
        rng: np.random.Generator = (
            self.context.store.rng if self.context.store else (np.random.default_rng())
        )
        if rule.type is IdentifierType.EMAIL:
            return lambda values: emails(values, rng)
        return lambda values: shaped(values, rng)

    def bound(self) -> Bound:
        """The apply side alone (no store, no connection): what a Dask worker receives."""
        return Bound(self.rules, self.schema, dict(self._maps), self.context.today)

    def frame(self, batch: pl.DataFrame) -> pl.DataFrame:
        """The de-identified batch; batches must come in order (see `lookups`)."""
        return self.bound().frame(batch, self.lookups(batch))

    def kept(self) -> list[str]:
        """Columns of the copy, in order."""
        return self.bound().kept()


def encode(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The distinct values as text, and each row's position among them (null for null).

    A categorical with categories of its own numbers the values in one hashing pass; a
    replacement computed once per distinct value is then gathered to the rows.
    """
    coded = values.cast(pl.String).cast(pl.Categorical(pl.Categories.random()))
    present = coded.unique().drop_nulls()
    ids = present.to_physical().to_numpy()
    where = np.zeros(int(ids.max()) + 1 if len(ids) else 0, dtype=np.uint32)
    where[ids] = np.arange(len(ids), dtype=np.uint32)
    positions = (
        pl.Series(where).gather(coded.to_physical())
        if len(ids)
        else pl.Series([None] * values.len(), dtype=pl.UInt32)
    )
    return positions, present.cast(pl.String).alias(values.name)


@dataclass(frozen=True)
class Bound:
    """A table's actions with their lookups filled in: picklable, applied to any batch."""

    rules: dict[str, Rule]
    schema: pl.Schema
    maps: dict[str, tuple[pl.Series, pl.Series]]
    today: date

    def expression(self, column: str, rule: Rule) -> pl.Expr | None:
        """The column's new values, or None when it is dropped."""
        dtype = self.schema[column]
        value = pl.col(column)
        action = rule.action
        if action is Action.DROP:
            return None
        if action is Action.KEEP:
            return value
        if action is Action.REDACT:
            return pl.lit(None, dtype=dtype).alias(column)
        if action is Action.REDACT_TEXT:
            return redact_text(value).alias(column)
        if action is Action.GENERALIZE:
            if rule.type is IdentifierType.DATE:
                return year(value, dtype, self.today).alias(column)
            if rule.type is IdentifierType.ZIP:
                return zip3(value, dtype).alias(column)
            return age(value).alias(column)
        if action is Action.DATE_SHIFT:
            assert rule.subject is not None
            days = pl.col(_helper(f"offset:{rule.subject}")).cast(pl.Int32)
            return shift(value, dtype, days).alias(column)
        if action is Action.PSEUDONYMIZE:
            return pl.col(_helper(column)).cast(pl.String).alias(column)
        surrogate = pl.col(_helper(column)).cast(pl.String)
        return surrogate.cast(dtype, strict=False).alias(column)

    def lookups(self, batch: pl.DataFrame) -> dict[str, pl.Series]:
        """Each lookup's value on every row of `batch`, from the filled maps (`load`)."""
        out = {}
        for key, (old, new) in self.maps.items():
            rows, names = encode(batch.get_column(key.removeprefix("offset:")))
            table = pl.DataFrame({"k": old, "v": new})
            found = names.to_frame("k").join(table, on="k", how="left", maintain_order="left")
            out[key] = found.get_column("v").gather(rows)
        return out

    def frame(
        self, batch: pl.DataFrame, lookups: Mapping[str, pl.Series] | None = None
    ) -> pl.DataFrame:
        """The de-identified batch: every column's action at once, dropped columns gone.

        Generalized text columns (dates, ZIP codes, ages) hold few distinct values: each is
        generalized once and gathered to its rows, a third of the work of every row.
        """
        found = self.lookups(batch) if lookups is None else lookups
        added = [series.alias(_helper(key)) for key, series in found.items()]
        exprs = []
        for column in self.schema.names():
            rule = self.rules[column]
            expr = self.expression(column, rule)
            if expr is None:
                continue
            if rule.action is Action.GENERALIZE and batch.schema[column] == pl.String:
                rows, names = encode(batch.get_column(column))
                done = names.to_frame(column).select(expr).to_series().gather(rows)
                added.append(done.alias(_helper(column, "g")))
                expr = pl.col(_helper(column, "g")).alias(column)
            exprs.append(expr)
        return batch.with_columns(added).select(exprs)

    def kept(self) -> list[str]:
        """Columns of the copy, in order."""
        return [c for c in self.schema.names() if self.rules[c].action is not Action.DROP]


def _key(column: str, kind: str) -> str:
    """A lookup's name: the column, or `offset:SUBJECT` for a date-shift's offsets."""
    return f"offset:{column}" if kind == "offset" else column


def _helper(key: str, part: str = "v") -> str:
    """Name of a column added for `frame` (`v`: a lookup, `g`: a generalized column); never a
    real one."""
    return f"\x00sra-{part}:{key}"
