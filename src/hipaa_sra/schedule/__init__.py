"""The SRA's dated obligations, an event kind per time-based rule, and their ICS form.

The names below are imported on first use: a calendar answered from the cache
(`schedule.cached`) builds no schedule, and must not pay for importing what builds one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

if TYPE_CHECKING:
    from .event import Attendee, Event, EventKind
    from .events import (
        Schedule,
        build_schedule,
        calendar_events,
        workspace_identity,
    )
    from .ics import event_uid, render_ics

__getattr__ = exports(
    __name__,
    {
        **dict.fromkeys(("Attendee", "Event", "EventKind"), ".event"),
        **dict.fromkeys(
            (
                "Schedule",
                "build_schedule",
                "calendar_events",
                "workspace_identity",
            ),
            ".events",
        ),
        "event_uid": ".ics",
        "render_ics": ".ics",
    },
)

__all__ = [
    "Attendee",
    "Event",
    "EventKind",
    "Schedule",
    "build_schedule",
    "calendar_events",
    "event_uid",
    "render_ics",
    "workspace_identity",
]
