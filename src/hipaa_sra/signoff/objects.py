"""The per-record digests of signed content, kept beside sign-offs so `sra verify` can name changes.

A sign-off signs one workspace digest; which records changed since can only be told from the
digest of every record at signing time. On a large workspace that map is big (one line per
asset, flow, control and risk), so it lives in a JSON file in `signoffs/`, named after the
digest it belongs to: every sign-off over the same content shares one file. It is an
explanation, never a credential: it is trusted only when its digests hash (`digest_of`) to
the digest the record states (and the signature covers), so an edited file can neither
hide nor invent a change.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..analysis.digest import digest_of, same_digest
from ..analysis.signoff_status import canonical_digest
from ..errors import TargetExists, WriteError
from ..model import KIND_BY_NAME, Signoff, Workspace
from ..writing import write_new

OBJECTS_FORMAT = "hipaa-sra-objects-v1"
"""The `format` of an object-digest file."""
MAX_OBJECTS_BYTES = 512 * 1024 * 1024
"""Refuse to read a larger file: 100,000s of records take tens of megabytes, not hundreds."""


def signoffs_dir(ws: Workspace) -> Path:
    """The `signoffs/` folder of a workspace."""
    return ws.root / KIND_BY_NAME["signoffs"].folder


def objects_file_name(digest: str) -> str:
    """File name (in signoffs/) of the object digests of `digest`: `objects-<16 hex>.json`."""
    return f"objects-{canonical_digest(digest).split(':', 1)[1][:16]}.json"


def objects_json(digest: str, digests: Mapping[str, str]) -> bytes:
    """The file's bytes: one record per line, sorted, so git diffs between rounds read well."""
    document = {
        "format": OBJECTS_FORMAT,
        "digest": canonical_digest(digest),
        "objects": dict(sorted(digests.items())),
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ObjectMap:
    """The object digests a sign-off was made over, or why they cannot be trusted."""

    digests: dict[str, str] | None
    problem: str | None = None
    """Why `digests` is None: no file, unreadable, or not matching the signed digest."""


def read_objects(path: Path, digest: str) -> ObjectMap:
    """The object digests in `path`, trusted only if they hash to `digest`."""
    shown = _display(path)
    try:
        if path.stat().st_size > MAX_OBJECTS_BYTES:
            return ObjectMap(None, f"{shown} is larger than {MAX_OBJECTS_BYTES} bytes; not read")
        document = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return ObjectMap(None, f"{shown} does not exist")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return ObjectMap(None, f"{shown} cannot be read: {exc}")
    objects = document.get("objects") if isinstance(document, dict) else None
    if not isinstance(objects, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in objects.items()
    ):
        return ObjectMap(None, f"{shown} is not an object-digest file ({OBJECTS_FORMAT})")
    if not same_digest(digest_of(objects), digest):
        return ObjectMap(
            None,
            f"{shown} does not hash to the signed digest; it was altered "
            "after signing and is not trusted",
        )
    return ObjectMap(dict(objects))


def _display(path: Path) -> str:
    """The path as the loader shows file names: relative to the working directory if inside."""
    absolute = path.absolute()
    cwd = Path.cwd()
    return (absolute.relative_to(cwd) if absolute.is_relative_to(cwd) else absolute).as_posix()


def signed_objects(ws: Workspace, signoff: Signoff) -> ObjectMap:
    """The object digests a sign-off names in `objects`, checked against its digest."""
    name = signoff.objects
    if not name:
        return ObjectMap(None, "the record names no object-digest file (`objects`)")
    rel = PurePosixPath(name)
    # The name comes from a workspace file: keep it inside signoffs/.
    if rel.is_absolute() or ".." in rel.parts or "\\" in name:
        return ObjectMap(None, f"`objects: {name}` must name a file inside signoffs/")
    return read_objects(signoffs_dir(ws).joinpath(*rel.parts), signoff.digest)


def write_objects(ws: Workspace, digest: str, digests: Mapping[str, str]) -> Path:
    """Write (or reuse, when already there and intact) the object-digest file of `digest`."""
    path = signoffs_dir(ws) / objects_file_name(digest)
    data = objects_json(digest, digests)
    # Another signer of the same content may have written it first: theirs is checked below.
    with contextlib.suppress(TargetExists):
        write_new(path, data)
        return path
    existing = read_objects(path, digest)
    if existing.digests is None:
        raise WriteError(f"{existing.problem}; move it aside and sign again")
    return path
