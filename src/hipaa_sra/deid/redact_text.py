"""`redact-text`: identifiers inside free text replaced by their type, `[SSN]`, `[EMAIL]`.

The spans are the scanner's free-text checks (`scan.checks.span_checks`), so what the
re-scan looks for is what this removes. Rust's regex has no look-around: a pattern's
first and last groups are the characters around the span, put back as they were.
"""

from __future__ import annotations

import polars as pl

from ..scan import checks

_NOT_DIGIT = r"(^|[^\d\-])", r"([^\d\-]|$)"
_NOT_IP = r"(^|[^\d.])", r"([^\d.]|$)"
_WORD = r"(\b)", r"(\b)"

SPANS: tuple[tuple[str, str, str, str], ...] = (
    ("EMAIL", "()", checks.EMAIL, "()"),
    ("URL", "()", checks.URL, "()"),
    (
        "MRN",
        *_WORD[:1],
        r"(?i:(?:MRN|medical record(?: number| no\.?)?)[:#\s]+[A-Z0-9\-]*\d"
        r"[A-Z0-9\-]*)",
        "()",
    ),
    ("SSN", *_NOT_DIGIT[:1], checks.SSN, *_NOT_DIGIT[1:]),
    ("HEALTH-PLAN-ID", *_WORD[:1], checks.MBI, *_WORD[1:]),
    (
        "PHONE",
        r"(^|[^\d\-.])",
        r"(?:\+?1[\s.\-]?)?(?:\(\d{3}\) ?|\d{3}[.\-\s])\d{3}[.\-]\d{4}",
        r"([^\d\-]|$)",
    ),
    ("IP-ADDRESS", *_NOT_IP[:1], checks.IPV4, *_NOT_IP[1:]),
    ("DATE", *_WORD[:1], checks.DATE, *_WORD[1:]),
    (
        "AGE-OVER-89",
        *_WORD[:1],
        r"(?i:(?:9\d|1[01]\d)[- ]?(?:year|yr)s?[- ]?old|aged? "
        r"(?:9\d|1[01]\d))",
        *_WORD[1:],
    ),
    ("NAME", *_WORD[:1], r"(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?", *_WORD[1:]),
)
"""Label, the character before, the span, the character after; most specific first, so an
email's digits are not taken for a phone number."""


def _replace(text: pl.Expr) -> pl.Expr:
    for label, before, span, after in SPANS:
        text = text.str.replace_all(f"{before}{span}{after}", f"${{1}}[{label}]${{2}}")
    return text


def _redact_batch(values: pl.Series) -> pl.Series:
    """Only the values the scanner's prefilter lets through go through the ten patterns.

    Every span needs a digit, an `@`, a URL start or a title (`checks.SPAN_PREFILTER`);
    most sentences have none, so this is several times faster on real notes.
    """
    text = values.cast(pl.String)
    hit = text.str.contains(checks.SPAN_PREFILTER).fill_null(False)
    if not hit.any():
        return text
    chosen = text.filter(hit)
    done = chosen.to_frame("t").select(_replace(pl.col("t"))).to_series()
    return text.scatter(hit.arg_true(), done)


def redact_text(value: pl.Expr) -> pl.Expr:
    """The text with every span replaced by `[LABEL]`, the characters around it kept."""
    return value.map_batches(_redact_batch, return_dtype=pl.String, is_elementwise=True)
