"""Open an input file as UTF-8 bytes whatever its encoding, and turn parse errors into positions.

Terraform plans saved by PowerShell (`terraform show -json > plan.json`) are UTF-16 with a
byte-order mark; editors add a UTF-8 BOM. JSON inputs are streamed, so the transcoding is
incremental too: memory stays bounded however large the file.
"""

from __future__ import annotations

import codecs
import json
import os
from pathlib import Path
from typing import BinaryIO

from .errors import DiscoveryError

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""Inputs read whole (YAML, HCL, JSON that is not a Terraform plan or state) stop here;
CloudFormation templates are limited to 1 MB and manifests are far smaller."""

_CHUNK = 1 << 16


class _Transcoder:
    """A read-only binary stream of UTF-8 bytes over a file in another encoding."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._buffer = b""
        self._done = False

    def read(self, size: int = -1) -> bytes:
        if size < 0:  # the rest at once: joined once, not grown chunk by chunk
            parts = [self._buffer]
            while not self._done:
                parts.append(self._next())
            self._buffer = b""
            return b"".join(parts)
        while not self._done and len(self._buffer) < size:
            self._buffer += self._next()
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def _next(self) -> bytes:
        chunk = self._raw.read(_CHUNK)
        self._done = not chunk
        return self._decoder.decode(chunk, final=self._done).encode("utf-8")

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> _Transcoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sniff_encoding(head: bytes) -> tuple[str, int]:
    """The encoding of a file starting with `head`, and the length of its byte-order mark."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] and head[2]:
        return "utf-16-le", 0
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] and head[3]:
        return "utf-16-be", 0
    return "utf-8", 0


def open_utf8(path: Path) -> BinaryIO | _Transcoder:
    """The file's content as a stream of UTF-8 bytes, without any byte-order mark."""
    raw = _open_regular(path)
    head = raw.read(4)
    encoding, bom = sniff_encoding(head)
    raw.seek(bom)
    if encoding == "utf-8":
        return raw
    return _Transcoder(raw, encoding)


def read_text(path: Path) -> str:
    """The whole file as text (any of the sniffed encodings), refusing oversized files."""
    raw = _open_regular(path)
    with raw:
        data = raw.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DiscoveryError(
            path,
            f"file is larger than {MAX_DOCUMENT_BYTES // 2**20} MB, the "
            "limit for templates and manifests",
            hint="only Terraform plan and state JSON may be larger",
        )
    encoding, bom = sniff_encoding(data[:4])
    try:
        return data[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DiscoveryError(
            path,
            f"not valid {encoding.upper()} text (byte {exc.start})",
            line,
            hint="save the file as UTF-8",
        ) from None


def _open_regular(path: Path) -> BinaryIO:
    try:
        # Not a context manager: the caller owns the handle. O_NONBLOCK: a FIFO must not hang.
        handle = open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NONBLOCK))  # noqa: SIM115
    except FileNotFoundError:
        raise DiscoveryError(path, "no such file or directory") from None
    except IsADirectoryError:
        raise DiscoveryError(path, "is a directory with no Terraform files (*.tf)") from None
    except OSError as exc:
        raise DiscoveryError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not os.path.isfile(path):
        handle.close()
        raise DiscoveryError(path, "is not a regular file")
    return handle


def json_error(path: Path, reason: object) -> DiscoveryError:
    """A parse error at its line and column (re-read with `json` when the file is small)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = MAX_DOCUMENT_BYTES + 1
    if size <= MAX_DOCUMENT_BYTES:
        try:
            json.loads(read_text(path))
        except json.JSONDecodeError as exc:
            return DiscoveryError(
                path,
                f"not valid JSON: {exc.msg}",
                exc.lineno,
                exc.colno,
                hint="regenerate it with `terraform show -json`",
            )
        except DiscoveryError as exc:
            return exc
    first = str(reason).strip().splitlines()[0] if str(reason).strip() else "parse error"
    return DiscoveryError(
        path, f"not valid JSON: {first}", hint="regenerate it with `terraform show -json`"
    )
