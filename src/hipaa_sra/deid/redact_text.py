"""`redact-text`: identifiers inside free text replaced by their type, `[SSN]`, `[EMAIL]`.

The spans are the scanner's free-text checks (`scan.checks.span_checks`), so what the
re-scan looks for is what this removes. Each pattern's first group is the character
before the span, put back as it was.
"""

from __future__ import annotations

import polars as pl

from ..scan import checks

SPANS: tuple[tuple[str, str], ...] = (
    ("EMAIL", r"()" + checks._EMAIL),
    ("URL", r"()" + checks._URL),
    ("MRN", r"(?i)()\b(?:MRN|medical record(?: number| no\.?)?)[:#\s]+[A-Z0-9\-]*\d[A-Z0-9\-]*"),
    ("SSN", r"(^|[^\d\-])" + checks._SSN + r"\b"),
    ("HEALTH-PLAN-ID", r"()\b" + checks.MBI + r"\b"),
    ("PHONE", r"(^|[^\d\-.])(?:\+?1[\s.\-]?)?(?:\(\d{3}\) ?|\d{3}[.\-\s])\d{3}[.\-]\d{4}\b"),
    ("IP-ADDRESS", r"(^|[^\d.])" + checks.IPV4 + r"\b"),
    ("DATE", r"()\b" + checks._DATE + r"\b"),
    ("AGE-OVER-89", r"(?i)()\b(?:9\d|1[01]\d)[- ]?(?:year|yr)s?[- ]?old\b"
                    r"|(?i)(\baged?) (?:9\d|1[01]\d)\b"),
    ("NAME", r"()\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?\b"),
)
"""Label and pattern, most specific first: an email's digits are not taken for a phone."""


def redact_text(value: pl.Expr) -> pl.Expr:
    """The text with every span replaced by `[LABEL]`, the character before it kept."""
    text = value.cast(pl.String)
    for label, pattern in SPANS:
        text = text.str.replace_all(pattern, f"${{1}}[{label}]")
    return text
