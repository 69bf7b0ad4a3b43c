"""Source maps: the line and column of every record and field of a file, computed on first use.

Positions are needed only where a finding points, so a clean workspace never pays for
them. A position is libyaml's mark of the path (a key, or a list item's value), or of its
nearest ancestor that is written when the path is not (a missing field): the same answer
whatever was looked up before, so a cached run and a `--no-cache` one agree. What the
searches below do not answer is composed by libyaml one record at a time (the whole file
when it holds an alias of another record's anchor). A file whose records cannot be told
apart (`sra.yaml`) has its keys scanned with one regular expression, passing over quoted
text, comments and block scalars, and paired in document order with the keys of the
parsed data; where that cannot be exact (flow style, anchors, tags, aliases, keys that
disagree) the file is composed.

Most lookups need no scan: a record's own key, an item of one of its lists, a key of such
an item or of a mapping under one of its keys is found by searching the record's text, from
indexes built once per file (where each record starts, and on which line) and once per list
(where each item starts and ends). A calendar locating one field of each of 50,000 records
pays one `bytes.find` or two per lookup, not a walk over the lines before it.

A loader holding a whole workspace releases each map's parsed data once the file is
validated (the models keep what they need of it); composing a record needs only its
text, and a scan of a whole file parses it again.
"""

from __future__ import annotations

import bisect
import operator
import re
from array import array
from itertools import accumulate, repeat
from typing import Any

from .key_scan import (
    EXACT,
    ITEM_LINE,
    RECORD,
    RECORD_AFTER_BREAK,
    RECORD_HEAD,
    key_at_column,
    scan_keys,
    shallow_line,
    unquote,
)
from .parse import parse_yaml

Path = tuple[str | int, ...]


