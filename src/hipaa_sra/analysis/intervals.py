"""How often a time-based rule wants a record renewed, under the workspace's profile.

One definition of the interval for the rule that reports a lapse (`sra lint`), the calendar
that schedules the next date (`sra calendar`), the NPRM readiness and anything else that
shows it: a rule declares its `Interval` (and with an NPRM cadence, the `Renewal` it
checks), and the others read it from the rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from ..catalog import nprm_profile
from ..model import Manifest, Profile, Record, ReviewIntervals, Workspace

R = TypeVar("R", bound=Record)


def workspace_profile(manifest: Manifest | None) -> Profile:
    """`current` or `nprm-2025`; an unreadable or missing profile is the law in force."""
    return (manifest.methodology.profile if manifest else None) or Profile.CURRENT


def review_intervals(manifest: Manifest | None) -> ReviewIntervals:
    """`methodology.review_intervals` of sra.yaml, or the defaults when it did not load."""
    return manifest.methodology.review_intervals if manifest else ReviewIntervals()


@dataclass(frozen=True, slots=True)
class Renewal(Generic[R]):
    """Which records a time-based rule holds to its interval, and where each keeps its date.

    The rule's check walks these records, and the NPRM readiness item of the rule's cadence
    is judged on the same ones, so the two cannot disagree about who falls short.
    """

    records: Callable[[Workspace], Sequence[R]]
    """The records of a workspace that must be renewed, e.g. its internet-facing ePHI assets.

    Of the workspace given, not of a shared index: a check may be run on part of one."""
    field: str
    """The date of the last renewal in a record, dotted: `attributes.last_penetration_test`."""
    noun: str
    """One such record in words, e.g. `ePHI asset`."""
    population: str
    """All of them in words, e.g. `ePHI assets that are run by the organization`."""
    done: str
    """What renewing one is called, e.g. `penetration-tested`."""
    section: str
    """The NPRM readiness section listing the cadence, e.g. `testing and audits`."""
    none: str
    """What the NPRM readiness says when there are no such records."""
    none_is_gap: bool = False
    """No records at all is a gap (an empty inventory), not merely nothing to assess."""

    def last(self, record: R) -> tuple[date | None, bool]:
        """The record's last renewal date, and whether one is written but could not be read."""
        *path, name = self.field.split(".")
        holder: Any = record
        for part in path:
            holder = getattr(holder, part)
        return getattr(holder, name), holder.is_unknown(name)


@dataclass(frozen=True, slots=True)
class Interval:
    """A setting of `methodology.review_intervals`, an NPRM cadence capping it, or both."""

    setting: str | None
    """Field of `ReviewIntervals` (e.g. `inventory_days`); None for an NPRM cadence alone."""
    nprm_cadence: str | None = None
    """Day-count field of the NPRM profile (e.g. `inventory_review`).

    With a `setting`, it caps the setting under the `nprm-2025` profile only; without one it
    is the interval under every profile.
    """
    renewal: Renewal[Any] | None = None
    """With an NPRM cadence: the records renewed, so the NPRM readiness judges the cadence."""

    def days(self, manifest: Manifest | None) -> int | None:
        """The interval in days for the workspace; None when its setting could not be read."""
        cadence: int | None = None
        if self.nprm_cadence is not None:
            cadence = int(getattr(nprm_profile(), self.nprm_cadence))
        if self.setting is None:
            return cadence
        days: int | None = getattr(review_intervals(manifest), self.setting)
        if days is None or cadence is None:
            return days
        return min(days, cadence) if workspace_profile(manifest) is Profile.NPRM_2025 else days
