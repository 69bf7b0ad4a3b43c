"""The safeguards questionnaire: bundled questions on every HIPAA standard and specification.

The data (`catalog/data/safeguard_questions.yaml`) is validated by the pydantic models below
once per process; broken data raises `CatalogError` (a bug on our side, not the user's).
Every question cites catalog entries, says what a partial or no answer puts at risk, and
what would remedy it; `applies_to` names the entity types it binds, `profile` marks the
items only the 2025 NPRM would add (asked only under `profile: nprm-2025`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import CatalogError
from .hipaa import hipaa_entry
from .loader import SCHEMA_VERSION

_FILE = "safeguard_questions.yaml"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ENTITY_TYPES = frozenset({"covered-entity", "business-associate", "hybrid-entity"})
_PROFILES = frozenset({"nprm-2025"})


class Implication(StrEnum):
    """What an answer means for the workspace (the four answers of a yes/no question)."""

    YES = "yes"
    """Met: evidence is asked for (a control id, or what, how verified, when and where)."""
    PARTIAL = "partial"
    """Partly met: a draft risk and a remediation item are proposed."""
    NO = "no"
    """Not met: a draft risk and a remediation item are proposed."""
    NOT_APPLICABLE = "not-applicable"
    """Does not apply: a rationale is needed; on an addressable spec, the 164.306(d)(3) decision."""


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Data):
    """One plain-language question and what its answers imply."""

    id: str = Field(pattern=r"^q\.[a-z0-9.-]+$")
    cites: tuple[str, ...] = Field(min_length=1)
    """Catalog citations the question assesses."""
    text: str = Field(min_length=10)
    guidance: str = Field(min_length=10)
    """Why it matters and what a good answer looks like."""
    vulnerability: str = Field(min_length=5)
    """The vulnerability of the draft risk a partial or no answer proposes."""
    remediation: str = Field(min_length=5)
    """The remediation item a partial or no answer proposes."""
    choices: Mapping[str, Implication] | None = None
    """For a choice question: each choice and the answer it counts as."""
    applies_to: tuple[str, ...] | None = None
    """Entity types the question binds; None: every entity."""
    nprm: str | None = None
    """The NPRM profile key the question asks about."""
    section: str = ""
    """Filled from the section the question is listed under."""

    @field_validator("cites")
    @classmethod
    def _known(cls, cites: tuple[str, ...]) -> tuple[str, ...]:
        for citation in cites:
            entry = hipaa_entry(citation)
            if entry is None or entry.citation != citation:
                raise ValueError(f"{citation!r} is not a canonical catalog citation")
        return cites

    @field_validator("applies_to")
    @classmethod
    def _entity_types(cls, types: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if types is not None and not set(types) <= _ENTITY_TYPES:
            raise ValueError(f"applies_to must name {', '.join(sorted(_ENTITY_TYPES))}")
        return types

    @property
    def answers(self) -> tuple[str, ...]:
        """The answers a record may give: the choices, or yes, partial, no, not-applicable."""
        return tuple(self.choices) if self.choices else tuple(Implication)

    def implication(self, answer: str) -> Implication | None:
        """What `answer` counts as; None for an answer outside the question's type."""
        if self.choices:
            return self.choices.get(answer)
        try:
            return Implication(answer)
        except ValueError:
            return None

    @property
    def addressable(self) -> tuple[str, ...]:
        """The addressable specifications it cites: a not-applicable needs their decision."""
        return tuple(
            cite
            for cite in self.cites
            if getattr(hipaa_entry(cite), "designation", "") == "addressable"
        )

    def applies(self, entity_type: str | None) -> bool:
        """True if the question binds an organization of this entity type (unknown: yes)."""
        return entity_type is None or self.applies_to is None or entity_type in self.applies_to


class Section(_Data):
    """The questions on one standard (or the NPRM's proposed items)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    cites: tuple[str, ...] = Field(min_length=1)
    threat: str
    """Threat event of the draft risks its questions propose."""
    policy: bool = False
    """The standard's text asks for written policies or procedures (164.316(a))."""
    profile: str | None = None
    """`nprm-2025`: asked only under that profile (proposed, not law)."""
    questions: tuple[Question, ...] = Field(min_length=1)

    @field_validator("profile")
    @classmethod
    def _profile(cls, profile: str | None) -> str | None:
        if profile is not None and profile not in _PROFILES:
            raise ValueError(f"profile must be one of {', '.join(sorted(_PROFILES))}")
        return profile


class QuestionCatalog(_Data):
    """The whole questionnaire, in the order it is asked."""

    schema_version: int
    sections: tuple[Section, ...]

    def questions(self) -> tuple[Question, ...]:
        """Every question in order."""
        return tuple(question for section in self.sections for question in section.questions)


@cache
def question_catalog() -> QuestionCatalog:
    """The bundled questionnaire, validated once per process."""
    try:
        raw = files(__package__).joinpath("data", _FILE).read_bytes()
        data = yaml.load(raw, Loader=_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"bundled catalog file {_FILE} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise CatalogError(f"{_FILE}: expected a mapping with schema_version {SCHEMA_VERSION}")
    for section in data.get("sections") or ():
        for question in section.get("questions") or ():
            if isinstance(question, dict):
                question["section"] = section.get("id", "")
    try:
        catalog = QuestionCatalog.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"{_FILE}: {exc}") from exc
    seen: set[str] = set()
    for section in catalog.sections:
        for key in (section.id, *(question.id for question in section.questions)):
            if key in seen:
                raise CatalogError(f"{_FILE}: {key} appears twice")
            seen.add(key)
    return catalog


@cache
def question_by_id() -> Mapping[str, Question]:
    """Every question by id."""
    return {question.id: question for question in question_catalog().questions()}


@cache
def section_by_id() -> Mapping[str, Section]:
    """Every section by id."""
    return {section.id: section for section in question_catalog().sections}


@cache
def policy_standards() -> tuple[str, ...]:
    """Citations of the standards whose text asks for written policies or procedures."""
    return tuple(section.cites[0] for section in question_catalog().sections if section.policy)
