"""The workspace files an edit reads: their bytes and digest as read, their text, their records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import LoadError
from ..loading import parse_yaml
from ..loading.discover import YAML_SUFFIXES, SourceFile, display_path, list_files
from ..loading.read import read_file
from ..loading.text import decode_utf8
from ..model import KIND_BY_FOLDER, KIND_BY_NAME, MANIFEST_FILE, Kind
from ..writing.unchanged import data_digest
from .changes import EditError


@dataclass
class Source:
    """One file as read for an edit (or about to be created: `digest` is None then)."""

    path: Path
    rel: str
    """Workspace-relative, `/`-separated."""
    kind: Kind | None
    """None for sra.yaml."""
    raw: bytes
    digest: str | None
    text: str
    """The decoded text with `\\n` line breaks and no byte-order mark."""
    newline: str
    bom: bool
    data: Any
    """What the loader reads from the file."""

    @property
    def shown(self) -> str:
        """The path as messages show it."""
        return display_path(self.path)

    def encode(self, text: str) -> bytes:
        """`text` (with `\\n` breaks) in the file's own line breaks and byte-order mark."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise EditError(
                f"{self.shown}: not written: a value holds {exc.object[exc.start]!r}, "
                "which UTF-8 cannot encode"
            ) from None
        return b"\xef\xbb\xbf" + data if self.bom else data


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    if crlf > max(cr, lf):
        return "\r\n"
    return "\r" if cr > lf else "\n"


def kind_named(name: str) -> Kind:
    """The kind `name` means (`risks` or its folder `register`); `EditError` if none."""
    kind = KIND_BY_NAME.get(name) or KIND_BY_FOLDER.get(name)
    if kind is None:
        raise EditError(
            f"{name!r} is not a kind of record; expected one of {', '.join(KIND_BY_NAME)}"
        )
    return kind


_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*")
"""Ids that YAML cannot fold or spell otherwise (the model's id pattern); any other id is
looked for by parsing every file."""


class Files:
    """Reads each workspace file at most once per edit, and finds records in them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._listing: list[SourceFile] | None = None
        self._sources: dict[Path, Source] = {}

    def listing(self) -> list[SourceFile]:
        """The files the loader reads, in load order."""
        if self._listing is None:
            self._listing = list_files(self.root)
        return self._listing

    def source(self, path: Path, kind: Kind | None) -> Source:
        """The file at `path` as it is now; an empty `Source` if it does not exist yet."""
        path = path.absolute()
        if path in self._sources:
            return self._sources[path]
        rel = path.relative_to(self.root.absolute()).as_posix()
        shown = display_path(path)
        if path.is_symlink():
            # Write the file the link names, so that the link (and any other name) stays.
            path = path.resolve()
            if not path.is_relative_to(self.root.resolve()):
                raise EditError(f"{shown}: links outside the workspace; not editing it")
        if not path.exists() and not path.is_symlink():
            source = Source(path, rel, kind, b"", None, "", "\n", False, None)
        else:
            try:
                raw = read_file(path, shown)
                body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
                decoded = decode_utf8(body, shown)
                text = decoded.replace("\r\n", "\n").replace("\r", "\n")
                data = parse_yaml(text.encode("utf-8"), shown)  # line breaks as the loader reads
            except LoadError as exc:
                problems = tuple(error.render() for error in exc.errors)
                raise EditError(
                    f"{shown}: cannot edit a file the loader cannot read; fix it first", problems
                ) from None
            newline = _newline(decoded)
            source = Source(
                path,
                rel,
                kind,
                raw,
                data_digest(raw),
                text,
                newline,
                raw.startswith(b"\xef\xbb\xbf"),
                data,
            )
        self._sources[path] = source
        return source

    def manifest(self) -> Source:
        """sra.yaml."""
        return self.source(self.root / MANIFEST_FILE, None)

    def target(self, kind: Kind, file: str | None) -> Source:
        """The file new records of `kind` go to: `file`, or `<folder>/<folder>.yaml`."""
        rel = PurePosixPath(file if file is not None else f"{kind.folder}/{kind.folder}.yaml")
        problem = None
        if rel.is_absolute() or ".." in rel.parts:
            problem = "must be a path inside the workspace"
        elif len(rel.parts) < 2 or rel.parts[0] != kind.folder:
            problem = f"{kind.name} are read from the folder {kind.folder}/ only"
        elif any(part.startswith(".") for part in rel.parts):
            problem = "the loader skips names starting with a dot"
        elif rel.suffix not in YAML_SUFFIXES:
            problem = f"the loader reads files ending in {' or '.join(YAML_SUFFIXES)} only"
        path = self.root.joinpath(*rel.parts)
        if (
            problem is None
            and path.exists()
            and not path.resolve().is_relative_to(self.root.resolve())
        ):
            problem = "it links outside the workspace"
        if problem is not None:
            raise EditError(f"{rel}: cannot add {kind.name} there: {problem}")
        return self.source(path, kind)

    def records(self, kind: Kind) -> list[Source]:
        """Every file of `kind`, in load order."""
        return [self.source(item.path, kind) for item in self.listing() if item.kind is kind]

    def find(self, kind: Kind, record_id: str) -> tuple[Source, int]:
        """The file and position of the record the workspace indexes under `record_id`.

        The first record with that id in load order, as the loader's index has it. Only the
        files that can hold it are parsed: parsing every file of a 50,000-risk register to
        change one row takes seconds.
        """
        for item in self.listing():
            if item.kind is not kind or not self._may_hold(item.path, record_id):
                continue
            source = self.source(item.path, kind)
            for index, record in enumerate(source.data if isinstance(source.data, list) else ()):
                if isinstance(record, dict) and record.get("id") == record_id:
                    return source, index
        raise EditError(f"{kind.name} {record_id}: no such record in {display_path(self.root)}")

    def _may_hold(self, path: Path, record_id: str) -> bool:
        """False only when the file cannot hold the id: its bytes lack it and any escape."""
        if path.absolute() in self._sources or not _PLAIN_ID.fullmatch(record_id):
            return True
        try:
            raw = path.read_bytes()
        except OSError:
            return True  # reading it again reports the problem where it is
        # A plain id (letters, digits, . _ : / @ + -) can be spelled in YAML only as itself,
        # except through a backslash escape in a double-quoted scalar.
        return record_id.encode("utf-8") in raw or b"\\" in raw

    def ids(self) -> dict[str, tuple[Kind, Source, int]]:
        """Every record id in the workspace, where it is first defined."""
        found: dict[str, tuple[Kind, Source, int]] = {}
        for item in self.listing():
            if item.kind is None or not item.kind.has_ids:
                continue
            source = self.source(item.path, item.kind)
            for index, record in enumerate(source.data if isinstance(source.data, list) else ()):
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    found.setdefault(record["id"], (item.kind, source, index))
        return found
