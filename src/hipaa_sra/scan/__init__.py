"""Finding PHI in data: sources -> batches -> detectors -> per-column verdicts.

    from hipaa_sra.scan import Options, Target, scan
    result = scan([Target("exports/visits.csv", asset="analytics-bucket")], Options())

`sources/` reads files, SQLite and PostgreSQL as batches of text columns; `detect_polars`
counts every check of a batch in one vectorised query (`detect_re` is the plain reference
the tests compare it with); `verdict` turns counts and column names into identifiers;
`engine` and `dask_engine` run tables in process or on a Dask cluster; `reconcile` and
`evidence` hold results against the inventory. See docs/scan.md.
"""

from .engine import Options, Target, scan
from .sources import Filters, SourceError
from .types import (
    DETECTOR_VERSION,
    ColumnResult,
    Identifier,
    IdentifierType,
    ScanResult,
    SourceResult,
    TableResult,
    Unscanned,
)

__all__ = [
    "DETECTOR_VERSION",
    "ColumnResult",
    "Filters",
    "Identifier",
    "IdentifierType",
    "Options",
    "ScanResult",
    "SourceError",
    "SourceResult",
    "TableResult",
    "Target",
    "Unscanned",
    "scan",
]
