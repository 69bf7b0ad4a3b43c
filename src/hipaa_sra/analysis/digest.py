"""A canonical digest of a workspace's content: what a sign-off signs and verification re-checks.

The digest is taken over the validated records, not over file bytes, so it is stable under
everything that does not change meaning: reformatting, comments, key order, quoting style,
writing a default value or leaving it out (`status: planned`), a level synonym (`medium`
for `moderate`), and moving records between files or renaming a file. Any change of a value
changes it. Sign-off records are excluded: signing must not change what was signed.

Each record is hashed on its own (`object_digests`), keyed `<kind>/<id>` (`risks/RR-1`,
`assets/db`) or `sra.yaml`; the workspace digest hashes the sorted list of those, so a
stored map of object digests says which records changed since a signature (`digest_diff`).
Records that failed validation are not in the workspace and so not in the digest; the
loader reports them as errors, and a workspace with errors should not be signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from ..model import MANIFEST_FILE, Workspace

DIGEST_VERSION = "hipaa-sra-digest-v1"
"""Mixed into every workspace digest, so a change of canonical form can never collide."""
ALGORITHM = "sha256"


def canonical_json(record: BaseModel) -> str:
    """A record as canonical JSON: YAML aliases, defaults left out, keys sorted, no spaces."""
    data = record.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_digest(key: str, record: BaseModel) -> str:
    """Hex sha256 of one record under its key (`risks/RR-1`, `sra.yaml`)."""
    payload = f"{key}\0{canonical_json(record)}".encode()
    return hashlib.sha256(payload).hexdigest()


def _records(ws: Workspace) -> Iterable[tuple[str, BaseModel]]:
    if ws.manifest is not None:
        yield MANIFEST_FILE, ws.manifest
    for kind, records in (("assets", ws.assets), ("flows", ws.flows), ("vendors", ws.vendors),
                          ("controls", ws.controls), ("risks", ws.risks)):  # fmt: skip
        for record in records:
            yield f"{kind}/{record.id}", record


def object_digests(ws: Workspace) -> dict[str, str]:
    """Hex digest per record key (`sra.yaml`, `risks/RR-1`, ...), sign-offs excluded."""
    found: dict[str, list[str]] = {}
    for key, record in _records(ws):
        found.setdefault(key, []).append(record_digest(key, record))
    # A duplicated id is a loader error, but its records still count as content; sorting
    # their digests keeps the result independent of which file was read first.
    return {
        key: hashes[0] if len(hashes) == 1 else _sha256("\n".join(sorted(hashes)))
        for key, hashes in found.items()
    }


def digest_of(digests: Mapping[str, str]) -> str:
    """The workspace digest (`sha256:<hex>`) of a map of object digests."""
    lines = "".join(f"{key} {digests[key]}\n" for key in sorted(digests))
    return ALGORITHM + ":" + _sha256(DIGEST_VERSION + "\n" + lines)


def workspace_digest(ws: Workspace) -> str:
    """The canonical digest of everything in the workspace except sign-offs: `sha256:<hex>`."""
    return digest_of(object_digests(ws))


def same_digest(a: str, b: str) -> bool:
    """True if two written digests name the same content (algorithm prefix and case ignored)."""
    return _bare(a) == _bare(b)


@dataclass(frozen=True)
class DigestDiff:
    """Which records differ between two maps of object digests."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """Every differing key, sorted."""
        return tuple(sorted((*self.added, *self.removed, *self.changed)))

    def __bool__(self) -> bool:
        """True when anything differs."""
        return bool(self.added or self.removed or self.changed)


def digest_diff(old: Mapping[str, str], new: Mapping[str, str]) -> DigestDiff:
    """The record keys added, removed and changed from `old` to `new` (each sorted)."""
    return DigestDiff(
        added=tuple(sorted(key for key in new if key not in old)),
        removed=tuple(sorted(key for key in old if key not in new)),
        changed=tuple(sorted(key for key in new if key in old and old[key] != new[key])),
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _bare(digest: str) -> str:
    text = digest.strip().lower()
    prefix = ALGORITHM + ":"
    return text[len(prefix) :] if text.startswith(prefix) else text
