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
import functools
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import ryml

from ..errors import LoadError
from . import ryml_tree
from .diagnose import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    deep_offset,
    duplicate_key_error,
    indent_tab,
    syntax_error,
    too_big,
)
from .prescan import ambiguous, needs_checks
from .text import decode_utf8, line_col, normalise_newlines

MAX_ALIAS_EXPANSION = 1_000_000
"""Nodes that aliases may add beyond the written ones (bounds a billion-laughs file)."""

_NONE = ryml_tree.NONE
_first_child = ryml_tree.first_child
_next_sibling = ryml_tree.next_sibling
_is_container = ryml_tree.is_container
_is_map = ryml_tree.is_map
_key = ryml_tree.key
_val = ryml_tree.val
_is_val_plain = ryml_tree.is_val_plain
_has_val_anchor = ryml_tree.has_val_anchor
_has_val_tag = ryml_tree.has_val_tag
_is_val_ref = ryml_tree.is_val_ref
_has_key_tag = ryml_tree.has_key_tag
_is_key_ref = ryml_tree.is_key_ref
_val_anchor = ryml_tree.val_anchor
_val_tag = ryml_tree.val_tag
_val_ref = ryml_tree.val_ref

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


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON object hook that refuses duplicate keys (the exact walk then reports where)."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


# `\uD800`-`\uDFFF` (or `\U0000D800`...): halves of UTF-16 surrogate pairs.
_SURROGATE_ESCAPE = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_utf8 = functools.partial(str, encoding="utf8")


def _has_surrogate_escape(data: bytes) -> bool:
    """True if `data` holds a `\\u` escape of a surrogate (the search skips to backslashes)."""
    return _SURROGATE_ESCAPE.search(data) is not None


def _paired(text: str, index: int) -> bool:
    """True if the surrogate at `index` is half of a high-low pair."""
    char = text[index]
    if char <= "\udbff":
        return index + 1 < len(text) and "\udc00" <= text[index + 1] <= "\udfff"
    return index > 0 and "\ud800" <= text[index - 1] <= "\udbff"


_SAFE_TAGS = frozenset(
    {"!!str", "!!int", "!!float", "!!bool", "!!null", "!!seq", "!!map", "!!timestamp"}
)


_MAX_HEX_DIGITS = 3000
"""Longer hex integers stay text: their decimal form passes Python's printing limit."""


