"""influtiers.stats.market: exact equalities with hand computations, and planted values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influtiers.errors import InsufficientData
from influtiers.stats.fixed_effects import fe_ratio
from influtiers.stats.market import (
    ratio_of_sums,
    simpson_concentration,
    threshold_p,
    threshold_ratio,
    tier_platform_interaction,
)


def _shares(seed=0, n=200, ratio=0.6, platforms=("instagram",)):
    rng = np.random.default_rng(seed)
    rows = []
    for j, plat in enumerate(platforms):
        base = 0.3 * (1 + j)  # platforms differ in level, not in the tier ratio
        tier = np.repeat(["micro", "macro"], n)
        pairs = rng.integers(1, 8, 2 * n)
        p = np.clip(base * np.where(tier == "micro", ratio, 1.0), 0, 1)
        rows.append(
            pd.DataFrame({"tier": tier, "platform": plat, "n": pairs, "k": rng.binomial(pairs, p)})
        )
    return pd.concat(rows, ignore_index=True)


def test_ratio_of_sums_is_the_ratio_of_pooled_shares():
    t = _shares()
    r = ratio_of_sums(t, "micro", "macro", "k", exposure="n")
    g = t.groupby("tier")[["k", "n"]].sum()
    exact = (g.loc["micro", "k"] / g.loc["micro", "n"]) / (
        g.loc["macro", "k"] / g.loc["macro", "n"]
    )
    assert r.estimate == pytest.approx(exact, rel=1e-9)
    assert r.ci_low < r.estimate < r.ci_high and r.details["ci90"][0] > r.ci_low
    assert r.p_values["less"] + r.p_values["greater"] == pytest.approx(1.0)
    assert r.n_influencers == {"micro": 200, "macro": 200} and "offset log n" in r.method
    # without exposure: the ratio of tier means
    m = ratio_of_sums(t, "micro", "macro", "k")
    assert m.estimate == pytest.approx(
        t.groupby("tier")["k"].mean().pipe(lambda s: s["micro"] / s["macro"]), rel=1e-9
    )


def test_ratio_of_sums_with_platform_intercepts_recovers_the_planted_ratio():
    t = _shares(seed=1, n=600, platforms=("instagram", "tiktok"))
    r = ratio_of_sums(t, "micro", "macro", "k", exposure="n")
    assert r.ci_low < 0.6 < r.ci_high and "2 platform intercepts" in r.method
    with pytest.raises(InsufficientData):
        ratio_of_sums(
            t[t["tier"] == "macro"].head(300).assign(tier=["micro"] * 5 + ["macro"] * 295),
            "micro",
            "macro",
            "k",
        )


def test_threshold_ratio_p_values_are_bootstrap_shares():
    rng = np.random.default_rng(2)
    y = rng.lognormal(0, 0.5, 80)
    x = 24 * y  # the ratio of medians is exactly 24
    r = threshold_ratio(x, y, 24, n_resamples=500, seed=3, labels=("macro", "micro"))
    assert r.estimate == pytest.approx(24)
    assert r.p_values["at_least"] + r.p_values["below"] >= 1  # replicates at 24 count twice
    assert r.p_values["at_least"] > 0.05 and r.p_values["below"] > 0.05  # undecided at 24
    far = threshold_ratio(60 * y, y, 24, n_resamples=500, seed=3)
    assert far.p_values["at_least"] == 0 and far.ci_low > 24
    assert far.details["ci90"][0] >= far.ci_low and far.summary().startswith("threshold_ratio")
    small = threshold_ratio(x[:5], y, 24, insufficient="return")
    assert small.verdict == "not-testable"


def test_threshold_p_of_a_t_result():
    t = pd.DataFrame(
        {
            "tier": np.repeat(["macro", "micro"], 50),
            "platform": "x",
            "v": np.r_[np.full(50, 30.0), np.ones(50)]
            * np.tile(np.random.default_rng(4).lognormal(0, 0.3, 50), 2),
        }
    )
    r = fe_ratio(t, "macro", "micro", "v", model="ols-log")
    assert r.estimate == pytest.approx(30)
    p_at, p_below = threshold_p(r, 24)
    z = (math.log(30) - math.log(24)) / r.statistic["se_log"]
    assert p_at == pytest.approx(stats.t.sf(z, 99)) and p_at + p_below == pytest.approx(1)
    assert p_at < 0.01
    assert threshold_p(r, 30)[0] == pytest.approx(0.5, abs=1e-9)


def _two_platforms(ratio_ig, ratio_tt, n=300, seed=5, sd=0.3):
    rng = np.random.default_rng(seed)
    rows = []
    for plat, ratio, base in (("instagram", ratio_ig, 0.03), ("tiktok", ratio_tt, 0.08)):
        tier = np.repeat(["micro", "macro"], n)
        v = base * np.where(tier == "micro", ratio, 1.0) * rng.lognormal(0, sd, 2 * n)
        rows.append(pd.DataFrame({"tier": tier, "platform": plat, "rate": v}))
    return pd.concat(rows, ignore_index=True)


def test_interaction_is_the_ratio_of_the_platforms_contrasts():
    t = _two_platforms(1.0, 1.5)
    (r,) = tier_platform_interaction(t, "micro", "macro", "rate").values()
    # the saturated model's interaction equals the ratio of the per-platform contrasts
    per = {
        p: fe_ratio(t[t["platform"] == p], "micro", "macro", "rate", model="ols-log").estimate
        for p in ("instagram", "tiktok")
    }
    assert r.estimate == pytest.approx(per["tiktok"] / per["instagram"], rel=1e-9)
    assert r.ci_low < 1.5 < r.ci_high and r.p_value < 1e-6
    assert r.details["reference"] == "instagram" and r.p_values["tost"] > 0.5
    (m,) = tier_platform_interaction(t, "micro", "macro", "rate", model="ppml").values()
    means = t.groupby(["platform", "tier"])["rate"].mean()
    exact = (means["tiktok", "micro"] / means["tiktok", "macro"]) / (
        means["instagram", "micro"] / means["instagram", "macro"]
    )
    assert m.estimate == pytest.approx(exact, rel=1e-7)


def test_interaction_equivalence_and_too_few_platforms():
    (r,) = tier_platform_interaction(
        _two_platforms(1.3, 1.3, n=800), "micro", "macro", "rate"
    ).values()
    assert r.p_values["tost"] < 0.05 and 0.8 < r.details["ci90"][0] < r.details["ci90"][1] < 1.25
    one = _two_platforms(1.3, 1.3).query("platform == 'instagram'")
    with pytest.raises(InsufficientData, match="need 2"):
        tier_platform_interaction(one, "micro", "macro", "rate")


def test_simpson_concentration_is_unbiased_and_hand_checked():
    c = pd.DataFrame(
        {
            "platform": "x",
            "account_id": ["a", "a", "b", "c", "c", "c"],
            "category": ["f", "t", "f", "f", "t", "d"],
            "n_posts": [3, 1, 1, 2, 2, 2],
        }
    )
    out = simpson_concentration(c).set_index("account_id")
    assert out.loc["a", "concentration"] == pytest.approx(6 / 12)
    assert math.isnan(out.loc["b", "concentration"])  # one post: undefined
    assert out.loc["c", "concentration"] == pytest.approx(6 / 30)
    assert out.loc["a", "herfindahl"] == pytest.approx(0.75**2 + 0.25**2)
    assert out["n_categories"].tolist() == [2, 1, 3]
    # with 5 posts per influencer the plug-in index is biased up; the unbiased one is not
    rng = np.random.default_rng(6)
    probs = np.array([0.6, 0.2, 0.1, 0.1])
    draws = rng.multinomial(5, probs, size=4000)
    rows = [(i, k, n) for i, d in enumerate(draws) for k, n in enumerate(d) if n]
    cats = pd.DataFrame(rows, columns=["account_id", "category", "n_posts"]).assign(platform="x")
    est = simpson_concentration(cats)
    truth = float((probs**2).sum())
    assert est["concentration"].mean() == pytest.approx(truth, abs=0.01)
    assert est["herfindahl"].mean() > truth + 0.05


def test_ratio_of_sums_without_a_standard_error_is_insufficient(monkeypatch):
    """A degenerate contrast (a zero CV3 variance, as on a 40k-post Kim-format set where one
    influencer carried a tier's category concentration) is refused with a reason, never a
    division by zero."""
    import dataclasses

    import influtiers.stats.market as market

    real = market.poisson_fit

    def zero_se(*a, **k):
        fit = real(*a, **k)
        return dataclasses.replace(fit, cov_cv3=np.zeros_like(fit.cov_cv3))

    monkeypatch.setattr(market, "poisson_fit", zero_se)
    t = pd.DataFrame(
        {
            "tier": ["micro"] * 12 + ["macro"] * 12,
            "c": np.arange(24.0) + 1,
            "e": 10.0,
            "platform": "ig",
        }
    )
    with pytest.raises(InsufficientData, match="no standard error"):
        market.ratio_of_sums(t, "micro", "macro", "c", exposure="e")


def test_within_influencer_ratios_match_a_merge_oracle():
    """Sponsored/organic pairs matched by hash lookup of the joined keys equal an inner
    merge on (platform, account_id), in the organic rows' order, on shuffled rows with
    missing flags and keys shared across platforms."""
    from influtiers.stats import within_influencer_ratios

    rng = np.random.default_rng(4)
    n = 600
    t = pd.DataFrame(
        {
            "platform": pd.array(rng.choice(["instagram", "tiktok"], n), dtype="string"),
            "account_id": pd.array([f"a{i}" for i in rng.integers(0, 250, n)], dtype="string"),
            "sponsored": pd.array(rng.choice([True, False], n), dtype="boolean"),
            "tier": pd.Categorical(rng.choice(["nano", "micro"], n)),
            "followers": rng.uniform(1e3, 1e5, n),
            "rate_median": np.where(rng.random(n) < 0.1, 0.0, rng.uniform(0.01, 0.1, n)),
        }
    ).drop_duplicates(["platform", "account_id", "sponsored"])
    t.loc[t.index[:7], "sponsored"] = pd.NA
    got = within_influencer_ratios(t)
    k = ["platform", "account_id"]
    org = t[t["sponsored"] == False].reset_index(drop=True)  # noqa: E712
    spo = t[t["sponsored"] == True]  # noqa: E712
    m = org.merge(spo[[*k, "rate_median"]], on=k, suffixes=("", "_s"), sort=False)
    m = m[(m["rate_median"] > 0) & (m["rate_median_s"] > 0)].reset_index(drop=True)
    assert len(got) == len(m) > 50
    np.testing.assert_array_equal(got["account_id"], m["account_id"])
    np.testing.assert_array_equal(got["platform"], m["platform"])
    np.testing.assert_allclose(got["organic"], m["rate_median"])
    np.testing.assert_allclose(got["sponsored"], m["rate_median_s"])
    np.testing.assert_allclose(got["log_ratio"], np.log(m["rate_median_s"] / m["rate_median"]))
    assert got["tier"].dtype == t["tier"].dtype
