"""The data-flow diagram (the ePHI surface map) drawn as inline SVG for the HTML and PDF.

Draws a `flowgraph.Diagram` with the positions `layout` gives: assets inside the
organization boundary, vendors outside it on the right, ePHI flows thick, unencrypted ones
red. The same input always gives the same bytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from .flowgraph import Diagram, Edge, Node, edge_style, tally
from .layout import NODE_W, Box, Placement, Route, layout

# group: (legend name, fill, stroke). Kept clear of red and amber, which mark flows.
_GROUPS: dict[str, tuple[str, str, str]] = {
    "endpoint": ("Endpoint", "#eceff1", "#455a64"),
    "transit": ("Transit", "#e0f2f5", "#0e6e80"),
    "compute": ("Compute", "#e6f2e7", "#2e7d32"),
    "data-at-rest": ("Data at rest", "#e3ecf8", "#2b5c9e"),
    "identity-observability": ("Identity & logging", "#eee7f6", "#6a3d9a"),
    "third-party": ("Hosted by a vendor", "#f3ede4", "#7a5a2b"),
    "vendor": ("Vendor", "#f4f4f5", "#3f3f46"),
}
_OTHER_GROUP = ("Other", "#f4f4f5", "#52525b")
# style: (stroke, width, dash, legend text), drawn in this order so red ends on top.
_EDGE_STYLES: dict[str, tuple[str, float, str | None, str]] = {
    "plain": ("#9aa3ad", 1.0, None, "Data flow, no ePHI"),
    "ephi": ("#1f2937", 2.2, None, "ePHI flow, encrypted"),
    "unrecorded": ("#d98e04", 2.2, "5 3", "ePHI flow, encryption not recorded"),
    "unencrypted": ("#c62828", 2.8, None, "ePHI flow, not encrypted"),
}
RED = _EDGE_STYLES["unencrypted"][0]
_FONT = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
_CHAR_W = 0.56  # average glyph width in em; errs wide so labels fit whichever font is used
_LABEL_PX, _SMALL_PX = 10.0, 7.5
_LINE_CHARS = int((NODE_W - 12) / (_LABEL_PX * _CHAR_W))
_MAX_LINES = 3  # the page is short of width, not height
_ARROW = 7.0
_MARGIN = 8.0


def _f(v: float) -> str:
    return f"{v:.1f}"


def _text_w(s: str, px: float) -> float:
    return len(s) * px * _CHAR_W


def _wrap(label: str) -> list[str]:
    """At most three lines that fit a node; the rest cut with an ellipsis."""
    # Long words (host names, snake_case) are broken rather than cut: more of the name shows.
    words = [w[k : k + _LINE_CHARS] for w in label.split() for k in range(0, len(w), _LINE_CHARS)]
    lines: list[str] = []
    for w in words:
        if lines and len(lines[-1]) + 1 + len(w) <= _LINE_CHARS:
            lines[-1] += " " + w
        else:
            lines.append(w)
    if not lines:
        return [""]
    out = lines[:_MAX_LINES]
    if len(lines) > _MAX_LINES:
        out[-1] = out[-1][: _LINE_CHARS - 1].rstrip(" …") + "…"
    return out


def _node_svg(nd: Node, b: Box, lines: list[str]) -> str:
    name, fill, stroke = _GROUPS.get(nd.group, _OTHER_GROUP)
    x0, y0, x1, y1 = b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2
    width, dash = {
        "present": (1.8, ""),
        "possible": (1.3, ' stroke-dasharray="4 2.5"'),
        "unknown": (1.1, ' stroke-dasharray="1.5 2"'),
    }.get(nd.ephi, (0.8, ""))
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"{dash}'
    if nd.group == "data-at-rest":  # a cylinder: the usual sign for a data store
        r = 5.0
        shape = (
            f'<path d="M{_f(x0)},{_f(y0 + r)} A{_f(b.w / 2)},{_f(r)} 0 0 1 {_f(x1)},{_f(y0 + r)} '
            f'V{_f(y1 - r)} A{_f(b.w / 2)},{_f(r)} 0 0 1 {_f(x0)},{_f(y1 - r)} Z" {paint}/>'
            f'<path d="M{_f(x0)},{_f(y0 + r)} A{_f(b.w / 2)},{_f(r)} 0 0 0 {_f(x1)},{_f(y0 + r)}" '
            f'fill="none" stroke="{stroke}" stroke-width="{width}"{dash}/>'
        )
        y0 += 2 * r - 2
    elif nd.group == "transit":  # pointed ends: traffic passes through
        pts = [(x0 + 7, y0), (x1 - 7, y0), (x1, b.y), (x1 - 7, y1), (x0 + 7, y1), (x0, b.y)]
        shape = f'<polygon points="{" ".join(f"{_f(x)},{_f(y)}" for x, y in pts)}" {paint}/>'
    else:
        rx = {"compute": 6.0, "endpoint": 12.0, "vendor": 2.0}.get(nd.group, 3.0)
        shape = (
            f'<rect x="{_f(x0)}" y="{_f(y0)}" width="{_f(b.w)}" height="{_f(b.h)}" '
            f'rx="{_f(rx)}" {paint}/>'
        )
    ink = "#6b7280" if nd.ephi == "absent" else "#111827"
    top = (y0 + y1) / 2 - (len(lines) * 11.5 + 9) / 2 + 9
    texts = [
        f'<text x="{_f(b.x)}" y="{_f(top + k * 11.5)}" font-size="{_LABEL_PX}" fill="{ink}" '
        f'text-anchor="middle">{escape(t)}</text>'
        for k, t in enumerate(lines)
    ]
    caption = nd.category if nd.kind == "asset" else "vendor"
    texts.append(
        f'<text x="{_f(b.x)}" y="{_f(top + len(lines) * 11.5 - 1)}" font-size="{_SMALL_PX}" '
        f'fill="#6b7280" text-anchor="middle">{escape(caption[: _LINE_CHARS + 6])}</text>'
    )
    badge = ""
    if nd.ephi in ("present", "possible"):
        text = "ePHI" if nd.ephi == "present" else "ePHI?"
        bw = _text_w(text, 7.0) + 8
        bx, by = x1 - bw - 6, b.y - b.h / 2 - 5.5
        solid = nd.ephi == "present"
        badge = (
            f'<rect x="{_f(bx)}" y="{_f(by)}" width="{_f(bw)}" height="11" rx="5.5" '
            f'fill="{"#1f2937" if solid else "#ffffff"}" stroke="#1f2937" stroke-width="0.8"/>'
            f'<text x="{_f(bx + bw / 2)}" y="{_f(by + 8.2)}" font-size="7" font-weight="bold" '
            f'fill="{"#ffffff" if solid else "#1f2937"}" text-anchor="middle">{text}</text>'
        )
    status = {
        "present": "holds ePHI",
        "possible": "may hold ePHI",
        "absent": "no ePHI",
        "unknown": "ePHI not recorded",
    }[nd.ephi]
    title = f"{nd.label} ({nd.id}) — {name.lower()}, {nd.category}, {status}"
    head = f'<g class="node {nd.kind}" data-id={quoteattr(nd.id)}><title>{escape(title)}</title>'
    return f"{head}{shape}{''.join(texts)}{badge}</g>"


def _edge_svg(e: Edge, r: Route, names: dict[str, str]) -> tuple[str, list[tuple[float, float]]]:
    """The edge's markup and the spots its label may go, best first."""
    stroke, width, dash, _ = _EDGE_STYLES[edge_style(e)]
    pts = list(r.points)
    (ex, ey) = pts[-1]
    spots: list[tuple[float, float]] = []
    if r.arc:
        direction = -1.0
        (sx, sy) = pts[0]
        bulge = 16.0 + min(22.0, abs(ey - sy) * 0.2)
        end = ex + _ARROW
        d = (
            f"M{_f(sx)},{_f(sy)} C{_f(sx + bulge)},{_f(sy)} {_f(end + bulge)},{_f(ey)} "
            f"{_f(end)},{_f(ey)}"
        )
        spots.append((max(sx, end) + bulge * 0.75, (sy + ey) / 2))
    else:
        direction = 1.0 if ex >= pts[-2][0] else -1.0
        pts[-1] = (ex - direction * _ARROW, ey)
        d = f"M{_f(pts[0][0])},{_f(pts[0][1])}"
        segs = list(itertools.pairwise(pts))
        for (px, py), (qx, qy) in segs:
            h = (qx - px) / 2
            d += f" C{_f(px + h)},{_f(py)} {_f(qx - h)},{_f(qy)} {_f(qx)},{_f(qy)}"
        # Points on the curves: x and y of a cubic with horizontal tangents at parameter t.
        mid = (len(segs) - 1) // 2
        for k in sorted(range(len(segs)), key=lambda k: abs(k - mid)):
            (px, py), (qx, qy) = segs[k]
            for t in (0.5, 0.35, 0.65, 0.2, 0.8):
                fx, fy = 1.5 * t * (1 - t) + t**3, 3 * t * t - 2 * t**3
                spots.append((px + (qx - px) * fx, py + (qy - py) * fy))
    tip_back = ex - direction * _ARROW
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    count, ephi, unenc, unrec = tally(e)
    facts = [f"{count:,} flows" if count > 1 else (e.label or "flow")]
    facts += [
        f"{n:,} {w}"
        for n, w in (
            (ephi, "ePHI"),
            (unenc, "ePHI not encrypted"),
            (unrec, "ePHI encryption not recorded"),
        )
        if n
    ]
    title = f"{names[e.source]} → {names[e.target]}: {', '.join(facts)}"
    return (
        f'<g class="flow {edge_style(e)}" data-source={quoteattr(e.source)} '
        f"data-target={quoteattr(e.target)}><title>{escape(title)}</title>"
        f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{width}"{dash_attr}/>'
        f'<polygon points="{_f(ex)},{_f(ey)} {_f(tip_back)},{_f(ey - 3.6)} '
        f'{_f(tip_back)},{_f(ey + 3.6)}" fill="{stroke}"/></g>'
    ), spots


