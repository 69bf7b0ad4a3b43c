"""The mapping table: resource types to inventory categories, attributes to evidence facts.

The table is bundled data (`discover/data/mapping.yaml`) validated by the models below, so
a new type is a few lines of YAML. A fact is read from the first of its `paths` the input
states; `default` is the platform's documented behaviour when no path is stated, and only
facts whose default docs/discover.md lists may have one.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache, cached_property
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import CatalogError
from ..model import Category
from .model import FACTS, FactValue, Platform
from .values import MISSING, UNKNOWN, lookup

Kind = Literal["flag", "present", "number", "text", "one_of"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """A test on one attribute; a condition with no test is true when the path is stated."""

    path: str
    starts_with: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()

    def holds(self, values: Any, referenced: Collection[str] = ()) -> bool:
        """True if the attribute is stated and passes the tests (case-insensitive).

        An unknown value counts as set only when it refers to another resource (`referenced`
        holds the attributes that do): a plan's computed attributes are unknown too.
        """
        value = lookup(values, self.path)
        if value is UNKNOWN:
            return self.path.split(".")[0] in referenced and not (self.starts_with or self.contains)
        if value is MISSING or value is False or value in ("", [], {}):
            return False
        text = str(value).lower()
        if self.starts_with and not text.startswith(tuple(s.lower() for s in self.starts_with)):
            return False
        return not self.contains or any(part.lower() in text for part in self.contains)


class FactSpec(_Strict):
    """How one fact is read from a resource's attributes."""

    paths: tuple[str, ...] = Field(min_length=1)
    kind: Kind = "flag"
    true_values: tuple[str, ...] = ()
    """`one_of`: values (case-insensitive) that make the fact true; any other makes it false."""
    map: dict[str, FactValue] | None = None
    """Replace the read value: keys `true`, `false` or a text; values not listed state nothing."""
    default: FactValue = None
    """The documented platform default when no path is stated (None: the fact is unknown)."""
    unless: Condition | None = None
    """When this holds, the type does not decide the fact here (e.g. Aurora: the cluster does)."""
    decisive: bool = False
    """An attachment's statement that overrides what the resource itself says."""

    @model_validator(mode="after")
    def _one_of(self) -> FactSpec:
        if self.kind == "one_of" and not self.true_values:
            raise ValueError("kind one_of needs true_values")
        return self


class TypeSpec(_Strict):
    """A resource type that is a data store (or other tracked resource) and its facts."""

    platform: Platform
    category: Category
    facts: dict[str, FactSpec] = {}
    replica_when: tuple[Condition, ...] = ()
    """Conditions that make an instance a replica (e.g. `replicate_source_db` is set)."""
    name_paths: tuple[str, ...] = ()
    """Attributes that hold the store's own name, for messages and proposed asset names."""
    flows: dict[str, Literal["from", "to"]] = {}
    """Top-level attribute -> direction of data relative to the resources it references."""

    @model_validator(mode="after")
    def _known_facts(self) -> TypeSpec:
        unknown = sorted(set(self.facts) - set(FACTS))
        if unknown:
            raise ValueError(f"unknown facts {unknown}; known: {list(FACTS)}")
        return self


class Attachment(_Strict):
    """A resource that only configures another (S3's separate encryption, ACL, logging...)."""

    parent_types: tuple[str, ...] = Field(min_length=1)
    parent_attribute: str
    """The attribute naming the parent (by reference, or by the parent's id or name)."""
    facts: dict[str, FactSpec] = {}


class ImageRule(_Strict):
    """Kubernetes: a container image pattern that makes a workload a data store."""

    contains: tuple[str, ...] = Field(min_length=1)
    category: Category
    replica_contains: tuple[str, ...] = ()
    """Image or workload name fragments that make it a replica (`slave`, `replica`)."""


