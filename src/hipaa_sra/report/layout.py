"""Left-to-right layered layout for the data-flow diagram: internal nodes in ranks, vendors last.

grandalf's Sugiyama layout orders each rank and spaces nodes along it (Brandes-Koepf); ranks,
cycle breaking, component placement and the vendor column are done here. Ranks are assigned
here rather than by grandalf because vendors must share one last rank, outside the organization
boundary, whatever the depth of the component that reaches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grandalf.graphs import Edge as GEdge
from grandalf.graphs import Vertex, graph_core
from grandalf.layouts import Layer, SugiyamaLayout, VertexViewer

Point = tuple[float, float]

NODE_W = 116.0
RANK_GAP = 40.0  # between columns: room for the curves and a protocol label
NODE_GAP = 14.0  # between nodes of one column
DUMMY_H = 6.0  # room a long edge takes where it passes a column
VENDOR_GAP = 48.0  # from the boundary's right side to the vendor column
PAD = 18.0  # inside the boundary box
TITLE_H = 18.0  # the boundary's caption
LOOSE_CAPTION_H = 22.0
ARC_ROOM = 34.0  # right of the vendor column, for arcs between vendors


@dataclass(frozen=True)
class Box:
    """A node's box: centre and size."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Route:
    """An edge's path from its drawn source to its drawn target.

    Segments between consecutive points leave and arrive horizontally. An arc starts and ends
    on the right side of its nodes (self-loops, vendor to vendor) and bulges out to the right.
    """

    points: tuple[Point, ...]
    arc: bool = False


@dataclass(frozen=True)
class Placement:
    """Where every node box and arrow route goes, and the size of the whole drawing."""

    boxes: tuple[Box, ...]  # by node index
    routes: tuple[Route, ...]  # by link index
    boundary: tuple[float, float, float, float]  # x0, y0, x1, y1
    vendor_x: float  # centre of the vendor column
    loose_caption_y: float | None  # where "not in any recorded flow" goes, if any node is
    ranks: int  # columns inside the boundary
    width: float
    height: float


