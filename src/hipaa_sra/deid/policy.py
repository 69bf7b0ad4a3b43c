"""The de-identification policy: a profile and, per table and column, the action to take.

Pydantic checks the shape; `problems` checks what the shape cannot say: an action that
does not fit a column's identifier type, and what each profile forbids.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..scan.types import IdentifierType


class Profile(StrEnum):
    """What the copy must satisfy: 45 CFR 164.514(b)(2) or 164.514(e)."""

    SAFE_HARBOR = "safe-harbor"
    LIMITED_DATA_SET = "limited-data-set"


class Action(StrEnum):
    """What happens to a column's values."""

    DROP = "drop"
    KEEP = "keep"
    REDACT = "redact"
    GENERALIZE = "generalize"
    SURROGATE = "surrogate"
    PSEUDONYMIZE = "pseudonymize"
    DATE_SHIFT = "date-shift"
    REDACT_TEXT = "redact-text"


REMOVING = frozenset(
    {Action.DROP, Action.REDACT, Action.GENERALIZE, Action.SURROGATE, Action.REDACT_TEXT}
)
"""Actions that remove an identifier in the Safe Harbor sense. `surrogate` replaces it with a
random code not derived from the individual (164.514(c)); `pseudonymize` is derived (a keyed
hash) and `date-shift` keeps a date finer than the year, so neither counts."""

GENERALIZABLE = frozenset({IdentifierType.DATE, IdentifierType.ZIP, IdentifierType.AGE_OVER_89})
"""Types `generalize` knows: dates to the year, ZIP codes to three digits, ages to 90+."""

LDS_KEPT = frozenset({IdentifierType.DATE, IdentifierType.ZIP, IdentifierType.AGE_OVER_89})
"""Types a limited data set may keep (164.514(e)(2)): dates, ZIP codes, ages; cities below."""
_CITY = re.compile(r"(?i)city|town|state|county|province")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule(_Strict):
    """One column: its action, the identifier type a scan found, and the action's options."""

    action: Action
    type: IdentifierType | None = Field(None, description="Identifier type the column holds.")
    domain: str | None = Field(
        None,
        description="surrogate, date-shift: the mapping shared "
        "by columns that must join (default: the column's name).",
    )
    subject: str | None = Field(None, description="date-shift: the column naming the person.")
    max_days: int = Field(30, ge=1, le=3650, description="date-shift: offsets within +/- N.")
    note: str | None = None

    def domain_of(self, column: str) -> str:
        """The surrogate domain: given, else the column's name."""
        return self.domain or column


class TablePolicy(_Strict):
    """A table's columns, or `drop: true` to leave the table out of the copy."""

    drop: bool = False
    columns: dict[str, Rule] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _short_form(cls, value: Any) -> Any:
        """`column: drop` is short for `column: {action: drop}`."""
        if isinstance(value, dict):
            return {k: {"action": v} if isinstance(v, str) else v for k, v in value.items()}
        return value


class Policy(_Strict):
    """A whole policy file."""

    profile: Profile
    tables: dict[str, TablePolicy]

    @property
    def actions(self) -> set[Action]:
        """Every action the policy uses."""
        return {r.action for t in self.tables.values() for r in t.columns.values()}


Loc = tuple[str | int, ...]
Problem = tuple[Loc, str, str | None]
"""Where in the file (as keys), what is wrong, and a suggestion or None."""


def _fit(rule: Rule) -> tuple[str, str | None] | None:
    """Why the action cannot be applied to the column's type, if it cannot."""
    kind = rule.type
    if rule.action is Action.GENERALIZE:
        if kind is None:
            return (
                "generalize needs the column's `type` (date, zip or age-over-89)",
                "add `type: date`, `type: zip` or `type: age-over-89`",
            )
        if kind not in GENERALIZABLE:
            return (
                f"generalize does not fit `type: {kind}`: it turns dates into years, ZIP "
                "codes into three digits and ages over 89 into 90+",
                "use redact, drop or surrogate",
            )
    if rule.action is Action.DATE_SHIFT:
        if kind not in (None, IdentifierType.DATE):
            return f"date-shift fits dates, not `type: {kind}`", "use redact or surrogate"
        if rule.subject is None:
            return (
                "date-shift needs `subject:`, the column naming the person whose dates "
                "move together",
                "add `subject: patient_id`, the person's column",
            )
    if rule.action is Action.SURROGATE and kind in (
        IdentifierType.DATE,
        IdentifierType.AGE_OVER_89,
    ):
        return (
            f"surrogate does not fit `type: {kind}`: a random value breaks what the column means",
            "use generalize (or date-shift for dates)",
        )
    return None


def problems(policy: Policy) -> list[Problem]:
    """Every action that does not fit its type, and every rule the profile forbids."""
    found: list[Problem] = []
    for table, spec in policy.tables.items():
        for column, rule in spec.columns.items():
            loc: Loc = ("tables", table, "columns", column)
            misfit = _fit(rule)
            if misfit is not None:
                found.append(((*loc, "action"), misfit[0], misfit[1]))
                continue
            if rule.action is Action.DATE_SHIFT and rule.subject not in spec.columns:
                found.append(
                    (
                        (*loc, "subject"),
                        f"subject `{rule.subject}` is not a column of the policy's table `{table}`",
                        None,
                    )
                )
            if policy.profile is Profile.SAFE_HARBOR:
                found.extend(_safe_harbor(loc, column, rule))
            else:
                found.extend(_limited(loc, column, rule))
    return found


def _safe_harbor(loc: Loc, column: str, rule: Rule) -> list[Problem]:
    if rule.action is Action.PSEUDONYMIZE:
        return [
            (
                (*loc, "action"),
                f"column `{column}`: pseudonymize is refused under the "
                "safe-harbor profile: a keyed hash is derived from the individual's "
                "information, which 164.514(c) forbids for a re-identification code",
                "use surrogate (random, kept in the mapping store), or the "
                "limited-data-set profile",
            )
        ]
    if rule.action is Action.DATE_SHIFT:
        return [
            (
                (*loc, "action"),
                f"column `{column}`: date-shift is refused under the "
                "safe-harbor profile: a shifted date is still finer than the year",
                "use generalize (the year), or the limited-data-set profile",
            )
        ]
    if rule.action is Action.KEEP and rule.type is not None and rule.type.is_phi:
        return [
            (
                (*loc, "action"),
                f"column `{column}` holds `{rule.type}`, a Safe Harbor "
                "identifier, and the policy keeps it; the safe-harbor profile needs a "
                "removing action for every identifier",
                "use drop, redact, generalize, surrogate or redact-text",
            )
        ]
    return []


def lds_may_keep(kind: IdentifierType, column: str) -> bool:
    """True if a limited data set may keep this type in a column of this name."""
    return kind in LDS_KEPT or (kind is IdentifierType.ADDRESS and bool(_CITY.search(column)))


def _limited(loc: Loc, column: str, rule: Rule) -> list[Problem]:
    if rule.action is not Action.KEEP or rule.type is None or not rule.type.is_phi:
        return []
    if lds_may_keep(rule.type, column):
        return []
    return [
        (
            (*loc, "action"),
            f"column `{column}` holds `{rule.type}`, which a limited data "
            "set may not keep (164.514(e)(2) allows dates, cities, states and ZIP codes)",
            "use drop, redact or surrogate",
        )
    ]
