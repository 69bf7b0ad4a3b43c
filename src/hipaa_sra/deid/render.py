"""A run's outcome as text for people or JSON for pipelines."""

from __future__ import annotations

import json
from typing import Any

from .run import Outcome


def to_json(outcome: Outcome) -> str:
    """The outcome as JSON: tables, actions, the re-scan's judgement, whether it was written."""
    check = outcome.verification
    doc: dict[str, Any] = {
        "source": outcome.source,
        "destination": outcome.destination,
        "profile": outcome.profile,
        "policy_digest": outcome.policy_digest,
        "mapping_store": outcome.mapping_store,
        "rows": outcome.rows,
        "actions": outcome.actions,
        "written": outcome.written,
        "verification": None
        if check is None
        else {
            "passed": check.passed,
            "scanned": outcome.verified,
            "rows": check.rows,
            "digest": check.digest,
            "failures": [vars(s) for s in check.failures],
            "accepted": [vars(s) for s in check.accepted],
            "unscanned": list(check.unscanned),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def to_text(outcome: Outcome) -> str:
    """What was copied, how, and what the re-scan found, in a few lines."""
    lines = [
        f"{outcome.source} -> {outcome.destination} ({outcome.profile}, policy "
        f"{outcome.policy_digest[:19]}...)"
    ]
    for table, rows in outcome.rows.items():
        lines.append(f"  {table}: {rows:,} rows")
    lines.append("Columns per action: " + ", ".join(f"{k} {v}" for k, v in outcome.actions.items()))
    if outcome.mapping_store:
        lines.append(
            f"Mapping store: {outcome.mapping_store} ({outcome.issued:,} new "
            "surrogates and offsets); keep it as safe as the source"
        )
    check = outcome.verification
    if check is None:
        return "\n".join(lines)
    if check.accepted:
        shown = ", ".join(f"{s.table}.{s.column} ({s.type})" for s in check.accepted)
        lines.append(f"Replaced by design, found in shape only: {shown}")
    if check.passed:
        how = "Scanned as written" if outcome.verified == "memory" else "Re-scan"
        lines.append(
            f"{how}: {check.rows:,} rows, no identifier left; the copy is in place "
            f"({check.digest[:19]}...)"
        )
        return "\n".join(lines)
    lines.append(f"Re-scan FAILED: nothing was written to {outcome.destination}")
    lines.extend(
        f"  {s.table}.{s.column}: {s.type} (confidence {s.confidence:.2f}) {s.why}; "
        "give the column a removing action"
        for s in check.failures
    )
    lines.extend(f"  not scanned: {u}" for u in check.unscanned)
    return "\n".join(lines)
