"""Cell values as people type them in spreadsheets: US dates and everyday status words."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

# Words trackers and templates use for a remediation item's state, by the status they mean
# (compared without case, spaces or punctuation). Used only where that status is a choice.
_STATUS_WORDS = {
    "notstarted": "planned",
    "open": "planned",
    "todo": "planned",
    "new": "planned",
    "started": "in_progress",
    "ongoing": "in_progress",
    "underway": "in_progress",
    "complete": "done",
    "completed": "done",
    "closed": "done",
    "resolved": "done",
    "finished": "done",
    "fixed": "done",
}


def norm(text: str) -> str:
    """`text` without case, spaces or punctuation, for matching words people type."""
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def us_date(text: str) -> date | None:
    """`03/31/2027` as a date (month/day/year), None for text of another shape.

    Raises ValueError, naming the text, for a month/day/year that is no date (`31/03/2027`).
    """
    found = _US_DATE.fullmatch(text.strip())
    if found is None:
        return None
    month, day, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} is not a date; expected YYYY-MM-DD or month/day/year (03/31/2027)"
        ) from None


def status_word(text: str, choices: tuple[str, ...]) -> str | None:
    """The choice an everyday status word means ("Closed" -> done), if it is one of `choices`."""
    meant = _STATUS_WORDS.get(norm(text))
    return meant if meant in choices else None


def reading_note(raw: Any, value: Any) -> str | None:
    """What a user should know when a cell was read as something other than it says."""
    if not isinstance(raw, str):
        return None
    if isinstance(value, date) and raw.strip() != value.isoformat():
        return f"read {raw.strip()!r} as {value.isoformat()} (month/day/year)"
    if isinstance(value, str) and norm(raw) != norm(value) and raw.strip() != value:
        return f"read {raw.strip()!r} as {value}"
    return None
