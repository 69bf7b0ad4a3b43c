"""Files that come with an edit (evidence, a signed BAA): checked, named here, written with it.

A document uploaded through the web app is never trusted for its name or its claimed type:
its type is told from its content (libmagic) and must be on `DOCUMENT_TYPES`, its size is
capped, and it is stored under a name made here (`evidence/<date>-<label>-<random>.<ext>`),
never one from the request. `apply_changes(..., new_files=...)` writes it in the same
all-or-nothing swap as the YAML that records it, and commits both.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from ..model import KIND_BY_FOLDER, MANIFEST_FILE
from .changes import EditError

ATTACHMENT_FOLDER = "evidence"
"""Workspace folder of stored documents (the loader reads no YAML from it)."""

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
"""Larger documents are refused: evidence is a report or a scan, not a data export."""

DOCUMENT_TYPES: Mapping[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}
"""Content types accepted, as libmagic names them, and the extension a stored file gets."""


@dataclass(frozen=True)
class Attachment:
    """A document checked and named for storing: where it goes, what it is, its digest."""

    path: str
    """Workspace-relative, `/`-separated: `evidence/2026-03-01-ctl-mfa-3f9a0c1d2b4e5f60.pdf`."""
    content_type: str
    size: int
    sha256: str
    """Hex SHA-256 of the bytes, as recorded in the YAML that refers to the file."""
    data: bytes


def content_type(data: bytes) -> str:
    """The type libmagic reads from the content (`application/pdf`), whatever the file's name."""
    import magic  # libmagic is loaded only when a document is checked

    return str(magic.from_buffer(data[:65536], mime=True))


def _label(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "document"


def prepare_attachment(data: bytes, label: str, today: date) -> Attachment:
    """Check `data` (size, type by content) and name it; `EditError` saying what is accepted."""
    if not data:
        raise EditError("the file is empty; choose the document to attach")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise EditError(
            f"the file is {len(data):,} bytes; documents of at most "
            f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB are accepted"
        )
    kind = content_type(data)
    extension = DOCUMENT_TYPES.get(kind)
    if extension is None:
        accepted = ", ".join(sorted(set(DOCUMENT_TYPES.values())))
        raise EditError(
            f"the file's content is {kind}, which is not accepted; expected a "
            f"document: {accepted} (told from the content, not the name)"
        )
    name = f"{today.isoformat()}-{_label(label)}-{secrets.token_hex(8)}.{extension}"
    return Attachment(
        f"{ATTACHMENT_FOLDER}/{name}", kind, len(data), hashlib.sha256(data).hexdigest(), data
    )


def place_new_files(root: Path, new_files: Mapping[str, bytes]) -> dict[Path, tuple[bytes, None]]:
    """Where each new file goes, refusing any path outside the workspace, loaded, or taken."""
    placed: dict[Path, tuple[bytes, None]] = {}
    real_root = root.resolve()
    for rel_text, data in new_files.items():
        rel = PurePosixPath(rel_text)
        problem = None
        if rel.is_absolute() or ".." in rel.parts or "\\" in rel_text or not rel.parts:
            problem = "must be a path inside the workspace"
        elif any(part.startswith(".") for part in rel.parts):
            problem = "names starting with a dot are the tool's own"
        elif rel.parts[0] in KIND_BY_FOLDER or rel.as_posix() == MANIFEST_FILE:
            problem = "the loader reads that folder; documents go elsewhere"
        path = root.joinpath(*rel.parts)
        if problem is None and not path.parent.resolve().is_relative_to(real_root):
            problem = "it leads outside the workspace"
        if problem is None and (path.exists() or path.is_symlink()):
            problem = "a file of that name exists; nothing is overwritten"
        if problem is not None:
            raise EditError(f"{rel_text}: cannot store a file there: {problem}")
        placed[path] = (data, None)
    return placed
