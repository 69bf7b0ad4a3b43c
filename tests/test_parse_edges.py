"""YAML at the edges: tabs in block scalars, tags and aliases in flow style, huge integers,
surrogate escapes, and escape sequences that must never reach a terminal."""

from __future__ import annotations

import io
import json
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import ryml
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.errors import LoadError
from hipaa_sra.loading.parse import _emit_json, parse_yaml

TODAY = ("--today", "2026-11-22")
ASSETS = """\
- id: pg-primary
  name: Patients database
  category: database
  ephi: present
"""


def _both(data: bytes) -> list[Any]:
    """The value on the fast route and on the exact walk (they must agree)."""
    return [parse_yaml(data, "x.yaml"), parse_yaml(data, "x.yaml", fast=False)]


# --- tabs -------------------------------------------------------------------------------------

TAB_IN_BLOCK_SCALARS = {
    "a tab-led line in a literal block": (
        "- id: RR-1\n  threat: |\n    first\n    \tsecond\n",
        "first\n\tsecond\n",
    ),
    "the first line tab-led": (
        "- id: RR-1\n  threat: |-\n    \tfirst\n    second\n",
        "\tfirst\nsecond",
    ),
    "a folded block": (
        "- id: RR-1\n  threat: >\n    first\n    \tsecond\n    third\n",
        "first\n\tsecond\nthird\n",
    ),
    "an indentation indicator": (
        "- id: RR-1\n  threat: |2\n      six\n    \tfour\n",
        "  six\n\tfour\n",
    ),
    "a blank line before it": ("threat: |\n\n  \tx\n", "\n\tx\n"),
}


@pytest.mark.parametrize("name", TAB_IN_BLOCK_SCALARS)
def test_a_tab_inside_a_block_scalar_is_text(name: str) -> None:
    text, expected = TAB_IN_BLOCK_SCALARS[name]
    reference = yaml.safe_load(text)
    for value in _both(text.encode()):
        assert value == reference
        threat = value[0]["threat"] if isinstance(value, list) else value["threat"]
        assert threat == expected


TAB_INDENTATION = {
    # text, line, column of the tab
    "after a block scalar ends": ("a: |\n  x\nb:\n\t- 1\n", 4, 1),
    "less indented than the block": ("- a: |\n    x\n  \tb: 1\n", 3, 3),
    "a tab-only line below the block's indentation": ("a: |-\n  x\n\t\n  y\n", 3, 1),
    "a second tab after a block scalar's tab": ("a: |\n  \tx\nb: 1\n\tc: 2\n", 4, 1),
    "plain text continued": ("- id: a\n  notes: x\n  \ty\n", 3, 3),
    "plain text that ends in a bar": ("- note: a - |\n    \tb\n", 2, 5),
}


@pytest.mark.parametrize("name", TAB_INDENTATION)
def test_a_tab_used_as_indentation_is_refused_where_it_is(name: str) -> None:
    text, line, column = TAB_INDENTATION[name]
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load(text)
    with pytest.raises(LoadError, match="tab used for indentation") as raised:
        parse_yaml(text.encode(), "x.yaml")
    assert (raised.value.line, raised.value.column) == (line, column)


def test_a_workspace_with_a_tab_led_line_in_a_block_scalar_loads(workspace, sra) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": (
                "- id: RR-1\n  asset: pg-primary\n  threat: |\n    Ransomware:\n    \tvia e-mail\n"
                "  vuln: Unpatched\n  likelihood: low\n  impact: low\n  inherent_risk: low\n"
            ),
        }
    )
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 0, run.stderr
    assert "1 risk" in run.stdout


# --- tags and aliases in flow style -----------------------------------------------------------

