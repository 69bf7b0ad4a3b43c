"""Calendar arithmetic for the time charts: month ranges, the axis window, and where labels go.

Months are counted by index (year * 12 + month - 1) so that every step is arithmetic, never a
walk: a range of dates from 0001 to 9999 costs as little as one from this year to the next.
"""

from __future__ import annotations

import calendar
from datetime import date

from ..dates import FIRST_DAY, LAST_DAY, add_days

# Spelled out rather than strftime("%b") so the labels never follow the machine's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Label every n months; from a year on, every n years, up to a label per 2,000 years, which
# keeps the whole calendar (0001 to 9999) within seven labels.
_STEPS = (1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000)

WINDOW_MONTHS = 36
"""The remediation chart shows at most this many months either side of today's month."""


def month_label(day: date) -> str:
    """`Jan 2026`, whatever the machine's locale."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def month_index(day: date) -> int:
    """The month of `day` as a count of months since year 0: year * 12 + month - 1."""
    return day.year * 12 + day.month - 1


_FIRST_INDEX = month_index(FIRST_DAY)
_LAST_INDEX = month_index(LAST_DAY)


def month_at(index: int) -> date:
    """The first day of month number `index`, held to the months of 0001..9999."""
    index = min(max(index, _FIRST_INDEX), _LAST_INDEX)
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    """The first day of the month after `month`; December 9999 has none and stays itself."""
    return month_at(month_index(month) + 1)


def month_days(month: date) -> int:
    """How many days the month of `month` has."""
    return calendar.monthrange(month.year, month.month)[1]


def month_range(first: date, last: date) -> list[date]:
    """Every month start from the month of `first` through the month of `last`."""
    return [month_at(i) for i in range(month_index(first), month_index(last) + 1)]


def month_window(today: date) -> tuple[date, date]:
    """The first and last month the remediation chart may show: 36 months either side of today."""
    middle = month_index(today)
    return month_at(middle - WINDOW_MONTHS), month_at(middle + WINDOW_MONTHS)


def month_step(months: int, most: int) -> int:
    """Months between labels so that at most `most` of `months` are labelled."""
    return next((s for s in _STEPS if months / s <= most), _STEPS[-1])


def on_boundary(month: date, step: int) -> bool:
    """Whether `month` starts a quarter, half, year, ... for a label every `step` months."""
    # Labels on calendar boundaries (quarters, halves, years) read better than every n-th bar.
    # Every step divides 12 or is a whole number of years, so the boundaries are the months
    # whose index is a multiple of the step.
    return month_index(month) % step == 0


def date_ticks(first: date, last: date) -> list[date]:
    """Tick dates from first to last: month starts over a long span, days over a short one."""
    span = (last - first).days
    if span >= 90:
        low = month_index(first) + (first.day != 1)  # month starts on or after `first`
        high = month_index(last)
        step = month_step(high - low + 1, 7)
        start = -(-low // step) * step  # the first boundary at or after `low`
        return [month_at(i) for i in range(start, high + 1, step)]
    step = next(s for s in (1, 2, 7, 14, 28) if span / s <= 6)
    return [add_days(first, k) for k in range(0, span + 1, step)]
