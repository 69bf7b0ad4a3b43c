"""Shared building blocks of the workspace models: the base class, levels, dates, waivers."""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from typing import Annotated, Any, Optional, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
)
from pydantic_core import CoreSchema, SchemaValidator, core_schema

UNKNOWABLE = "hipaa_sra_unknowable"
"""Core-schema metadata that marks the schema of an `Unknowable` field."""


class _UnknowableMarker:
    """Validates the field as its bare type; marks it so `partial_validator` can relax it.

    Read from YAML, the field keeps the validation, the error messages and the JSON Schema of
    its own type: null there is as invalid as before, at no cost per record.
    """

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        schema = handler(source)
        while schema["type"] == "nullable":  # validate as the bare type: null stays invalid
            schema = schema["schema"]
        marked: Any = dict(schema)
        marked["metadata"] = {**(schema.get("metadata") or {}), UNKNOWABLE: True}
        return typing.cast(CoreSchema, marked)


T = TypeVar("T")

Unknowable = Annotated[Optional[T], _UnknowableMarker()]  # noqa: UP045 (a generic alias needs it)
"""A field that must be written, or that has a default, typed `X | None` because the loader
keeps a record whose value for it is invalid or missing: `None` there means *unknown* (the
loader has reported why), never a value. Users cannot write null into it."""


class SraModel(BaseModel):
    """Base of every workspace record: unknown keys are findings, records are immutable.

    A record the loader kept although some of its fields were invalid (a partial record)
    names those fields in `unknown`: their value is `None` (or, for a list or mapping, the
    items that could be read), and a check must not read that as "not written".
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of fields written with every record that wrote the same ones."""
        # pydantic gives each instance a set of its own, often the largest part of a record
        # (a risk's 13 names take 728 bytes); records are frozen, so nothing adds to it, and
        # `model_copy` copies it before adding the updated names.
        written = self.__pydantic_fields_set__
        shared = _FIELDS_WRITTEN.setdefault(frozenset(written), written)
        object.__setattr__(self, "__pydantic_fields_set__", shared)

    @property
    def unknown(self) -> frozenset[str]:
        """Field names (Python names) whose written value could not be used."""
        private = self.__pydantic_private__
        return private.get(_UNKNOWN, _NOTHING) if private else _NOTHING

    def is_unknown(self, *names: str) -> bool:
        """True if any of the named fields holds a value that was written but is unusable."""
        private = self.__pydantic_private__
        return private is not None and not private.get(_UNKNOWN, _NOTHING).isdisjoint(names)


_UNKNOWN = "unknown"
_NOTHING: frozenset[str] = frozenset()
_FIELDS_WRITTEN: dict[frozenset[str], set[str]] = {}
"""One set of written field names per combination seen (a few hundred in a large workspace)."""


@cache
def partial_validator(model: type[BaseModel]) -> SchemaValidator:
    """A validator of `model` that also takes None (unknown) in every `Unknowable` field.

    Built from the model's own core schema, it makes instances of the same classes with the
    same checks; the loader uses it only for the usable part of a record it has reported.
    """
    classes: list[type[BaseModel]] = []
    schema = _relax(model.__pydantic_core_schema__, classes)
    # pydantic-core reuses the finished validator of a model class wherever its schema
    # appears; marked unfinished while this one is built, the relaxed schemas are used.
    for cls in classes:
        cls.__pydantic_complete__ = False
    try:
        return SchemaValidator(schema)
    finally:
        for cls in classes:
            cls.__pydantic_complete__ = True


