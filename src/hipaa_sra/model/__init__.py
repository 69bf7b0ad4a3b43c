"""Pydantic models of the workspace files: what a workspace is. No I/O here."""

from .assessment import Answer, AnswerDecision, AnswerEvidence
from .assets import CATEGORY_GROUPS, Asset, Attributes, Category, CategoryGroup, EphiStatus
from .base import LEVEL_SYNONYMS, Level, Record, SraModel, Unknowable, Waiver, parse_level
from .controls import Cadence, Control, Evidence, EvidenceSource, Safeguard, interval_days
from .flows import Flow
from .kinds import KIND_BY_FOLDER, KIND_BY_NAME, KINDS, MANIFEST_FILE, Kind
from .manifest import (
    AddressableDecision,
    DecisionKind,
    EntityType,
    Manifest,
    MatrixName,
    Methodology,
    Organization,
    Person,
    Profile,
    ReviewIntervals,
    RuleConfig,
    SignoffPolicy,
)
from .policies import Policy, PolicyStatus
from .quant import Calibration, ControlEffect, Estimate, PlannedEffect, Quant
from .risks import LEVEL_FIELDS, Remediation, RemediationStatus, Risk, ThreatSource
from .signoffs import Signoff
from .training import Training
from .vendors import Baa, BaaStatus, EphiExposure, Vendor
from .workspace import Locator, Unusable, Workspace

__all__ = [
    "CATEGORY_GROUPS",
    "KINDS",
    "KIND_BY_FOLDER",
    "KIND_BY_NAME",
    "LEVEL_FIELDS",
    "LEVEL_SYNONYMS",
    "MANIFEST_FILE",
    "AddressableDecision",
    "Answer",
    "AnswerDecision",
    "AnswerEvidence",
    "Asset",
    "Attributes",
    "Baa",
    "BaaStatus",
    "Cadence",
    "Calibration",
    "Category",
    "CategoryGroup",
    "Control",
    "ControlEffect",
    "DecisionKind",
    "EntityType",
    "EphiExposure",
    "EphiStatus",
    "Estimate",
    "Evidence",
    "EvidenceSource",
    "Flow",
    "Kind",
    "Level",
    "Locator",
    "Manifest",
    "MatrixName",
    "Methodology",
    "Organization",
    "Person",
    "PlannedEffect",
    "Policy",
    "PolicyStatus",
    "Profile",
    "Quant",
    "Record",
    "Remediation",
    "RemediationStatus",
    "ReviewIntervals",
    "Risk",
    "RuleConfig",
    "Safeguard",
    "Signoff",
    "SignoffPolicy",
    "SraModel",
    "ThreatSource",
    "Training",
    "Unknowable",
    "Unusable",
    "Vendor",
    "Waiver",
    "Workspace",
    "interval_days",
    "parse_level",
]
