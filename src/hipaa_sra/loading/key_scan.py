"""Keys, list items and records found in a YAML file's bytes, without parsing it.

`positions.SourceMap` places findings with these: each is a regular expression or a
`bytes.find` loop that runs in C over the text, and each answers only where the layout
leaves no doubt (block style, plain or quoted keys); the map composes the rest with libyaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TOKEN = re.compile(
    rb"(?:^[ ]*(?:-[ ]+)*|[{,][ ]*)"
    rb"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'|[^\s#'\"\[\]{},&*!|>%@`?:-][^\n#,\[\]{}]*?"
    rb"|-[^\s#,\[\]{}][^\n#,\[\]{}]*?)"
    rb"[ ]*:(?=[ \t\r\n]|\Z)"
    rb"|(?<=[ \t\n\[{,])(?:\"(?:[^\"\\]|\\[\s\S])*\"|'(?:[^']|'')*')"
    rb"|(?:^|(?<=[ \t]))\#[^\n]*"
    rb"|(?:(?<=[:?-])[ \t]+(?:[&!][^ \t\n]*[ \t]+)*|^[ \t]*)([|>])[0-9+-]*[ \t]*(?:\#[^\n]*)?\r?$",
    re.M,
)
"""What the key scan reads: a key (group 1), or text it must pass over whole.

Quoted text (which may span lines), comments, and the header of a block scalar (group 2),
whose lines `_block_end` skips: a `key:` written inside any of them is text, not a key.
A quote opens quoted text only where a value can start (after a space, `[`, `{` or `,`);
one in the middle of plain text is none.
"""


_ITEM_MARKERS = re.compile(rb"[ ]*(?:-[ ]+)*")
"""A line's indentation and the `- ` markers of the list items it opens."""


_OUTDENT: dict[int, re.Pattern[bytes]] = {}
"""By indentation: the next line with text (a comment too) indented no further than that."""


EXACT = re.compile(rb"(?:^|[ ,\[{])[\[{&!*]", re.M)
"""A flow collection, an anchor, a tag or an alias may start here.

The key scan pairs keys, and places a list item at its first key; for these libyaml's
marks differ (a flow mapping starts at its `{`, a flow list's scalars have no key, a node
with properties starts at them), so a file holding one is composed instead. Text that
only looks like one costs a compose, never a wrong place.
"""


def scan_keys(data: bytes, start: int, end: int) -> Iterator[re.Match[bytes]]:
    """The keys written in `data[start:end]`, in order, passing over text that holds none."""
    at = start
    while (match := _TOKEN.search(data, at, end)) is not None:
        at = match.end()
        if match.group(1) is not None:
            yield match
        elif match.group(2) is not None:
            at = _block_end(data, match.start(2), at, end)


def _block_end(data: bytes, header: int, at: int, end: int) -> int:
    """Where the block scalar whose `|` or `>` is at `header` ends: its first line outdented.

    Its lines are indented further than the node that holds it: the key whose value it
    is, or the `-` of its list item. Otherwise (after an anchor or a tag, or alone on its
    line) the line's indentation: that may pass over keys too, which the scan then misses
    and gives up, never pairs wrongly.
    """
    line_start = data.rfind(b"\n", 0, header) + 1
    before = data[line_start:header].rstrip(b" \t")
    if before.endswith(b":"):
        markers = _ITEM_MARKERS.match(data, line_start)
        column = (markers.end() if markers else line_start) - line_start
    elif before.endswith(b"-"):
        column = len(before) - 1
    else:
        column = len(before) - len(before.lstrip(b" "))
    outdent = _OUTDENT.get(column)
    if outdent is None:
        outdent = _OUTDENT[column] = re.compile(rb"\n {0,%d}(?=[^ \r\n])" % column)
    found = outdent.search(data, at, end)
    return end if found is None else found.start() + 1


ITEM_LINE = re.compile(rb"^([ ]*)(- +)?(?=[^ \n#])", re.M)
"""A line with content: its indentation, and the `- ` marker when it starts a list item."""


_SHALLOW: dict[int, re.Pattern[bytes]] = {}


def shallow_line(indent: int) -> re.Pattern[bytes]:
    """The next line with text indented no further than `indent` (compiled once per indent)."""
    found = _SHALLOW.get(indent)
    if found is None:
        found = _SHALLOW[indent] = re.compile(rb"\n {0,%d}(?=[^ \n#])" % indent)
    return found


RECORD = re.compile(rb"-(?=[ \t\r\n])")
"""The start of a top-level list item: one record of a kind file."""


RECORD_AFTER_BREAK = re.compile(rb"\n-(?=[ \t\r\n])")
"""`RECORD` at the start of a line after the first."""


RECORD_HEAD = re.compile(rb"-[ ]+(?=[^ \n#])")
"""The `- ` that opens a record; its length is the indentation of the record's keys."""


def key_at_column(data: bytes, key: str, column: int, start: int, end: int) -> int | None:
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


def unquote(raw: bytes) -> str:
    """A key as written, without its quotes (a doubled `'` in single quotes is one)."""
    text = raw.decode("utf-8", "replace")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        inner = text[1:-1]
        return inner.replace("''", "'") if text[0] == "'" else inner
    return text
