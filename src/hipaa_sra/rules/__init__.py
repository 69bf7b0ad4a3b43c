"""The auditor's lint: declared rules, their registry, and the engine that runs them."""

from .base import Context, Family, Hit, Rule
from .cached import lint_workspace
from .engine import Selection, UnknownSelector, active_rules, check_selectors, lint, rules_for
from .lint_report import LintReport, WaivedFinding, WaiverEntry, WaiverStatus
from .registry import RULES, find_rule, matches

__all__ = [
    "RULES",
    "Context",
    "Family",
    "Hit",
    "LintReport",
    "Rule",
    "Selection",
    "UnknownSelector",
    "WaivedFinding",
    "WaiverEntry",
    "WaiverStatus",
    "active_rules",
    "check_selectors",
    "find_rule",
    "lint",
    "lint_workspace",
    "matches",
    "rules_for",
]
