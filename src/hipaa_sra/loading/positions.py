"""Source maps: the line and column of every record and field of a file, computed on first use.

Positions are needed only where a finding points, so a clean workspace never pays for
them. The fast path scans the file's keys with one regular expression and pairs them,
in document order, with the keys of the parsed data; any disagreement (flow style,
aliases, keys inside multi-line text) falls back to libyaml's composer, which knows
every node's mark exactly.

A loader holding a whole workspace releases each map's parsed data once the file is
validated (the models keep what they need of it); a later scan parses again only the one
record it reads.
"""

from __future__ import annotations

import bisect
import operator
import re
from array import array
from itertools import accumulate, repeat
from typing import Any

from ..errors import LoadError
from .parse import parse_yaml

Path = tuple[str | int, ...]

_KEY = re.compile(
    rb"(?:^[ ]*(?:-[ ]+)*|[{,][ ]*)"
    rb"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|[^\s#'\"\[\]{},&*!|>%@`?:-][^\n#,\[\]{}]*?"
    rb"|-[^\s#,\[\]{}][^\n#,\[\]{}]*?)"
    rb"[ ]*:(?=[ \t\r\n]|\Z)",
    re.M,
)


_ITEM_LINE = re.compile(rb"^([ ]*)(- +)?(?=[^ \n#])", re.M)
"""A line with content: its indentation, and the `- ` marker when it starts a list item."""


_RECORD = re.compile(rb"-(?=[ \t\r\n])")
"""The start of a top-level list item: one record of a kind file."""


_RECORD_HEAD = re.compile(rb"-[ ]+(?=[^ \n#])")
"""The `- ` that opens a record; its length is the indentation of the record's keys."""


