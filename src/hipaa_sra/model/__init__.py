"""Pydantic models of the workspace files: what a workspace is. No I/O here.

The names are imported on first use: a command answered from the cache (`sra validate` or
`sra lint` on an unchanged workspace) must not pay for building every pydantic model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
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

_HOMES = {
    "Answer": ".assessment",
    "AnswerDecision": ".assessment",
    "AnswerEvidence": ".assessment",
    "CATEGORY_GROUPS": ".assets",
    "Asset": ".assets",
    "Attributes": ".assets",
    "Category": ".assets",
    "CategoryGroup": ".assets",
    "EphiStatus": ".assets",
    "LEVEL_SYNONYMS": ".base",
    "Level": ".base",
    "Record": ".base",
    "SraModel": ".base",
    "Unknowable": ".base",
    "Waiver": ".base",
    "parse_level": ".base",
    "Cadence": ".controls",
    "Control": ".controls",
    "Evidence": ".controls",
    "EvidenceSource": ".controls",
    "Safeguard": ".controls",
    "interval_days": ".controls",
    "Flow": ".flows",
    "KIND_BY_FOLDER": ".kinds",
    "KIND_BY_NAME": ".kinds",
    "KINDS": ".kinds",
    "MANIFEST_FILE": ".kinds",
    "Kind": ".kinds",
    "AddressableDecision": ".manifest",
    "DecisionKind": ".manifest",
    "EntityType": ".manifest",
    "Manifest": ".manifest",
    "MatrixName": ".manifest",
    "Methodology": ".manifest",
    "Organization": ".manifest",
    "Person": ".manifest",
    "Profile": ".manifest",
    "ReviewIntervals": ".manifest",
    "RuleConfig": ".manifest",
    "SignoffPolicy": ".manifest",
    "Policy": ".policies",
    "PolicyStatus": ".policies",
    "Calibration": ".quant",
    "ControlEffect": ".quant",
    "Estimate": ".quant",
    "PlannedEffect": ".quant",
    "Quant": ".quant",
    "LEVEL_FIELDS": ".risks",
    "Remediation": ".risks",
    "RemediationStatus": ".risks",
    "Risk": ".risks",
    "ThreatSource": ".risks",
    "Signoff": ".signoffs",
    "Training": ".training",
    "Baa": ".vendors",
    "BaaStatus": ".vendors",
    "EphiExposure": ".vendors",
    "Vendor": ".vendors",
    "Locator": ".workspace",
    "Unusable": ".workspace",
    "Workspace": ".workspace",
}

__getattr__ = exports(__name__, _HOMES)

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