def _marks_of(data: bytes) -> dict[Path, tuple[int, int]] | None:
    """libyaml's 1-based (line, column) of every key and list item of `data`, by path."""
    import yaml

    try:
        root = yaml.compose(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return None
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


class _Mismatch(Exception):
    """The key scan and the parsed data disagree; use the exact composer instead."""


class SourceMap:
    """Line and column of the records and fields of one parsed file."""

    def __init__(self, data: bytes, value: Any) -> None:
        self._data = data
        self._value = value
        self._released = False
        self._length = len(value) if isinstance(value, list) else None
        self._offsets: dict[Path, int] = {}
        self._marks: dict[Path, tuple[int, int]] | None = None
        self._composed: dict[Path, tuple[int, int]] = {}
        """libyaml's marks of every path of the records composed alone."""
        self._line_starts: array[int] | None = None
        self._record_lines: array[int] | None = None
        self._records: list[int] | None = None
        self._heads: dict[int, int] = {}
        self._lists: dict[int, list[tuple[int, int]]] = {}
        self._scanned: set[int] = set()
        """Records composed (alone, or with the whole file): `_position` answers for them."""
        self._complete = False

    def release(self) -> None:
        """Forget the parsed data; a scan of the whole file that needs it later parses again."""
        self._value = None
        self._released = True

    def _whole(self) -> Any:
        """The parsed file, parsed again if it was released."""
        if self._released:
            self._value = parse_yaml(self._data, "")  # it parsed before: the bytes are the same
            self._released = False
        return self._value

    def position(self, path: Path) -> tuple[int, int]:
        """1-based (line, column) of `path`, or of its nearest located ancestor."""
        if self._marks is None and not self._complete:
            offset = self._offsets.get(path)
            if offset is None:
                offset = self._search(path)
            if offset is not None:
                return self._line_col(offset)
        return self._position(path)

    def _position(self, path: Path) -> tuple[int, int]:
        """`position` the general way: scan the record (or the file), else compose it.

        Every route answers with libyaml's mark of the path, or of its nearest ancestor
        that is written, so that an answer never depends on what was asked before it.
        """
        if self._marks is None:
            self._locate(path)
        marks = self._marks
        composed = self._composed
        offsets = self._offsets
        while True:
            if marks is not None and path in marks:
                return marks[path]
            if path in composed:
                return composed[path]
            offset = offsets.get(path)
            if (
                offset is None
                and marks is None
                and len(path) > 1
                and type(path[-1]) is int
                and type(path[-2]) is str
                and path[:-1] in offsets
            ):
                # A scalar list item has no key for the key scan to find: count the item lines.
                offset = self._item_offset(offsets[path[:-1]], path[-1])
                if offset is not None:
                    offsets[path] = offset
            if offset is not None:
                return self._line_col(offset)
            if not path:
                return 1, 1
            path = path[:-1]

    def _search(self, path: Path) -> int | None:
        """Offset of `path` found by searching its record's text, or None to scan instead.

        The answer `_position` gives by way of `_top_level` (the same offsets, noted the
        same way), from indexes built once per file and per list, so that locating
        thousands of fields of one file costs a few dictionary reads and one `bytes.find`
        each. A mapping's key under a record's key (`attributes.last_reviewed`) is
        answered here too, where `_position` would parse the record again to scan it.
        """
        size = len(path)
        if size < 2 or size > 4:
            return None if size != 1 else self._head(path[0])
        index, key = path[0], path[1]
        if type(index) is not int or type(key) is not str or index in self._scanned:
            return None
        # `_head` and `_span` inlined for a record seen before: this runs once per finding.
        head = self._heads.get(index)
        if head is None:
            head = self._head(index)
            if head is None:
                return None
        offsets = self._offsets
        prefix = (index, key)
        found = offsets.get(prefix)
        starts = self._records or []
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self._data)
        if found is None:
            found = key_at_column(self._data, key, head - start, start, end)
            if found is None:
                return None
            offsets[prefix] = found
        if size == 2:
            return found
        second = path[2]
        if type(second) is str:
            return self._child_key(found, path, second, end) if size == 3 else None
        if type(second) is not int:
            return None
        if size == 3:
            item = self._item_offset(found, second)
            if item is None:
                # No such item of a block list, or a value that is no list: the key is the
                # nearest ancestor. A flow list's items are `_position`'s to compose.
                return found if self._holds_no_item(found, key) else None
            offsets[path] = item
            return item
        last = path[3]
        if type(last) is not str or not self._item_key(found, prefix, second, last, end):
            return None
        return offsets[path]

    def _head(self, index: Any) -> int | None:
        """Offset of record `index`'s first key (its position), when `_top_level` finds it."""
        if type(index) is not int or index in self._scanned:
            return None  # a composed record's marks are all noted: `_position` reads them
        head = self._heads.get(index)
        if head is not None:
            return head
        starts = self._records if self._records is not None else self._record_starts()
        if not starts or index >= len(starts) or index < 0:
            return None
        start, end = self._span(index)
        match = RECORD_HEAD.match(self._data, start, end)
        if match is None:
            return None
        self._heads[index] = match.end()
        return self._offsets.setdefault((index,), match.end())

    def _span(self, index: int) -> tuple[int, int]:
        """Where record `index` starts and ends in the file."""
        starts = self._records or []
        end = starts[index + 1] if index + 1 < len(starts) else len(self._data)
        return starts[index], end

    def _child_key(self, parent: int, path: Path, key: str, end: int) -> int | None:
        """Offset of `key` in the block mapping under the record's key at `parent`.

        Searched only when that is a plain block mapping: the parent's line holds nothing
        after its colon, and every line up to the first one back at the parent's column
        (or left of it) is indented at least as far as the mapping's first key, which is
        no list item. A key at that column is then one of the mapping's own keys, as
        `_top_level` reasons for a record's keys: the parser rejects text continued there.
        """
        data = self._data
        line_end = data.find(b"\n", parent, end)
        if line_end < 0:
            return None
        colon = parent + len(str(path[1]).encode())  # `key_at_column` found `key:` there
        rest = data[colon + 1 : line_end].strip(b" ")
        if rest and not rest.startswith(b"#"):
            return None  # a value, an anchor or a tag on the key's own line
        parent_column = parent - data.rfind(b"\n", 0, parent) - 1
        column: int | None = None
        stop = end
        for match in ITEM_LINE.finditer(data, line_end + 1, end):
            width = len(match.group(1))
            if width <= parent_column:
                stop = match.start()
                break
            if column is None:
                if match.group(2) is not None:
                    return None  # a list, not a mapping
                column = width
            elif width < column:
                return None
        if column is None:
            return None
        found = key_at_column(data, key, column, line_end + 1, stop)
        if found is None:
            return None
        return self._offsets.setdefault(path, found)

    def _item_offset(self, key_offset: int, index: int) -> int | None:
        """Offset of item `index` of the block sequence under the key at `key_offset`."""
        if index == 0 and key_offset not in self._lists:
            # The first item starts on the line after the key: no walk to where it ends.
            first = self._first_item(key_offset)
            if first is not None:
                return first.end(2)
        span = self._item_span(key_offset, index)
        return None if span is None else span[0]

    def _first_item(self, key_offset: int) -> re.Match[bytes] | None:
        """The first line under the key at `key_offset`, if it opens a block list's item."""
        data = self._data
        line_end = data.find(b"\n", key_offset)
        if line_end < 0 or b"[" in data[key_offset:line_end]:
            return None
        first = ITEM_LINE.search(data, line_end + 1)
        return first if first is not None and first.group(2) is not None else None

    def _item_span(self, key_offset: int, index: int) -> tuple[int, int] | None:
        """Where item `index` of the list under the key at `key_offset` starts and ends.

        The spans of a list's items are found together and kept, so that its items cost
        one walk however many of them are asked for. What the walk does not reach (an
        index past the list's end, odd layouts) is left to `_walk_item`.
        """
        spans = self._lists.get(key_offset)
        if spans is None:
            spans = self._lists[key_offset] = self._list_items(key_offset)
        if 0 <= index < len(spans):
            return spans[index]
        return self._walk_item(key_offset, index)

    def _list_items(self, key_offset: int) -> list[tuple[int, int]]:
        """The span `_walk_item` gives for each index of the list, up to the first it misses.

        `_walk_item` passes over every line indented past the list's items; a search for
        the next line that is not (in C) skips them all at once, and that line either
        starts the next item or ends the list. The walk stops at the first line that is no
        item of this list, or when `_walk_item` would find no item at all.
        """
        first = self._first_item(key_offset)
        if first is None:
            return []
        data = self._data
        indent = len(first.group(1))
        shallow = shallow_line(indent)
        spans: list[tuple[int, int]] = []
        found = first.end(2)
        at = first.end()
        while (next_line := shallow.search(data, at)) is not None:
            line = ITEM_LINE.match(data, next_line.start() + 1)
            if line is None:  # the search found a line with text: it matches
                return spans
            spans.append((found, line.start()))
            if line.group(2) is None or len(line.group(1)) < indent:
                return spans  # the list ended
            found = line.end(2)
            at = line.end()
        spans.append((found, len(data)))
        return spans

    def _walk_item(self, key_offset: int, index: int) -> tuple[int, int] | None:
        """Where item `index` of the block sequence under the key at `key_offset` starts and ends.

        The start is the item's value (after `- `); the end is the start of the line that
        begins the next item or leaves the list.
        """
        data = self._data
        line_end = data.find(b"\n", key_offset)
        if line_end < 0 or b"[" in data[key_offset:line_end]:
            return None  # a flow sequence on the key's line: no block list to walk
        indent: int | None = None
        seen = -1
        found: int | None = None
        for match in ITEM_LINE.finditer(data, line_end + 1):
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
            if width < indent:
                return None  # an item of an outer list: this one ended before `index`
            if width > indent:
                continue  # an item of a nested list
            seen += 1
            if seen == index:
                found = match.end(2)
        return None if found is None else (found, len(data))

    def _locate(self, path: Path) -> None:
        """Compose as little as answers `path`: its record alone when records can be told apart.

        A file whose records cannot be told apart is key-scanned whole, or composed where
        the scan cannot be exact.
        """
        if self._complete:
            return
        data = self._data
        starts = self._record_starts()
        if starts is not None and path and isinstance(path[0], int) and path[0] < len(starts):
            index = path[0]
            if index in self._scanned or self._top_level(index, path):
                return
            # libyaml composes one record in about the time the key scan takes to pair its
            # keys, and less than parsing it again for the scan once the map is released.
            self._scanned.add(index)
            start, end = self._span(index)
            if not self._compose_record(index, start, end):
                self._marks = _marks_of(data) or {}
            return
        if EXACT.search(data) is None:
            try:
                self._scan(self._whole(), (), 0, len(data))
            except _Mismatch:
                pass
            else:
                self._complete = True
                return
        self._marks = _marks_of(data) or {}

    def _compose_record(self, index: int, start: int, end: int) -> bool:
        """Note libyaml's marks of record `index` alone; False if it is not one alone."""
        marks = _marks_of(self._data[start:end])
        if marks is None or (1,) in marks or (0,) not in marks:
            return False  # an alias of another record's anchor, or not one list item
        lines = self._record_line(index) - 1
        composed = self._composed
        for (_, *rest), (line, column) in marks.items():
            composed[(index, *rest)] = (line + lines, column)
        return True

    def _top_level(self, index: int, path: Path) -> bool:
        """Locate record `index`, or one of its top-level keys, without scanning the record.

        Most findings point at a record or one of its own fields. Such a key is the one
        line of the record indented exactly as its first key (YAML requires continuation
        lines of multi-line text to be indented further), so one search finds it.
        """
        rest = path[1:]
        shape = tuple(type(part) for part in rest)
        if shape not in ((), (str,), (str, int), (str, int, str)):
            return False
        starts = self._records or []
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self._data)
        head = RECORD_HEAD.match(self._data, start, end)
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
        found = key_at_column(self._data, key, head.end() - start, start, end)
        if found is None:
            return False
        self._offsets.setdefault((index, key), found)
        if len(rest) == 1:
            return True
        if len(rest) == 2:
            item = self._item_offset(found, int(rest[1]))  # the shape says it is an int
            if item is None:
                return self._holds_no_item(found, key)
            self._offsets.setdefault(path, item)
            return True
        return self._item_key(found, (index, key), rest[1], str(rest[2]), end)

    def _holds_no_item(self, key_offset: int, key: str) -> bool:
        """Whether the key at `key_offset`, whose item was not found, is the answer for it.

        It is when its value is a block list (the index is past its end) or plain or quoted
        text on the key's line. A flow list, a node with an anchor or a tag, an alias or a
        value on the next lines is left to the exact route, which may find the item.
        """
        if self._lists.get(key_offset):
            return True
        data = self._data
        colon = key_offset + len(key.encode())
        line_end = data.find(b"\n", colon)
        rest = data[colon + 1 : line_end if line_end >= 0 else len(data)].strip()
        return bool(rest) and rest[:1] not in (b"[", b"{", b"&", b"!", b"*", b"#")

    def _item_key(self, key_offset: int, prefix: Path, item: Any, key: str, end: int) -> bool:
        """Locate `key` of mapping item `item` of the list under the key at `key_offset`."""
        span = self._item_span(key_offset, item)
        data = self._data
        if span is None or data[span[0] : span[0] + 1] in (b"{", b"[", b'"', b"'", b"?"):
            return False  # flow or quoted items: the exact scan handles them
        first, stop = span
        line_start = data.rfind(b"\n", 0, first) + 1
        column = first - line_start
        offset = key_at_column(data, key, column, line_start, min(stop, end))
        if offset is None:
            return False
        self._offsets.setdefault((*prefix, item), first)
        self._offsets.setdefault((*prefix, item, key), offset)
        return True

    def _record_starts(self) -> list[int] | None:
        """Offsets of the top-level list items, if each record starts a `- ` line of its own."""
        if self._records is None:
            data = self._data
            starts = [0] if RECORD.match(data) else []
            # The pattern opens with a literal line break, which the regex engine looks for
            # the way `bytes.find` does; `^-` under re.M would be tried at every offset.
            starts.extend(match.start() + 1 for match in RECORD_AFTER_BREAK.finditer(data))
            self._records = starts if len(starts) == self._length else []
        return self._records or None

    def _scan(self, value: Any, prefix: Path, start: int, end: int) -> int | None:
        """Pair the keys written in `data[start:end]` with the keys of `value`, in order."""
        matches = scan_keys(self._data, start, end)
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
                    if raw.decode("utf-8", "replace") != key and unquote(raw) != key:
                        raise _Mismatch
                    offset = match.start(1)
                    offsets[(*path, key)] = offset
                    first = offset if first is None else first
                    visit(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, list):
                        raise _Mismatch  # a list's own item starts at its `-`, not at a key
                    located = visit(item, (*path, index))
                    if located is not None:
                        offsets[(*path, index)] = located
                        first = located if first is None else first
            return first

        return visit(value, prefix)

    def _line_col(self, offset: int) -> tuple[int, int]:
        data = self._data
        starts = self._records
        record = bisect.bisect_right(starts, offset) - 1 if starts else -1
        if starts is None or record < 0:
            return self._line_col_by_lines(offset)
        # The line of the record's start, plus the line breaks between it and the offset:
        # counting runs in C over the one record, with no index of every line of the file.
        start = starts[record]
        lines = self._record_lines
        first = lines[record] if lines is not None else self._record_line(record)
        line = first + data.count(b"\n", start, offset)
        line_start = max(data.rfind(b"\n", start, offset) + 1, start)
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        return line, column

    def _record_line(self, index: int) -> int:
        """1-based line of record `index`'s start, with every record's computed at once."""
        lines = self._record_lines
        if lines is None:
            starts = self._records or []
            # The line breaks before each record's start, counted in C from one to the next.
            breaks = map(self._data.count, repeat(b"\n"), [0, *starts[:-1]], starts)
            lines = self._record_lines = array("q", accumulate(breaks, initial=1))
            del lines[0]
        return lines[index]

    def _line_col_by_lines(self, offset: int) -> tuple[int, int]:
        """`_line_col` from an index of every line's start, where records were not told apart."""
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