def _key_at_column(data: bytes, key: str, column: int, start: int, end: int) -> int | None:
    """Offset of `key:` written at `column` of its line (after `- ` or spaces) in `data[start:end]`.

    `bytes.find` on the key does the scanning in C; each hit is then checked to sit at the
    start of a line (or of a list item) at exactly that column.
    """
    needle = key.encode() + b":"
    at = data.find(needle, start, end)
    while at >= 0:
        line_start = data.rfind(b"\n", 0, at) + 1
        after = at + len(needle)
        prefix = data[line_start:at]
        marker = prefix.strip(b" ")
        if (
            at - line_start == column
            and data[after : after + 1] in (b" ", b"\t", b"\r", b"\n", b"")
            and (marker == b"" or (marker == b"-" and prefix.endswith(b" ")))
        ):
            return at
        at = data.find(needle, after, end)
    return None


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
        self._released = False
        self._length = len(value) if isinstance(value, list) else None
        self._offsets: dict[Path, int] = {}
        self._marks: dict[Path, tuple[int, int]] | None = None
        self._line_starts: array[int] | None = None
        self._records: list[int] | None = None
        self._scanned: set[int] = set()
        self._complete = False

    def release(self) -> None:
        """Forget the parsed data; a scan that needs it later parses its record (or the file)."""
        self._value = None
        self._released = True

    def _whole(self) -> Any:
        """The parsed file, parsed again if it was released."""
        if self._released:
            self._value = parse_yaml(self._data, "")  # it parsed before: the bytes are the same
            self._released = False
        return self._value

    def _record(self, index: int, start: int, end: int) -> Any:
        """The parsed record `index`, written at `data[start:end]`."""
        if not self._released:
            return self._value[index]
        try:  # a record alone is a one-item list, unless it uses an anchor of another record
            alone = parse_yaml(self._data[start:end], "")
        except LoadError:
            alone = None
        if isinstance(alone, list) and len(alone) == 1:
            return alone[0]
        return self._whole()[index]

    def position(self, path: Path) -> tuple[int, int]:
        """1-based (line, column) of `path`, or of its nearest located ancestor."""
        if self._marks is None:
            self._locate(path)
        offsets = self._offsets
        if (
            self._marks is None
            and path
            and isinstance(path[-1], int)
            and path not in offsets
            and path[:-1] in offsets
        ):
            # A scalar list item has no key for the key scan to find: count the item lines.
            item = self._item_offset(offsets[path[:-1]], path[-1])
            if item is not None:
                offsets[path] = item
        while True:
            if self._marks is not None and path in self._marks:
                return self._marks[path]
            if path in self._offsets:
                return self._line_col(self._offsets[path])
            if not path:
                return 1, 1
            path = path[:-1]

    def _item_offset(self, key_offset: int, index: int) -> int | None:
        """Offset of item `index` of the block sequence under the key at `key_offset`."""
        span = self._item_span(key_offset, index)
        return None if span is None else span[0]

    def _item_span(self, key_offset: int, index: int) -> tuple[int, int] | None:
        """Where item `index` of the block sequence under the key at `key_offset` starts and ends.

        The start is the item's value (after `- `); the end is the start of the line that
        begins the next item or leaves the list.
        """
        data = self._data
        line_end = data.find(b"\n", key_offset)
        if line_end < 0 or b"[" in data[key_offset:line_end]:
            return None  # a flow sequence on the key's line: the key's position will do
        indent: int | None = None
        seen = -1
        found: int | None = None
        for match in _ITEM_LINE.finditer(data, line_end + 1):
            width = len(match.group(1))
            item = match.group(2) is not None
            if indent is None:
                if not item:
                    return None
                indent = width
            ends_item = width < indent or (width == indent and (item or found is not None))
            if found is not None and ends_item:
                return found, match.start()
            if not item:  # more text of the item, or the next key after the list
                if width <= indent:
                    return None
                continue
            if width > indent:
                continue  # an item of a nested list
            seen += 1
            if seen == index:
                found = match.end(2)
        return None if found is None else (found, len(data))

    def _locate(self, path: Path) -> None:
        """Scan as little as answers `path`: its record alone when records can be told apart."""
        if self._complete:
            return
        try:
            starts = self._record_starts()
            if starts is not None and path and isinstance(path[0], int) and path[0] < len(starts):
                index = path[0]
                if index not in self._scanned and not self._top_level(index, path[1:]):
                    self._scanned.add(index)
                    end = starts[index + 1] if index + 1 < len(starts) else len(self._data)
                    record = self._record(index, starts[index], end)
                    first = self._scan(record, (index,), starts[index], end)
                    if first is not None:
                        self._offsets[(index,)] = first
                return
            self._scan(self._whole(), (), 0, len(self._data))
            self._complete = True
        except _Mismatch:
            self._marks = self._compose()

    def _top_level(self, index: int, rest: Path) -> bool:
        """Locate record `index`, or one of its top-level keys, without scanning the record.

        Most findings point at a record or one of its own fields. Such a key is the one
        line of the record indented exactly as its first key (YAML requires continuation
        lines of multi-line text to be indented further), so one search finds it.
        """
        shape = tuple(type(part) for part in rest)
        if shape not in ((), (str,), (str, int), (str, int, str)):
            return False
        starts = self._records or []
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self._data)
        head = _RECORD_HEAD.match(self._data, start, end)
        if head is None:
            return False
        self._offsets.setdefault((index,), head.end())
        if not rest:
            return True
        key = rest[0]
        if not isinstance(key, str):
            return False
        # A line `key: ...` at the record's key column is that key: the parser rejects
        # quoted or plain text continued at that column, so text cannot look like one.
        found = _key_at_column(self._data, key, head.end() - start, start, end)
        if found is None:
            return False
        self._offsets.setdefault((index, key), found)
        if len(rest) < 3:
            return True
        return self._item_key(found, (index, key), rest[1], str(rest[2]), end)

    def _item_key(self, key_offset: int, prefix: Path, item: Any, key: str, end: int) -> bool:
        """Locate `key` of mapping item `item` of the list under the key at `key_offset`."""
        span = self._item_span(key_offset, item)
        data = self._data
        if span is None or data[span[0] : span[0] + 1] in (b"{", b"[", b'"', b"'", b"?"):
            return False  # flow or quoted items: the exact scan handles them
        first, stop = span
        line_start = data.rfind(b"\n", 0, first) + 1
        column = first - line_start
        offset = _key_at_column(data, key, column, line_start, min(stop, end))
        if offset is None:
            return False
        self._offsets.setdefault((*prefix, item), first)
        self._offsets.setdefault((*prefix, item, key), offset)
        return True

    def _record_starts(self) -> list[int] | None:
        """Offsets of the top-level list items, if each record starts a `- ` line of its own."""
        if self._records is None:
            data = self._data
            starts = [0] if _RECORD.match(data) else []
            at = data.find(b"\n-")
            while at >= 0:  # bytes.find runs in C; a multi-line regex would try every offset
                if _RECORD.match(data, at + 1):
                    starts.append(at + 1)
                at = data.find(b"\n-", at + 2)
            self._records = starts if len(starts) == self._length else []
        return self._records or None

    def _scan(self, value: Any, prefix: Path, start: int, end: int) -> int | None:
        """Pair the keys written in `data[start:end]` with the keys of `value`, in order."""
        matches = _KEY.finditer(self._data, start, end)
        offsets = self._offsets

        def visit(value: Any, path: Path) -> int | None:
            first: int | None = None
            if isinstance(value, dict):
                for key, item in value.items():
                    match = next(matches, None)
                    if match is None:
                        raise _Mismatch
                    raw = match.group(1)
                    # Plain keys decode to themselves; only quoted ones need unquoting.
                    if raw.decode("utf-8", "replace") != key and _unquote(raw) != key:
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

        return visit(value, prefix)

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
            # Line i starts after lines 0..i-1 and their newlines; all of it runs in C. An
            # array holds each start in 8 bytes (a list of ints takes 36), for every line of
            # every file with a finding.
            lengths = map(len, self._data.split(b"\n"))
            starts = accumulate(map(operator.add, lengths, repeat(1)), initial=0)
            self._line_starts = array("q", starts)
        line = bisect.bisect_right(self._line_starts, offset)
        start = self._line_starts[line - 1]
        column = len(self._data[start:offset].decode("utf-8", "replace")) + 1
        return line, column
