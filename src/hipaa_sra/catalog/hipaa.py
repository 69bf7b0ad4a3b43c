"""The HIPAA Security Rule catalog: standards and implementation specifications, by citation."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal, cast, get_args

from .loader import Record, document

SpecSafeguard = Literal[
    "administrative", "physical", "technical", "organizational", "documentation"
]
"""Family of an entry: .308/.310/.312 safeguards, .314 organizational, .316 documentation."""

Designation = Literal["standard", "required", "addressable"]
"""How the regulation designates an entry (45 CFR 164.306(c)-(d))."""

_FILE = "hipaa_security_rule.yaml"
_CITATION = re.compile(
    r"164\.3(?:08|10|12|14|16)\([a-z]\)(?:\(\d+\))?(?:\([ivx]+\))?(?:\([A-Z]\))?"
)
_PARAGRAPHS = re.compile(r"\(([0-9A-Za-z]+)\)")
# "45 CFR", "45 C.F.R.", "part", "§", "sec." in any combination and case, once spaces are gone.
_PREFIX = re.compile(r"^(?:45)?(?:c\.?f\.?r\.?)?(?:part)?(?:§+|sec(?:tion)?\.?)?", re.IGNORECASE)
# difflib ratio below which a suggestion is more likely noise than help: every citation
# shares "164.3", so a low cutoff would "suggest" something for any input at all.
_SUGGEST_CUTOFF = 0.8


@dataclass(frozen=True)
class HipaaEntry:
    """One standard or implementation specification of 45 CFR Part 164, Subpart C."""

    id: str
    """Stable catalog id, e.g. `hsr.312.a.2.iv`."""
    citation: str
    """Canonical citation without the "45 CFR" prefix, e.g. `164.312(a)(2)(iv)`."""
    standard: str
    """Name of the standard the entry belongs to (its own name, for a standard)."""
    name: str
    """Name as printed in the regulation."""
    safeguard: SpecSafeguard
    designation: Designation
    self_specifying: bool
    """A standard with no implementation specifications: the standard itself is the requirement."""
    appendix_a: bool
    """Listed in Appendix A to Subpart C (the Security Standards matrix)."""
    summary: str
    """A paraphrase of what the entry requires."""
    aliases: tuple[str, ...] = ()
    """Other citations that lead here: former numbering or paragraphs folded into a standard."""
    notes: str | None = None

    @property
    def is_standard(self) -> bool:
        """True for a standard, False for an implementation specification."""
        return self.designation == "standard"

    @property
    def is_required(self) -> bool:
        """Must be implemented as written: a required spec or a self-specifying standard."""
        return self.designation == "required" or self.self_specifying

    @property
    def is_mappable(self) -> bool:
        """A control can claim to meet it: an implementation spec or a self-specifying standard."""
        return not self.is_standard or self.self_specifying

    @property
    def section(self) -> str:
        """The CFR section, e.g. `164.312`."""
        return self.citation.split("(", 1)[0]


@dataclass(frozen=True)
class HipaaCounts:
    """How many standards and implementation specifications a set of entries holds."""

    standards: int
    specifications: int
    required: int
    """Implementation specifications designated required (self-specifying standards excluded)."""
    addressable: int

    def __str__(self) -> str:
        """E.g. "22 standards, 46 implementation specifications (24 required, 22 addressable)"."""
        return (
            f"{self.standards} standards, {self.specifications} implementation specifications "
            f"({self.required} required, {self.addressable} addressable)"
        )


_GROUP_HEALTH_PLAN = "applies only to group health plans (plan documents of a plan sponsor)"
CONDITIONAL_SPECS: Mapping[str, str] = {
    "164.308(a)(4)(ii)(A)": "applies only to a health care clearinghouse that is part of a "
    "larger organization",
    "164.314(a)(2)(ii)": "applies only when the covered entity and its business associate "
    "are both government entities",
    "164.314(b)(2)(i)": _GROUP_HEALTH_PLAN,
    "164.314(b)(2)(ii)": _GROUP_HEALTH_PLAN,
    "164.314(b)(2)(iii)": _GROUP_HEALTH_PLAN,
    "164.314(b)(2)(iv)": _GROUP_HEALTH_PLAN,
}
"""Required specifications that bind only some entities, by citation, with the condition."""

CONDITIONAL_ENTITY_TYPES: Mapping[str, frozenset[str]] = {
    citation: frozenset({"covered-entity", "hybrid-entity"}) for citation in CONDITIONAL_SPECS
}
"""Entity types (`organization.entity_type`) each conditional specification can bind: a
business associate is no clearinghouse component, government covered entity or group health
plan, so none of them binds it."""


def hipaa_entries() -> tuple[HipaaEntry, ...]:
    """Every standard and implementation specification, in regulation order."""
    return _entries()


def hipaa_specs() -> tuple[HipaaEntry, ...]:
    """The entries a control can map to: implementation specs and self-specifying standards."""
    return tuple(entry for entry in _entries() if entry.is_mappable)


def hipaa_counts(entries: Iterable[HipaaEntry] | None = None) -> HipaaCounts:
    """Count standards and specifications by designation (all entries by default)."""
    chosen = _entries() if entries is None else tuple(entries)
    designations = [entry.designation for entry in chosen]
    return HipaaCounts(
        standards=designations.count("standard"),
        specifications=len(designations) - designations.count("standard"),
        required=designations.count("required"),
        addressable=designations.count("addressable"),
    )


@lru_cache(maxsize=4096)  # workspaces repeat the same few dozen citations thousands of times
def normalize_citation(text: str) -> str:
    """Canonical form of a written citation: no "45 CFR"/"§", no spaces, paragraph case fixed."""
    compact = "".join(text.split()).rstrip(".,;:")
    compact = _PREFIX.sub("", compact)
    section, paren, rest = compact.partition("(")
    if not paren:
        return compact
    parts = _PARAGRAPHS.findall(paren + rest)
    if "".join(f"({part})" for part in parts) != paren + rest:
        return compact
    # CFR paragraph levels run (a)(1)(i)(A): the case of a letter says which level it is.
    fixed = [
        part.upper() if depth == 3 else part.lower() if depth in (0, 2) else part
        for depth, part in enumerate(parts)
    ]
    return section + "".join(f"({part})" for part in fixed)


def hipaa_entry(citation: str) -> HipaaEntry | None:
    """The entry a written citation (or catalog id) names, or None if it names none."""
    by_id, by_citation, _ = _indexes()
    if citation.strip() in by_id:
        return by_id[citation.strip()]
    key = normalize_citation(citation)
    entry = by_citation.get(key)
    if entry is None:
        # A standard with subparagraphs is often cited without its "(i)": 164.308(a)(1).
        standard = by_citation.get(key + "(i)")
        if standard is not None and standard.is_standard:
            entry = standard
    return entry


def suggest_citation(text: str) -> str | None:
    """A did-you-mean for a citation not in the catalog: renumbered, first child or closest."""
    if hipaa_entry(text) is not None:
        return None
    _, by_citation, by_alias = _indexes()
    key = normalize_citation(text)
    if key in by_alias:
        return by_alias[key].citation
    # A paragraph that only heads specifications, e.g. 164.310(a)(2): offer its first one.
    # A bare section (164.308) is a valid reference to the whole section, so it gets none.
    if "(" in key:
        for citation in by_citation:
            if citation.startswith(key + "("):
                return citation
    close = difflib.get_close_matches(key, list(by_citation), n=1, cutoff=_SUGGEST_CUTOFF)
    return close[0] if close else None


@cache
def _entries() -> tuple[HipaaEntry, ...]:
    top = document(_FILE)
    top.only("schema_version", "source", "entries")
    entries = tuple(_entry(record) for record in top.children("entries"))
    seen: set[str] = set()
    for entry in entries:
        for key in (entry.id, entry.citation, *entry.aliases):
            if key in seen:
                top.fail(f"{key} appears twice")
            seen.add(key)
    return entries


def _entry(record: Record) -> HipaaEntry:
    record.only(
        "id",
        "citation",
        "standard",
        "name",
        "safeguard",
        "designation",
        "self_specifying",
        "appendix_a",
        "summary",
        "aliases",
        "notes",
    )
    citation = record.text("citation")
    if not _CITATION.fullmatch(citation):
        record.fail(f"`citation` {citation!r} is not a Subpart C citation like 164.312(a)(2)(iv)")
    safeguard = record.text("safeguard")
    if safeguard not in get_args(SpecSafeguard):
        record.fail(f"`safeguard` {safeguard!r} is not one of {', '.join(get_args(SpecSafeguard))}")
    designation = record.text("designation")
    if designation not in get_args(Designation):
        allowed = ", ".join(get_args(Designation))
        record.fail(f"`designation` {designation!r} is not one of {allowed}")
    self_specifying = record.flag("self_specifying")
    if self_specifying and designation != "standard":
        record.fail("only a standard can be self_specifying")
    aliases = record.texts("aliases")
    if any(normalize_citation(alias) != alias for alias in aliases):
        record.fail("`aliases` must be written in canonical form, e.g. 164.308(b)(4)")
    return HipaaEntry(
        id=record.text("id"),
        citation=citation,
        standard=record.text("standard"),
        name=record.text("name"),
        safeguard=cast(SpecSafeguard, safeguard),
        designation=cast(Designation, designation),
        self_specifying=self_specifying,
        appendix_a=record.flag("appendix_a"),
        summary=record.text("summary"),
        aliases=aliases,
        notes=record.optional_text("notes"),
    )


@cache
def _indexes() -> tuple[
    Mapping[str, HipaaEntry], Mapping[str, HipaaEntry], Mapping[str, HipaaEntry]
]:
    entries = _entries()
    by_id = {entry.id: entry for entry in entries}
    by_citation = {entry.citation: entry for entry in entries}
    by_alias = {alias: entry for entry in entries for alias in entry.aliases}
    return by_id, by_citation, by_alias
