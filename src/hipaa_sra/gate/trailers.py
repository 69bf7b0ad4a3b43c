"""`SRA-Reviewed:` commit trailers: a recorded decision that a change needs no register edit.

A trailer is a line in the last paragraph of a commit message, as `git interpret-trailers`
reads it::

    SRA-Reviewed: visits-api, RR-2026-014: only log wording changed; no new ePHI fields

The value is a comma-separated list of ids (assets, or risks whose asset is meant), a
colon followed by a space, and a reason. Ids may themselves contain colons (`db:primary`),
never spaces, so the first colon that is followed by a space (or ends the value) is the one
that separates them from the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRAILER_KEY = "SRA-Reviewed"
_SPLIT = re.compile(r"(?P<ids>.*?):(?:\s+|\Z)(?P<reason>.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Trailer:
    """One `SRA-Reviewed` trailer of one commit, parsed; `problem` says why it cannot count."""

    commit: str
    value: str
    ids: tuple[str, ...] = ()
    reason: str = ""
    problem: str | None = None

    @property
    def line(self) -> str:
        """The trailer as written in the commit message."""
        return f"{TRAILER_KEY}: {self.value}"


def parse_trailer(commit: str, value: str) -> Trailer:
    """Parse the value of one trailer (the text after `SRA-Reviewed:`)."""
    text = " ".join(value.split())
    found = _SPLIT.match(text)
    if found is None:
        return Trailer(
            commit,
            text,
            problem="is not in the form `<ids>: <reason>` "
            "(a colon and a space must follow the ids)",
        )
    ids = tuple(part.strip() for part in found.group("ids").split(",") if part.strip())
    reason = found.group("reason").strip()
    if not ids:
        return Trailer(commit, text, (), reason, problem="names no asset or risk id")
    if not reason:
        return Trailer(commit, text, ids, "", problem="gives no reason after the ids")
    bad = [item for item in ids if " " in item]
    if bad:
        return Trailer(
            commit,
            text,
            ids,
            reason,
            problem=f"names `{bad[0]}`, which is not an id (ids have no spaces; "
            "separate ids with commas, and the reason with `: `)",
        )
    return Trailer(commit, text, ids, reason)


def suggested_trailer(asset_id: str) -> str:
    """The line to paste into a commit message to record that `asset_id` was considered."""
    return f"{TRAILER_KEY}: {asset_id}: <why the risk analysis needs no change>"
