"""Atomic writes that never clobber a user's file, the output guard, and what `sra init` writes."""

from .atomic import file_digest, replace_file, write_new
from .guard import check_output, enclosing_workspace
from .scaffold import example_files, init_workspace, minimal_files

__all__ = [
    "check_output",
    "enclosing_workspace",
    "example_files",
    "file_digest",
    "init_workspace",
    "minimal_files",
    "replace_file",
    "write_new",
]
