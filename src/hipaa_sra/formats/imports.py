"""The plan of a spreadsheet import as text: what would change, be added, or stay."""

from __future__ import annotations

from typing import Any

from ..interop.importer import Plan, target_file
from ..model import Workspace
from .terminal import inert

_SAMPLE = 20


def render_plan(plan: Plan, workspace: Workspace) -> str:
    """The plan as text: field-level changes, additions, rows left alone, a summary."""
    lines = [
        f"{sheet}: columns not mapped, ignored: {', '.join(headers)}"
        for sheet, headers in plan.unmapped
    ]
    lines.extend(f"{name}: not a kind of record; sheet ignored" for name in plan.ignored)
    lines.extend(note.render() for note in plan.notes)
    for update in plan.updates:
        record: Any = update.old
        lines.append(f"update {update.kind.name} {record.id} ({workspace.locate(record).file})")
        lines.extend(f"  {header}: {_show(a)} -> {_show(b)}" for header, a, b in update.diffs)
    for kind, new in plan.additions:
        target = target_file(workspace, kind).relative_to(workspace.root)
        lines.append(f"add {kind.name} {getattr(new, 'id', '')} -> {target}")
    for name, ids in plan.absent.items():
        more = f" and {len(ids) - _SAMPLE} more" if len(ids) > _SAMPLE else ""
        shown = ", ".join(ids[:_SAMPLE])
        lines.append(f"not in the sheet; left unchanged: {name} {shown}{more}")
    absent = sum(len(ids) for ids in plan.absent.values())
    lines.append(
        f"{len(plan.updates)} to update, {len(plan.additions)} to add, "
        f"{plan.unchanged} unchanged, {absent} not in the sheet (never deleted)"
    )
    return "\n".join(lines)


def _show(value: Any) -> str:
    if value is None:
        return "(empty)"
    text = str(value)
    return repr(text) if "\n" in text or text != text.strip() else inert(text)
