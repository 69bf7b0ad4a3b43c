"""A canonical digest of a workspace's content: what a sign-off signs and verification re-checks.

The digest is taken over the validated records, not over file bytes, so it is stable under
everything that does not change meaning: reformatting, comments, key order, quoting style,
writing a default value or leaving it out (`status: planned`), a level synonym (`medium`
for `moderate`), and moving records between files or renaming a file. Any change of a value
changes it. Sign-off records are excluded: signing must not change what was signed.

Each record is hashed on its own (`object_digests`), keyed `<kind>/<id>` (`risks/RR-1`,
`assets/db`) or `sra.yaml`; the workspace digest hashes the sorted list of those, so a
stored map of object digests says which records changed since a signature (`digest_diff`).

What the models could not take counts too: every part of a record that failed validation
(an invalid value, an unknown key, an item that is not a mapping) is kept raw in
`Workspace.unusable`, and its canonical form (keys sorted, so key order and formatting
still do not matter) is folded into the digest of the record it belongs to. A record
without a valid id is keyed by its file and position (`risks/register/a.yaml#3`, as
`Workspace.record_key` names it), so moving it reads as removed and added. So nothing a
person wrote outside a sign-off escapes the digest. A workspace with no unusable part has
the same digest as before this rule existed, so sign-offs made earlier stay valid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..model import KIND_BY_NAME, MANIFEST_FILE, Unusable, Workspace

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
    for kind, records in (
        ("assets", ws.assets),
        ("flows", ws.flows),
        ("vendors", ws.vendors),
        ("controls", ws.controls),
        ("risks", ws.risks),
        ("answers", ws.answers),
        ("policies", ws.policies),
        ("training", ws.training),
    ):
        for record in records:
            # A record without a valid id is keyed by its place, as its unusable parts are.
            yield ws.record_key(kind, record), record


def _canonical(value: Any) -> Any:
    """A raw YAML value as JSON-able data in which every container is tagged.

    Tagging keeps a mapping apart from a list that looks like its encoding, and lets
    mappings with non-text keys be sorted too.
    """
    if value is None or isinstance(value, str | bool | float):
        return value
    if isinstance(value, int):
        # Decimal text of a huge integer hits Python's digit limit; hex has none.
        return value if value.bit_length() < 64 else ["int", hex(value)]
    if isinstance(value, Mapping):
        pairs = [[_canonical(key), _canonical(item)] for key, item in value.items()]
        pairs.sort(key=lambda pair: _dumps(pair[0]))
        return ["map", pairs]
    if isinstance(value, list | tuple):
        return ["list", [_canonical(item) for item in value]]
    return [type(value).__name__, str(value)]


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def unusable_digest(key: str, parts: Iterable[Unusable]) -> str:
    """Hex sha256 of the raw parts of one record that no model took, in any order."""
    lines = sorted(_dumps([list(part.path), _canonical(part.value)]) for part in parts)
    # The NUL-separated tag keeps this apart from `record_digest`, whose JSON has no NUL.
    return _sha256(f"{key}\0unusable\0" + "\n".join(lines))


def _unusable(ws: Workspace) -> dict[str, list[Unusable]]:
    signoffs = KIND_BY_NAME["signoffs"].name + "/"
    grouped: dict[str, list[Unusable]] = {}
    for part in ws.unusable:
        if not part.key.startswith(signoffs):  # sign-offs are never part of what is signed
            grouped.setdefault(part.key, []).append(part)
    return grouped


def object_digests(ws: Workspace) -> dict[str, str]:
    """Hex digest per record key (`sra.yaml`, `risks/RR-1`, ...), sign-offs excluded.

    A record's key covers its validated fields and the raw parts the models could not take.
    """
    found: dict[str, list[str]] = {}
    for key, record in _records(ws):
        found.setdefault(key, []).append(record_digest(key, record))
    for key, parts in _unusable(ws).items():
        found.setdefault(key, []).append(unusable_digest(key, parts))
    # A duplicated id is a loader error, but its records still count as content; sorting
    # their digests keeps the result independent of which file was read first. The same
    # joins a record's valid part with its unusable parts.
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
