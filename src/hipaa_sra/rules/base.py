"""What a rule is: a declared object with stable code and name, documentation, and a pure check.

A check is a function `(workspace, context) -> Iterable[Hit]`. It decides *what* is wrong
and *where* (the record, and the field inside it); the engine turns hits into findings
with the rule's code, name and configured severity, and applies waivers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..analysis.facts import Facts
from ..analysis.intervals import Interval
from ..findings import Severity
from ..model import Manifest, Profile, ReviewIntervals, Workspace

if TYPE_CHECKING:
    from ..discover import Reconciliation


class Family(StrEnum):
    """Rule families; the hundreds digit of a code says which."""

    WORKSPACE = "workspace"
    REGISTER = "register"
    INVENTORY = "inventory"
    CONTROLS = "controls"
    COVERAGE = "coverage"
    DOCUMENTATION = "documentation"


@dataclass(frozen=True, slots=True)
class Hit:
    """One violation as a check reports it: a sentence and where it belongs."""

    message: str
    """A full sentence naming the record, what is wrong, and what would satisfy the rule."""
    record: BaseModel | None = None
    """The record the hit is about; None for the workspace as a whole (reported on sra.yaml)."""
    path: tuple[str | int, ...] = ()
    """Field inside the record (or inside sra.yaml when `record` is None) to point at."""
    object_id: str | None = None
    """Id of the record; taken from `record.id` when left out."""
    severity: Severity | None = None
    """A severity for this hit only (e.g. required vs addressable); a configured override wins."""


def _no_rule(key: str) -> Rule | None:
    """No rule by any key: a context built outside the engine knows no registry."""
    return None


@dataclass(frozen=True)
class Context:
    """What checks may know besides the workspace: the date, the policy, shared indexes."""

    today: date
    facts: Facts
    rule_keys: frozenset[str] = frozenset()
    """Every rule code and name in the registry, for checks that validate rule references."""
    discovery: Reconciliation | None = None
    """Infrastructure code reconciled with the inventory (`discovery:` in sra.yaml or
    `sra lint --discovered`); None when no input was given."""
    find_rule: Callable[[str], Rule | None] = _no_rule
    """The registry's rule by code (any case) or name. The engine passes it in so that the
    checks on waivers need not import the registry, which imports them."""

    def known_rule(self, key: str) -> bool:
        """True if `key` is a rule code or name."""
        return key in self.rule_keys

    @property
    def manifest(self) -> Manifest | None:
        """The workspace's `sra.yaml`, if it loaded."""
        return self.facts.workspace.manifest

    @property
    def profile(self) -> Profile:
        """`current` (law in force) or `nprm-2025` (the proposed rule, opted into).

        An unreadable `profile` is the law in force: the proposed rule applies only when
        chosen, and the loader reports the value.
        """
        manifest = self.manifest
        return (manifest.methodology.profile if manifest else None) or Profile.CURRENT

    @property
    def intervals(self) -> ReviewIntervals:
        """Review intervals from `sra.yaml`, or the defaults; an unreadable one is None."""
        manifest = self.manifest
        return manifest.methodology.review_intervals if manifest else ReviewIntervals()

    def age(self, day: date) -> int:
        """Days from `day` to today (negative when `day` is in the future)."""
        return (self.today - day).days


Check = Callable[[Workspace, Context], Iterable[Hit]]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A declared rule: identity, documentation, and the check that finds violations.

    Keyword-only: five of the fields are consecutive strings a type checker cannot tell apart.
    """

    code: str
    """Stable code, e.g. `SRA101`; never reused once released."""
    name: str
    """Stable kebab-case name, e.g. `stale-review`; users select and link to it."""
    severity: Severity
    family: Family
    summary: str
    """One line: what the rule flags."""
    citation: str
    """The regulation or guidance the rule enforces."""
    rationale: str
    """Why an auditor cares, in a paragraph."""
    fix: str
    """What to change so the finding goes away."""
    example: str
    """A YAML snippet that passes the rule."""
    check: Check | None = None
    """None for problems the loader reports (schema, ids, references)."""
    nprm_severity: Severity | None = None
    """Severity under the nprm-2025 profile, when it differs from `severity`."""
    names_specifications: bool = False
    """Its findings say a HIPAA specification is not met, and the finding's object is that
    specification's citation; no waiver silences one on a required specification."""
    interval: Interval | None = None
    """For a time-based rule, how often the record must be renewed; the calendar and the
    NPRM readiness read it from here, so they cannot drift from the rule."""
    record_inputs: frozenset[str] | None = None
    """Set for a rule whose every hit is about one record of a kind file and depends only on
    that record, sra.yaml, the date, and the records of the kinds named here (e.g. the
    controls a risk's `current_controls` may name): such a rule's findings on a file can be
    reused while none of those changed (`sra lint`'s per-file cache). None: it looks across
    the workspace and runs on all of it every time. A test holds each declaration to it."""

    def severity_for(self, profile: Profile) -> Severity:
        """The default severity of this rule's findings under a profile."""
        if profile is Profile.NPRM_2025 and self.nprm_severity is not None:
            return self.nprm_severity
        return self.severity


def run_check(rule: Rule, workspace: Workspace, context: Context) -> Iterable[Hit]:
    """The rule's hits on a workspace (none for loader-reported rules)."""
    return () if rule.check is None else rule.check(workspace, context)
