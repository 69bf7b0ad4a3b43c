"""Atomic writes, the overwrite guard, the output guard, and what `sra init` writes.

The names are imported on first use: reading a workspace finishes an interrupted edit
(`writing.journal`) and must not import what `sra init` writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .atomic import replace_file, write_new
    from .guard import check_output, enclosing_workspace
    from .scaffold import example_files, init_workspace, minimal_files
    from .unchanged import check_file_unchanged, check_unchanged, file_digest

_HOMES = {
    "replace_file": ".atomic",
    "write_new": ".atomic",
    "check_output": ".guard",
    "enclosing_workspace": ".guard",
    "example_files": ".scaffold",
    "init_workspace": ".scaffold",
    "minimal_files": ".scaffold",
    "check_file_unchanged": ".unchanged",
    "check_unchanged": ".unchanged",
    "file_digest": ".unchanged",
}

__getattr__ = exports(__name__, _HOMES)

__all__ = [
    "check_file_unchanged",
    "check_output",
    "check_unchanged",
    "enclosing_workspace",
    "example_files",
    "file_digest",
    "init_workspace",
    "minimal_files",
    "replace_file",
    "write_new",
]