FLOW_REFUSED = {
    # text, words, line, column
    "a tag after a quoted key": ('- {"a":!foo x}\n', "tag !foo is not allowed", 1, 8),
    "a python tag after a quoted key": (
        '- {"a":!!python/object:os.system x}\n',
        "tag !!python/object:os.system",
        1,
        8,
    ),
    "a tag after a single-quoted key": ("y: {'k':!foo x}\n", "tag !foo is not allowed", 1, 9),
    "an alias to no anchor after a quoted key": ('y: {"k":*a}\n', "alias *a refers to no", 1, 9),
    "in a flow sequence": ('y: ["k":*a]\n', "alias *a refers to no anchor", 1, 9),
}


@pytest.mark.parametrize("name", FLOW_REFUSED)
def test_flow_style_refuses_what_block_style_refuses(name: str) -> None:
    text, words, line, column = FLOW_REFUSED[name]
    for fast in (True, False):
        with pytest.raises(LoadError, match=words.replace("*", r"\*")) as raised:
            parse_yaml(text.encode(), "x.yaml", fast=fast)
        assert (raised.value.line, raised.value.column) == (line, column)


def test_flow_style_resolves_an_alias_after_a_quoted_key() -> None:
    text = b'y: {"k":&a 1, "j":*a}\nz: ["q":*a]\n'
    expected = {"y": {"k": 1, "j": 1}, "z": [{"q": 1}]}
    assert _both(text) == [yaml.safe_load(text)] * 2 == [expected] * 2


STANDARD_TAGS = [
    "a: !!str 1\n",
    'a: !!int "12"\n',
    "a: !!int 0x1F\n",
    "a: !!float 1\n",
    "a: !!float .inf\n",
    "a: !!bool yes\n",
    "a: !!bool False\n",
    "a: !!null x\n",
    "a: !!str\n",
    "a: !!seq [1]\n",
    "a: !!map {b: 1}\n",
    "a: [!!str 1, !!int '2']\n",
    'a: {"b":!!str 3}\n',
]


@pytest.mark.parametrize("text", STANDARD_TAGS)
def test_standard_tags_read_as_pyyaml_reads_them(text: str) -> None:
    assert _both(text.encode()) == [yaml.safe_load(text)] * 2


@pytest.mark.parametrize(
    "text",
    [
        "a: !!int x\n",
        "a: !!bool maybe\n",
        "a: !!float x\n",
        "a: !!seq {}\n",
        "a: !!map [1]\n",
        "a: !!str [1]\n",
    ],
)
def test_a_value_its_standard_tag_does_not_fit_is_refused(text: str) -> None:
    with pytest.raises(LoadError, match=r"the value tagged !!\w+ is not"):
        parse_yaml(text.encode(), "x.yaml")


flow_keys = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6)
flow_scalars = st.one_of(
    st.integers(-1000, 1000).map(str), st.sampled_from(["true", "null", "x", "a b", "'q'", '"d"'])
)
TAGS = ["", "", "!!str ", "!!int ", "!!bool ", "!!null ", "!foo ", "!!python/object ", "!!binary "]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """One mapping with tags, anchors and aliases (some to no anchor), in flow style with
    tight spacing (`"k":*a`) and in block style."""
    anchors: list[str] = []
    flow, block = [], []
    for index in range(draw(st.integers(1, 5))):
        key = draw(flow_keys) + str(index)
        quoted = draw(st.booleans())
        key_text = f'"{key}"' if quoted else key
        choice = draw(st.integers(0, 3))
        if choice == 0 and (anchors or draw(st.booleans())):
            name = draw(st.sampled_from(anchors)) if anchors and draw(st.booleans()) else "nope"
            value = f"*{name}"
        else:
            value = draw(st.sampled_from(TAGS)) + draw(flow_scalars)
            if choice == 1:
                anchors.append(f"n{index}")
                value = f"&n{index} {value}"
            if choice == 2:
                value = f"[{value}]"
        sep = draw(st.sampled_from([":", ": "])) if quoted else ": "
        flow.append(f"{key_text}{sep}{value}")
        block.append(f"{key_text}: {value}\n")
    return "{" + ", ".join(flow) + "}\n", "".join(block)


