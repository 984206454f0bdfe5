"""Lift methods: exact cross-checks and coverage of the 95% intervals by simulation.

Truth for each estimand: the simulator plants ``tier_ratio = {"micro": 1.5}`` with
no elasticity, and the influencer effect and post noise are independent of
followers, so (see :mod:`influtiers.stats.simulate`) the ratio of pooled rates
(GLM estimand), the ratio of tier means of influencer mean rates and the ratio
of tier medians of influencer rates all equal 1.5. For the median estimands this
holds up to Poisson discreteness; ``test_median_truth`` checks it on a
100,000-influencer population (measured ratio of medians 1.507/1.508, i.e. within MC error).
"""

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from influtiers.evidence import influencer_table
from influtiers.stats import (
    InsufficientData,
    absolute_ratio,
    claimed_lift_verdict,
    compare_lift_methods,
    rate_ratio,
)
from influtiers.stats.bootstrap import bootstrap_ratio
from influtiers.stats.lift import glm_rate_ratio
from influtiers.stats.simulate import fast_rates, simulate_posts

TRUE = 1.5


def _sim(seed, n=60, k=10):
    return simulate_posts(
        tiers={"micro": n, "macro": n},
        tier_ratio={"micro": TRUE},
        posts_per_influencer=k,
        price_per_follower=None,
        seed=seed,
    )


def test_glm_matches_post_level_statsmodels():
    posts, _ = _sim(1)
    t = influencer_table(posts)
    r = glm_rate_ratio(t, "micro", "macro", family="poisson", df="G-1")
    tier = posts["account_id"].map(dict(zip(t["account_id"], t["tier"], strict=True)))
    y = (posts["likes"] + posts["comments"]).to_numpy()
    X = sm.add_constant((tier == "micro").to_numpy().astype(float))
    fit = sm.GLM(y, X, family=sm.families.Poisson(), offset=np.log(posts["followers"])).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(posts["account_id"])[0], "use_correction": False},
    )
    assert r.estimate == pytest.approx(np.exp(fit.params[1]), rel=1e-10)
    assert r.details["se_log_hc0"] == pytest.approx(fit.bse[1], rel=1e-10)
    assert r.n_influencers == {"micro": 60, "macro": 60}
    assert r.n_posts == {"micro": 600, "macro": 600}
    # the Poisson GLM estimate is the ratio of pooled rates
    pooled = t.groupby("tier", observed=True).apply(
        lambda g: g.rated_sum.sum() / g.exposure_sum.sum()
    )
    assert r.estimate == pytest.approx(pooled["micro"] / pooled["macro"], rel=1e-8)
    # CV3 (one-step cluster jackknife) SE, t(G - 1) quantiles
    r3 = r
    assert r3.details["df"] == 119 and r3.details["df_method"] == "G-1"
    # exact leave-one-influencer-out jackknife of the pooled-rate ratio (closed form)
    sub = t.groupby("tier", observed=True)[["rated_sum", "exposure_sum"]].sum()
    is_m = (t["tier"] == "micro").to_numpy()
    ys, es = t["rated_sum"].to_numpy(), t["exposure_sum"].to_numpy()
    ya, ea = sub.loc["micro"].to_numpy()
    yb, eb = sub.loc["macro"].to_numpy()
    loo = np.where(
        is_m,
        np.log((ya - ys) / (ea - es)) - np.log(yb / eb),
        np.log(ya / ea) - np.log((yb - ys) / (eb - es)),
    )
    exact = np.sqrt((len(t) - 1) / len(t) * np.sum((loo - np.log(r.estimate)) ** 2))
    assert r3.statistic["se_log"] == pytest.approx(exact, rel=0.05)
    from scipy import stats

    q = stats.t.ppf(0.975, 119)
    se3 = r3.statistic["se_log"]
    assert r3.ci_high == pytest.approx(r.estimate * np.exp(q * se3), rel=1e-10)
    q90 = stats.t.ppf(0.95, 119)
    assert r3.details["ci90"][1] == pytest.approx(r.estimate * np.exp(q90 * se3), rel=1e-10)
    # the default: same estimate and SE, Bell-McCaffrey df (at most G - 1)
    rb = glm_rate_ratio(t, "micro", "macro", family="poisson")
    assert rb.details["df_method"] == "bell-mccaffrey" and 30 < rb.details["df"] < 119
    assert rb.statistic["se_log"] == pytest.approx(se3, rel=1e-12)
    qb = stats.t.ppf(0.975, rb.details["df"])
    assert rb.ci_low == pytest.approx(r.estimate * np.exp(-qb * se3), rel=1e-10)
    # one-sided p-values against a ratio of 1 from the same t
    tb = np.log(rb.estimate) / se3
    assert rb.p_values["greater"] == pytest.approx(stats.t.sf(tb, rb.details["df"]), rel=1e-9)
    assert rb.p_values["less"] == pytest.approx(stats.t.cdf(tb, rb.details["df"]), rel=1e-9)


