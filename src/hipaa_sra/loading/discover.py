"""Find a workspace and walk it: the files to load, the paths to report, what cannot be read.

The walk never opens a file. It reads directories and file types only, so a named pipe or a
device in a kind folder is reported rather than read, and a symbolic link is followed only
when it stays inside the workspace (a link to `/etc/passwd` or `/dev/zero` is refused by name).
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, WorkspaceNotFound
from ..model import KIND_BY_FOLDER, MANIFEST_FILE, Kind
from ..names import is_utf8, printable
from .problems import NOT_A_REGULAR_FILE, UNEXPECTED_FILE
from .read import file_type

DEFAULT_DIR = "sra"
YAML_SUFFIXES = (".yaml", ".yml")

# Did-you-mean looks at folder names and at what they hold (`risks/` -> `register/`).
_FOLDER_BY_WORD = {
    **{word: kind.folder for kind in KIND_BY_FOLDER.values() for word in (kind.name, kind.noun)},
    **{folder: folder for folder in KIND_BY_FOLDER},
}


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A workspace file: where it is, what kind it holds (`None` for sra.yaml)."""

    path: Path
    rel: str
    kind: Kind | None


@dataclass(frozen=True, slots=True)
class Stray:
    """A path the walk did not load, reported as the loader finding `code` on `shown`."""

    code: str
    shown: str
    message: str


@dataclass
class Listing:
    """What a walk found: files to load, paths to report, paths that cannot be read."""

    files: list[SourceFile] = field(default_factory=list)
    strays: list[Stray] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


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


def display_path(path: Path) -> str:
    """The path as a user should see it: relative to the working directory when inside it."""
    absolute = path.absolute()
    cwd = Path.cwd()
    return printable(
        str(absolute.relative_to(cwd)) if absolute.is_relative_to(cwd) else str(absolute)
    )


def scan_workspace(root: Path) -> Listing:
    """Walk the workspace at `root`: manifest first, then kind folders in load order.

    Raises `LoadError` only when there is no manifest to load; every other problem is
    collected, so that one run reports all of them.
    """
    walk = _Walk(root)
    walk.manifest()
    walk.top_level()
    return walk.listing


def list_files(root: Path) -> list[SourceFile]:
    """The files a load reads, or `LoadError` naming every path that cannot be read."""
    listing = scan_workspace(root)
    if listing.errors:
        raise LoadError.combine(listing.errors)
    return listing.files


