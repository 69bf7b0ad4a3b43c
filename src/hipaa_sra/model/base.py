"""Shared building blocks of the workspace models: the base class, levels, dates, waivers."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


class SraModel(BaseModel):
    """Base of every workspace record: unknown keys are findings, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Level(StrEnum):
    """A qualitative level on the NIST SP 800-30 scales (3-level mode uses the middle three)."""

    VERY_LOW = "very-low"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very-high"

    @property
    def rank(self) -> int:
        """Position on the five-level scale, 0 (very-low) to 4 (very-high)."""
        return _LEVEL_ORDER.index(self)


_LEVEL_ORDER = tuple(Level)

# Synonyms accepted for levels. The HHS SRA Tool said "medium" until v3.6 and many
# spreadsheet templates still do; accepting it keeps pasted registers loading, and the
# loader reports each use as an info finding so the register can be normalised.
LEVEL_SYNONYMS: dict[str, Level] = {
    "medium": Level.MODERATE,
    "med": Level.MODERATE,
    "very high": Level.VERY_HIGH,
    "very_high": Level.VERY_HIGH,
    "veryhigh": Level.VERY_HIGH,
    "very low": Level.VERY_LOW,
    "very_low": Level.VERY_LOW,
    "verylow": Level.VERY_LOW,
}


def parse_level(raw: object) -> tuple[Level | None, bool]:
    """Read a level, case-insensitively; say whether a synonym (not the canonical name) was used."""
    if isinstance(raw, Level):
        return raw, False
    if not isinstance(raw, str):
        return None, False
    text = raw.strip().lower()
    try:
        return Level(text), False
    except ValueError:
        synonym = LEVEL_SYNONYMS.get(text)
        return synonym, synonym is not None


_CANONICAL = frozenset(level.value for level in Level)


def _level(raw: object) -> object:
    if raw.__class__ is str and raw in _CANONICAL:
        return raw
    level, _ = parse_level(raw)
    return raw if level is None else level


LevelField = Annotated[Level, BeforeValidator(_level)]
"""A level as written in YAML: canonical names in any case, or an accepted synonym."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _iso_date(raw: object) -> object:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and _ISO_DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise ValueError(f"{raw} is not a calendar date ({exc})") from None
    raise ValueError("expected a date written as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date written `YYYY-MM-DD`; impossible dates such as 2026-02-30 are rejected."""

Text = Annotated[str, Field(min_length=1)]
"""Non-empty text."""

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$",
        description="Stable identifier (letters, digits, . _ : / @ + -), unique in the workspace.",
    ),
]


class Waiver(SraModel):
    """A reviewed decision to silence one rule on one record until a date."""

    rule: str | None = Field(None, description="Rule code or name, e.g. SRA101 or stale-review.")
    reason: str | None = Field(None, description="Why the finding does not apply or is accepted.")
    approved_by: str | None = Field(None, description="Person id of the approver.")
    until: IsoDate | None = Field(None, description="Date the waiver expires (YYYY-MM-DD).")


Waivers = Annotated[
    tuple[Waiver, ...],
    Field(description="Findings silenced on this record, each with reason, approver and expiry."),
]


def field_names(model: type[BaseModel]) -> tuple[str, ...]:
    """The YAML keys a model accepts (aliases where set), for did-you-mean suggestions."""
    return tuple(info.alias or name for name, info in model.model_fields.items())


def is_mapping(value: Any) -> bool:
    """True for a YAML mapping as the loader builds it."""
    return isinstance(value, dict)
