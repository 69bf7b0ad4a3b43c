"""Control rules (SRA3xx): log review, MFA, encryption at rest, scanning and penetration testing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..analysis.exposure import exposed, needs_mfa, scannable, stores_data
from ..analysis.facts import IN_SCOPE
from ..analysis.intervals import Interval, Renewal
from ..discover import infrastructure_value
from ..findings import Severity
from ..model import Asset, Category, Control, Workspace
from .base import Context, Family, Hit, Rule

_LOG_CATEGORIES = frozenset({Category.AUDIT_LOG, Category.SIEM})


def _scanned(ws: Workspace) -> list[Asset]:
    return [asset for asset in ws.assets if asset.ephi in IN_SCOPE and scannable(asset)]


def _tested(ws: Workspace) -> list[Asset]:
    return [asset for asset in ws.assets if asset.ephi in IN_SCOPE and exposed(asset)]


SCAN_RENEWAL = Renewal(
    _scanned,
    "attributes.last_vulnerability_scan",
    noun="ePHI asset",
    population="ePHI assets that are run by the organization",
    done="scanned",
    section="testing and audits",
    none="no ePHI asset is run by the organization",
)
SCAN_INTERVAL = Interval(None, "vuln_scan", SCAN_RENEWAL)
"""SRA304: the NPRM's vulnerability-scan cadence, for the ePHI systems the organization runs."""

PENTEST_RENEWAL = Renewal(
    _tested,
    "attributes.last_penetration_test",
    noun="ePHI asset",
    population="ePHI assets that are internet-facing, public APIs or webhooks",
    done="penetration-tested",
    section="testing and audits",
    none="no ePHI asset is internet-facing, public APIs or webhooks",
)
PENTEST_INTERVAL = Interval(None, "pentest", PENTEST_RENEWAL)
"""SRA305: the NPRM's penetration-test cadence, for internet-facing ePHI systems."""


