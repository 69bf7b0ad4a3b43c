"""The byte prescans choose the same parse route as the regular expressions they stand for."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_sra.loading.parse import parse_yaml
from hipaa_sra.loading.prescan import ambiguous, needs_checks

# The prescans as they were written before the byte searches: the reference answers.
_SPECIAL_CHARS = re.compile(rb"[&*!]|\?\s")
_SPECIAL_AFTER = frozenset(b" \t\r\n[{,:")
_AMBIGUOUS_VALUE = re.compile(
    rb"[:\-\[{,?][ \t]*(?:~|True|TRUE|False|FALSE|Null|NULL|[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)"
    rb"|0x[0-9A-Fa-f]+|[-+]?[0-9][0-9.]*[eE][-+]?[0-9]+|\+[0-9.]+)[ \t]*(?:\r?$|[,\]}:]| #)",
    re.M,
)
_FLOAT_WORDS = (b"inf", b"Inf", b"INF", b"nan", b"NaN", b"NAN")
_AMBIGUOUS_KEY = re.compile(
    rb"^[ \t]*(?:-[ \t]+)*[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)[ \t]*:(?:[ \t]|\r?$)", re.M
)


def _needs_checks_regex(data: bytes) -> bool:
    for match in _SPECIAL_CHARS.finditer(data):
        at = match.start()
        if at == 0 or data[at - 1] in _SPECIAL_AFTER:
            return True
    return False


def _ambiguous_regex(data: bytes) -> bool:
    if _AMBIGUOUS_VALUE.search(data) is not None:
        return True
    return any(w in data for w in _FLOAT_WORDS) and _AMBIGUOUS_KEY.search(data) is not None


# Pieces that sit on either side of every decision the scans make: separators, signs,
# numbers with exponents, the special words inside and outside longer words, indicators.
_PIECES = [
    "- ",
    "-",
    ": ",
    ":",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "?",
    "? ",
    "?\t",
    "&",
    "&a ",
    "*",
    "*a",
    "!",
    "!!str ",
    "~",
    "True",
    "TRUE",
    "true",
    "False",
    "FALSE",
    "Null",
    "NULL",
    "null",
    "inf",
    "Inf",
    "INF",
    ".inf",
    "-.inf",
    "+.Inf",
    "nan",
    "NaN",
    ".NAN",
    "maintenance",
    "information",
    "financial",
    "0x1F",
    "0x",
    "1e5",
    "1E+5",
    "1.5e-3",
    ".5e3",
    "12",
    "1.2+",
    "+12",
    "+.5",
    "2026-05-16",
    "e",
    "E",
    "x",
    " #",
    "#",
    ".",
    "+",
    "key",
    "a:b",
    '"q"',
    "'s'",
    "TLS 1.2+ on",
    "RR-2026-00001",
    "SELECT *",
]
_texts = st.one_of(
    st.lists(st.sampled_from(_PIECES), max_size=14).map("".join),
    st.text(alphabet=" \t\n\r:-[]{},?&*!~.+eEx0123456789TrueFalsNulinfaI#'\"", max_size=40),
)


@settings(max_examples=3000, deadline=None)
@given(_texts)
def test_needs_checks_answers_as_the_regex_did(text: str) -> None:
    data = text.encode()
    assert needs_checks(data) is _needs_checks_regex(data)


@settings(max_examples=3000, deadline=None)
@given(_texts)
def test_ambiguous_answers_as_the_regex_did(text: str) -> None:
    data = text.encode()
    assert ambiguous(data) is _ambiguous_regex(data)


def test_the_tricky_lines_take_the_routes_they_took_before() -> None:
    tricky = [
        b"- id: a\n  note: ~\n",  # null by YAML 1.1 and 1.2 alike
        b"- id: a\n  x: True\n",
        b"- id: a\n  n: 1e5\n",  # text to us, a number to the JSON route
        b"- id: a\n  n: 1.5E+3 # a comment\n",
        b"- id: a\n  n: +12\n",
        b"- {id: a, n: .inf}\n",
        b"- id: a\n  inf: 1\n",  # rapidyaml rewrites the key to `.inf`
        b"- id: a\n  - nan: 1\n",
        b"- id: a\n  text: scheduled maintenance, information and finance\n",
        b"- id: a\n  text: TLS 1.2+ on every listener\n",
        b"- id: a\n  ref: *anchor\n",
        b"- id: a\n  text: patient_records.* rotated\n",
        b"- id: a\n  ? complex\n  : key\n",
        b"- id: a\n  text: why? because\n",
        b"- id: a\n  hex: 0x1F\n",
    ]
    for data in tricky:
        assert needs_checks(data) is _needs_checks_regex(data), data
        assert ambiguous(data) is _ambiguous_regex(data), data


def test_plain_words_that_hold_inf_or_nan_stay_on_the_fast_route() -> None:
    data = b"- id: a\n  text: maintenance window, information systems, financial data\n"
    assert not ambiguous(data)
    assert parse_yaml(data, "x.yaml") == [
        {"id": "a", "text": "maintenance window, information systems, financial data"}
    ]


def test_ambiguous_scalars_still_read_as_the_exact_walk_reads_them() -> None:
    data = b"- id: a\n  n: 1e5\n  t: True\n  z: ~\n  f: .inf\n  k: +12\n"
    assert parse_yaml(data, "x.yaml") == parse_yaml(data, "x.yaml", fast=False)
    assert parse_yaml(data, "x.yaml") == [
        {"id": "a", "n": "1e5", "t": True, "z": None, "f": float("inf"), "k": 12}
    ]
