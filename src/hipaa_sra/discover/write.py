"""`sra discover --write`: the undeclared stores as proposed assets, through `editing`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..editing import Add, Digests, Result, apply_changes
from .model import Store

DISCOVERED_FILE = "inventory/discovered.yaml"
"""Where proposed assets go; the rest of the inventory is never touched."""

_HEADER = (
    "Assets proposed by `sra discover --write` from infrastructure code. Review each: "
    "set ephi to present or absent, an owner, and move it to another file if you like."
)
_NOT_ID = re.compile(r"[^A-Za-z0-9._:/@+-]+")


def proposed_id(store: Store, taken: set[str]) -> str:
    """An asset id from the store's address, unique among `taken` (which it joins)."""
    base = _NOT_ID.sub("-", store.address).strip("-._:/@+") or "discovered"
    if not base[0].isalnum():
        base = "x" + base
    base = base[:190]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def proposal(store: Store, asset_id: str) -> dict[str, Any]:
    """The asset record proposed for an undeclared store."""
    description = f"Found by sra discover in {store.input} as {store.address} ({store.type})."
    if store.ephi_reason:
        description += f" Tagged {store.ephi_reason}: likely holds ePHI."
    return {
        "id": asset_id,
        "name": store.name,
        "category": store.category,
        "ephi": "possible",
        "description": description,
        "sources": [store.source_key],
    }


def write_proposals(
    root: Path, stores: Iterable[Store], taken: set[str], expected: Digests | None = None
) -> Result | None:
    """Append one proposed asset per store to inventory/discovered.yaml; None if none."""
    changes = [
        Add("assets", proposal(store, proposed_id(store, taken)), DISCOVERED_FILE, comment=_HEADER)
        for store in stores
    ]
    if not changes:
        return None
    return apply_changes(root, changes, expected=expected)
