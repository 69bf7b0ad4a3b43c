"""`apply_changes`: the one way any command changes a workspace's files."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..loading import MAX_FILE_BYTES
from ..loading.diagnose import too_big
from ..loading.discover import display_path, scan_workspace
from ..model import MANIFEST_FILE
from ..writing.journal import recover, swap_in
from ..writing.lock import LOCK_TIMEOUT, workspace_lock
from ..writing.unchanged import check_unchanged, file_digest
from .attach import place_new_files
from .changes import Change, Commit, EditError, Result
from .check import check_file, duplicate_ids
from .files import Files
from .plan import Planner
from .records import RecordDigests, check_records
from .rewrite import rewrite
from .vcs import check_identity, commit_files

Digests = Mapping[Path, str | None]
"""File (absolute, resolved) -> digest when it was read, None if it did not exist."""


def snapshot(root: Path) -> dict[Path, str | None]:
    """Digests of every workspace file now: take it before reading the workspace to plan a change.

    Passed to `apply_changes` as `expected`, it makes the change refuse any file that
    someone else changed in between.
    """
    digests: dict[Path, str | None] = {}
    for source in scan_workspace(root).files:
        # A file that cannot be read gets none: the load that follows names every such file.
        with contextlib.suppress(OSError):
            digests[source.path.resolve()] = file_digest(source.path)
    return digests


def apply_changes(
    root: Path,
    changes: Iterable[Change],
    *,
    expected: Digests | None = None,
    commit: Commit | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    expected_records: RecordDigests | None = None,
    new_files: Mapping[str, bytes] | None = None,
) -> Result:
    """Validate `changes`, write them into the workspace at `root` as one change, and commit.

    Holds the workspace lock from reading to replacing, so concurrent writers never lose
    an edit; writes every file or none (an interrupted run is completed or undone by the
    next one); refuses, writing nothing, a change that names no such record, gives a
    record an id another one has, adds a schema problem, or leaves a file the loader would
    refuse. With `expected` (from `snapshot`), refuses a file changed since then. With
    `commit`, commits the files written to the repository around the workspace.
    With `expected_records` (from `record_state`), refuses when one of those records changed
    since (`RecordChanged`), however the rest of its file changed. `new_files` (workspace-
    relative path -> bytes, such as an evidence upload) are created with the change, all or
    nothing, and committed with it; an existing path is refused.
    """
    changes = tuple(changes)
    root = Path(root).absolute()
    if not (root / MANIFEST_FILE).is_file():
        raise EditError(f"{display_path(root)}: not a workspace (no {MANIFEST_FILE})")
    if commit is not None:
        check_identity(commit)
    with workspace_lock(root, lock_timeout):
        recovered = recover(root)
        files = Files(root)
        if expected_records:
            check_records(files, expected_records)
        planner = Planner(files)
        for change in changes:
            planner.add(change)
        writes: dict[Path, tuple[bytes, str | None]] = {}
        problems: list[str] = []
        removed = {
            (str(path), key)
            for path, plan in planner.plans.items()
            for key, unit in plan.units.items()
            if unit.removed
        }
        problems.extend(duplicate_ids(files, planner.new_ids, removed))
        for path, plan in sorted(planner.plans.items()):
            source = plan.source
            if expected is not None:
                check_unchanged(source.shown, expected.get(path.resolve()), source.digest)
            if len(source.raw) + plan.incoming > MAX_FILE_BYTES:  # refused before rendering
                problems.append(too_big(source.shown, len(source.raw) + plan.incoming).render())
                continue
            data = source.encode(rewrite(plan))
            problems.extend(check_file(plan, data))
            if data != source.raw or source.digest is None:
                writes[path] = (data, source.digest)
        if problems:
            raise EditError(
                f"not written: the change would leave {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}",
                tuple(problems),
            )
        if new_files:
            writes.update(place_new_files(root, new_files))
        if writes:
            swap_in(root, writes)
        written = tuple(sorted(writes))
        sha, note = None, ""
        if commit is not None:
            sha, note = (
                commit_files(root, written, commit, planner.lines)
                if written
                else (None, "not committed: nothing changed")
            )
    return Result(written, tuple(planner.lines), sha, note, recovered)
