"""What discovery produces: resources as read, data stores as mapped, proposed flows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

FactValue = bool | int | str | None
"""A fact: its value, `"unknown"` when the input does not state it, None when not applicable."""

FACTS: tuple[str, ...] = (
    "encryption_at_rest",
    "encryption_key",
    "publicly_accessible",
    "backup_retention_days",
    "deletion_protection",
    "logging",
    "versioning",
    "iam_database_authentication",
    "multi_az",
    "log_retention_days",
    "mfa",
)
"""Every fact a data store reports, in output order."""


class Platform(StrEnum):
    """The kind of infrastructure code an input is; the first part of a source key."""

    TERRAFORM = "terraform"
    CLOUDFORMATION = "cloudformation"
    KUBERNETES = "kubernetes"


class InputKind(StrEnum):
    """How an input was read."""

    TERRAFORM_PLAN = "terraform-plan"
    TERRAFORM_STATE = "terraform-state"
    TERRAFORM_HCL = "terraform-hcl"
    CLOUDFORMATION = "cloudformation"
    KUBERNETES = "kubernetes"


@dataclass(slots=True)
class Resource:
    """One resource instance as an input describes it, before mapping."""

    platform: Platform
    address: str
    """Terraform address as Terraform prints it, CloudFormation logical id, or `Kind/name`."""
    type: str
    """Provider resource type (`aws_db_instance`, `AWS::RDS::DBInstance`, `StatefulSet`)."""
    values: Mapping[str, Any]
    """Attributes, with `values.UNKNOWN` where the input does not fix them."""
    scope: str = ""
    """Terraform module path, CloudFormation stack, or Kubernetes namespace."""
    refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Top-level attribute -> addresses of resources of the same input it refers to."""
    action: str | None = None
    """Plan only: create, update, replace, delete, read or no-op."""
    hint: str | None = None
    """A category the reader found itself (Kubernetes workloads, by their images)."""

    @property
    def source_key(self) -> str:
        """The stable key an asset's `sources:` links to."""
        if self.platform is Platform.TERRAFORM:
            return f"terraform:{self.address}"
        return f"{self.platform.value}:{self.scope}/{self.address}"


@dataclass(frozen=True, slots=True)
class InputSummary:
    """One input as read: what it was, and how many resources it held."""

    path: str
    kind: InputKind
    resources: int
    format_version: str | None = None


@dataclass(slots=True)
class Store:
    """A discovered data store (or other tracked resource): category, ePHI guess and facts."""

    source_key: str
    address: str
    type: str
    category: str
    ephi: str
    """`present` when tags or labels say PHI, else `possible`."""
    attributes: dict[str, FactValue]
    input: str
    name: str
    """A human name: the `Name` tag or the resource's own name."""
    ephi_reason: str | None = None
    asset: str | None = None
    """Id of the inventory asset that links this source, once reconciled."""


@dataclass(frozen=True, slots=True)
class ProposedFlow:
    """A data flow the infrastructure code shows; always lower confidence than a written one."""

    source: str
    """Source key data comes from."""
    target: str
    """Source key data goes to."""
    via: str
    """What shows it: the resource type and attribute (`aws_lambda_function.environment`)."""
    confidence: str = "low"


@dataclass(slots=True)
class Discovery:
    """Everything read from the inputs: data stores, every source key, proposed flows."""

    inputs: list[InputSummary] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    """Every resource's source key, data store or not (to tell a link that went stale)."""
    scopes: set[tuple[str, str]] = field(default_factory=set)
    """(platform, scope) pairs read: a link into a stack or tool not read is not checked."""
    other_resources: int = 0
    unknown_types: dict[str, int] = field(default_factory=dict)
    """Resource types the mapping table does not know, and how often each was seen."""
    flows: list[ProposedFlow] = field(default_factory=list)
    tracked: list[Store] = field(default_factory=list)
    """Every mapped resource, stores and others (functions, APIs, identity providers)."""
