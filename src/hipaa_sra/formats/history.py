"""`sra history` and `sra diff` as aligned text or versioned JSON; no I/O here.

The JSON keys are a contract like those of the lint document: keys may be added, but one
is renamed or removed only together with a new `SCHEMA_VERSION`.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from ..history import CommitMetrics, History, ItemChange, Rescored, RiskDiff, RiskSummary, Side
from ..model import Level

SCHEMA_VERSION = 1
WIDTH = 100
"""Fixed, not the terminal's: reports are pasted into tickets and audit folders."""
_SEVERITIES = ("error", "warning", "info")


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _level(level: Level | None) -> str | None:
    return None if level is None else level.value


def _status(item: CommitMetrics) -> str:
    if item.snapshot is not None:
        return "ok"
    return "absent" if item.commit.tree is None else "error"


def _commit_dict(item: CommitMetrics) -> dict[str, Any]:
    commit, snap = item.commit, item.snapshot
    return {
        "commit": commit.sha,
        "short": commit.short,
        "date": commit.date.isoformat(),
        "subject": commit.subject,
        "author": commit.author,
        "tree": commit.tree,
        "status": _status(item),
        "problem": item.problem,
        "risks": snap.risks if snap else None,
        "residual": dict(snap.residual) if snap else None,
        "remediation": (
            {"open": snap.open_remediation, "overdue": snap.overdue_remediation} if snap else None
        ),
        "findings": dict(snap.findings) if snap else None,
    }