def _edge_label(e: Edge, aggregated: bool) -> str:
    count, ephi, unenc, _ = tally(e)
    if count > 1 or aggregated:
        return " · ".join(
            [f"{count:,}"] + [f"{n:,} {w}" for n, w in ((ephi, "ePHI"), (unenc, "unenc.")) if n]
        )
    return e.label or ""


Rect = tuple[float, float, float, float]


def _labels(items: list[tuple[str, bool, list[tuple[float, float]]]], boxes: Sequence[Box]) -> str:
    """Edge labels where they hit no node and no other label; a label with no free spot is left
    out of the drawing (it stays in the edge's tooltip and in the report's flow table)."""
    taken: list[Rect] = [
        (b.x - b.w / 2, b.y - b.h / 2 - 6, b.x + b.w / 2, b.y + b.h / 2) for b in boxes
    ]
    out = []
    for text, red, spots in items:
        if not text:
            continue
        lw = _text_w(text, 7.0) + 4
        for x, y in spots:
            rect = (x - lw / 2, y - 5.5, x + lw / 2, y + 3.5)
            if all(
                rect[2] < o[0] or rect[0] > o[2] or rect[3] < o[1] or rect[1] > o[3] for o in taken
            ):
                taken.append(rect)
                out.append(
                    f'<rect x="{_f(rect[0])}" y="{_f(rect[1])}" width="{_f(lw)}" height="9" '
                    f'rx="2" fill="#ffffff" fill-opacity="0.85"/>'
                    f'<text x="{_f(x)}" y="{_f(y + 1.5)}" font-size="7" '
                    f'fill="{RED if red else "#374151"}" text-anchor="middle">{escape(text)}</text>'
                )
                break
    return "".join(out)


