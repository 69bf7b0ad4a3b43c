"""Find a workspace and list its files by kind."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError, WorkspaceNotFound
from ..model import KIND_BY_FOLDER, MANIFEST_FILE, Kind

DEFAULT_DIR = "sra"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A workspace file: where it is, what kind it holds (`None` for sra.yaml)."""

    path: Path
    rel: str
    kind: Kind | None


def find_workspace(explicit: Path | None = None, start: Path | None = None) -> Path:
    """`explicit` if given, else `./sra/`, else the nearest directory upwards with `sra.yaml`."""
    if explicit is not None:
        if not explicit.exists():
            raise WorkspaceNotFound(f"{explicit}: no such directory")
        if not explicit.is_dir():
            raise WorkspaceNotFound(f"{explicit}: not a directory; expected a workspace directory")
        return explicit
    here = (start or Path.cwd()).resolve()
    if (here / DEFAULT_DIR / MANIFEST_FILE).exists():
        return here / DEFAULT_DIR
    for directory in (here, *here.parents):
        if (directory / MANIFEST_FILE).exists():
            return directory
    raise WorkspaceNotFound(
        f"{here}: no workspace here (no ./{DEFAULT_DIR}/{MANIFEST_FILE}, and no {MANIFEST_FILE} "
        "in this or any parent directory); create one with `sra init` or pass --workspace DIR"
    )


def list_files(root: Path) -> list[SourceFile]:
    """Every workspace file, manifest first, then kind folders in load order, sorted by path."""
    manifest = root / MANIFEST_FILE
    if not manifest.exists():
        if not any(root.iterdir()):
            raise LoadError(
                manifest, f"the workspace {root} is empty; expected {MANIFEST_FILE}",
                hint="run `sra init` to create one",
            )
        raise LoadError(
            manifest, f"no {MANIFEST_FILE}; every workspace starts with one",
            hint="run `sra init` in an empty directory to see the layout",
        )
    if manifest.is_dir():
        raise LoadError(manifest, f"{MANIFEST_FILE} is a directory; expected a YAML file")
    files = [SourceFile(manifest, MANIFEST_FILE, None)]
    for entry in sorted(root.iterdir()):
        name = entry.name
        if name.startswith(".") or name == MANIFEST_FILE:
            continue
        kind = KIND_BY_FOLDER.get(name)
        if entry.is_dir() and kind is not None:
            files.extend(_kind_files(root, entry, kind))
        elif entry.suffix in YAML_SUFFIXES or (entry.is_dir() and _has_yaml(entry)):
            close = difflib.get_close_matches(name.removesuffix(entry.suffix), KIND_BY_FOLDER, 1)
            hint = f"did you mean {close[0]}/?" if close else None
            raise LoadError(
                entry.relative_to(root),
                f"{name} is not part of a workspace; expected sra.yaml and the folders "
                f"{', '.join(KIND_BY_FOLDER)}",
                hint=hint,
            )
    return files


def _has_yaml(directory: Path) -> bool:
    return any(p.suffix in YAML_SUFFIXES for p in directory.rglob("*"))


def _kind_files(root: Path, folder: Path, kind: Kind) -> list[SourceFile]:
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.suffix not in YAML_SUFFIXES:
            continue
        if path.is_dir():
            raise LoadError(rel, f"{rel} is a directory; expected a YAML file")
        files.append(SourceFile(path, rel, kind))
    return files
