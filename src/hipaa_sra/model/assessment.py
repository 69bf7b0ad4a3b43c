"""Assessment answers: one record per question of the safeguards questionnaire."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import IsoDate, Record, Ref, RefText, SraModel, Text, Unknowable, Waivers

ORGANIZATION_ASSET = "organization"
"""The asset id a risk about the organization as a whole names (the draft risks of the
questionnaire: no sanction policy, no training); it needs no inventory entry."""


class AnswerDecision(StrEnum):
    """The 164.306(d)(3) decision a not-applicable answer on an addressable spec records."""

    IMPLEMENTED = "implemented"
    ALTERNATIVE = "alternative"
    NOT_REASONABLE = "not-reasonable"


class AnswerEvidence(SraModel):
    """What shows a yes answer is true: a control, or what was checked, how, when and where."""

    control: Ref | None = Field(None, description="Id of a control that implements it.")
    what: str | None = Field(None, description="What the evidence shows.")
    how_verified: str | None = Field(None, description="How it was checked (review, test, scan).")
    date: IsoDate | None = Field(None, description="When it was last verified (YYYY-MM-DD).")
    location: str | None = Field(None, description="Where the evidence is kept: path, URL, ticket.")

    @property
    def documented(self) -> bool:
        """Names a control, or says what, how, when and where."""
        return bool(self.control) or all((self.what, self.how_verified, self.date, self.location))


class Answer(Record):
    """The answer to one question; its `id` is the question's id (`sra assess --list`)."""

    answer: Unknowable[Text] = Field(
        description="yes, partial, no or not-applicable, or one of the question's choices."
    )
    notes: str | None = None
    evidence: tuple[AnswerEvidence, ...] = Field(
        (), description="For yes: controls, or what/how_verified/date/location."
    )
    rationale: str | None = Field(None, description="Why the question does not apply.")
    decision: AnswerDecision | None = Field(
        None,
        description="For not-applicable on an addressable specification: implemented, "
        "alternative or not-reasonable (45 CFR 164.306(d)(3)).",
    )
    alternative_measure: str | None = Field(None, description="The equivalent measure, if any.")
    answered_by: Unknowable[RefText] = Field(description="Person id from sra.yaml `people`.")
    date: Unknowable[IsoDate] = Field(description="When the answer was given (YYYY-MM-DD).")
    waivers: Waivers = ()
