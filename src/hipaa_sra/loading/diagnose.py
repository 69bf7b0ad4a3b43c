"""Explanations for files that cannot be parsed: where exactly, and what to do about it."""

from __future__ import annotations

import re
from typing import Any

from ..errors import LoadError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files above this are refused: a register that large belongs in several files."""
MAX_DEPTH = 64
"""Workspace records nest about six levels; anything deeper is a mistake or an attack."""


def too_big(path: str, size: int | None) -> LoadError:
    """The error for a file over `MAX_FILE_BYTES` (`size` None: its size is not known)."""
    limit = f"{MAX_FILE_BYTES // 1048576} MB"
    return LoadError(
        path,
        f"file is {size / 1048576:.1f} MB; the limit is {limit}"
        if size is not None
        else f"file is larger than the limit of {limit}",
        hint="split it into several files in the same folder",
    )


_BRACKETS = re.compile(rb"[\[\]{}]")


def deep_offset(data: bytes) -> int:
    """Where nesting first passes `MAX_DEPTH`: by brackets for flow style, by indent for block."""
    depth = 0
    for match in _BRACKETS.finditer(data):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            return match.start()
    deep_indent = re.search(rb"^ {%d,}\S" % MAX_DEPTH, data, re.M)
    return deep_indent.end() - 1 if deep_indent else 0


# A block scalar header ends its line: `|` or `>`, an indentation and a chomping indicator,
# after `key:`, `? `, the `- ` of sequence entries or nothing, and after an anchor or a tag;
# then maybe a comment. (`note: a - |` is plain text, not a header.)
_BLOCK_HEADER = re.compile(
    rb"(?:^[ ]*(?:-[ ]+)*|[:?][ \t]+)(?:[&!][^ \t]*[ \t]+)*[|>](?P<indicators>[-+1-9]{0,2})"
    rb"[ \t]*(?:#.*)?$"
)
_DASHES = re.compile(rb"(?:-[ ]+)*")


def indent_tab(data: bytes) -> int | None:
    """Offset of the first tab used as indentation, or None.

    A tab that starts a line (after any spaces) is indentation, which YAML forbids, unless
    the line is content of a block scalar (`notes: |`) and the tab comes after the
    scalar's indentation: there it is text, kept as written.
    """
    if b"\t" not in data:
        return None
    parent: int | None = None  # indentation of the node whose block scalar is open
    content: int | None = None  # the scalar's content indentation, once known
    offset = 0
    for line in data.split(b"\n"):
        start, offset = offset, offset + len(line) + 1
        text = line.lstrip(b" ")
        spaces = len(line) - len(text)
        if parent is not None:
            if content is None and not text:
                continue  # leading blank lines do not fix the indentation
            if content is None and spaces > parent:
                content = spaces
            if content is not None and (spaces >= content or not text):
                continue
            parent = content = None  # a less indented line ends the scalar
        if text.startswith(b"\t"):
            return start + spaces
        header = _BLOCK_HEADER.search(line)
        if header is not None:
            dashes = _DASHES.match(text)
            parent = spaces + (dashes.end() if dashes and header.start() > spaces else 0)
            digits = [c for c in header["indicators"] if 0x31 <= c <= 0x39]
            content = parent + int(chr(digits[0])) if digits else None
    return None


_KEY_VALUE = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)*)(?P<key>[^\s#'\"][^:]*?):[ ]+(?P<value>.*?)\s*$")


def _quoted(value: str) -> str:
    """`value` as a YAML quoted scalar: double quotes unless it holds one."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _line_text(data: bytes, line: int) -> str:
    """Line `line` (0-based) of the file, decoded."""
    lines = data.split(b"\n")
    return lines[line].decode("utf-8", "replace") if 0 <= line < len(lines) else ""


