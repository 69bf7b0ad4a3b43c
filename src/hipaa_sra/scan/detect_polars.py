"""The vectorised detector: every check of every column of a batch in one polars query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import polars as pl

from .checks import (
    LEADING_TITLE,
    TEXT_MIN_CHARS,
    TEXT_PATTERN,
    TRAILING_SUFFIX,
    Check,
    Counts,
    Validator,
    count_key,
    span_gate,
    word_list,
)
from .memo import Memo
from .validators import NPI_PREFIX, VIN_VALUES, VIN_WEIGHTS

_SEP = "\x1f"


def _luhn(reverse: pl.Expr, width: int) -> pl.Expr:
    """Luhn over digits given in reverse order (a prepared column: each term reads it)."""
    terms = []
    for i in range(width):
        d = reverse.str.slice(i, 1).cast(pl.Int32, strict=False).fill_null(0)
        terms.append(d * 2 - 9 * (d > 4).cast(pl.Int32) if i % 2 else d)
    return pl.sum_horizontal(terms) % 10 == 0


def _vin(value: pl.Expr) -> pl.Expr:
    terms = [
        value.str.slice(i, 1).replace_strict(VIN_VALUES, default=0, return_dtype=pl.Int32) * weight
        for i, weight in enumerate(VIN_WEIGHTS)
        if weight
    ]
    total = pl.sum_horizontal(terms) % 11
    expected = pl.when(total == 10).then(pl.lit("X")).otherwise(total.cast(pl.String))
    return value.str.slice(8, 1) == expected


@cache
def _names(list_name: str) -> pl.Series:
    return pl.Series(list_name, sorted(word_list(list_name)), dtype=pl.String)


@cache
def _given_titled() -> pl.Series:
    """The given names as they are usually written (`Mary`): each is a listed name."""
    words = [word.title() for word in sorted(word_list("given_names"))]
    return pl.Series("given_names", [w for w in words if w.upper() in word_list("given_names")])


def _count_names(hits: pl.Series) -> int:
    """Values whose first word is a given name or last a surname (see `detect_re.name_valid`).

    Names are mostly distinct, so each value is looked at once rather than grouped first;
    most first words are given names written `Mary`, found without a case conversion, and
    only the other values are read further. FIRST_WORD and LAST_WORD in two steps: on
    values the name patterns match (words and `, ` or ` ` between them) they give the same
    words without the slow capture groups.
    """
    first = hits.str.extract(r"^[^ ,]+", 0)
    titled = hits.str.contains(LEADING_TITLE)
    if titled.any():
        after = hits.filter(titled).str.replace(LEADING_TITLE, "").str.extract(r"^[^ ,]+", 0)
        first = first.scatter(titled.arg_true(), after)
    usual = first.is_in(_given_titled().implode()).fill_null(False)
    found = int(usual.sum())
    rest, rest_first = hits.filter(~usual), first.filter(~usual).str.to_uppercase()
    if not rest.len():
        return found
    last = rest
    if rest.str.contains(TRAILING_SUFFIX).any():
        last = last.str.replace(TRAILING_SUFFIX, "")
    last = last.str.extract(r"[^ ,]+$", 0).str.to_uppercase()
    given, surnames = _names("given_names").implode(), _names("surnames").implode()
    ok = rest_first.is_in(given) | last.is_in(surnames)
    comma = rest.str.contains(",", literal=True)
    if comma.any():
        ok = ok | (comma & rest_first.is_in(surnames))
    return found + int(ok.sum())


def _prepared(hits: pl.Expr, validator: Validator) -> pl.Expr:
    """The matches as the validator reads them, computed once (queries repeat terms)."""
    if validator is Validator.LUHN:
        return hits.str.replace_all(r"[ \-]", "").str.reverse()
    if validator is Validator.NPI:
        return (pl.lit(NPI_PREFIX) + hits).str.reverse()
    return hits


def _validated(value: pl.Expr, validator: Validator) -> pl.Expr:
    if validator is Validator.LUHN:
        return _luhn(value, 19)
    if validator is Validator.NPI:
        return _luhn(value, 15)
    if validator is Validator.VIN:
        return _vin(value)
    return value.str.len_chars().is_between(4, 40)


def _count_validated(series: pl.Series, check: Check, memo: Memo | None = None) -> int:
    """Values that match the pattern and pass the validator, the validator run on matches only."""
    assert check.validator is not None
    hits = series.filter(series.str.contains(check.pattern).fill_null(False))
    if not hits.len():
        return 0
    if check.validator is Validator.NAME:
        return _count_names(hits)
    key = count_key(check)
    matched = hits.len()
    total = 0
    known = memo.known(series.name, key) if memo is not None else None
    if known is not None:
        known_pass = hits.is_in(known[0].implode())
        total = int(known_pass.sum())
        hits = hits.filter(~(known_pass | hits.is_in(known[1].implode())))
    if hits.len():
        # Names, dates and codes repeat: validate each distinct value once, weighted by count.
        distinct = hits.to_frame("v").group_by("v").len("n")
        frame = distinct.with_columns(_prepared(pl.col("v"), check.validator).alias("p"))
        frame = frame.with_columns(_validated(pl.col("p"), check.validator).alias("ok"))
        total += int(frame.select(pl.col("n").filter(pl.col("ok")).sum()).item() or 0)
        if memo is not None:
            ok, values = frame.get_column("ok"), frame.get_column("v")
            memo.learn(
                series.name,
                key,
                values.filter(ok),
                values.filter(~ok),
                matched,
                matched - hits.len(),
            )
    return total


def count_batch(
    frame: pl.DataFrame, plan: Mapping[str, Sequence[Check]], memo: Memo | None = None
) -> dict[str, Counts]:
    """Counts per column of `frame` (String columns) for the checks `plan` names per column."""
    exprs: list[pl.Expr] = []
    for column, checks in plan.items():
        value = pl.col(column)
        present = value.is_not_null() & (value.str.len_bytes() > 0)
        exprs.append(present.sum().alias(f"{column}{_SEP}values"))
        # Only long values go through the word pattern (bytes >= characters: no value lost).
        long = value.filter(value.str.len_bytes() > TEXT_MIN_CHARS)
        text = (long.str.len_chars() > TEXT_MIN_CHARS) & long.str.contains(TEXT_PATTERN)
        exprs.append(text.sum().alias(f"{column}{_SEP}text"))
        exprs.extend(
            value.str.contains(check.pattern).sum().alias(f"{column}{_SEP}{count_key(check)}")
            for check in checks
            if check.validator is None and not check.span
        )
        # Identifier-like values are mostly distinct: a length test per value is cheaper
        # than grouping them first as the other validators do.
        exprs.extend(
            (value.str.contains(check.pattern) & value.str.len_chars().is_between(4, 40))
            .sum()
            .alias(f"{column}{_SEP}{count_key(check)}")
            for check in checks
            if check.validator is Validator.SHORT_ID
        )
    row = frame.select(exprs).row(0) if exprs else ()
    counts: dict[str, Counts] = {column: {} for column in plan}
    for expr, total in zip(exprs, row, strict=True):
        column, key = expr.meta.output_name().split(_SEP, 1)
        counts[column][key] = int(total or 0)
    for column, checks in plan.items():
        spans = [check for check in checks if check.span]
        if spans:
            counts[column].update(_count_spans(frame[column], spans))
        for check in checks:
            if check.validator not in (None, Validator.SHORT_ID):
                counts[column][count_key(check)] = _count_validated(frame[column], check, memo)
    return counts


def _count_spans(series: pl.Series, checks: Sequence[Check]) -> Counts:
    """Span counts over the values that could hold any identifier (see `span_gate`)."""
    candidates = series.filter(series.str.contains(span_gate(tuple(checks))).fill_null(False))
    if not candidates.len():
        return {count_key(check): 0 for check in checks}
    row = (
        candidates.to_frame("v")
        .select(
            pl.col("v").str.contains(check.pattern).sum().alias(count_key(check))
            for check in checks
        )
        .row(0, named=True)
    )
    return {key: int(total or 0) for key, total in row.items()}
