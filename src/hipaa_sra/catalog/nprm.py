"""The 2025 Security Rule NPRM (90 FR 898) as cadences: PROPOSED, NOT LAW, opt-in only."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Literal, cast, get_args

from .loader import Record, document

CadenceUnit = Literal["days", "hours"]
Confidence = Literal["verified", "secondary", "unverified"]
"""How well a number is backed: the proposed text or fact sheet, several summaries, or neither."""

_FILE = "nprm_2025.yaml"


@dataclass(frozen=True)
class NprmCadence:
    """One proposed interval or deadline, with where it would sit in the rule."""

    key: str
    """Also the name of the matching `NprmProfile` field, e.g. `vuln_scan`."""
    value: int
    unit: CadenceUnit
    citation: str
    """Paragraph of the proposed (renumbered) text, not of current law."""
    confidence: Confidence
    description: str


@dataclass(frozen=True)
class NprmProfile:
    """The NPRM's cadences as numbers, plus the facts needed to cite it honestly."""

    status: Literal["proposed"]
    title: str
    federal_register: str
    """Citation of the notice, `90 FR 898`."""
    document_number: str
    rin: str
    published: date
    comments_closed: date
    cadences: tuple[NprmCadence, ...]
    """Every cadence with unit, proposed citation, confidence and description."""
    inventory_review: int
    """Days: review the technology asset inventory and network map."""
    risk_analysis_review: int
    """Days: review the written risk analysis."""
    vuln_scan: int
    """Days: automated vulnerability scans."""
    pentest: int
    """Days: penetration test."""
    patch_critical_days: int
    patch_high_days: int
    access_termination_hours: int
    access_change_notice_hours: int
    restore_hours: int
    compliance_audit: int
    """Days: Security Rule compliance audit."""
    ba_verification: int
    """Days: business associates' written verification of technical safeguards."""
    training_initial_days: int
    training_refresh: int
    """Days: repeat security awareness training."""
    ir_plan_test: int
    """Days: test the incident response plan."""
    contingency_test: int
    """Days: test the contingency plan."""

    @property
    def label(self) -> str:
        """The one-line warning every display of this profile carries."""
        return f"PROPOSED (not law): HHS NPRM {self.federal_register}, {self.published.isoformat()}"

    def cadence(self, key: str) -> NprmCadence:
        """The cadence named `key` (KeyError for an unknown one)."""
        for cadence in self.cadences:
            if cadence.key == key:
                return cadence
        raise KeyError(key)


def nprm_profile() -> NprmProfile:
    """The 2025 NPRM profile; its `status` is always "proposed"."""
    return _profile()


@cache
def _profile() -> NprmProfile:
    top = document(_FILE)
    top.only(
        "schema_version",
        "status",
        "title",
        "federal_register",
        "document_number",
        "rin",
        "published",
        "comments_closed",
        "cadences",
    )
    if top.text("status") != "proposed":
        top.fail("`status` must be `proposed`: no part of this NPRM is law")
    cadences = tuple(_cadence(record) for record in top.children("cadences"))
    numbers = {cadence.key: cadence.value for cadence in cadences}
    expected = {f.name for f in fields(NprmProfile)} - {
        "status",
        "title",
        "federal_register",
        "document_number",
        "rin",
        "published",
        "comments_closed",
        "cadences",
    }
    if len(numbers) != len(cadences) or set(numbers) != expected:
        missing = sorted(expected - set(numbers))
        extra = sorted(set(numbers) - expected)
        top.fail(f"`cadences` must name each cadence once (missing {missing}, unknown {extra})")
    return NprmProfile(
        status="proposed",
        title=top.text("title"),
        federal_register=top.text("federal_register"),
        document_number=top.text("document_number"),
        rin=top.text("rin"),
        published=top.day("published"),
        comments_closed=top.day("comments_closed"),
        cadences=cadences,
        **numbers,
    )


def _cadence(record: Record) -> NprmCadence:
    record.only("key", "value", "unit", "citation", "confidence", "description")
    value = record.integer("value")
    if value < 1:
        record.fail("`value` must be at least 1")
    unit = record.text("unit")
    if unit not in get_args(CadenceUnit):
        record.fail(f"`unit` must be one of {', '.join(get_args(CadenceUnit))}")
    key = record.text("key")
    if key.endswith("_hours") != (unit == "hours"):
        record.fail(f"`{key}` is counted in {unit}, which its name contradicts")
    confidence = record.text("confidence")
    if confidence not in get_args(Confidence):
        record.fail(f"`confidence` must be one of {', '.join(get_args(Confidence))}")
    return NprmCadence(
        key=key,
        value=value,
        unit=cast(CadenceUnit, unit),
        citation=record.text("citation"),
        confidence=cast(Confidence, confidence),
        description=record.text("description"),
    )
