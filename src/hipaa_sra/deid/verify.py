"""The proof: the copy re-scanned by `sra scan`, every identifier found judged by its action."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..scan import Filters, Options, ScanResult, Target, scan
from ..scan.render import source_json
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


def judge(result: ScanResult, policy: Policy, names: Mapping[str, str], label: str,
          threshold: float = DEFAULT_THRESHOLD) -> Verification:  # fmt: skip
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
                    elif (rule is not None and policy.profile is Profile.LIMITED_DATA_SET
                          and rule.action is Action.KEEP
                          and lds_may_keep(ident.type, column.column)):
                        accepted.append(Seen(*seen, "kept: a limited data set may"))
                    else:
                        action = rule.action.value if rule is not None else "no action"
                        failures.append(Seen(*seen, f"after {action}"))
    unscanned = tuple(f"{u.table or u.source}: {u.error}" for u in result.unscanned)
    rows = sum(s.rows_sampled for s in result.sources)
    return Verification(tuple(failures), tuple(accepted), unscanned, rows,
                        _digest(result, label, names))  # fmt: skip


def rescan(spec: str, filters: Filters,
           progress: Callable[[int, int], None] | None = None) -> ScanResult:  # fmt: skip
    """`sra scan` of the written copy, every row."""
    return scan([Target(spec)], Options(filters=filters), progress)
