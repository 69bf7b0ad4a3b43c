"""Byte prescans that choose a file's parse route before any tree is walked.

`parse.py` takes the JSON route (rapidyaml emits JSON, the C decoder builds the objects)
unless a file might hold something that route reads differently from the exact walk:
anchors, aliases, tags or complex keys (`needs_checks`), or a plain scalar whose meaning
the route would change (`ambiguous`). Both answers are those of the regular expressions
below; the functions only get there faster. A regular expression that begins with a
character class tries every offset of the file in Python's engine, while `bytes.find`,
`lower` run at memory speed in C. `needs_checks` needs no expression at all;
`ambiguous` keeps its expression, with a lookahead that rejects most offsets in one class
test, and runs the key expression only where `inf` or `nan` stands as a word (not in
`maintenance` or `financial`, which every register has). On the seed-shaped register the
two scans were a fifth of a cold lint.
"""

from __future__ import annotations

import re

SPECIAL_AFTER = frozenset(b" \t\r\n[{,:")
"""What may precede an indicator; `:` too, since in flow style a value may follow a quoted
key with no space (`{"k":*a}`)."""
_SPACE = frozenset(b" \t\n\r\x0b\x0c")
"""What `\\s` matches in a bytes pattern."""

AMBIGUOUS_VALUE = re.compile(
    # The lookahead holds the first character of every alternative: most `:` and `-` of a
    # file are followed by text, and one class test rejects them before the alternation.
    rb"[:\-\[{,?][ \t]*(?=[~TFNIin.+\-0-9])"
    rb"(?:~|True|TRUE|False|FALSE|Null|NULL|[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)"
    rb"|0x[0-9A-Fa-f]+|[-+]?[0-9][0-9.]*[eE][-+]?[0-9]+|\+[0-9.]+)[ \t]*(?:\r?$|[,\]}:]| #)",
    re.M,
)
"""Plain scalars whose meaning the JSON route would change; their files take the exact walk."""
AMBIGUOUS_KEY = re.compile(
    rb"^[ \t]*(?:-[ \t]+)*[-+]?\.?(?:inf|Inf|INF|nan|NaN|NAN)[ \t]*:(?:[ \t]|\r?$)", re.M
)
"""rapidyaml also rewrites block keys such as `inf:` to `.inf`."""

_WORD_BEFORE = frozenset(b" \t\n:-[{,?+.")
"""What may stand before `inf` or `nan` in a match: a separator, a sign or the dot."""
_WORD_AFTER = frozenset(b" \t\r\n,]}:")
"""What may follow it: spaces, the end of the line or of a flow item, or a key's colon."""


def needs_checks(data: bytes) -> bool:
    """True if an indicator of an anchor, alias, tag or complex key (`&`, `*`, `!`, or `?`
    and a space) follows whitespace or a flow bracket somewhere."""
    for char in b"&*!?":
        at = data.find(char)
        while at >= 0:
            if (at == 0 or data[at - 1] in SPECIAL_AFTER) and (
                char != ord("?") or (at + 1 < len(data) and data[at + 1] in _SPACE)
            ):
                return True
            at = data.find(char, at + 1)
    return False


def _float_word(data: bytes) -> bool:
    """True if `inf` or `nan` (in any case) stands as a word of its own, not in `maintenance`.

    Every match of AMBIGUOUS_KEY holds one; the ordinary words that hold one are common in
    register text, and this test is a fraction of the cost of the key expression.
    """
    lowered = data.lower()  # the bytes around a word are not letters, so they stay as they are
    for word in (b"inf", b"nan"):
        at = lowered.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or lowered[at - 1] in _WORD_BEFORE) and (
                end == len(lowered) or lowered[end] in _WORD_AFTER
            ):
                return True
            at = lowered.find(word, end)
    return False


def ambiguous(data: bytes) -> bool:
    """True if the JSON route could read some plain scalar differently from the exact walk."""
    if AMBIGUOUS_VALUE.search(data) is not None:
        return True
    return _float_word(data) and AMBIGUOUS_KEY.search(data) is not None
