"""Where each node of a YAML text is: the offsets the splicing edits rest on.

Built from libyaml's parse events (PyYAML's C parser), which carry exact start and end
marks. A node's `end` is where its content ends: the closing bracket of a flow
collection, the last character of a scalar (for `|` and `>` scalars, of their last
non-blank line, unless they keep trailing lines with `+`), the end of the last child of a
block collection. Comments and blank lines after a node are never part of it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .changes import EditError


@dataclass(eq=False)
class Node:
    """One mapping, sequence, scalar or alias, by character offsets into the text."""

    kind: str
    """map, seq, scalar or alias."""
    start: int
    end: int = 0
    flow: bool = False
    text: str | None = None
    """A scalar's value (mapping keys are looked up by it)."""
    keys: list[Node] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    """A mapping's values, or a sequence's items."""
    dashes: list[int] = field(default_factory=list)
    """A block sequence: the offset of each item's `-`."""

    @property
    def block(self) -> bool:
        """A block mapping or sequence: one that can be edited entry by entry."""
        return self.kind in ("map", "seq") and not self.flow

    def child(self, key: Any) -> Node | None:
        """The value under `key` (a mapping) or the item at `key` (a sequence), if present."""
        if self.kind == "map" and isinstance(key, str):
            for index, name in enumerate(self.keys):
                if name.text == key:
                    return self.children[index]
        if self.kind == "seq" and isinstance(key, int) and 0 <= key < len(self.children):
            return self.children[key]
        return None

    def key_index(self, key: str) -> int | None:
        """Position of `key` among a mapping's entries."""
        for index, name in enumerate(self.keys):
            if name.text == key:
                return index
        return None


@dataclass
class DocMap:
    """The root node of a text, and every scalar's span (to tell comments from content)."""

    text: str
    root: Node | None
    scalars: list[tuple[int, int]]

    def in_scalar(self, offset: int) -> bool:
        """True if `offset` falls inside a scalar's text (a `#` there is not a comment)."""
        index = bisect.bisect_right(self.scalars, (offset, len(self.text) + 1)) - 1
        return index >= 0 and self.scalars[index][0] <= offset < self.scalars[index][1]


_KEEP = re.compile(r"[|>][-+0-9]*")


def _scalar_end(text: str, event: Any) -> int:
    start, end = int(event.start_mark.index), int(event.end_mark.index)
    if event.style not in ("|", ">"):
        return end
    header = _KEEP.match(text, start)
    if header is not None and "+" in header.group():
        return end
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


def _at(mark: Any) -> int:
    return int(mark.index)


def _dash(text: str, after: int, before: int) -> int:
    """The `-` of a block sequence item: the first one outside comments in [after, before)."""
    index = after
    while index < before:
        char = text[index]
        if char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            newline = text.find("\n", index)
            index = before if newline < 0 else newline + 1
            continue
        if char == "-" and (index + 1 >= len(text) or text[index + 1] in " \t\n"):
            return index
        index += 1
    return before


