"""Resources -> data stores: category, ePHI guess and facts from the mapping table.

Within one input, attachments (S3's separate encryption, ACL, logging and public-access
resources) are joined to the store they configure, and references between resources are
proposed as flows. Joins never cross inputs: two plans are two estates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ..model import CATEGORY_GROUPS, Category, CategoryGroup
from .mapping import Attachment, FactSpec, Table, TypeSpec, read_fact
from .model import (
    FACTS,
    Discovery,
    FactValue,
    InputKind,
    InputSummary,
    Platform,
    ProposedFlow,
    Resource,
    Store,
)
from .terraform import resource_base
from .values import UNKNOWN

NUMERIC_FACTS = frozenset({"backup_retention_days", "log_retention_days"})
"""Facts that are a number of days, or null when the input gives no number."""

_NOT_STORES = frozenset(
    {
        Category.FUNCTION,
        Category.SERVICE,
        Category.PUBLIC_API,
        Category.IDENTITY_PROVIDER,
        Category.NOTEBOOK_SCRIPT,
    }
)
_EXTRA_STORES = frozenset({Category.AUDIT_LOG, Category.NOTEBOOK_SCRIPT})
_IDENTIFYING = (
    "id",
    "arn",
    "name",
    "bucket",
    "identifier",
    "cluster_identifier",
    "endpoint",
    "address",
    "function_name",
)
_TAG_KEY = re.compile(r"[^a-z0-9]")
_BLANK: dict[str, FactValue] = {
    fact: None if fact in {"backup_retention_days", "log_retention_days"} else "unknown"
    for fact in FACTS
}
"""Every fact, not stated: `"unknown"`, or None for the day counts."""


def is_store(category: str) -> bool:
    """True if an asset of this category keeps data at rest (or is an audit log or notebook)."""
    try:
        leaf = Category(category)
    except ValueError:
        return False
    return CATEGORY_GROUPS[leaf] is CategoryGroup.DATA_AT_REST or leaf in _EXTRA_STORES


@dataclass
class _Tracked:
    resource: Resource
    store: Store
    stated: dict[str, int] = field(default_factory=dict)
    """Fact -> strength of what set it: 1 stated, 2 decisive; absent: a default or unknown."""


def add_input(
    discovery: Discovery,
    path: str,
    kind: InputKind,
    version: str | None,
    resources: Iterable[Resource],
    table: Table,
) -> None:
    """Map the resources of one input into `discovery`."""
    tracked: list[_Tracked] = []
    attachments: list[tuple[Resource, Attachment]] = []
    count = 0
    # What each type is, decided once per type: a plan repeats a few hundred types.
    roles: dict[tuple[str, Platform], TypeSpec | Attachment | bool] = {}
    keys, scopes = discovery.keys, discovery.scopes
    for resource in resources:
        count += 1
        if resource.action == "delete":
            continue  # the plan removes it: it will not exist
        keys.add(resource.source_key)
        if resource.platform is Platform.CLOUDFORMATION:
            scopes.add((resource.platform.value, resource.scope))
        else:
            scopes.add((resource.platform.value, ""))
        role = roles.get((resource.type, resource.platform))
        if role is None:
            role = roles[(resource.type, resource.platform)] = _role(resource, table)
        if isinstance(role, TypeSpec) or resource.hint:
            spec = role if isinstance(role, TypeSpec) else None
            tracked.append(_track(resource, spec, path, table))
            continue
        discovery.other_resources += 1
        if isinstance(role, Attachment):
            attachments.append((resource, role))
        elif not role:
            discovery.unknown_types[resource.type] = (
                discovery.unknown_types.get(resource.type, 0) + 1
            )
    discovery.inputs.append(InputSummary(path, kind, count, version))
    index = _Index(tracked)
    for resource, attachment in attachments:
        for parent in index.parents(resource, attachment):
            _apply(parent, attachment.facts, resource.values, resource.refs)
    for item in tracked:
        if is_store(item.store.category):
            discovery.stores.append(item.store)
        else:
            discovery.other_resources += 1
        discovery.tracked.append(item.store)
        spec = table.types.get(item.resource.type)
        if spec is not None and spec.flows:
            discovery.flows.extend(_flows(item, spec, index))


def _role(resource: Resource, table: Table) -> TypeSpec | Attachment | bool:
    """The type's mapping, its attachment, or whether the table knows it (True) or not."""
    spec = table.types.get(resource.type)
    if spec is not None and spec.platform is resource.platform:
        return spec
    attachment = table.attachments.get(resource.type)
    return attachment if attachment is not None else table.known(resource.type)


def _track(resource: Resource, spec: TypeSpec | None, path: str, table: Table) -> _Tracked:
    category = spec.category.value if spec is not None else str(resource.hint)
    if spec is not None and any(
        condition.holds(resource.values, resource.refs) for condition in spec.replica_when
    ):
        category = Category.REPLICA.value
    tags = _tags(resource.values)
    ephi, reason = _ephi(tags, table)
    store = Store(
        resource.source_key,
        resource.address,
        resource.type,
        category,
        ephi,
        dict(_BLANK),
        path,
        _name(resource, spec, tags),
        reason,
    )
    item = _Tracked(resource, store)
    if spec is not None:
        _apply(item, spec.facts, resource.values, resource.refs)
    # Keep only what joins and flows read: a plan's stores stay small in memory.
    keep = (*_IDENTIFYING, *(spec.flows if spec is not None else ()))
    resource.values = {key: resource.values[key] for key in keep if key in resource.values}
    return item