def _resolve_plain(text: str) -> Any:
    """Type a plain scalar where YAML 1.1 and 1.2 agree; otherwise keep the text."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # over Python's digit limit: the JSON route keeps it as text too
            return text
    if _HEX.match(text):
        return int(text, 16) if len(text) <= _MAX_HEX_DIGITS else text
    if _FLOAT.match(text):
        return float(text)
    return text


_TAG_MEANS = {
    "!!str": "text",
    "!!timestamp": "text",
    "!!null": "null",
    "!!bool": "true or false",
    "!!int": "an integer",
    "!!float": "a number",
    "!!seq": "a list",
    "!!map": "a mapping",
}
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


def _tagged_scalar(tag: str, text: str) -> tuple[bool, Any]:
    """The value a standard tag gives `text`, as PyYAML reads it: (ok, value)."""
    if tag in ("!!str", "!!timestamp"):  # dates stay text; the models parse them
        return True, text
    if tag == "!!null":
        return True, None
    if tag == "!!bool":
        value = _BOOLS.get(text.lower())
        return value is not None, value
    if tag == "!!int":
        value = _resolve_plain(text)
        return type(value) is int, value
    if tag == "!!float":
        if isinstance(_SPECIAL.get(text), float):
            return True, _SPECIAL[text]
        if _NUMBER.match(text):
            return True, float(text)
    return False, None


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
        self.text: Callable[[Any], str] = self.decode if _has_surrogate_escape(data) else _utf8

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
        tag = None
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
        if tag is not None:
            built = self.tagged(n, tag, built)
        if _has_val_anchor(tree, n):
            self.anchors[str(_val_anchor(tree, n), "utf8")] = built
        return built

    def tagged(self, n: int, tag: str, built: tuple[Any, int]) -> tuple[Any, int]:
        """`built` read as a standard tag says (`!!str 1` is text), or a `LoadError`."""
        value, size = built
        if tag in ("!!seq", "!!map"):
            ok = isinstance(value, list if tag == "!!seq" else dict)
        elif _is_container(self.tree, n):
            ok = False
        else:
            raw = _val(self.tree, n)
            ok, value = _tagged_scalar(tag, "" if raw is None else self.text(raw))
        if not ok:
            raise self.fail(
                f"the value tagged {tag} is not {_TAG_MEANS[tag]}",
                tag.encode(),
                "write a value of that type, or remove the tag",
            )
        return value, size

    def decode(self, raw: Any) -> str:
        """Text of a scalar holding `\\u` escapes of UTF-16 surrogates: pairs make one
        character (as in JSON); half a pair is no character at all, so it is refused."""
        text = bytes(raw).decode("utf-8", "surrogatepass")
        try:
            return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            lone = ord(
                next(
                    c
                    for i, c in enumerate(text)
                    if "\ud800" <= c <= "\udfff" and not _paired(text, i)
                )
            )
            escape = re.search(rb"\\(?:u|U0000)%x" % lone, self.data, re.I)
            line, col = line_col(self.data, escape.start()) if escape else (1, 1)
            raise LoadError(
                self.path,
                f"\\u{lone:04x} is half of a UTF-16 surrogate pair, not a character",
                line,
                col,
                "write the character itself, or its \\U escape",
            ) from None

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
            text = self.text(raw)
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
                key = "" if raw_key is None else self.text(raw_key)
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


_STDERR_SWAP = threading.Lock()
"""Held while fd 2 points at /dev/null: a thread that saved it then would restore /dev/null."""


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints C++ diagnostics to fd 2 before raising; we report errors ourselves."""
    # fd 2 itself, whatever `sys.stderr` is: under a test runner or an application that
    # embeds the loader it is another object, and the C++ code writes to fd 2 regardless.
    # One thread at a time (the web app parses in several): interleaved, the last to finish
    # could put back the /dev/null another had put there, and the server's stderr was gone.
    fd = 2
    with _STDERR_SWAP:
        try:
            saved = os.dup(fd)
        except OSError:  # no fd 2 (a daemon closed it): nothing to silence
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
            yield
        finally:
            os.dup2(saved, fd)
            os.close(devnull)
            os.close(saved)


def _emit_json(tree: Any, root: int, size: int) -> bytearray:
    """The tree as JSON text, in a buffer Python owns and frees.

    Not `ryml.emit_json_malloc`: its buffer is never freed (rapidyaml 0.15), which kept
    about 1.2 bytes per byte parsed for the life of the process (89 MB for the 72 MB
    enterprise bench). JSON of a block-style file is rarely over twice its YAML.
    """
    buffer = bytearray(2 * size + 64)
    try:
        view = ryml.emit_json_in_place(tree, buffer, root)
    except IndexError:  # denser than that: emit again into the exact size
        buffer = bytearray(ryml.compute_json_length(tree, root))
        view = ryml.emit_json_in_place(tree, buffer, root)
    length = len(view)
    view.release()
    del buffer[length:]
    return buffer


def parse_yaml(data: bytes, path: str, *, fast: bool = True) -> Any:
    """Parse one YAML document into dicts, lists and scalars; raise `LoadError` with a position.

    `fast=False` forces the exact walk (tests compare the two routes).
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_big(path, len(data))
    data = normalise_newlines(data)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = line_col(data, nul)
        raise LoadError(path, "NUL byte in file; expected UTF-8 text", line, col)
    decode_utf8(data, path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    tab = indent_tab(data)
    if tab is not None:
        line, col = line_col(data, tab)
        raise LoadError(
            path,
            "tab used for indentation; YAML allows only spaces",
            line,
            col,
            "replace the tab with spaces",
        )
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(data)
    except Exception as exc:  # rapidyaml raises its own exception types from C++
        raise syntax_error(data, path, exc) from None
    root = tree.root_id()
    if ryml_tree.is_stream(tree, root):
        docs = list(ryml.children(tree, root))
        if len(docs) > 1:
            raise LoadError(path, f"file holds {len(docs)} YAML documents; expected one")
        if not docs:
            return None
        root = docs[0]
    checked = needs_checks(data)
    if fast and not checked and not ambiguous(data) and not _has_surrogate_escape(data):
        try:
            with _quiet_stderr():
                text = _emit_json(tree, root, len(data))
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
    except UnicodeDecodeError:  # an escape the surrogate check did not see; never a traceback
        raise LoadError(path, "a quoted escape makes text that is not Unicode") from None
    return value
