"""The reconciliation as JSON (the contract CI tools read) and as text for people."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..discover.model import FACTS, Store
from ..discover.reconcile import Reconciliation
from .terminal import inert

SCHEMA_VERSION = 1
"""Version of the JSON output; a change that breaks readers raises it."""


def _store(store: Store) -> dict[str, Any]:
    return {
        "source_key": store.source_key,
        "address": store.address,
        "type": store.type,
        "category": store.category,
        "ephi": store.ephi,
        "ephi_reason": store.ephi_reason,
        "name": store.name,
        "input": store.input,
        "attributes": {fact: store.attributes[fact] for fact in FACTS},
        "asset": store.asset,
    }


def _sections(result: Reconciliation) -> Iterator[tuple[str, Any]]:
    """The top-level keys of the JSON document and their values; lists lazily."""
    discovery = result.discovery
    yield "schema_version", SCHEMA_VERSION
    yield (
        "inputs",
        [
            {
                "path": item.path,
                "kind": item.kind.value,
                "format_version": item.format_version,
                "resources": item.resources,
            }
            for item in discovery.inputs
        ],
    )
    yield "data_stores", (_store(store) for store in discovery.stores)
    yield "other_resources", discovery.other_resources
    yield "unknown_types", dict(sorted(discovery.unknown_types.items()))
    yield "undeclared", (store.source_key for store in result.undeclared)
    yield "missing_sources", result.missing_assets
    yield (
        "missing",
        [{"asset": item.asset, "source_key": item.source_key} for item in result.missing],
    )
    yield (
        "contradictions",
        [
            {
                "asset": c.asset,
                "source_key": c.source_key,
                "attribute": c.attribute,
                "inventory": c.inventory,
                "infrastructure": c.infrastructure,
            }
            for c in result.contradictions
        ],
    )
    yield (
        "flows",
        [
            {"from": flow.source, "to": flow.target, "via": flow.via, "confidence": flow.confidence}
            for flow in discovery.flows
        ],
    )


def as_data(result: Reconciliation) -> dict[str, Any]:
    """The JSON document of `sra discover --format json` (schema_version 1), as data."""
    return {
        key: value if isinstance(value, (list, dict, int)) else list(value)
        for key, value in _sections(result)
    }


def json_lines(result: Reconciliation) -> Iterator[str]:
    """The JSON document line by line: one top-level key per line, one list item per line.

    Items are compact JSON from the C encoder (`indent=` would switch the whole document to
    the pure-Python encoder), and lines are produced as written, so a plan with a hundred
    thousand stores never holds its whole output in memory.
    """
    yield "{"
    sections = list(_sections(result))
    for n, (key, value) in enumerate(sections):
        comma = "," if n < len(sections) - 1 else ""
        name = json.dumps(key)
        if isinstance(value, (dict, int)):
            yield f"  {name}: {json.dumps(value, ensure_ascii=False)}{comma}"
            continue
        pending: str | None = None
        for item in value:
            if pending is None:
                yield f"  {name}: ["
            else:
                yield f"    {pending},"
            pending = json.dumps(item, ensure_ascii=False)
        if pending is None:
            yield f"  {name}: []{comma}"
        else:
            yield f"    {pending}"
            yield f"  ]{comma}"
    yield "}"


def as_json(result: Reconciliation) -> str:
    """The whole JSON document as one string (see `json_lines`)."""
    return "\n".join(json_lines(result))


def _known(store: Store) -> str:
    shown = [
        f"{fact}={_value(value)}"
        for fact, value in store.attributes.items()
        if value not in ("unknown", None)
    ]
    return ", ".join(shown) if shown else "no facts stated"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def as_text(result: Reconciliation, written: tuple[str, ...] = ()) -> str:
    """A summary for a terminal: what was read, then each kind of disagreement."""
    discovery = result.discovery
    lines = []
    for item in discovery.inputs:
        version = f" format {item.format_version}" if item.format_version else ""
        lines.append(
            f"read {inert(item.path)}: {item.kind.value}{version}, {item.resources} resources"
        )
    unknown = sum(discovery.unknown_types.values())
    lines.append(
        f"{len(discovery.stores)} data stores, {discovery.other_resources} other "
        f"resources ({unknown} of types the mapping table does not know)"
    )
    lines.append("")
    if result.undeclared:
        lines.append(f"Data stores no asset links ({len(result.undeclared)}):")
        for store in result.undeclared:
            reason = f" ({inert(store.ephi_reason)})" if store.ephi_reason else ""
            lines.append(
                f"  {inert(store.source_key)}  {store.category}, ePHI {store.ephi}"
                f"{reason}; {inert(_known(store))}"
            )
    else:
        lines.append("Every data store is linked to an asset.")
    if result.missing:
        lines.append("")
        lines.append(f"Assets whose linked source no longer exists ({len(result.missing)}):")
        lines += [f"  {inert(item.asset)}: {inert(item.source_key)}" for item in result.missing]
    if result.contradictions:
        lines.append("")
        lines.append(f"Attributes the infrastructure contradicts ({len(result.contradictions)}):")
        lines += [
            f"  {inert(c.asset)}: attributes.{c.attribute} is {_value(c.inventory)} in the "
            f"inventory, {_value(c.infrastructure)} in {inert(c.source_key)}"
            for c in result.contradictions
        ]
    if discovery.flows:
        lines.append("")
        lines.append(f"Proposed flows (lower confidence; never written) ({len(discovery.flows)}):")
        lines += [
            f"  {inert(f.source)} -> {inert(f.target)}  via {inert(f.via)}" for f in discovery.flows
        ]
    if written:
        lines.append("")
        lines.append(
            f"Proposed {len(written)} assets in inventory/discovered.yaml "
            "(ephi: possible; review each and set present or absent)."
        )
    return "\n".join(lines)
