"""Parse one workspace file into plain Python data, safely and fast (rapidyaml + our resolver).

Why not `yaml.load(..., Loader=CSafeLoader)`: bench/ measures PyYAML's C loader at about
2 MB/s on register-shaped files, because it builds nodes, marks and resolves scalars in
Python. rapidyaml parses in C++. Most files then take the fast route: rapidyaml emits
JSON and the C JSON decoder builds the objects. Files where that route could differ
from the exact semantics below (anchors, aliases, tags, duplicate keys, and the few
plain scalars the two disagree on, such as `~`, `True` or `1e5`) take the exact route:
a walk of the tree in Python. A plain scalar becomes null, a
boolean, an integer or a float only where YAML 1.1 (what PyYAML users expect) and
YAML 1.2 agree on it; anything else stays text, so `08`, `0o17`, `yes` and `1e5` are
never silently converted, and the models decide what a field accepts. Dates stay text
too and the models parse them, so `2026-02-30` becomes a finding naming the field
rather than a crash. Nothing is ever constructed from a tag.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from typing import Any

import ryml
from ryml import _ryml

from ..errors import LoadError
from .diagnose import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    deep_offset,
    duplicate_key_error,
    is_indent_tab,
    syntax_error,
    too_big,
)
from .text import decode_utf8, line_col

MAX_ALIAS_EXPANSION = 1_000_000
"""Nodes that aliases may add beyond the written ones (bounds a billion-laughs file)."""

_NONE = ryml.NONE
_first_child = _ryml.Tree_first_child
_next_sibling = _ryml.Tree_next_sibling
_is_container = _ryml.Tree_is_container
_is_map = _ryml.Tree_is_map
_key = _ryml.Tree_key
_val = _ryml.Tree_val
_is_val_plain = _ryml.Tree_is_val_plain
_has_val_anchor = _ryml.Tree_has_val_anchor
_has_val_tag = _ryml.Tree_has_val_tag
_is_val_ref = _ryml.Tree_is_val_ref
_has_key_tag = _ryml.Tree_has_key_tag
_is_key_ref = _ryml.Tree_is_key_ref
_val_anchor = _ryml.Tree_val_anchor
_val_tag = _ryml.Tree_val_tag
_val_ref = _ryml.Tree_val_ref

_NULLS = {"~": None, "null": None, "Null": None, "NULL": None}
_SPECIAL: dict[str, Any] = {
    **_NULLS,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_MAYBE_TYPED = frozenset("0123456789+-.~tTfFnN")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?\Z")
# Only files that might hold anchors, aliases, tags or complex keys take the checked walk.
_SPECIAL_CHARS = re.compile(rb"[&*!]|\?\s")
_SPECIAL_AFTER = frozenset(b" \t\r\n[{,")


# Plain scalars whose meaning the JSON route would change; their files take the exact walk.
_AMBIGUOUS_VALUE = re.compile(
    rb"[:\-\[{,?][ \t]*(?:~|True|TRUE|False|FALSE|Null|NULL|[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)"
    rb"|0x[0-9A-Fa-f]+|[-+]?[0-9][0-9.]*[eE][-+]?[0-9]+|\+[0-9.]+)[ \t]*(?:\r?$|[,\]}:]| #)",
    re.M,
)
# rapidyaml also rewrites block keys such as `inf:` to `.inf`; only look when a hint is there.
_FLOAT_WORDS = (b"inf", b"Inf", b"INF", b"nan", b"NaN", b"NAN")
_AMBIGUOUS_KEY = re.compile(
    rb"^[ \t]*(?:-[ \t]+)*[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)[ \t]*:(?:[ \t]|\r?$)", re.M
)


def _ambiguous(data: bytes) -> bool:
    """True if the JSON route could read some plain scalar differently from the exact walk."""
    if _AMBIGUOUS_VALUE.search(data) is not None:
        return True
    return any(word in data for word in _FLOAT_WORDS) and _AMBIGUOUS_KEY.search(data) is not None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook that refuses duplicate keys (the exact walk then reports where)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _needs_checks(data: bytes) -> bool:
    """True if an indicator character follows whitespace or a flow bracket somewhere."""
    for match in _SPECIAL_CHARS.finditer(data):
        at = match.start()
        if at == 0 or data[at - 1] in _SPECIAL_AFTER:
            return True
    return False
_SAFE_TAGS = frozenset(
    {"!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map", "!!timestamp"}
)


def _resolve_plain(text: str) -> Any:
    """Type a plain scalar where YAML 1.1 and 1.2 agree; otherwise keep the text."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if _INT.match(text):
        return int(text)
    if _HEX.match(text):
        return int(text, 16)
    if _FLOAT.match(text):
        return float(text)
    return text


