"""The whole reference catalog as plain JSON-ready data, in one stable, versioned structure."""

from __future__ import annotations

from typing import Any, Literal

from .hipaa import hipaa_counts, hipaa_entries
from .matrices import LevelTable, builtin_matrices, overall_likelihood_table
from .nprm import nprm_profile
from .scales import FIVE_LEVELS, scale_descriptions, semi_quantitative

CatalogPart = Literal["hipaa", "nist", "nprm", "all"]

EXPORT_SCHEMA_VERSION = 1
"""Bumped when a key is removed or changes meaning; adding keys keeps the version."""

RISK_SCORE_NOTE = (
    "semi-quantitative, tool-defined: likelihood value x impact value (0-10 each), 0-100; "
    "for ranking only, not NIST Table I-2"
)


def catalog_data(part: CatalogPart = "all") -> dict[str, Any]:
    """The catalog (or one part of it) as JSON-ready data with `schema_version`."""
    data: dict[str, Any] = {"schema_version": EXPORT_SCHEMA_VERSION}
    if part in ("hipaa", "all"):
        data["hipaa"] = _hipaa()
    if part in ("nist", "all"):
        data["nist"] = _nist()
    if part in ("nprm", "all"):
        data["nprm"] = _nprm()
    return data


def _hipaa() -> dict[str, Any]:
    counts = hipaa_counts()
    return {
        "source": "45 CFR 164.308-164.316 (2013 Omnibus text)",
        "counts": {
            "entries": len(hipaa_entries()),
            "standards": counts.standards,
            "specifications": counts.specifications,
            "required": counts.required,
            "addressable": counts.addressable,
        },
        "entries": [
            {
                "id": entry.id,
                "citation": entry.citation,
                "standard": entry.standard,
                "name": entry.name,
                "safeguard": entry.safeguard,
                "designation": entry.designation,
                "self_specifying": entry.self_specifying,
                "is_required": entry.is_required,
                "appendix_a": entry.appendix_a,
                "summary": entry.summary,
                "aliases": list(entry.aliases),
                "notes": entry.notes,
            }
            for entry in hipaa_entries()
        ],
    }


def _table(table: LevelTable) -> dict[str, Any]:
    return {
        "name": table.name,
        "title": table.title,
        "source": table.source,
        "levels": table.levels,
        "rows_are": table.row_label,
        "columns_are": table.column_label,
        "rows": table.as_rows(),
    }


def _nist() -> dict[str, Any]:
    return {
        "levels": [
            {
                "level": level.value,
                "bin": [semi_quantitative(level).bin_low, semi_quantitative(level).bin_high],
                "value": semi_quantitative(level).value,
            }
            for level in FIVE_LEVELS
        ],
        "scales": [
            {
                "key": scale.key,
                "table": scale.table,
                "title": scale.title,
                "descriptions": {level.value: text for level, text in scale.descriptions},
            }
            for scale in scale_descriptions()
        ],
        "overall_likelihood": _table(overall_likelihood_table()),
        "matrices": [_table(matrix) for matrix in builtin_matrices()],
        "risk_score": RISK_SCORE_NOTE,
    }


def _nprm() -> dict[str, Any]:
    profile = nprm_profile()
    return {
        "status": profile.status,
        "label": profile.label,
        "title": profile.title,
        "federal_register": profile.federal_register,
        "document_number": profile.document_number,
        "rin": profile.rin,
        "published": profile.published.isoformat(),
        "comments_closed": profile.comments_closed.isoformat(),
        "cadences": [
            {
                "key": cadence.key,
                "value": cadence.value,
                "unit": cadence.unit,
                "citation": cadence.citation,
                "confidence": cadence.confidence,
                "description": cadence.description,
            }
            for cadence in profile.cadences
        ],
    }
