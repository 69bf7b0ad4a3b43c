"""A `sra lint` report as GitHub Actions workflow commands, shown as annotations on a PR.

Each finding is one line, `::error file=F,line=L,col=C,title=CODE name::message`
(`::warning` for warnings, `::notice` for info), escaped as the Actions runner expects;
a last plain line gives the summary for the job log. Waived findings get no annotation: an
annotation asks a reviewer to act, and a waiver records that someone already decided; the
summary counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from .terminal import inert
from .text import lint_summary

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.lint_report import LintReport

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (after `::`)."""
    # `%` first, or the `%` of every later escape would itself be escaped.
    # Escape sequences and other control characters in values are made inert last.
    return inert(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (`file=`, `title=`, ...)."""
    # `:` would end the property list and `,` would start a new property.
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """The workflow command that annotates one finding."""
    properties = {
        # Annotations match files by repository-relative POSIX path.
        "file": finding.location.file.replace("\\", "/"),
        "line": str(finding.location.line),
        "col": str(finding.location.column),
        "title": f"{finding.code} {finding.name}",
    }
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {listed}::{escape_data(finding.message)}"


def lint_github(report: LintReport) -> str:
    """One annotation command per finding, then the summary line."""
    return "\n".join([*(annotation(f) for f in report.findings), lint_summary(report)])
