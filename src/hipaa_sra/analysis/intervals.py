"""How often a time-based rule wants a record renewed, under the workspace's profile.

One definition of the interval for the rule that reports a lapse (`sra lint`), the calendar
that schedules the next date (`sra calendar`) and anything else that shows it: a rule
declares its `Interval`, and the others read it from the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import nprm_profile
from ..model import Manifest, Profile, ReviewIntervals


def workspace_profile(manifest: Manifest | None) -> Profile:
    """`current` or `nprm-2025`; an unreadable or missing profile is the law in force."""
    return (manifest.methodology.profile if manifest else None) or Profile.CURRENT


def review_intervals(manifest: Manifest | None) -> ReviewIntervals:
    """`methodology.review_intervals` of sra.yaml, or the defaults when it did not load."""
    return manifest.methodology.review_intervals if manifest else ReviewIntervals()


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
