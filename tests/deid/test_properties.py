"""Properties of the transforms, against plain-Python statements of the rules."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra.deid.generalize import OLDEST, RESTRICTED_ZIP3, age, year, zip3
from hipaa_sra.deid.redact_text import redact_text
from hipaa_sra.deid.surrogates import shaped

TODAY = date(2026, 12, 1)


def _zip3(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) < 3:
        return None
    return "000" if digits[:3] in RESTRICTED_ZIP3 else digits[:3]


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"\A\d{5}(-\d{4})?\Z"),
            st.sampled_from(RESTRICTED_ZIP3).map(lambda p: p + "42"),
            st.text(max_size=6),
        ),
        max_size=30,
    )
)
def test_zip3_is_the_first_three_digits_or_000(values: list[str]) -> None:
    got = (
        pl.DataFrame({"z": values}, schema={"z": pl.String})
        .select(zip3(pl.col("z"), pl.String()))
        .to_series()
    )
    assert got.to_list() == [_zip3(v) for v in values]


@given(st.lists(st.integers(-5, 130), max_size=30))
def test_every_age_over_89_is_one_category(values: list[int]) -> None:
    got = pl.DataFrame({"a": [str(v) for v in values]}).select(age(pl.col("a"))).to_series()
    assert got.to_list() == [OLDEST if v > 89 else str(v) for v in values]


@given(st.lists(st.dates(date(1900, 1, 1), date(2026, 11, 30)), max_size=30))
def test_dates_become_years_unless_the_year_could_show_an_age_over_89(values: list[date]) -> None:
    frame = pl.DataFrame({"d": [v.isoformat() for v in values]}, schema={"d": pl.String})
    got = frame.select(year(pl.col("d"), pl.String(), TODAY)).to_series().to_list()
    assert got == [v.year if v.year > TODAY.year - 90 else None for v in values]
    typed = pl.DataFrame({"d": values}, schema={"d": pl.Date})
    assert typed.select(year(pl.col("d"), pl.Date(), TODAY)).to_series().to_list() == got


@given(
    st.lists(st.text(alphabet="AZaz09-() .@", max_size=14), min_size=1, max_size=30),
    st.integers(0, 2**32 - 1),
)
def test_surrogates_keep_the_shape_of_every_value(values: list[str], seed: int) -> None:
    got = shaped(pl.Series(values), np.random.default_rng(seed)).to_list()

    def shape(text: str) -> str:
        return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", text)))

    assert [shape(g) for g in got] == [shape(v) for v in values]


@given(
    st.from_regex(r"\A(?:00[1-9]|[1-5]\d\d)-(?:0[1-9]|[1-9]\d)-(?:[1-9]\d{3})\Z"),
    st.text(alphabet="abc ,.", max_size=10),
)
def test_redact_text_leaves_no_ssn(ssn: str, around: str) -> None:
    text = f"{around}SSN {ssn}{around}"
    got = pl.DataFrame({"t": [text]}).select(redact_text(pl.col("t"))).item()
    assert ssn not in got and "[SSN]" in got
