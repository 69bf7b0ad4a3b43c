"""Packages whose public names are imported on first use, for commands answered from a cache."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports each name from its home on first use.

    `homes` maps a public name to the module that defines it, relative to `package` (".base").
    The package still lists the same names under `TYPE_CHECKING` for type checkers.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(home, package), name)

    return __getattr__
