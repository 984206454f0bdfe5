"""The published benchmark library (data/benchmarks): provenance of every row, the 2022-2026
figures as the research notes give them, and load_benchmarks validation."""

import math
import re

import pandas as pd
import pytest

from influtiers import benchmarks as ds
from influtiers import config
from influtiers.stats.meta import benchmark_variances, variance_from_ci

UNVERIFIED = config.BENCHMARKS_DIR / "engagement_rates_unverified.csv"
BANDED = [k for k, (_, cols) in ds.BENCHMARKS.items() if "band_label" in cols]


def _tables():
    out = {k: ds.load_benchmarks(k) for k in ds.BENCHMARKS}
    out["engagement_rates_unverified"] = ds.load_benchmarks("engagement_rates", path=UNVERIFIED)
    return out


TABLES = _tables()


def _rows(table, source, band=None, **eq):
    df = TABLES[table]
    m = df["source"].eq(source)
    if band is not None:
        m &= df["band_label"].eq(band)
    for k, v in eq.items():
        m &= df[k].eq(v)
    return df[m]


def _one(table, source, band=None, **eq):
    r = _rows(table, source, band, **eq)
    assert len(r) == 1, (table, source, band, eq, len(r))
    return r.iloc[0]


# --------------------------------------------------------------------------- provenance
@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_row_has_its_provenance(name):
    df = TABLES[name]
    assert len(df) > 0
    for col in ("source", "title", "url", "platform", "definition", "sample_size", "metric"):
        filled = df[col].notna() & df[col].str.strip().ne("")
        assert filled.all(), (name, col, df.loc[~filled, "source"].tolist())
    # an address, or an explicit "not recorded"
    url_ok = df["url"].str.match(r"https?://") | df["url"].str.startswith("not recorded")
    assert url_ok.all(), df.loc[~url_ok, ["source", "url"]]
    # a year, or a note that says it is not known
    undated = df["note"].fillna("").str.contains(r"year not recorded|undated", flags=re.I)
    assert (df["year"].notna() | undated).all(), df.loc[df["year"].isna() & ~undated, "source"]
    assert set(df["seen"]) <= {"primary", "quoted"}
    assert set(df["confidence"]) <= {"normal", "low", "unverified"}
    if "band_label" in df:
        assert df["band_label"].notna().all()
    if name != "market_size":  # a quoted figure names who quotes it
        quoted = df["seen"].eq("quoted")
        assert df.loc[quoted, "quoted_by"].notna().all(), df.loc[quoted, "source"]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_numeric_columns_are_parsed(name):
    df = TABLES[name]
    for col in ("value", "lower", "upper", "n", "se", "sd", "ci_low", "ci_high", "ci_level"):
        if col in df:
            assert df[col].dtype == "float64", (name, col)
    if "value_derived" in df:
        assert df["value_derived"].dtype == "boolean" and df["value_derived"].notna().all()


def test_derived_values_are_marked_and_are_midpoints():
    """The only values computed here are mid-points of a published range, flagged with
    value_derived and explained in the note; [D] figures of the research notes (implied
    ratios, elasticities) are not rows."""
    for name in BANDED:
        df = TABLES[name]
        d = df[df["value_derived"].astype(bool)]
        mids = ((d["value_low"] + d["value_high"]) / 2).tolist()
        assert d["value"].tolist() == pytest.approx(mids)
        assert d["note"].str.contains("computed here").all()
    er = TABLES["engagement_rates"]
    assert set(er.loc[er["value_derived"], "source"]) == {
        "Modash Instagram",
        "Modash TikTok 2025",
        "Modash YouTube",
    }
    for name in ("claims_figures", "prices"):
        assert not TABLES[name]["value_derived"].any()
        assert not TABLES[name]["source"].str.contains("Modash").any()


