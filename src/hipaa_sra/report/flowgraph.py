"""The flows to draw: assets, vendors and flows as plain data, aggregated for large workspaces.

Input is what the caller converts from the workspace. Above ``max_nodes`` nodes the graph is
folded by asset category, in one pass over the flows, so a 100,000-flow workspace still gives
a readable diagram. Both renderings (the SVG in `diagram`, the Mermaid in `mermaid`) draw a
`Diagram` built here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

EphiMark = Literal["present", "possible", "absent", "unknown"]


@dataclass(frozen=True)
class Node:
    """An asset or vendor on the diagram."""

    id: str
    label: str
    kind: Literal["asset", "vendor"]
    category: str  # asset leaf category (e.g. "database") or "vendor"
    group: str  # data-at-rest, compute, transit, identity-observability, endpoint, ...
    ephi: EphiMark
    members: int = 1  # assets or vendors the node stands for on an aggregated diagram


@dataclass(frozen=True)
class Edge:
    """A data flow between two nodes, or on an aggregated diagram all flows between two nodes.

    The counts are read only when ``count > 1``; a single flow is described by its flags.
    """

    source: str
    target: str
    ephi: bool
    encrypted: bool | None  # None = not recorded
    label: str | None = None  # protocol, e.g. "https"
    count: int = 1
    ephi_count: int = 0
    unencrypted_count: int = 0  # ePHI flows recorded as not encrypted in transit
    unrecorded_count: int = 0  # ePHI flows with no encryption recorded


@dataclass(frozen=True)
class Diagram:
    """What to draw: the nodes and arrows, and whether they stand for categories."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    aggregated: bool  # True when nodes stand for categories, not single assets
    note: str | None
    boundary_label: str = "Organization boundary"


Tally = tuple[int, int, int, int]  # flows, ePHI, unencrypted ePHI, ePHI not recorded


def tally(e: Edge) -> Tally:
    """How many flows, ePHI flows, unencrypted and unrecorded ePHI flows an arrow stands for."""
    if e.count > 1:
        return e.count, e.ephi_count, e.unencrypted_count, e.unrecorded_count
    return 1, int(e.ephi), int(e.ephi and e.encrypted is False), int(e.ephi and e.encrypted is None)


_STRENGTH: dict[str, int] = {"absent": 0, "unknown": 1, "possible": 2, "present": 3}
_MAX_VENDOR_NODES = 25
_TIMES = "\u00d7"  # multiplication sign, as in "database \u00d7412"


def build_diagram(
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    *,
    max_nodes: int = 80,
    max_edges: int = 400,
    boundary_label: str = "Organization boundary",
) -> Diagram:
    """The diagram to draw: the graph itself, or aggregated by category above max_nodes nodes.

    Edges naming an unknown node are dropped (they are reported elsewhere). Above max_edges
    edges, parallel flows between the same two nodes are drawn as one arrow with counts.
    """
    by_id: dict[str, Node] = {}
    for nd in nodes:
        by_id.setdefault(nd.id, nd)
    kept = [e for e in edges if e.source in by_id and e.target in by_id]
    assets = sum(nd.kind == "asset" for nd in by_id.values())
    vendors = len(by_id) - assets
    if len(by_id) <= max_nodes:
        ordered = sorted(by_id.values(), key=lambda nd: (nd.kind == "vendor", nd.id))
        if len(kept) <= max_edges:
            kept.sort(key=lambda e: (e.source, e.target, e.label or "", e.ephi, str(e.encrypted)))
            return Diagram(tuple(ordered), tuple(kept), False, None, boundary_label)
        note = f"{len(kept):,} flows are drawn as one arrow per pair of assets, with counts."
        return Diagram(tuple(ordered), _merge(kept, {}), False, note, boundary_label)
    merged_into: dict[str, str] = {}
    groups: dict[str, list[Node]] = {}
    for nd in by_id.values():
        if nd.kind == "vendor":
            key = nd.id if vendors <= _MAX_VENDOR_NODES else "vendors:all"
        else:
            key = f"category:{nd.category}"
        merged_into[nd.id] = key
        groups.setdefault(key, []).append(nd)
    agg: list[Node] = []
    for key, members in groups.items():
        first = members[0]
        mark = max((m.ephi for m in members), key=_STRENGTH.__getitem__)
        size = sum(m.members for m in members)
        if key == "vendors:all":
            agg.append(
                Node(key, f"Vendors {_TIMES}{size:,}", "vendor", "vendor", "vendor", mark, size)
            )
        elif first.kind == "vendor":
            agg.append(first)
        else:
            label = f"{first.category} {_TIMES}{size:,}"
            agg.append(Node(key, label, "asset", first.category, first.group, mark, size))
    agg.sort(key=lambda nd: (nd.kind == "vendor", nd.id))
    collapsed = " and the vendors as one box" if vendors > _MAX_VENDOR_NODES else ""
    note = (
        f"{assets:,} assets, {vendors:,} vendors and {len(kept):,} data flows are drawn by asset "
        f"category{collapsed}: each box stands for all assets of one category and each arrow "
        "for all flows between two boxes, with counts."
    )
    return Diagram(tuple(agg), _merge(kept, merged_into), True, note, boundary_label)


def _merge(edges: Iterable[Edge], merged_into: dict[str, str]) -> tuple[Edge, ...]:
    """One edge per (source, target) pair, counts summed; a single pass over the flows."""
    acc: dict[tuple[str, str], list[int]] = {}
    enc: dict[tuple[str, str], bool | None] = {}
    for e in edges:
        key = (merged_into.get(e.source, e.source), merged_into.get(e.target, e.target))
        t = tally(e)
        s = acc.get(key)
        if s is None:
            acc[key] = list(t)
            enc[key] = e.encrypted
        else:
            for j in range(4):
                s[j] += t[j]
            if e.encrypted is not True and enc[key] is not False:
                enc[key] = e.encrypted
    out = []
    for (src, dst), (count, ephi, unenc, unrec) in sorted(acc.items()):
        out.append(Edge(src, dst, ephi > 0, enc[(src, dst)], None, count, ephi, unenc, unrec))
    return tuple(out)


def edge_style(e: Edge) -> str:
    """The arrow's look: `unencrypted` (red), `unrecorded` (amber), `ephi` or `plain`."""
    _, ephi, unenc, unrec = tally(e)
    return "unencrypted" if unenc else "unrecorded" if unrec else "ephi" if ephi else "plain"