class _Walk:
    """One walk of a workspace directory tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.listing = Listing()
        self.visited: set[Path] = set()

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def error(self, path: Path, message: str, hint: str | None = None) -> None:
        self.listing.errors.append(LoadError(display_path(path), message, hint=hint))

    def stray(self, code: str, path: Path, message: str) -> None:
        self.listing.strays.append(Stray(code, display_path(path), message))

    def manifest(self) -> None:
        """Check sra.yaml; without one there is nothing to load, so that error stops the walk."""
        manifest = self.root / MANIFEST_FILE
        if not os.path.lexists(manifest):
            alternative = self.root / "sra.yml"
            hint = (
                "rename sra.yml to sra.yaml"
                if alternative.exists()
                else "run `sra init` in an empty directory to see the layout"
            )
            try:
                empty = not any(self.root.iterdir())
            except OSError as exc:
                raise LoadError(
                    display_path(self.root), f"cannot read directory: {exc.strerror or exc}"
                ) from None
            if empty:
                raise LoadError(
                    display_path(manifest),
                    f"the workspace {self.root} is empty; expected {MANIFEST_FILE}",
                    hint="run `sra init` to create one",
                )
            raise LoadError(
                display_path(manifest),
                f"no {MANIFEST_FILE}; every workspace starts with one",
                hint=hint,
            )
        mode = self.target_mode(manifest, MANIFEST_FILE)
        if mode is None:
            return
        kind = file_type(mode)
        if kind is not None:
            what = f"{MANIFEST_FILE} is {kind}; expected a YAML file"
            self.error(
                manifest,
                what
                if kind == "a directory"
                else f"{MANIFEST_FILE} is {kind}, not a regular file; expected a YAML file",
            )
            return
        self.listing.files.append(SourceFile(manifest, MANIFEST_FILE, None))

    def target_mode(self, path: Path, rel: str) -> int | None:
        """The mode of what `path` is or links to; None (and an error) for a link that leaves
        the workspace, dangles or loops, or a path that cannot be looked at."""
        shown = printable(rel)
        link = "?"
        try:
            if not path.is_symlink():
                return path.lstat().st_mode
            link = printable(os.readlink(path))
            target = path.resolve(strict=True)
            if not target.is_relative_to(self.real_root):
                self.error(
                    path,
                    f"{shown} is a symbolic link to {link}, outside the workspace; it was not read",
                    "copy the file into the workspace, or remove the link",
                )
                return None
            return target.stat().st_mode
        except FileNotFoundError:
            self.error(path, f"{shown} is a symbolic link to {link}, which does not exist")
        except RuntimeError:  # pathlib's report of a symbolic link loop
            self.error(path, f"{shown} is a symbolic link that loops back on itself")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.error(path, f"{shown} is a symbolic link that loops back on itself")
            else:
                self.error(path, f"cannot read {shown}: {exc.strerror or exc}")
        return None

    def entries(self, directory: Path) -> list[os.DirEntry[str]] | None:
        """The entries of `directory` by name, or None (and an error) if it cannot be read."""
        try:
            with os.scandir(directory) as scan:
                return sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            self.error(
                directory,
                f"cannot read directory: {exc.strerror or exc}",
                "make it readable, or move it out of the workspace",
            )
            return None

    def top_level(self) -> None:
        entries = self.entries(self.root)
        for entry in entries or ():
            name = entry.name
            if name.startswith(".") or name == MANIFEST_FILE:
                continue
            path = Path(entry.path)
            kind = KIND_BY_FOLDER.get(name)
            if kind is not None:
                if entry.is_dir(follow_symlinks=False) or entry.is_symlink():
                    mode = self.target_mode(path, name)
                    if mode is not None and file_type(mode) == "a directory":
                        self.kind_folder(path, kind)
                continue
            if path.suffix in YAML_SUFFIXES:
                self.unexpected(
                    path,
                    name.removesuffix(path.suffix),
                    "is not part of the workspace, so it was not loaded",
                )
            elif entry.is_dir(follow_symlinks=False):
                self.unknown_folder(path, name)

    def unexpected(self, path: Path, stem: str, what: str) -> None:
        close = difflib.get_close_matches(stem.lower(), _FOLDER_BY_WORD, 1)
        hint = f"; did you mean {_FOLDER_BY_WORD[close[0]]}/?" if close else ""
        self.stray(
            UNEXPECTED_FILE.code,
            path,
            f"{printable(self.rel(path))} {what}; a workspace holds {MANIFEST_FILE} and the "
            f"folders {', '.join(f'{folder}/' for folder in KIND_BY_FOLDER)}{hint}",
        )

    def unknown_folder(self, path: Path, name: str) -> None:
        """Report a folder that is not a kind folder if it holds YAML (or cannot be read)."""
        found: list[str] = []
        unreadable: list[OSError] = []
        for directory, dirs, files in os.walk(path, onerror=unreadable.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += sorted(
                os.path.join(directory, f)
                for f in files
                if not f.startswith(".") and f.endswith(YAML_SUFFIXES)
            )
        if found:
            count = "its YAML file was" if len(found) == 1 else f"its {len(found)} YAML files were"
            self.unexpected(
                Path(found[0]),
                name,
                f"is in {printable(name)}/, which is not a workspace folder, so {count} not loaded",
            )
        elif unreadable and Path(unreadable[0].filename or "") == path:
            self.unexpected(
                path,
                name,
                "cannot be read and is not a workspace folder, so nothing in it was loaded",
            )

    def kind_folder(self, directory: Path, kind: Kind) -> None:
        """Every YAML file under `directory`, by path; hidden files and folders are skipped."""
        real = directory.resolve()
        if real in self.visited:
            return  # a link back into a folder already walked
        self.visited.add(real)
        for entry in self.entries(directory) or ():
            name = entry.name
            if name.startswith("."):
                continue
            path = Path(entry.path)
            rel = self.rel(path)
            is_yaml = path.suffix in YAML_SUFFIXES
            # File types come from the directory listing where the system gives them: no
            # system call per file on a 50,000-record register.
            if entry.is_symlink():
                if not is_yaml and not _links_to_directory(path):
                    continue  # never read: a README or a script beside the records
                mode = self.target_mode(path, rel)
            elif entry.is_dir(follow_symlinks=False):
                mode = stat.S_IFDIR
            elif not is_yaml:
                continue
            elif entry.is_file(follow_symlinks=False):
                mode = stat.S_IFREG
            else:
                mode = self.target_mode(path, rel)
            if mode is None:
                continue
            if not is_utf8(name):
                self.error(path, "the name is not UTF-8 text; workspace paths must be", "rename it")
            elif stat.S_ISDIR(mode) and not is_yaml:
                self.kind_folder(path, kind)
            elif stat.S_ISDIR(mode):
                self.error(path, f"{rel} is a directory; expected a YAML file")
            elif (what := file_type(mode)) is not None:
                self.stray(
                    NOT_A_REGULAR_FILE.code,
                    path,
                    f"{printable(rel)} is {what}, not a regular file, so it was not "
                    "read; replace it with the YAML file it stands for, or remove it",
                )
            else:
                self.listing.files.append(SourceFile(path, rel, kind))


def _links_to_directory(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
