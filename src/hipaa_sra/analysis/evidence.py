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
    parts = (("how it was verified", how), ("when (a YYYY-MM-DD date)", latest is not None),
             ("where the evidence is kept", where))  # fmt: skip
    return TextEvidence(how, latest, where, tuple(label for label, ok in parts if not ok))


@dataclass(frozen=True, slots=True)
class EvidenceStatus:
    """How well a control record is evidenced, and when its evidence goes stale."""

    complete: bool
    """At least one evidence entry says how, when and where."""
    missing: tuple[str, ...]
    """Parts no evidence entry provides (empty when complete)."""
    latest: date | None
    """The most recent verification date."""
    due: date | None
    """When the most recent verification stops being current."""


def control_evidence(control: Control, default_refresh_days: int) -> EvidenceStatus:
    """Whether a control's evidence list is complete, and its latest date and refresh due date."""
    fewest: tuple[str, ...] | None = None
    latest: date | None = None
    due: date | None = None
    for item in control.evidence:
        missing = tuple(
            label
            for label, present in (
                ("how it was verified (how_verified)", item.how_verified),
                ("when (date)", item.date),
                ("where the evidence is kept (location)", item.location),
            )
            if not present
        )
        if fewest is None or len(missing) < len(fewest):
            fewest = missing
        if item.date is not None and (latest is None or item.date >= latest):
            latest = item.date
            refresh = item.refresh_days or default_refresh_days
            due = date.fromordinal(item.date.toordinal() + refresh)
    if fewest is None:
        fewest = ("an evidence entry",)
    return EvidenceStatus(not fewest, fewest, latest, due)
