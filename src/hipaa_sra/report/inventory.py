"""The report's sections on what is analysed: scope, asset inventory, data flows, third parties."""

from __future__ import annotations

from collections import Counter

from ..analysis.exposure import BUSINESS_ASSOCIATE
from ..model import (
    CATEGORY_GROUPS,
    BaaStatus,
    Category,
    CategoryGroup,
    EphiExposure,
    EphiStatus,
    Flow,
    Vendor,
    Workspace,
)
from .diagram import diagram_svg
from .document import Cell, CellValue, Figure, Section, Tone
from .flowgraph import Edge, Node, build_diagram
from .infrastructure import infrastructure_table
from .inputs import MISSING, UNREADABLE, ReportInputs, day, known, text, yes_no
from .mermaid import diagram_mermaid

_EPHI_ORDER = {EphiStatus.PRESENT: 0, EphiStatus.POSSIBLE: 1, None: 2, EphiStatus.ABSENT: 3}
_CATEGORY_ORDER: dict[Category | None, int] = {
    category: index for index, category in enumerate(Category)
}
_CATEGORY_ORDER[None] = len(_CATEGORY_ORDER)  # an unreadable category sorts last


def ephi_cell(status: EphiStatus | None, unreadable: bool = False) -> CellValue:
    """An asset's ePHI status, toned: present stands out, unknown is a gap."""
    if status is None:
        return Cell(UNREADABLE if unreadable else "unknown", Tone.WARN)
    tones = {EphiStatus.PRESENT: Tone.KEY, EphiStatus.POSSIBLE: Tone.WARN}
    return Cell(status.value, tones.get(status, Tone.MUTED))


def scope_section(i: ReportInputs) -> Section:
    """Scope: what the analysis covers, what it leaves out and why."""
    ws, manifest = i.ws, i.ws.manifest
    statement = manifest.scope if manifest and manifest.scope else None
    paragraphs = (
        [text(statement)]
        if statement
        else [
            "No scope statement is recorded (sra.yaml `scope`). OCR expects the analysis to say "
            "that it covers all ePHI the organization creates, receives, maintains or transmits."
        ]
    )
    organization = manifest.organization if manifest else None
    if organization and organization.description:
        paragraphs.insert(0, text(organization.description))
    in_scope = i.facts.in_scope_assets
    environments = sorted({a.environment for a in ws.assets if a.environment})
    vendors = [v for v in ws.vendors if v.ephi_exposure is not EphiExposure.NONE]
    facts = [
        (
            "Organization",
            known(organization.name if organization else None) if manifest else MISSING,
        ),
        (
            "Entity type",
            organization.entity_type.value
            if organization and organization.entity_type
            else "not recorded",
        ),
        ("Assets in scope", f"{len(in_scope):,} of {len(ws.assets):,} hold or may hold ePHI"),
        ("Environments", ", ".join(environments) or "not recorded"),
        ("Vendors touching ePHI", f"{len(vendors):,} of {len(ws.vendors):,}"),
    ]
    decisions = manifest.absent_categories if manifest else {}
    table = i.table(
        "scope-decisions",
        "Inventory categories documented as not used",
        ("Category", "Reason"),
        ((category.value, text(reason)) for category, reason in decisions.items()),
        empty="None recorded (sra.yaml `absent_categories`).",
        whole=True,
    )
    return Section("scope", "Scope", tuple(paragraphs), tuple(facts), tables=(table,))


