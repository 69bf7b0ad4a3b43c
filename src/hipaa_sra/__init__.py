"""hipaa-sra: HIPAA Security Risk Analysis kept as code.

The public API: load a workspace, lint it, score it, and check its sign-off. Everything
else is reachable from its subpackage (see docs/) but may change between releases.
"""

__version__ = "0.1.0"

from .analysis.digest import workspace_digest
from .analysis.signoff import signoff_status
from .errors import LoadError, SraError, WorkspaceNotFound
from .findings import Finding, Location, Severity
from .loading import check_workspace, load_workspace
from .model import Workspace
from .rules import RULES, LintReport, Rule, Selection, lint, lint_workspace
from .scoring import score_risks

__all__ = [
    "RULES",
    "Finding",
    "LintReport",
    "LoadError",
    "Location",
    "Rule",
    "Selection",
    "Severity",
    "SraError",
    "Workspace",
    "WorkspaceNotFound",
    "__version__",
    "check_workspace",
    "lint",
    "lint_workspace",
    "load_workspace",
    "score_risks",
    "signoff_status",
    "workspace_digest",
]
