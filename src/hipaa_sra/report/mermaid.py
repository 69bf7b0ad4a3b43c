"""The data-flow diagram as Mermaid, for the Markdown report (GitHub and GitLab render it)."""

from __future__ import annotations

import re

from .diagram import RED
from .flowgraph import Diagram, edge_style, tally

_MERMAID_MAX_EDGES = 500  # GitHub's renderer refuses larger flowcharts
_UNSAFE = re.compile(r'[#"<>&`\[\]{}|\\]')


def _mermaid_text(s: str) -> str:
    """Text for inside a quoted Mermaid label: entity codes for anything the parser reads."""
    s = " ".join(s.split())
    return _UNSAFE.sub(lambda m: "#quot;" if m[0] == '"' else f"#{ord(m[0])};", s)


def diagram_mermaid(diagram: Diagram) -> str:
    """The diagram as a Mermaid ``flowchart LR`` body (without the code fences)."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for nd in diagram.nodes:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", nd.id)
        cand, k = base, 2
        while cand in taken:
            cand, k = f"{base}_{k}", k + 1
        taken.add(cand)
        ids[nd.id] = cand
    out = ["flowchart LR"]
    if diagram.note:
        out.append(f"  %% {' '.join(diagram.note.split())}")
    for title, sub, kind in (
        (diagram.boundary_label, "org", "asset"),
        ("Third parties", "vendors", "vendor"),
    ):
        members = [nd for nd in diagram.nodes if nd.kind == kind]
        if members:
            out.append(f'  subgraph {sub}["{_mermaid_text(title)}"]')
            out += [f'    {ids[nd.id]}["{_mermaid_text(nd.label)}"]' for nd in members]
            out.append("  end")
    edges = [e for e in diagram.edges if e.source in ids and e.target in ids]
    if len(edges) > _MERMAID_MAX_EDGES:
        rank = ("unencrypted", "unrecorded", "ephi", "plain")
        keep = sorted(range(len(edges)), key=lambda k: (rank.index(edge_style(edges[k])), k))
        kept = sorted(keep[:_MERMAID_MAX_EDGES])
        out.append(
            f"  %% {len(edges) - len(kept):,} of {len(edges):,} arrows left out (Mermaid's limit "
            f"is {_MERMAID_MAX_EDGES}); ePHI flows were kept first"
        )
        edges = [edges[k] for k in kept]
    styled: dict[str, list[str]] = {"unencrypted": [], "unrecorded": []}
    for k, e in enumerate(edges):
        count, ephi, unenc, _ = tally(e)
        if count > 1 or diagram.aggregated:
            text = " · ".join(
                [f"{count:,}"]
                + [f"{n:,} {w}" for n, w in ((ephi, "ePHI"), (unenc, "unencrypted")) if n]
            )
        else:
            text = e.label or ""
        arrow = "==>" if ephi else "-->"
        label = f'|"{_mermaid_text(text)}"|' if text else ""
        out.append(f"  {ids[e.source]} {arrow}{label} {ids[e.target]}")
        styled.get(edge_style(e), []).append(str(k))
    if styled["unencrypted"]:
        out.append(f"  linkStyle {','.join(styled['unencrypted'])} stroke:{RED},stroke-width:3px")
    if styled["unrecorded"]:
        out.append(
            f"  linkStyle {','.join(styled['unrecorded'])} stroke:#d98e04,stroke-width:3px,"
            "stroke-dasharray:5 3"
        )
    present = [ids[nd.id] for nd in diagram.nodes if nd.ephi == "present"]
    if present:
        out.append("  classDef ephi stroke:#1f2937,stroke-width:2px,font-weight:bold")
        out.append(f"  class {','.join(present)} ephi")
    return "\n".join(out) + "\n"
