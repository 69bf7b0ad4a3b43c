"""A table's actions as one polars query: prepare the mappings, then transform any frame.

`prepare` reads the distinct values of the columns that need the mapping store
(surrogates, date-shift subjects, pseudonyms) and gets their replacements in bulk;
`apply` then turns a frame (lazy, so a file streams through) into its de-identified copy
with vectorised lookups (`replace_strict`), never a Python call per row.
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

    def __init__(self, table: str, rules: Mapping[str, Rule], schema: pl.Schema,
                 context: Context) -> None:  # fmt: skip
        self.table = table
        self.rules = dict(rules)
        self.schema = schema
        self.context = context
        self._maps: dict[str, tuple[pl.Series, pl.Series]] = {}
        missing = [c for c in schema.names() if c not in rules]
        if missing:
            raise ActionError(f"table `{table}`: column(s) {', '.join(missing)} are not in the "
                              "policy; every column needs an action (`keep` if it holds no "
                              "identifier); `sra deidentify --init-policy` lists them all")
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

    def prepare(self, frame: pl.LazyFrame | pl.DataFrame) -> None:
        """Read the distinct values the lookups need (one pass) and get their replacements."""
        needs = self.columns_to_map()
        if not needs:
            return
        query = frame.lazy().select([pl.col(c).cast(pl.String).unique().implode() for c in needs])
        found = query.collect()
        self.load({c: found.get_column(c)[0] for c in needs})

    def load(self, values: Mapping[str, pl.Series]) -> None:
        """Get the replacements of these distinct values of each column (from `prepare`)."""
        for column, kind, rule in self._needs():
            self._map(column, kind, rule, values[column])

    def _map(self, column: str, kind: str, rule: Rule, values: pl.Series) -> None:
        store = self.context.store
        if kind == "pseudonym":
            key = self.context.key
            if key is None:
                raise ActionError("pseudonymize needs a key: set SRA_DEID_KEY in the "
                                  "environment (kept out of the policy and the output)")
            distinct = values.drop_nulls().unique()
            # One HMAC per distinct value (hashlib has no vectorised form); rows join after.
            hashed = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in distinct]
            self._maps[column] = (distinct, pl.Series(hashed, dtype=pl.String))
            return
        if store is None:
            raise ActionError(f"table `{self.table}`: column `{column}` needs the mapping "
                              "store (surrogate, date-shift): give --mapping-store")
        if kind == "offset":
            table = store.offsets(rule.domain_of(column), values, rule.max_days)
            self._maps[f"offset:{column}"] = (table.get_column("subject"),
                                              table.get_column("days"))  # fmt: skip
            return
        make = self._maker(rule)
        table = store.surrogates(rule.domain_of(column), values, make)
        self._maps[column] = (table.get_column("original"), table.get_column("surrogate"))

    def _maker(self, rule: Rule) -> Make:
        rng: np.random.Generator = self.context.store.rng if self.context.store else (
            np.random.default_rng())  # fmt: skip
        if rule.type is IdentifierType.EMAIL:
            return lambda values: emails(values, rng)
        return lambda values: shaped(values, rng)

    def bound(self) -> Bound:
        """The apply side alone (no store, no connection): what a Dask worker receives."""
        return Bound(self.rules, self.schema, dict(self._maps), self.context.today)

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """The de-identified frame: every column's action at once, dropped columns gone."""
        return self.bound().apply(frame)

    def kept(self) -> list[str]:
        """Columns of the copy, in order."""
        return self.bound().kept()


@dataclass(frozen=True)
class Bound:
    """A table's actions with their lookups filled in: picklable, applied to any frame."""

    rules: dict[str, Rule]
    schema: pl.Schema
    maps: dict[str, tuple[pl.Series, pl.Series]]
    today: date

    def _lookup(self, key: str, dtype: pl.DataType) -> pl.Expr:
        """The replacement joined in by `apply` for the lookup `key`."""
        return pl.col(_helper(key)).cast(dtype)

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
            days = self._lookup(f"offset:{rule.subject}", pl.Int32())
            return shift(value, dtype, days).alias(column)
        if action is Action.PSEUDONYMIZE:
            return self._lookup(column, pl.String()).alias(column)
        surrogate = self._lookup(column, pl.String())
        return surrogate.cast(dtype, strict=False).alias(column)

    def apply(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """The de-identified frame: every column's action at once, dropped columns gone.

        Each lookup is a left join on the column's text (streamed, rows kept in order):
        `replace_strict` with a large mapping makes polars hold the whole table in memory.
        """
        for key, (old, new) in self.maps.items():
            column = key.removeprefix("offset:")
            table = pl.DataFrame({_helper(key, "k"): old, _helper(key): new}).lazy()
            frame = frame.with_columns(pl.col(column).cast(pl.String).alias(_helper(key, "k")))
            frame = frame.join(table, on=_helper(key, "k"), how="left", maintain_order="left")
        exprs = [e for c in self.schema.names()
                 if (e := self.expression(c, self.rules[c])) is not None]  # fmt: skip
        return frame.select(exprs)

    def kept(self) -> list[str]:
        """Columns of the copy, in order."""
        return [c for c in self.schema.names() if self.rules[c].action is not Action.DROP]


def _helper(key: str, part: str = "v") -> str:
    """Name of a lookup's joined column (`k`: the key, `v`: the value); never a real one."""
    return f"\x00sra-{part}:{key}"