class _Walk:
    """One walk of a rapidyaml tree into dicts, lists and scalars."""

    def __init__(self, tree: Any, path: str, data: bytes, checked: bool) -> None:
        self.tree = tree
        self.path = path
        self.data = data
        self.checked = checked
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.expanded = 0
        self.duplicate: str | None = None
        self.resolved: dict[str, Any] = {}

    def fail(self, message: str, needle: bytes | None = None, hint: str | None = None) -> LoadError:
        """A `LoadError` placed at the first occurrence of `needle` in the file."""
        offset = self.data.find(needle) if needle else -1
        line, col = line_col(self.data, offset) if offset >= 0 else (1, 1)
        return LoadError(self.path, message, line, col, hint)

    def node(self, n: int, depth: int) -> tuple[Any, int]:
        """Build node `n`; return the value and how many nodes it stands for."""
        if depth > MAX_DEPTH:
            line, col = line_col(self.data, deep_offset(self.data))
            raise LoadError(self.path, f"nesting is deeper than {MAX_DEPTH} levels", line, col)
        if not self.checked:
            return self.body(n, depth)
        tree = self.tree
        if _has_val_tag(tree, n):
            tag = str(_val_tag(tree, n), "utf8")
            if tag not in _SAFE_TAGS:
                raise self.fail(
                    f"tag {tag} is not allowed: workspace files are plain data",
                    tag.encode(),
                    "remove the tag; nothing in a workspace is ever executed",
                )
        if _is_val_ref(tree, n):
            return self.alias(str(_val_ref(tree, n), "utf8"))
        built = self.body(n, depth)
        if _has_val_anchor(tree, n):
            self.anchors[str(_val_anchor(tree, n), "utf8")] = built
        return built

    def alias(self, name: str) -> tuple[Any, int]:
        """The anchored value, counted against the expansion budget."""
        if name not in self.anchors:
            raise self.fail(f"alias *{name} refers to no anchor", b"*" + name.encode())
        value, size = self.anchors[name]
        self.expanded += size
        if self.expanded > MAX_ALIAS_EXPANSION:
            raise self.fail(
                f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes",
                b"*" + name.encode(),
                "an alias bomb? write the data out instead of nesting aliases",
            )
        return value, size

    def body(self, n: int, depth: int) -> tuple[Any, int]:
        """Build the mapping, sequence or scalar at `n`, ignoring its own anchor."""
        tree = self.tree
        if not _is_container(tree, n):
            raw = _val(tree, n)
            if raw is None:
                return None, 1
            text = str(raw, "utf8")
            if (not text or text[0] in _MAYBE_TYPED) and _is_val_plain(tree, n):
                resolved = self.resolved
                if text not in resolved:
                    resolved[text] = _resolve_plain(text) if text else None
                return resolved[text], 1
            return text, 1
        if _is_map(tree, n):
            result: dict[str, Any] = {}
            merged: dict[str, Any] | None = None
            size = 1
            c = _first_child(tree, n)
            while c != _NONE:
                raw_key = _key(tree, c)
                key = "" if raw_key is None else str(raw_key, "utf8")
                if self.checked and (_has_key_tag(tree, c) or _is_key_ref(tree, c)):
                    raise self.fail("keys must be plain text (no tags or aliases)", raw_key)
                value, count = self.node(c, depth + 1)
                if key == "<<" and self.checked:
                    merged = self.merge(merged or {}, value)
                elif key in result:
                    self.duplicate = key
                    raise LoadError(self.path, f"duplicate key {key!r}")
                else:
                    result[key] = value
                size += count
                c = _next_sibling(tree, c)
            if merged:
                # YAML 1.1 merge: keys written in the mapping win over merged ones.
                result = {**merged, **result}
            return result, size
        items: list[Any] = []
        size = 1
        c = _first_child(tree, n)
        while c != _NONE:
            value, count = self.node(c, depth + 1)
            items.append(value)
            size += count
            c = _next_sibling(tree, c)
        return items, size

    def merge(self, target: dict[str, Any], value: Any) -> dict[str, Any]:
        """Add a `<<` value to `target`; among merged mappings the first wins, as in PyYAML."""
        sources = value if isinstance(value, list) else [value]
        for source in sources:
            if not isinstance(source, dict):
                raise self.fail("merge key << expects a mapping or a list of mappings", b"<<")
            for key, item in source.items():
                target.setdefault(key, item)
        return target


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints C++ diagnostics to fd 2 before raising; we report errors ourselves."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(devnull)
        os.close(saved)


def parse_yaml(data: bytes, path: str, *, fast: bool = True) -> Any:
    """Parse one YAML document into dicts, lists and scalars; raise `LoadError` with a position.

    `fast=False` forces the exact walk (tests compare the two routes).
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_big(path, len(data))
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = line_col(data, nul)
        raise LoadError(path, "NUL byte in file; expected UTF-8 text", line, col)
    decode_utf8(data, path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    tab = re.search(rb"^ *\t", data, re.M) if b"\t" in data else None
    if tab is not None and is_indent_tab(data, tab.end() - 1):
        line, col = line_col(data, tab.end() - 1)
        raise LoadError(
            path, "tab used for indentation; YAML allows only spaces", line, col,
            "replace the tab with spaces",
        )
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(data)
    except Exception as exc:  # rapidyaml raises its own exception types from C++
        raise syntax_error(data, path, exc) from None
    root = tree.root_id()
    if _ryml.Tree_is_stream(tree, root):
        docs = list(ryml.children(tree, root))
        if len(docs) > 1:
            raise LoadError(path, f"file holds {len(docs)} YAML documents; expected one")
        if not docs:
            return None
        root = docs[0]
    checked = _needs_checks(data)
    if fast and not checked and not _ambiguous(data):
        try:
            with _quiet_stderr():
                text = ryml.emit_json_malloc(tree, root)
            return json.loads(text, strict=False, object_pairs_hook=_unique_keys)
        except Exception:  # any doubt at all: take the exact route below
            pass
    walk = _Walk(tree, path, data, checked=checked)
    try:
        value, _ = walk.node(root, 0)
    except LoadError as exc:
        if walk.duplicate is not None:
            raise duplicate_key_error(data, path, walk.duplicate) from None
        raise exc from None
    except RecursionError:
        raise LoadError(path, f"nesting is deeper than {MAX_DEPTH} levels") from None
    return value
