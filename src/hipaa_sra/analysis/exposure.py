"""Which assets and vendors a safeguard applies to: one definition for lint, calendar and report."""

from __future__ import annotations

from ..model import Asset, Category, CategoryGroup, EphiExposure

# Where a person signs in to reach ePHI: MFA belongs here. Machine-to-machine channels
# (workers, webhooks, queues) authenticate with service credentials instead.
INTERACTIVE = frozenset(
    {
        Category.DATABASE,
        Category.REPLICA,
        Category.WAREHOUSE_LAKE,
        Category.OBJECT_STORAGE,
        Category.SEARCH_INDEX,
        Category.NOTEBOOK_SCRIPT,
        Category.SERVICE,
        Category.PUBLIC_API,
        Category.IDENTITY_PROVIDER,
        Category.BREAK_GLASS,
        Category.AUDIT_LOG,
        Category.SIEM,
        Category.WORKSTATION,
        Category.BASTION,
        Category.MOBILE_KIOSK,
        Category.THIRD_PARTY,
        Category.SFTP_BATCH,
    }
)
AT_REST = frozenset({Category.WORKSTATION, Category.MOBILE_KIOSK})
"""Endpoints that store ePHI on their own disks, besides the data-at-rest group."""
NOT_SCANNED = frozenset({Category.THIRD_PARTY, Category.THIRD_PARTY_API, Category.EMAIL})
"""Systems the organization does not run and so cannot scan itself."""
EXPOSED = frozenset({Category.PUBLIC_API, Category.WEBHOOK})
"""Categories reachable from outside even when `internet_facing` is not recorded."""
BUSINESS_ASSOCIATE = frozenset({EphiExposure.PROCESSES, EphiExposure.STORES})
"""Exposures that make a vendor a business associate (a conduit only transmits)."""


def needs_mfa(asset: Asset) -> bool:
    """A person signs in to it to reach ePHI, so interactive access needs MFA."""
    return asset.category in INTERACTIVE


def stores_data(asset: Asset) -> bool:
    """It keeps data at rest (a store, or an endpoint with its own disk)."""
    return asset.group is CategoryGroup.DATA_AT_REST or asset.category in AT_REST


def scannable(asset: Asset) -> bool:
    """The organization runs it, so it can scan it for vulnerabilities (unknown: not claimed)."""
    return asset.category is not None and asset.category not in NOT_SCANNED


def exposed(asset: Asset) -> bool:
    """Reachable from outside: internet-facing, or a public API or webhook.

    Like the others here, False when the fact it turns on could not be read: a check
    that applies only to such assets then says nothing.
    """
    return bool(asset.attributes.internet_facing) or asset.category in EXPOSED
