"""`sra calendar`: the SRA's due dates as an iCalendar file that calendar apps import."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..schedule.cached import calendar_file
from ..writing import file_digest, replace_file
from .common import (
    no_cache_option,
    out_option,
    progress_option,
    resolve_today,
    today_option,
    workspace_option,
)
from .stages import QUICK_COMMAND_HELP, quick_command_stages


@click.command("calendar")
@workspace_option
@today_option
@out_option()
@no_cache_option("Ignore and do not write the cache (parsed files and the calendar itself).")
@progress_option(QUICK_COMMAND_HELP)
def calendar_command(
    workspace: Path | None,
    today: datetime | None,
    out: Path | None,
    no_cache: bool,
    progress: bool | None,
) -> None:
    """Write the SRA's due dates as an iCalendar (RFC 5545) file.

    One all-day event per obligation: the next periodic review, the register
    refresh, each open remediation item, evidence refreshes, BAA expiries,
    vendor verifications, vulnerability scans, penetration tests, the
    inventory review, policy reviews, training refreshers, questionnaire
    answers to give again and waivers that expire. Each falls on the last day
    its lint rule is satisfied; items already past due, or never done, are
    dated --today with OVERDUE in the summary. Owners with an email in sra.yaml
    `people` are attendees. UIDs depend only on the organization, the kind and
    the record id, so importing a regenerated file updates events instead of
    duplicating them. Exits 0, or 2 when the workspace cannot be read.

    Example:

    \b
        sra calendar --out sra.ics
        sra calendar --today 2026-11-22 --workspace sra/
    """
    day = resolve_today(today)
    with quick_command_stages("sra calendar", progress) as stages:
        data = calendar_file(workspace, day, use_cache=not no_cache, progress=stages.start)
    if out is None:
        # The binary stream, so that CRLF stays CRLF; a view of the cached entry is written
        # as it is, with no copy.
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    replace_file(out, bytes(data), file_digest(out))
