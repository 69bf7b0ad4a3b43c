"""The output guard: no option that writes a report, export or listing may write into a workspace.

A workspace is a directory holding `sra.yaml`; every file under it is either loaded (so a
new `register/x.yaml` would become records on the next run), signed, or the tool's own.
Only the commands whose job is to change a workspace write there (`sra init` creates one,
`sra signoff` adds sign-off records, `sra import --apply` edits records, `sra schema` may
refresh the editor schemas in `.schema/`); every other output is refused inside one, before
any work is done.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputInWorkspace
from ..model import MANIFEST_FILE

WORKSPACE_WRITERS = "sra init, sra signoff and sra import --apply"
"""The commands that exist to change a workspace, as the refusal names them."""


def enclosing_workspace(path: Path) -> Path | None:
    """The nearest directory at or above `path` (symlinks and `..` resolved) holding sra.yaml."""
    resolved = Path(os.path.realpath(path))
    for directory in (resolved, *resolved.parents):
        # os.path.isfile, not Path.is_file: a directory we may not search is not a workspace
        # we could write into either, and must not turn into a traceback.
        if os.path.isfile(directory / MANIFEST_FILE):
            return directory
    return None


def check_output(
    target: Path, writer: str, *, allowed: tuple[str, ...] = (), new_workspace: bool = False
) -> None:
    """Raise `OutputInWorkspace` when `writer` (e.g. `sra lint --output`) may not write `target`.

    `allowed` names the paths inside a workspace (relative to it, e.g. `.schema`) that this
    writer exists to write; `new_workspace` says that `target` becomes a workspace itself,
    so only a workspace above it counts.
    """
    start = Path(os.path.realpath(target))
    if new_workspace:
        start = start.parent
    workspace = enclosing_workspace(start)
    if workspace is None:
        return
    if any(start == workspace / rel for rel in allowed):
        return
    shown = _shown(workspace)
    if new_workspace:
        raise OutputInWorkspace(
            f"{target}: inside the workspace {shown}; {writer} creates a "
            "workspace only outside another one: choose a directory "
            "outside it"
        )
    if allowed:
        places = " or ".join(f"{shown}{rel}/" for rel in allowed)
        raise OutputInWorkspace(
            f"{target}: inside the workspace {shown}, where {writer} writes "
            f"only into {places}: choose that or a path outside it"
        )
    raise OutputInWorkspace(
        f"{target}: inside the workspace {shown}, where {writer} never writes (only "
        f"{WORKSPACE_WRITERS} change a workspace): choose a path outside it"
    )


def _shown(directory: Path) -> str:
    """`directory` relative to the working directory when it is below it, else absolute."""
    try:
        rel = directory.relative_to(Path.cwd().resolve())
    except (ValueError, OSError):  # elsewhere, or the working directory is gone
        return f"{directory}/"
    return f"{rel.as_posix()}/" if rel.parts else "./"
