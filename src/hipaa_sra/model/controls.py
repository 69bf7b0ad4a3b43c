"""Controls: implemented safeguards, the HIPAA citations they meet, and their evidence."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field

from .base import (
    INTERVAL_RANGE,
    IntervalDays,
    IsoDate,
    Record,
    Ref,
    Sha256,
    SraModel,
    Text,
    Unknowable,
    Waivers,
    interval_in_range,
    parse_interval_days,
)


class Safeguard(StrEnum):
    """Safeguard families: 164.308, .310, .312, plus the 164.314 and 164.316 requirements."""

    ADMINISTRATIVE = "administrative"
    PHYSICAL = "physical"
    TECHNICAL = "technical"
    ORGANIZATIONAL = "organizational"
    DOCUMENTATION = "documentation"


class EvidenceSource(StrEnum):
    """Whether evidence was gathered by a person or a pipeline."""

    MANUAL = "manual"
    AUTOMATED = "automated"


_NAMED_INTERVALS = {
    "daily": 1,
    "weekly": 7,
    "biweekly": 14,
    "monthly": 31,
    "quarterly": 92,
    "semiannually": 183,
    "annually": 366,
    "yearly": 366,
}
_INTERVAL = re.compile(r"(\d+)\s*([dwmy])\Z")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 31, "y": 366}
_EXPECTED = (
    f"expected one of {', '.join(_NAMED_INTERVALS)}, a count with a unit such as 30d, 2w, 6m "
    f"or 1y, or a whole number of days; an interval is {INTERVAL_RANGE}"
)


def interval_days(every: str) -> int:
    """Days in a cadence such as `weekly`, `quarterly`, `30d`, `2w`, `6m` or `1y` (upper bound)."""
    text = every.strip().lower()
    if text in _NAMED_INTERVALS:
        return _NAMED_INTERVALS[text]
    match = _INTERVAL.match(text)
    if match is None:
        raise ValueError(f"not an interval; {_EXPECTED}")
    count = match.group(1)
    # Nine digits bound the product well below any limit; more is out of range anyway.
    days = int(count) * _UNIT_DAYS[match.group(2)] if len(count) <= 9 else 0
    if not interval_in_range(days):
        raise ValueError(f"out of range; {_EXPECTED}")
    return days


def _interval(raw: object) -> object:
    if isinstance(raw, str):
        interval_days(raw)
        return raw
    try:
        return f"{parse_interval_days(raw)}d"
    except ValueError:
        raise ValueError(_EXPECTED) from None


Interval = Annotated[str, BeforeValidator(_interval)]

"""How often something recurs: a named cadence, a count with a unit, or a number of days."""


class Cadence(SraModel):
    """A recurring review, such as audit-log review: who does it, how often, following what."""

    reviewer: Ref | None = Field(None, description="Person id who performs the review.")
    every: Interval | None = Field(
        None, description="How often: daily, weekly, monthly, quarterly, annually, or 30d, 2w, 6m."
    )
    runbook: str | None = Field(None, description="Where the review procedure is written down.")

    @property
    def days(self) -> int | None:
        """The cadence interval in days, if one is set."""
        return None if self.every is None else interval_days(self.every)


class Evidence(SraModel):
    """Proof that a control works: what was checked, how, when and where it is kept."""

    what: Unknowable[Text] = Field(description="What the evidence shows.")
    how_verified: str | None = Field(None, description="How it was checked (scan, review, test).")
    date: IsoDate | None = Field(None, description="When it was last verified (YYYY-MM-DD).")
    location: str | None = Field(None, description="Where the evidence is kept: path, URL, ticket.")
    refresh_days: IntervalDays | None = Field(
        None, description="How many days the evidence stays current (default: policy)."
    )
    source: Unknowable[EvidenceSource] = Field(
        EvidenceSource.MANUAL, description="manual or automated."
    )
    sha256: Sha256 | None = Field(
        None,
        description="SHA-256 (hex) of the file at `location`, recorded when it was "
        "attached (`sra serve`), so a changed or swapped file can be told.",
    )


class Control(Record):
    """An implemented safeguard with the HIPAA citations it meets and its evidence."""

    name: Unknowable[Text]
    safeguard: Unknowable[Safeguard]
    hipaa: tuple[Ref, ...] = Field(
        (), description="Citations met, e.g. 164.312(a)(2)(iv); see `sra catalog`."
    )
    assets: tuple[Ref, ...] = Field((), description="Asset ids the control protects.")
    owner: Ref | None = Field(None, description="Person id accountable for the control.")
    description: str | None = None
    cadence: Cadence | None = None
    evidence: tuple[Evidence, ...] = ()
    waivers: Waivers = ()