def _audit_log_cadence(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    # A control whose asset list could not be read may be the one that reviews a log.
    if not ctx.facts.known_everywhere("controls", "assets"):
        return
    for asset in ws.assets:
        if asset.category not in _LOG_CATEGORIES or asset.id is None:
            continue
        best: tuple[str, ...] | None = None
        for control in ctx.facts.controls_by_asset.get(asset.id, ()):
            missing = _cadence_gaps(control)
            if best is None or len(missing) < len(best):
                best = missing
        if best is None:
            yield Hit(
                f"{asset.category} `{asset.id}` has no control that reviews it; add a control "
                "listing it in `assets` with a `cadence` (reviewer, every, runbook)",
                asset,
            )
        elif best:
            yield Hit(
                f"{asset.category} `{asset.id}`: the review control's cadence lacks "
                f"{', '.join(f'`{key}`' for key in best)}",
                asset,
            )


def _cadence_gaps(control: Control) -> tuple[str, ...]:
    """What a control's review cadence lacks; nothing it can be sure of when unreadable."""
    cadence = control.cadence
    if cadence is None:
        return () if control.is_unknown("cadence") else ("reviewer", "every", "runbook")
    return tuple(
        key
        for key in ("reviewer", "every", "runbook")
        if not getattr(cadence, key) and not cadence.is_unknown(key)
    )


def _ephi(asset: Asset) -> str:
    """`ePHI database `db``: the category is left out when it could not be read."""
    return f"ePHI {asset.category or 'asset'} `{asset.label}`"


def _attribute_hit(asset: Asset, value: bool | None, field: str, want: str) -> Hit:
    if value is False:
        return Hit(f"{_ephi(asset)} has `{field}: false`; {want}", asset, ("attributes", field))
    return Hit(f"{_ephi(asset)} does not record `attributes.{field}`; {want}", asset)


def _infrastructure(ctx: Context, asset: Asset, attribute: str) -> tuple[bool | None, str]:
    """What the linked infrastructure says of an attribute (a `false` anywhere wins)."""
    if ctx.discovery is None or asset.id is None:
        return None, ""
    said: tuple[bool | None, str] = (None, "")
    for store in ctx.discovery.by_asset.get(asset.id, ()):
        value = infrastructure_value(attribute, store)
        if value is False:
            return False, f"`{store.source_key}` ({store.input})"
        if value is True:
            said = (True, "")
    return said


def _machine_checked(asset: Asset, field: str, ctx: Context, want: str) -> Hit | None:
    """The hit for an attribute the asset does not record as true, with infrastructure evidence.

    A linked resource that states the fact is machine evidence: true satisfies the rule,
    false is named in the message.
    """
    value = getattr(asset.attributes, field)
    if value is True or asset.attributes.is_unknown(field):
        return None
    shown, where = _infrastructure(ctx, asset, field)
    if shown is True:
        return None
    hit = _attribute_hit(asset, value, field, want)
    if shown is False:
        return Hit(
            f"{hit.message}; the infrastructure code {where} says it is not", hit.record, hit.path
        )
    return hit


def _without_mfa(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ctx.facts.in_scope_assets:
        if needs_mfa(asset):
            hit = _machine_checked(
                asset, "mfa", ctx, "interactive access should require multi-factor authentication"
            )
            if hit:
                yield hit


def _without_encryption(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ctx.facts.in_scope_assets:
        if stores_data(asset):
            hit = _machine_checked(
                asset, "encryption_at_rest", ctx, "ePHI at rest should be encrypted"
            )
            if hit:
                yield hit


def _overdue(
    asset: Asset, last: date | None, field: str, what: str, days: int, ctx: Context
) -> Hit | None:
    if last is None:
        if asset.attributes.is_unknown(field):
            return None
        return Hit(
            f"{_ephi(asset)} has no recorded {what} "
            f"(`attributes.{field}`); the cadence is every {days} days",
            asset,
        )
    if ctx.age(last) > days:
        return Hit(
            f"{_ephi(asset)}: last {what} {last} ({ctx.age(last)} days "
            f"ago); the cadence is every {days} days",
            asset,
            ("attributes", field),
        )
    return None


def _scan_overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = SCAN_INTERVAL.days(ctx.manifest)
    if days is None:  # an NPRM cadence alone always has one
        return
    for asset in SCAN_RENEWAL.records(ws):
        hit = _overdue(
            asset,
            asset.attributes.last_vulnerability_scan,
            "last_vulnerability_scan",
            "vulnerability scan",
            days,
            ctx,
        )
        if hit:
            yield hit


def _pentest_overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = PENTEST_INTERVAL.days(ctx.manifest)
    if days is None:  # an NPRM cadence alone always has one
        return
    for asset in PENTEST_RENEWAL.records(ws):
        hit = _overdue(
            asset,
            asset.attributes.last_penetration_test,
            "last_penetration_test",
            "penetration test",
            days,
            ctx,
        )
        if hit:
            yield hit


_NPRM = " Under the nprm-2025 profile this is a warning; otherwise it is info (proposed, not law)."

CONTROL_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA301",
        name="audit-log-without-review-cadence",
        severity=Severity.WARNING,
        family=Family.CONTROLS,
        summary=(
            "An audit log or SIEM has no control naming its reviewer, review cadence and runbook."
        ),
        citation=(
            "45 CFR 164.312(b) (audit controls); 164.308(a)(1)(ii)(D) (information system "
            "activity review)"
        ),
        rationale=(
            "Logs nobody reads detect nothing. 164.308(a)(1)(ii)(D) requires regular review of "
            "records of system activity; an auditor asks who reviews, how often, and following "
            "what procedure."
        ),
        fix=(
            "Add a control that lists the log asset in `assets` and has `cadence: {reviewer, "
            "every, runbook}`."
        ),
        example=(
            "- id: CTL-LOG-REVIEW\n"
            "  name: Weekly audit log review\n"
            "  safeguard: administrative\n"
            "  hipaa: [164.308(a)(1)(ii)(D)]\n"
            "  assets: [audit-log]\n"
            "  cadence:\n"
            "    reviewer: security-eng-lead\n"
            "    every: weekly\n"
            "    runbook: runbooks/log-review.md"
        ),
        check=_audit_log_cadence,
    ),
    Rule(
        code="SRA302",
        name="ephi-system-without-mfa",
        severity=Severity.INFO,
        family=Family.CONTROLS,
        summary="An ePHI system people sign in to does not record multi-factor authentication.",
        citation=(
            "45 CFR 164.312(d) (person or entity authentication); proposed 164.312 MFA "
            "requirement (2025 NPRM)"
        ),
        rationale=(
            "Stolen passwords are the commonest way into ePHI systems. The 2025 NPRM proposes "
            "MFA for all access to relevant systems, with narrow exceptions." + _NPRM
        ),
        fix=(
            "Enforce MFA and set `attributes: {mfa: true}` on the asset. A linked infrastructure "
            "resource that enforces MFA (`sources:`, see `sra discover`) is evidence too."
        ),
        example="  attributes:\n    mfa: true",
        check=_without_mfa,
        nprm_severity=Severity.WARNING,
    ),
    Rule(
        code="SRA303",
        name="ephi-store-without-encryption-at-rest",
        severity=Severity.INFO,
        family=Family.CONTROLS,
        summary="An ePHI data store or endpoint does not record encryption at rest.",
        citation=(
            "45 CFR 164.312(a)(2)(iv) (encryption and decryption, addressable); proposed 164.312 "
            "encryption requirement (2025 NPRM)"
        ),
        rationale=(
            "Encrypted ePHI that is lost or stolen is not a reportable breach under the HHS "
            "guidance; unencrypted ePHI is. Encryption at rest is addressable today and proposed "
            "as required." + _NPRM
        ),
        fix=(
            "Encrypt the store and set `attributes: {encryption_at_rest: true}`. A linked "
            "infrastructure resource that encrypts it (`sources:`, see `sra discover`) is "
            "evidence too."
        ),
        example="  attributes:\n    encryption_at_rest: true",
        check=_without_encryption,
        nprm_severity=Severity.WARNING,
    ),
    Rule(
        code="SRA304",
        name="vulnerability-scan-overdue",
        severity=Severity.INFO,
        family=Family.CONTROLS,
        summary="An ePHI system was not vulnerability-scanned in the last 6 months.",
        citation=(
            "Proposed 45 CFR 164.312(h)(2)(i) (2025 NPRM: automated scans at least every 6 "
            "months); 164.308(a)(1)(ii)(A) today"
        ),
        rationale=(
            "Unpatched, known vulnerabilities are how most ePHI breaches start. The 2025 NPRM "
            "proposes automated scans at least every six months." + _NPRM
        ),
        fix="Scan the system and set `attributes: {last_vulnerability_scan: YYYY-MM-DD}`.",
        example="  attributes:\n    last_vulnerability_scan: 2026-10-02",
        check=_scan_overdue,
        interval=SCAN_INTERVAL,
        nprm_severity=Severity.WARNING,
    ),
    Rule(
        code="SRA305",
        name="penetration-test-overdue",
        severity=Severity.INFO,
        family=Family.CONTROLS,
        summary="An internet-facing ePHI system was not penetration-tested in the last 12 months.",
        citation=(
            "Proposed 45 CFR 164.312(h)(2)(iii) (2025 NPRM: penetration test at least every 12 "
            "months)"
        ),
        rationale=(
            "The 2025 NPRM proposes a penetration test by a qualified person at least every 12 "
            "months. This rule looks at ePHI assets marked `internet_facing` and at public APIs "
            "and webhooks." + _NPRM
        ),
        fix="Test the system and set `attributes: {last_penetration_test: YYYY-MM-DD}`.",
        example="  attributes:\n    internet_facing: true\n    last_penetration_test: 2026-04-20",
        check=_pentest_overdue,
        interval=PENTEST_INTERVAL,
        nprm_severity=Severity.WARNING,
    ),
)
"""Control rules SRA301-SRA305."""