# --------------------------------------------------------------------------- figures
MODASH = {  # research/benchmarks-2026.md section 1.1, "Average" bands, percent
    "Modash Instagram": [
        (3.38, 4.42),
        (1.25, 1.62),
        (0.84, 1.11),
        (0.75, 1.01),
        (0.87, 1.14),
        (0.88, 1.13),
        (1.02, 1.27),
    ],
    "Modash TikTok 2025": [
        (12.06, 14.04),
        (10.50, 11.83),
        (8.38, 9.37),
        (7.22, 8.03),
        (6.66, 7.39),
        (6.19, 6.85),
        (6.20, 6.84),
    ],
    "Modash YouTube": [
        (1.47, 2.02),
        (0.59, 0.82),
        (0.36, 0.51),
        (0.23, 0.33),
        (0.19, 0.27),
        (0.16, 0.24),
        (0.13, 0.18),
    ],
}
MODASH_BANDS = ["1k-5k", "5k-10k", "10k-50k", "50k-100k", "100k-500k", "500k-1M", ">1M"]
BOLD = {  # the research file's bold mid-points, percent, for three bands
    "Modash Instagram": {"1k-5k": 3.90, "50k-100k": 0.88, "100k-500k": 1.005},
    "Modash TikTok 2025": {"1k-5k": 13.05, "10k-50k": 8.875, "500k-1M": 6.52},
    "Modash YouTube": {"1k-5k": 1.745, "10k-50k": 0.435, ">1M": 0.155},
}


@pytest.mark.parametrize("source", sorted(MODASH))
def test_modash_tables(source):
    rows = _rows("engagement_rates", source).set_index("band_label")
    assert list(rows.index) == MODASH_BANDS
    for band, (lo, hi) in zip(MODASH_BANDS, MODASH[source], strict=True):
        assert rows.loc[band, "value_low"] == pytest.approx(lo / 100)
        assert rows.loc[band, "value_high"] == pytest.approx(hi / 100)
    for band, v in BOLD[source].items():
        assert rows.loc[band, "value"] == pytest.approx(v / 100)
    assert rows.loc["1k-5k", ["lower", "upper"]].tolist() == [1000, 5000]
    assert rows.loc[">1M", "lower"] == 1e6 and math.isnan(rows.loc[">1M", "upper"])
    assert (rows["seen"] == "primary").all()
    denominators = {"Modash Instagram": "er_followers", "Modash TikTok 2025": "er_views"}
    if source in denominators:
        assert rows["metric"].str.startswith(denominators[source]).all()
    else:  # YouTube: the page's denominator is in doubt, so low confidence
        assert (rows["confidence"] == "low").all()
        assert rows["note"].str.contains("per subscriber").all()


def test_modash_tiktok_2023_is_held_back_as_unverified():
    """[U] in the research notes: loaded from its own file, every row 'unverified', and not
    (yet) in engagement_rates.csv, whose consumers do not know the level."""
    u = TABLES["engagement_rates_unverified"]
    assert set(u["confidence"]) == {"unverified"} and set(u["source"]) == {"Modash TikTok 2023"}
    assert u["band_label"].tolist() == MODASH_BANDS
    assert u["value_low"].tolist() == pytest.approx(
        [0.0182, 0.0105, 0.0076, 0.0060, 0.0069, 0.0099, 0.0106]
    )
    assert u["value_high"].tolist() == pytest.approx(
        [0.0219, 0.0133, 0.0104, 0.0088, 0.0100, 0.0132, 0.0134]
    )
    assert not TABLES["engagement_rates"]["source"].eq("Modash TikTok 2023").any()
    assert "unverified" not in set(TABLES["engagement_rates"]["confidence"])


