"""The new text of each planned file: changed records and keys spliced into the old text.

A file is edited unit by unit: a record of a kind file, a top-level key of sra.yaml. A
changed unit is cut out, edited on its own (each edit re-reads only the unit's text), and
put back; units are handled from the end of the file backwards, so that no edit moves
another, and the file is put together once. New records go after the last one (after the
comments indented under it), in the file's own spacing. Nothing outside the changed units
is rewritten.
"""

from __future__ import annotations

from ..model import Manifest
from ..writing.scaffold import schema_header
from .changes import EditError, FieldPath
from .docmap import (
    Items,
    build,
    column,
    items_of,
    line_end,
    line_start,
    root_items,
    trailing_comment_lines,
)
from .fields import key_order, model_at
from .plan import FilePlan, Unit
from .render import render_entry, render_item
from .splice import Emptied, cut, cut_range, edit, insert, insert_key, replace


def rewrite(plan: FilePlan) -> str:
    """The new text of the file `plan` is about (with `\\n` line breaks)."""
    if plan.source.kind is None:
        return _manifest(plan)
    return _records(plan)


def _records(plan: FilePlan) -> str:
    source = plan.source
    text = source.text
    if source.digest is None:
        comment = "".join(f"# {line}\n" for line in (plan.comment or "").splitlines())
        text = schema_header(source.rel) + comment
    data = source.data if isinstance(source.data, list) else []
    # A big register is not mapped whole: a line scan finds its records (checked against
    # the parser's count), and only the records edited are mapped.
    items = root_items(text, len(data)) if data else None
    if items is None:
        doc = build(text)
        root = doc.root
        if root is None:
            return insert(text, len(text), "".join(render_item(v, 0) for v in plan.added))
        if root.kind != "seq":
            raise EditError(f"{source.shown}: does not hold a list of records; fix it first")
        if root.flow:  # `[]`, or records in flow style: rewrite the list in block style
            final = plan.final()
            rendered = "".join(render_item(v, 0) for v in final) if final else "[]\n"
            col = column(text, root.start)
            return replace(doc, root.start, root.end, " " * col + ("\n" if col else "") + rendered)
        items = items_of(doc)
        if items is None:
            raise EditError(
                f"{source.shown}: a record does not start its own line; edit it by hand"
            )
    return _splice(plan, text, items)


def _splice(plan: FilePlan, text: str, items: Items) -> str:
    kind = plan.source.kind
    assert kind is not None
    col = items.indent
    # (start, end, new text) over the original text, from the end backwards; the file
    # is put together once, so a thousand edits do not copy a big file a thousand times.
    pieces: list[tuple[int, int, str]] = []
    if plan.added:
        last = len(items.starts) - 1
        at = trailing_comment_lines(text, line_end(text, items.end(last)), col)
        between = text[line_end(text, items.end(last - 1)) : items.starts[last]] if last else ""
        gap = "\n" if any(line.strip() == "" for line in between.split("\n")[:-1]) else ""
        lead = "\n" if at == len(text) and text and not text.endswith("\n") else ""
        pieces.append((at, at, lead + "".join(gap + render_item(v, col) for v in plan.added)))

    def order(path: FieldPath) -> tuple[str, ...]:
        return key_order(model_at(kind.model, path[1:]))

    for index in sorted((k for k in plan.units if isinstance(k, int)), reverse=True):
        unit = plan.units[index]
        start, end = items.starts[index], line_end(text, items.end(index))
        if unit.removed:
            start, end = cut_range(text, start, trailing_comment_lines(text, end, col))
            pieces.append((start, end, ""))
            continue
        snippet = text[start:end]
        for rest, value in unit.edits:
            snippet = edit(snippet, (0, *rest), value, order)
        pieces.append((start, end, snippet))
    out: list[str] = []
    cursor = len(text)
    for start, end, new in pieces:  # descending, so each ends where the next one starts
        end = min(end, cursor)
        out += [text[end:cursor], new]
        cursor = min(start, end)
    out.append(text[:cursor])
    return "".join(reversed(out))


def _manifest(plan: FilePlan) -> str:
    source = plan.source
    text = source.text
    doc = build(text)
    root = doc.root
    order = key_order(Manifest)
    new = sorted(
        (unit for unit in plan.units.values() if unit.new and not unit.removed),
        key=lambda unit: order.index(str(unit.key)) if unit.key in order else len(order),
    )
    if root is None:
        return insert(text, len(text), "".join(render_entry(str(u.key), u.value, 0) for u in new))
    if root.kind != "map":
        raise EditError(f"{source.shown}: does not hold a mapping; fix it first")
    if root.flow:
        rendered = "".join(render_entry(k, v, 0) for k, v in plan.final().items())
        return replace(doc, root.start, root.end, rendered)

    def position(unit: Unit) -> int:
        index = root.key_index(str(unit.key))
        return root.keys[index].start if index is not None else -1

    existing = [unit for unit in plan.units.values() if not unit.new]
    for unit in sorted(existing, key=position, reverse=True):
        index = root.key_index(str(unit.key))
        assert index is not None
        key_start = root.keys[index].start
        start, end = line_start(text, key_start), line_end(text, root.children[index].end)
        if unit.removed:
            text = cut(text, start, trailing_comment_lines(text, end, column(text, key_start)))
            continue
        snippet = text[start:end]
        for rest, value in unit.edits:
            try:
                snippet = edit(
                    snippet,
                    (unit.key, *rest),
                    value,
                    lambda path: key_order(model_at(Manifest, path)),
                )
            except Emptied:
                snippet = ""
                break
        text = text[:start] + snippet + text[end:]
    for unit in new:
        doc = build(text)
        if doc.root is None or doc.root.kind != "map" or doc.root.flow:
            text = insert(text, len(text), render_entry(str(unit.key), unit.value, 0))
        else:
            text = insert_key(doc, doc.root, str(unit.key), unit.value, order)
    return text
