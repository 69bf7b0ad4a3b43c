"""Set or delete one value inside a YAML text, keeping every byte outside what changes.

The change goes to the deepest block mapping or sequence on its path: a changed key
rewrites that key's lines only, a new key is inserted where the model's field order puts
it, a removed one takes its own lines (and the comments indented under it) with it. A
flow collection (`[a, b]`, `{k: v}`) on the path is rewritten whole, in flow style where
it can stay so. Comments inside rewritten text are never dropped: an end-of-line comment
stays on its line when the value fits on one, any other moves to a line above.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import LoadError
from ..loading import parse_yaml
from .changes import EditError, FieldPath, dotted
from .docmap import (
    DocMap,
    Node,
    blank_before,
    build,
    column,
    comment_at,
    comments,
    line_end,
    line_start,
    next_line,
    trailing_comment_lines,
)
from .render import flowable, render_entry, render_item

DELETE: Any = object()
"""The value that removes a key or a list item."""

OrderFn = Callable[[FieldPath], Sequence[str]]
"""The key order (model field order) of the mapping at a path, for placing new keys."""


def parse(text: str, label: str = "<edit>") -> Any:
    """`text` read by the loader's own parser; `EditError` if the loader would refuse it."""
    try:
        return parse_yaml(text.encode("utf-8"), label)
    except LoadError as exc:
        raise EditError("the edited text would not load", (exc.render(),)) from None
    except UnicodeEncodeError as exc:
        raise EditError(f"text that cannot be written as UTF-8: {exc.reason}") from None


def get_in(data: Any, path: FieldPath) -> Any:
    """The value at `path` in plain data; `KeyError` when absent."""
    for part in path:
        found = (isinstance(data, dict) and isinstance(part, str) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        )
        if not found:
            raise KeyError(part)
        data = data[part]
    return data


def with_value(data: Any, path: FieldPath, value: Any) -> Any:
    """A copy of `data` with `value` at `path` (DELETE removes it), creating mappings on the way."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(head, int):
        items = list(data) if isinstance(data, list) else None
        if (
            items is None
            or not 0 <= head <= len(items)
            or (head == len(items) and not (rest == () and value is not DELETE))
        ):
            raise EditError(f"no item {head} in the list at this path")
        if head == len(items):
            items.append(value)
        elif rest == () and value is DELETE:
            del items[head]
        else:
            items[head] = with_value(items[head], rest, value)
        return items
    mapping = dict(data) if isinstance(data, dict) else {}
    if rest == () and value is DELETE:
        if head not in mapping:
            raise EditError(f"no key `{head}` at this path")
        del mapping[head]
    else:
        mapping[head] = with_value(mapping.get(head), rest, value)
    return mapping


def edit(text: str, path: FieldPath, value: Any, order: OrderFn, floor: int = 1) -> str:
    """`text` with the value at `path` replaced by `value` (or removed, for `DELETE`).

    `floor` is how many leading parts of `path` name the unit being edited (a record in
    its file): a removal that would empty that unit is refused rather than taken further.
    """
    doc = build(text)
    if doc.root is None or not doc.root.block:
        raise EditError(f"`{dotted(path)}`: the text to edit is not a block mapping or list")
    chain = [doc.root]
    depth = 0
    while depth < len(path) - 1:
        child = chain[-1].child(path[depth])
        if child is None or not child.block:
            break
        chain.append(child)
        depth += 1
    if depth < len(path) - 1:
        # A missing, flow-style or scalar value on the way: rewrite it whole.
        data = parse(text)
        try:
            current = get_in(data, path[: depth + 1])
        except KeyError:
            current = None
        if value is DELETE and current is None:
            raise EditError(f"nothing at `{dotted(path)}` to remove")
        new = with_value(current, path[depth + 1 :], value)
        return _put(doc, chain, path[: depth + 1], new, order)
    if value is DELETE:
        return _delete(doc, chain, path, order, floor)
    return _put(doc, chain, path, value, order)


class Emptied(EditError):
    """A removal would leave the unit being edited (a record, a key of sra.yaml) empty."""


def insert(text: str, at: int, lines: str) -> str:
    """`lines` inserted at `at` (a line start, or the end of the text)."""
    if at == len(text) and text and not text.endswith("\n"):
        lines = "\n" + lines
    return text[:at] + lines + text[at:]


def cut(text: str, start: int, end: int) -> str:
    """Remove whole lines [start, end), and one of two blank lines the cut brings together."""
    start, end = cut_range(text, start, end)
    return text[:start] + text[end:]


def cut_range(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines `cut` removes for [start, end): one blank line more where two would meet."""
    before_blank = start == 0 or text[line_start(text, start - 1) : start].strip() == ""
    after_blank = end >= len(text) or text[end : next_line(text, end)].strip() == ""
    if before_blank and after_blank:
        if end < len(text):
            end = next_line(text, end)
        elif start > 0:
            start = line_start(text, start - 1)
    return start, end


