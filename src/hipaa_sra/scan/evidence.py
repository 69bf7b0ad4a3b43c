"""Recording a scan as evidence on its asset, through the workspace editor only."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..editing import Append, Change, Commit, Ref, Result, Set, apply_changes, snapshot
from ..model import Asset
from .render import source_json
from .types import ScanResult, SourceResult


def source_digest(source: SourceResult) -> str:
    """sha256 of the source's JSON result (no samples), keys sorted: what the evidence names."""
    text = json.dumps(source_json(source, samples=False), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def evidence(source: SourceResult, today: date, detector_version: str) -> dict[str, Any]:
    """The `evidence:` mapping of a `scan:` entry."""
    types = sorted({t.value for table in source.tables for t in table.phi_types})
    return {
        "date": today,
        "rows_sampled": source.rows_sampled,
        "tables": len(source.tables),
        "phi_found": source.phi_found,
        "types": types,
        "detector_version": detector_version,
        "digest": source_digest(source),
    }


def stored_source(spec: str, root: Path) -> str:
    """How a source is written in the workspace: local paths relative to the workspace."""
    if "://" in spec:
        return spec
    path = Path(spec).expanduser()
    return spec if not path.exists() else os.path.relpath(path.resolve(), root.resolve())


@dataclass(frozen=True)
class Skipped:
    """A source whose result was not recorded, and why."""

    source: str
    reason: str


def plan_evidence(
    result: ScanResult, assets: dict[str, Asset], root: Path, today: date, specs: dict[str, str]
) -> tuple[list[Change], list[Skipped]]:
    """One change per fully scanned source tied to an asset: set or add its `scan:` entry.

    `specs` maps each result's `source` label to the entry as it is to be written. A source
    with an error or an unscanned table is not recorded: partial evidence would read as
    a clean scan.
    """
    changes: list[Change] = []
    skipped: list[Skipped] = []
    for source in result.sources:
        asset = assets.get(source.asset or "")
        if asset is None or asset.id is None:
            continue
        if source.error is not None or source.unscanned:
            skipped.append(Skipped(source.source, "not every table could be scanned"))
            continue
        entry = specs.get(source.source, source.source)
        found = evidence(source, today, result.detector_version)
        index = next((i for i, item in enumerate(asset.scan) if item.source == entry), None)
        ref = Ref("assets", asset.id)
        if index is None:
            changes.append(Append(ref, ("scan",), {"source": entry, "evidence": found}))
        else:
            changes.append(Set(ref, ("scan", index, "evidence"), found))
    return changes, skipped


def record(
    root: Path, changes: list[Change], expected: Any = None, commit: Commit | None = None
) -> Result:
    """Write the changes through the editor (validated, locked, all files or none)."""
    return apply_changes(root, changes, expected=expected, commit=commit)


__all__ = [
    "Skipped",
    "evidence",
    "plan_evidence",
    "record",
    "snapshot",
    "source_digest",
    "stored_source",
]
