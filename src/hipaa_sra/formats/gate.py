"""`sra gate` results as text, JSON and GitHub workflow annotations; each returns text, no I/O.

The JSON document's keys are a contract like `formats.json`'s: keys may be added, but one
is renamed or removed only together with a new `schema_version`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from ..gate import AssetDecision, GateResult, suggested_trailer
from .github import escape_data, escape_property
from .json import dumps_listing
from .terminal import inert

SCHEMA_VERSION = 1
_SHOWN_PATHS = 10
_SHOWN_RISKS = 5


def _range(result: GateResult) -> str:
    revisions = result.revisions
    if revisions is None:
        return "paths from a list"
    return f"{revisions.base}...{revisions.head} (merge base {revisions.merge_base[:12]})"


def gate_summary(result: GateResult) -> str:
    """The last line of every format: counts and the verdict."""
    required = [a for a in result.assets if a.required]
    missing = len(result.missing)
    head = (
        f"{result.changed_paths} changed paths, {len(result.assets)} assets touched, "
        f"{len(required)} with ePHI"
    )
    if missing:
        return f"{head}: {missing} not consulted; the gate fails."
    if required:
        return f"{head}: all consulted; the gate passes."
    return f"{head}: nothing to consult; the gate passes."


def _risk_list(decision: AssetDecision) -> str:
    risks = decision.risks
    if not risks:
        return "a risk on it (none yet: add one with `asset: " + decision.id + "`)"
    shown = ", ".join(risks[:_SHOWN_RISKS])
    more = f" and {len(risks) - _SHOWN_RISKS} more" if len(risks) > _SHOWN_RISKS else ""
    return f"a risk on it ({shown}{more})"


def remedy(decision: AssetDecision, trailers_read: bool) -> list[str]:
    """What would satisfy the gate for one missing asset, one instruction per line."""
    edit = (
        f"- edit the workspace for `{decision.id}` in this change: its inventory entry, "
        f"{_risk_list(decision)}, a control listing it in `assets`, or a flow from or to it;"
    )
    lines = [
        "To pass, do one of:",
        *textwrap.wrap(
            edit,
            88,
            initial_indent="  ",
            subsequent_indent="    ",
            break_long_words=False,
            break_on_hyphens=False,
        ),
    ]
    if trailers_read:
        lines += [
            "  - or record that it was considered: add this trailer to the last paragraph of a",
            "    commit message in the change (git commit --amend, or a new commit):",
            f"      {suggested_trailer(decision.id)}",
        ]
    else:
        lines.append(
            "  - (an SRA-Reviewed trailer counts only when the gate reads git history, "
            "not with --paths-from)"
        )
    return lines


def _verdict(decision: AssetDecision) -> str:
    ephi = f"ePHI {decision.ephi}" if decision.ephi else "ePHI unknown"
    if not decision.required:
        return f"--   {decision.id} ({ephi}): no consultation required"
    if not decision.satisfied:
        return (
            f"FAIL {decision.id} ({ephi}): its code changed but the risk analysis was not consulted"
        )
    if decision.by == "workspace":
        shown = ", ".join(decision.records[:_SHOWN_RISKS])
        more = (
            f" and {len(decision.records) - _SHOWN_RISKS} more"
            if len(decision.records) > _SHOWN_RISKS
            else ""
        )
        return f"ok   {decision.id} ({ephi}): consulted; the change edits {shown}{more}"
    commits = ", ".join(commit[:12] for commit in decision.trailers)
    return f"ok   {decision.id} ({ephi}): consulted; SRA-Reviewed trailer in {commits}"


def _paths(decision: AssetDecision, limit: int | None) -> list[str]:
    shown = decision.paths if limit is None else decision.paths[:limit]
    width = max((len(path) for path, _ in shown), default=0)
    lines = [f"{path:<{width}}  matches {glob}" for path, glob in shown]
    if len(decision.paths) > len(shown):
        lines.append(f"... and {len(decision.paths) - len(shown)} more paths")
    return lines


def gate_text(result: GateResult) -> str:
    """The human report: one block per touched asset, failures first, then the verdict."""
    lines = [f"sra gate: {_range(result)}; workspace {result.workspace}"]
    lines += [f"note: {note}" for note in result.notes]
    for decision in result.assets:
        lines.append("")
        lines.append(_verdict(decision))
        if decision.required and not decision.satisfied:
            lines += ["  " + line for line in _paths(decision, _SHOWN_PATHS)]
            lines += ["  " + line for line in remedy(decision, result.mode == "git")]
            lines += ["  " + note for note in decision.notes]
        else:
            lines += ["  " + line for line in _paths(decision, 3)]
    problems = [check for check in result.trailers if check.trailer.problem or check.ignored]
    if problems:
        lines += ["", "SRA-Reviewed trailers with problems:"]
        for check in problems:
            where = f"  {check.trailer.commit[:12]} `{check.trailer.line}`"
            why = [f"it {check.trailer.problem}"] if check.trailer.problem else list(check.ignored)
            lines.append(f"{where}: {'; '.join(why)}")
    lines += ["", gate_summary(result)]
    return inert("\n".join(lines))  # paths and trailers come from commits: no escapes


def decision_dict(decision: AssetDecision) -> dict[str, Any]:
    """The JSON object of one touched asset (the `assets[]` entries)."""
    return {
        "id": decision.id,
        "name": decision.name,
        "ephi": decision.ephi,
        "required": decision.required,
        "satisfied": decision.satisfied,
        "by": decision.by,
        "paths": [{"path": path, "glob": glob} for path, glob in decision.paths],
        "records": list(decision.records),
        "trailers": list(decision.trailers),
        "risks": list(decision.risks),
        "notes": list(decision.notes),
        "suggested_trailer": (
            suggested_trailer(decision.id) if decision.required and not decision.satisfied else None
        ),
    }


def gate_json(result: GateResult) -> str:
    """The versioned JSON document described in docs/gate.md."""
    revisions = result.revisions
    document = {
        "schema_version": SCHEMA_VERSION,
        "mode": result.mode,
        "workspace": result.workspace,
        "base": revisions.base if revisions else None,
        "head": revisions.head if revisions else None,
        "base_commit": revisions.base_commit if revisions else None,
        "head_commit": revisions.head_commit if revisions else None,
        "merge_base": revisions.merge_base if revisions else None,
        "changed_paths": result.changed_paths,
        "workspace_changes": list(result.workspace_changes),
        "assets": [decision_dict(d) for d in result.assets],
        "trailers": [
            {
                "commit": check.trailer.commit,
                "value": check.trailer.value,
                "ids": list(check.trailer.ids),
                "reason": check.trailer.reason,
                "counts_for": list(check.counts_for),
                "problems": ([check.trailer.problem] if check.trailer.problem else [])
                + list(check.ignored),
            }
            for check in result.trailers
        ],
        "notes": list(result.notes),
        "summary": {
            "touched": len(result.assets),
            "required": sum(1 for a in result.assets if a.required),
            "satisfied": sum(1 for a in result.assets if a.required and a.satisfied),
            "missing": len(result.missing),
            "passed": result.passed,
        },
    }
    return dumps_listing(document, "assets")


def _command(kind: str, message: str, **properties: str) -> str:
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{kind} {listed}::{escape_data(message)}"


def gate_github(result: GateResult) -> str:
    """One `::error` per asset not consulted (on its first changed file), then the verdict."""
    lines = []
    for decision in result.missing:
        message = "\n".join(
            [
                f"{decision.id} (ePHI {decision.ephi}) changed"
                " without consulting the risk analysis.",
                *_paths(decision, _SHOWN_PATHS),
                *remedy(decision, result.mode == "git"),
                *decision.notes,
            ]
        )
        lines.append(
            _command(
                "error",
                message,
                file=decision.paths[0][0],
                title=f"SRA gate: {decision.id} not consulted",
            )
        )
    for check in result.trailers:
        if check.trailer.problem or check.ignored:
            why = [f"it {check.trailer.problem}"] if check.trailer.problem else list(check.ignored)
            lines.append(
                _command(
                    "warning",
                    f"{check.trailer.line} (commit {check.trailer.commit[:12]}): " + "; ".join(why),
                    title="SRA-Reviewed trailer problem",
                )
            )
    lines.append(gate_summary(result))
    return "\n".join(lines)


GATE_FORMATS: dict[str, Callable[[GateResult], str]] = {
    "text": gate_text,
    "json": gate_json,
    "github": gate_github,
}
"""`sra gate --format` name -> renderer; the first is the default."""
