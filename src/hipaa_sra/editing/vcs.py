"""Commit the files an edit wrote, and only those, to the git repository around the workspace."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..git import GitError, run_git
from ..history.git import open_repository
from .changes import Commit, EditError

_SUBJECT_WIDTH = 72
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>]")


def check_identity(commit: Commit) -> None:
    """Refuse, before anything is written, an author git would reject or garble."""
    if (commit.name is None) != (commit.email is None):
        raise EditError(
            "a commit author needs both a name and an email (or neither, for "
            "git's configured identity)"
        )
    for what, value in (("name", commit.name), ("email", commit.email)):
        if value is not None and (not value.strip() or _UNSAFE.search(value)):
            raise EditError(
                f"commit author {what} {value!r}: expected text without line "
                "breaks, control characters, `<` or `>`"
            )


def message(commit: Commit, lines: Sequence[str]) -> str:
    """The commit message: the caller's, or one naming each record and field changed."""
    if commit.message and commit.message.strip():
        subject = commit.message.strip()
        body = "\n".join(lines)
        return f"{subject}\n\n{body}\n" if body and body not in subject else f"{subject}\n"
    if len(lines) == 1:
        subject = f"sra: {lines[0]}"
        if len(subject) <= _SUBJECT_WIDTH:
            return subject + "\n"
    subject = f"sra: {len(lines)} changes to the workspace"
    return subject + "\n\n" + "\n".join(lines) + "\n"


def commit_files(
    root: Path, paths: Sequence[Path], commit: Commit, lines: Sequence[str]
) -> tuple[str | None, str]:
    """Commit `paths`; return (commit id, note), or (None, why not) when nothing was committed."""
    try:
        repo = open_repository(root)
    except GitError:
        return None, f"not committed: {root} is not in a git repository"
    env: dict[str, str] = {}
    if commit.name is not None and commit.email is not None:
        env = {"GIT_AUTHOR_NAME": commit.name, "GIT_AUTHOR_EMAIL": commit.email}
        try:
            run_git(repo.root, ["var", "GIT_COMMITTER_IDENT"])
        except GitError:  # no identity configured for the committer: the author commits
            env |= {"GIT_COMMITTER_NAME": commit.name, "GIT_COMMITTER_EMAIL": commit.email}
    specs = [f":(literal){path.resolve().relative_to(repo.root).as_posix()}" for path in paths]
    try:
        run_git(repo.root, ["add", "--", *specs], env=env)
        # --only: other changes the user has staged stay staged and out of this commit.
        run_git(
            repo.root,
            ["commit", "--only", "--quiet", "-F", "-", "--", *specs],
            stdin=message(commit, lines).encode("utf-8"),
            env=env,
        )
        sha = run_git(repo.root, ["rev-parse", "HEAD"]).decode().strip()
    except GitError as exc:
        return None, f"not committed: {exc}"
    author = run_git(repo.root, ["log", "-1", "--format=%an <%ae>", sha]).decode().strip()
    return sha, f"committed {sha[:7]} as {author}"
