"""Property tests: the fast parser agrees with PyYAML, and source maps with libyaml's marks."""

from __future__ import annotations

import string
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hipaa_sra.loading.parse import parse_yaml
from hipaa_sra.loading.positions import SourceMap

keys = st.text(alphabet=string.ascii_lowercase + "_-", min_size=1, max_size=12).filter(
    lambda k: not k.startswith("-")
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(alphabet=string.ascii_letters + string.digits + " .,:;/#'\"-_()*&!?%é", max_size=40),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)
records = st.lists(st.dictionaries(keys, values, min_size=1, max_size=6), max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from([False, True]))
def test_parse_matches_pyyaml_on_dumped_data(value: Any, flow: bool) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True, sort_keys=False)
    assume(yaml.safe_load(text) == value)  # skip PyYAML's own YAML 1.1 round-trip quirks
    assert parse_yaml(text.encode(), "x.yaml") == value


def _compose_marks(data: bytes) -> dict[tuple[Any, ...], tuple[int, int]]:
    marks: dict[tuple[Any, ...], tuple[int, int]] = {}
    stack = [(yaml.compose(data, Loader=yaml.CSafeLoader), ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, item in node.value:
                marks[(*path, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
                stack.append((item, (*path, key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*path, index)))
    return marks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records, st.sampled_from([False, None]))
def test_source_map_matches_libyaml_marks(value: Any, flow: bool | None) -> None:
    data = yaml.safe_dump(
        value, default_flow_style=flow, allow_unicode=True, sort_keys=False
    ).encode()
    parsed = parse_yaml(data, "x.yaml")
    source_map = SourceMap(data, parsed)
    for path, mark in _compose_marks(data).items():
        assert source_map.position(path) == mark, path
        # A fresh map answers from the one record (or one line) the path needs.
        assert SourceMap(data, parsed).position(path) == mark, path
        # So does one that let go of the parsed data, as the loader's maps do.
        released = SourceMap(data, parsed)
        released.release()
        assert released.position(path) == mark, path


def test_a_released_map_finds_a_record_that_uses_another_records_anchor() -> None:
    data = (
        b"- id: a\n  owner: &who\n    name: Ann\n"
        b"- id: b\n  owner: *who\n  cadence:\n    every: 90\n    reviewer: bob\n"
    )
    source_map = SourceMap(data, parse_yaml(data, "x.yaml"))
    source_map.release()
    # Record b alone does not parse (its alias names an anchor of record a): the file is read.
    assert source_map.position((1, "cadence", "reviewer")) == (8, 5)
    assert source_map.position((1, "cadence", "every")) == (7, 5)
    assert source_map.position((0, "owner", "name")) == (3, 5)


tokens = st.sampled_from(
    [
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "yes",
        "no",
        "0",
        "-0",
        "+1",
        "08",
        "010",
        "0o17",
        "0x1F",
        "1.",
        "1.5",
        "-.5",
        "+.5",
        "1e5",
        "-1E-5",
        "1e400",
        ".inf",
        "-.inf",
        "inf",
        "Inf",
        "nan",
        ".NaN",
        "2026-02-30",
        "12:30",
        "1_000",
        "a # b",
        "x\\y",
        "it's",
        "é",
        "",
    ]
)
plain_scalars = st.one_of(
    tokens,
    st.text(alphabet=string.ascii_letters + string.digits + " .-_", max_size=12).map(str.strip),
)
plain_values = st.recursive(
    plain_scalars,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3),
        st.dictionaries(keys, children, min_size=1, max_size=3),
    ),
    max_leaves=12,
)


def _emit(value: Any, indent: int = 0, flow: bool = False) -> str:
    """Hand-written YAML with PLAIN scalars, so every resolver rule is exercised."""
    pad = " " * indent
    if isinstance(value, dict):
        if flow:
            return "{" + ", ".join(f"{k}: {_emit(v, flow=True)}" for k, v in value.items()) + "}"
        return "".join(
            f"{pad}{k}:\n{_emit(v, indent + 2)}"
            if isinstance(v, (dict, list))
            else f"{pad}{k}: {_emit(v)}\n"
            for k, v in value.items()
        )
    if isinstance(value, list):
        if flow:
            return "[" + ", ".join(_emit(v, flow=True) for v in value) + "]"
        return "".join(f"{pad}- {_emit(v, flow=True)}\n" for v in value)
    return value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_values)
