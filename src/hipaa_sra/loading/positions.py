"""Source maps: the line and column of every record and field of a file, computed on first use.

Positions are needed only where a finding points, so a clean workspace never pays for
them. The fast path scans the file's keys with one regular expression and pairs them,
in document order, with the keys of the parsed data; any disagreement (flow style,
aliases, keys inside multi-line text) falls back to libyaml's composer, which knows
every node's mark exactly.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

Path = tuple[str | int, ...]

_KEY = re.compile(
    rb"(?:^[ ]*(?:-[ ]+)*|[{,][ ]*)"
    rb"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|[^\s#'\"\[\]{},&*!|>%@`?:-][^\n#,\[\]{}]*?"
    rb"|-[^\s#,\[\]{}][^\n#,\[\]{}]*?)"
    rb"[ ]*:(?=[ \t\r\n]|\Z)",
    re.M,
)


class _Mismatch(Exception):
    """The key scan and the parsed data disagree; use the exact composer instead."""


def _unquote(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner
    return text


class SourceMap:
    """Line and column of the records and fields of one parsed file."""

    def __init__(self, data: bytes, value: Any) -> None:
        self._data = data
        self._value = value
        self._offsets: dict[Path, int] | None = None
        self._marks: dict[Path, tuple[int, int]] | None = None
        self._line_starts: list[int] | None = None

    def position(self, path: Path) -> tuple[int, int]:
        """1-based (line, column) of `path`, or of its nearest located ancestor."""
        if self._offsets is None and self._marks is None:
            self._build()
        while True:
            if self._marks is not None and path in self._marks:
                return self._marks[path]
            if self._offsets is not None and path in self._offsets:
                return self._line_col(self._offsets[path])
            if not path:
                return 1, 1
            path = path[:-1]

    def _build(self) -> None:
        try:
            self._offsets = self._scan()
        except _Mismatch:
            self._marks = self._compose()

    def _scan(self) -> dict[Path, int]:
        matches = _KEY.finditer(self._data)
        offsets: dict[Path, int] = {}

        def visit(value: Any, path: Path) -> int | None:
            first: int | None = None
            if isinstance(value, dict):
                for key, item in value.items():
                    match = next(matches, None)
                    if match is None or _unquote(match.group(1)) != key:
                        raise _Mismatch
                    offset = match.start(1)
                    offsets[(*path, key)] = offset
                    first = offset if first is None else first
                    visit(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    located = visit(item, (*path, index))
                    if located is not None:
                        offsets[(*path, index)] = located
                        first = located if first is None else first
            return first

        visit(self._value, ())
        return offsets

    def _compose(self) -> dict[Path, tuple[int, int]]:
        import yaml

        try:
            root = yaml.compose(self._data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (yaml.YAMLError, RecursionError):
            return {}
        marks: dict[Path, tuple[int, int]] = {}
        stack: list[tuple[Any, Path]] = [(root, ())] if root is not None else []
        while stack:
            node, path = stack.pop()
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    key = getattr(key_node, "value", None)
                    if isinstance(key, str):
                        mark = key_node.start_mark
                        marks.setdefault((*path, key), (mark.line + 1, mark.column + 1))
                        stack.append((value_node, (*path, key)))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    mark = item.start_mark
                    marks[(*path, index)] = (mark.line + 1, mark.column + 1)
                    stack.append((item, (*path, index)))
        return marks

    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0, *(m.end() for m in re.finditer(b"\n", self._data))]
        line = bisect.bisect_right(self._line_starts, offset)
        start = self._line_starts[line - 1]
        column = len(self._data[start:offset].decode("utf-8", "replace")) + 1
        return line, column
