"""The rule registry: one explicit, ordered tuple of every rule, and lookups by code or name.

Adding a rule means adding it to a family module's tuple; nothing registers itself on import.
Codes are stable once released and never reused.
"""

from __future__ import annotations

from functools import cache

from .assessment import ASSESSMENT_RULES
from .base import Rule
from .controls import CONTROL_RULES
from .coverage import COVERAGE_RULES
from .dates import DATE_RULES
from .discovery import DISCOVERY_RULES
from .documentation import DOCUMENTATION_RULES
from .evidence import EVIDENCE_RULES
from .inventory import INVENTORY_RULES
from .policies import POLICY_RULES
from .quantify import QUANT_RULES
from .register import REGISTER_RULES
from .scan import SCAN_RULES
from .training import TRAINING_RULES
from .workspace import WORKSPACE_RULES

RULES: tuple[Rule, ...] = (
    *WORKSPACE_RULES,
    *DATE_RULES,
    *REGISTER_RULES,
    *EVIDENCE_RULES,
    *QUANT_RULES,
    *INVENTORY_RULES,
    *SCAN_RULES,
    *DISCOVERY_RULES,
    *CONTROL_RULES,
    *TRAINING_RULES,
    *COVERAGE_RULES,
    *ASSESSMENT_RULES,
    *DOCUMENTATION_RULES,
    *POLICY_RULES,
)
"""Every rule, in code order."""


@cache
def _index() -> dict[str, Rule]:
    index: dict[str, Rule] = {}
    for rule in RULES:
        index[rule.code] = index[rule.code.lower()] = index[rule.name] = rule
    return index


def find_rule(key: str) -> Rule | None:
    """The rule with this code (any case) or name."""
    index = _index()
    return index.get(key) or index.get(key.lower())


def rule_keys() -> frozenset[str]:
    """Every code and name, as users may write them in select, ignore and waivers."""
    return frozenset(key for rule in RULES for key in (rule.code, rule.name))


def matches(rule: Rule, selector: str) -> bool:
    """True if `selector` (a code, a code prefix such as `SRA1`, a name, or `ALL`) picks `rule`."""
    text = selector.strip()
    upper = text.upper()
    if upper == "ALL" or text == rule.name or upper == rule.code:
        return True
    return len(upper) >= 3 and upper.startswith("SRA") and rule.code.startswith(upper)


def is_selector(selector: str) -> bool:
    """True if `selector` picks at least one rule."""
    return any(matches(rule, selector) for rule in RULES)
