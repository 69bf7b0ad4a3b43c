"""What a scan finds: identifier types, per-column verdicts, and results per table and source."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

DETECTOR_VERSION = "2"
"""Bumped whenever a pattern, list, threshold or validator changes what a scan reports."""


class IdentifierType(StrEnum):
    """The Safe Harbor identifiers (45 CFR 164.514(b)(2)(i)) that appear in data, and `npi`."""

    NAME = "name"
    ADDRESS = "address"
    ZIP = "zip"
    DATE = "date"
    AGE_OVER_89 = "age-over-89"
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    SSN = "ssn"
    MRN = "mrn"
    HEALTH_PLAN_ID = "health-plan-id"
    ACCOUNT_NUMBER = "account-number"
    LICENSE_NUMBER = "license-number"
    VEHICLE_ID = "vehicle-id"
    DEVICE_ID = "device-id"
    URL = "url"
    IP_ADDRESS = "ip-address"
    OTHER_ID = "other-id"
    NPI = "npi"

    @property
    def is_phi(self) -> bool:
        """False only for `npi`: a provider's identifier, not a patient's."""
        return self is not IdentifierType.NPI


@dataclass(frozen=True)
class Identifier:
    """One identifier type found in a column."""

    type: IdentifierType
    confidence: float
    """0 to 1: how sure the detector is that the column holds this identifier."""
    share: float
    """Share of the sampled non-empty values that matched (after validation)."""


@dataclass(frozen=True)
class ColumnResult:
    """The verdict for one column."""

    column: str
    identifiers: tuple[Identifier, ...]
    values: int
    """Non-empty values sampled."""
    samples: tuple[str, ...] = ()
    """Masked example values, only when samples were asked for."""


@dataclass(frozen=True)
class TableResult:
    """One table (a file, or a database table) and its columns."""

    table: str
    rows_sampled: int
    columns: tuple[ColumnResult, ...]

    @property
    def phi_types(self) -> frozenset[IdentifierType]:
        """Every PHI identifier type found in the table."""
        return frozenset(
            ident.type for col in self.columns for ident in col.identifiers if ident.type.is_phi
        )


@dataclass(frozen=True)
class Unscanned:
    """A table (or a whole source, `table` None) that could not be scanned, and why."""

    source: str
    table: str | None
    error: str


@dataclass(frozen=True)
class SourceResult:
    """One source as given on the command line or in an asset's `scan:` list."""

    source: str
    """The source as written, with any password removed."""
    asset: str | None = None
    error: str | None = None
    tables: tuple[TableResult, ...] = ()
    unscanned: tuple[Unscanned, ...] = ()

    @property
    def phi_found(self) -> bool:
        """True if any column of any table holds a PHI identifier."""
        return any(table.phi_types for table in self.tables)

    @property
    def rows_sampled(self) -> int:
        """Rows sampled over every table."""
        return sum(table.rows_sampled for table in self.tables)


@dataclass(frozen=True)
class ScanResult:
    """Everything one `sra scan` found, in the order the sources were given."""

    sources: tuple[SourceResult, ...]
    detector_version: str = DETECTOR_VERSION
    notes: tuple[str, ...] = field(default=())

    @property
    def unscanned(self) -> tuple[Unscanned, ...]:
        """Every source and table that could not be scanned."""
        out: list[Unscanned] = []
        for source in self.sources:
            if source.error is not None:
                out.append(Unscanned(source.source, None, source.error))
            out.extend(source.unscanned)
        return tuple(out)
