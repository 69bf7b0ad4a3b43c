"""`sra calendar`'s file, reused from the cache when nothing it is computed from changed.

The calendar is a pure function of the workspace's files, the allowed-signers file (which
sign-offs count), the date and the code, the same inputs a lint run has; its entry is keyed
by all of them (`loading.workspace_key.workspace_key`), so it is never stale. On a hit no YAML is
parsed and no model is built: a warm calendar costs what hashing the workspace costs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..loading.cache import Cache
from ..loading.discover import find_workspace
from ..loading.workspace_key import workspace_key


def calendar_file(
    root: Path | None,
    today: date,
    *,
    use_cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> bytes | memoryview:
    """The workspace's calendar as of `today` as iCalendar bytes, from the cache when unchanged.

    From the cache, the bytes are a view of the stored entry, not a copy (70 MB at 50,000
    risks). `progress` is told each stage of a run that is not answered from the cache.
    """
    located = find_workspace(root)
    cache = Cache(located, enabled=use_cache)
    key = workspace_key(cache, located, today, "calendar", []) if use_cache else None
    if key is not None:
        stored = cache.get_bytes(key)
        if stored is not None:
            return stored
    # The schedule and its text are imported here: a calendar answered from the cache needs
    # neither, nor the analyses and rules they read.
    from ..loading.load import load_records
    from .events import KINDS_READ, build_schedule
    from .ics import render_ics

    # Only the kinds the schedule reads are validated into models (flows, half the records
    # of a large workspace, are not, but for the files where a record holds a waiver); a
    # broken file of any kind is still refused.
    if progress is not None:
        progress("loading the workspace")
    workspace = load_records(located, KINDS_READ, waivers=True, use_cache=use_cache)
    if progress is not None:
        progress("building the calendar")
    schedule = build_schedule(workspace, today)
    del workspace  # the models go before the text is written, so that the two never add up
    data = render_ics(schedule)
    if key is not None:
        cache.put_bytes(key, data)
    return data
