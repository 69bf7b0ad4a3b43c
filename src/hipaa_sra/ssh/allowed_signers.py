"""Read an OpenSSH allowed-signers file: the principals every line lists for a given key.

`ssh-keygen -Y verify` answers whether a key may sign for one identity; it cannot say
for whom else the same key is listed, and `ssh-keygen -Y find-principals` stops at the
first matching line. Whether a key belongs to one person only (`analysis.signers`) needs
every line, so this reads the file itself, in the format of ssh-keygen(1), ALLOWED
SIGNERS: `principals [options] keytype base64-key [comment]`, `#` comments, quoted fields.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

MAX_BYTES = 4 * 1024 * 1024
"""A larger allowed-signers file is not read (thousands of keys take kilobytes)."""

_TOKEN = re.compile(r'(?:"[^"]*"|[^\s"])+')
_KEY_TYPE = re.compile(r"(?:ssh-|ecdsa-|sk-)\S+\Z")


def fingerprint(blob: str) -> str | None:
    """OpenSSH's SHA256 fingerprint of a base64 public key blob, or None if not base64."""
    try:
        raw = base64.b64decode(blob, validate=True)
    except (binascii.Error, ValueError):
        return None
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def _principals(field: str) -> tuple[str, ...]:
    return tuple(part for part in field.replace('"', "").split(",") if part)


def listings(text: str, key: str) -> tuple[tuple[str, ...], ...]:
    """The principals of every line of an allowed-signers text that lists the key `key`."""
    found = []
    for line in text.splitlines():
        tokens = _TOKEN.findall(line)
        if not tokens or tokens[0].startswith("#"):
            continue
        # After the principals: an optional options field, then the key type and the key.
        at = next((i for i, token in enumerate(tokens[1:3], 1) if _KEY_TYPE.match(token)), None)
        if at is None or at + 1 >= len(tokens):
            continue  # not a key line; ssh-keygen reports such lines itself
        if fingerprint(tokens[at + 1]) == key:
            found.append(_principals(tokens[0]))
    return tuple(found)


def key_listings(path: Path, key: str) -> tuple[tuple[str, ...], ...] | str:
    """`listings` of the file at `path`, or why it cannot be read."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return f"the allowed-signers file {path} is larger than {MAX_BYTES} bytes"
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        return f"the allowed-signers file {path} cannot be read: {exc.strerror or exc}"
    return listings(text, key)
