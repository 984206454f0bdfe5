import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from influtiers import tiers
from influtiers.tiers import BELOW, get_scheme


@pytest.mark.parametrize(
    ("scheme", "followers", "expected"),
    [
        (
            "highsocial-2024",
            [99, 100, 9_999, 10_000, 99_999, 100_000, 999_999, 1_000_000],
            ["below", "nano", "nano", "micro", "micro", "macro", "macro", "mega"],
        ),
        (
            "powerdigital-2023",
            [999, 1_000, 9_999, 10_000, 100_000, 1_000_000],
            ["below", "nano", "nano", "micro", "macro", "mega"],
        ),
        (
            "tint-2021",
            [0, 9_999, 10_000, 99_999, 100_000, 5e7],
            ["nano", "nano", "micro", "micro", "macro", "macro"],
        ),
        ("mediakix-2017", [9_999, 10_000, 99_999, 100_000], ["below", "micro", "micro", "macro"]),
        (
            "shopify-2023",
            [999, 1_000, 10_000, 49_999, 50_000, 499_999, 500_000, 999_999, 1e6],
            ["below", "nano", "micro", "micro", "mid", "mid", "macro", "macro", "mega"],
        ),
        (
            "later-fohr-2021",
            [0, 9_999, 10_000, 100_000, 499_999, 500_000, 1e6],
            ["nano", "nano", "micro", "mid", "mid", "macro", "mega"],
        ),
        (
            "markerly-2016",
            [999, 1_000, 10_000, 100_000, 1e6, 1e7],
            ["<1k", "1k–10k", "10k–100k", "100k–1M", "1M–10M", "10M+"],
        ),
        (
            "mavrck-imh",
            [999, 1_000, 4_999, 5_000, 10_000, 50_000, 100_000, 499_999, 500_000],
            [
                "below",
                "1k–5k",
                "1k–5k",
                "5k–10k",
                "10k–50k",
                "50k–100k",
                "100k–500k",
                "100k–500k",
                "above",
            ],
        ),
    ],
)
def test_boundaries(scheme, followers, expected):
    assert list(get_scheme(scheme).classify(followers)) == expected


def test_platform_specific_bounds():
    s = get_scheme("mediakix-by-platform")
    got = s.classify(
        [150_000, 150_000, 150_000, 250_000, 9_000],
        platform=["youtube", "Instagram", "facebook", "facebook", "tiktok"],
    )
    assert list(got) == ["micro", "macro", "micro", "macro", "below"]
    assert s.classify([150_000], platform="YouTube")[0] == "micro"


def test_missing_and_invalid_followers_give_missing_tier():
    got = get_scheme("highsocial-2024").classify([np.nan, -5, None, math.inf])
    assert pd.isna(got).all()


def test_result_is_ordered_categorical_with_below_first():
    c = tiers.classify([5, 50_000])
    assert c.ordered and list(c.categories)[0] == BELOW
    assert c[0] < c[1]


def test_every_shipped_scheme_is_contiguous_and_sourced():
    for name, s in tiers.SCHEMES.items():
        assert s.source.title and s.source.publisher, name
        t = s.table()
        assert set(t["scheme"]) == {name}


def test_custom_scheme_from_dict_and_files(tmp_path):
    d = {"name": "mine", "tiers": [{"name": "small", "lower": 0}, {"name": "big", "lower": 5000}]}
    s = get_scheme(d)
    assert list(s.classify([4999, 5000])) == ["small", "big"]
    (tmp_path / "s.yaml").write_text(
        "name: y\ntiers:\n  - {name: a, lower: 10}\n  - {name: b, lower: 20, upper: 30}\n"
    )
    y = get_scheme(tmp_path / "s.yaml")
    assert list(y.classify([5, 10, 25, 30])) == ["below", "a", "b", "above"]
    (tmp_path / "s.toml").write_text('name = "t"\n[[tiers]]\nname = "a"\nlower = 1\n')
    assert get_scheme(str(tmp_path / "s.toml")).classify([1])[0] == "a"


def test_bad_schemes_are_rejected():
    with pytest.raises(tiers.UnknownSchemeError, match="known schemes"):
        get_scheme("nope")
    with pytest.raises(ValueError, match="not contiguous"):
        get_scheme({"tiers": [{"name": "a", "lower": 0, "upper": 5}, {"name": "b", "lower": 6}]})
    with pytest.raises(ValueError):
        tiers.Tier("below", 0, 1)


def test_tier_counts_keep_everything():
    counts = tiers.tier_counts([5, 150, 20_000, np.nan])
    assert counts.sum() == 4
    assert counts["below"] == 1 and counts["missing"] == 1


@given(st.lists(st.floats(min_value=0, max_value=1e10, allow_nan=False), max_size=50))
def test_classification_matches_interval_definition(values):
    s = get_scheme("highsocial-2024")
    got = s.classify(values)
    for v, g in zip(values, got, strict=True):
        hits = [t.name for t in s.tiers if t.lower <= v < t.upper]
        assert g == (hits[0] if hits else BELOW)
