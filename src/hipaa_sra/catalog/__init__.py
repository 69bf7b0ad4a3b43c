"""Bundled reference data with typed accessors: the HIPAA Security Rule, NIST SP 800-30, the NPRM.

The data lives in `catalog/data/*.yaml` (package data, read with `importlib.resources`),
is parsed once per process and checked strictly: broken data raises `CatalogError`, a bug on
our side rather than a problem in a user's workspace. Nothing here touches the network.
"""

from __future__ import annotations

from .export import EXPORT_SCHEMA_VERSION, RISK_SCORE_NOTE, CatalogPart, catalog_data
from .hipaa import (
    CONDITIONAL_ENTITY_TYPES,
    CONDITIONAL_SPECS,
    Designation,
    HipaaCounts,
    HipaaEntry,
    SpecSafeguard,
    hipaa_counts,
    hipaa_entries,
    hipaa_entry,
    hipaa_specs,
    normalize_citation,
    suggest_citation,
)
from .matrices import (
    LevelTable,
    RiskMatrix,
    builtin_matrices,
    matrix_names,
    overall_likelihood,
    overall_likelihood_table,
    risk_matrix,
)
from .nprm import NprmCadence, NprmProfile, nprm_profile
from .scales import (
    FIVE_LEVELS,
    THREE_LEVELS,
    Scale,
    SemiQuant,
    risk_score,
    scale_descriptions,
    scale_levels,
    semi_quantitative,
)

__all__ = [
    "CONDITIONAL_ENTITY_TYPES",
    "CONDITIONAL_SPECS",
    "EXPORT_SCHEMA_VERSION",
    "FIVE_LEVELS",
    "RISK_SCORE_NOTE",
    "THREE_LEVELS",
    "CatalogPart",
    "Designation",
    "HipaaCounts",
    "HipaaEntry",
    "LevelTable",
    "NprmCadence",
    "NprmProfile",
    "RiskMatrix",
    "Scale",
    "SemiQuant",
    "SpecSafeguard",
    "builtin_matrices",
    "catalog_data",
    "hipaa_counts",
    "hipaa_entries",
    "hipaa_entry",
    "hipaa_specs",
    "matrix_names",
    "normalize_citation",
    "nprm_profile",
    "overall_likelihood",
    "overall_likelihood_table",
    "risk_matrix",
    "risk_score",
    "scale_descriptions",
    "scale_levels",
    "semi_quantitative",
    "suggest_citation",
]
