"""Assets: the technology asset inventory, in the scope categories auditors look for."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from .base import IsoDate, Record, Ref, SraModel, Text, Unknowable, Waivers


class Category(StrEnum):
    """Leaf category of an asset; its group follows from `CATEGORY_GROUPS`."""

    DATABASE = "database"
    REPLICA = "replica"
    SNAPSHOT_BACKUP = "snapshot-backup"
    WAREHOUSE_LAKE = "warehouse-lake"
    OBJECT_STORAGE = "object-storage"
    SEARCH_INDEX = "search-index"
    CACHE = "cache"
    VOLUME = "volume"
    QUEUE_STREAM = "queue-stream"
    SECRETS_STORE = "secrets-store"
    SERVICE = "service"
    WORKER = "worker"
    SCHEDULED_JOB = "scheduled-job"
    NOTEBOOK_SCRIPT = "notebook-script"
    FUNCTION = "function"
    INTERNAL_API = "internal-api"
    PUBLIC_API = "public-api"
    WEBHOOK = "webhook"
    THIRD_PARTY_API = "third-party-api"
    SFTP_BATCH = "sftp-batch"
    EMAIL = "email"
    IDENTITY_PROVIDER = "identity-provider"
    MFA = "mfa"
    SERVICE_AUTH = "service-auth"
    BREAK_GLASS = "break-glass"
    AUDIT_LOG = "audit-log"
    SIEM = "siem"
    WORKSTATION = "workstation"
    BASTION = "bastion"
    MOBILE_KIOSK = "mobile-kiosk"
    THIRD_PARTY = "third-party"


class CategoryGroup(StrEnum):
    """The scope groups of the inventory taxonomy."""

    DATA_AT_REST = "data-at-rest"
    COMPUTE = "compute"
    TRANSIT = "transit"
    IDENTITY_OBSERVABILITY = "identity-observability"
    ENDPOINT = "endpoint"
    THIRD_PARTY = "third-party"


_C = Category
CATEGORY_GROUPS: dict[Category, CategoryGroup] = {
    **dict.fromkeys(
        (
            _C.DATABASE,
            _C.REPLICA,
            _C.SNAPSHOT_BACKUP,
            _C.WAREHOUSE_LAKE,
            _C.OBJECT_STORAGE,
            _C.SEARCH_INDEX,
            _C.CACHE,
            _C.VOLUME,
            _C.QUEUE_STREAM,
            _C.SECRETS_STORE,
        ),
        CategoryGroup.DATA_AT_REST,
    ),
    **dict.fromkeys(
        (_C.SERVICE, _C.WORKER, _C.SCHEDULED_JOB, _C.NOTEBOOK_SCRIPT, _C.FUNCTION),
        CategoryGroup.COMPUTE,
    ),
    **dict.fromkeys(
        (_C.INTERNAL_API, _C.PUBLIC_API, _C.WEBHOOK, _C.THIRD_PARTY_API, _C.SFTP_BATCH, _C.EMAIL),
        CategoryGroup.TRANSIT,
    ),
    **dict.fromkeys(
        (_C.IDENTITY_PROVIDER, _C.MFA, _C.SERVICE_AUTH, _C.BREAK_GLASS, _C.AUDIT_LOG, _C.SIEM),
        CategoryGroup.IDENTITY_OBSERVABILITY,
    ),
    **dict.fromkeys((_C.WORKSTATION, _C.BASTION, _C.MOBILE_KIOSK), CategoryGroup.ENDPOINT),
    _C.THIRD_PARTY: CategoryGroup.THIRD_PARTY,
}


SourceKey = Annotated[
    str,
    Field(
        pattern=r"^(terraform:\S.*|cloudformation:[^/\s]+/\S+|kubernetes:[^/\s]+/[^/\s]+/\S+)$",
        max_length=1000,
        description="terraform:ADDRESS, cloudformation:STACK/LOGICAL_ID or "
        "kubernetes:NAMESPACE/KIND/NAME.",
    ),
]
"""A stable key of an infrastructure resource, as `sra discover` prints it."""


class EphiStatus(StrEnum):
    """Whether an asset creates, receives, maintains or transmits ePHI."""

    PRESENT = "present"
    ABSENT = "absent"
    POSSIBLE = "possible"


class Attributes(SraModel):
    """Security-relevant facts about an asset that rules check."""

    encryption_at_rest: bool | None = Field(None, description="Data at rest is encrypted.")
    encryption_in_transit: bool | None = Field(None, description="Connections use TLS or similar.")
    mfa: bool | None = Field(None, description="Interactive access requires multi-factor auth.")
    audit_logging: bool | None = Field(None, description="Access and changes are logged.")
    backups: bool | None = Field(None, description="Backed up, with restores tested.")
    internet_facing: bool | None = Field(None, description="Reachable from the public internet.")
    last_vulnerability_scan: IsoDate | None = Field(
        None, description="Date of the last automated vulnerability scan (YYYY-MM-DD)."
    )
    last_penetration_test: IsoDate | None = Field(
        None, description="Date of the last penetration test (YYYY-MM-DD)."
    )


class ScanEvidence(SraModel):
    """What `sra scan --record-evidence` found in one source: the evidence for an ePHI claim."""

    date: Unknowable[IsoDate] = Field(description="Date of the scan (YYYY-MM-DD).")
    rows_sampled: Unknowable[Annotated[int, Field(ge=0)]] = Field(
        description="Rows read over every table of the source."
    )
    tables: Unknowable[Annotated[int, Field(ge=0)]] = Field(0, description="Tables scanned.")
    phi_found: Unknowable[bool] = Field(description="Whether any column held a PHI identifier.")
    types: tuple[str, ...] = Field(
        (), description="PHI identifier types found (name, ssn, email, ...)."
    )
    detector_version: Unknowable[Text] = Field(description="Version of the detector that scanned.")
    digest: Unknowable[Text] = Field(
        description="sha256 of the scan's JSON result for this source."
    )


class ScanSource(SraModel):
    """A place where the asset's data can be read: a file, folder, glob or database URL."""

    source: Unknowable[Text] = Field(
        description="Path (relative to the workspace), glob, fsspec URL, SQLite file or "
        "postgresql:// URL without a password."
    )
    schemas: tuple[str, ...] = Field((), description="PostgreSQL: only these schemas.")
    tables: tuple[str, ...] = Field((), description="Databases: only these tables.")
    evidence: ScanEvidence | None = Field(
        None, description="The last recorded scan of this source (`sra scan --record-evidence`)."
    )