def _ranks(n: int, arcs: set[tuple[int, int]], order: Sequence[int]) -> dict[int, int]:
    """Longest-path ranks after reversing DFS back edges; sources pulled next to successors."""
    succ: dict[int, list[int]] = {v: [] for v in order}
    for a, b in sorted(arcs):
        succ[a].append(b)
    state = dict.fromkeys(order, 0)  # 0 new, 1 on stack, 2 done
    dag: set[tuple[int, int]] = set()
    for root in order:  # iterative DFS: recursion would fail on a 10,000-node chain
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            v, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[v] = 2
                stack.pop()
            elif state[nxt] == 1:
                dag.add((nxt, v))
            else:
                dag.add((v, nxt))
                if state[nxt] == 0:
                    state[nxt] = 1
                    stack.append((nxt, iter(succ[nxt])))
    dsucc: dict[int, list[int]] = {v: [] for v in order}
    indeg = dict.fromkeys(order, 0)
    for a, b in sorted(dag):
        dsucc[a].append(b)
        indeg[b] += 1
    rank = dict.fromkeys(order, 0)
    queue = [v for v in order if indeg[v] == 0]
    for v in queue:  # Kahn's algorithm; the list grows while we walk it
        for w in dsucc[v]:
            rank[w] = max(rank[w], rank[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                queue.append(w)
    has_pred = {b for _, b in dag}
    for v in order:
        if v not in has_pred and dsucc[v]:
            rank[v] = min(rank[w] for w in dsucc[v]) - 1
    return rank


def _sugiyama(
    members: list[int],
    pairs: list[tuple[int, int]],
    rank: dict[int, int],
    heights: Sequence[float],
) -> tuple[dict[int, float], dict[tuple[int, int], list[float]]]:
    """In-rank coordinate (our y) of every member and of every long edge's bends."""
    base = min(rank[i] for i in members)
    local = {i: rank[i] - base for i in members}
    verts = {i: Vertex(i) for i in members}
    gedges = {p: GEdge(verts[p[0]], verts[p[1]]) for p in pairs}
    for i, v in verts.items():
        # grandalf lays out top-down; its x is our y, so its width is our height.
        v.view = VertexViewer(w=heights[i], h=NODE_W)
    core = graph_core(list(verts.values()), list(gedges.values()))
    sug: Any = SugiyamaLayout(core)
    sug.xspace = NODE_GAP
    sug.dw, sug.dh = DUMMY_H, NODE_W
    # Ranks are ours (see module docstring) and edges already point down the ranks, so grandalf
    # has nothing to invert. A connected component covers every rank from its first to its
    # last with nodes or bends, so no layer is empty.
    sug.alt_e = []
    sug.layers = [Layer([]) for _ in range(max(local.values()) + 1)]
    for i in sorted(members, key=lambda m: (local[m], m)):
        sug.grx[verts[i]].rank = local[i]
        sug.layers[local[i]].append(verts[i])
    for e in core.E():
        sug.setdummies(e)
    for layer in sug.layers:
        layer.setup(sug)
    sug.initdone = True
    sug.draw(N=3.5)
    ys = {i: float(v.view.xy[0]) for i, v in verts.items()}
    bends: dict[tuple[int, int], list[float]] = {}
    for p, e in gedges.items():
        ctrl = sug.ctrls.get(e)
        if ctrl:
            bends[p] = [float(ctrl[r].view.xy[0]) for r in range(local[p[0]] + 1, local[p[1]])]
    return ys, bends


def layout(
    heights: Sequence[float],
    vendor: Sequence[bool],
    links: Sequence[tuple[int, int]],
    columns: Sequence[int] | None = None,
) -> Placement:
    """Place nodes (by index) and route links (source, target index pairs).

    Internal nodes are ranked by the flows, or put in the given columns (one small number per
    node, e.g. its category group) when the caller wants a fixed, shallow arrangement.
    """
    n = len(heights)
    assets = [i for i in range(n) if not vendor[i]]
    arcs = {(a, b) for a, b in links if a != b and not vendor[a] and not vendor[b]}
    if columns is None:
        rank = _ranks(n, arcs, assets)
    else:
        used = sorted({columns[i] for i in assets})
        rank = {i: used.index(columns[i]) for i in assets}
    pairs: set[tuple[int, int]] = set()
    for a, b in links:
        if a != b and vendor[a] != vendor[b]:
            pairs.add((b, a) if vendor[a] else (a, b))
    for a, b in arcs:
        if rank[a] != rank[b]:
            pairs.add((a, b) if rank[a] < rank[b] else (b, a))

    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in sorted(pairs):
        parent[find(a)] = find(b)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(find(i), []).append(i)
    comp_pairs: dict[int, list[tuple[int, int]]] = {}
    for p in sorted(pairs):
        comp_pairs.setdefault(find(p[0]), []).append(p)
    linked = sorted((c for c in comps.values() if len(c) > 1), key=lambda c: (-len(c), c[0]))
    touched = {i for link in links for i in link}
    singles = [c[0] for c in comps.values() if len(c) == 1 and not vendor[c[0]]]
    linked_singles = [i for i in singles if i in touched]  # self-loops, flows within a column
    loose_assets = [i for i in singles if i not in touched]
    loose_vendors = [c[0] for c in comps.values() if len(c) == 1 and vendor[c[0]]]
    with_vendors = [c for c in linked if any(vendor[i] for i in c)]
    others = [c for c in linked if not any(vendor[i] for i in c)]
    if columns is not None:  # every component on the same columns, stacked
        with_vendors, others = linked, []
    last = max((rank[i] for c in with_vendors for i in c if not vendor[i]), default=-1)
    if columns is None:  # vendor-linked components end in the column next to the boundary
        for c in with_vendors:
            shift = last - max(rank[i] for i in c if not vendor[i])
            for i in c:
                if not vendor[i]:
                    rank[i] += shift
    for i in range(n):
        if vendor[i]:
            rank[i] = last + 1

    step = NODE_W + RANK_GAP
    xs = [0.0] * n
    ys = [0.0] * n
    bend_pts: dict[tuple[int, int], list[Point]] = {}

    def place(c: list[int], x0: float, y0: float) -> float:
        cy, bends = _sugiyama(c, comp_pairs[find(c[0])], rank, heights)
        lo = min(cy[i] - heights[i] / 2 for i in c)
        hi = max(cy[i] + heights[i] / 2 for i in c)
        for ps in bends.values():
            lo, hi = min(lo, *ps), max(hi, *ps)
        for i in c:
            xs[i] = x0 + rank[i] * step + NODE_W / 2
            ys[i] = y0 + cy[i] - lo
        for p, ps in bends.items():
            # Straight through the columns grandalf kept room in, curving only between them.
            xs0 = [x0 + (rank[p[0]] + k + 1) * step for k in range(len(ps))]
            bend_pts[p] = [
                pt
                for xl, yb in zip(xs0, ps, strict=True)
                for pt in ((xl, y0 + yb - lo), (xl + NODE_W, y0 + yb - lo))
            ]
        return hi - lo

    y = PAD + TITLE_H
    for c in with_vendors:
        y += place(c, PAD, y) + NODE_GAP * 2
    widths = [(max(rank[i] for i in c) + 1) * step - RANK_GAP for c in others]
    inner_w = max([(last + 1) * step - RANK_GAP, 4 * step - RANK_GAP, *widths])
    x, row_h = 0.0, 0.0
    for c, w in zip(others, widths, strict=True):  # shelf packing, row after row
        if x > 0 and x + w > inner_w:
            y, x, row_h = y + row_h + NODE_GAP * 2, 0.0, 0.0
        row_h = max(row_h, place(c, PAD + x, y))
        x += w + RANK_GAP
    y += row_h + (NODE_GAP * 2 if row_h else 0.0)
    bottom: dict[int, float] = {}  # lowest point drawn so far in each column
    points = [(xs[i], ys[i] + heights[i] / 2) for c in linked for i in c if not vendor[i]]
    points += [pt for ps in bend_pts.values() for pt in ps]
    for px, py in points:
        col = round((px - PAD - NODE_W / 2) / step)
        bottom[col] = max(bottom.get(col, 0.0), py)
    for i in linked_singles:
        top = bottom.get(rank[i], PAD + TITLE_H - NODE_GAP * 2) + NODE_GAP * 2
        xs[i], ys[i] = PAD + rank[i] * step + NODE_W / 2, top + heights[i] / 2
        bottom[rank[i]] = top + heights[i]
        y = max(y, top + heights[i] + NODE_GAP * 2)
    caption_y = None
    if loose_assets:
        caption_y = y + 10
        y += LOOSE_CAPTION_H
        per_row = max(1, int((inner_w + RANK_GAP / 2) // (NODE_W + RANK_GAP / 2)))
        row_h = 0.0
        for k, i in enumerate(loose_assets):
            if k and k % per_row == 0:
                y, row_h = y + row_h + NODE_GAP * 1.5, 0.0
            xs[i] = PAD + (k % per_row) * (NODE_W + RANK_GAP / 2) + NODE_W / 2
            ys[i] = y + heights[i] / 2
            row_h = max(row_h, heights[i])
        y += row_h + NODE_GAP * 2
    boundary = (0.0, 0.0, inner_w + 2 * PAD, max(y - NODE_GAP * 2 + PAD, PAD * 2 + TITLE_H))
    vendor_x = boundary[2] + VENDOR_GAP + NODE_W / 2
    linked_vendors = sorted((i for c in with_vendors for i in c if vendor[i]), key=lambda i: ys[i])
    floor = boundary[1] + PAD + TITLE_H
    keep_y = set(linked_vendors)
    for i in [*linked_vendors, *loose_vendors]:
        xs[i] = vendor_x
        top = max(floor, ys[i] - heights[i] / 2) if i in keep_y else floor
        ys[i] = top + heights[i] / 2
        floor = top + heights[i] + NODE_GAP
    boxes = tuple(Box(xs[i], ys[i], NODE_W, heights[i]) for i in range(n))
    routes = _routes(boxes, vendor, links, pairs, bend_pts)
    height = max(boundary[3], floor - NODE_GAP)
    width = vendor_x + NODE_W / 2 if any(vendor) else boundary[2]
    if any(vendor[a] and vendor[b] for a, b in links):
        width += ARC_ROOM
    ranks = max([rank[i] + 1 for i in assets], default=0)
    return Placement(boxes, routes, boundary, vendor_x, caption_y, ranks, width, height)


def _routes(
    boxes: tuple[Box, ...],
    vendor: Sequence[bool],
    links: Sequence[tuple[int, int]],
    pairs: set[tuple[int, int]],
    bends: dict[tuple[int, int], list[Point]],
) -> tuple[Route, ...]:
    """Routes with ports spread along each node side, ordered by where the edge heads."""
    # Per (node, side): (y the edge heads to, link index, end); side 1 is right, -1 is left.
    ends: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    middles: list[list[Point]] = []
    is_arc = [(a, b) not in pairs and (b, a) not in pairs for a, b in links]
    for k, (a, b) in enumerate(links):
        if is_arc[k]:  # self-loop, or both ends in one column
            middles.append([])
            ends.setdefault((a, 1), []).append((boxes[b].y - 0.1, k, 0))
            ends.setdefault((b, 1), []).append((boxes[a].y + 0.1, k, 1))
            continue
        fwd = (a, b) in pairs
        u, v = (a, b) if fwd else (b, a)
        mid = bends.get((u, v), [])
        mid = mid if fwd else mid[::-1]
        middles.append(mid)
        na = (mid[0] if mid else (boxes[b].x, boxes[b].y))[1]
        nb = (mid[-1] if mid else (boxes[a].x, boxes[a].y))[1]
        ends.setdefault((a, 1 if fwd else -1), []).append((na, k, 0))
        ends.setdefault((b, -1 if fwd else 1), []).append((nb, k, 1))
    port: dict[tuple[int, int], Point] = {}
    for (i, side), lst in sorted(ends.items()):
        box = boxes[i]
        lst.sort()
        gap = min(7.0, (box.h - 10) / max(1, len(lst) - 1))
        for j, (_, k, end) in enumerate(lst):
            port[(k, end)] = (box.x + side * box.w / 2, box.y + (j - (len(lst) - 1) / 2) * gap)
    return tuple(
        Route((port[(k, 0)], *middles[k], port[(k, 1)]), arc=not middles[k] and is_arc[k])
        for k in range(len(links))
    )
