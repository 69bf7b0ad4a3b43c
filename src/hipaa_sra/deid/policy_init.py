"""`--init-policy`: a draft policy from a scan, each column with its type and a default action.

The draft is for a person to review: the defaults remove every identifier the scan found
(Safe Harbor), keep joins working (keys get surrogates in a shared domain), and send free
text through `redact-text`, which cannot find names written without a title.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date

from ..scan import Filters, Options, ScanResult, Target, scan
from ..scan.checks import TEXT_MIN_CHARS, TEXT_PATTERN
from ..scan.sources import SourceError, open_source
from ..scan.types import IdentifierType as T
from .policy import Action
from .tables import SourceTable

DEFAULTS = {
    T.DATE: Action.GENERALIZE,
    T.ZIP: Action.GENERALIZE,
    T.AGE_OVER_89: Action.GENERALIZE,
    T.MRN: Action.SURROGATE,
    T.NPI: Action.KEEP,
}
"""Default action by type; every other PHI type is redacted."""
PROFILE_ROWS = 1_000
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")


def _key(name: str) -> str:
    return name if _PLAIN.match(name) else json.dumps(name)


def free_text(spec: str, filters: Filters) -> set[tuple[str, str]]:
    """(table, column) pairs whose first values are mostly free text."""
    out: set[tuple[str, str]] = set()
    try:
        source = open_source(
            spec,
            Filters(
                schemas=filters.schemas,
                tables=filters.tables,
                max_rows=PROFILE_ROWS,
                batch_rows=PROFILE_ROWS,
            ),
        )
        for table in source.tables():
            if isinstance(table, SourceError):
                continue
            batch = next(iter(table.batches()), None)
            table.close()
            if batch is None or batch.height == 0:
                continue
            for column in batch.columns:
                value = batch.get_column(column).drop_nulls()
                text = (value.str.len_chars() > TEXT_MIN_CHARS) & value.str.contains(TEXT_PATTERN)
                if value.len() and text.mean() >= 0.5:  # type: ignore[operator]
                    out.add((table.name, column))
        source.close()
    except SourceError:
        return out
    return out


def _domains(tables: Iterable[SourceTable]) -> dict[tuple[str, str], str]:
    """Key column -> its domain: the table.column every foreign key chain ends at."""
    refs = {(t.name, c): (p, r) for t in tables for c, p, r in t.references}

    def root(at: tuple[str, str], depth: int = 0) -> tuple[str, str]:
        return root(refs[at], depth + 1) if at in refs and depth < 20 else at

    return {at: ".".join(root(at)) for t in tables for at in ((t.name, k) for k in t.keys)}


def draft(
    spec: str,
    tables: list[SourceTable],
    result: ScanResult,
    texts: set[tuple[str, str]],
    today: date,
) -> str:
    """The policy's YAML text."""
    found: dict[tuple[str, str], tuple[T | None, float]] = {}
    for source in result.sources:
        for scanned in source.tables:
            for result_column in scanned.columns:
                if result_column.identifiers:
                    best = max(result_column.identifiers, key=lambda i: i.confidence)
                    found[(scanned.table, result_column.column)] = (best.type, best.confidence)
    lines = [
        f"# De-identification policy drafted by `sra deidentify --init-policy` on {today}",
        f"# from a scan of {spec}. Review every column before using it: the scan samples",
        "# values and cannot know what a column means. Actions: drop, keep, redact,",
        "# generalize, surrogate, pseudonymize, date-shift, redact-text (docs/deidentify.md).",
        "profile: safe-harbor",
        "tables:",
    ]
    domains = _domains(tables)
    rules: dict[tuple[str, str], tuple[dict[str, str], str]] = {}
    for table in tables:
        for column in table.schema.names():
            kind, confidence = found.get((table.name, column), (None, 0.0))
            if (table.name, column) in texts:
                rules[(table.name, column)] = (
                    {"action": Action.REDACT_TEXT.value},
                    "free text; names without a title are not found: review",
                )
            elif kind is None:
                rules[(table.name, column)] = ({"action": Action.KEEP.value}, "no identifier found")
            else:
                action = DEFAULTS.get(kind, Action.REDACT)
                if (table.name, column) in domains and kind.is_phi:
                    action = Action.SURROGATE
                rules[(table.name, column)] = (
                    {"action": action.value, "type": kind.value},
                    f"{kind} (confidence {confidence:.2f})",
                )
    # A key and the keys referencing it get the same surrogate domain, or none keeps joins.
    surrogate = {
        domains[at]
        for at, (rule, _) in rules.items()
        if at in domains and rule["action"] == Action.SURROGATE.value
    }
    for at, (rule, _) in rules.items():
        if domains.get(at) in surrogate:
            rule["action"] = Action.SURROGATE.value
        if rule["action"] == Action.SURROGATE.value:
            rule["domain"] = domains.get(at, at[1])
    for table in tables:
        lines += [f"  {_key(table.name)}:", "    columns:"]
        for column in table.schema.names():
            rule, note = rules[(table.name, column)]
            body = ", ".join(f"{k}: {_key(v)}" for k, v in rule.items())
            lines.append(f"      {_key(column)}: {{{body}}}  # {note}")
    return "\n".join(lines) + "\n"


def scan_for_policy(spec: str, filters: Filters) -> ScanResult:
    """The scan the draft is made from (every row, as `sra scan` reads them)."""
    return scan([Target(spec, filters=filters)], Options(filters=filters))
