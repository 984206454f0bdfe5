"""Parsing values as people write them (influtiers.load.parse): pandas and Arrow forms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from influtiers.load import parse_bool, parse_count, parse_dates, unparseable_mask
from influtiers.load.parse import (
    WHITESPACE,
    bools_arrow,
    dates_arrow,
    numbers_arrow,
    parse_numbers,
    parse_strings,
    strings_arrow,
)


# ------------------------------------------------------------------ parse_count
@pytest.mark.parametrize(
    "text, value",
    [
        ("1.2M", 1_200_000),
        ("1,2M", 1_200_000),
        ("3,4K", 3_400),
        ("3,45k", 3_450),
        ("475.8m", 475_800_000),
        ("12,345", 12_345),
        ("1,234,567", 1_234_567),
        ("12,345K", 12_345_000),
        ("1 234", 1_234),
        ("1\u00a0234\u202f567", 1_234_567),
        ("1.234.567", 1_234_567),
        ("1.234,5", 1_234.5),
        ("1,234.5", 1_234.5),
        ("2.5k", 2_500),
        ("1B", 1e9),
        ("1.5 bn", 1.5e9),
        ("1.39%", 0.0139),
        ("1,39%", 0.0139),
        ("42", 42),
        (" 42 ", 42),
        ("+7", 7),
        ("0.5", 0.5),
        ("1e5", 100_000),
        ("-1", -1),
        ("-20", -20),
    ],
)
def test_parse_count_forms(text, value):
    got = parse_count([text]).iloc[0]
    assert got == pytest.approx(value)
    assert not unparseable_mask([text]).iloc[0]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "N/A",
        "NA",
        "n/a",
        "-",
        "#VALOR!",
        "#VALUE!",
        "#N/A",
        "#DIV/0!",
        "null",
        "None",
        "nan",
        None,
        np.nan,
    ],
)
def test_parse_count_missing_is_not_unparseable(text):
    assert math.isnan(parse_count([text]).iloc[0])
    assert not unparseable_mask([text]).iloc[0]


@pytest.mark.parametrize("text", ["abc", "12 likes", "2,5", "1,23,4", "1.2.3", "inf", "K", "1..2"])
def test_parse_count_unparseable(text):
    assert math.isnan(parse_count([text]).iloc[0])
    assert unparseable_mask([text]).iloc[0]


def test_parse_count_hidden_sentinel_only_in_like_comment_view_columns():
    for col in ("likes", "comments", "views"):
        assert math.isnan(parse_count(["-1"], column=col).iloc[0])
    for col in ("followers", "shares", None):
        assert parse_count(["-1"], column=col).iloc[0] == -1
    assert parse_count(["-2"], column="likes").iloc[0] == -2


def test_parse_count_percent_not_a_count():
    assert unparseable_mask(["5%"], column="likes").iloc[0]
    assert not unparseable_mask(["5%"]).iloc[0]


def test_parse_count_numeric_and_mixed_inputs():
    s = pd.Series([1, 2.5, np.nan, np.inf], index=[10, 11, 12, 13])
    out = parse_count(s)
    assert list(out.index) == [10, 11, 12, 13]
    assert out.iloc[:2].tolist() == [1.0, 2.5]
    assert unparseable_mask(s).tolist() == [False, False, False, True]
    mixed = pd.Series([3, "1.2k", None, True, [1]], dtype=object)
    assert parse_count(mixed).iloc[:2].tolist() == [3.0, 1200.0]
    assert unparseable_mask(mixed).tolist() == [False, False, False, True, True]
    assert parse_count([]).dtype == "float64"


# ------------------------------------------------------------------ dates and flags
def test_parse_dates_forms():
    d, bad = parse_dates(
        [
            "2020-11-06T22:20:19Z",
            "1604701219",
            "1604701219000",
            "2020-11-06 23:20:19+01:00",
            "Nov 6, 2020",
            "",
            "N/A",
            "yesterday",
        ]
    )
    assert str(d.dtype) == "datetime64[ns, UTC]"
    assert d.iloc[0] == d.iloc[1] == d.iloc[2] == d.iloc[3]
    assert d.iloc[4] == pd.Timestamp("2020-11-06", tz="UTC")
    assert bad.tolist() == [False] * 7 + [True]
    assert d.iloc[5:].isna().all()
    num, bad = parse_dates(pd.Series([1604701219, np.nan]))
    assert num.iloc[0] == pd.Timestamp("2020-11-06 22:20:19", tz="UTC") and not bad.any()
    naive, _ = parse_dates(pd.Series(pd.to_datetime(["2020-01-01"])))
    assert naive.iloc[0] == pd.Timestamp("2020-01-01", tz="UTC")
    mixed, bad = parse_dates(pd.Series([1604701219, "2020-01-01", None, 3.5e20], dtype=object))
    assert mixed.iloc[1] == pd.Timestamp("2020-01-01", tz="UTC")
    assert bad.tolist() == [False, False, False, True]


def test_parse_bool():
    v, bad = parse_bool(["yes", "No", "TRUE", "0", "", None, True, "maybe"])
    assert v.iloc[:4].tolist() == [True, False, True, False]
    assert v.iloc[4:7].tolist()[:2] == [pd.NA, pd.NA] and v.iloc[6]
    assert bad.tolist() == [False] * 7 + [True]


# ------------------------------------------------------------------ Arrow forms (what staging uses)
TEXTS = [
    "1.2M",
    "3,4K",
    "12,345",
    "",
    "N/A",
    "-1",
    "abc",
    "inf",
    "nan",
    "-nan",
    "1e5",
    " 42 ",
    "5%",
    "1.39%",
    "+7",
    "0x10",
    "Infinity",
    None,
]


@pytest.mark.parametrize("column", [None, "likes", "followers", "cost"])
def test_numbers_arrow_equals_pandas_parse(column):
    arr, bad = numbers_arrow(pa.array(TEXTS, pa.string()), column)
    vals, want_bad = parse_numbers(pd.Series(TEXTS, dtype=object), column, hidden=False)
    assert bad.tolist() == want_bad.tolist()
    got = np.array([np.nan if v is None else v for v in arr.to_pylist()], dtype=float)
    np.testing.assert_array_equal(got, vals.to_numpy())
    assert arr.type == pa.float64()


def test_numbers_arrow_fast_path_keeps_sentinel_and_flags_inf():
    arr, bad = numbers_arrow(pa.array(["1", "-1", "", "2.5"]), "likes")
    assert arr.to_pylist() == [1.0, -1.0, None, 2.5] and not bad.any()
    typed, bad = numbers_arrow(pa.array([1, None, 3], pa.int32()), "likes")
    assert typed.to_pylist() == [1.0, None, 3.0] and not bad.any()
    f, bad = numbers_arrow(pa.array([1.0, float("inf"), float("nan")]), "followers")
    assert f.to_pylist() == [1.0, None, None] and bad.tolist() == [False, True, False]
    b, bad = numbers_arrow(pd.Series([True, None], dtype=object), "likes")
    assert bad.tolist() == [True, False]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(max_size=8), st.integers(-5, 10**6).map(str)), max_size=20
    )
)
# found by this property: infinity spelled out in a column with no missing value was
# written into Arrow's read-only memory (ValueError instead of a quarantined cell)
@example(["INF"])
@example(["nan", "3"])
def test_property_numbers_arrow_matches_parse_numbers(texts):
    arr, bad = numbers_arrow(pa.array(texts, pa.string()), "comments")
    vals, want = parse_numbers(pd.Series(texts, dtype=object), "comments", hidden=False)
    assert bad.tolist() == want.tolist()
    got = np.array([np.nan if v is None else v for v in arr.to_pylist()], dtype=float)
    np.testing.assert_array_equal(got, vals.to_numpy())


def test_dates_arrow_microseconds_and_typed_pass_through():
    arr, bad = dates_arrow(pa.array(["2020-01-01T00:00:00.123456789Z", "never", None]))
    assert arr.type == pa.timestamp("us", tz="UTC")
    assert arr[0].value == pd.Timestamp("2020-01-01T00:00:00.123456Z").value // 1000
    assert bad.tolist() == [False, True, False]
    naive = pa.array([pd.Timestamp("2020-01-01 12:00").value], pa.int64()).cast(pa.timestamp("ns"))
    out, bad = dates_arrow(naive)
    assert out.to_pylist()[0] == pd.Timestamp("2020-01-01 12:00", tz="UTC") and not bad.any()
    epoch, bad = dates_arrow(pa.array([1604701219, None], pa.int64()))
    assert epoch.to_pylist()[0] == pd.Timestamp(1604701219, unit="s", tz="UTC")


def test_bools_and_strings_arrow():
    b, bad = bools_arrow(pa.array(["Yes", "no", "", "maybe"]))
    assert b.to_pylist() == [True, False, None, None] and bad.tolist() == [
        False,
        False,
        False,
        True,
    ]
    t, bad = bools_arrow(pa.array([True, None]))
    assert t.to_pylist() == [True, None] and not bad.any()
    ids = strings_arrow(pa.array([" a\u00a0", "NULL", "-", "", "\u3000b\t"]))
    assert ids.to_pylist() == ["a", None, "-", None, "b"]
    assert strings_arrow(
        pa.array(["Instagram"], pa.dictionary(pa.int32(), pa.string())), lower=True
    ).to_pylist() == ["instagram"]
    assert strings_arrow(pd.Series([1.0, 2.0, None])).to_pylist() == ["1", "2", None]
    assert strings_arrow(pa.array([7, None], pa.int64())).to_pylist() == ["7", None]


def test_parse_strings_and_whitespace_set():
    assert parse_strings([" x ", "n/a", "-", None]).tolist() == ["x", pd.NA, "-", pd.NA]
    assert all(ch.isspace() for ch in WHITESPACE) and "\u00a0" in WHITESPACE
    assert (" \u2009x\u3000").strip(WHITESPACE) == "x"
    assert math.isnan(parse_count(["N/A"]).iloc[0])


def test_dates_whose_every_epoch_is_out_of_range_fail_cleanly():
    """A column whose only epochs are out of range (found by the property test: one
    '9200000000000.0') gives UTC NaT flagged as failed, not a dtype error."""
    for values in (["9200000000000.0"], [9.2e12, None], ["9200000000000.0", "x"]):
        d, bad = parse_dates(values)
        assert str(d.dtype) == "datetime64[ns, UTC]" and d.isna().all()
        assert bool(bad.iloc[0])
