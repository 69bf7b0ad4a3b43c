"""The findings the loader itself reports (family SRA0xx): schema, ids, references, files."""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Severity


@dataclass(frozen=True, slots=True)
class Problem:
    """A kind of loader finding: stable code and name, default severity, what it means."""

    code: str
    name: str
    severity: Severity
    summary: str


INVALID_VALUE = Problem(
    "SRA001",
    "invalid-value",
    Severity.ERROR,
    "A field holds a value of the wrong type or outside its allowed set.",
)
UNKNOWN_FIELD = Problem(
    "SRA002",
    "unknown-field",
    Severity.ERROR,
    "A record has a key its kind does not define (usually a typo).",
)
MISSING_FIELD = Problem(
    "SRA003",
    "missing-field",
    Severity.ERROR,
    "A record lacks a key its kind requires.",
)
DUPLICATE_ID = Problem(
    "SRA004",
    "duplicate-id",
    Severity.ERROR,
    "Two records share an id; ids are unique across the whole workspace.",
)
UNKNOWN_REFERENCE = Problem(
    "SRA005",
    "unknown-reference",
    Severity.WARNING,
    "A record names an asset, vendor, control or person that the workspace does not define.",
)
LEVEL_SYNONYM = Problem(
    "SRA006",
    "level-synonym",
    Severity.INFO,
    "A risk level is written with an accepted synonym (e.g. medium for moderate).",
)
UNEXPECTED_FILE = Problem(
    "SRA007",
    "unexpected-file",
    Severity.WARNING,
    "A YAML file or a folder of YAML files sits outside sra.yaml and the kind folders, so it "
    "was not loaded.",
)
NOT_A_REGULAR_FILE = Problem(
    "SRA008",
    "not-a-regular-file",
    Severity.WARNING,
    "A workspace path is a named pipe, socket or device rather than a file, so it was not read.",
)

PROBLEMS: tuple[Problem, ...] = (
    INVALID_VALUE,
    UNKNOWN_FIELD,
    MISSING_FIELD,
    DUPLICATE_ID,
    UNKNOWN_REFERENCE,
    LEVEL_SYNONYM,
    UNEXPECTED_FILE,
    NOT_A_REGULAR_FILE,
)
"""Every loader finding kind, in code order."""
