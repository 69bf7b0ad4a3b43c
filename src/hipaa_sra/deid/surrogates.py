"""Random replacement values, made for many values at once (numpy), in the originals' shape.

A shaped surrogate keeps every character that is not a letter or digit and replaces each
letter by a random letter of the same case and each digit by a random digit (a number's
first digit stays non-zero): `MRN-00412345` becomes `QZT-00981523`, `(617) 555-0134`
another phone number. Emails keep their shape before the `@` and go to `example.org`.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_ZERO, _NINE, _A, _Z, _LA, _LZ = (ord(c) for c in "09AZaz")


def shaped(values: pl.Series, rng: np.random.Generator) -> pl.Series:
    """Each value with its letters and digits replaced at random, all at once."""
    if values.len() == 0:
        return values.cast(pl.String)
    array = np.asarray(values.cast(pl.String).to_numpy(), dtype=str)
    width = array.dtype.itemsize // 4
    codes = np.ascontiguousarray(array).view(np.uint32).reshape(len(array), width).copy()
    digit = (codes >= _ZERO) & (codes <= _NINE)
    upper = (codes >= _A) & (codes <= _Z)
    lower = (codes >= _LA) & (codes <= _LZ)
    previous = np.zeros_like(digit)
    previous[:, 1:] = digit[:, :-1]
    # A number keeps a non-zero first digit, so 4071 never becomes 0071 (or 71 as an int).
    leading = digit & ~previous & (codes != _ZERO)
    out = codes
    out[digit] = rng.integers(_ZERO, _NINE + 1, int(digit.sum()), dtype=np.uint32)
    out[leading] = rng.integers(_ZERO + 1, _NINE + 1, int(leading.sum()), dtype=np.uint32)
    out[upper] = rng.integers(_A, _Z + 1, int(upper.sum()), dtype=np.uint32)
    out[lower] = rng.integers(_LA, _LZ + 1, int(lower.sum()), dtype=np.uint32)
    result = out.view(f"<U{width}").reshape(len(array))
    return pl.Series(values.name, result, dtype=pl.String)


def emails(values: pl.Series, rng: np.random.Generator) -> pl.Series:
    """A shaped local part at example.org, a domain reserved for examples (RFC 2606)."""
    local = values.cast(pl.String).str.extract(r"^([^@]*)@?").fill_null("x")
    return (shaped(local, rng) + "@example.org").alias(values.name)


def offsets(count: int, max_days: int, rng: np.random.Generator) -> np.ndarray:
    """Random day offsets in [-max_days, max_days], never 0 (a date must move)."""
    days = rng.integers(1, max_days + 1, count, dtype=np.int32)
    signs = rng.choice(np.array([-1, 1], dtype=np.int32), count)
    return np.asarray(days * signs, dtype=np.int32)
