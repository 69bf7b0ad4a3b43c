"""Risks: the register rows exactly as the HIPAA SRA article publishes them, plus optional links."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import IsoDate, LevelField, Record, Ref, RefText, SraModel, Text, Unknowable, Waivers
from .quant import Quant

LEVEL_FIELDS = ("likelihood", "impact", "inherent_risk", "residual_risk")
"""Risk fields that hold a level, for synonym reporting and methodology checks."""


class RemediationStatus(StrEnum):
    """State of a remediation item."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ACCEPTED = "accepted"
    DEFERRED = "deferred"


class ThreatSource(StrEnum):
    """Threat source types of NIST SP 800-30 Rev. 1 Table D-2."""

    ADVERSARIAL = "adversarial"
    ACCIDENTAL = "accidental"
    STRUCTURAL = "structural"
    ENVIRONMENTAL = "environmental"


class Remediation(SraModel):
    """A planned safeguard that brings a risk down, with owner, due date and status."""

    control: Unknowable[Text] = Field(
        description="The safeguard to implement (text or control id)."
    )
    owner: Ref | None = Field(None, description="Person id accountable for it.")
    due: IsoDate | None = Field(None, description="Due date (YYYY-MM-DD).")
    status: Unknowable[RemediationStatus] = Field(
        RemediationStatus.PLANNED, description="planned, in_progress, done, accepted or deferred."
    )
    rationale: str | None = Field(None, description="Why the risk is accepted or deferred.")
    approved_by: Ref | None = Field(None, description="Person id who approved the acceptance.")


class Risk(Record):
    """One row of the risk register: a threat exploiting a vulnerability of an asset."""

    asset: Unknowable[RefText] = Field(description="Id of the asset at risk.")
    ephi_present: bool | None = Field(None, description="The asset holds or moves ePHI.")
    threat: Unknowable[Text] = Field(description="The threat event.")
    vuln: Unknowable[Text] = Field(
        description="The vulnerability or predisposing condition it exploits."
    )
    likelihood: Unknowable[LevelField] = Field(
        description="Overall likelihood (NIST SP 800-30 scale)."
    )
    impact: Unknowable[LevelField] = Field(description="Level of impact (NIST SP 800-30 scale).")
    inherent_risk: LevelField | None = Field(
        None, description="Risk level before current controls (likelihood x impact matrix)."
    )
    current_controls: tuple[Ref, ...] = Field(
        (), description="Safeguards in place: control ids, or text saying how/when/where verified."
    )
    residual_risk: LevelField | None = Field(None, description="Risk level with current controls.")
    remediation: tuple[Remediation, ...] = ()
    last_reviewed: IsoDate | None = Field(None, description="Date the row was last reviewed.")
    hipaa: tuple[Ref, ...] = Field((), description="Citations this risk bears on.")
    threat_source: ThreatSource | None = Field(
        None, description="adversarial, accidental, structural or environmental."
    )
    quant: Quant | None = Field(
        None, description="Loss estimate in USD for `sra quantify` (default: the calibration)."
    )
    waivers: Waivers = ()
