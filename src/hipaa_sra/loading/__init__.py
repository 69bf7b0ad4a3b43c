"""Find and load a workspace: fast YAML, lazy source maps, validation, references, cache."""

from .cache import CACHE_DIR
from .check import CheckResult, RenderedCheck, check_workspace, render_check_workspace
from .diagnose import MAX_DEPTH, MAX_FILE_BYTES
from .discover import find_workspace, list_files
from .load import load_workspace
from .parse import MAX_ALIAS_EXPANSION, parse_yaml
from .problems import PROBLEMS, Problem

__all__ = [
    "CACHE_DIR",
    "MAX_ALIAS_EXPANSION",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "PROBLEMS",
    "CheckResult",
    "Problem",
    "RenderedCheck",
    "check_workspace",
    "find_workspace",
    "list_files",
    "load_workspace",
    "parse_yaml",
    "render_check_workspace",
]
