"""File names as they can be shown, and whether one is UTF-8.

Linux allows any bytes in a file name; Python hands the ones that are not UTF-8 to us
surrogate-escaped. The loader, `sra scan`, `sra deidentify` and `sra history` show such names
the same way, and the readers that open files by a UTF-8 path only (polars, SQLite) refuse
them by name rather than fail inside.
"""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """A file name as it can be shown: undecodable bytes and control characters as `\\xNN`."""
    if text.isprintable():
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def is_utf8(name: str) -> bool:
    """True unless `name` holds bytes that are not UTF-8 (surrogate-escaped by Python)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
