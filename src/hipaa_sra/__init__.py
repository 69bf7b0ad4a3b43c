"""hipaa-sra: HIPAA Security Risk Analysis kept as code.

The public API: load a workspace, lint it, score it, check its sign-off, and render the SRA
document. Everything else is reachable from its subpackage (see docs/) but may change
between releases.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .analysis.digest import workspace_digest
from .analysis.signoff_status import signoff_status
from .errors import LoadError, SraError, WorkspaceNotFound
from .findings import Finding, Location, Severity
from .loading import check_workspace, load_workspace
from .model import Workspace
from .rules import RULES, LintReport, Rule, Selection, lint, lint_workspace
from .scoring import score_risks

if TYPE_CHECKING:
    from .report import Report, build_report, html_to_pdf, render_html, render_markdown

_REPORT = frozenset({"Report", "build_report", "html_to_pdf", "render_html", "render_markdown"})


def __getattr__(name: str) -> Any:
    """The report API, imported on first use: the CLI should not pay for Jinja2 at start-up."""
    if name in _REPORT:
        from . import report

        return getattr(report, name)
    raise AttributeError(f"module 'hipaa_sra' has no attribute {name!r}")


__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "LoadError",
    "Location",
    "Report",
    "Rule",
    "Selection",
    "Severity",
    "SraError",
    "Workspace",
    "WorkspaceNotFound",
    "__version__",
    "build_report",
    "check_workspace",
    "html_to_pdf",
    "lint",
    "lint_workspace",
    "load_workspace",
    "render_html",
    "render_markdown",
    "score_risks",
    "signoff_status",
    "workspace_digest",
]