def inventory_section(i: ReportInputs) -> Section:
    """Asset inventory: counts by category and ePHI status, then every asset."""
    assets = i.ws.assets
    status = Counter(asset.ephi for asset in assets)
    facts = (
        ("Assets", f"{len(assets):,}"),
        ("ePHI present", f"{status[EphiStatus.PRESENT]:,}"),
        ("ePHI possible", f"{status[EphiStatus.POSSIBLE]:,}"),
        ("ePHI absent", f"{status[EphiStatus.ABSENT]:,}"),
        ("ePHI status unknown", f"{status[None]:,}"),
    )
    per_category: dict[Category | None, Counter[EphiStatus | None]] = {}
    for asset in assets:
        per_category.setdefault(asset.category, Counter())[asset.ephi] += 1
    categories = i.table(
        "categories",
        "Assets by category",
        ("Group", "Category", "Assets", "ePHI present or possible", "Absent or unknown"),
        (
            (
                CATEGORY_GROUPS[c].value if c else UNREADABLE,
                known(c),
                f"{sum(n.values()):,}",
                f"{n[EphiStatus.PRESENT] + n[EphiStatus.POSSIBLE]:,}",
                f"{n[EphiStatus.ABSENT] + n[None]:,}",
            )
            for c, n in sorted(per_category.items(), key=lambda item: _CATEGORY_ORDER[item[0]])
        ),
        empty="The inventory lists no assets.",
        whole=True,
    )
    ordered = sorted(
        assets, key=lambda a: (_EPHI_ORDER[a.ephi], _CATEGORY_ORDER[a.category], a.label)
    )
    rows = (
        (
            Cell(known(a.name), None, (a.label,)),
            known(a.category),
            ephi_cell(a.ephi, a.is_unknown("ephi")),
            text(a.environment),
            text(a.owner),
            yes_no(a.attributes.encryption_at_rest),
            yes_no(a.attributes.mfa),
            yes_no(a.attributes.audit_logging),
            day(a.last_reviewed),
        )
        for a in ordered
    )
    table = i.table(
        "assets",
        "Asset inventory",
        (
            "Asset",
            "Category",
            "ePHI",
            "Environment",
            "Owner",
            "Encrypted at rest",
            "MFA",
            "Audit logging",
            "Last reviewed",
        ),
        rows,
        empty="The inventory lists no assets.",
        order="ePHI present first, then category",
    )
    evidence = infrastructure_table(i)
    tables = (categories, table) if evidence is None else (categories, table, evidence)
    return Section("asset-inventory", "Asset inventory", facts=facts, tables=tables)


def flows_section(i: ReportInputs) -> Section:
    """Data flows: the diagram, the counts an auditor asks for, then every flow."""
    ws = i.ws
    ephi = [flow for flow in ws.flows if flow.ephi]
    plain = [flow for flow in ephi if flow.encrypted_in_transit is False]
    unknown = [flow for flow in ephi if flow.encrypted_in_transit is None]
    facts = (
        ("Data flows", f"{len(ws.flows):,}"),
        ("Carrying ePHI", f"{len(ephi):,}"),
        ("ePHI unencrypted in transit", f"{len(plain):,}"),
        ("ePHI, encryption not recorded", f"{len(unknown):,}"),
    )
    figures = (_diagram(i),) if ws.assets or ws.vendors else ()
    ordered = sorted(ws.flows, key=_flow_order)
    rows = (
        (
            f.label,
            _node(f.from_, ws),
            _node(f.to, ws),
            Cell("yes", Tone.KEY)
            if f.ephi
            else Cell(UNREADABLE if f.ephi is None else "no", Tone.MUTED),
            text(f.protocol),
            yes_no(f.encrypted_in_transit) if f.ephi else _plain(f.encrypted_in_transit),
            text(f.authentication),
        )
        for f in ordered
    )
    table = i.table(
        "flows",
        "Data flows",
        ("Id", "From", "To", "ePHI", "Protocol", "Encrypted in transit", "Authentication"),
        rows,
        empty="No data flows are recorded (flows/).",
        order="unencrypted ePHI first, then ePHI with encryption not recorded",
    )
    paragraphs = (
        ()
        if ws.flows
        else (
            "No data flows are recorded, so the report cannot show where ePHI is received and "
            "transmitted.",
        )
    )
    return Section("data-flows", "Data flows", paragraphs, facts, figures, (table,))


def _plain(value: bool | None) -> CellValue:
    return MISSING if value is None else ("yes" if value else "no")


def _flow_order(flow: Flow) -> tuple[int, str]:
    """Unencrypted ePHI first, then ePHI whose encryption nobody recorded, then the rest."""
    if not flow.ephi:
        return 3, flow.label
    return {False: 0, None: 1, True: 2}[flow.encrypted_in_transit], flow.label


def _node(node_id: str | None, ws: Workspace) -> CellValue:
    if node_id is None:
        return UNREADABLE
    if node_id not in ws.asset_by_id and node_id not in ws.vendor_by_id:
        return Cell(node_id, Tone.WARN, ("not a known asset or vendor",))
    return node_id


