"""Explanations for files that cannot be parsed: where exactly, and what to do about it."""

from __future__ import annotations

import re
from typing import Any

from ..errors import LoadError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Files above this are refused: a register that large belongs in several files."""
MAX_DEPTH = 64
"""Workspace records nest about six levels; anything deeper is a mistake or an attack."""


def too_big(path: str, size: int) -> LoadError:
    """The error for a file over `MAX_FILE_BYTES`."""
    return LoadError(
        path,
        f"file is {size / 1048576:.1f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB",
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


def is_indent_tab(data: bytes, offset: int) -> bool:
    """A tab at the start of a line is indentation unless it sits inside a block scalar."""
    start = data.rfind(b"\n", 0, offset) + 1
    previous = data.rfind(b"\n", 0, max(start - 1, 0))
    before = data[previous + 1 : start]
    return not before.rstrip().endswith((b"|", b">", b"|-", b">-", b"|+", b">+"))


def syntax_error(data: bytes, path: str, exc: Exception) -> LoadError:
    """Explain a syntax error; libyaml's wording is the clearer, rapidyaml's the fallback."""
    import yaml

    try:
        yaml.compose(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or err.context or "invalid YAML"
        if err.context and err.problem:
            problem = f"{err.problem} ({err.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return LoadError(path, f"invalid YAML: {problem}", line, col)
    except (yaml.YAMLError, RecursionError, ValueError):
        pass
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
