"""From a column's counts and name to its identifiers, each with a confidence and a share."""

from __future__ import annotations

from dataclasses import dataclass

from .checks import Counts
from .hints import Hints, hints
from .types import Identifier
from .types import IdentifierType as T

FREE_TEXT_SHARE = 0.5
"""A column is free text when at least half its values are (see `checks.TEXT_PATTERN`)."""
MIN_SHARE = 0.6
"""Share of values a pattern must match for a verdict from the values alone."""
MIN_SHARE_HINTED = 0.3
"""Share needed when the column's name also points to the type."""
MIN_SHARE_HINT_ONLY = 0.8
"""Share of identifier-like values (`short-id`) for a verdict from the name alone."""
MAX_INVALID = 0.02
"""Share of shape matches allowed to fail their check digit or number rules: issued SSNs,
NPIs and VINs never fail, so a column where more fail holds something shaped like them."""
MIN_IP_HIGH = 0.1
"""Share of IPv4-shaped values that must have an octet of 100 or more (versions rarely do)."""


@dataclass(frozen=True)
class _Candidate:
    type: T
    matched: int
    base: float
    shape: int | None = None
    value_only: bool = True
    """A verdict from the values alone is allowed (not only with a hint)."""


def _candidates(counts: Counts, hint: Hints) -> list[_Candidate]:
    c = counts.get
    ip = c("ipv4", 0) + c("ipv6", 0)
    ip_plausible = c("ipv6", 0) > 0 or c("ipv4-high", 0) >= MIN_IP_HIGH * c("ipv4", 0)
    dated = c("date", 0) + (c("timestamp", 0) if T.DATE in hint.types else 0)
    return [
        _Candidate(T.SSN, c("ssn", 0), 0.95, c("ssn-shape", 0)),
        _Candidate(T.HEALTH_PLAN_ID, c("mbi", 0), 0.95),
        _Candidate(T.NPI, c("npi", 0), 0.95, c("npi-shape", 0)),
        _Candidate(T.VEHICLE_ID, c("vin", 0), 0.95, c("vin-shape", 0)),
        _Candidate(T.ACCOUNT_NUMBER, c("card", 0), 0.9, c("card-shape", 0)),
        _Candidate(T.EMAIL, c("email", 0), 0.95),
        _Candidate(T.DEVICE_ID, c("mac", 0), 0.85),
        _Candidate(T.IP_ADDRESS, ip if ip_plausible or T.IP_ADDRESS in hint.types else 0, 0.9),
        _Candidate(T.URL, c("url", 0), 0.85),
        _Candidate(T.FAX if T.FAX in hint.types else T.PHONE, c("phone", 0), 0.85),
        _Candidate(T.DATE, dated, 0.85 if T.DATE in hint.types else 0.6),
        _Candidate(T.ZIP, c("zip", 0) if T.ZIP in hint.types else c("zip4", 0), 0.85),
        _Candidate(T.ADDRESS, c("address", 0), 0.85),
        _Candidate(T.ADDRESS, c("word", 0), 0.7, value_only=False),  # a city, by its name
        _Candidate(T.NAME, c("name", 0) if T.NAME in hint.types else c("full-name", 0), 0.8),
    ]


def _confidence(base: float, hinted: bool, share: float) -> float:
    return round(min(0.99, base + (0.05 if hinted else 0.0)) * (0.75 + 0.25 * share), 2)


def _structured(column: str, counts: Counts, hint: Hints) -> tuple[Identifier, ...]:
    values = counts.get("values", 0)
    best: tuple[float, int, Identifier] | None = None
    for rank, cand in enumerate(_candidates(counts, hint)):
        hinted = cand.type in hint.types or (cand.type is T.FAX and T.PHONE in hint.types)
        if not cand.matched or (not hinted and (hint.negative or not cand.value_only)):
            continue
        share = cand.matched / values
        if share < (MIN_SHARE_HINTED if hinted else MIN_SHARE):
            continue
        if cand.shape is not None and cand.shape - cand.matched > MAX_INVALID * cand.shape:
            continue
        found = Identifier(cand.type, _confidence(cand.base, hinted, share), round(share, 4))
        if best is None or (share, -rank) > (best[0], -best[1]):
            best = (share, rank, found)
    if best is not None:
        return (best[2],)
    return _from_name(counts, hint)


def _from_name(counts: Counts, hint: Hints) -> tuple[Identifier, ...]:
    """A verdict from the column's name when its values look like identifiers or ages."""
    values = counts.get("values", 0)
    if T.AGE_OVER_89 in hint.types:
        over = counts.get("age-90", 0)
        if over and counts.get("number", 0) >= MIN_SHARE_HINT_ONLY * values:
            share = over / values
            return (Identifier(T.AGE_OVER_89, _confidence(0.9, True, 1.0), round(share, 4)),)
        return ()
    share = counts.get("short-id", 0) / values
    if share < MIN_SHARE_HINT_ONLY:
        return ()
    for t in sorted(hint.types - {T.NAME, T.ADDRESS, T.DATE, T.EMAIL, T.URL}):
        return (Identifier(t, _confidence(0.65, True, share), round(share, 4)),)
    return ()


SPAN_TYPES: dict[str, tuple[T, float]] = {
    "span:ssn": (T.SSN, 0.9),
    "span:mbi": (T.HEALTH_PLAN_ID, 0.9),
    "span:email": (T.EMAIL, 0.9),
    "span:phone": (T.PHONE, 0.8),
    "span:ipv4": (T.IP_ADDRESS, 0.7),
    "span:url": (T.URL, 0.75),
    "span:date": (T.DATE, 0.6),
    "span:age-90": (T.AGE_OVER_89, 0.8),
    "span:mrn": (T.MRN, 0.85),
    "span:name": (T.NAME, 0.7),
}
"""Identifier type and base confidence of each free-text check."""


MIN_NAME_HITS = 2
"""A title and a capitalised word (`Dr. Brown`) once in a text column is as often a street
or a product as a person: names in free text need two such hits."""


def _free_text(counts: Counts) -> tuple[Identifier, ...]:
    values = counts.get("values", 0)
    found = []
    for key, (t, base) in SPAN_TYPES.items():
        hits = counts.get(key, 0)
        if hits >= (MIN_NAME_HITS if t is T.NAME else 1):
            # One SSN in a million notes is a finding; each further hit adds certainty.
            confidence = round(base * min(1.0, 0.7 + 0.1 * hits), 2)
            found.append(Identifier(t, confidence, round(hits / values, 4)))
    return tuple(sorted(found, key=lambda ident: (-ident.confidence, ident.type)))


def is_free_text(counts: Counts) -> bool:
    """True if most of the column's values are free text."""
    values = counts.get("values", 0)
    return bool(values) and counts.get("text", 0) >= FREE_TEXT_SHARE * values


def decide(column: str, counts: Counts) -> tuple[Identifier, ...]:
    """The identifiers in a column: one for structured data, any number for free text."""
    if not counts.get("values", 0):
        return ()
    structured = _structured(column, counts, hints(column))
    if structured or not is_free_text(counts):
        return structured  # a column of whole addresses is text too, but one identifier
    return _free_text(counts)
