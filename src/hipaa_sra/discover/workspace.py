"""Discovery for a loaded workspace: the inputs `sra.yaml` lists, plus any given on the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model import Workspace
from .mapping import mapping_table
from .model import Discovery
from .normalise import add_input
from .read import read_input
from .reconcile import Reconciliation, reconcile


def workspace_inputs(workspace: Workspace) -> tuple[Path, ...]:
    """The inputs `discovery.inputs` in sra.yaml names, resolved against the workspace."""
    manifest = workspace.manifest
    if manifest is None or manifest.is_unknown("discovery"):
        return ()
    return tuple(workspace.root / entry for entry in manifest.discovery.inputs)


def workspace_discovery(workspace: Workspace, extra: Sequence[Path] = ()) -> Reconciliation | None:
    """The reconciliation of the workspace's inputs and `extra`; None when there are none.

    Paths are shown relative to the workspace for its own inputs, as given for `extra`.
    """
    inputs = [(path, _shown(workspace.root, path)) for path in workspace_inputs(workspace)]
    inputs += [(path, str(path)) for path in extra]
    if not inputs:
        return None
    table = mapping_table()
    discovery = Discovery()
    for path, shown in inputs:
        kind, version, resources = read_input(path, table)
        add_input(discovery, shown, kind, version, resources, table)
    return reconcile(discovery, workspace.assets)


def _shown(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
