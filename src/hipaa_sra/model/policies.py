"""Policies: the written policies and procedures 45 CFR 164.316(a) requires."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import IntervalDays, IsoDate, Record, Ref, Text, Unknowable, Waivers


class PolicyStatus(StrEnum):
    """Where a policy stands."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class Policy(Record):
    """A written policy or procedure, its approval and its review interval."""

    title: Unknowable[Text]
    hipaa: tuple[Ref, ...] = Field(
        (), description="Citations the policy addresses, e.g. 164.308(a)(1)(ii)(C)."
    )
    owner: Ref | None = Field(None, description="Person id accountable for the policy.")
    version: str | None = None
    status: Unknowable[PolicyStatus] = Field(description="draft, active or retired.")
    approved_by: Ref | None = Field(None, description="Person id who approved it.")
    approved: IsoDate | None = Field(None, description="Date of the approval (YYYY-MM-DD).")
    review_days: IntervalDays | None = Field(
        None, description="Days between reviews (default: review_intervals.policy_days)."
    )
    document: str | None = Field(None, description="Where the document lives: path or URL.")
    sha256: str | None = Field(
        None, pattern=r"^[0-9a-fA-F]{64}$", description="SHA-256 of the approved document."
    )
    description: str | None = None
    waivers: Waivers = ()