def test_fast_route_agrees_with_exact_walk(value: Any) -> None:
    text = _emit(value) if isinstance(value, (dict, list)) else f"v: {value}\n"
    data = text.encode()
    try:
        exact = parse_yaml(data, "x.yaml", fast=False)
    except Exception as exc:  # both routes must fail alike
        with pytest.raises(type(exc)):
            parse_yaml(data, "x.yaml")
        return
    assert repr(parse_yaml(data, "x.yaml")) == repr(exact)


# Register files as people write them: records of keys at the column after `- `, nested
# mappings and lists (indented, or at their key's own column), block text holding lines
# that look like keys, and comments between keys.
record_keys = st.sampled_from(
    ["id", "owner", "due", "status", "attributes", "remediation", "evidence", "date", "tags"]
)
texts = st.sampled_from(
    ["foo", "bar baz", "2026-01-02", "12", "it's", '"q: x"', "'s: t'", "a # c", "~", "é"]
)


@st.composite
def _block(draw: st.DrawFn, indent: int, depth: int) -> str:
    """The text after `key:` for a value of a mapping at `indent`, ending with a newline."""
    shapes = ["text", "text", "block text", "quoted text", "flow"]
    shape = draw(st.sampled_from(shapes + (["map", "list"] if depth < 3 else [])))
    if shape == "text":
        return f" {draw(texts)}\n"
    if shape == "block text":
        # Lines of the text read like keys of the mapping (and of deeper ones), or are blank.
        header = draw(st.sampled_from(["|", ">", "|-", ">+", "|2", ">1-"]))
        digits = [int(c) for c in header if c.isdigit()]
        pad = " " * (indent + (digits[0] if digits else draw(st.sampled_from([1, 2, 4]))))
        lines = draw(st.lists(st.sampled_from([*flow_keys, ""]), min_size=1, max_size=4))
        body = "".join(f"{pad}{key}: 1\n" if key else "\n" for key in lines)
        return f" {header}\n{pad}due: 1\n{body}{pad}  owner: x\n"
    if shape == "quoted text":
        # Text continued over lines, indented past the key, holding what reads like keys.
        pad = " " * (indent + draw(st.sampled_from([1, 2, 4])))
        key = draw(record_keys)
        if draw(st.booleans()):
            return f' "a, {key}: b\n{pad}{key}: c, d\\"\n{pad}e"\n'
        return f" 'it''s, {key}: b\n{pad}{key}: c'\n"
    if shape == "flow":
        return " " + draw(_flow(0)) + "\n"
    if shape == "map":
        column = indent + draw(st.sampled_from([2, 3, 4]))
        return "\n" + _mapping(draw, " " * column, column, depth + 1)
    items = " " * (indent + draw(st.sampled_from([0, 2, 4])))
    out = "\n"
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["map", "map", "text", "flow"]))
        if kind == "map":
            out += _mapping(draw, items + "- ", len(items) + 2, depth + 1)
        elif kind == "flow":
            out += f"{items}- {draw(_flow(1))}\n"
        else:
            out += f"{items}- {draw(texts)}\n"
    return out


flow_keys = ["id", "owner", "due", "status", "attributes", "remediation", "evidence"]
flow_words = st.sampled_from(["a", "bob", "2026-01-02", "12", '"q: x, y"', "'s, t: u'"])


