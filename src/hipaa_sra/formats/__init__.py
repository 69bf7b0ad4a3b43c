"""Renderers of findings and lint reports; each returns text and never does I/O.

`LINT_FORMATS` is the one list of `sra lint --format` names. Its `text` entry renders
without colour; for a terminal, call `lint_text(report, colour=True)`, or
`render_lint(name, report, colour=...)`, which is the same lookup with the colour choice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .github import lint_github
from .json import findings_json, lint_json
from .junit import lint_junit
from .sarif import lint_sarif
from .text import findings_text, lint_summary, lint_text, summary_line

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.lint_report import LintReport


def _plain_text(report: LintReport) -> str:
    """`lint_text` without colour, for files and pipes."""
    return lint_text(report, colour=False)


LINT_FORMATS: dict[str, Callable[[LintReport], str]] = {
    "text": _plain_text,
    "json": lint_json,
    "sarif": lint_sarif,
    "junit": lint_junit,
    "github": lint_github,
}
"""`sra lint --format` name -> renderer; the first is the default."""


def render_lint(name: str, report: LintReport, *, colour: bool = False) -> str:
    """Render a report in the named format (`colour` only affects `text`)."""
    if name == "text":
        return lint_text(report, colour=colour)
    return LINT_FORMATS[name](report)


__all__ = [
    "LINT_FORMATS",
    "findings_json",
    "findings_text",
    "lint_github",
    "lint_json",
    "lint_junit",
    "lint_sarif",
    "lint_summary",
    "lint_text",
    "render_lint",
    "summary_line",
]
