"""Date arithmetic at the ends of the calendar: it saturates, and month axes cost the same."""

from __future__ import annotations

import time
from datetime import date

from hipaa_sra.dates import FIRST_DAY, LAST_DAY, add_days, add_days_or_none, is_open_ended
from hipaa_sra.report.months import (
    date_ticks,
    month_at,
    month_range,
    month_step,
    month_window,
    next_month,
    on_boundary,
)


def test_add_days_is_plain_addition_inside_the_calendar() -> None:
    assert add_days(date(2026, 2, 28), 1) == date(2026, 3, 1)
    assert add_days(date(2026, 3, 1), -1) == date(2026, 2, 28)
    assert add_days(date(2026, 11, 22), 0) == date(2026, 11, 22)


def test_add_days_saturates_at_both_ends() -> None:
    assert add_days(date(9999, 12, 30), 365) == LAST_DAY
    assert add_days(LAST_DAY, 10**12) == LAST_DAY
    assert add_days(date(1, 1, 5), -30) == FIRST_DAY
    assert add_days(FIRST_DAY, -(10**12)) == FIRST_DAY
    assert add_days_or_none(None, 10) is None
    assert add_days_or_none(LAST_DAY, 1) == LAST_DAY


def test_the_year_9999_is_open_ended() -> None:
    assert is_open_ended(date(9999, 12, 31)) and is_open_ended(date(9999, 1, 1))
    assert not is_open_ended(date(9998, 12, 31))


def test_months_stop_at_the_ends_of_the_calendar() -> None:
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert next_month(date(9999, 12, 1)) == date(9999, 12, 1)
    assert month_at(-5) == date(1, 1, 1)
    assert month_window(date(9999, 12, 31)) == (date(9996, 12, 1), date(9999, 12, 1))
    assert month_window(date(1, 1, 1)) == (date(1, 1, 1), date(4, 1, 1))
    assert month_window(date(2026, 11, 22)) == (date(2023, 11, 1), date(2029, 11, 1))
    assert month_range(date(9999, 11, 15), date(9999, 12, 31)) == [
        date(9999, 11, 1),
        date(9999, 12, 1),
    ]


def test_label_steps_cover_the_whole_calendar() -> None:
    months = len(range((9999 - 1) * 12 + 12))
    step = month_step(months, 7)
    assert months / step <= 7
    assert on_boundary(date(2000, 1, 1), 24000) and not on_boundary(date(2001, 1, 1), 24)


def test_date_ticks_over_any_span_are_few_and_quick() -> None:
    started = time.perf_counter()
    ticks = date_ticks(FIRST_DAY, LAST_DAY)
    assert time.perf_counter() - started < 0.5
    assert 1 <= len(ticks) <= 8
    assert all(FIRST_DAY <= tick <= LAST_DAY and tick.day == 1 for tick in ticks)


def test_date_ticks_keep_their_labels_on_calendar_boundaries() -> None:
    # Eleven month starts, labelled every second month on the odd months (Jan, Mar, ...).
    assert date_ticks(date(2025, 1, 15), date(2025, 12, 20)) == [
        date(2025, 3, 1),
        date(2025, 5, 1),
        date(2025, 7, 1),
        date(2025, 9, 1),
        date(2025, 11, 1),
    ]
    assert date_ticks(date(2025, 1, 1), date(2025, 1, 10)) == [
        date(2025, 1, d) for d in (1, 3, 5, 7, 9)
    ]
    assert date_ticks(date(9999, 12, 20), LAST_DAY) == [
        date(9999, 12, 20),
        date(9999, 12, 22),
        date(9999, 12, 24),
        date(9999, 12, 26),
        date(9999, 12, 28),
        date(9999, 12, 30),
    ]
