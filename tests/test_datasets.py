import hashlib
import math

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.parquet as pq
import pytest

from influtiers import benchmarks as bm
from influtiers import config
from influtiers import datasets as ds
from influtiers.evidence import influencer_table
from influtiers.schema import DTYPES, POST_COLUMNS

# --------------------------------------------------------------------- benchmarks


@pytest.mark.parametrize("kind", sorted(bm.BENCHMARKS))
def test_load_benchmarks_columns_and_dtypes(kind):
    df = bm.load_benchmarks(kind)
    assert len(df) > 0
    for c in bm.BENCHMARKS[kind][1]:
        assert c in df.columns
    assert df["value"].dtype == "float64"
    assert df["year"].dtype == "Int64"
    assert str(df["source"].dtype) == "string"
    assert set(df["seen"]) <= {"primary", "quoted"}
    assert set(df["confidence"]) <= {"normal", "low"}


def test_list_benchmarks():
    assert set(bm.list_benchmarks()) == {
        "engagement_rates",
        "prices",
        "market_size",
        "claims_figures",
    }
    with pytest.raises(KeyError):
        bm.load_benchmarks("nope")


def test_benchmark_validation(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("source,value\nx,1\n")
    with pytest.raises(bm.BenchmarkError, match="missing required"):
        bm.load_benchmarks("engagement_rates", path=p)


def _row(df, source, band, platform=None):
    m = df["source"].eq(source) & df["band_label"].eq(band)
    if platform:
        m &= df["platform"].eq(platform)
    assert m.sum() == 1, (source, band)
    return df[m].iloc[0]


def test_engagement_rate_figures():
    er = bm.load_benchmarks("engagement_rates")
    assert _row(er, "Mediakix 2017", "micro")["value"] == pytest.approx(0.0275)
    macro = _row(er, "Mediakix 2017", "macro")
    assert macro["value"] == pytest.approx(0.0265) and pd.isna(macro["upper"])
    assert "MarketingProfs" in macro["quoted_by"]
    assert _row(er, "Markerly 2016", "100k-1M")["confidence"] == "low"
    assert _row(er, "Mavrck", "1k-5k")["value"] == pytest.approx(0.0684)
    assert _row(er, "HypeAuditor 2026", ">1M")["value"] == pytest.approx(0.0033)
    assert _row(er, "HypeAuditor 2023", "nano", "tiktok")["value"] == pytest.approx(0.126)
    assert _row(er, "Statista 2023", "all tiers")["value"] == pytest.approx(0.0185)
    c8 = er[er["source"].eq("Captiv8")]
    assert set(c8["metric"].str.split(":").str[0]) == {"er_impressions", "er_views"}
    # rates are fractions
    assert er["value"].between(0, 1).all()


def test_claims_figures():
    cf = bm.load_benchmarks("claims_figures")
    hs = cf[cf["figure"].str.contains("60%")].iloc[0]
    assert hs["value"] == pytest.approx(1.6)
    assert "average campaigns" in hs["comparison"] and "NOT macro" in hs["comparison"]
    assert set(cf["value"].dropna()) >= {6.7, 6678, 91, 0.82, 22.2, 1_000_000}
    wies = cf[cf["source"].str.startswith("Wies")]
    assert (wies["seen"] == "primary").all()


def test_prices_agree_with_simulator():
    pr = bm.load_benchmarks("prices")
    for plat, ranges in ds.SHOPIFY_PRICES.items():
        rows = pr[pr["platform"].eq(plat) & pr["source"].eq("Shopify 2023")]
        assert len(rows) == 5
        for (lo, hi), (_, r) in zip(ranges, rows.iterrows(), strict=True):
            assert r["value_low"] == lo
            assert (hi is None and pd.isna(r["value_high"])) or r["value_high"] == hi
    yt = pr[pr["platform"].eq("youtube")]
    assert yt["value_low"].tolist() == [20, 200, 1000, 10000, 20000]
    rot = pr[pr["source"].str.contains("rule of thumb")].iloc[0]
    assert rot["value"] == 100


def test_market_size():
    ms = bm.load_benchmarks("market_size")
    s = dict(zip(ms["figure_year"], ms["value"], strict=True))
    assert s == {
        2016: 1.7,
        2019: 6.5,
        2020: 9.7,
        2021: 13.8,
        2022: 16.4,
        2023: 21.1,
        2024: 24.0,
        2025: 32.55,
    }
    assert ms["projected"].dtype == "boolean"
    assert ms.loc[ms["projected"], "figure_year"].tolist() == [2025]


# --------------------------------------------------------------------- demo panel


@pytest.fixture(scope="module")
def panel():
    return ds.load_demo()


@pytest.fixture(scope="module")
def table(panel):
    return influencer_table(panel)


def test_committed_panel_is_reproducible(tmp_path):
    """Regenerating with the documented seed gives identical bytes."""
    assert ds.DEMO_PATH.exists()
    p = ds.write_demo_panel(tmp_path / "panel.parquet")
    written_by = pq.read_metadata(ds.DEMO_PATH).created_by
    if pyarrow.__version__ not in written_by:
        # bytes depend on the writer version: fall back to comparing content
        pd.testing.assert_frame_equal(ds.load_demo(p), ds.load_demo(), check_like=False)
        pytest.skip(f"committed file written by {written_by}; content compared instead")
    assert ds.sha256_file(p) == ds.sha256_file(ds.DEMO_PATH)
    assert hashlib.sha256(ds.panel_bytes()).hexdigest() == ds.sha256_file(ds.DEMO_PATH)


def test_datasheet_records_sha256():
    readme = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert ds.sha256_file(ds.DEMO_PATH) in readme
    assert str(ds.SEED) in readme


def test_panel_schema_and_markers(panel):
    assert list(panel.columns) == list(POST_COLUMNS)
    for c, t in DTYPES.items():
        assert str(panel[c].dtype) == t, c
    assert panel["account_id"].str.match(r"^synth_(ig|tt)_\d{5}$").all()
    assert panel.attrs["influtiers.synthetic"] is True
    meta = ds.demo_metadata()
    assert meta["influtiers.synthetic"] is True
    assert meta["influtiers.params"]["seed"] == ds.SEED
    assert "params" in meta["influtiers.params"]
    assert not panel.duplicated(["platform", "account_id", "post_id"]).any()
    assert ds.DEMO_PATH.stat().st_size < 3_000_000


def test_panel_shape(panel):
    acc = panel.groupby("account_id").agg(platform=("platform", "first"), n=("post_id", "size"))
    assert len(acc) == 2000
    assert acc["platform"].value_counts(normalize=True)["instagram"] == pytest.approx(0.6)
    assert acc["n"].between(10, 30).all()
    f = panel.groupby("account_id")["followers"].first()
    assert (f < 100).sum() >= 5  # a few accounts below nano
    assert f.max() >= 1e6
    hidden = panel["likes"].isna().mean()
    assert 0.005 < hidden < 0.02
    assert panel["comments"].notna().all()
    assert 0.17 < panel["sponsored"].mean() < 0.23


def test_sponsored_fields(panel):
    sp = panel["sponsored"].to_numpy(dtype=bool)
    assert panel.loc[sp, "brand"].notna().all() and panel.loc[~sp, "brand"].isna().all()
    assert panel.loc[sp, "cost"].notna().all() and panel.loc[~sp, "cost"].isna().all()
    assert set(panel.loc[sp, "currency"]) == {"USD"} and panel.loc[~sp, "currency"].isna().all()
    # costs stay inside the Shopify per-post range of the account's tier
    s = panel[sp]
    lowers = np.array([b[1] for b in ds.SHOPIFY_BANDS])
    idx = np.searchsorted(lowers, s["followers"].to_numpy(), side="right") - 1
    for plat, ranges in ds.SHOPIFY_PRICES.items():
        m = (s["platform"] == plat).to_numpy()
        lo = np.array([ranges[i][0] for i in idx[m]])
        hi = np.array([math.inf if ranges[i][1] is None else ranges[i][1] for i in idx[m]])
        c = s.loc[m, "cost"].to_numpy()
        assert (c >= lo).all() and (c <= hi).all()


def test_platform_fields(panel):
    ig = panel["platform"].eq("instagram").to_numpy()
    assert panel.loc[ig, "views"].isna().all()
    assert panel.loc[~ig, ["reach", "saves", "impressions"]].isna().all().all()
    assert panel.loc[~ig, "views"].notna().all()
    r = panel[ig]
    assert (r["impressions"] >= r["reach"]).all()
    assert (r["reach"] >= r["comments"]).all()
    assert (r["comments"] <= r["likes"].fillna(np.inf) + 50).mean() > 0.99


IG_TARGETS = {"nano": 0.041, "micro": 0.029, "macro": 0.025, "mega": 0.024}
TT_TARGETS = {"nano": 0.047, "micro": 0.028, "macro": 0.025, "mega": 0.025}


@pytest.mark.parametrize(
    ("platform", "targets"), [("instagram", IG_TARGETS), ("tiktok", TT_TARGETS)]
)
def test_calibration_tier_medians(table, platform, targets):
    t = table[table["platform"] == platform]
    med = t.groupby("tier", observed=True)["rate_median"].median()
    for tier, target in targets.items():
        assert med[tier] == pytest.approx(target, rel=0.15), (platform, tier, med[tier])
    # rates fall from nano to micro to macro
    assert med["nano"] > med["micro"] > med["macro"]


def test_calibration_instagram_slope(table):
    t = table[(table["platform"] == "instagram") & (table["rate_median"] > 0)]
    slope = np.polyfit(np.log(t["followers"]), np.log(t["rate_median"]), 1)[0]
    assert -0.16 < slope < -0.08


def test_calibration_sponsored_below(panel):
    ig = panel[panel["platform"] == "instagram"]
    s = influencer_table(ig, by=("sponsored",))
    med = s.groupby(["tier", "sponsored"], observed=True)["rate_median"].median().unstack()
    for tier in ("nano", "micro", "macro", "mega"):
        ratio = med.loc[tier, True] / med.loc[tier, False]
        assert 0.85 < ratio < 1.0, (tier, ratio)


def test_calibration_tiktok_per_view(panel):
    tt = panel[panel["platform"] == "tiktok"]
    for d in ("er_views", "er_views_all"):
        v = influencer_table(tt, d).groupby("tier", observed=True)["rate_median"].median()
        for tier in ("nano", "micro", "macro", "mega"):
            assert 0.13 <= v[tier] <= 0.18, (d, tier, v[tier])


def test_simulate_is_deterministic_and_small_runs():
    a = ds.simulate_panel(seed=7, n_influencers=50)
    b = ds.simulate_panel(seed=7, n_influencers=50)
    pd.testing.assert_frame_equal(a, b)
    c = ds.simulate_panel(seed=8, n_influencers=50)
    assert not a["likes"].equals(c["likes"])
    assert a["account_id"].nunique() == 50
    with pytest.raises(KeyError):
        ds.simulate_panel(params={"nope": 1})


def test_resolve_bundled():
    from influtiers.load.bundled import resolve_bundled

    assert resolve_bundled("demo") == ds.DEMO_PATH
    assert resolve_bundled("other") is None
    assert resolve_bundled(3) is None


def test_main_check(capsys):
    assert ds.main(["--check"]) == 0
    assert "identical" in capsys.readouterr().out


def test_categories_and_brands_carry_the_documented_planted_truths(panel):
    """Demo panel v2: several categories per account, most concentrated in micro (C20);
    more distinct brands for bigger accounts (C21), more repeat partnerships for micro (C22);
    the share of sponsored posts does not depend on size (data/README.md)."""
    from influtiers.claims.eval_audience import audience_table, brand_table
    from influtiers.evidence import build_evidence

    ev = build_evidence(panel)
    t = ev.table()
    assert (ev.categories.groupby(["platform", "account_id"]).size() > 1).mean() > 0.95
    conc = audience_table(t, ev.categories).groupby("tier", observed=True)["concentration"]
    conc = conc.mean()
    assert conc["micro"] > max(conc["nano"], conc["macro"]) and conc["macro"] > conc["mega"]
    b = brand_table(t, ev.brands).groupby("tier", observed=True)
    brands = b["n_brands"].mean()
    assert brands["nano"] < brands["micro"] < brands["macro"] < brands["mega"]
    s = b[["n_repeat", "n_brands", "n_sponsored", "n_posts"]].sum()
    repeat = s["n_repeat"] / s["n_brands"]
    assert repeat["micro"] > repeat["macro"] and repeat["micro"] > repeat["mega"]
    share = s["n_sponsored"] / s["n_posts"]
    assert share[["nano", "micro", "macro", "mega"]].between(0.18, 0.22).all()


def test_market_stream_leaves_the_other_columns_alone():
    a = ds.simulate_panel(seed=7, n_influencers=60)
    b = ds.simulate_panel(
        seed=7,
        n_influencers=60,
        params={
            "category_mix": {"concentration": 2.0},
            "sponsored": {"extra_partners_knots": [[1.0, 5.0], [8.0, 5.0]]},
        },
    )
    same = [c for c in a.columns if c not in ("category", "brand")]
    pd.testing.assert_frame_equal(a[same], b[same])
    assert not a["category"].equals(b["category"]) and not a["brand"].equals(b["brand"])
    sp = a["sponsored"].to_numpy(dtype=bool)
    assert a.loc[sp, "brand"].notna().all() and a["category"].notna().all()
