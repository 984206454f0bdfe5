"""C17-C23 through the command line on data with planted truths, in both directions, and
the edge cases of each stated rule (not-testable inputs, Holm families, thresholds)."""

from __future__ import annotations

import contextlib
import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from influtiers.analysis import Analysis, analyse
from influtiers.claims import CLAIMS
from influtiers.claims.eval_market import holm_family
from influtiers.cli import main
from influtiers.stats.simulate import simulate_posts

NEW = ("C17", "C18", "C19", "C20", "C21", "C22", "C23")
TIERS = {"nano": 50, "micro": 50, "macro": 50, "mega": 40}
CATS = np.array(["beauty", "food", "diy", "tech", "travel", "gaming"], dtype=object)
BRANDS = np.array([f"brand{i:02d}" for i in range(20)], dtype=object)


def market_posts(
    *,
    price,
    reach,
    main_share,
    roster,
    seed=0,
    tiers=TIERS,
    sponsored=0.4,
    platform="instagram",
    exposure="reach",
) -> pd.DataFrame:
    """Posts (``simulate_posts``) with prices, reach, categories and brands planted per
    influencer: ``price`` and ``reach`` are levels by tier (a dict) or functions of
    followers; a post is in the influencer's main category with probability
    ``main_share[tier]``, else in another of six; each sponsored post (probability
    ``sponsored``) goes to one of the influencer's ``roster[tier]`` brands, uniformly."""
    posts, truth = simulate_posts(
        tiers=tiers,
        posts_per_influencer=(8, 12),
        price_per_follower=None,
        platform=platform,
        seed=seed,
    )
    inf = truth["influencers"]
    rng = np.random.default_rng(seed + 1)
    n, m = len(inf), len(posts)
    idx = np.repeat(np.arange(n), inf["n_posts"].to_numpy())
    tier = inf["tier"].astype(str).to_numpy()
    f = inf["followers"].to_numpy(float)

    def level(spec):
        return np.array([spec[t] for t in tier]) if isinstance(spec, dict) else spec(f)

    price_i = level(price) * rng.lognormal(0, 0.2, n)
    reach_i = level(reach) * rng.lognormal(0, 0.2, n)
    sp = rng.random(m) < sponsored
    posts["sponsored"] = pd.array(sp, dtype="boolean")
    posts["cost"] = np.where(sp, np.round(price_i[idx] * rng.lognormal(0, 0.1, m), 2), np.nan)
    if exposure:
        posts[exposure] = np.round(reach_i[idx] * rng.lognormal(0, 0.2, m))
    share = np.array([main_share[t] for t in tier])
    main_cat = rng.integers(0, len(CATS), n)[idx]
    other = (main_cat + rng.integers(1, len(CATS), m)) % len(CATS)
    posts["category"] = CATS[np.where(rng.random(m) < share[idx], main_cat, other)]
    size = np.array([roster[t] for t in tier])
    rosters = [rng.choice(len(BRANDS), size=s, replace=False) for s in size]
    slot = np.floor(rng.random(m) * size[idx]).astype(int)
    brand = BRANDS[[rosters[i][j] for i, j in zip(idx, slot, strict=True)]]
    posts["brand"] = np.where(sp, brand, None)
    if platform != "instagram":
        posts["account_id"] = platform[:2] + "_" + posts["account_id"]
    return posts


#: Every claim true: prices and reach grow less than proportionally, micro concentrated,
#: one brand per micro influencer (fewer deals, every pair repeated).
TRUE = dict(
    price=lambda f: 0.05 * f**0.8,
    reach=lambda f: 2.0 * f**0.7,
    main_share={"nano": 0.6, "micro": 0.9, "macro": 0.4, "mega": 0.4},
    roster={"nano": 1, "micro": 1, "macro": 3, "mega": 5},
)
#: Every claim false: prices fall with size, reach per follower rises, micro spread over
#: topics and over five brands.
FALSE = dict(
    price=lambda f: 500 * f**-0.3,
    reach=lambda f: 0.01 * f**1.2,
    main_share={"nano": 0.6, "micro": 0.3, "macro": 0.9, "mega": 0.9},
    roster={"nano": 1, "micro": 5, "macro": 1, "mega": 1},
)
#: C18 true: one macro post costs 30 micro posts and reaches 300 micro posts' audiences.
DOZENS = dict(
    TRUE,
    price={"nano": 20, "micro": 100, "macro": 3_000, "mega": 20_000},
    reach={"nano": 100, "micro": 1_000, "macro": 300_000, "mega": 2_000_000},
)


ALL = ",".join(NEW)


