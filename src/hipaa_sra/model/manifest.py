"""`sra.yaml`: the organization, scope, methodology, people and policies of a workspace."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from ..findings import Severity
from .assets import Category
from .base import IntervalDays, IsoDate, SraModel, Text, Unknowable, Waivers
from .quant import Calibration


class EntityType(StrEnum):
    """The organization's role under HIPAA."""

    COVERED_ENTITY = "covered-entity"
    BUSINESS_ASSOCIATE = "business-associate"
    HYBRID_ENTITY = "hybrid-entity"


class Organization(SraModel):
    """Who the SRA is for."""

    name: Unknowable[Text]
    entity_type: EntityType | None = Field(
        None, description="covered-entity, business-associate or hybrid-entity."
    )
    description: str | None = None


class MatrixName(StrEnum):
    """Built-in likelihood x impact matrices, or `custom`."""

    NIST_800_30R1 = "nist-800-30r1"
    CLASSIC_3X3 = "classic-3x3"
    CUSTOM = "custom"


class Profile(StrEnum):
    """Which cadences apply: current law, or the 2025 NPRM (proposed, not law)."""

    CURRENT = "current"
    NPRM_2025 = "nprm-2025"


Days = IntervalDays
"""A review interval in days, from 1 to 36,600 (100 years)."""


class ReviewIntervals(SraModel):
    """How many days each kind of record stays current before it needs review."""

    register_days: Unknowable[Days] = Field(365, description="Risk rows (last_reviewed).")
    inventory_days: Unknowable[Days] = Field(365, description="Asset entries (last_reviewed).")
    evidence_days: Unknowable[Days] = Field(
        365, description="Control evidence without refresh_days."
    )
    vendor_days: Unknowable[Days] = Field(365, description="Vendor verification (last_verified).")
    review_days: Unknowable[Days] = Field(
        365, description="Periodic review and sign-off of the SRA."
    )
    policy_days: Unknowable[Days] = Field(365, description="Policies without review_days.")
    training_days: Unknowable[Days] = Field(
        365, description="Security training without interval_days (164.308(a)(5))."
    )
    answer_days: Unknowable[Days] = Field(
        365, description="Questionnaire answers (their date) before they are asked again."
    )


class Methodology(SraModel):
    """How risks are scored: the scale, the matrix and the review policy."""

    levels: Unknowable[Literal[3, 5]] = Field(
        3, description="3 (low/moderate/high) or 5 (adds very-*)."
    )
    matrix: Unknowable[MatrixName] = Field(
        MatrixName.NIST_800_30R1, description="Likelihood x impact table."
    )
    custom_matrix: dict[str, dict[str, str]] | None = Field(
        None, description="With matrix: custom, rows of likelihood -> {impact: risk level}."
    )
    profile: Unknowable[Profile] = Field(
        Profile.CURRENT, description="current, or nprm-2025 (proposed)."
    )
    review_intervals: ReviewIntervals = Field(default_factory=ReviewIntervals)
    calibration: Calibration | None = Field(
        None, description="Ranges by level for `sra quantify` (default: the documented table)."
    )


class Person(SraModel):
    """Someone who owns, reviews or signs parts of the SRA."""

    id: Unknowable[Text]
    name: Unknowable[Text]
    email: str | None = None
    title: str | None = None
    roles: tuple[str, ...] = Field((), description="e.g. compliance-officer, engineering-owner.")


class SignoffPolicy(SraModel):
    """Who must sign the SRA, and which SSH keys may."""

    required_roles: tuple[str, ...] = Field(
        ("compliance-officer", "engineering-owner"), description="Roles that must all sign."
    )
    allowed_signers: str | None = Field(
        None, description="Path (relative to the workspace) of an SSH allowed-signers file."
    )


class RuleConfig(SraModel):
    """Which rules run and how severe their findings are."""

    select: tuple[str, ...] = Field((), description="Only these rule codes or names.")
    ignore: tuple[str, ...] = Field((), description="Never these rule codes or names.")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="Per-rule severity overrides: {rule: error|warning|info}."
    )


class DecisionKind(StrEnum):
    """Outcomes of assessing an addressable implementation specification (164.306(d)(3))."""

    IMPLEMENTED = "implemented"
    ALTERNATIVE = "alternative"
    NOT_REASONABLE = "not-reasonable"
    NOT_APPLICABLE = "not-applicable"
    """Only for specifications that bind some entities alone (clearinghouses, government
    entities, group health plans); every other specification binds every entity."""


class AddressableDecision(SraModel):
    """The documented decision on an addressable implementation specification."""

    spec: Unknowable[Text] = Field(description="Citation, e.g. 164.312(a)(2)(iv).")
    decision: Unknowable[DecisionKind]
    rationale: str | None = Field(None, description="Why this decision is reasonable.")
    alternative_measure: str | None = Field(None, description="The equivalent measure, if any.")
    controls: tuple[str, ...] = Field((), description="Control ids that implement the decision.")
    decided_by: str | None = Field(None, description="Person id.")
    date: IsoDate | None = None


class DiscoveryConfig(SraModel):
    """Infrastructure code that `sra lint` checks the inventory against (see `sra discover`)."""

    inputs: tuple[Text, ...] = Field(
        (),
        description="Terraform plan or state JSON, directories of .tf files, CloudFormation "
        "templates and Kubernetes manifests, relative to the workspace directory.",
    )


class Manifest(SraModel):
    """The contents of `sra.yaml`."""

    organization: Unknowable[Organization]
    scope: str | None = Field(None, description="What the analysis covers, in plain words.")
    methodology: Methodology = Field(default_factory=Methodology)
    people: tuple[Person, ...] = ()
    signoff: SignoffPolicy = Field(default_factory=SignoffPolicy)
    rules: RuleConfig = Field(default_factory=RuleConfig)
    decisions: tuple[AddressableDecision, ...] = Field(
        (), description="Decisions on addressable specifications not met by a mapped control."
    )
    absent_categories: dict[Category, Text] = Field(
        default_factory=dict,
        description="Inventory categories the organization does not use, each with the reason "
        "(a documented scope decision, e.g. search-index: no search index; Postgres FTS only).",
    )
    waivers: Waivers = Field(
        (), description="Waivers for workspace-wide findings (those not about one record)."
    )
    discovery: DiscoveryConfig = Field(
        default_factory=DiscoveryConfig,
        description="Infrastructure inputs whose data stores the inventory must list.",
    )
