"""Options and helpers shared by the commands."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class OutputPath(click.Path):
    """A path a command writes: refused inside a workspace while the command line is parsed.

    Every option or argument that writes a file has this type (a test walks the commands to
    make sure), so the output guard runs before any work and no command can forget it.
    """

    def __init__(
        self,
        *,
        file_okay: bool = True,
        dir_okay: bool = False,
        allow_dash: bool = False,
        allowed: tuple[str, ...] = (),
        new_workspace: bool = False,
    ) -> None:
        super().__init__(
            path_type=Path, file_okay=file_okay, dir_okay=dir_okay, allow_dash=allow_dash
        )
        self.allowed = allowed
        """Paths inside a workspace (relative to it) that this option exists to write."""
        self.new_workspace = new_workspace
        """The path becomes a workspace itself: only a workspace around it counts."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The path, after the output guard has accepted it (`-`, standard output, always is)."""
        from ..writing import check_output

        path = super().convert(value, param, ctx)
        if not (self.allow_dash and str(path) == "-"):
            check_output(
                Path(os.fsdecode(path)),
                _writer(param, ctx),
                allowed=self.allowed,
                new_workspace=self.new_workspace,
            )
        return path


def _writer(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """How the refusal names the writer, e.g. `sra lint --output`."""
    command = f"sra {ctx.command.name}" if ctx is not None and ctx.command.name else "sra"
    if param is None:
        return command
    return f"{command} {param.opts[0]}" if isinstance(param, click.Option) else command


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


# The shared options take their help text: the commands word some of them their own way
# (`sra report --format` lists its formats, `sra deidentify --table` reads PostgreSQL only),
# and a command's --help, hence docs/cli.md, stays as it is.
def format_option(
    choices: Sequence[str], default: str = "text", help: str = "Output format."
) -> Callable[[F], F]:
    """`--format` among `choices`, given to the command as `fmt` (default shown in the help)."""
    return _option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help=help,
    )


def out_option(
    help: str = "Write to FILE (replaced atomically) instead of stdout.",
    *,
    metavar: str = "FILE",
    allow_dash: bool = False,
) -> Callable[[F], F]:
    """`--out/--output/-o FILE`, given as `out`: where the output goes (default: stdout)."""
    return _option(
        "--out",
        "--output",
        "-o",
        "out",
        type=OutputPath(allow_dash=allow_dash),
        default=None,
        metavar=metavar,
        help=help,
    )


def output_option(help: str) -> Callable[[F], F]:
    """`--output/--out/-o`, given as `output`: `out_option` under the name these commands use.

    Every command that writes its result to a file takes both spellings, so that `--out`
    and `--output` work alike whichever command they are given to.
    """
    return _option("--output", "--out", "-o", "output", type=OutputPath(), default=None, help=help)


def no_cache_option(help: str = "Ignore and do not write the load cache.") -> Callable[[F], F]:
    """`--no-cache`: a flag for the commands that keep results in .sra_cache/."""
    return _option("--no-cache", is_flag=True, help=help)


def progress_option(
    help: str = "Progress on standard error (default: only on a terminal).",
) -> Callable[[F], F]:
    """`--progress/--no-progress`, given as `progress`: None unless one of them is given."""
    return _option("--progress/--no-progress", default=None, help=help)


def schema_option(help: str) -> Callable[[F], F]:
    """`--schema` (repeatable), given as `schemas`: the database schemas to read (default: all)."""
    return _option("--schema", "schemas", multiple=True, help=help)


def table_option(help: str) -> Callable[[F], F]:
    """`--table` (repeatable), given as `tables`: the database tables to read (default: all)."""
    return _option("--table", "tables", multiple=True, help=help)


def engine_option(help: str) -> Callable[[F], F]:
    """`--engine local|dask` (default: local): read files in this process or on a Dask cluster."""
    return _option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help=help,
    )


def scheduler_option(help: str) -> Callable[[F], F]:
    """`--scheduler ADDRESS`: the Dask scheduler of `--engine dask` (None: threads in-process)."""
    return _option("--scheduler", metavar="ADDRESS", default=None, help=help)


def _option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """`click.option`, as a decorator that keeps the decorated function's type."""
    return click.option(*decls, **attrs)


def resolve_today(value: datetime | None) -> date:
    """The date from `--today`, else the machine's date: the only place the clock is read."""
    return value.date() if value is not None else date.today()


_ECHO_PIECE = 1 << 20
"""Characters printed at a time by `emit` (a megabyte of ASCII)."""


def emit(text: str, out: Path | None) -> None:
    """Print `text`, or write it atomically to `out` (replacing what was there)."""
    if out is None:
        _echo_in_pieces(text)
        return
    from ..writing import file_digest, replace_file

    data = text if text.endswith("\n") else text + "\n"
    # What UTF-8 cannot hold (a file name that is not, a surrogate escaped in an
    # infrastructure input) as `\udcff`, as standard output writes it (see `main`).
    replace_file(out, data.encode("utf-8", "backslashreplace"), file_digest(out))


def _echo_in_pieces(text: str) -> None:
    """`click.echo(text)`, a megabyte at a time, cut after a line break where there is one.

    Echoed whole, a report of tens of megabytes is copied twice more (click adds the line
    break to a copy, the stream encodes another) while the report itself is still held.
    """
    start = 0
    while len(text) - start > _ECHO_PIECE:
        end = text.rfind("\n", start, start + _ECHO_PIECE) + 1
        if end <= start:  # one line longer than a piece
            end = start + _ECHO_PIECE
        _echo(text[start:end], nl=False)
        start = end
    _echo(text[start:])


def _echo(piece: str, nl: bool = True) -> None:
    """`click.echo`, without its search for colour codes to strip when there are none."""
    # Output to a file or a pipe is scanned for ANSI codes to remove: tens of megabytes of
    # JSON have none to remove, and `color=True` only turns that scan off.
    colour = True if "\x1b" not in piece else None
    try:
        click.echo(piece, nl=nl, color=colour)
    except UnicodeEncodeError:  # a stream strict about what it cannot hold (see `main`)
        # Nothing was written: the stream encodes a piece before writing any of it.
        click.echo(piece.encode("ascii", "backslashreplace").decode(), nl=nl, color=colour)
