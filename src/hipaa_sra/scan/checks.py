"""The checks both detectors run: one regular expression each, plus a validator for some.

Every pattern here is written in the subset that Python's `re` and the Rust `regex` crate
(which polars uses) read alike: no look-around, no back-references. The vectorised
detector and the reference detector count the same checks, so their counts must agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class Validator(StrEnum):
    """A check beyond the pattern, run on the values the pattern matched."""

    NAME = "name"
    """The first or last word is a Census given name or surname."""
    LUHN = "luhn"
    """A payment card or account number with a Luhn check digit."""
    NPI = "npi"
    """The NPI check digit (Luhn over 80840 and the number)."""
    VIN = "vin"
    """The VIN check digit in position 9."""
    SHORT_ID = "short-id"
    """4 to 40 characters and at least one digit."""


Counts = dict[str, int]
"""Check key -> number of values; `values` (non-empty) and `text` (free text) always."""

TEXT_PATTERN = r"\S\s+\S+\s+\S+\s+\S"
TEXT_MIN_CHARS = 30
"""A value is free text when it is longer than 30 characters and has at least four words."""


@dataclass(frozen=True)
class Check:
    """One count per column: values the pattern matches (and, if given, the validator passes)."""

    key: str
    pattern: str
    validator: Validator | None = None
    span: bool = False
    """Counts values that contain a match (free text) rather than values that are one."""


@cache
def word_list(name: str) -> frozenset[str]:
    """A bundled upper-case word list (data/<name>.txt), comment lines skipped."""
    text = (resources.files("hipaa_sra.scan") / "data" / f"{name}.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _street_pattern() -> str:
    suffixes = "|".join(sorted(word_list("street_suffixes"), key=len, reverse=True))
    return (
        r"(?is)^(?:\d{1,6}[A-Z]?(?: [A-Z0-9.'\-]+){1,5} (?:" + suffixes + r")\.?(?:[\s,].*)?"
        r"|P\.? ?O\.? Box \d+.*"
        r"|(?:USNS|USS|USNV|USCGC|PSC|Unit) [A-Z0-9 ,]+\s+(?:APO|FPO|DPO) A[AEP] \d{5})$"
    )


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_HIGH = r"(?:25[0-5]|2[0-4]\d|1\d\d)"
_IPV4_HIGH = "|".join(
    "^" + r"\.".join([_OCTET] * k + [_HIGH] + [_OCTET] * (3 - k)) + "$" for k in range(4)
)
DATE = (
    r"(?:(?:19|20)\d\d-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:19|20)?\d\d"
    r"|(?:0?[1-9]|[12]\d|3[01])[ \-](?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    r"[ \-,]+(?:19|20)\d\d"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* (?:0?[1-9]|[12]\d|3[01]),? "
    r"(?:19|20)\d\d)"
)
SSN = (
    r"(?:00[1-9]|0[1-9]\d|[1-5]\d\d|6[0-57-9]\d|66[0-57-9]|[78]\d\d)-(?:0[1-9]|[1-9]\d)-"
    r"(?:000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})"
)
_MBI_A = "[AC-HJKMNP-RT-Y]"
_MBI_AN = "[AC-HJKMNP-RT-Y0-9]"
MBI = rf"[1-9]{_MBI_A}{_MBI_AN}\d-?{_MBI_A}{_MBI_AN}\d-?{_MBI_A}{_MBI_A}\d\d"
_PHONE = r"(?:(?:\+?1|001)[\s.\-]?)?(?:\(\d{3}\) ?|\d{3}[\s.\-]?)\d{3}[\s.\-]?\d{4}"
EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
URL = r"(?:(?:https?|ftp)://|www\.)[^\s/$.?#][^\s]*"
_TITLES = r"(?:MR|MRS|MS|MISS|DR|PROF)"
_SUFFIXES = r"(?:JR|SR|II|III|IV|MD|DDS|DVM|PHD|RN|NP|PA)"
FIRST_WORD = rf"(?i)^(?:{_TITLES}\.? )?([^ ,]+)"
LAST_WORD = rf"(?i)([^ ,]+)(?:,? {_SUFFIXES}\.?)?$"
"""The first word after any title and the last before any suffix: the words looked up."""
LEADING_TITLE = rf"(?i)^{_TITLES}\.? "
TRAILING_SUFFIX = rf"(?i),? {_SUFFIXES}\.?$"
"""What FIRST_WORD and LAST_WORD skip, for the detector that strips it first."""
SPAN_PREFILTER = r"[0-9@]|(?i:(?:https?|ftp)://|www\.)|\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z]"
"""Every span check needs a digit, an `@`, a URL start or a title: text without any of
them is not searched further (the counts are the same, the work much less)."""


@cache
def value_checks() -> tuple[Check, ...]:
    """Checks of structured columns: each value as a whole."""
    return (
        Check("email", rf"^{EMAIL}$"),
        Check("phone", rf"^{_PHONE}(?: ?(?:x|ext\.?) ?\d{{1,5}})?$"),
        Check("ssn-shape", r"^\d{3}-\d{2}-\d{4}$"),
        Check("ssn", rf"^{SSN}$"),
        Check("mbi", rf"^{MBI}$"),
        Check("npi-shape", r"^[12]\d{9}$"),
        Check("npi", r"^[12]\d{9}$", Validator.NPI),
        Check("card-shape", r"^(?:\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{1,7}|\d{13,19})$"),
        Check("card", r"^(?:\d{4}[ \-]?\d{4}[ \-]?\d{4}[ \-]?\d{1,7}|\d{13,19})$", Validator.LUHN),
        Check("vin-shape", r"^[A-HJ-NPR-Z0-9]{17}$"),
        Check("vin", r"^[A-HJ-NPR-Z0-9]{17}$", Validator.VIN),
        Check("mac", r"^[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}$"),
        Check("ipv4", rf"^{IPV4}$"),
        # An address with an octet of 100 or more: versions such as 2.4.1.0 rarely have one.
        Check("ipv4-high", _IPV4_HIGH),
        Check(
            "ipv6",
            r"^(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}$"
            r"|^(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}$"
            r"|^(?:[0-9A-Fa-f]{1,4}:){1,7}:$|^::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}$",
        ),
        Check("url", rf"^{URL}$"),
        Check("date", rf"^{DATE}$"),
        Check("timestamp", r"^(?:19|20)\d\d-\d\d-\d\d[T ]\d\d:\d\d"),
        Check("zip", r"^\d{5}(?:-\d{4})?$"),
        Check("zip4", r"^\d{5}-\d{4}$"),
        Check("address", _street_pattern()),
        Check("name", r"^[A-Za-z][A-Za-z.'\-]*(?:,? [A-Za-z][A-Za-z.'\-]*){0,4}$", Validator.NAME),
        # Without a name hint only values of two words or more count: a lone word such as
        # `OK` or `Will` is in the lists too.
        Check(
            "full-name", r"^[A-Za-z][A-Za-z.'\-]*(?:,? [A-Za-z][A-Za-z.'\-]*){1,4}$", Validator.NAME
        ),
        Check("number", r"^\d{1,3}$"),
        Check("age-90", r"^(?:9\d|1[01]\d|12[0-5])$"),
        Check("word", r"^[A-Za-z][A-Za-z .'\-]{1,40}$"),
        Check(
            "short-id", r"^[A-Za-z0-9][A-Za-z0-9\-_/.#]*\d[A-Za-z0-9\-_/.#]*$", Validator.SHORT_ID
        ),
    )


@cache
def span_checks() -> tuple[Check, ...]:
    """Checks of free-text columns: values that contain an identifier somewhere."""
    return (
        Check("email", EMAIL, span=True),
        Check(
            "phone",
            r"(?:^|[^\d\-.])(?:\(\d{3}\) ?|\d{3}[.\-])\d{3}[.\-]\d{4}(?:$|[^\d\-])",
            span=True,
        ),
        Check("ssn", rf"(?:^|[^\d\-]){SSN}(?:$|[^\d\-])", span=True),
        Check("mbi", rf"\b{MBI}\b", span=True),
        Check("ipv4", rf"(?:^|[^\d.]){IPV4}(?:$|[^\d.])", span=True),
        Check("url", URL, span=True),
        Check("date", rf"\b{DATE}\b", span=True),
        Check(
            "age-90",
            r"(?i)\b(?:9\d|1[01]\d)[- ]?(?:year|yr)s?[- ]?old\b|\baged? (?:9\d|1[01]\d)\b",
            span=True,
        ),
        Check(
            "mrn", r"(?i)\b(?:MRN|medical record(?: number| no\.?)?)[:#\s]+[A-Z0-9\-]*\d", span=True
        ),
        Check("name", r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?\b", span=True),
    )


# What `span_gate` drops from a pattern: word boundaries, and the groups that keep a match
# from starting or ending inside a longer number (`(?:^|[^\d\-])`, `(?:$|[^\d.])`).
_BOUNDARIES = re.compile(r"\\b|\(\?:[$^]\|\[\^[^\]]*\]\)")


@cache
def span_gate(checks: tuple[Check, ...]) -> str:
    """One pattern that matches every value any of `checks` matches, and a few more.

    The union of the checks with their boundary assertions dropped: dropping an assertion
    only widens a pattern, so a value that fails the gate fails every check. One pass of
    the gate over free text costs about as much as two of the checks; the checks then run
    on the few values that pass it.
    """
    parts = []
    for check in checks:
        pattern = _BOUNDARIES.sub("", check.pattern)
        if pattern.startswith("(?i)"):
            parts.append(f"(?i:{pattern.removeprefix('(?i)')})")
        else:
            parts.append(f"(?:{pattern})")
    return "|".join(parts)


def all_checks() -> tuple[Check, ...]:
    """Every check, value checks first."""
    return value_checks() + span_checks()


def count_key(check: Check) -> str:
    """The key of a check's count in `Counts` (span checks are prefixed `span:`)."""
    return f"span:{check.key}" if check.span else check.key