def _outcome(text: str, fast: bool) -> Any:
    try:
        return parse_yaml(text.encode(), "x.yaml", fast=fast)
    except LoadError as error:
        return ("refused", error.message.split(":")[0])


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents())
def test_flow_style_with_tags_and_aliases_matches_block_style_and_pyyaml(
    texts: tuple[str, str],
) -> None:
    flow, block = texts
    outcomes = {repr(_outcome(text, fast)) for text in (flow, block) for fast in (True, False)}
    assert len(outcomes) == 1, texts  # both routes, both styles: one and the same outcome
    ours = _outcome(flow, True)
    try:
        expected = yaml.safe_load(flow)
    except (yaml.YAMLError, ValueError, KeyError):  # PyYAML's refusals of a mistagged value
        assert isinstance(ours, tuple) and ours[0] == "refused", texts
        return
    if isinstance(ours, tuple):  # only the tags nothing in a workspace may carry
        assert any(tag in flow for tag in ("!foo", "!!python", "!!binary")), (texts, ours)
    else:
        assert ours == expected, texts


# --- numbers and text the runtime cannot print ------------------------------------------------


def test_a_5000_digit_integer_stays_text_and_never_crashes(workspace, sra, tmp_path: Path) -> None:
    digits = "9" * 5000
    assert _both(f"a: {digits}\nb: [{digits}]\n".encode()) == [{"a": digits, "b": [digits]}] * 2
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "controls/c.yaml": (
                "- id: ctl-backup\n  name: Backups\n  safeguard: technical\n  evidence:\n"
                f"    - what: restore test\n      refresh_days: {digits}\n"
            ),
            "register/r.yaml": f"- id: RR-1\n  asset: pg-primary\n  threat: {digits}\n",
        }
    )
    for args in (
        ("validate",),
        ("lint", "--format", "json", *TODAY),
        ("lint", "--format", "sarif", *TODAY),
        ("report", "--out", str(tmp_path / "r.html"), "--no-history", *TODAY),
    ):
        run = sra(*args, "--workspace", str(root))
        assert "Traceback" not in run.stderr + run.stdout, args
        assert run.exit_code in (0, 1), (args, run.stderr)


SURROGATE_OUTPUTS = [
    ("lint", "--format", "json", *TODAY),
    ("lint", "--format", "sarif", *TODAY),
    ("lint", *TODAY),
    ("report", "--format", "html", "--no-history", *TODAY),
]


@pytest.mark.parametrize("args", SURROGATE_OUTPUTS, ids=lambda args: " ".join(args[:3]))
def test_a_lone_surrogate_is_a_load_error_at_its_position(
    args, workspace, sra, tmp_path: Path
) -> None:
    risk = '- id: RR-1\n  asset: pg-primary\n  threat: "x \\ud800"\n'
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": risk})
    out = ("--out", str(tmp_path / "r.html")) if args[0] == "report" else ()
    run = sra(*args, *out, "--workspace", str(root))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        "sra/register/r.yaml:3:14: \\ud800 is half of a UTF-16 surrogate pair, not a character "
        "(write the character itself, or its \\U escape)"
    )


def test_a_surrogate_pair_is_the_character_in_every_output(workspace, sra, tmp_path: Path) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": (
                '- id: RR-1\n  asset: pg-primary\n  threat: "Phish \\ud83d\\ude00"\n  vuln: v\n'
                "  likelihood: low\n  impact: low\n  inherent_risk: high\n"
            ),
        }
    )
    lint = sra("lint", "--format", "json", *TODAY, "--workspace", str(root))
    sarif = sra("lint", "--format", "sarif", *TODAY, "--workspace", str(root))
    report = sra(
        "report",
        "--out",
        str(tmp_path / "r.html"),
        "--no-history",
        *TODAY,
        "--workspace",
        str(root),
    )
    assert lint.exit_code == sarif.exit_code == 1, lint.stderr
    assert report.exit_code in (0, 1), report.stderr
    json.loads(sarif.stdout)
    assert any(f["object"] == "RR-1" for f in json.loads(lint.stdout)["findings"])
    assert "Phish \N{GRINNING FACE}" in (tmp_path / "r.html").read_text(encoding="utf-8")