@st.composite
def _flow(draw: st.DrawFn, depth: int) -> str:
    """A flow collection on one line: a mapping, or a list of texts and collections."""
    if depth < 2 and draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(flow_keys), min_size=1, max_size=3, unique=True))
        values = [
            draw(_flow(depth + 1) if draw(st.integers(0, 4)) == 0 else flow_words) for _ in keys
        ]
        space = draw(st.sampled_from(["", " "]))
        return (
            "{"
            + space
            + ", ".join(f"{k}: {v}" for k, v in zip(keys, values, strict=True))
            + space
            + "}"
        )
    item = st.one_of(flow_words, _flow(depth + 1)) if depth < 2 else flow_words
    return "[" + ", ".join(draw(st.lists(item, max_size=3))) + "]"


def _mapping(draw: st.DrawFn, first: str, indent: int, depth: int) -> str:
    """A block mapping whose keys are at `indent`, the first one written after `first`."""
    out = ""
    keys = draw(st.lists(record_keys, min_size=1, max_size=4, unique=True))
    for number, key in enumerate(keys):
        if number:
            out += draw(
                st.sampled_from(["", "", "\n", " " * draw(st.integers(0, 8)) + "# due: 1\n"])
            )
        colon = draw(st.sampled_from([":", ":", ":", " :"]))  # `key :` is no `key:` to search
        out += (" " * indent if number else first) + key + colon + draw(_block(indent, depth))
    return out


@st.composite
def register_files(draw: st.DrawFn) -> str:
    """A kind file of one to five records."""
    out = draw(st.sampled_from(["", "# header\n", "---\n"]))
    for _ in range(draw(st.integers(1, 5))):
        head = draw(st.sampled_from(["- ", "-   "]))
        out += _mapping(draw, head, len(head), 0)
    return out


def _every_mark(data: bytes) -> dict[tuple[Any, ...], tuple[int, int]]:
    """libyaml's mark of every key and every list item, by path."""
    marks: dict[tuple[Any, ...], tuple[int, int]] = {}
    stack = [(yaml.compose(data, Loader=yaml.CSafeLoader), ())]
    while stack:
        node, path = stack.pop()
        children = []
        if isinstance(node, yaml.MappingNode):
            children = [((*path, key.value), key, item) for key, item in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [((*path, index), item, item) for index, item in enumerate(node.value)]
        for child, marked, item in children:
            marks[child] = (marked.start_mark.line + 1, marked.start_mark.column + 1)
            stack.append((item, child))
    return marks


def _nearest_mark(marks: dict[tuple[Any, ...], tuple[int, int]], path: tuple[Any, ...]) -> Any:
    """libyaml's mark of `path`, or of its nearest ancestor that is written."""
    while path and path not in marks:
        path = path[:-1]
    return marks.get(path, (1, 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(register_files(), st.randoms(use_true_random=False), st.booleans())
def test_searched_positions_match_libyaml_marks_in_any_order(
    text: str, order: Any, release: bool
) -> None:
    # Lookups answered from per-file and per-list indexes (a calendar asks for one field of
    # every record, lint for thousands) agree with libyaml whatever was asked before them.
    # A missing field (a finding's usual path) lands on its nearest written ancestor, in
    # flow-style items too; text in block scalars and quotes never passes for a key.
    data = text.encode()
    parsed = parse_yaml(data, "x.yaml")
    marks = _every_mark(data)
    paths = list(marks)
    paths += [(*path, "absent") for path in marks] + [(*path, 9) for path in marks]
    paths += [(index, "absent") for index in range(len(parsed))]
    order.shuffle(paths)
    source_map = SourceMap(data, parsed)
    if release:
        source_map.release()
    for path in paths:
        assert source_map.position(path) == _nearest_mark(marks, path), (path, text)
    # A map asked for one path alone answers the same.
    for path in order.sample(paths, min(len(paths), 8)):
        alone = SourceMap(data, parsed)
        if release:
            alone.release()
        assert alone.position(path) == _nearest_mark(marks, path), (path, text)