def _relax(schema: Any, classes: list[type[BaseModel]]) -> Any:
    """`schema` with each `Unknowable` part made nullable, collecting the model classes."""
    if isinstance(schema, list):
        return [_relax(item, classes) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") == "model":
        classes.append(schema["cls"])
    relaxed = {key: _relax(value, classes) for key, value in schema.items()}
    if (schema.get("metadata") or {}).get(UNKNOWABLE):
        return core_schema.nullable_schema(relaxed)
    return relaxed


def mark_unknown(record: SraModel, names: Iterable[str]) -> None:
    """Record on a freshly built partial record that these fields were written but unusable."""
    # Kept in pydantic's private storage, set once while the loader builds the record (the
    # fields stay frozen). Not a declared private attribute: pydantic would then initialise
    # one on every record of every workspace, which costs more than validating it.
    private = {**(record.__pydantic_private__ or {}), _UNKNOWN: record.unknown | frozenset(names)}
    object.__setattr__(record, "__pydantic_private__", private)


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
            return _calendar_date(raw)
        except ValueError as exc:
            raise ValueError(f"{raw} is not a calendar date ({exc})") from None
    raise ValueError("expected a date written as YYYY-MM-DD")


@lru_cache(maxsize=4096)
def _calendar_date(text: str) -> date:
    # One object per distinct date: a register writes the same few hundred days thousands
    # of times, and every record keeps its dates for as long as the workspace is loaded.
    return date.fromisoformat(text)


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date written `YYYY-MM-DD`; impossible dates such as 2026-02-30 are rejected."""

MIN_INTERVAL_DAYS = 1
MAX_INTERVAL_DAYS = 36_600
"""Intervals run from a day to a hundred years (of 366 days, as `1y` counts them): longer is
a typo, and would push due dates past the end of the calendar."""

INTERVAL_RANGE = f"{MIN_INTERVAL_DAYS} to {MAX_INTERVAL_DAYS:,} days (100 years)"
"""The accepted range of an interval, as messages and the docs say it."""

_DAYS_EXPECTED = (
    f"expected a whole number of days from {MIN_INTERVAL_DAYS} to {MAX_INTERVAL_DAYS:,} (100 years)"
)

_DAY_COUNT = re.compile(r"\s*\+?(\d{1,9})\s*\Z")


def interval_in_range(days: int) -> bool:
    """True if `days` is an accepted interval (1 to 36,600 days)."""
    return MIN_INTERVAL_DAYS <= days <= MAX_INTERVAL_DAYS


def parse_interval_days(raw: object) -> int:
    """A number of days as written in YAML (an integer, or its digits) within the accepted range."""
    # Decided here rather than by pydantic's int coercion so that every refusal (1e30, 0,
    # 2.5, "forever", true) names the range, and a huge number never reaches int().
    days: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        days = raw
    elif isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e9:
        days = int(raw)
    elif isinstance(raw, str) and (match := _DAY_COUNT.match(raw)):
        days = int(match.group(1))
    if days is None or not interval_in_range(days):
        raise ValueError(_DAYS_EXPECTED)
    return days


IntervalDays = Annotated[
    int, Field(ge=MIN_INTERVAL_DAYS, le=MAX_INTERVAL_DAYS), BeforeValidator(parse_interval_days)
]
"""A number of days between reviews or refreshes: a whole number from 1 to 36,600."""

Text = Annotated[str, Field(min_length=1)]
"""Non-empty text."""

_SHARED_LENGTH = 100
"""Longer text is prose, written once; names are shorter (an `Id` is at most 200, in practice
a few dozen)."""


def _shared(text: str) -> str:
    if type(text) is str and len(text) <= _SHARED_LENGTH:
        return sys.intern(text)
    return text


Ref = Annotated[str, AfterValidator(_shared)]
"""Text naming what a workspace names over and over: a person, asset or control id, a HIPAA
citation, a protocol. Kept as one string object per distinct value (`sys.intern`), however
many records write it: in a large register the mentions outnumber the names a hundredfold."""

RefText = Annotated[Text, AfterValidator(_shared)]
"""A `Ref` that must not be empty."""

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$",
        description="Stable identifier (letters, digits, . _ : / @ + -), unique in the workspace.",
    ),
]


class Record(SraModel):
    """A record of a kind folder: something with an id that others refer to."""

    id: Unknowable[Id]

    @property
    def label(self) -> str:
        """The id for messages; `(no valid id)` when it is missing or invalid."""
        return self.id if self.id is not None else "(no valid id)"


Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest of a stored file, as 64 lowercase hex digits."""


class Waiver(SraModel):
    """A reviewed decision to silence one rule on one record until a date."""

    rule: Ref | None = Field(None, description="Rule code or name, e.g. SRA101 or stale-review.")
    reason: str | None = Field(None, description="Why the finding does not apply or is accepted.")
    approved_by: Ref | None = Field(None, description="Person id of the approver.")
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
