"""What a change is: its changed paths and commits, from git or from a plain list.

With git, the change is `git diff base...head`: everything `head` did since it left
`base` (their merge base), which is what a pull request shows. The workspace is compared
at that merge base and at `head`, each materialised from git so uncommitted edits and the
checked-out branch do not matter. Every git call goes through `Git`, which runs in the
repository's top level through `hipaa_sra.git`, whose failures are `GitError` (exit 2).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..git import GitError, git_answer, run_git
from .errors import GateError
from .match import normalize_path

DEFAULT_BASES = ("origin/main", "origin/master", "main", "master")
"""Tried in order when no --base is given; the first that exists and is not `head` is used."""


@dataclass(frozen=True)
class Revisions:
    """The two ends of a change as given and as resolved to commits."""

    base: str
    head: str
    base_commit: str
    head_commit: str
    merge_base: str


class Git:
    """Runs git in one repository through `hipaa_sra.git`; any failure becomes a `GitError`."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def containing(cls, directory: Path) -> Git:
        """The repository that contains `directory`; GitError when there is none."""
        try:
            answer = git_answer(directory, ["rev-parse", "--show-toplevel"])
        except GitError as exc:
            raise GitError(f"{exc}; pass the changed paths with --paths-from") from None
        if answer is None:
            raise GitError(
                f"{directory} is not inside a git repository; run the gate in a clone, "
                "or pass the changed paths with --paths-from FILE (or - for stdin)"
            )
        return cls(Path(os.fsdecode(answer.strip())))

    def run(self, *args: str, input: bytes | None = None, what: str = "") -> bytes:
        """Standard output of `git ARGS` in the top level; GitError naming `what` on failure."""
        return run_git(self.top, args, input, what=what)

    def commit(self, ref: str) -> str | None:
        """The commit `ref` names, or None if it names none."""
        if ref.startswith("-"):  # never let a ref be read as an option of git
            return None
        answer = git_answer(self.top, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
        return None if answer is None else answer.decode().strip()

    def relative(self, directory: Path) -> str:
        """`directory` as a path from the top level, with forward slashes (`.` for the top)."""
        try:
            rel = directory.resolve().relative_to(self.top.resolve())
        except ValueError:
            raise GateError(f"{directory} is not inside the repository {self.top}") from None
        return rel.as_posix()


def resolve(git: Git, base: str | None, head: str | None) -> Revisions:
    """Resolve --base and --head (defaults: see `DEFAULT_BASES`, and HEAD) and their merge base."""
    head = head or "HEAD"
    head_commit = git.commit(head)
    if head_commit is None:
        raise GateError(f"--head {head!r} does not name a commit in {git.top}")
    if base is None:
        base, base_commit = _default_base(git, head_commit)
    else:
        found = git.commit(base)
        if found is None:
            raise GateError(
                f"--base {base!r} does not name a commit in {git.top} (in CI, fetch it first: "
                "git fetch origin main, or check out with fetch-depth: 0)"
            )
        base_commit = found
    merge_base = (
        git.run(
            "merge-base", base_commit, head_commit, what=f"no common ancestor of {base} and {head}"
        )
        .decode()
        .strip()
    )
    return Revisions(base, head, base_commit, head_commit, merge_base)


def _default_base(git: Git, head_commit: str) -> tuple[str, str]:
    for name in DEFAULT_BASES:
        commit = git.commit(name)
        if commit is not None and commit != head_commit:
            return name, commit
    parent = git.commit(f"{head_commit}~1")
    if parent is None:
        raise GateError(
            f"no base to compare with: none of {', '.join(DEFAULT_BASES)} differs from the head, "
            "and the head has no parent; pass --base REF"
        )
    return "HEAD~1", parent


def changed_paths(git: Git, revisions: Revisions) -> list[str]:
    """Paths changed from the merge base to head (a rename counts as both of its paths)."""
    out = git.run(
        "diff",
        "--name-only",
        "--no-renames",
        "-z",
        "--no-ext-diff",
        revisions.merge_base,
        revisions.head_commit,
        "--",
        what="git diff",
    )
    return [path for path in out.decode(errors="surrogateescape").split("\0") if path]


def read_paths(lines: Iterable[str]) -> list[str]:
    """A newline-separated list of repository-relative paths; blanks and repeats are dropped."""
    paths = (normalize_path(line.replace("\\", "/")) for line in lines)
    return list(dict.fromkeys(path for path in paths if path))


def commit_messages(git: Git, revisions: Revisions, key: str) -> list[tuple[str, list[str]]]:
    """(commit, values of trailer `key`) for every commit in base..head, newest first."""
    out = git.run(
        "log",
        "-z",
        f"--format=%H%n%(trailers:key={key},valueonly,unfold)",
        f"{revisions.base_commit}..{revisions.head_commit}",
        "--",
        what="git log",
    )
    found = []
    for record in out.decode(errors="replace").split("\0"):
        lines = record.strip("\n").split("\n")
        if lines and lines[0]:
            found.append((lines[0], [line for line in lines[1:] if line.strip()]))
    return found


def materialize(
    git: Git, commit: str, directory: str, into: Path, only: Collection[str] | None = None
) -> Path | None:
    """Write the files of `directory` at `commit` (those in `only`, if given) under `into`.

    Returns where `directory` was written, or None if it held no files at `commit`.
    """
    listing = git.run(
        "ls-tree",
        "-r",
        "-z",
        "--full-tree",
        commit,
        "--",
        directory,
        what=f"git ls-tree {commit[:12]}",
    )
    blobs: list[tuple[str, str]] = []
    links: dict[str, str] = {}
    for entry in listing.decode(errors="surrogateescape").split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) != 3 or parts[1] != "blob" or ".." in PurePosixPath(path).parts:
            continue  # submodules have no content; `..` would write outside `into`
        if parts[0] in ("100644", "100755"):
            blobs.append((parts[2], path))
        elif parts[0] == "120000":
            # A committed symbolic link is written as a link, so the load judges it as it
            # judges one in a checkout: followed inside the workspace, refused by name outside.
            links[path] = parts[2]
    if not blobs and not links:
        return None
    targets = dict(zip(links, _cat(git, commit, list(links.values())), strict=True))
    if only is not None:
        wanted = set(only)
        wanted.update(
            posixpath.normpath(posixpath.join(posixpath.dirname(path), os.fsdecode(target)))
            for path, target in targets.items()
            if path in wanted
        )
        blobs = [(sha, path) for sha, path in blobs if path in wanted]
        targets = {path: target for path, target in targets.items() if path in wanted}
    root = into.joinpath(*PurePosixPath(directory).parts) if directory != "." else into
    root.mkdir(parents=True, exist_ok=True)
    for (_, path), data in zip(blobs, _cat(git, commit, [sha for sha, _ in blobs]), strict=True):
        target = into.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path, data in targets.items():
        link = into.joinpath(*PurePosixPath(path).parts)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.fsdecode(data), link)
    return root


def _cat(git: Git, commit: str, shas: list[str]) -> list[bytes]:
    """The contents of `shas`, in order, from one `cat-file --batch`."""
    if not shas:
        return []
    # One `cat-file --batch` for every blob; `git archive` would apply export-ignore and
    # export-subst attributes and so could hide or rewrite workspace files.
    out = git.run(
        "cat-file",
        "--batch",
        input="".join(f"{sha}\n" for sha in shas).encode(),
        what=f"git cat-file at {commit[:12]}",
    )
    contents = []
    offset = 0
    for _ in shas:
        header_end = out.index(b"\n", offset)
        size = int(out[offset:header_end].split()[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        offset = start + size + 1
    return contents


def workspace_dirty(git: Git, directory: str) -> bool:
    """True if the working tree of `directory` differs from HEAD (edits, untracked files)."""
    out = git.run(
        "status", "--porcelain", "--untracked-files=all", "--", directory, what="git status"
    )
    return bool(out.strip())
