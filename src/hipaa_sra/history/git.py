"""Read a workspace's past from git: the commits that touched it, and its files at any of them.

Only plumbing with machine-readable output is used (`rev-parse`, `log -z`, `cat-file
--batch`, `ls-tree -z`), always as an argument list with a timeout. A tree is written out
blob by blob rather than with `git archive`, which would apply `export-ignore` and
`export-subst` attributes and so hand the loader something other than what was committed.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from ..git import GitError, run_git
from ..loading import MAX_FILE_BYTES
from ..loading.discover import YAML_SUFFIXES
from ..names import printable


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that touched the workspace, with the id of the workspace's tree in it."""

    sha: str
    date: date
    """The committer date, in the committer's own zone: the day the change landed."""
    subject: str
    tree: str | None
    """Object id of the workspace directory's tree; None when it did not exist there."""
    author: str = ""
    """The author's name, as git records it: who made the change."""

    @property
    def short(self) -> str:
        """The abbreviated commit id shown to people."""
        return self.sha[:7]


_git = run_git


@dataclass(frozen=True, slots=True)
class Repository:
    """The git repository around a workspace, and where the workspace sits inside it."""

    root: Path
    workspace: str
    """The workspace directory relative to the repository root, `/`-separated (`.` at the root)."""

    @property
    def label(self) -> str:
        """The workspace path as people know it, with a trailing slash."""
        return "./" if self.workspace == "." else f"{self.workspace}/"


def open_repository(workspace: Path) -> Repository:
    """The repository containing `workspace`; `GitError` when there is none."""
    try:
        top = _git(workspace, ["rev-parse", "--show-toplevel"])
    except GitError:
        raise GitError(
            f"{printable(str(workspace))}: not in a git repository; `sra history` "
            "and `sra diff` read the workspace's past from git"
        ) from None
    root = Path(os.fsdecode(top.strip())).resolve()
    try:
        rel = workspace.resolve().relative_to(root).as_posix()
    except ValueError:
        raise GitError(
            f"{printable(str(workspace))}: outside the repository at {printable(str(root))}"
        ) from None
    return Repository(root, rel or ".")


def resolve(repo: Repository, ref: str) -> str:
    """The commit id `ref` names; `GitError` for a ref that does not exist."""
    try:
        out = _git(
            repo.root, ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"]
        )
    except GitError:
        raise GitError(f"{ref}: no such commit, branch or tag in {repo.root}") from None
    return out.decode().strip()


def _pathspec(repo: Repository) -> str:
    # A literal pathspec: a directory named `sra[1]` must not be read as a glob.
    return f":(literal){repo.workspace}"


def workspace_commits(repo: Repository, *, limit: int | None = None) -> list[Commit]:
    """Commits of HEAD's history that touched the workspace, newest first (at most `limit`)."""
    try:
        head = resolve(repo, "HEAD")
    except GitError:
        return []  # a repository without commits has no history yet
    args = ["log", "-z", "--format=%H%x1f%cI%x1f%an%x1f%s"]
    if limit is not None:
        args.append(f"--max-count={limit}")
    out = _git(repo.root, [*args, head, "--", _pathspec(repo)])
    entries = [entry for entry in out.decode(errors="replace").split("\0") if entry.strip()]
    parsed = []
    for entry in entries:
        sha, stamp, author, subject = entry.strip("\n").split("\x1f", 3)
        parsed.append((sha, datetime.fromisoformat(stamp).date(), author, subject))
    trees = workspace_trees(repo, [sha for sha, *_ in parsed])
    return [
        Commit(sha, day, subject, tree, author)
        for (sha, day, author, subject), tree in zip(parsed, trees, strict=True)
    ]


def describe(repo: Repository, ref: str) -> Commit:
    """The commit `ref` names, with the workspace's tree in it; `GitError` if unknown."""
    sha = resolve(repo, ref)
    out = _git(repo.root, ["log", "-1", "-z", "--format=%cI%x1f%an%x1f%s", sha, "--"])
    stamp, author, subject = out.decode(errors="replace").strip("\0\n").split("\x1f", 2)
    tree = workspace_trees(repo, [sha])[0]
    return Commit(sha, datetime.fromisoformat(stamp).date(), subject, tree, author)


def workspace_trees(repo: Repository, commits: Sequence[str]) -> list[str | None]:
    """The workspace tree id in each commit (None where it is absent), in one git call."""
    if not commits:
        return []
    path = "" if repo.workspace == "." else repo.workspace
    query = "".join(f"{sha}:{path}\n" for sha in commits).encode()
    out = _git(repo.root, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], query)
    trees: list[str | None] = []
    for line in out.decode().splitlines():
        parts = line.split()
        trees.append(parts[0] if len(parts) == 2 and parts[1] == "tree" else None)
    if len(trees) != len(commits):
        raise GitError("`git cat-file` answered an unexpected number of lines")
    return trees


def materialize(repo: Repository, tree: str, into: Path) -> None:
    """Write the YAML files of `tree` under the directory `into`, exactly as committed.

    Other files (evidence PDFs, READMEs) are never read by the loader and are left out.
    """
    listing = _git(repo.root, ["ls-tree", "-r", "-z", "-l", "--full-tree", tree])
    wanted: list[tuple[str, Path]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, sha, size = meta.decode().split()
        path = name.decode("utf-8", errors="surrogateescape")
        rel = PurePosixPath(path)
        # Symlinks and submodules are not workspace files; their targets are not in the tree.
        if kind != "blob" or mode == "120000" or rel.suffix not in YAML_SUFFIXES:
            continue
        if rel.is_absolute() or ".." in rel.parts:
            raise GitError(f"tree {tree[:12]} holds an unsafe path: {path}")
        target = into.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if int(size) > MAX_FILE_BYTES:
            # A sparse file of the same size: the loader reports it as too big from its
            # size alone, and the blob is never read into memory.
            with target.open("wb") as handle:
                handle.truncate(int(size))
            continue
        wanted.append((sha, target))
    if not wanted:
        return
    query = "".join(f"{sha}\n" for sha, _ in wanted).encode()
    data = _git(repo.root, ["cat-file", "--batch"], query)
    offset = 0
    for _, target in wanted:
        header_end = data.index(b"\n", offset)
        length = int(data[offset:header_end].split()[2])
        target.write_bytes(data[header_end + 1 : header_end + 1 + length])
        offset = header_end + 1 + length + 1  # each blob's content is followed by a newline