def _legend(groups: list[str], width: float, y: float) -> tuple[str, float]:
    """Legend rows under the drawing; returns the markup and the height used."""
    items: list[tuple[float, str]] = []
    for stroke, sw, dash, text in _EDGE_STYLES.values():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        sym = (
            f'<path d="M0,0 H20" stroke="{stroke}" stroke-width="{sw}"{dash_attr}/>'
            f'<polygon points="27,0 20,-3.6 20,3.6" fill="{stroke}"/>'
        )
        items.append((_text_w(text, 8) + 44, f"{sym}{_legend_text(text)}"))
    marks = (
        ("Holds ePHI", 1.8, "", "ePHI"),
        ("May hold ePHI", 1.3, ' stroke-dasharray="4 2.5"', "ePHI?"),
        ("No ePHI recorded", 0.8, "", ""),
    )
    for text, sw, dash, badge in marks:
        sym = (
            f'<rect x="0" y="-6" width="27" height="12" rx="2" fill="#ffffff" stroke="#374151" '
            f'stroke-width="{sw}"{dash}/>'
        )
        if badge:
            solid = badge == "ePHI"
            sym += (
                f'<text x="13.5" y="2.5" font-size="6.5" font-weight="bold" text-anchor="middle" '
                f'fill="{"#1f2937" if solid else "#6b7280"}">{badge}</text>'
            )
        items.append((_text_w(text, 8) + 44, f"{sym}{_legend_text(text)}"))
    for g in groups:
        name, fill, stroke = _GROUPS.get(g, _OTHER_GROUP)
        sym = f'<rect x="0" y="-6" width="27" height="12" rx="2" fill="{fill}" stroke="{stroke}"/>'
        items.append((_text_w(name, 8) + 44, f"{sym}{_legend_text(name)}"))
    out, x, row = [], 0.0, 0
    for w, markup in items:
        if x and x + w > width:
            x, row = 0.0, row + 1
        out.append(f'<g transform="translate({_f(x)},{_f(y + 7 + row * 17)})">{markup}</g>')
        x += w
    return "".join(out), (row + 1) * 17.0


