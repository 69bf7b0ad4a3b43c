"""The reference detector: the same checks, one value at a time with Python's `re`.

Slow (tens of MB/s) and plain on purpose: tests compare the vectorised detector's counts
with these, and the validators here are the readable definitions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache

from .checks import (
    FIRST_WORD,
    LAST_WORD,
    TEXT_MIN_CHARS,
    TEXT_PATTERN,
    Check,
    Counts,
    Validator,
    count_key,
    word_list,
)
from .validators import card_valid, npi_valid, ssn_valid, vin_valid


def name_valid(value: str) -> bool:
    """True if the first word is a given name or the last a surname (titles set aside)."""
    first_match = _compiled(FIRST_WORD).search(value)
    last_match = _compiled(LAST_WORD).search(value)
    first = first_match.group(1).upper() if first_match else None
    last = last_match.group(1).upper() if last_match else None
    given, surnames = word_list("given_names"), word_list("surnames")
    return first in given or last in surnames or ("," in value and first in surnames)


_VALIDATORS: dict[Validator, Callable[[str], bool]] = {
    Validator.NAME: name_valid,
    Validator.LUHN: card_valid,
    Validator.NPI: npi_valid,
    Validator.VIN: vin_valid,
    Validator.SHORT_ID: lambda value: 4 <= len(value) <= 40,
}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _passes(check: Check, value: str) -> bool:
    if _compiled(check.pattern).search(value) is None:
        return False
    # The SSN pattern encodes the SSA rules; the reference checks them the plain way too.
    if check.key == "ssn" and not check.span:
        return ssn_valid(value)
    return check.validator is None or _VALIDATORS[check.validator](value)


def count_values(values: Iterable[str | None], checks: Sequence[Check]) -> Counts:
    """Counts for one column's values, keyed as the vectorised detector keys them."""
    counts: Counts = {"values": 0, "text": 0, **{count_key(check): 0 for check in checks}}
    text = _compiled(TEXT_PATTERN)
    for value in values:
        if not value:
            continue
        counts["values"] += 1
        if len(value) > TEXT_MIN_CHARS and text.search(value):
            counts["text"] += 1
        for check in checks:
            if _passes(check, value):
                counts[count_key(check)] += 1
    return counts


def count_rows(
    columns: Mapping[str, Iterable[str | None]], plan: Mapping[str, Sequence[Check]]
) -> dict[str, Counts]:
    """Counts per column, as `detect_polars.count_batch` returns them."""
    return {column: count_values(columns[column], checks) for column, checks in plan.items()}
