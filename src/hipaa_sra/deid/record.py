"""The de-identification record: evidence on the control that scopes the copy's asset out."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from ..editing import Append, Digests, Ref, Result, apply_changes
from ..errors import SraError
from ..model import Workspace
from .run import Outcome


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{action} {n}" for action, n in counts.items())


def _place(spec: str, root: Path) -> str:
    """A URL as shown (no password), a local path relative to the workspace (as `scan:` is)."""
    if "://" in spec:
        return spec
    return os.path.relpath(Path(spec).resolve(), root.resolve())


def evidence(outcome: Outcome, today: date, root: Path) -> dict[str, Any]:
    """The evidence item: what was copied under which policy, and the re-scan that proves it."""
    source, destination = _place(outcome.source, root), _place(outcome.destination, root)
    check = outcome.verification
    assert check is not None and outcome.written
    rows = sum(outcome.rows.values())
    store = (
        _place(outcome.mapping_store, root)
        if outcome.mapping_store
        else "none (no surrogate or date-shift)"
    )
    return {
        "what": (
            f"De-identified copy ({outcome.profile}) of {source} at "
            f"{destination}: {len(outcome.rows)} table(s), {rows:,} rows; columns "
            f"per action: {_counts(outcome.actions)}; the re-scan found no identifier "
            "left unremoved"
        ),
        "how_verified": (
            f"sra deidentify: policy {outcome.policy_digest}; {_how(outcome)} "
            f"({check.rows:,} rows), result {check.digest}; mapping store {store}"
        ),
        "date": today,
        "location": destination,
        "source": "automated",
    }


def _how(outcome: Outcome) -> str:
    if outcome.verified == "memory":
        return "every row of the copy scanned by sra scan's detector as it was written"
    return "re-scan of every row of the written copy by sra scan"


def control_of(workspace: Workspace, asset_id: str) -> str:
    """The asset's `scoped_out_by` control, which the record is evidence for."""
    import difflib

    assets = {a.id: a for a in workspace.assets if a.id is not None}
    asset = assets.get(asset_id)
    if asset is None:
        close = difflib.get_close_matches(asset_id, list(assets), 1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        raise SraError(f"--asset {asset_id}: no asset has this id in the inventory{hint}")
    if not asset.scoped_out_by:
        raise SraError(
            f"--asset {asset_id}: the asset names no `scoped_out_by` control; add "
            "the control that keeps ePHI out of it, which this copy is evidence for"
        )
    return asset.scoped_out_by


def record(root: Path, control: str, item: dict[str, Any], expected: Digests | None) -> Result:
    """Append the item to the control's evidence through the workspace editor."""
    return apply_changes(
        root, [Append(Ref("controls", control), ("evidence",), item)], expected=expected
    )
