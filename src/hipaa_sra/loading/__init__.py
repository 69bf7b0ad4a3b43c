"""Find and load a workspace: fast YAML, lazy source maps, validation, references, cache.

The names are imported on first use: `sra validate` answered from the cache must not
import the loader and the models it builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .cache import CACHE_DIR
    from .check import CheckResult, RenderedCheck, check_workspace, render_check_workspace
    from .diagnose import MAX_DEPTH, MAX_FILE_BYTES
    from .discover import find_workspace, list_files
    from .load import load_workspace
    from .parse import MAX_ALIAS_EXPANSION, parse_yaml
    from .problems import PROBLEMS, Problem

_HOMES = {
    "CACHE_DIR": ".cache",
    "CheckResult": ".check",
    "RenderedCheck": ".check",
    "check_workspace": ".check",
    "render_check_workspace": ".check",
    "MAX_DEPTH": ".diagnose",
    "MAX_FILE_BYTES": ".diagnose",
    "find_workspace": ".discover",
    "list_files": ".discover",
    "load_workspace": ".load",
    "MAX_ALIAS_EXPANSION": ".parse",
    "parse_yaml": ".parse",
    "PROBLEMS": ".problems",
    "Problem": ".problems",
}

__getattr__ = exports(__name__, _HOMES)

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
