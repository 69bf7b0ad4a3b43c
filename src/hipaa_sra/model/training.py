"""Training records: who completed which security training, when, and how often it recurs."""

from __future__ import annotations

from pydantic import Field

from .base import IntervalDays, IsoDate, Record, Ref, Text, Unknowable, Waivers


class Training(Record):
    """One completion of a course by a person, or by a named group with its headcount."""

    person: Ref | None = Field(None, description="Person id from sra.yaml `people`.")
    group: str | None = Field(None, description="A named group (e.g. front-desk staff).")
    headcount: int | None = Field(None, ge=1, description="How many people the group holds.")
    course: Unknowable[Text]
    completed: Unknowable[IsoDate] = Field(description="Date of completion (YYYY-MM-DD).")
    interval_days: IntervalDays | None = Field(
        None,
        description="Days until it must be repeated (default: review_intervals.training_days).",
    )
    evidence: str | None = Field(None, description="Where the completion record is kept.")
    waivers: Waivers = ()
