"""Date arithmetic that stays inside the calendar Python can hold (0001-01-01 to 9999-12-31).

A workspace may hold any date of that range (`expires: 9999-12-31` is a common way to write
"never"), and `--today` may be any of them too. Adding an interval to such a date can pass
the end of the calendar, where `date + timedelta` raises OverflowError. Every due date the
rules, the calendar, the report and the OSCAL export compute goes through `add_days`, which
saturates instead: a due date past 9999-12-31 is 9999-12-31, and one before 0001-01-01 is
0001-01-01. Both are so far from any real `today` that the answer of every check is the
same as with the true date.
"""

from __future__ import annotations

from datetime import date

FIRST_DAY = date.min
"""0001-01-01, the earliest date a workspace can hold."""

LAST_DAY = date.max
"""9999-12-31, the latest date a workspace can hold."""

OPEN_ENDED_YEAR = LAST_DAY.year
"""A deadline in this year means "no end date": 9999-12-31 is the usual way to write "never"."""

_FIRST = FIRST_DAY.toordinal()
_LAST = LAST_DAY.toordinal()


def add_days(day: date, days: int) -> date:
    """`day` plus `days` (either sign), held to 0001-01-01..9999-12-31 instead of overflowing."""
    return date.fromordinal(min(max(day.toordinal() + days, _FIRST), _LAST))


def add_days_or_none(day: date | None, days: int) -> date | None:
    """`add_days` for a date that may be missing: None stays None."""
    return None if day is None else add_days(day, days)


def is_open_ended(day: date) -> bool:
    """True for a date in the year 9999, which stands for "no end date", not a real day."""
    return day.year == OPEN_ENDED_YEAR
