"""What the state of a remediation item means: open, active, overdue, treating its risk."""

from __future__ import annotations

from datetime import date

from ..model import Remediation, RemediationStatus, Risk

OPEN_STATUSES = frozenset(
    {RemediationStatus.PLANNED, RemediationStatus.IN_PROGRESS, RemediationStatus.DEFERRED}
)
"""Remediation states that still leave work to do; `done` and `accepted` close an item."""
ACTIVE_STATUSES = frozenset({RemediationStatus.PLANNED, RemediationStatus.IN_PROGRESS})
"""Items being worked on, which can be overdue; a `deferred` item was put off on purpose."""
TREATING_STATUSES = ACTIVE_STATUSES | {RemediationStatus.ACCEPTED}
"""Items that treat a risk today: work under way, or a documented decision to carry it.

A `done` item does not: if the risk is still rated high after its work, that work did not
bring it down, and the risk needs a new plan or an acceptance. A `deferred` one is not
under way.
"""


def is_overdue(item: Remediation, day: date) -> bool:
    """Planned or in progress, and due before `day` (what SRA103 reports)."""
    return item.status in ACTIVE_STATUSES and item.due is not None and item.due < day


def is_treated(risk: Risk) -> bool:
    """Some remediation item of the risk is planned, in progress or accepted."""
    return any(item.status in TREATING_STATUSES for item in risk.remediation)


def may_be_treated(risk: Risk) -> bool:
    """An unreadable remediation list or status might be the open plan or the acceptance."""
    return risk.is_unknown("remediation") or any(item.status is None for item in risk.remediation)
