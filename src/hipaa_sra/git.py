"""The one way hipaa-sra runs git: an argument list, a clean environment, a timeout, one error.

`sra gate`, `sra history`, the report's review history and the editing path's commits all
call git through `run_git` (or `git_answer` where a non-zero exit is an answer, such as "no
such ref"), so they share how git is found, how long it may take, which inherited
variables are dropped, and that every failure is a `GitError` (exit 2 on the command line).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import SraError

TIMEOUT = 300
"""Seconds any one git command may take: a long history or a monorepo's diff fits, a hung
command does not."""

# Variables a git hook (or `git rebase --exec`) sets; inherited, they would make
# `git -C <dir>` read or write somewhere else than the repository around the directory.
_REDIRECTING = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
    }
)


class GitError(SraError):
    """Git cannot answer: not installed, too slow, not a repository, an unknown ref, a failure."""


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: ours without redirecting variables, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if key not in _REDIRECTING}
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password on a terminal
    env.update(extra or {})
    return env


def _completed(
    repo: Path, args: Sequence[str], stdin: bytes | None, env: Mapping[str, str] | None, what: str
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            input=stdin,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            env=clean_environment(env),
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"{what or '`git ' + args[0] + '`'} took longer than {TIMEOUT} s") from None


def run_git(
    repo: Path,
    args: Sequence[str],
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    *,
    what: str = "",
) -> bytes:
    """Standard output of `git -C repo ARGS`; `GitError` (naming `what`) on any failure."""
    result = _completed(repo, args, stdin, env, what)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        reason = message[-1] if message else f"exited {result.returncode}"
        raise GitError(f"{what or '`git ' + args[0] + '` failed'}: {reason}")
    return result.stdout


def git_answer(repo: Path, args: Sequence[str]) -> bytes | None:
    """Standard output of `git -C repo ARGS`, or None when git says no (a non-zero exit).

    `GitError` only when git cannot be run at all (missing, too slow).
    """
    result = _completed(repo, args, None, None, "")
    return result.stdout if result.returncode == 0 else None