def history_json(report: History) -> str:
    """`{"schema_version", "workspace", "order": "oldest-first", "commits": [...]}`."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "workspace": report.repository.label,
        "order": "oldest-first",
        "commits": [_commit_dict(item) for item in report.commits],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _align(rows: Sequence[Sequence[str]], right: frozenset[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def history_text(report: History) -> str:
    """One row per commit, oldest first, then a legend saying how each number was counted."""
    label = report.repository.label
    if not report.commits:
        return f"No commit touches {label} yet."
    levels = report.levels()
    header = ("date", "commit", "risks", *levels, "open", "overdue", *_SEVERITIES, "subject")
    numeric = frozenset(range(2, 2 + 1 + len(levels) + 2 + len(_SEVERITIES)))
    rows: list[tuple[str, ...]] = []
    problems: list[str] = []
    for item in report.commits:
        commit, snap = item.commit, item.snapshot
        if snap is None:
            problems.append(f"{commit.date.isoformat()}  {commit.short}  {item.problem}")
            rows.append(
                (
                    commit.date.isoformat(),
                    commit.short,
                    *(["-"] * (len(header) - 3)),
                    _clip(commit.subject, 50),
                )
            )
            continue
        rows.append(
            (
                commit.date.isoformat(),
                commit.short,
                str(snap.risks),
                *(str(snap.residual.get(level, 0)) for level in levels),
                str(snap.open_remediation),
                str(snap.overdue_remediation),
                *(str(snap.findings.get(severity, 0)) for severity in _SEVERITIES),
                _clip(commit.subject, 50),
            )
        )
    count = len(report.commits)
    lines = [
        f"History of {label}: {count} commit{'s' if count != 1 else ''} touching it, oldest first.",
        "",
    ]
    lines += _align([header, *rows], numeric)
    if problems:
        lines += ["", "Not measured:"]
        for problem in problems:
            lines += textwrap.wrap(problem, WIDTH, initial_indent="  ", subsequent_indent="    ")
    legend = (
        "Each commit is measured as of its own date. Residual levels: the stated residual "
        "risk, else the inherent level (stated, else the methodology's matrix). open: "
        "remediation planned, in progress or deferred; overdue: planned or in progress and past "
        "due on the commit's date. error/warning/info: `sra lint` findings on that date."
    )
    lines += ["", *textwrap.wrap(legend, WIDTH)]
    return "\n".join(lines)


def _side_dict(side: Side) -> dict[str, Any]:
    return {
        "ref": side.ref,
        "commit": side.commit.sha,
        "date": side.commit.date.isoformat(),
        "subject": side.commit.subject,
        "author": side.commit.author,
        "risks": side.risks,
        "residual": dict(side.residual),
    }


def _risk_dict(risk: RiskSummary) -> dict[str, Any]:
    return {
        "id": risk.id,
        "asset": risk.asset,
        "threat": risk.threat,
        "likelihood": _level(risk.likelihood),
        "impact": _level(risk.impact),
        "inherent": _level(risk.inherent),
        "residual": _level(risk.residual),
    }


def _rescored_dict(item: Rescored) -> dict[str, Any]:
    return {
        "id": item.new.id,
        "asset": item.new.asset,
        "changes": {c.field: {"old": _level(c.old), "new": _level(c.new)} for c in item.changes},
    }


def _item_dict(item: ItemChange) -> dict[str, Any]:
    return {
        "risk": item.risk_id,
        "control": item.control,
        "old_status": item.old_status.value if item.old_status else None,
        "new_status": item.new_status.value if item.new_status else None,
        "owner": item.owner,
        "due": item.due,
    }


def diff_json(report: RiskDiff) -> str:
    """`{"schema_version", "workspace", "from", "to", "risks": {...}, "remediation": {...}}`."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "workspace": report.repository.label,
        "from": _side_dict(report.old),
        "to": _side_dict(report.new),
        "risks": {
            "added": [_risk_dict(risk) for risk in report.added],
            "removed": [_risk_dict(risk) for risk in report.removed],
            "rescored": [_rescored_dict(item) for item in report.rescored],
        },
        "remediation": {
            "added": [_item_dict(item) for item in report.items_added],
            "closed": [_item_dict(item) for item in report.items_closed],
            "removed": [_item_dict(item) for item in report.items_removed],
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _side_text(side: Side) -> str:
    return f"{side.ref} ({side.commit.short}, {side.commit.date.isoformat()})"


def _totals(old: Side, new: Side) -> str:
    present = old.residual.keys() | new.residual.keys()
    keys: list[str] = [level.value for level in Level if level.value in present]
    keys += sorted(present - set(keys))
    parts = [f"{key} {old.residual.get(key, 0)} -> {new.residual.get(key, 0)}" for key in keys]
    detail = f" (residual: {', '.join(parts)})" if parts else ""
    return f"Risks: {old.risks} -> {new.risks}{detail}"


def _risk_line(mark: str, risk: RiskSummary) -> str:
    level = _level(risk.residual) or "?"
    threat = _clip(risk.threat, 50) if risk.threat is not None else "?"
    return f"  {mark} {risk.id}  {risk.asset or '?'}  residual {level}  {threat}"


def _item_line(mark: str, item: ItemChange) -> str:
    facts = [" -> ".join(s.value for s in (item.old_status, item.new_status) if s is not None)]
    if item.owner:
        facts.append(f"owner {item.owner}")
    if item.due:
        facts.append(f"due {item.due}")
    return f"  {mark} {item.risk_id}: {_clip(item.control, 50)} ({', '.join(facts)})"


def diff_text(report: RiskDiff) -> str:
    """The changes as sections (added, removed, re-scored, remediation), empty ones left out."""
    lines = [
        f"Register of {report.repository.label} from {_side_text(report.old)} to "
        f"{_side_text(report.new)}",
        "",
        _totals(report.old, report.new),
    ]
    sections: list[tuple[str, list[str]]] = [
        ("Risks added", [_risk_line("+", risk) for risk in report.added]),
        ("Risks removed", [_risk_line("-", risk) for risk in report.removed]),
        (
            "Risks re-scored",
            [
                f"  ~ {item.new.id}  {item.new.asset}  "
                + "; ".join(
                    f"{c.field} {_level(c.old) or '?'} -> {_level(c.new) or '?'}"
                    for c in item.changes
                )
                for item in report.rescored
            ],
        ),
        ("Remediation added", [_item_line("+", item) for item in report.items_added]),
        ("Remediation closed", [_item_line("x", item) for item in report.items_closed]),
        ("Remediation removed", [_item_line("-", item) for item in report.items_removed]),
    ]
    for title, body in sections:
        if body:
            lines += ["", f"{title} ({len(body)}):", *body]
    if report.unchanged:
        lines += ["", "No risk was added, removed or re-scored, and no remediation changed."]
    lines += [
        "",
        *textwrap.wrap(
            "Levels as `sra score` ranks them: stated, else the matrix's; a residual not stated "
            "is the inherent level. Remediation items are matched by their `control` text.",
            WIDTH,
        ),
    ]
    return "\n".join(lines)
