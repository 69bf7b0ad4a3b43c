"""A seeded patient-visit export for the scan bench, drawn the way real exports repeat.

Identifiers that are unique to a person are drawn afresh for every row, so they are
almost all distinct (SSNs, MRNs, phone numbers, e-mail addresses, street addresses, order
numbers, event times, notes). Values that real people share are drawn from frequency
lists, so they recur as they do in life: given names and surnames from the Census lists
the detector ships, ranked by a seeded shuffle and drawn with Zipf-Mandelbrot weights
((rank + 10)^-1, the shape of real name frequencies: the commonest name is about 1% of
people, as Smith is, with a long tail), and the same for ZIP
codes (30,000 of them), ICD-10 codes and street names. Dates of birth span 90 years (about
33,000 distinct days); lab values have one decimal. Nothing comes from a pool of whole
rows, so no optimisation can profit from rows that repeat.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import polars as pl

COLUMNS = (
    "patient_name",
    "ssn",
    "dob",
    "phone",
    "email",
    "street_address",
    "zip",
    "mrn",
    "icd10_code",
    "lab_value",
    "event_time",
    "status",
    "order_number",
    "notes",
)
"""Eight PHI columns among ordinary ones, and a free-text notes column."""

_ICD10 = (
    "I10",
    "E11.9",
    "J45.909",
    "Z00.00",
    "M54.5",
    "F41.1",
    "K21.9",
    "E78.5",
    "J06.9",
    "N39.0",
    "R51.9",
    "M25.561",
    "F32.A",
    "Z23",
    "R10.9",
    "I25.10",
    "E03.9",
    "G47.33",
    "J18.9",
    "L03.115",
    "R05.9",
    "Z79.4",
    "M17.11",
    "H52.4",
    "K59.00",
)
_COMPLAINTS = (
    "chest pain",
    "shortness of breath",
    "follow-up of hypertension",
    "type 2 diabetes review",
    "knee pain after a fall",
    "a medication refill",
    "a persistent cough",
    "headache for three days",
    "an annual physical",
    "a post-operative check",
    "abdominal pain",
    "a rash on the forearm",
    "lower back pain",
    "dizziness on standing",
    "anxiety and poor sleep",
)
_PLANS = (
    "Continue current medication.",
    "Labs ordered; review results at next visit.",
    "Referred to physical therapy.",
    "Advised rest and fluids.",
    "Increase lisinopril to 20 mg daily.",
    "Imaging ordered.",
    "Return if symptoms worsen.",
    "Discussed diet and exercise.",
)
_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "aol.com",
    "comcast.net",
    "example.org",
)
_STATUSES = ("completed", "scheduled", "cancelled", "no-show")


def _words(name: str) -> list[str]:
    text = (resources.files("hipaa_sra.scan") / "data" / f"{name}.txt").read_text("utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _zipf(rng: np.random.Generator, items: list[str], rows: int) -> pl.Series:
    """`rows` draws from `items` ranked by a seeded shuffle, with weights (rank + 10)^-1."""
    ranked = np.array(items, dtype=object)[rng.permutation(len(items))]
    weights = 1.0 / np.arange(11, len(items) + 11)
    picks = rng.choice(len(items), size=rows, p=weights / weights.sum())
    return pl.Series(ranked[picks].tolist(), dtype=pl.String)


def _digits(rng: np.random.Generator, low: int, high: int, rows: int, width: int) -> pl.Expr:
    return pl.lit(pl.Series(rng.integers(low, high, rows))).cast(pl.String).str.zfill(width)


def _pick(rng: np.random.Generator, options: tuple[str, ...], rows: int) -> pl.Expr:
    return pl.lit(
        pl.Series(
            np.array(options, dtype=object)[rng.integers(0, len(options), rows)].tolist(),
            dtype=pl.String,
        )
    )


def chunk(seed: int, rows: int) -> pl.DataFrame:
    """`rows` rows of the export; the same seed gives the same rows."""
    rng = np.random.default_rng(seed)
    given = _zipf(rng, [w.title() for w in _words("given_names")], rows)
    family = _zipf(rng, [w.title() for w in _words("surnames")], rows)
    streets = [w.title() for w in _words("surnames")[:3000]]
    suffixes = ["St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way", "Pl", "Street", "Avenue"]
    area = rng.integers(1, 900, rows)
    area[area == 666] = 667
    # SSN-shaped order numbers: every area, issued or not (a hard negative).
    order = [
        _digits(rng, 0, 1000, rows, 3),
        _digits(rng, 0, 100, rows, 2),
        _digits(rng, 0, 10_000, rows, 4),
    ]
    born = np.datetime64("1930-01-01") + rng.integers(0, 90 * 365, rows).astype("timedelta64[D]")
    seconds = rng.integers(0, 330 * 86_400, rows) * 1000
    seen = np.datetime64("2026-01-01T00:00:00", "ms") + seconds.astype("timedelta64[ms]")
    identifier = rng.random(rows)
    frame = pl.DataFrame({"given": given, "family": family}).select(
        pl.concat_str(pl.col("given"), pl.lit(" "), pl.col("family")).alias("patient_name"),
        pl.concat_str(
            pl.lit(pl.Series(area)).cast(pl.String).str.zfill(3),
            pl.lit("-"),
            _digits(rng, 1, 100, rows, 2),
            pl.lit("-"),
            _digits(rng, 1, 10_000, rows, 4),
        ).alias("ssn"),
        pl.lit(pl.Series(born)).dt.strftime("%Y-%m-%d").alias("dob"),
        pl.concat_str(
            pl.lit("("),
            _digits(rng, 201, 990, rows, 3),
            pl.lit(") "),
            _digits(rng, 200, 1000, rows, 3),
            pl.lit("-"),
            _digits(rng, 0, 10_000, rows, 4),
        ).alias("phone"),
        pl.concat_str(
            pl.col("given").str.to_lowercase(),
            pl.lit("."),
            pl.col("family").str.to_lowercase(),
            _digits(rng, 0, 1000, rows, 1),
            pl.lit("@"),
            _pick(rng, _DOMAINS, rows),
        ).alias("email"),
        pl.concat_str(
            _digits(rng, 1, 10_000, rows, 1),
            pl.lit(" "),
            pl.lit(_zipf(rng, streets, rows)),
            pl.lit(" "),
            _pick(rng, tuple(suffixes), rows),
        ).alias("street_address"),
        pl.lit(
            _zipf(rng, [f"{z:05d}" for z in rng.choice(99_000, 30_000, replace=False) + 1000], rows)
        ).alias("zip"),
        pl.concat_str(pl.lit("MRN"), _digits(rng, 0, 100_000_000, rows, 8)).alias("mrn"),
        pl.lit(_zipf(rng, list(_ICD10), rows)).alias("icd10_code"),
        pl.lit(pl.Series(rng.integers(1, 3000, rows) / 10)).cast(pl.String).alias("lab_value"),
        pl.lit(pl.Series(seen)).dt.strftime("%Y-%m-%dT%H:%M:%S").alias("event_time"),
        _pick(rng, _STATUSES, rows).alias("status"),
        pl.concat_str(*order, separator="-").alias("order_number"),
        pl.concat_str(
            pl.lit("Seen for "),
            _pick(rng, _COMPLAINTS, rows),
            pl.lit(". BP "),
            _digits(rng, 95, 180, rows, 1),
            pl.lit("/"),
            _digits(rng, 55, 110, rows, 1),
            pl.lit(", pulse "),
            _digits(rng, 48, 120, rows, 1),
            pl.lit(". "),
            _pick(rng, _PLANS, rows),
            pl.lit(" Follow up in "),
            _digits(rng, 2, 13, rows, 1),
            pl.lit(" weeks."),
            # A few notes hold an identifier, as real notes do.
            pl.when(pl.lit(pl.Series(identifier)) < 0.02)
            .then(
                pl.concat_str(
                    pl.lit(" Patient SSN "),
                    pl.lit(pl.Series(area)).cast(pl.String).str.zfill(3),
                    pl.lit("-45-"),
                    _digits(rng, 1, 10_000, rows, 4),
                    pl.lit("."),
                )
            )
            .when(pl.lit(pl.Series(identifier)) < 0.04)
            .then(
                pl.concat_str(
                    pl.lit(" Call back at "),
                    _digits(rng, 201, 990, rows, 3),
                    pl.lit("-555-"),
                    _digits(rng, 0, 10_000, rows, 4),
                    pl.lit("."),
                )
            )
            .otherwise(pl.lit("")),
        ).alias("notes"),
    )
    return frame.select(COLUMNS)