def test_forkoff_medians_with_creator_resampled_cis():
    nano = _one("engagement_rates", "FORKOFF 2026", "nano (<10K)", platform="all")
    assert (nano["value"], nano["ci_low"], nano["ci_high"]) == pytest.approx((0.068, 0.059, 0.077))
    assert nano["ci_level"] == 0.95 and "cluster bootstrap" in nano["definition"]
    assert "creator as unit" in nano["definition"]
    micro = _one("engagement_rates", "FORKOFF 2026", "micro (10K-100K)")
    assert (micro["value"], micro["ci_low"], micro["ci_high"]) == pytest.approx(
        (0.039, 0.034, 0.044)
    )
    assert (micro["lower"], micro["upper"]) == (10_000, 100_000)
    mega = _one("engagement_rates", "FORKOFF 2026", "mega (10M+)")
    assert mega["value"] == pytest.approx(0.011) and mega["n"] == 25
    assert math.isnan(mega["ci_low"]) and mega["confidence"] == "low"
    assert "directional" in mega["note"]
    tt = _one("engagement_rates", "FORKOFF 2026", "nano (<10K)", platform="tiktok")
    assert tt["value"] == pytest.approx(0.116)


def test_only_figures_with_a_ci_se_or_sd_enter_pooling():
    er = TABLES["engagement_rates"]
    v = benchmark_variances(er)
    poolable = er.loc[v.notna(), ["source", "band_label"]].apply(tuple, axis=1).tolist()
    assert poolable == [("FORKOFF 2026", "nano (<10K)"), ("FORKOFF 2026", "micro (10K-100K)")]
    nano = er["source"].eq("FORKOFF 2026") & er["band_label"].eq("nano (<10K)")
    assert v[nano & er["platform"].eq("all")].item() == pytest.approx(
        variance_from_ci(0.059, 0.077, level=0.95)
    )


def test_price_figures():
    izea = _rows("prices", "IZEA 2023", data_period="2022", platform="all")
    assert izea["value"].tolist() == [1105, 1674, 3396, 4992, 5497]
    # IZEA's own cut-points and names: its "mega" is 500K-999,999 (Shopify's "macro")
    assert izea["lower"].tolist() == [0, 10_000, 50_000, 200_000, 500_000]
    assert izea["upper"].tolist() == [10_000, 50_000, 200_000, 500_000, 1_000_000]
    assert izea["band_label"].str.split(" ").str[0].tolist() == [
        "nano",
        "micro",
        "mid",
        "macro",
        "mega",
    ]
    y21 = _rows("prices", "IZEA 2023", data_period="2021")
    assert dict(zip(y21["band_label"], y21["value"], strict=True)) == {
        "macro (200K-499,999)": 5043,
        "mega (500K-999,999)": 6786,
    }
    assert _one("prices", "IZEA 2023", platform="twitch")["value"] == 4373
    lm = _rows("prices", "Later x Mavrck 2023").set_index(["band_label", "metric"])
    reel, post = "average rate per Instagram Reel USD", "average rate per Instagram feed post USD"
    assert lm.loc[("1K-5K", reel), "value"] == 100
    assert lm.loc[("1K-5K", post), "value"] == pytest.approx(54.90)
    assert lm.loc[("150K-200K", post), "value"] == 650
    upto = lm.loc[("150K-200K", reel)]
    assert math.isnan(upto["value"]) and upto["value_high"] == 1500 and "up to" in upto["note"]
    hpm = _rows("prices", "Hashtag Pay Me 2023").set_index("platform")
    assert hpm["value"].to_dict() == {"instagram": 15000, "tiktok": 10000}
    assert hpm["metric"].str.contains("per brand deal").all() and (hpm["lower"] == 1e6).all()
    # the Shopify rows the ledger reads are unchanged
    shop = _rows("prices", "Shopify 2023", platform="instagram").set_index("band_label")
    assert shop.loc["macro", ["value_low", "value_high"]].tolist() == [5000, 10000]