def _legend_text(text: str) -> str:
    return f'<text x="32" y="3" font-size="8" fill="#374151">{escape(text)}</text>'


def diagram_svg(diagram: Diagram, *, max_columns: int = 7, max_arrows: int = 120) -> str:
    """The diagram laid out left to right, as an inline SVG string (no XML declaration).

    Columns follow the flows; a graph deeper than max_columns, or an aggregated one, is drawn
    with one column per category group instead. Sized by its viewBox with ``width="100%"``; the
    natural width is in ``data-width`` (CSS px). Past max_arrows arrows the drawing keeps the
    most telling ones (unencrypted ePHI first, then by flow count) and says how many it left out.
    """
    nodes = diagram.nodes
    index = {nd.id: k for k, nd in enumerate(nodes)}
    edges = [e for e in diagram.edges if e.source in index and e.target in index]
    hidden = len(edges) - max_arrows
    if hidden > 0:  # a hairball tells an auditor nothing; the Mermaid block has every arrow
        rank = ("unencrypted", "unrecorded", "ephi", "plain")
        keep = sorted(
            range(len(edges)),
            key=lambda k: (rank.index(edge_style(edges[k])), -tally(edges[k])[0], k),
        )
        edges = [edges[k] for k in sorted(keep[:max_arrows])]
    lines = [_wrap(nd.label) for nd in nodes]
    heights = [
        20.0 + 11.5 * len(ls) + 6.0 * (nd.group == "data-at-rest")
        for nd, ls in zip(nodes, lines, strict=True)
    ]
    vendor = [nd.kind == "vendor" for nd in nodes]
    links = [(index[e.source], index[e.target]) for e in edges]
    order = list(_GROUPS)
    columns = [order.index(nd.group) if nd.group in _GROUPS else len(order) for nd in nodes]
    place: Placement = layout(heights, vendor, links, columns if diagram.aggregated else None)
    if place.ranks > max_columns:  # too deep to read on a page: one column per category group
        place = layout(heights, vendor, links, columns)
    m = _MARGIN
    groups = sorted(
        {nd.group for nd in nodes},
        key=lambda g: (order.index(g) if g in _GROUPS else len(order), g),
    )
    base = place.height + 14
    if hidden > 0:
        note = (
            f"{hidden:,} of {hidden + len(edges):,} arrows are not drawn: shown are every "
            "unencrypted ePHI arrow first, then the arrows carrying the most flows."
        )
        parts_note = (
            f'<text x="0" y="{_f(base + 6)}" font-size="8" font-style="italic" '
            f'fill="#475569">{escape(note)}</text>'
        )
        base += 16
    legend, legend_h = _legend(groups, max(place.width, 560.0), base)
    width = max(place.width, 560.0) + 2 * m
    height = base + legend_h + 2 * m
    names = {nd.id: nd.label for nd in nodes}
    bx0, by0, bx1, by1 = place.boundary
    parts = [
        f'<rect x="{_f(bx0)}" y="{_f(by0)}" width="{_f(bx1 - bx0)}" height="{_f(by1 - by0)}" '
        'rx="10" fill="#f8fafc" stroke="#94a3b8" stroke-width="1" class="boundary"/>',
        f'<text x="{_f(bx0 + 12)}" y="{_f(by0 + 16)}" font-size="9" font-weight="bold" '
        f'fill="#475569">{escape(diagram.boundary_label)}</text>',
    ]
    if any(vendor):
        parts.append(
            f'<text x="{_f(place.vendor_x)}" y="{_f(by0 + 16)}" font-size="9" '
            'font-weight="bold" fill="#475569" text-anchor="middle">Third parties</text>'
        )
    if place.loose_caption_y is not None:
        parts.append(
            f'<text x="{_f(bx0 + 18)}" y="{_f(place.loose_caption_y)}" font-size="8" '
            'font-style="italic" fill="#64748b">Not in any recorded data flow</text>'
        )
    drawn = sorted(range(len(edges)), key=lambda k: list(_EDGE_STYLES).index(edge_style(edges[k])))
    labels = []
    for k in drawn:
        markup, spots = _edge_svg(edges[k], place.routes[k], names)
        parts.append(markup)
        labels.append((_edge_label(edges[k], diagram.aggregated), tally(edges[k])[2] > 0, spots))
    parts += [_node_svg(nd, place.boxes[k], lines[k]) for k, nd in enumerate(nodes)]
    # Red first: when spots run out, the labels of unencrypted ePHI flows are the ones kept.
    parts.append(_labels(labels[::-1], place.boxes))
    parts.append(legend)
    if hidden > 0:
        parts.append(parts_note)
    total = sum(tally(e)[0] for e in edges)
    ephi = sum(tally(e)[1] for e in edges)
    red = sum(tally(e)[2] for e in edges)
    assets = sum(nd.members for nd in nodes if nd.kind == "asset")
    aria = (
        f"Data-flow diagram: {assets:,} assets, {sum(nd.members for nd in nodes) - assets:,} "
        f"vendors, {total:,} data flows, {ephi:,} carrying ePHI, {red:,} of them not encrypted"
    )
    desc = f"<desc>{escape(diagram.note)}</desc>" if diagram.note else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="100%" data-width="{_f(width)}" preserveAspectRatio="xMidYMin meet" '
        f'role="img" aria-label={quoteattr(aria)} class="sra-dataflow" font-family="{_FONT}">'
        f"<title>{escape(aria)}</title>{desc}"
        f'<g transform="translate({_f(m)},{_f(m)})">{"".join(parts)}</g></svg>'
    )