def _apply(
    item: _Tracked,
    facts: Mapping[str, FactSpec],
    values: Mapping[str, Any],
    referenced: Mapping[str, object] | None = None,
) -> None:
    for fact, spec in facts.items():
        value, stated = read_fact(spec, values, tuple(referenced or ()))
        strength = (2 if spec.decisive else 1) if stated else 0
        before = item.stated.get(fact, 0)
        if strength == 0 and before > 0:
            continue  # a default never replaces what another resource stated
        if strength < before:
            continue
        if fact in NUMERIC_FACTS and not isinstance(value, int):
            value = None
        item.store.attributes[fact] = value
        if strength:
            item.stated[fact] = strength


def _name(resource: Resource, spec: TypeSpec | None, tags: dict[str, Any]) -> str:
    for key in ("Name", "name"):
        if isinstance(tags.get(key), str) and tags[key]:
            return str(tags[key])
    for path in spec.name_paths if spec is not None else ():
        value = resource.values.get(path)
        if isinstance(value, str) and value:
            return value
    return resource.address


def _tags(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("tags", "Tags", "labels", "annotations", "user_labels"):
        raw = values.get(key)
        if isinstance(raw, Mapping):
            out.update(raw)
        elif isinstance(raw, list):  # CloudFormation: [{Key: ..., Value: ...}]
            for pair in raw:
                if isinstance(pair, Mapping) and isinstance(pair.get("Key"), str):
                    out[pair["Key"]] = pair.get("Value")
    return out


def _ephi(tags: dict[str, Any], table: Table) -> tuple[str, str | None]:
    keys, wanted = _phi_words(table.phi_tags, table.phi_values)
    for key, value in tags.items():
        if value is UNKNOWN or not isinstance(value, (str, bool)):
            continue
        if _tag_key(str(key)) in keys and str(value).lower() in wanted:
            return "present", f"{key}: {value}"
    return "possible", None


@cache
def _phi_words(
    tags: tuple[str, ...], values: tuple[str, ...]
) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(tags), frozenset(value.lower() for value in values)


@lru_cache(maxsize=4096)
def _tag_key(key: str) -> str:
    """`example.com/Data-Classification` -> `dataclassification` (plans repeat tag keys)."""
    return _TAG_KEY.sub("", key.rsplit("/", 1)[-1].lower())


class _Index:
    """Tracked resources of one input by address and by identifying values."""

    def __init__(self, tracked: list[_Tracked]) -> None:
        self.by_base: dict[str, list[_Tracked]] = {}
        self.by_value: dict[str, list[_Tracked]] = {}
        self._tracked = tracked
        for item in tracked:
            address = item.resource.address
            base = resource_base(address) if address.endswith("]") else address
            self.by_base.setdefault(base, []).append(item)
            if base != address:
                self.by_base.setdefault(address, []).append(item)

    def _values(self) -> dict[str, list[_Tracked]]:
        """By identifying value (id, ARN, name...): built on first use, for states' joins."""
        if not self.by_value:
            for item in self._tracked:
                for key in _IDENTIFYING:
                    value = item.resource.values.get(key)
                    if isinstance(value, str) and value:
                        self.by_value.setdefault(value, []).append(item)
        return self.by_value

    def referenced(self, resource: Resource, attribute: str) -> list[_Tracked]:
        """Tracked resources that `attribute` of `resource` names, by reference or value."""
        found: list[_Tracked] = []
        for ref in (*resource.refs.get(attribute, ()), *resource.refs.get("*", ())):
            found.extend(self.by_base.get(ref, ()))
        if not found and resource.values.get(attribute) is not None:
            by_value = self._values()
            for text in _strings(resource.values.get(attribute)):
                found.extend(by_value.get(text, ()) or by_value.get(text.rsplit(":", 1)[0], ()))
        unique = {id(item): item for item in found if item.resource is not resource}
        return list(unique.values())

    def parents(self, resource: Resource, attachment: Attachment) -> list[_Tracked]:
        """The stores an attachment configures."""
        return [
            item
            for item in self.referenced(resource, attachment.parent_attribute)
            if item.resource.type in attachment.parent_types
        ]


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str) and value:
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _flows(item: _Tracked, spec: TypeSpec, index: _Index) -> list[ProposedFlow]:
    flows: dict[tuple[str, str], ProposedFlow] = {}
    for attribute, direction in spec.flows.items():
        via = f"{item.resource.type}.{attribute}"
        for other in index.referenced(item.resource, attribute):
            here, there = item.store.source_key, other.store.source_key
            pair = (there, here) if direction == "from" else (here, there)
            flows.setdefault(pair, ProposedFlow(pair[0], pair[1], via))
    return list(flows.values())