class Table(_Strict):
    """The whole mapping table."""

    schema_version: Literal[1]
    types: dict[str, TypeSpec]
    attachments: dict[str, Attachment] = {}
    ignored: tuple[str, ...] = ()
    """Known types that are not stores (counted as other resources, not as unknown types)."""
    ignored_prefixes: tuple[str, ...] = ()
    images: tuple[ImageRule, ...] = ()
    kubernetes_workloads: tuple[str, ...] = ()
    """Kinds whose pod template is matched against `images`."""
    phi_tags: tuple[str, ...] = ()
    """Tag or label keys (compared without case, `-` and `_`) whose value may say PHI."""
    phi_values: tuple[str, ...] = ()
    """Values of those tags that mean the store holds PHI."""

    @model_validator(mode="after")
    def _parents_exist(self) -> Table:
        for name, attachment in self.attachments.items():
            missing = [t for t in attachment.parent_types if t not in self.types]
            if missing:
                raise ValueError(f"attachment {name}: parent types {missing} are not in types")
        return self

    def known(self, type_name: str) -> bool:
        """True if the table says what `type_name` is (a store, an attachment, or ignored)."""
        return (
            type_name in self.types
            or type_name in self.attachments
            or type_name in self.ignored_set
            or type_name.startswith(self.ignored_prefixes)
        )

    @cached_property
    def wanted(self) -> frozenset[str]:
        """Types whose values a reader keeps: stores, tracked resources and attachments."""
        return frozenset(self.types) | frozenset(self.attachments)

    @cached_property
    def referencing(self) -> frozenset[str]:
        """Types whose references matter: joins, flows, or conditions on references."""
        names = set(self.attachments)
        for name, spec in self.types.items():
            if spec.flows or spec.replica_when or any(f.unless for f in spec.facts.values()):
                names.add(name)
        return frozenset(names)

    @property
    def ignored_set(self) -> frozenset[str]:
        """`ignored` as a set."""
        return _ignored(self.ignored)


@cache
def _ignored(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(names)


@cache
def mapping_table() -> Table:
    """The bundled mapping table, read and validated once per process."""
    try:
        raw = files(__package__).joinpath("data", "mapping.yaml").read_bytes()
        return Table.model_validate(
            yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        )
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"bundled discovery mapping table is broken: {exc}") from exc


def read_fact(
    spec: FactSpec, values: Any, referenced: Collection[str] = ()
) -> tuple[FactValue, bool]:
    """The fact's value (`"unknown"` if not decided) and whether the input stated it."""
    if spec.unless is not None and spec.unless.holds(values, referenced):
        return "unknown", False
    for path in spec.paths:
        raw = lookup(values, path)
        if raw is MISSING or raw == "":
            continue  # an empty string is how states write "not set"
        if raw is UNKNOWN:
            if spec.map is not None and _constant(spec.map) is not None:
                return _constant(spec.map), True  # whatever the value, the fact is the same
            return "unknown", True
        value = _convert(spec, raw)
        if spec.map is not None:
            key = str(value).lower() if isinstance(value, bool) else str(value)
            if key not in spec.map:
                continue  # a value the map does not list states nothing: the default holds
            return spec.map[key], True
        return value, True
    if spec.default is not None:
        return spec.default, False
    return "unknown", False


def _constant(mapping: dict[str, FactValue]) -> FactValue:
    """The one value a map gives for both `true` and `false`, if it does."""
    if "true" in mapping and "false" in mapping and mapping["true"] == mapping["false"]:
        return mapping["true"]
    return None


def _convert(spec: FactSpec, raw: Any) -> FactValue:
    if spec.kind == "flag":
        return _flag(raw)
    if spec.kind == "present":
        if isinstance(raw, str):
            return bool(raw.strip()) and raw.strip().lower() not in ("false", "none", "disabled")
        if isinstance(raw, (list, dict)):
            return any(
                item is UNKNOWN or _flag(item) is not False
                for item in (raw.values() if isinstance(raw, dict) else raw)
            )
        return bool(raw)
    if spec.kind == "number":
        if isinstance(raw, bool):
            return "unknown"
        if isinstance(raw, (int, float)):
            return int(raw)
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw)
        return "unknown"
    if spec.kind == "one_of":
        if isinstance(raw, (dict, list)):
            return "unknown"
        return str(raw).lower() in {value.lower() for value in spec.true_values}
    return raw if isinstance(raw, str) else "unknown" if isinstance(raw, (dict, list)) else str(raw)


def _flag(raw: Any) -> FactValue:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    if isinstance(raw, dict):
        enabled = raw.get("enabled", raw.get("Enabled"))
        if isinstance(enabled, (bool, str)):
            return _flag(enabled)
    return "unknown"