def _common_mistake(data: bytes, path: str, err: Any) -> LoadError | None:
    """The usual mistakes, said plainly with the fix: a `: ` or text after a quote in an
    unquoted value, and a quote never closed (reported where it opened, not at the end)."""
    problem, context = err.problem or "", err.context or ""
    if context == "while scanning a quoted scalar" and err.context_mark is not None:
        mark = err.context_mark
        quote = _line_text(data, mark.line)[mark.column : mark.column + 1] or '"'
        return LoadError(
            path,
            f"invalid YAML: the quote {quote} that starts this value is never closed",
            mark.line + 1,
            mark.column + 1,
            f"end the value with {quote} on the same line, or remove the opening {quote}",
        )
    mark = err.problem_mark
    if mark is None:
        return None
    found = _KEY_VALUE.match(_line_text(data, mark.line))
    if found is None:
        return None
    key, value = found["key"], found["value"]
    if problem == "mapping values are not allowed in this context" and ": " in value:
        return LoadError(
            path,
            f'invalid YAML: the value of {key!r} contains ": ", so it must be quoted',
            mark.line + 1,
            mark.column + 1,
            f"write {key}: {_quoted(value)}",
        )
    if problem == "did not find expected key" and value[:1] in ("'", '"'):
        return LoadError(
            path,
            f"invalid YAML: the value of {key!r} goes on after its closing quote",
            mark.line + 1,
            mark.column + 1,
            f"quote all of it: {key}: {_quoted(value)}",
        )
    return None


def _separating_tab(data: bytes, path: str) -> LoadError | None:
    """A tab between `key:` or `-` and the value: valid YAML that the fast reader refuses."""
    found = re.search(rb"(?:^[ ]*-|[^\s:#]:)\t", data, re.M)
    if found is None:
        return None
    offset = found.end() - 1
    line = data.count(b"\n", 0, offset)
    column = offset - (data.rfind(b"\n", 0, offset) + 1)
    return LoadError(
        path,
        "a tab separates this value from its key or `-`; only spaces are read there",
        line + 1,
        column + 1,
        "replace the tab with a space",
    )


def syntax_error(data: bytes, path: str, exc: Exception) -> LoadError:
    """Explain a syntax error; libyaml's wording is the clearer, rapidyaml's the fallback."""
    import yaml

    try:
        yaml.compose(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as err:
        known = _common_mistake(data, path, err)
        if known is not None:
            return known
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        if err.context and err.problem:
            problem = f"{err.problem} ({err.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        hint = "replace the tab with spaces" if "'\\t'" in problem else None
        return LoadError(path, f"invalid YAML: {problem}", line, col, hint)
    except (yaml.YAMLError, RecursionError, ValueError):
        pass
    else:
        tab = _separating_tab(data, path)
        if tab is not None:
            return tab
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid YAML"
    match = re.search(r"line=(\d+) col=(\d+)", message)
    line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
    detail = message.split("ERROR:")[-1].replace("[parse]", "").strip() or "invalid YAML"
    return LoadError(path, f"invalid YAML: {detail}", line, col)


def duplicate_key_error(data: bytes, path: str, key: str) -> LoadError:
    """Point at the second occurrence of a duplicated key (libyaml's composer knows where)."""
    import yaml

    class _Finder(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    try:
        node = yaml.compose(data, Loader=_Finder)
    except yaml.YAMLError:
        node = None
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, Any] = {}
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value in seen:
                    first = seen[key_node.value]
                    mark = key_node.start_mark
                    return LoadError(
                        path,
                        f"duplicate key {key_node.value!r} (first at line {first.line + 1}); "
                        "YAML would silently keep only the last value",
                        mark.line + 1,
                        mark.column + 1,
                        "merge the two entries or rename one",
                    )
                if isinstance(key_node, yaml.ScalarNode):
                    seen[key_node.value] = key_node.start_mark
                stack.append(value_node)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return LoadError(path, f"duplicate key {key!r}; YAML would silently keep only the last value")
