"""Which checks run on which column: all of them on a first sample, then only those that hit.

The first `PROFILE_ROWS` rows of a table are counted with every check. A structured column
then keeps only the checks that matched at least one of its values there (and those its
name asks for); a free-text column keeps every span check, so one SSN deep in a notes
column is still found. A column with fewer than `MIN_PROFILED` values in the sample keeps
every check. This is what makes a scan fast: most columns run one or two patterns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .checks import Check, Counts, count_key, span_checks, value_checks
from .hints import hints
from .types import IdentifierType as T
from .verdict import is_free_text

PROFILE_ROWS = 10_000
MIN_PROFILED = 100

Plan = dict[str, tuple[Check, ...]]

# Counts a verdict reads beside the one that hit: the shape count of a validated check,
# and the share of IPv4 values with a high octet.
_COMPANIONS = {
    "name": "full-name",
    "full-name": "name",
    "ssn": "ssn-shape",
    "npi": "npi-shape",
    "card": "card-shape",
    "vin": "vin-shape",
    "ipv4": "ipv4-high",
}
# Counts that only a column's name gives a meaning to.
_HINT_ONLY = frozenset({"short-id", "word", "number", "age-90", "timestamp", "zip"})
_HINT_CHECKS: dict[T, tuple[str, ...]] = {
    T.AGE_OVER_89: ("number", "age-90"),
    T.ADDRESS: ("word", "address"),
    T.DATE: ("date", "timestamp"),
    T.ZIP: ("zip",),
}


def full_plan(columns: Iterable[str]) -> Plan:
    """Every check on every column: the plan of the profile sample."""
    every = value_checks() + span_checks()
    return dict.fromkeys(columns, every)


def narrow(counts: Mapping[str, Counts]) -> Plan:
    """The plan for the rest of the table, from the profile sample's counts."""
    plan: Plan = {}
    for column, got in counts.items():
        if got.get("values", 0) < MIN_PROFILED:
            plan[column] = value_checks() + span_checks()
            continue
        hint = hints(column)
        wanted = {key for key, n in got.items() if n} - _HINT_ONLY - {"values", "text"}
        wanted |= {_COMPANIONS[key] for key in list(wanted) if key in _COMPANIONS}
        # One name check is read: `name` with a name hint, `full-name` without.
        wanted -= {"full-name"} if T.NAME in hint.types else {"name"}
        values = got.get("values", 0)
        shaped = any(got.get(key, 0) >= 0.3 * values for key in wanted)
        for t in hint.types:
            # The name-only fallback (`short-id`) matters only when no pattern fits the values.
            wanted |= set(_HINT_CHECKS.get(t, () if shaped else ("short-id",)))
        chosen: Sequence[Check] = [c for c in value_checks() if c.key in wanted]
        if is_free_text(got):
            chosen = [*chosen, *span_checks()]
        plan[column] = tuple(chosen)
    return plan


def merge(into: dict[str, Counts], more: Mapping[str, Counts]) -> None:
    """Add the counts of another batch or partition."""
    for column, got in more.items():
        mine = into.setdefault(column, {})
        for key, n in got.items():
            mine[key] = mine.get(key, 0) + n


def keys(plan: Plan) -> dict[str, set[str]]:
    """The count keys each column's checks produce (for tests and diagnostics)."""
    return {column: {count_key(c) for c in checks} for column, checks in plan.items()}