def test_reach_and_academic_figures():
    cirqle = _rows("claims_figures", "The Cirqle 2024").set_index("band_label")
    assert cirqle["value"].to_dict() == {
        "micro (10,000-49,999)": pytest.approx(0.157),
        "macro (500,000-999,999)": pytest.approx(0.032),
    }
    assert cirqle["metric"].str.startswith("reach rate").all()
    assert not TABLES["engagement_rates"]["source"].str.contains("Cirqle").any()
    tian = _one("claims_figures", "Tian, Dew & Iyengar 2024")
    assert tian["value"] == pytest.approx(0.10) and tian["platform"] == "tiktok"
    assert tian["url"] == "https://doi.org/10.1177/00222437231210267"
    b = _rows("claims_figures", "Beichert, Bayerl, Goldenberg & Lanz 2024")
    rev = b[b["unit"].eq("EUR per follower")].set_index("band_label")["value"]
    assert rev.to_dict() == {"nano": pytest.approx(0.265), "macro": pytest.approx(0.049)}
    ratios = b[b["unit"].eq("ratio")]
    assert set(ratios["value"].dropna()) == {5, 18}
    field = ratios[ratios["value"].isna()].iloc[0]
    assert (field["value_low"], field["value_high"]) == (17, 114)
    assert "1,881,533 purchases" in b["sample_size"].iloc[0]


def test_sources_with_their_own_cut_points_keep_their_labels():
    """Band labels of the new sources are the sources' own (never relabelled as ours)."""
    expected = {
        ("prices", "IZEA 2023"): {"nano (<10K)", "mega (500K-999,999)"},
        ("claims_figures", "The Cirqle 2024"): {"macro (500,000-999,999)"},
        ("engagement_rates", "FORKOFF 2026"): {"micro (10K-100K)", "mega (10M+)"},
        ("prices", "Hashtag Pay Me 2023"): {"mega (>1M)"},
    }
    for (table, source), labels in expected.items():
        assert labels <= set(_rows(table, source)["band_label"]), (table, source)


# --------------------------------------------------------------------------- validation
def _write(tmp_path, df, name="t.csv"):
    p = tmp_path / name
    df.to_csv(p, index=False)
    return p


@pytest.fixture()
def raw():
    return pd.read_csv(
        config.BENCHMARKS_DIR / "engagement_rates.csv", dtype=str, keep_default_na=False
    )


def test_unverified_level_accepted_unknown_level_rejected(tmp_path, raw):
    ok = raw.copy()
    ok.loc[0, "confidence"] = "unverified"
    df = ds.load_benchmarks("engagement_rates", path=_write(tmp_path, ok))
    assert df.loc[0, "confidence"] == "unverified"
    bad = raw.copy()
    bad.loc[0, "confidence"] = "doubtful"
    with pytest.raises(ds.BenchmarkError, match="doubtful"):
        ds.load_benchmarks("engagement_rates", path=_write(tmp_path, bad))


def _forkoff_line(raw):
    return int(raw.index[raw["source"].eq("FORKOFF 2026")][0])


@pytest.mark.parametrize(
    ("column", "value", "match"),
    [
        ("definition", "", "column 'definition': empty"),
        ("sample_size", " ", "column 'sample_size': empty"),
        ("title", "", "column 'title': empty"),
        ("ci_high", "", "one CI bound"),
        ("ci_low", "0.07", "value outside its CI"),
        ("ci_level", "95", "not in \\(0, 1\\)"),
        ("value_derived", "maybe", "not true/false"),
        ("n", "0", "must be positive"),
        ("se", "-0.01", "must be positive"),
        ("value_high", "0.001", "a range has value_high <= value_low"),
    ],
)
def test_validation_names_line_and_column(tmp_path, raw, column, value, match):
    bad = raw.copy()
    i = _forkoff_line(raw)
    if column == "value_high":
        bad.loc[i, "value_low"] = "0.05"
    bad.loc[i, column] = value
    with pytest.raises(ds.BenchmarkError, match=match) as exc:
        ds.load_benchmarks("engagement_rates", path=_write(tmp_path, bad))
    assert f"line(s) {i + 2}" in str(exc.value) and "t.csv" in str(exc.value)


def test_non_numeric_uncertainty_is_an_error(tmp_path, raw):
    bad = raw.copy()
    bad.loc[_forkoff_line(raw), "ci_low"] = "about 5.9%"
    with pytest.raises(ValueError):
        ds.load_benchmarks("engagement_rates", path=_write(tmp_path, bad))
