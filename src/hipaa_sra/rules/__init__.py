"""The auditor's lint: declared rules, their registry, and the engine that runs them.

The names below are imported on first use: a lint answered from the cache (`rules.cached`)
must not pay for importing every rule, the HIPAA catalog and the analyses they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .base import Context, Family, Hit, Rule
    from .cached import lint_workspace
    from .engine import UnknownSelector, active_rules, check_selectors, lint, rules_for
    from .lint_report import LintReport, WaivedFinding, WaiverEntry, WaiverStatus
    from .registry import RULES, find_rule, matches
    from .selection import Selection

_HOMES = {
    "Context": ".base",
    "Family": ".base",
    "Hit": ".base",
    "Rule": ".base",
    "lint_workspace": ".cached",
    "UnknownSelector": ".engine",
    "active_rules": ".engine",
    "check_selectors": ".engine",
    "lint": ".engine",
    "rules_for": ".engine",
    "LintReport": ".lint_report",
    "WaivedFinding": ".lint_report",
    "WaiverEntry": ".lint_report",
    "WaiverStatus": ".lint_report",
    "RULES": ".registry",
    "find_rule": ".registry",
    "matches": ".registry",
    "Selection": ".selection",
}
"""Where each public name of the package is defined."""


__getattr__ = exports(__name__, _HOMES)

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