def test_rate_ratio_methods_and_verdicts():
    posts, _ = _sim(2)
    t = influencer_table(posts)
    df = compare_lift_methods(t, "micro", "macro", claimed=6.7, n_resamples=500, seed=1)
    assert list(df["method"]) == [
        "glm-poisson",
        "glm-negbin",
        "bootstrap-mean",
        "bootstrap-median",
        "median-ratio",
    ]
    assert (df["verdict"] == "contradicted-lower").all()
    assert (df["ci_low"] < df["estimate"]).all() and (df["estimate"] < df["ci_high"]).all()
    t = influencer_table(posts)
    r1 = rate_ratio(t, "micro", "macro", method="bootstrap-mean", interval="bca", seed=3)
    r2 = rate_ratio(t, "micro", "macro", method="bootstrap-mean", interval="bca", seed=3)
    assert r1 == r2 or r1.to_dict() == r2.to_dict()  # seeded: identical reruns
    assert claimed_lift_verdict(r1, 0.5) == "contradicted-higher"
    assert claimed_lift_verdict(r1, r1.estimate) == "consistent"
    json.dumps(r1.to_dict())
    with pytest.raises(ValueError):
        rate_ratio(t, "micro", "macro", method="glm-gamma")
    r = rate_ratio(t, "micro", "macro", method="bootstrap-mean", n_resamples=500)
    assert r.details["interval"] == "studentized-t"  # the "auto" default for means
    r = rate_ratio(t, "micro", "macro", method="bootstrap-median", n_resamples=500)
    assert r.details["interval"] == "bca"
    with pytest.raises(ValueError):
        rate_ratio(t, "micro", "macro", method="bootstrap-median", interval="studentized")


def test_small_groups():
    posts, _ = simulate_posts(tiers={"micro": 8, "macro": 40}, seed=1)
    t = influencer_table(posts)
    with pytest.raises(InsufficientData):
        rate_ratio(t, "micro", "macro")
    r = rate_ratio(t, "micro", "macro", method="bootstrap-mean", insufficient="return")
    assert r.verdict == "not-testable"
    posts, _ = simulate_posts(tiers={"micro": 20, "macro": 40}, seed=1)
    r = rate_ratio(influencer_table(posts), "micro", "macro")
    assert any(f.startswith("small-sample") for f in r.flags)


def test_absolute_ratio():
    posts, _ = simulate_posts(tiers={"micro": 60, "macro": 60}, seed=4)
    t = influencer_table(posts)
    r = absolute_ratio(t, "macro", "micro", value="likes per post", n_resamples=500)
    assert r.verdict == "supported" and r.ci_low > 1
    r = absolute_ratio(t, "micro", "macro", value="engagement_mean", n_resamples=500)
    assert r.verdict == "contradicted"
    r = absolute_ratio(t, "micro", "macro", alternative="less", stat="median", n_resamples=500)
    assert r.verdict == "supported"


def test_bootstrap_against_scipy():
    from scipy import stats

    rng = np.random.default_rng(0)
    x, y = rng.lognormal(0.3, 0.6, 300), rng.lognormal(0, 0.6, 300)

    def stat(a, b, axis=-1):
        return a.mean(axis=axis) / b.mean(axis=axis)

    for iv, sm_ in (("percentile", "percentile"), ("bca", "BCa")):
        ours = bootstrap_ratio(x, y, interval=iv, n_resamples=4000, seed=1)
        ref = stats.bootstrap((x, y), stat, n_resamples=4000, method=sm_, rng=2)
        ci = ref.confidence_interval
        assert ours.ci_low == pytest.approx(ci.low, abs=0.02)
        assert ours.ci_high == pytest.approx(ci.high, abs=0.02)
    # studentized (bootstrap-t on the log ratio): close to the delta-method Wald interval
    # at n = 300, wider than it only by the skewness correction
    ours = bootstrap_ratio(x, y, interval="studentized", n_resamples=4000, seed=1)
    se = np.sqrt(x.var(ddof=1) / (300 * x.mean() ** 2) + y.var(ddof=1) / (300 * y.mean() ** 2))
    th = x.mean() / y.mean()
    assert ours.estimate == pytest.approx(th, rel=1e-12)
    assert ours.ci_low == pytest.approx(th * np.exp(-1.96 * se), rel=0.02)
    assert ours.ci_high == pytest.approx(th * np.exp(1.96 * se), rel=0.02)


