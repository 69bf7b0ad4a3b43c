"""The SRA's dated obligations (reviews, remediation, evidence, BAAs, tests) and their ICS form."""

from .events import (
    Attendee,
    Event,
    EventKind,
    Schedule,
    build_schedule,
    calendar_events,
    workspace_identity,
)
from .ics import event_uid, render_ics

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
