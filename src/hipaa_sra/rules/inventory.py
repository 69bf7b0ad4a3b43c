"""Inventory and scope rules (SRA2xx): every ePHI system listed, analysed, and its vendors bound."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.exposure import BUSINESS_ASSOCIATE
from ..analysis.intervals import Interval, Renewal
from ..findings import Severity
from ..model import (
    Asset,
    BaaStatus,
    Category,
    EphiExposure,
    EphiStatus,
    Flow,
    Vendor,
    Workspace,
)
from .base import Context, Family, Hit, Rule

# The categories OCR and auditors most often find missing from an ePHI inventory, in the
# words a compliance officer would use for each.
EXPECTED_CATEGORIES: dict[Category, str] = {
    Category.WAREHOUSE_LAKE: "analytics warehouse or data lake",
    Category.SNAPSHOT_BACKUP: "backup or snapshot",
    Category.REPLICA: "read replica",
    Category.AUDIT_LOG: "audit log",
    Category.SEARCH_INDEX: "search index",
    Category.CACHE: "cache",
    Category.NOTEBOOK_SCRIPT: "notebook or ad-hoc script",
}


def _assets(ws: Workspace) -> tuple[Asset, ...]:
    return ws.assets


def _business_associates(ws: Workspace) -> list[Vendor]:
    return [v for v in ws.vendors if v.ephi_exposure in BUSINESS_ASSOCIATE]


INVENTORY_RENEWAL = Renewal(
    _assets,
    "last_reviewed",
    noun="asset",
    population="assets",
    done="reviewed",
    section="inventory and analysis",
    none="the inventory (inventory/) lists no assets",
    none_is_gap=True,
)
INVENTORY_INTERVAL = Interval("inventory_days", "inventory_review", INVENTORY_RENEWAL)
"""SRA205: `inventory_days`, capped by the NPRM's yearly inventory review under nprm-2025.
Every asset is reviewed, whether or not it holds ePHI: that is how one learns it does not."""

VENDOR_RENEWAL = Renewal(
    _business_associates,
    "last_verified",
    noun="business associate",
    population="business associates",
    done="verified",
    section="vendors",
    none="no vendor (vendors/) processes or stores ePHI, so there is no business associate "
    "to verify",
)
VENDOR_INTERVAL = Interval("vendor_days", "ba_verification", VENDOR_RENEWAL)
"""SRA208: `vendor_days`, capped by the NPRM's yearly verification under nprm-2025."""