# --- escape sequences never reach the terminal ------------------------------------------------

OSC_TITLE = "\x1b]0;PWNED\x07"
OSC_LINK = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
CSI_CLEAR = "\x1b[2J"


def test_escape_sequences_in_values_are_stripped_from_text_output(workspace, sra) -> None:
    value = f"RR-1{OSC_TITLE}{OSC_LINK}{CSI_CLEAR}\x9b31m\x07end"
    escaped = json.dumps(value)  # a YAML double-quoted scalar takes JSON's escapes
    root = workspace(
        {"inventory/a.yaml": ASSETS, "register/r.yaml": f"- id: {escaped}\n  asset: pg-primary\n"}
    )
    for args in (("validate",), ("lint", *TODAY), ("lint", "--format", "github", *TODAY)):
        run = sra(*args, "--workspace", str(root))
        shown = run.stdout + run.stderr
        assert run.exit_code == 1, (args, shown)
        assert "\x1b" not in shown and "\x9b" not in shown and "\x07" not in shown, args
        assert "RR-1click" in shown
        assert "\\x07end" in shown
    as_json = sra("lint", "--format", "json", *TODAY, "--workspace", str(root))
    assert any(value in f["message"] for f in json.loads(as_json.stdout)["findings"])


def test_json_longer_than_the_first_buffer_is_emitted_again_in_full() -> None:
    data = b"".join(b"- id: R-%d\n  owner: alice\n" % n for n in range(200))
    tree = ryml.parse_in_arena(data)
    # Told the file is empty, the first buffer (64 bytes) is far too small for the JSON.
    assert json.loads(_emit_json(tree, tree.root_id(), 0)) == yaml.safe_load(data)
    assert json.loads(_emit_json(tree, tree.root_id(), len(data))) == yaml.safe_load(data)


# --- the parser's own diagnostics -------------------------------------------------------------


@pytest.mark.parametrize("stream", ["replaced", "closed"])
def test_a_syntax_error_writes_nothing_to_fd_2_whatever_sys_stderr_is(
    stream: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # rapidyaml writes its C++ diagnostics to fd 2; an application that embeds the loader
    # (or a test runner) has another object as `sys.stderr`, and the user must see only
    # our one-line error, not the parser's lines about its own source files.
    replacement = io.StringIO()
    if stream == "closed":
        replacement.close()
    monkeypatch.setattr(sys, "stderr", replacement)
    with pytest.raises(LoadError):
        parse_yaml(b"- id: RR-1\n  threat: x\n bad: indentation\n", "register/r.yaml")
    monkeypatch.undo()
    assert capfd.readouterr().err == ""


_THREADS = """
import os, sys, threading
from hipaa_sra.errors import LoadError
from hipaa_sra.loading.parse import parse_yaml

before = os.fstat(2)
sys.setswitchinterval(1e-6)  # a thread switch between any two steps, as often as it can


def parse_many() -> None:
    for n in range(300):
        try:
            parse_yaml(b"- id: a\\n" if n % 2 else b"- id: a\\n b: c\\n", "r.yaml")
        except LoadError:
            pass


threads = [threading.Thread(target=parse_many) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
after = os.fstat(2)
print((before.st_dev, before.st_ino) == (after.st_dev, after.st_ino))
"""


def test_threads_parsing_at_once_leave_fd_2_where_it_was(tmp_path: Path) -> None:
    # The web app parses in several threads. Each silences fd 2 around the parser; if two
    # interleave, the last to finish can put back the /dev/null the other put there, and
    # every later error of the process goes nowhere. A process of its own, so that this
    # one's fd 2 and thread switching are left alone.
    with (tmp_path / "stderr").open("w") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", _THREADS], stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    assert done.stdout.strip() == "True"
