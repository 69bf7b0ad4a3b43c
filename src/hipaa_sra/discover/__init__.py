"""Discover the inventory from infrastructure code: read, map, reconcile.

Readers per input format (Terraform plan, state and HCL; CloudFormation; Kubernetes) turn
files into one list of resources; the bundled mapping table (`discover/data/mapping.yaml`)
says which are data stores, in which inventory category, with which evidence facts; the
reconciliation compares them with the workspace's inventory. See docs/discover.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import DiscoveryError
from .mapping import Table, mapping_table
from .model import (
    FACTS,
    Discovery,
    InputKind,
    InputSummary,
    Platform,
    ProposedFlow,
    Resource,
    Store,
)
from .normalise import add_input, is_store
from .read import read_input
from .reconcile import (
    ATTRIBUTE_FACTS,
    Contradiction,
    MissingSource,
    Reconciliation,
    infrastructure_value,
    reconcile,
)


def discover(paths: Sequence[Path | str], table: Table | None = None) -> Discovery:
    """Read every input and map its resources; `DiscoveryError` for an input not readable."""
    table = table or mapping_table()
    discovery = Discovery()
    for raw in paths:
        path = Path(raw)
        kind, version, resources = read_input(path, table)
        add_input(discovery, str(raw), kind, version, resources, table)
    return discovery


__all__ = [
    "ATTRIBUTE_FACTS",
    "FACTS",
    "Contradiction",
    "Discovery",
    "DiscoveryError",
    "InputKind",
    "InputSummary",
    "MissingSource",
    "Platform",
    "ProposedFlow",
    "Reconciliation",
    "Resource",
    "Store",
    "Table",
    "discover",
    "infrastructure_value",
    "is_store",
    "mapping_table",
    "reconcile",
]
