"""Where dated obligations stand as of a day: BAAs, evidence, remediation, upcoming events.

The same definitions as the rules that fire when they lapse (SRA103 overdue remediation,
SRA206/SRA207 BAAs, SRA110 stale evidence) and the calendar (`schedule`), so a page that
shows "expired" or "overdue" never disagrees with `sra lint` or `sra calendar`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..dates import add_days, is_open_ended
from ..model import BaaStatus, EphiExposure, Remediation, Risk, Vendor, Workspace
from ..schedule.event import Event
from ..schedule.events import calendar_events
from ..scoring import is_overdue
from .evidence import EvidenceStatus
from .exposure import BUSINESS_ASSOCIATE
from .facts import Facts

EXPIRY_WINDOW_DAYS = 90
"""BAAs ending within this many days are shown as expiring, to renew in time."""


class BaaState(StrEnum):
    """Where a vendor's business associate agreement stands as of a day."""

    CURRENT = "current"
    EXPIRING = "expiring"
    """Executed and ending within `EXPIRY_WINDOW_DAYS`."""
    EXPIRED = "expired"
    PENDING = "pending"
    MISSING = "missing"
    """The vendor processes or stores ePHI and has no executed or pending BAA (SRA206)."""
    NOT_REQUIRED = "not-required"
    """No ePHI, a conduit, or a BAA marked not required."""
    UNKNOWN = "unknown"
    """The BAA or the vendor's exposure was written but could not be read."""

    @property
    def problem(self) -> bool:
        """A state a compliance officer has to act on."""
        return self in (BaaState.EXPIRED, BaaState.MISSING, BaaState.PENDING, BaaState.EXPIRING)


def baa_state(vendor: Vendor, today: date, window: int = EXPIRY_WINDOW_DAYS) -> BaaState:
    """The state of `vendor`'s BAA as of `today`."""
    if vendor.ephi_exposure is None or vendor.is_unknown("baa"):
        return BaaState.UNKNOWN
    baa = vendor.baa
    needed = vendor.ephi_exposure in BUSINESS_ASSOCIATE
    if baa is None:
        return BaaState.MISSING if needed else BaaState.NOT_REQUIRED
    if baa.status is None:
        return BaaState.UNKNOWN
    if baa.status is BaaStatus.EXECUTED:
        if baa.expires is None or is_open_ended(baa.expires):
            return BaaState.CURRENT
        touches = vendor.ephi_exposure is not EphiExposure.NONE
        if baa.expires < today:
            return BaaState.EXPIRED if touches else BaaState.NOT_REQUIRED
        return BaaState.EXPIRING if add_days(today, window) >= baa.expires else BaaState.CURRENT
    if baa.status is BaaStatus.PENDING:
        return BaaState.PENDING if needed else BaaState.NOT_REQUIRED
    if baa.status is BaaStatus.NONE:
        return BaaState.MISSING if needed else BaaState.NOT_REQUIRED
    return BaaState.NOT_REQUIRED


class Freshness(StrEnum):
    """Whether a control's evidence is current as of a day."""

    CURRENT = "current"
    STALE = "stale"
    """Its latest verification is past its refresh date (SRA110)."""
    NONE = "none"
    """No evidence entry carries a date."""
    UNKNOWN = "unknown"
    """A date or refresh interval could not be read."""


def evidence_freshness(status: EvidenceStatus, today: date) -> Freshness:
    """Whether evidence with `status` (from `Facts.control_status`) is current on `today`."""
    if status.latest is None:
        return Freshness.NONE if status.complete is not None else Freshness.UNKNOWN
    if status.due is None:
        return Freshness.UNKNOWN
    return Freshness.STALE if status.due < today else Freshness.CURRENT


@dataclass(frozen=True, slots=True)
class OverdueItem:
    """A remediation item past its due date, with its risk."""

    risk: Risk
    item: Remediation
    days_late: int


def overdue_remediation(ws: Workspace, today: date) -> list[OverdueItem]:
    """Every overdue remediation item (SRA103), the longest overdue first."""
    found = [
        OverdueItem(risk, item, (today - item.due).days)
        for risk in ws.risks
        for item in risk.remediation
        if is_overdue(item, today) and item.due is not None
    ]
    found.sort(key=lambda entry: (-entry.days_late, entry.risk.label))
    return found


def expiring_baas(
    ws: Workspace, today: date, window: int = EXPIRY_WINDOW_DAYS
) -> list[tuple[Vendor, BaaState]]:
    """Vendors whose executed BAA has expired or ends within `window` days, soonest first."""
    lapsing = (BaaState.EXPIRED, BaaState.EXPIRING)
    found: list[tuple[Vendor, BaaState]] = [
        (vendor, state)
        for vendor in ws.vendors
        if (state := baa_state(vendor, today, window)) in lapsing
    ]
    found.sort(
        key=lambda pair: (
            pair[0].baa.expires if pair[0].baa and pair[0].baa.expires else date.max,
            pair[0].label,
        )
    )
    return found


def upcoming_events(
    ws: Workspace, today: date, limit: int = 10, facts: Facts | None = None
) -> list[Event]:
    """The next `limit` calendar events (`sra calendar`) that are not overdue yet."""
    return [event for event in calendar_events(ws, today, facts) if not event.overdue][:limit]