def build(text: str) -> DocMap:
    """The map of `text`, which must hold at most one YAML document."""
    stack: list[Node] = []
    pending_key: list[bool] = []
    scalars: list[tuple[int, int]] = []
    root: Node | None = None

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == "map":
            if pending_key[-1]:
                parent.keys.append(node)
            else:
                parent.children.append(node)
            pending_key[-1] = not pending_key[-1]
            return
        if not parent.flow:
            after = parent.start if not parent.children else parent.children[-1].end
            parent.dashes.append(_dash(text, after, node.start))
        parent.children.append(node)

    try:
        events: Any = yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for event in events:
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                node = Node(kind, _at(event.start_mark), flow=bool(event.flow_style))
                attach(node)
                stack.append(node)
                pending_key.append(kind == "map")
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                node = stack.pop()
                pending_key.pop()
                if node.flow:
                    node.end = _at(event.end_mark)
                else:
                    ends = [child.end for child in (*node.keys, *node.children)]
                    node.end = max(ends, default=node.start)
            elif isinstance(event, yaml.ScalarEvent):
                end = _scalar_end(text, event)
                scalars.append((_at(event.start_mark), _at(event.end_mark)))
                attach(Node("scalar", _at(event.start_mark), end, text=event.value))
            elif isinstance(event, yaml.AliasEvent):
                attach(Node("alias", _at(event.start_mark), _at(event.end_mark)))
            elif isinstance(event, yaml.DocumentStartEvent) and root is not None:
                raise EditError("the file holds more than one YAML document")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{mark.line + 1}:{mark.column + 1}: " if mark else ""
        raise EditError(f"{where}cannot read the file to edit it: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise EditError(f"cannot read the file to edit it: {exc}") from None
    scalars.sort()
    return DocMap(text, root, scalars)


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding `offset`."""
    return text.rfind("\n", 0, offset) + 1


def line_end(text: str, offset: int) -> int:
    """Offset just past the line break ending the line of `offset` (a line start stays)."""
    if offset > 0 and text[offset - 1] == "\n":
        return offset
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def next_line(text: str, offset: int) -> int:
    """Offset of the line after the one `offset` is on (the end of the text on the last)."""
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline + 1


def column(text: str, offset: int) -> int:
    """Column of `offset` on its line, from 0."""
    return offset - line_start(text, offset)


def blank_before(text: str, offset: int) -> bool:
    """True if only spaces precede `offset` on its line."""
    return text[line_start(text, offset) : offset].strip(" ") == ""


def comment_at(doc: DocMap, start: int, end: int) -> int | None:
    """Offset of the first comment's `#` in [start, end) on one line, if there is one."""
    text = doc.text
    index = text.find("#", start, end)
    while index >= 0:
        if (index == 0 or text[index - 1] in " \t\n") and not doc.in_scalar(index):
            return index
        index = text.find("#", index + 1, end)
    return None


def comments(doc: DocMap, start: int, end: int) -> list[str]:
    """The text of every comment in [start, end), in order."""
    found = []
    offset = start
    while offset < end:
        stop = next_line(doc.text, offset)
        at = comment_at(doc, offset, min(stop, end))
        if at is not None:
            found.append(doc.text[at:stop].rstrip("\n").rstrip())
        offset = stop
    return found


def trailing_comment_lines(text: str, offset: int, indent: int) -> int:
    """Past the comment-only lines right after `offset` indented deeper than `indent`."""
    position = offset
    while position < len(text):
        stop = next_line(text, position)
        line = text[position:stop]
        stripped = line.lstrip(" ")
        if not stripped.startswith("#") or len(line) - len(stripped) <= indent:
            break
        position = stop
    return position


@dataclass
class Items:
    """Where the items of a block sequence at the root of a text are, found without mapping
    the whole text: each item's line, and (mapped on demand, item by item) its content end."""

    text: str
    starts: list[int]
    """Offset of the line each item's `-` is on."""
    indent: int
    """Column of the dashes."""
    ends: dict[int, int] = field(default_factory=dict)

    def dash(self, index: int) -> int:
        """Offset of item `index`'s `-`."""
        return self.starts[index] + self.indent

    def end(self, index: int) -> int:
        """Offset where item `index`'s content ends (comments after it are not part of it)."""
        if index not in self.ends:
            start = self.starts[index]
            stop = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
            root = build(self.text[start:stop]).root
            if root is None or root.kind != "seq" or len(root.children) != 1:
                raise EditError(f"record {index + 1} could not be told apart from its neighbours")
            self.ends[index] = start + root.children[0].end
        return self.ends[index]


def root_items(text: str, count: int) -> Items | None:
    """The items of the text's root block sequence, when a line scan finds exactly `count`.

    An item starts on a line holding only spaces then `- ` (or a lone `-`) at the column of
    the first one; no other line can start that way at that column in a block sequence of
    mappings. Any doubt (another layout, a count that differs from what the parser read)
    returns None, and the caller maps the whole text instead.
    """
    starts: list[int] = []
    indent: int | None = None
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.lstrip(" ")
        column = len(line) - len(body)
        content = body.rstrip("\n")
        if content and not content.startswith("#"):
            if indent is None:
                if content.startswith(("%", "---")):
                    return None
                indent = column
            is_item = column == indent and (content == "-" or content.startswith("- "))
            if is_item:
                starts.append(offset)
            elif column <= indent:
                return None
        offset += len(line)
    if indent is None or len(starts) != count:
        return None
    return Items(text, starts, indent)


def items_of(doc: DocMap) -> Items | None:
    """`Items` from a mapped text whose root is a block sequence, each item on its own line."""
    root = doc.root
    if root is None or root.kind != "seq" or root.flow:
        return None
    if not all(blank_before(doc.text, dash) for dash in root.dashes):
        return None
    starts = [line_start(doc.text, dash) for dash in root.dashes]
    ends = {index: child.end for index, child in enumerate(root.children)}
    return Items(doc.text, starts, column(doc.text, root.dashes[0]), ends)
