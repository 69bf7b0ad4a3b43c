"""The data-flow diagram: SVG structure and colours, vendor placement, aggregation, Mermaid."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest

from hipaa_sra.loading import load_workspace
from hipaa_sra.report.diagram import RED, diagram_svg
from hipaa_sra.report.flowgraph import Diagram, Edge, Node, build_diagram, tally
from hipaa_sra.report.mermaid import diagram_mermaid

EXAMPLE = Path(__file__).parents[2] / "src" / "hipaa_sra" / "examples" / "telehealth"
SVG = "{http://www.w3.org/2000/svg}"


@cache
def example() -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
    """The bundled workspace as the diagram's plain data (what the report's caller does)."""
    ws = load_workspace(EXAMPLE, use_cache=False)
    nodes = [
        Node(a.id, a.name, "asset", str(a.category), str(a.group), a.ephi or "unknown")
        for a in ws.assets
    ]
    nodes += [
        Node(
            v.id,
            v.name,
            "vendor",
            "vendor",
            "vendor",
            "absent" if str(v.ephi_exposure) == "none" else "present",
        )
        for v in ws.vendors
    ]
    edges = [Edge(f.from_, f.to, f.ephi, f.encrypted_in_transit, f.protocol) for f in ws.flows]
    return tuple(nodes), tuple(edges)


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg")
    return ET.fromstring(svg)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in g.get("class", "").split()]


def node(nid: str, kind: str = "asset", group: str = "compute", ephi: str = "present") -> Node:
    return Node(nid, nid.title(), kind, "vendor" if kind == "vendor" else "service", group, ephi)  # type: ignore[arg-type]


def test_example_svg_is_well_formed_and_labelled() -> None:
    nodes, edges = example()
    diagram = build_diagram(nodes, edges)
    assert not diagram.aggregated
    root = parse(diagram_svg(diagram))
    assert root.get("role") == "img"
    assert "42 data flows" in (root.get("aria-label") or "")
    assert "viewBox" in root.attrib and root.get("width") == "100%"
    drawn = {g.get("data-id"): g for g in groups(root, "node")}
    assert set(drawn) == {n.id for n in nodes}
    for n in nodes:
        g = drawn[n.id]
        title = g.find(f"{SVG}title")
        assert title is not None and title.text is not None and n.label in title.text
        words = " ".join(t.text or "" for t in g.iter(f"{SVG}text")).replace("…", " ")
        # Every word of the name is drawn, except what is cut at the end of a long one.
        shown = [w for w in n.label.split() if w in words]
        assert shown and n.label.split()[0] in words


def test_red_exactly_for_unencrypted_ephi_flows() -> None:
    nodes, edges = example()
    extra = (
        Edge("visits-api", "visits-db", True, False, "postgres"),  # red
        Edge("visits-api", "staging-db", False, False, "postgres"),  # no ePHI: not red
        Edge("visits-api", "session-cache", True, None, "redis"),  # amber, not red
    )
    root = parse(diagram_svg(build_diagram(nodes, edges + extra)))
    red = set()
    for g in groups(root, "flow"):
        strokes = {p.get("stroke") for p in g.iter(f"{SVG}path")}
        assert (RED in strokes) == ("unencrypted" in g.get("class", ""))
        if RED in strokes:
            red.add((g.get("data-source"), g.get("data-target")))
    expected = {(e.source, e.target) for e in edges + extra if e.ephi and e.encrypted is False}
    assert red == expected
    assert ("notification-worker", "transactional-email-relay") in red
    assert len(groups(root, "unrecorded")) == 1
    assert len(groups(root, "flow")) == len(edges) + len(extra)


def test_vendors_sit_right_of_the_organization_boundary() -> None:
    nodes, edges = example()
    root = parse(diagram_svg(build_diagram(nodes, edges)))
    boundary = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "boundary")
    left = float(boundary.get("x", "0"))
    right = left + float(boundary.get("width", "0"))
    kinds = {n.id: n.kind for n in nodes}
    for g in groups(root, "node"):
        shape = g[1]  # after the title
        if shape.tag == f"{SVG}rect":
            x0 = float(shape.get("x", "0"))
        else:
            nums = [
                float(v)
                for v in re.findall(r"-?\d+\.\d", shape.get("d") or shape.get("points") or "")
            ]
            x0 = min(nums[0::2])
        if kinds[g.get("data-id", "")] == "vendor":
            assert x0 > right, g.get("data-id")
        else:
            assert left < x0 < right, g.get("data-id")


def test_text_is_escaped() -> None:
    nasty = 'Billing & <Claims> "prod"'
    nodes = [
        Node("a&b", nasty, "asset", "database", "data-at-rest", "present"),
        node("v", "vendor", "vendor"),
    ]
    edges = [Edge("a&b", "v", True, False, '<tls "1.0">')]
    svg = diagram_svg(build_diagram(nodes, edges))
    root = parse(svg)
    assert "<Claims>" not in svg
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any(nasty in t for t in titles)
    assert any('<tls "1.0">' in t for t in titles)
    assert groups(root, "node")[0].get("data-id") == "a&b"


def test_same_input_same_bytes_whatever_the_order() -> None:
    nodes, edges = example()
    first = diagram_svg(build_diagram(nodes, edges))
    rng = random.Random(7)
    shuffled_nodes, shuffled_edges = list(nodes), list(edges)
    rng.shuffle(shuffled_nodes)
    rng.shuffle(shuffled_edges)
    assert diagram_svg(build_diagram(shuffled_nodes, shuffled_edges)) == first
    assert diagram_mermaid(build_diagram(shuffled_nodes, shuffled_edges)) == diagram_mermaid(
        build_diagram(nodes, edges)
    )


def test_dangling_edges_are_dropped_and_self_loops_drawn() -> None:
    nodes = [node("a"), node("b"), node("v", "vendor", "vendor")]
    edges = [
        Edge("a", "b", True, True),
        Edge("a", "ghost", True, False),
        Edge("ghost", "v", True, False),
        Edge("b", "b", True, False),  # a self-loop
        Edge("v", "v", False, True),
    ]
    diagram = build_diagram(nodes, edges)
    assert {(e.source, e.target) for e in diagram.edges} == {("a", "b"), ("b", "b"), ("v", "v")}
    root = parse(diagram_svg(diagram))
    assert len(groups(root, "flow")) == 3
    assert len(groups(root, "unencrypted")) == 1
    assert "ghost" not in diagram_mermaid(diagram)


def test_cycles_and_unconnected_parts_lay_out() -> None:
    nodes = [node(x) for x in "abcdef"] + [node("v", "vendor", "vendor")]
    edges = [
        Edge("a", "b", True, True),
        Edge("b", "c", True, True),
        Edge("c", "a", True, True),
        Edge("d", "e", False, True),
        Edge("c", "v", True, True),
        Edge("v", "a", True, True),
    ]
    root = parse(diagram_svg(build_diagram(nodes, edges)))
    assert {g.get("data-id") for g in groups(root, "node")} == set("abcdefv")
    assert "Not in any recorded data flow" in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def big_workspace(assets: int, vendors: int, flows: int) -> tuple[list[Node], list[Edge]]:
    cats = [
        ("database", "data-at-rest"),
        ("service", "compute"),
        ("public-api", "transit"),
        ("workstation", "endpoint"),
    ]
    rng = random.Random(3)
    nodes = [
        Node(
            f"a{i}",
            f"Asset {i}",
            "asset",
            cats[i % 4][0],
            cats[i % 4][1],
            ("present", "possible", "absent")[i % 3],
        )  # type: ignore[arg-type]
        for i in range(assets)
    ]
    nodes += [
        Node(f"v{i}", f"Vendor {i}", "vendor", "vendor", "vendor", "present")
        for i in range(vendors)
    ]
    ids = [n.id for n in nodes]
    edges = [
        Edge(rng.choice(ids), rng.choice(ids), rng.random() < 0.5, rng.choice((True, False, None)))
        for _ in range(flows)
    ]
    return nodes, edges


@pytest.mark.parametrize(("vendors", "vendor_nodes"), [(5, 5), (30, 1)])
def test_aggregation_by_category_adds_up(vendors: int, vendor_nodes: int) -> None:
    nodes, edges = big_workspace(100, vendors, 3000)
    edges.append(Edge("a1", "nowhere", True, False))
    assert not build_diagram(nodes[:80], edges[:10], max_nodes=80).aggregated
    diagram = build_diagram(nodes, edges, max_nodes=80)
    assert diagram.aggregated and diagram.note and "100 assets" in diagram.note
    assert sum(n.kind == "vendor" for n in diagram.nodes) == vendor_nodes
    assert sum(n.members for n in diagram.nodes if n.kind == "asset") == 100
    labels = {n.label for n in diagram.nodes}
    assert "database \u00d725" in labels
    if vendor_nodes == 1:
        assert "Vendors \u00d730" in labels
    totals = [sum(t) for t in zip(*(tally(e) for e in diagram.edges), strict=True)]
    assert totals == [
        3000,
        sum(e.ephi for e in edges[:3000]),
        sum(e.ephi and e.encrypted is False for e in edges[:3000]),
        sum(e.ephi and e.encrypted is None for e in edges[:3000]),
    ]
    assert all(e.ephi == (e.ephi_count > 0) for e in diagram.edges)
    assert all(n.ephi == "present" for n in diagram.nodes)  # strongest member status
    root = parse(diagram_svg(diagram))
    assert len(groups(root, "flow")) <= 120
    assert len(groups(root, "unencrypted")) == min(
        120, sum(e.unencrypted_count > 0 for e in diagram.edges)
    )


def test_mermaid_ids_styles_and_escaping() -> None:
    nodes = [
        Node("db-1", 'The "main" DB [prod] #1', "asset", "database", "data-at-rest", "present"),
        Node("db_1", "Replica | ro", "asset", "replica", "data-at-rest", "absent"),
        Node("end", "Web", "asset", "service", "compute", "possible"),
        node("mail", "vendor", "vendor"),
    ]
    edges = [
        Edge("end", "db-1", True, True, "postgres"),
        Edge("db-1", "db_1", False, True),
        Edge("end", "mail", True, False, "smtp"),
    ]
    text = diagram_mermaid(build_diagram(nodes, edges))
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert 'subgraph vendors["Third parties"]' in [line.strip() for line in lines]
    assert any(line.strip().startswith("subgraph org[") for line in lines)
    assert '["The #quot;main#quot; DB #91;prod#93; #35;1"]' in text
    ids = re.findall(r"^\s+(\w+)\[", text, flags=re.M)
    assert len(ids) == len(set(ids)) == 4
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", i) for i in ids)
    links = [line.strip() for line in lines if "-->" in line or "==>" in line]
    style = next(line for line in lines if line.strip().startswith("linkStyle"))
    indices = [int(i) for i in style.split()[1].split(",")]
    assert indices == [k for k, line in enumerate(links) if line.endswith("n_mail")]
    assert links[indices[0]].split()[1].startswith("==>")
    assert sum("-->" in line for line in links) == 1  # the one flow without ePHI
    marked = next(line for line in lines if line.strip().startswith("class "))
    assert marked.split()[1].split(",") == ["n_db_1", "n_mail"]  # "present" nodes only


def test_mermaid_stays_under_githubs_edge_limit() -> None:
    nodes = [node(f"n{i}", ephi="absent") for i in range(40)]
    rng = random.Random(5)
    edges = [
        Edge(f"n{rng.randrange(40)}", f"n{rng.randrange(40)}", k % 10 == 0, True)
        for k in range(3000)
    ]
    diagram = Diagram(tuple(nodes), tuple(edges), False, None)
    text = diagram_mermaid(diagram)
    arrows = [line for line in text.splitlines() if "-->" in line or "==>" in line]
    assert len(arrows) == 500
    assert sum("==>" in a for a in arrows) == 300  # every ePHI flow kept first
    assert "%% 2,500 of 3,000 arrows left out" in text
