"""Atomic writes that never clobber a user's file, and the scaffolding `sra init` writes."""

from .atomic import file_digest, replace_file, write_new
from .scaffold import example_files, init_workspace, minimal_files

__all__ = [
    "example_files",
    "file_digest",
    "init_workspace",
    "minimal_files",
    "replace_file",
    "write_new",
]