def _diagram(i: ReportInputs) -> Figure:
    ws = i.ws
    # The map draws what can be placed: records with an id, flows with both ends and ePHI
    # status readable (the inventory and flow tables list the rest).
    nodes = [
        Node(
            a.id,
            known(a.name),
            "asset",
            known(a.category),
            known(a.group),
            a.ephi.value if a.ephi else "unknown",
        )
        for a in ws.assets
        if a.id is not None
    ]
    nodes += [
        Node(
            v.id,
            known(v.name),
            "vendor",
            "vendor",
            CategoryGroup.THIRD_PARTY.value,
            "present" if v.ephi_exposure in BUSINESS_ASSOCIATE else "absent",
        )
        for v in ws.vendors
        if v.id is not None
    ]
    edges = [
        Edge(f.from_, f.to, f.ephi, f.encrypted_in_transit, f.protocol)
        for f in ws.flows
        if f.from_ is not None and f.to is not None and f.ephi is not None
    ]
    diagram = build_diagram(nodes, edges)
    caption = (
        "The ePHI surface map: assets inside the organization, vendors at the right edge. "
        "Thick lines carry ePHI; red ones carry it unencrypted; dashed amber ones do "
        "not record whether they are encrypted."
    )
    return Figure(
        "data-flow-diagram", caption, diagram_svg(diagram), diagram_mermaid(diagram), diagram.note
    )


def vendors_section(i: ReportInputs) -> Section:
    """Third parties: each vendor's ePHI exposure, BAA and last verification."""
    ws = i.ws
    manifest = ws.manifest
    verify_days = manifest.methodology.review_intervals.vendor_days if manifest else 365
    handling = [v for v in ws.vendors if v.ephi_exposure in BUSINESS_ASSOCIATE]
    executed = [v for v in handling if v.baa and v.baa.status is BaaStatus.EXECUTED]
    expired = [v for v in handling if v.baa and v.baa.expires and v.baa.expires < i.today]
    stale = [v for v in handling if _unverified(v, i, verify_days)]
    facts = (
        ("Vendors", f"{len(ws.vendors):,}"),
        ("Process or store ePHI", f"{len(handling):,}"),
        ("…with an executed BAA", f"{len(executed):,}"),
        ("…with an expired BAA", f"{len(expired):,}"),
        (f"…not verified in {known(verify_days)} days", f"{len(stale):,}"),
    )
    order = {
        EphiExposure.STORES: 0,
        EphiExposure.PROCESSES: 1,
        EphiExposure.CONDUIT: 2,
        EphiExposure.NONE: 3,
        None: 4,
    }
    ordered = sorted(ws.vendors, key=lambda v: (order[v.ephi_exposure], v.label))
    rows = (_vendor_row(v, i, verify_days) for v in ordered)
    table = i.table(
        "vendors",
        "Third parties",
        (
            "Vendor",
            "Services",
            "ePHI exposure",
            "BAA",
            "Executed",
            "Expires",
            "Residency",
            "Last verified",
        ),
        rows,
        empty="No vendors are recorded (vendors/).",
    )
    note = (
        "A conduit only transmits ePHI (the conduit exception) and needs no BAA; a vendor "
        "that processes or stores ePHI is a business associate and may receive it only "
        "under an executed BAA (45 CFR 164.308(b), 164.314(a))."
    )
    return Section("third-parties", "Third parties", facts=facts, tables=(table,), notes=(note,))


def _unverified(v: Vendor, i: ReportInputs, verify_days: int | None) -> bool:
    """Never verified, or not within the interval (neither, when a value could not be read)."""
    if v.last_verified is None:
        return not v.is_unknown("last_verified")
    return verify_days is not None and (i.today - v.last_verified).days > verify_days


def _vendor_row(v: Vendor, i: ReportInputs, verify_days: int | None) -> tuple[CellValue, ...]:
    handles = v.ephi_exposure in BUSINESS_ASSOCIATE
    baa = v.baa
    status = known(baa.status) if baa else UNREADABLE if v.is_unknown("baa") else "none"
    good = baa is not None and baa.status in (BaaStatus.EXECUTED, BaaStatus.NOT_REQUIRED)
    baa_cell: CellValue = Cell(status, Tone.GOOD if good else Tone.BAD) if handles else status
    expires: CellValue = day(baa.expires if baa else None)
    if handles and baa and baa.expires and baa.expires < i.today:
        expires = Cell(baa.expires.isoformat(), Tone.BAD, ("expired",))
    verified: CellValue = day(v.last_verified)
    if handles and _unverified(v, i, verify_days):
        verified = Cell(day(v.last_verified), Tone.WARN, (f"over {verify_days} days",))
    exposure = Cell(known(v.ephi_exposure), Tone.KEY if handles else None)
    return (
        Cell(known(v.name), None, (v.label,)),
        ", ".join(v.services) or MISSING,
        exposure,
        baa_cell,
        day(baa.executed if baa else None),
        expires,
        text(v.residency),
        verified,
    )