def replace(doc: DocMap, start: int, end: int, rendered: str) -> str:
    """Put `rendered` (lines indented to `start`'s column) over [start, end of end's line)."""
    text = doc.text
    stop = line_end(text, end)
    col = column(text, start)
    rendered = rendered[col:]  # the first line goes where the old value began
    found = comments(doc, start, stop)
    above: list[str] = found
    single = "\n" not in text[start:stop].rstrip("\n") and rendered.count("\n") == 1
    if single and len(found) == 1:
        at = comment_at(doc, end, stop)
        if at is not None:  # an end-of-line comment after the value stays on its line
            gap = text[end:at]
            rendered = rendered.rstrip("\n") + (gap if gap.strip() == "" else "  ") + found[0]
            rendered += "\n"
            above = []
    if not text[start:stop].endswith("\n"):
        rendered = rendered.rstrip("\n")
    head = text[:start]
    if above:
        first = line_start(text, start)
        indent = " " * (len(text[first:start]) - len(text[first:start].lstrip(" ")))
        head = text[:first] + "".join(f"{indent}{line}\n" for line in above) + text[first:start]
    return head + rendered + text[stop:]


def _put(doc: DocMap, chain: list[Node], path: FieldPath, value: Any, order: OrderFn) -> str:
    node, key, text = chain[-1], path[-1], doc.text
    if node.kind == "map":
        if not isinstance(key, str):
            raise EditError(f"`{dotted(path)}`: a mapping has keys, not list positions")
        index = node.key_index(key)
        if index is not None:
            old = node.children[index]
            flow = old.flow and flowable(value)
            rendered = render_entry(key, value, column(text, node.keys[index].start), flow=flow)
            return replace(doc, node.keys[index].start, old.end, rendered)
        return insert_key(doc, node, key, value, order(path[:-1]))
    if not isinstance(key, int):
        raise EditError(f"`{dotted(path)}`: a list has positions, not keys")
    if key < len(node.children):
        old = node.children[key]
        flow = old.flow and flowable(value)
        rendered = render_item(value, column(text, node.dashes[key]), flow=flow)
        return replace(doc, node.dashes[key], old.end, rendered)
    if key != len(node.children):
        raise EditError(f"`{dotted(path)}`: the list has only {len(node.children)} items")
    last = len(node.children) - 1
    col = column(text, node.dashes[last])
    at = trailing_comment_lines(text, line_end(text, node.children[last].end), col)
    return insert(text, at, render_item(value, col))


def insert_key(doc: DocMap, node: Node, key: str, value: Any, order: Sequence[str]) -> str:
    """A new `key: value` entry in the block mapping `node`, placed by the key `order`."""
    text = doc.text

    def rank(name: str | None) -> int:
        return order.index(name) if name in order else len(order)

    col = column(text, node.keys[0].start)
    rendered = render_entry(key, value, col)
    after = None
    for index, name in enumerate(node.keys):
        if rank(name.text) <= rank(key):
            after = index
    if after is not None:
        end = line_end(text, node.children[after].end)
        at = trailing_comment_lines(text, end, column(text, node.keys[after].start))
        return insert(text, at, rendered)
    first = node.keys[0].start
    if blank_before(text, first):
        return insert(text, line_start(text, first), rendered)
    # The first key shares its line with a `- `: the new key takes its place.
    return text[:first] + rendered[col:] + " " * col + text[first:]


def _delete(doc: DocMap, chain: list[Node], path: FieldPath, order: OrderFn, floor: int) -> str:
    node, key, text = chain[-1], path[-1], doc.text
    child = node.child(key)
    if child is None:
        raise EditError(f"nothing at `{dotted(path)}` to remove")
    if len(node.children) == 1:
        if len(path) - 1 <= floor:
            raise Emptied(
                f"removing `{dotted(path)}` would leave the record empty; remove the record instead"
            )
        return _delete(doc, chain[:-1], path[:-1], order, floor)
    if node.kind == "map":
        index = node.keys.index(next(k for k in node.keys if k.text == key))
        start = node.keys[index].start
    else:
        assert isinstance(key, int)
        start = node.dashes[key]
    if blank_before(text, start):
        end = trailing_comment_lines(text, line_end(text, child.end), column(text, start))
        return cut(text, line_start(text, start), end)
    # The entry shares its line with a `- `: rewrite the enclosing value without it.
    data = parse(text)
    parent_path = path[:-1]
    new = with_value(get_in(data, parent_path), (key,), DELETE)
    if len(chain) < 2:
        raise EditError(f"cannot remove `{dotted(path)}` from this layout; edit it by hand")
    return _put(doc, chain[:-1], parent_path, new, order)
