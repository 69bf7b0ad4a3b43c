"""Options and helpers shared by the commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
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


def today_option(func: F) -> F:
    """`--today YYYY-MM-DD`: the date time-dependent checks measure against (default: today)."""
    return click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        help="Check as of this date (YYYY-MM-DD) instead of today, for reproducible runs.",
    )(func)


def resolve_today(value: datetime | None) -> date:
    """The date from `--today`, else the machine's date: the only place the clock is read."""
    return value.date() if value is not None else date.today()


def emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it atomically to `out` (replacing what was there)."""
    if out is None:
        click.echo(text)
        return
    from ..writing import file_digest, replace_file

    data = text if text.endswith("\n") else text + "\n"
    replace_file(out, data.encode(), file_digest(out))