def _ephi_without_risk(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if not ctx.facts.known_everywhere("risks", "asset"):
        return  # a risk whose asset could not be read may be the one each asset lacks
    for asset in ctx.facts.in_scope_assets:
        if asset.id is not None and asset.id not in ctx.facts.risks_by_asset:
            yield Hit(
                f"asset `{asset.id}`{_category(asset)} holds or moves ePHI ({asset.ephi}) but "
                "no risk in the register names it; add at least one threat and vulnerability "
                "for it",
                asset,
                ("ephi",),
            )


def _ephi_status_unknown(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ws.assets:
        if asset.ephi is None:
            if not asset.is_unknown("ephi"):
                yield Hit(
                    f"asset `{asset.label}` does not say whether it holds ePHI; set `ephi:` "
                    "to present, absent or possible",
                    asset,
                )
        elif asset.ephi is EphiStatus.POSSIBLE:
            yield Hit(
                f"asset `{asset.label}` may hold ePHI (`ephi: possible`); it is treated as in "
                "scope until someone checks and records present or absent",
                asset,
                ("ephi",),
                severity=Severity.INFO,
            )


def _scope_leak(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ws.assets:
        if (
            asset.ephi is not EphiStatus.ABSENT
            or asset.scoped_out_by
            or asset.id is None
            or asset.is_unknown("scoped_out_by")
        ):
            continue
        inbound = next(
            (f for f in ctx.facts.flows_by_node.get(asset.id, ()) if f.ephi and f.to == asset.id),
            None,
        )
        if inbound is not None:
            yield Hit(
                f"asset `{asset.id}` says `ephi: absent`, but flow `{inbound.label}` carries ePHI "
                f"into it{_ends(inbound, to=False)}; mark it present, or name the control that "
                "keeps ePHI out in `scoped_out_by`",
                asset,
                ("ephi",),
            )


def _missing_category(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    # An asset whose category could not be read may be the missing one, and so may an
    # unreadable entry of `absent_categories`.
    if (
        not ctx.facts.in_scope_assets
        or not ctx.facts.known_everywhere("assets", "category")
        or "absent_categories" not in ctx.facts.manifest_known
    ):
        return
    present = {asset.category for asset in ws.assets}
    declared = ws.manifest.absent_categories if ws.manifest else {}
    for category, words in EXPECTED_CATEGORIES.items():
        if category not in present and category not in declared:
            yield Hit(
                f"the inventory has no {words} (`category: {category}`); these are where "
                "auditors most often find ePHI the analysis missed. Add the asset, or record "
                f"in sra.yaml `absent_categories: {{{category}: <why there is none>}}`",
                object_id=category.value,
                path=("absent_categories",) if declared else (),
            )


def _stale_inventory(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = INVENTORY_INTERVAL.days(ctx.manifest)
    if days is None:  # the interval in sra.yaml could not be read
        return
    for asset in INVENTORY_RENEWAL.records(ws):
        if asset.last_reviewed is None:
            if asset.is_unknown("last_reviewed"):
                continue
            yield Hit(
                f"asset `{asset.label}` has no `last_reviewed` date; the inventory is "
                f"reviewed every {days} days",
                asset,
            )
        elif ctx.age(asset.last_reviewed) > days:
            yield Hit(
                f"asset `{asset.label}` was last reviewed {asset.last_reviewed} "
                f"({ctx.age(asset.last_reviewed)} days ago); the inventory review interval is "
                f"{days} days",
                asset,
                ("last_reviewed",),
            )


def _vendor_without_baa(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for vendor in ws.vendors:
        if vendor.ephi_exposure not in BUSINESS_ASSOCIATE:
            continue
        if vendor.baa is None:
            if not vendor.is_unknown("baa"):
                yield Hit(
                    f"vendor `{vendor.label}` {vendor.ephi_exposure} ePHI but has no `baa` record",
                    vendor,
                    ("ephi_exposure",),
                )
        elif vendor.baa.status is not None and vendor.baa.status is not BaaStatus.EXECUTED:
            yield Hit(
                f"vendor `{vendor.label}` {vendor.ephi_exposure} ePHI but its BAA is "
                f"`{vendor.baa.status}`; ePHI may flow only under an executed BAA",
                vendor,
                ("baa", "status"),
            )


def _baa_expired(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for vendor in ws.vendors:
        baa = vendor.baa
        if vendor.ephi_exposure is EphiExposure.NONE or baa is None or baa.expires is None:
            continue
        if baa.status is BaaStatus.EXECUTED and baa.expires < ctx.today:
            yield Hit(
                f"vendor `{vendor.label}`: the BAA expired on {baa.expires} "
                f"({ctx.age(baa.expires)} days ago) while the vendor still {vendor.ephi_exposure} "
                "ePHI",
                vendor,
                ("baa", "expires"),
            )


def _vendor_not_verified(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = VENDOR_INTERVAL.days(ctx.manifest)
    if days is None:  # the interval in sra.yaml could not be read
        return
    for vendor in VENDOR_RENEWAL.records(ws):
        if vendor.last_verified is None:
            if vendor.is_unknown("last_verified"):
                continue
            yield Hit(
                f"vendor `{vendor.label}` {vendor.ephi_exposure} ePHI and has never been "
                "verified (`last_verified`)",
                vendor,
            )
        elif ctx.age(vendor.last_verified) > days:
            yield Hit(
                f"vendor `{vendor.label}` was last verified {vendor.last_verified} "
                f"({ctx.age(vendor.last_verified)} days ago); verify every {days} days",
                vendor,
                ("last_verified",),
            )


def _unencrypted_flow(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for flow in ws.flows:
        if not flow.ephi:
            continue
        if flow.encrypted_in_transit is False:
            yield Hit(
                f"flow `{flow.label}` carries ePHI{_ends(flow)} unencrypted"
                + (f" ({flow.protocol})" if flow.protocol else ""),
                flow,
                ("encrypted_in_transit",),
            )
        elif flow.encrypted_in_transit is None and not flow.is_unknown("encrypted_in_transit"):
            yield Hit(
                f"flow `{flow.label}` carries ePHI{_ends(flow)} and does not "
                "say whether it is encrypted in transit (`encrypted_in_transit`)",
                flow,
                severity=Severity.WARNING,
            )


def _ends(flow: Flow, *, to: bool = True) -> str:
    """` from `a` to `b``, naming only the ends that could be read."""
    ends = f" from `{flow.from_}`" if flow.from_ is not None else ""
    return ends + (f" to `{flow.to}`" if to and flow.to is not None else "")


def _category(asset: Asset) -> str:
    return f" ({asset.category})" if asset.category is not None else ""


_CITE_RA = "45 CFR 164.308(a)(1)(ii)(A); OCR risk analysis guidance (2010)"
_CITE_BA = "45 CFR 164.308(b)(1), 164.314(a) (business associate contracts)"

INVENTORY_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA201",
        name="ephi-asset-without-risk",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="An asset that holds or moves ePHI has no risk in the register.",
        citation=_CITE_RA + ", elements 1 and 3: scope, threats and vulnerabilities",
        rationale=(
            "The risk analysis must cover all ePHI the organization creates, receives, maintains "
            "or transmits. An inventoried ePHI system with no threat-vulnerability pair is exactly "
            "the incomplete analysis OCR cites most."
        ),
        fix=(
            "Add a register row with `asset:` set to the asset id, its threat, vulnerability, "
            "likelihood and impact."
        ),
        example=(
            "- id: RR-30\n  asset: analytics-warehouse\n  threat: Over-broad analyst access\n"
            "  vuln: Warehouse roles not reviewed\n  likelihood: moderate\n  impact: high"
        ),
        check=_ephi_without_risk,
    ),
    Rule(
        code="SRA202",
        name="ephi-status-unknown",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary="An asset does not say whether it holds ePHI (or says only `possible`).",
        citation=_CITE_RA + ", element 2: data collection",
        rationale=(
            "Scope follows ePHI. An asset whose status is unknown is either in scope and "
            "unanalysed or out of scope without a reason; both fail an audit. `possible` is "
            "treated as in scope and reported as info until resolved."
        ),
        fix=(
            "Set `ephi:` to present or absent (absent stores that ePHI flows could reach also "
            "need `scoped_out_by`)."
        ),
        example="  ephi: present",
        check=_ephi_status_unknown,
    ),
    Rule(
        code="SRA203",
        name="scope-leak",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="An ePHI flow reaches an asset marked `ephi: absent` with no scoping control.",
        citation=_CITE_RA + ", element 1: scope of the analysis",
        rationale=(
            "Data flows are how ePHI ends up in systems nobody analysed: the staging copy, the "
            "log index, the analytics bucket. If an ePHI flow arrives, the asset is in scope "
            "unless a named control keeps ePHI out (de-identification, filtering, tokenisation)."
        ),
        fix=(
            "Set `ephi: present` and analyse it, or set `scoped_out_by:` to the id of the control "
            "that keeps ePHI out."
        ),
        example="  ephi: absent\n  scoped_out_by: CTL-DEID-PIPELINE",
        check=_scope_leak,
    ),
    Rule(
        code="SRA204",
        name="missing-inventory-category",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary=(
            "An ePHI estate lists no analytics warehouse, backup, replica, audit log, search "
            "index, cache or notebook."
        ),
        citation=_CITE_RA + ", element 2: data collection",
        rationale=(
            "These are the places ePHI is copied to and forgotten: auditors find them missing "
            "from inventories more than any others. Each finding names the missing category."
        ),
        fix=(
            "Inventory the asset, or document that none exists in sra.yaml `absent_categories` "
            "with the reason."
        ),
        example=(
            "absent_categories:\n  search-index: No search index; Postgres full-text search only"
        ),
        check=_missing_category,
    ),
    Rule(
        code="SRA205",
        name="stale-inventory",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary="An inventory entry was not reviewed within the inventory review interval.",
        citation=(
            "45 CFR 164.308(a)(1)(ii)(A); proposed 164.308(a)(1) (2025 NPRM: review the technology "
            "asset inventory every 12 months)"
        ),
        rationale=(
            "An inventory is only as good as its last review. The interval is `methodology."
            "review_intervals.inventory_days` (default 365); the nprm-2025 profile caps it at 12 "
            "months."
        ),
        fix="Review the entry and set `last_reviewed:` to the review date.",
        example="  last_reviewed: 2026-09-01",
        check=_stale_inventory,
        interval=INVENTORY_INTERVAL,
    ),
    Rule(
        code="SRA206",
        name="vendor-without-baa",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary=(
            "A vendor that processes or stores ePHI has no executed business associate agreement."
        ),
        citation=_CITE_BA,
        rationale=(
            "A business associate may receive ePHI only under a written contract with the "
            "required terms. Conduits that only transmit data are exempt; vendors that process "
            "or store it are not."
        ),
        fix=(
            "Execute the BAA and record `baa: {status: executed, executed: YYYY-MM-DD, document: "
            "...}`, or correct `ephi_exposure`."
        ),
        example=(
            "  baa:\n"
            "    status: executed\n"
            "    executed: 2025-03-01\n"
            "    document: legal/baa/aws.pdf"
        ),
        check=_vendor_without_baa,
    ),
    Rule(
        code="SRA207",
        name="baa-expired",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="A vendor's BAA expired while the vendor still has ePHI.",
        citation=_CITE_BA,
        rationale=(
            "An expired agreement is no agreement: ePHI disclosed after the end date is disclosed "
            "without one."
        ),
        fix="Renew the BAA and update `baa.expires` (leave it out for an evergreen agreement).",
        example="    expires: 2028-03-01",
        check=_baa_expired,
    ),
    Rule(
        code="SRA208",
        name="vendor-not-verified",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary="A business associate's safeguards were not verified within 12 months.",
        citation=(
            _CITE_BA + "; proposed 164.308(b) (2025 NPRM: written verification every 12 months)"
        ),
        rationale=(
            "Satisfactory assurances go stale. The 2025 NPRM proposes written verification of a "
            "business associate's technical safeguards every 12 months; a review of its SOC 2 "
            "or HITRUST report meets that today. The interval is `methodology.review_intervals."
            "vendor_days` (default 365)."
        ),
        fix="Review the vendor's current attestation and set `last_verified:`.",
        example="  last_verified: 2026-08-15",
        check=_vendor_not_verified,
        interval=VENDOR_INTERVAL,
    ),
    Rule(
        code="SRA209",
        name="unencrypted-ephi-flow",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="A data flow carries ePHI without encryption in transit (or does not say).",
        citation="45 CFR 164.312(e)(1), (e)(2)(ii) (transmission security, encryption)",
        rationale=(
            "Encryption in transit is addressable today and required under the 2025 NPRM. An "
            "ePHI flow in the clear needs either encryption or a documented equivalent measure; "
            "a flow that does not say is reported as a warning."
        ),
        fix="Encrypt the channel (TLS, mTLS, SFTP) and set `encrypted_in_transit: true`.",
        example="  protocol: https\n  encrypted_in_transit: true",
        check=_unencrypted_flow,
    ),
)
"""Inventory and scope rules SRA201-SRA209."""
