"""What counts as evidence: a control's evidence list, or free text that says how, when, where.

An auditor accepts a safeguard when the record says how it was verified, when (a date) and
where the proof is kept. "We have DLP" says none of the three; "AES-256 at rest on RDS,
verified by quarterly CIS scan, last scan 2026-05-12, evidence in /security-evidence/2026-Q2/"
says all three, and its date is the verification date that staleness is measured from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..dates import add_days
from ..model import Control

# Words that describe an act of verification. Kept to verbs and nouns of checking so that a
# description of the safeguard itself ("encrypted", "MFA") does not pass for its proof.
_HOW = re.compile(
    r"\b(verif\w*|validat\w*|test(?:s|ed|ing)?|pen-?test\w*|scan\w*|audited|auditing|"
    r"review(?:s|ed)?|check(?:s|ed)?|attest\w*|inspect\w*|confirm\w*|assess\w*|"
    r"certif\w*|soc ?2|hitrust|iso ?27001|screenshot\w*|export(?:s|ed)?|report(?:s|ed)?|"
    r"drill\w*|exercise[sd]?)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WHERE = re.compile(
    r"(https?://\S+|\bs3://\S+|(?:^|[\s(\"'])[~.]?/[\w.@:+-]+(?:/[\w.@:+-]*)*|"
    r"\b[A-Z][A-Z0-9]{1,9}-\d+\b|"
    r"\b(?:evidence|proof|report|records?|artifacts?|screenshots?)\s+(?:is\s+|are\s+)?"
    r"(?:in|at|on|kept|stored|filed)\b)",
)


@dataclass(frozen=True, slots=True)
class TextEvidence:
    """What a free-text control entry says about its own verification."""

    how: bool
    """It names how it was verified (a scan, a test, a review, ...)."""
    when: date | None
    """The latest valid YYYY-MM-DD date it mentions."""
    where: bool
    """It names where the evidence lives (a path, URL, ticket or evidence store)."""
    missing: tuple[str, ...] = ()
    """The parts an auditor would ask for and the text lacks (set by `read_text_evidence`)."""


def read_text_evidence(text: str) -> TextEvidence:
    """Find how, when and where in a free-text control entry."""
    latest: date | None = None
    for match in _DATE.finditer(text):
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue  # 2026-02-30 is not a date and cannot be a verification date
        if latest is None or day > latest:
            latest = day
    how, where = bool(_HOW.search(text)), bool(_WHERE.search(text))
    parts = (
        ("how it was verified", how),
        ("when (a YYYY-MM-DD date)", latest is not None),
        ("where the evidence is kept", where),
    )
    return TextEvidence(how, latest, where, tuple(label for label, ok in parts if not ok))


@dataclass(frozen=True, slots=True)
class EvidenceStatus:
    """How well a control record is evidenced, and when its evidence goes stale."""

    complete: bool | None
    """At least one evidence entry says how, when and where; None when that turns on a value
    that was written but could not be read (a partial record), so neither can be said."""
    missing: tuple[str, ...]
    """Parts no evidence entry provides (empty unless `complete` is False)."""
    latest: date | None
    """The most recent verification date that could be read."""
    due: date | None
    """When the most recent verification stops being current; None when there is none, or
    when an unreadable date or refresh interval might change it."""


_PARTS = (
    ("how it was verified (how_verified)", "how_verified"),
    ("when (date)", "date"),
    ("where the evidence is kept (location)", "location"),
)


def control_evidence(control: Control, default_refresh_days: int | None) -> EvidenceStatus:
    """Whether a control's evidence list is complete, and its latest date and refresh due date.

    `default_refresh_days` is None while the workspace's interval is unknown.
    """
    fewest: tuple[str, ...] | None = None
    proven = False
    latest: date | None = None
    due: date | None = None
    # An entry left out of the list, or a part that could not be read, might be the proof.
    doubt = control.is_unknown("evidence")
    dates_known = not doubt
    for item in control.evidence:
        missing = tuple(
            label for label, name in _PARTS if not getattr(item, name) and not item.is_unknown(name)
        )
        if missing:
            fewest = missing if fewest is None or len(missing) < len(fewest) else fewest
        elif item.is_unknown(*(name for _, name in _PARTS)):
            doubt = True
        else:
            proven = True
        dates_known = dates_known and not item.is_unknown("date")
        if item.date is not None and (latest is None or item.date >= latest):
            latest = item.date
            refresh = (
                None
                if item.is_unknown("refresh_days")
                else (item.refresh_days or default_refresh_days)
            )
            due = None if refresh is None else add_days(item.date, refresh)
    complete = True if proven else (None if doubt else False)
    missing = (fewest or ("an evidence entry",)) if complete is False else ()
    return EvidenceStatus(complete, missing, latest, due if dates_known else None)