def test_median_truth():
    posts, truth = _sim(99, n=50_000)
    fr = fast_rates(posts)
    tier = truth["influencers"]["tier"].to_numpy()
    for col in ("rate_mean", "rate_median"):
        v = fr[col].to_numpy()
        assert np.median(v[tier == "micro"]) / np.median(v[tier == "macro"]) == pytest.approx(
            TRUE, rel=0.01
        )
        assert v[tier == "micro"].mean() / v[tier == "macro"].mean() == pytest.approx(
            TRUE, rel=0.01
        )


def test_fast_rates_matches_influencer_table():
    posts, _ = _sim(7, n=30)
    t = influencer_table(posts)
    fr = fast_rates(posts)
    cols = (
        "rate_mean",
        "rate_median",
        "engagement_mean",
        "followers",
        "n_posts",
        "engagement_n",
        "engagement_sum",
        "n_rated",
        "rated_sum",
        "exposure_sum",
    )
    for c in cols:
        np.testing.assert_allclose(t[c].to_numpy(float), fr[c].to_numpy(float), rtol=1e-12)


# 400 replicates: MC SE of a 95% coverage = sqrt(.95 * .05 / 400) = 1.09 pp.
# Band: 95% +- 3.3 pp (3 MC SE) = [91.7%, 98.3%]. Not tightened to 93-97%: that needs
# ~1,070 replicates for a 3-SE margin (~70 s), over this file's time budget. The precise
# check is bench/coverage_study.py (2000 replicates, MC SE 0.5 pp; bench/results/coverage.csv):
# defaults glm-poisson 93.95%, glm-negbin 94.0% (CV3 + t(G-1)), bootstrap-mean studentized
# 94.0%, bootstrap-median percentile 95.55%, median-ratio percentile 96.15%.
REPS = 400
LOW, HIGH = 0.917, 0.983


@pytest.mark.slow
def test_coverage_of_lift_intervals():
    methods = {
        "glm-poisson": [],
        "glm-negbin": [],
        "bootstrap-mean/percentile": [],
        "bootstrap-mean/bca": [],
        "bootstrap-mean/studentized": [],
        "bootstrap-median/percentile": [],
        "median-ratio/percentile": [],
    }
    for i in range(REPS):
        posts, truth = _sim(10_000 + i)
        inf = truth["influencers"]
        fr = fast_rates(posts)
        tier = inf["tier"].to_numpy()
        sums = fr.assign(tier=tier)
        for fam in ("poisson", "negbin"):
            r = glm_rate_ratio(sums, "micro", "macro", family=fam)
            methods[f"glm-{fam}"].append(r.ci_low <= TRUE <= r.ci_high)
        for key, col, stat, iv in (
            ("bootstrap-mean/percentile", "rate_mean", "mean", "percentile"),
            ("bootstrap-mean/bca", "rate_mean", "mean", "bca"),
            ("bootstrap-mean/studentized", "rate_mean", "mean", "studentized"),
            ("bootstrap-median/percentile", "rate_mean", "median", "percentile"),
            ("median-ratio/percentile", "rate_median", "median", "percentile"),
        ):
            v = fr[col].to_numpy()
            b = bootstrap_ratio(
                v[tier == "micro"],
                v[tier == "macro"],
                stat=stat,
                interval=iv,
                n_resamples=1000,
                seed=i,
            )
            methods[key].append(b.ci_low <= TRUE <= b.ci_high)
    cov = {k: float(np.mean(v)) for k, v in methods.items()}
    bad = {k: c for k, c in cov.items() if not LOW <= c <= HIGH}
    assert not bad, f"coverage outside [{LOW}, {HIGH}]: {cov}"
