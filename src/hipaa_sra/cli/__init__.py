"""The `sra` command line: parse options, call the library, render, choose the exit code."""

from __future__ import annotations

import gc
import io
import sys
from collections.abc import Iterator, MutableMapping
from functools import partial
from importlib import import_module
from typing import Any

import click

from .._version import __version__
from ..errors import LoadError, SraError
from ..lifetime import run_then_exit

# name: (module under hipaa_sra.cli, attribute, first paragraph of its help). A command's
# module is imported only when that command runs or its help is shown, so `sra scan`
# does not import the models, the rules or psycopg; `sra --help` lists every command from
# the summaries here (tests/test_docs.py holds them to the commands' own help).
TABLE: dict[str, tuple[str, str, str]] = {
    "init": (
        "init",
        "init_command",
        "Create a workspace in DIRECTORY (default: ./sra), never overwriting a file.",
    ),
    "validate": (
        "validate",
        "validate_command",
        "Load the workspace and report schema problems, duplicate ids and dangling references.",
    ),
    "lint": ("lint", "lint_command", "Check the workspace the way an auditor would."),
    "discover": (
        "discover",
        "discover_command",
        "Find the data stores your infrastructure code holds and check them against the inventory.",
    ),
    "gate": (
        "gate",
        "gate_command",
        "Check that a change touching ePHI code consulted the risk analysis.",
    ),
    "score": (
        "score",
        "score_command",
        "Score every risk with the methodology's matrix and rank them, highest first.",
    ),
    "assess": (
        "assess",
        "assess_command",
        "Answer the safeguards questionnaire: every HIPAA standard, in plain words.",
    ),
    "quantify": (
        "quantify",
        "quantify_command",
        "Estimate each risk's annual loss in USD, and the register's, by Monte Carlo.",
    ),
    "report": (
        "report",
        "report_command",
        "Write the SRA document: the signed risk analysis auditors read.",
    ),
    "calendar": (
        "calendar",
        "calendar_command",
        "Write the SRA's due dates as an iCalendar (RFC 5545) file.",
    ),
    "history": (
        "history",
        "history_command",
        "Show how the register changed over the commits that touched the workspace.",
    ),
    "diff": (
        "history",
        "diff_command",
        "Compare the risk register at two git refs: risks added, removed, re-scored.",
    ),
    "export": ("interop", "export_command", "Export records to a spreadsheet."),
    "import": ("interop", "import_command", "Import records from a spreadsheet."),
    "scan": ("scan", "scan_command", "Find PHI in files and databases."),
    "deidentify": (
        "deidentify",
        "deidentify_command",
        "Make a de-identified copy of files or a database, and prove it by a re-scan.",
    ),
    "rules": (
        "rules",
        "rules_command",
        "List every rule: code, name, default severity and what it flags.",
    ),
    "explain": (
        "rules",
        "explain_command",
        "Show one rule's documentation: rationale, fix, example and citation.",
    ),
    "signoff": (
        "signoff",
        "signoff_command",
        "Sign the current content of the workspace in a role.",
    ),
    "verify": (
        "signoff",
        "verify_command",
        "Check that every required role signed the current content.",
    ),
    "catalog": (
        "catalog",
        "catalog_command",
        "Print the reference catalog the checks are built on.",
    ),
    "schema": (
        "schema",
        "schema_command",
        "Print (or write) the JSON Schema of each workspace file kind.",
    ),
    "serve": (
        "serve",
        "serve_command",
        "Start the web app for the compliance officer on a production WSGI server.",
    ),
    "web": (
        "serve",
        "web_group",
        "Maintain the web app: verify its audit trail, check its deployment settings.",
    ),
}
"""Every command, in the order `sra --help` lists them."""


class LazyCommands(MutableMapping[str, click.Command]):
    """The commands by name; a command's module is imported the first time it is looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in TABLE:
                raise KeyError(name)
            module, attribute, _ = TABLE[name]
            command = getattr(import_module(f".{module}", __name__), attribute)
            self._loaded[name] = command
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from TABLE
        yield from (name for name in self._loaded if name not in TABLE)

    def __len__(self) -> int:
        return len(TABLE) + sum(1 for name in self._loaded if name not in TABLE)


class SraGroup(click.Group):
    """Turns library errors into one line on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report `SraError`s as `path:line:col: message`."""
        try:
            return super().invoke(ctx)
        except LoadError as exc:
            click.echo(exc.render(), err=True)
        except SraError as exc:
            click.echo(f"sra: {exc}", err=True)
        ctx.exit(2)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Commands in workflow order rather than alphabetical."""
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `sra --help`, from the summaries: no command module is imported."""
        limit = formatter.width - 6 - max(len(name) for name in TABLE)
        # Shortened as click shortens a command's own help.
        rows = [
            (name, click.Command(name, help=summary).get_short_help_str(limit))
            for name, (_, _, summary) in TABLE.items()
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=SraGroup, commands=LazyCommands(), context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="sra")
def cli() -> None:
    """HIPAA Security Risk Analysis kept as code.

    Keep the inventory, data flows, vendors, controls, evidence and risk
    register in YAML next to your code; `sra` checks it the way an auditor would.
    """


def every_command() -> tuple[click.Command, ...]:
    """Every command, loaded, in the order `sra --help` lists them (for docs and tests)."""
    return tuple(cli.commands[name] for name in TABLE)


def __getattr__(name: str) -> Any:
    """`COMMANDS`, the loaded commands, for the callers that read them all."""
    if name == "COMMANDS":
        return every_command()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the `sra` script."""
    # A run builds one large, acyclic heap and exits; the cyclic collector would only
    # re-traverse it again and again (on the 72 MB bench workspace, loading took twice as long).
    gc.disable()
    # Text that cannot be UTF-8 (a file name that is not, a lone surrogate escaped in an
    # infrastructure input) is written as a `\udcff` escape, never a traceback: in JSON
    # that is the escape of the same character.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    # What a command keeps (a lint's models and findings) is left to the operating system
    # to take back when the process ends: freeing it object by object took 0.25 s of a 10 s
    # lint at 50,000 risks.
    run_then_exit(partial(cli, prog_name="sra"))
