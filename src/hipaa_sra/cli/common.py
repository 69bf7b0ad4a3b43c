"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def workspace_option(func: F) -> F:
    """`--workspace DIR` (default: ./sra/, else the nearest parent directory with sra.yaml)."""
    return click.option(
        "--workspace",
        "-w",
        type=click.Path(path_type=Path, file_okay=True, dir_okay=True),
        default=None,
        help="Workspace directory (default: ./sra/, else the nearest parent with sra.yaml).",
    )(func)


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    import os
    import sys

    return sys.stdout.isatty() and "NO_COLOR" not in os.environ
