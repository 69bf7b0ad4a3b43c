"""Values made inert for a terminal: no escape sequence a workspace value holds reaches it.

A value such as `"\\e]0;title\\a"` (an OSC sequence: window title, hyperlinks, even the
clipboard in some terminals) or `"\\e[2J"` (a CSI sequence: clear the screen) is valid YAML
and passes through every model that accepts text. Click strips CSI sequences only when the
output is not a terminal, and never OSC ones; text formats pass every value through `inert`
before adding their own colours.
"""

from __future__ import annotations

import re

# OSC, DCS, SOS, PM and APC run to BEL or ST (ESC \ or 0x9c); unterminated, to the end.
_STRING_SEQUENCE = "(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\\\|\x9c)?"
_CSI = "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]?"
_OTHER_ESCAPE = "\x1b[ -/]*[0-~]?"
_SEQUENCES = re.compile(f"{_STRING_SEQUENCE}|{_CSI}|{_OTHER_ESCAPE}")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (a file name, a git path)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str) -> str:
    """`text` without escape sequences, other control characters shown as `\\xNN`.

    Tabs and line breaks stay: multi-line messages are laid out with them.
    """
    if text.isprintable():
        return text
    return _CONTROL.sub(_shown, _SEQUENCES.sub("", text))
