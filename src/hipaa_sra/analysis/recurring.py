"""When policies and training fall due again: one definition for the rules and the report.

A policy is reviewed `review_days` after its approval (default
`methodology.review_intervals.policy_days`); a course is repeated `interval_days` after its
completion (default `training_days`), and under the nprm-2025 profile never later than the
proposed yearly refresher. An interval that could not be read makes no due date. A due date
past 9999-12-31 stops there (`dates.add_days`), as every other interval's does.
"""

from __future__ import annotations

from datetime import date

from ..catalog import nprm_profile
from ..dates import add_days
from ..model import Policy, PolicyStatus, Profile, ReviewIntervals, Training, Workspace


def _intervals(ws: Workspace) -> ReviewIntervals:
    manifest = ws.manifest
    return manifest.methodology.review_intervals if manifest else ReviewIntervals()


def policy_interval(policy: Policy, ws: Workspace) -> int | None:
    """Days between reviews of `policy`; None when the default could not be read."""
    return policy.review_days or _intervals(ws).policy_days


def policy_review_due(policy: Policy, ws: Workspace) -> date | None:
    """When an active, approved policy must be reviewed again; None for any other."""
    days = policy_interval(policy, ws)
    if policy.status is not PolicyStatus.ACTIVE or policy.approved is None or days is None:
        return None
    return add_days(policy.approved, days)


def training_interval(record: Training, ws: Workspace) -> int | None:
    """Days until the course is repeated (capped by the NPRM's refresher under its profile)."""
    days = record.interval_days or _intervals(ws).training_days
    manifest = ws.manifest
    profile = (manifest.methodology.profile if manifest else None) or Profile.CURRENT
    if days is not None and profile is Profile.NPRM_2025:
        days = min(days, nprm_profile().training_refresh)
    return days


def training_due(record: Training, ws: Workspace) -> date | None:
    """When the course this record completed must be repeated; None if it cannot be said."""
    days = training_interval(record, ws)
    if record.completed is None or days is None:
        return None
    return add_days(record.completed, days)


def latest_training(ws: Workspace) -> dict[tuple[str, str], Training]:
    """The most recent completion per (person or group, course)."""
    latest: dict[tuple[str, str], Training] = {}
    for record in ws.training:
        who = record.person or record.group
        if who is None or record.course is None or record.completed is None:
            continue
        held = latest.get((who, record.course))
        if held is None or (held.completed is not None and held.completed < record.completed):
            latest[(who, record.course)] = record
    return latest
