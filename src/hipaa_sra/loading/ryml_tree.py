"""rapidyaml's tree accessors as plain functions `(tree, node) -> value`, for the exact walk.

The public methods (`ryml.Tree.first_child` and so on) are Python wrappers that each call
one function of the private extension module `ryml._ryml`. The exact route of
`loading.parse` calls them for every node, and going straight to the extension function
saves that extra Python call: through the public methods, parsing a 3.8 MB register file
that takes the exact route cost 8% more CPU time (best of ten) and 13% more (median).
This module is the only place that reaches into `ryml._ryml`. Should a rapidyaml release
move or rename it, the public methods are used instead (same answers, a little slower),
and `tests/test_ryml_tree.py` fails so that the change is noticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ryml

Accessor = Callable[[Any, int], Any]

NONE: int = ryml.NONE
"""The node id rapidyaml returns for "no such node" (no child, no next sibling)."""

NAMES = (
    "first_child",
    "next_sibling",
    "is_container",
    "is_map",
    "is_stream",
    "key",
    "val",
    "is_val_plain",
    "has_val_anchor",
    "has_val_tag",
    "is_val_ref",
    "has_key_tag",
    "is_key_ref",
    "val_anchor",
    "val_tag",
    "val_ref",
)


def _accessors() -> tuple[dict[str, Accessor], bool]:
    """Each accessor by name, and whether all of them are the extension's own functions."""
    try:
        from ryml import _ryml as extension
    except ImportError:
        extension = None
    found: dict[str, Accessor] = {}
    for name in NAMES:
        raw = getattr(extension, f"Tree_{name}", None)
        found[name] = raw if callable(raw) else getattr(ryml.Tree, name)
    direct = all(found[name] is getattr(extension, f"Tree_{name}", None) for name in NAMES)
    return found, direct


_FOUND, DIRECT = _accessors()
"""DIRECT: True while every accessor below is the extension function itself."""

first_child: Accessor = _FOUND["first_child"]
next_sibling: Accessor = _FOUND["next_sibling"]
is_container: Accessor = _FOUND["is_container"]
is_map: Accessor = _FOUND["is_map"]
is_stream: Accessor = _FOUND["is_stream"]
key: Accessor = _FOUND["key"]
val: Accessor = _FOUND["val"]
is_val_plain: Accessor = _FOUND["is_val_plain"]
has_val_anchor: Accessor = _FOUND["has_val_anchor"]
has_val_tag: Accessor = _FOUND["has_val_tag"]
is_val_ref: Accessor = _FOUND["is_val_ref"]
has_key_tag: Accessor = _FOUND["has_key_tag"]
is_key_ref: Accessor = _FOUND["is_key_ref"]
val_anchor: Accessor = _FOUND["val_anchor"]
val_tag: Accessor = _FOUND["val_tag"]
val_ref: Accessor = _FOUND["val_ref"]