class Asset(Record):
    """A technology asset: a store, service, channel, identity system, endpoint or third party."""

    name: Unknowable[Text] = Field(description="Human name of the asset.")
    category: Unknowable[Category] = Field(description="Leaf category of the scope taxonomy.")
    ephi: EphiStatus | None = Field(
        None, description="present, absent or possible; leave out only while unknown."
    )
    environment: str | None = Field(None, description="production, staging, development, ...")
    owner: Ref | None = Field(None, description="Person id accountable for the asset.")
    description: str | None = None
    code_paths: tuple[str, ...] = Field(
        (), description="gitignore-style globs of the code that implements or touches this asset."
    )
    attributes: Attributes = Field(default_factory=Attributes)
    sources: tuple[SourceKey, ...] = Field(
        (),
        description="Infrastructure resources this asset is (`sra discover`): "
        "terraform:ADDRESS, cloudformation:STACK/LOGICAL_ID or kubernetes:NAMESPACE/KIND/NAME.",
    )
    scoped_out_by: Ref | None = Field(
        None,
        description="Control id that keeps ePHI out of this asset (required for absent stores).",
    )
    scan: tuple[ScanSource, ...] = Field(
        (), description="Where `sra scan` reads this asset's data, with the last scan's evidence."
    )
    last_reviewed: IsoDate | None = Field(None, description="Date the entry was last reviewed.")
    waivers: Waivers = ()

    @property
    def group(self) -> CategoryGroup | None:
        """The taxonomy group of the asset's category (None while the category is unknown)."""
        return None if self.category is None else CATEGORY_GROUPS[self.category]
