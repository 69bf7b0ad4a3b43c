"""Safe Harbor generalizations as polars expressions: dates to years, ZIP3, ages to 90+."""

from __future__ import annotations

from datetime import date

import polars as pl

RESTRICTED_ZIP3 = (
    "036",
    "059",
    "063",
    "102",
    "203",
    "556",
    "692",
    "790",
    "821",
    "823",
    "830",
    "831",
    "878",
    "879",
    "884",
    "890",
    "893",
)
"""Three-digit ZIP prefixes of 20,000 people or fewer (HHS guidance, 2000 Census): to 000."""
OLDEST = "90+"
"""The one category for every age over 89 (164.514(b)(2)(i)(C))."""

_YEAR = r"(?:^|\D)((?:1[89]|20)\d\d)(?:\D|$)"
"""A four-digit year from 1800 to 2099 standing alone in a date as text."""
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y/%m/%d")
_DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
)


def parse_datetime(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A Datetime from a Date, a Datetime or text in the usual layouts (null if none fits)."""
    if dtype == pl.Date:
        return value.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        return value.dt.replace_time_zone(None).cast(pl.Datetime("us"))
    text = value.cast(pl.String).str.strip_chars()
    tries = [text.str.to_datetime(f, strict=False, time_unit="us") for f in _DATETIME_FORMATS]
    tries += [text.str.to_date(f, strict=False).cast(pl.Datetime("us")) for f in _DATE_FORMATS]
    return pl.coalesce(tries)


def has_time(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """True where a value carries a time of day (text with `HH:MM`, or a Datetime)."""
    if isinstance(dtype, pl.Datetime):
        return pl.lit(True)
    if dtype == pl.Date:
        return pl.lit(False)
    return value.cast(pl.String).str.contains(r"\d[T ]\d\d:\d\d")


def year(value: pl.Expr, dtype: pl.DataType, today: date) -> pl.Expr:
    """The year alone, or null where the year could show an age over 89.

    A date 90 or more years before `today` could be a birth date of someone over 89, whose
    birth year Safe Harbor removes too (164.514(b)(2)(i)(C)).
    """
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        years = value.dt.year().cast(pl.Int32)
    else:
        # The year of any layout (2024-03-12, 03/12/2024, 12 Mar 2024) in one regex pass,
        # about 20 times faster than trying each date format; a two-digit year gives null.
        years = value.cast(pl.String).str.extract(_YEAR).cast(pl.Int32, strict=False)
    return pl.when(years > today.year - 90).then(years).otherwise(None)


def zip3(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The first three digits, `000` for the 17 restricted prefixes, null without three."""
    text = value.cast(pl.String)
    if dtype.is_integer():
        text = text.str.zfill(5)  # a ZIP stored as a number lost its leading zeros
    digits = text.str.replace_all(r"\D", "")
    first = digits.str.slice(0, 3)
    return (
        pl.when(digits.str.len_chars() < 3)
        .then(None)
        .when(first.is_in(list(RESTRICTED_ZIP3)))
        .then(pl.lit("000"))
        .otherwise(first)
    )


def age(value: pl.Expr) -> pl.Expr:
    """Ages as text, every age over 89 as `90+`; what is not a number becomes null."""
    number = value.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    shown = number.cast(pl.Int64, strict=False).cast(pl.String)
    return pl.when(number > 89).then(pl.lit(OLDEST)).otherwise(shown)


def shift(value: pl.Expr, dtype: pl.DataType, days: pl.Expr) -> pl.Expr:
    """The date moved by `days`, in the column's own type (text as ISO, time kept)."""
    moved = parse_datetime(value, dtype) + pl.duration(days=days)
    if dtype == pl.Date:
        return moved.dt.date()
    if isinstance(dtype, pl.Datetime):
        return (
            moved.cast(dtype)
            if dtype.time_zone is None
            else moved.dt.replace_time_zone(dtype.time_zone).cast(dtype)
        )
    return (
        pl.when(has_time(value, dtype))
        .then(moved.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(moved.dt.strftime("%Y-%m-%d"))
    )