def cli_rows(path, only=ALL, *extra) -> list[dict]:
    """The JSON ledger rows of ``influtiers claims`` (exit code 0 checked)."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["claims", "--data", str(path), "--only", only, "--format", "json", *extra])
    assert code == 0
    return json.loads(buf.getvalue())


def head(rows, cid, platform=None) -> dict:
    (r,) = [
        x
        for x in rows
        if x["claim_id"] == cid
        and x["part"] == ""
        and (platform is None or x["platform"] == platform)
    ]
    return r


def parts(rows, cid, platform=None) -> dict[str, dict]:
    return {
        x["part"]: x
        for x in rows
        if x["claim_id"] == cid and x["part"] and (platform is None or x["platform"] == platform)
    }


def write(tmp, name, posts):
    path = tmp / f"{name}.parquet"
    posts.to_parquet(path)
    return path


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    """The CLI ledger of every new claim on the planted datasets (one run each)."""
    d = tmp_path_factory.mktemp("market")
    two = pd.concat(
        [market_posts(seed=5, **TRUE), market_posts(seed=6, platform="tiktok", **TRUE)],
        ignore_index=True,
    )
    data = {
        "true": market_posts(seed=3, **TRUE),
        "false": market_posts(seed=3, **FALSE),
        "dozens": market_posts(seed=4, **DOZENS),
        "two": two,
    }
    return {k: cli_rows(write(d, k, v)) for k, v in data.items()}


# --- both directions of every claim, through the command line ------------------------------


@pytest.mark.parametrize("cid", ["C17", "C19", "C20", "C21", "C22"])
@pytest.mark.parametrize(("data", "verdict"), [("true", "supported"), ("false", "contradicted")])
def test_planted_truths_both_directions(ledgers, cid, data, verdict):
    r = head(ledgers[data], cid)
    assert r["verdict"] == verdict, (cid, data, r["reason"])
    assert r["p_value"] is not None and r["summary"]
    if verdict == "supported":
        assert r["p_value"] < 0.05
    members = parts(ledgers[data], cid)
    if cid == "C21":  # decided on brands; the share (not planted) is reported, undecided
        assert {k for k in members if k.startswith("brands")} == {"brands: macro", "brands: mega"}
        assert all(members[k]["verdict"] == verdict for k in ("brands: macro", "brands: mega"))
        assert all(members[k]["verdict"] == "inconclusive" for k in ("share: macro", "share: mega"))
    elif cid != "C19":
        assert members and all(m["verdict"] == verdict for m in members.values())


def test_c18_dozens_and_hundreds_both_directions(ledgers):
    yes = ledgers["dozens"]
    assert head(yes, "C18")["verdict"] == "supported"
    p = parts(yes, "C18")
    assert set(p) == {"price: macro", "price: mega", "reach: macro", "reach: mega"}
    assert p["price: macro"]["claimed"] == 24 and p["reach: macro"]["claimed"] == 200
    assert 24 < p["price: macro"]["ci_low"] and 200 < p["reach: macro"]["ci_low"]
    # prices and reach proportional to followers^0.8 and ^0.7: a macro post costs ~6 micro
    # posts and reaches ~5 micro audiences, far from 24 and 200
    no = ledgers["true"]
    h, p = head(no, "C18"), parts(no, "C18")
    assert (h["verdict"], h["direction"]) == ("contradicted", "overstated")
    assert p["price: macro"]["ci_high"] < 24 and p["reach: macro"]["ci_high"] < 200
    assert p["price: macro"]["verdict"] == "contradicted"
    # the headline shows the part that contradicts, with its threshold
    assert h["claimed"] in (24, 200) and h["estimate"] < h["claimed"]


def test_per_platform_rows_with_fixed_effects(ledgers):
    rows = ledgers["two"]
    for cid in ("C17", "C19", "C20", "C21", "C22"):
        plats = [r["platform"] for r in rows if r["claim_id"] == cid and r["part"] == ""]
        assert plats == ["instagram", "tiktok", "all (platform FE)"], cid
        assert head(rows, cid, "all (platform FE)")["verdict"] == "supported", cid
        assert "platform" in head(rows, cid, "all (platform FE)")["method"]
    # C23 is one row over every platform; the truthful data plant no platform difference
    assert [r["platform"] for r in rows if r["claim_id"] == "C23" and not r["part"]] == ["all"]
    # the data claims' headline rows enter Holm per dataset and platform
    fam = [r for r in rows if r["part"] == "" and r["p_adjusted"] is not None]
    assert {r["claim_id"] for r in fam} >= {"C17", "C19", "C20", "C21", "C22"}
    assert all(r["p_adjusted"] >= r["p_value"] - 1e-12 for r in fam)


# --- C17: the Holm family of tier pairs --------------------------------------------------------


def test_c17_family_p_values_are_holm_adjusted(ledgers):
    rows = ledgers["true"]
    h, p = head(rows, "C17"), parts(rows, "C17")
    assert set(p) == {"micro", "macro", "mega"}
    # part rows carry the unadjusted one-sided p; the headline the largest Holm-adjusted one
    raw = {k: v["p_value"] for k, v in p.items()}
    order = sorted(raw, key=raw.get)
    adjusted = max(raw[k] * (3 - i) for i, k in enumerate(order))
    assert h["p_value"] == pytest.approx(min(adjusted, 1.0), rel=1e-9)
    assert all(v["estimate"] < 1 for v in p.values())


def test_holm_decides_the_family():
    # two pairs at p = 0.03: each rejects alone, but not after Holm (0.06)
    assert holm_family({"a": 0.03, "b": 0.03}, {"a": 0.9, "b": 0.9}, 0.05)[0] == "inconclusive"
    v, adj_c, _ = holm_family({"a": 0.01, "b": 0.02}, {"a": 0.9, "b": 0.9}, 0.05)
    assert v == "supported" and adj_c == pytest.approx({"a": 0.02, "b": 0.02})
    # one pair the other way decides "contradicted" even when the others hold
    assert holm_family({"a": 1e-9, "b": 0.99}, {"a": 0.99, "b": 0.001}, 0.05)[0] == "contradicted"
    # a pair without a p-value is not in the family and cannot support it
    assert holm_family({"a": 0.001, "b": math.nan}, {"a": 0.9, "b": math.nan}, 0.05)[0] == (
        "inconclusive"
    )


def test_c17_one_pair_at_parity_is_inconclusive_and_small_tiers_are_named(tmp_path):
    # nano and micro charge the same; macro and mega much more
    same = dict(TRUE, price={"nano": 100, "micro": 100, "macro": 5_000, "mega": 50_000})
    rows = cli_rows(write(tmp_path, "same", market_posts(seed=8, **same)), "C17")
    p = parts(rows, "C17")
    assert p["micro"]["verdict"] == "inconclusive"
    assert p["macro"]["verdict"] == p["mega"]["verdict"] == "supported"
    assert head(rows, "C17")["verdict"] == "inconclusive"
    assert "nano / micro" in head(rows, "C17")["estimand"]  # the pair that decides
    # fewer than 10 mega influencers: that pair is not tested, and says so
    few = market_posts(seed=8, tiers={"nano": 50, "micro": 50, "macro": 50, "mega": 6}, **TRUE)
    rows = cli_rows(write(tmp_path, "few", few), "C17")
    assert set(parts(rows, "C17")) == {"micro", "macro"}
    assert head(rows, "C17")["verdict"] == "supported"
    assert "not tested: mega" in head(rows, "C17")["reason"]


# --- not testable, and what each rule needs ------------------------------------------------


def test_not_testable_without_the_columns(tmp_path):
    base = market_posts(seed=9, **TRUE)
    rows = cli_rows(
        write(tmp_path, "bare", base.drop(columns=["category", "brand", "reach", "cost"]))
    )
    for cid, why in (
        ("C17", "cost"),
        ("C19", "followers cannot stand in"),
        ("C20", "category"),
        ("C22", "brand"),
        ("C23", "one platform"),
    ):
        r = head(rows, cid)
        assert r["verdict"] == "not-testable" and why in r["reason"], (cid, r["reason"])
    assert head(rows, "C18")["verdict"] == "not-testable"
    # C21 without brands: not testable, the share of sponsored posts still reported
    c21 = head(rows, "C21")
    assert c21["verdict"] == "not-testable" and "brand" in c21["reason"]
    assert set(parts(rows, "C21")) == {"share: macro", "share: mega"}
    nosp = cli_rows(write(tmp_path, "nosp", base.drop(columns=["sponsored", "brand"])), "C21")
    assert "sponsor" in head(nosp, "C21")["reason"]


def test_reach_columns_in_order_and_views_flagged(tmp_path):
    # no reach or impressions: views stand in, flagged; the price parts of C18 still decide
    views = market_posts(seed=10, exposure="views", **TRUE)
    rows = cli_rows(write(tmp_path, "views", views), "C18,C19")
    c19 = head(rows, "C19")
    assert c19["verdict"] == "supported" and "views-as-reach" in c19["flags"]
    assert "views" in c19["definition"]
    assert c19["estimate"] == pytest.approx(-0.3, abs=0.05)  # reach ~ followers^0.7
    # without any exposure count the C18 reach parts are named as not tested
    none = market_posts(seed=10, exposure=None, **TRUE)
    rows = cli_rows(write(tmp_path, "none", none), "C18")
    assert set(parts(rows, "C18")) == {"price: macro", "price: mega"}
    assert "not tested: reach" in head(rows, "C18")["reason"]


def test_c20_needs_two_categorised_posts():
    posts = market_posts(seed=11, **TRUE)
    micro = posts.loc[posts["followers"].between(1e4, 1e5 - 1), "account_id"].unique()[:20]
    first = posts.groupby("account_id").cumcount() == 0
    posts.loc[posts["account_id"].isin(micro) & ~first, "category"] = None
    r = analyse(posts, claims=["C20"], n_resamples=200, seed=1).ledger.iloc[0]
    assert r["verdict"] == "supported"
    # 20 of the 50 micro influencers have one categorised post: they are not compared
    assert r["n_influencers"] == "micro=30; macro=50; mega=40"


def test_c23_platform_interaction_both_directions_and_one_platform(tmp_path):
    def two(r_ig, r_tt, n, k, seed, sd=0.3):
        a, _ = simulate_posts(
            tiers={"micro": n, "macro": n},
            tier_ratio={"micro": r_ig},
            sd_influencer=sd,
            posts_per_influencer=k,
            price_per_follower=None,
            seed=seed,
        )
        b, _ = simulate_posts(
            tiers={"micro": n, "macro": n},
            tier_ratio={"micro": r_tt},
            sd_influencer=sd,
            posts_per_influencer=k,
            price_per_follower=None,
            platform="tiktok",
            seed=seed + 1,
        )
        b["account_id"] = "tt_" + b["account_id"]
        return pd.concat([a, b], ignore_index=True)

    # micro beats macro by 1.8x on TikTok and not at all on Instagram
    rows = cli_rows(write(tmp_path, "dep", two(1.0, 1.8, 60, (5, 8), 1)), "C23")
    h, p = head(rows, "C23"), parts(rows, "C23")
    assert h["verdict"] == "supported" and h["platform"] == "all"
    assert set(p) == {"C02: tiktok", "C04: tiktok"}
    assert all(x["ci_low"] < 1.8 < x["ci_high"] for x in p.values())
    assert "fallback-all-posts" in p["C02: tiktok"]["flags"]  # no sponsored posts flagged
    assert "002's direction" in h["summary"]
    # the same 1.3x on both platforms, many influencers: equal within the margin
    rows = cli_rows(write(tmp_path, "eq", two(1.3, 1.3, 400, 4, 2, sd=0.25)), "C23")
    assert head(rows, "C23")["verdict"] == "contradicted"
    assert all(x["verdict"] == "contradicted" for x in parts(rows, "C23").values())
    # a third platform with too few influencers is left out, two remain
    third, _ = simulate_posts(tiers={"micro": 5, "macro": 5}, platform="youtube", seed=3)
    third["account_id"] = "yt_" + third["account_id"]
    both = pd.concat([two(1.3, 1.3, 400, 4, 2, sd=0.25), third], ignore_index=True)
    a = analyse(both, claims=["C23"], n_resamples=200)
    assert a.result("C23", "C04: tiktok").details["left_out"] == ["youtube"]


# --- the results behind the rows, for notebooks -------------------------------------------


def test_results_are_stored_and_survive_a_run_directory(tmp_path):
    posts = pd.concat(
        [market_posts(seed=12, **TRUE), market_posts(seed=13, platform="tiktok", **TRUE)],
        ignore_index=True,
    )
    a = analyse(posts, claims=list(NEW), n_resamples=200, seed=1)
    names = {
        "C17": "micro",
        "C18": "price: macro",
        "C19": "slope",
        "C20": "macro",
        "C21": "brands: macro",
        "C22": "share micro",
        "C23": "C04: tiktok",
    }
    for cid, name in names.items():
        r = a.result(cid, name, platform="instagram" if cid in ("C18", "C22") else None)
        assert r.summary() and math.isfinite(r.estimate), cid
    assert set(a.results) >= {"C21|tiktok|", "C17|all (platform FE)|"}
    a.write(tmp_path / "run")
    b = Analysis.read(tmp_path / "run")
    r1, r2 = a.result("C20", "macro"), b.result("C20", "macro")
    assert r1.to_dict() == r2.to_dict()
    pd.testing.assert_frame_equal(b.evidence.brands, a.evidence.brands)


def test_registry_rows_of_the_new_claims():
    for cid in NEW:
        c = CLAIMS[cid]
        assert c.claimed is None  # no article states a number: thresholds are params
        assert c.rule in ("directional", "parts")
        assert c.per_platform == (cid != "C23")
    assert dict(CLAIMS["C18"].params) == {"dozens": 24.0, "hundreds": 200.0}
    assert "24" in CLAIMS["C18"].decision_rule and "200" in CLAIMS["C18"].decision_rule
    assert "Holm" in CLAIMS["C17"].decision_rule
