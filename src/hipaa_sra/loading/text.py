"""Byte-level helpers shared by the parser and the source map: decoding, line breaks, positions."""

from __future__ import annotations

from ..errors import LoadError


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return line, column


def decode_utf8(data: bytes, path: str) -> str:
    """Decode UTF-8 or raise `LoadError` pointing at the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        raise LoadError(
            path,
            f"byte 0x{data[exc.start]:02x} is not UTF-8; workspace files must be UTF-8 text",
            line,
            col,
            "re-save the file as UTF-8",
        ) from None


def normalise_newlines(data: bytes) -> bytes:
    """CRLF and lone CR as LF, as YAML reads line breaks; positions then count lines alike."""
    if b"\r" not in data:
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
