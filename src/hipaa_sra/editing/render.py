"""New values as YAML text in the project's layout, and values as the loader will read them.

Only values a change brings are rendered; the rest of a file is never re-emitted. The
layout is the one `sra init` writes: two-space mappings, list items indented under their
key, multi-line text as a `|` block when it can be one, lines never re-wrapped.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel

_INDENT = {"mapping": 2, "sequence": 4, "offset": 2}


_LOCAL = threading.local()


def _yaml() -> Any:
    """This thread's emitter (building one costs more than most renders; dumps are not
    thread-safe, and the web app renders from several threads)."""
    yaml = getattr(_LOCAL, "yaml", None)
    if yaml is None:
        from ruamel.yaml import YAML

        yaml = _LOCAL.yaml = YAML()
        yaml.width = 4096  # never re-wrap a long value the user wrote on one line
        yaml.indent(**_INDENT)
    return yaml


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, tuple | list | dict) and not value)


def plain(value: Any, *, prune: bool = False) -> Any:
    """`value` as plain data: models as mappings of their set fields, enums as their values.

    Empty lists and absent values of a model are left out (`prune`): they are what an
    absent key means, and a record reads better without them. Dates stay dates (written
    unquoted); date-times become their ISO 8601 text.
    """
    if isinstance(value, BaseModel):
        return plain(value.model_dump(by_alias=True, exclude_none=True), prune=True)
    if isinstance(value, Mapping):
        mapping = {}
        for key, item in value.items():
            item = plain(item, prune=prune)
            if not (prune and _empty(item)):
                mapping[str(key.value if isinstance(key, Enum) else key)] = item
        return mapping
    if isinstance(value, tuple | list):
        return [plain(item, prune=prune) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def loader_form(value: Any) -> Any:
    """Plain data as the loader reads it back: dates as their `YYYY-MM-DD` text."""
    if isinstance(value, dict):
        return {key: loader_form(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [loader_form(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _literal_ok(text: str) -> bool:
    """True if `text` reads back unchanged from a `|` block scalar (and the loader takes it)."""
    if "\n" not in text or text[:1].isspace():
        return False
    for line in text.split("\n"):
        if line != line.rstrip() or line.lstrip(" ")[:1] == "\t":
            return False
        if not all(char == "\t" or char.isprintable() for char in line):
            return False
    return True


def _ruamel(value: Any, flow: bool) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, dict):
        mapping = CommentedMap((key, _ruamel(item, flow)) for key, item in value.items())
        if flow:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_ruamel(item, flow) for item in value)
        if flow:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and not flow and _literal_ok(value):
        return LiteralScalarString(value)
    if isinstance(value, str) and any(char in value for char in _UNICODE_BREAKS):
        # ruamel's emitter folds a plain or single-quoted scalar at these as at `\n`, which
        # reads back as a different value; double quotes write them as `\N`, `\L`, `\P`.
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    if isinstance(value, str) and value.lower() in _YAML11_WORDS:
        # YAML 1.2 (our loader) reads `yes` as text, but YAML 1.1 readers (PyYAML, many CI
        # tools) read it as a boolean: quoted, every reader gets the text the user chose.
        from ruamel.yaml.scalarstring import SingleQuotedScalarString

        return SingleQuotedScalarString(value)
    return value


_YAML11_WORDS = frozenset(("y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"))
"""Plain scalars that YAML 1.1 resolves to a boolean or null rather than text."""


_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks of YAML 1.1 besides `\n` and `\r`: NEL, line and paragraph separator."""


def flowable(value: Any) -> bool:
    """True if `value` can stay in flow style (`[a, b]`): no nested lists of mappings."""
    if isinstance(value, list):
        return all(not isinstance(item, list | dict) for item in value)
    if isinstance(value, dict):
        return all(not isinstance(item, list | dict) for item in value.values())
    return True


def _lines(text: str) -> list[str]:
    """`text` cut after each `\n` only: `str.splitlines` would also cut at NEL (U+0085) and
    the other Unicode breaks, which a quoted YAML value may hold as they are."""
    parts = text.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _indent(text: str, column: int) -> str:
    if column == 0:
        return text
    pad = " " * column
    return "".join(pad + line if line.strip() else line for line in _lines(text))


def render_entry(key: str, value: Any, column: int, *, flow: bool = False) -> str:
    """`key: value` as YAML lines, every line indented by `column`, ending with a newline."""
    from ruamel.yaml.comments import CommentedMap

    buffer = io.StringIO()
    _yaml().dump(CommentedMap([(key, _ruamel(value, flow))]), buffer)
    return _indent(buffer.getvalue(), column)


def render_item(value: Any, column: int, *, flow: bool = False) -> str:
    """`- value` as YAML lines, the dash at `column`, ending with a newline."""
    from ruamel.yaml.comments import CommentedSeq

    buffer = io.StringIO()
    _yaml().dump(CommentedSeq([_ruamel(value, flow)]), buffer)
    text = buffer.getvalue()
    # A top-level list is dumped with its dashes at the `offset` column.
    shift = column - _INDENT["offset"]
    lines = []
    for line in _lines(text):
        if shift < 0 and line.startswith(" " * -shift):
            line = line[-shift:]
        elif shift > 0 and line.strip():
            line = " " * shift + line
        lines.append(line)
    return "".join(lines)
