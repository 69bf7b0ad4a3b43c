"""Compare what the infrastructure holds with what the inventory says.

Three outcomes: data stores no asset links (`undeclared`), assets linking a source that no
input holds any more (`missing`), and attributes where the inventory and the
infrastructure disagree (`contradictions`). Links are explicit: an asset's `sources:` list.
A source of a platform (or CloudFormation stack) that no input covered is not checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Asset
from .model import Discovery, FactValue, Store
from .normalise import is_store
from .terraform import resource_base

ATTRIBUTE_FACTS: dict[str, str] = {
    "encryption_at_rest": "encryption_at_rest",
    "internet_facing": "publicly_accessible",
    "audit_logging": "logging",
    "backups": "backup_retention_days",
    "mfa": "mfa",
}
"""Inventory attribute -> the infrastructure fact that speaks to it."""


@dataclass(frozen=True, slots=True)
class Contradiction:
    """The inventory says one thing about an attribute, the infrastructure another."""

    asset: str
    source_key: str
    attribute: str
    inventory: bool
    infrastructure: FactValue


@dataclass(frozen=True, slots=True)
class MissingSource:
    """An asset links a source that the inputs read do not hold."""

    asset: str
    source_key: str


@dataclass
class Reconciliation:
    """Discovery reconciled with an inventory."""

    discovery: Discovery
    undeclared: list[Store] = field(default_factory=list)
    missing: list[MissingSource] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    by_asset: dict[str, list[Store]] = field(default_factory=dict)
    """Asset id -> the discovered resources it links (stores and others)."""

    @property
    def missing_assets(self) -> list[str]:
        """Ids of assets with at least one missing source, in inventory order, once each."""
        return list(dict.fromkeys(item.asset for item in self.missing))


def infrastructure_value(attribute: str, store: Store) -> bool | None:
    """What `store`'s facts say about an inventory attribute (None: they do not say)."""
    fact = ATTRIBUTE_FACTS.get(attribute)
    if fact is None:
        return None
    value = store.attributes.get(fact)
    if attribute == "backups":
        return None if not isinstance(value, int) or isinstance(value, bool) else value > 0
    return value if isinstance(value, bool) else None


def reconcile(discovery: Discovery, assets: Iterable[Asset]) -> Reconciliation:
    """Link discovered resources to assets through their `sources` and compare them."""
    result = Reconciliation(discovery)
    by_key: dict[str, list[Store]] = {}
    for store in discovery.tracked:
        by_key.setdefault(store.source_key, []).append(store)
        base = resource_base(store.source_key)
        if base != store.source_key:
            by_key.setdefault(base, []).append(store)
    bases = {resource_base(key) for key in discovery.keys}
    linked: set[int] = set()
    for asset in assets:
        if asset.id is None or asset.is_unknown("sources"):
            continue
        for key in asset.sources:
            stores = by_key.get(key) or by_key.get(resource_base(key)) or []
            if not stores and _covered(key, discovery) and not _exists(key, discovery, bases):
                result.missing.append(MissingSource(asset.id, key))
            for store in stores:
                linked.add(id(store))
                store.asset = store.asset or asset.id
                result.by_asset.setdefault(asset.id, []).append(store)
                result.contradictions.extend(_contradictions(asset, store))
    result.undeclared = [
        store for store in discovery.stores if id(store) not in linked and is_store(store.category)
    ]
    return result


def _covered(key: str, discovery: Discovery) -> bool:
    platform, _, rest = key.partition(":")
    if platform == "cloudformation":
        return (platform, rest.split("/", 1)[0]) in discovery.scopes
    return (platform, "") in discovery.scopes


def _exists(key: str, discovery: Discovery, bases: set[str]) -> bool:
    return key in discovery.keys or key in bases or resource_base(key) in discovery.keys


def _contradictions(asset: Asset, store: Store) -> list[Contradiction]:
    found = []
    for attribute in ATTRIBUTE_FACTS:
        said = getattr(asset.attributes, attribute)
        if not isinstance(said, bool) or asset.attributes.is_unknown(attribute):
            continue
        shown = infrastructure_value(attribute, store)
        if shown is None or shown == said:
            continue
        if attribute == "backups" and not said:
            continue  # retention proves backups are taken, not that restores were tested
        fact = ATTRIBUTE_FACTS[attribute]
        found.append(
            Contradiction(asset.id or "", store.source_key, attribute, said, store.attributes[fact])
        )
    return found
