"""Calendar arithmetic for the time charts: month ranges, and where their labels go."""

from __future__ import annotations

from datetime import date, timedelta

# Spelled out rather than strftime("%b") so the labels never follow the machine's locale.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(day: date) -> str:
    """`Jan 2026`, whatever the machine's locale."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def next_month(month: date) -> date:
    """The first day of the month after `month` (itself a first day)."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Every month start from `first` through `last`."""
    months = [first]
    while months[-1] < last:
        months.append(next_month(months[-1]))
    return months


def month_step(months: int, most: int) -> int:
    """Months between labels so that at most `most` of `months` are labelled."""
    return next(s for s in (1, 2, 3, 4, 6, 12, 24, 60, 120, 240) if months / s <= most)


def on_boundary(month: date, step: int) -> bool:
    """Whether `month` starts a quarter, half, year, ... for a label every `step` months."""
    # Labels on calendar boundaries (quarters, halves, years) read better than every n-th bar.
    if step <= 12:
        return (month.month - 1) % step == 0
    return month.month == 1 and month.year % (step // 12) == 0


def date_ticks(first: date, last: date) -> list[date]:
    """Tick dates from first to last: month starts over a long span, days over a short one."""
    span = (last - first).days
    if span >= 90:
        start = first if first.day == 1 else next_month(first.replace(day=1))
        months = [month for month in month_range(start, last) if month <= last]
        step = month_step(len(months), 7)
        return [month for month in months if on_boundary(month, step)]
    step = next(s for s in (1, 2, 7, 14, 28) if span / s <= 6)
    return [first + timedelta(days=k) for k in range(0, span + 1, step)]
