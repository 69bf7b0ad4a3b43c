"""hipaa-sra: HIPAA Security Risk Analysis kept as code.

The public API: load a workspace, lint it, score it, check its sign-off, and render the SRA
document. Everything else is reachable from its subpackage (see docs/) but may change
between releases.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .analysis.digest import workspace_digest
    from .analysis.signoff_status import signoff_status
    from .errors import LoadError, SraError, WorkspaceNotFound
    from .findings import Finding, Location, Severity
    from .loading import check_workspace, load_workspace
    from .model import Workspace
    from .report import Report, build_report, html_to_pdf, render_html, render_markdown
    from .rules import RULES, LintReport, Rule, Selection, lint, lint_workspace
    from .scoring import score_risks

# Every name is imported on first use: importing any submodule imports this package first,
# and `sra scan` or `sra --version` should not pay for the models, the rules and Jinja2.
_HOMES = {
    "workspace_digest": ".analysis.digest",
    "signoff_status": ".analysis.signoff_status",
    "LoadError": ".errors",
    "SraError": ".errors",
    "WorkspaceNotFound": ".errors",
    "Finding": ".findings",
    "Location": ".findings",
    "Severity": ".findings",
    "check_workspace": ".loading",
    "load_workspace": ".loading",
    "Workspace": ".model",
    "Report": ".report",
    "build_report": ".report",
    "html_to_pdf": ".report",
    "render_html": ".report",
    "render_markdown": ".report",
    "RULES": ".rules",
    "LintReport": ".rules",
    "Rule": ".rules",
    "Selection": ".rules",
    "lint": ".rules",
    "lint_workspace": ".rules",
    "score_risks": ".scoring",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its home module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'hipaa_sra' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value


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
