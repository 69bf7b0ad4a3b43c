"""Atomic writes, the overwrite guard, the output guard, and what `sra init` writes."""

from .atomic import replace_file, write_new
from .guard import check_output, enclosing_workspace
from .scaffold import example_files, init_workspace, minimal_files
from .unchanged import check_file_unchanged, check_unchanged, file_digest

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
