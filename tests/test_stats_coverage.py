"""Small-sample intervals (issue 11, item 3): the committed coverage study, its gate, the
90% companion intervals and one-sided p-values, CV3 / Bell-McCaffrey algebra, the
Lind-Mehlum size at the null boundary, and the follower-noise sensitivity of the C05 slope.

The precise coverage numbers come from ``bench/coverage_study.py`` (2,000 replicates per
design); the tests here re-check the hardest C04 design with fewer replicates and guard the
committed CSV so its numbers cannot silently regress.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from influtiers.evidence import influencer_table
from influtiers.stats import (
    StatResult,
    absolute_ratio,
    cost_elasticity,
    elasticity,
    equivalence_test,
    inverted_u,
    median_ci,
    rate_ratio,
    sponsored_penalty,
)
from influtiers.stats.bootstrap import INTERVALS, bootstrap_ratio
from influtiers.stats.glm import bell_mccaffrey_df, poisson_fit, score_test, wald
from influtiers.stats.lift import METHODS, glm_rate_ratio
from influtiers.stats.regression import (
    follower_noise_sensitivity,
    ols_cv3,
    slopes_by_segment,
)
from influtiers.stats.simulate import fast_rates, simulate_posts

RESULTS = Path(__file__).resolve().parents[1] / "bench" / "results"
COLUMNS = [
    "method",
    "interval",
    "default",
    "n_a",
    "n_b",
    "posts_per_influencer",
    "sd_influencer",
    "true_value",
    "replicates",
    "coverage",
    "mc_se",
]
DESIGNS = {(10, 10), (12, 80), (15, 15), (30, 30), (60, 60), (200, 200)}
#: The intervals the ledger decides with (method labels of bench/coverage_study.py).
GATED = ("C04 ", "C03 ", "C06 ", "C10 ", "C05 ")


def _design(row) -> tuple[int, int]:
    """The study's ``n_a x n_b`` design of a row (C03 is macro/micro: its groups swapped)."""
    a, b = int(row["n_a"]), int(row["n_b"])
    return (b, a) if row["method"].startswith("C03 ") else (a, b)


def test_committed_coverage_gate():
    """Every interval the ledger decides with covers 93-97% at every design (SD 0.5)."""
    df = pd.read_csv(RESULTS / "coverage.csv")
    assert list(df.columns[: len(COLUMNS)]) == COLUMNS
    gated = df[df["default"] & (df["sd_influencer"] == 0.5) & df["method"].str.startswith(GATED)]
    for prefix in GATED:
        rows = gated[gated["method"].str.startswith(prefix)]
        assert {_design(r) for _, r in rows.iterrows()} == DESIGNS, prefix
    assert (gated["replicates"] >= 1000).all()
    se = np.sqrt(gated["coverage"] * (1 - gated["coverage"]) / gated["replicates"])
    assert np.allclose(gated["mc_se"], se)
    bad = gated[~gated["coverage"].between(0.93, 0.97)]
    assert bad.empty, bad[["method", "interval", "n_a", "n_b", "coverage"]].to_string()
    # the harder row (SD 1.0) is reported for every gated interval
    hard = df[df["default"] & (df["sd_influencer"] == 1.0) & df["method"].str.startswith(GATED)]
    assert {m.split()[0] for m in hard["method"]} == {p.strip() for p in GATED}
    # the defaults the study gates are the library's defaults
    lib = {
        "C04": "studentized-t",
        "C03": "studentized-t",
        "C06": "studentized-t",
        "C10": "bca",
        "C05": "cv3-t(G-1)",
    }
    for m, iv in gated[["method", "interval"]].drop_duplicates().itertuples(index=False):
        assert iv == lib[m.split()[0]], (m, iv)


def test_committed_lind_mehlum_size():
    """The default Lind-Mehlum test's size at the null boundary, 40 and 200 influencers.

    The target (5% + 2 MC SE) holds at 40 influencers (1.4-1.7%, conservative) and is
    missed by a hair at 200 (5.33% and 5.47% at 10,000 replicates against a limit of 5.44%;
    the Wald test: 6.0%). This guards against a regression beyond 5% + 3 MC SE and against
    losing the conservative small-sample behaviour; the miss is stated in
    :func:`influtiers.stats.regression.inverted_u`."""
    lm = pd.read_csv(RESULTS / "lind_mehlum_size.csv")
    d = lm[lm["default"]]
    assert set(d["n_influencers"]) == {40, 200} and (d["replicates"] >= 1000).all()
    mc = np.sqrt(0.05 * 0.95 / d["replicates"])
    assert (d["size"] <= 0.05 + 3 * mc).all(), d
    small = d[d["n_influencers"] == 40]
    assert (small["size"] <= 0.05 + 2 * mc[small.index]).all(), small
    wald = lm[~lm["default"] & (lm["n_influencers"] == 200)]
    assert (d[d["n_influencers"] == 200]["size"].to_numpy() < wald["size"].to_numpy()).all()


def _sim_table(seed, na, nb, sd=0.5):
    posts, truth = simulate_posts(
        tiers={"micro": na, "macro": nb},
        tier_ratio={"micro": 1.5},
        sd_influencer=sd,
        price_per_follower=None,
        seed=seed,
    )
    return fast_rates(posts).assign(tier=truth["influencers"]["tier"].to_numpy())


@pytest.mark.slow
def test_c04_coverage_12_vs_80():
    """C04's default interval at 12 micro vs 80 macro influencers: 300 replicates, MC SE
    1.3 pp; the committed study (2,000 replicates) has the precise number."""
    hits = []
    for i in range(300):
        r = rate_ratio(
            _sim_table(40_000 + i, 12, 80), "micro", "macro", method="bootstrap-mean", seed=i
        )
        hits.append(r.ci_low <= 1.5 <= r.ci_high)
    assert np.mean(hits) >= 0.92, np.mean(hits)


def _lm_sim(n, seed):
    ref = math.sqrt(1e3 * 1e6)
    q, x_low = -0.1, math.log(1e3 / ref)
    posts, _ = simulate_posts(
        n, elasticity=-1 - 2 * q * x_low, quadratic=q, price_per_follower=None, seed=seed
    )
    return fast_rates(posts)


@pytest.mark.slow
def test_lind_mehlum_size_at_null_boundary():
    """Vertex of the quadratic at the low end of the follower range (slope there exactly 0):
    the default test rejects at most 5% + 2 MC SE (400 replicates: MC SE 1.1 pp; the bench
    runs 10,000)."""
    for n in (40, 200):
        rej = [
            inverted_u(_lm_sim(n, 60_000 + 1000 * n + i)).p_values["lind_mehlum"] < 0.05
            for i in range(400)
        ]
        assert np.mean(rej) <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / 400), (n, np.mean(rej))


@pytest.fixture(scope="module")
def tables():
    posts, _ = simulate_posts(
        tiers={"nano": 25, "micro": 25, "macro": 25}, tier_ratio={"micro": 1.5}, seed=21
    )
    t = influencer_table(posts)
    priced = t[t["cost_n"] > 0].assign(
        cost_per_post=lambda d: d["cost_sum"] / d["cost_n"],
        cost_per_engagement=lambda d: d["cost_sum"] / d["cost_n"] / d["engagement_mean"],
    )
    by = posts.assign(sponsored=np.arange(len(posts)) % 3 == 0)
    return t, priced, influencer_table(by, by=("sponsored",))


def _nested(r: StatResult):
    lo90, hi90 = r.details["ci90"]
    assert r.ci_low <= lo90 <= hi90 <= r.ci_high, (r.test, r.ci, r.details["ci90"])
    assert r.ci_low < r.ci_high
    back = StatResult.from_dict(r.to_dict())
    assert back.to_dict() == r.to_dict()
    assert back.details["ci90"] == pytest.approx(r.details["ci90"])


def test_ci90_contract(tables):
    t, priced, by = tables
    for m in METHODS:
        r = rate_ratio(t, "micro", "macro", method=m, n_resamples=500)
        _nested(r)
        pg, pl = r.p_values["greater"], r.p_values["less"]
        assert 0 <= pg <= 1 and 0 <= pl <= 1 and r.p_value == pytest.approx(min(1, 2 * min(pg, pl)))
    r = absolute_ratio(t, "micro", "nano", n_resamples=500)
    _nested(r)
    assert r.details["one_sided_bounds"] == r.details["ci90"]
    assert r.p_value == r.p_values["greater"]
    r = absolute_ratio(
        priced,
        "micro",
        "macro",
        value="cost_per_engagement",
        stat="median",
        alternative="less",
        n_resamples=500,
    )
    _nested(r)
    assert r.details["interval"] == "bca" and r.p_value == r.p_values["less"]
    _nested(median_ci(priced["cost_per_post"], n_resamples=500))
    _nested(cost_elasticity(priced))
    _nested(sponsored_penalty(by, "micro", "macro"))
    e = elasticity(t)
    _nested(e)
    lo, hi = e.details["ols"]["ci"]
    lo90, hi90 = e.details["ols"]["ci90"]
    assert lo < lo90 < e.details["ols"]["slope"] < hi90 < hi
    assert e.details["rate_elasticity_ci90"] == pytest.approx([v - 1 for v in e.details["ci90"]])
    ols = e.details["ols"]
    tt = (ols["slope"] - 1) / ols["se"]
    assert ols["p_less_than_1"] == pytest.approx(stats.t.cdf(tt, ols["df"]))
    assert ols["p_less_than_1"] + ols["p_greater_than_1"] == pytest.approx(1)
    posts, _ = simulate_posts(300, elasticity=-0.5, quadratic=-0.2, seed=4)
    _nested(inverted_u(influencer_table(posts)))
    r = equivalence_test(t, "micro", "macro")
    assert r.details["ci90"] == [r.ci_low, r.ci_high] and r.confidence == pytest.approx(0.9)
    lo95, hi95 = r.details["ci95"]
    assert lo95 < r.ci_low < r.ci_high < hi95


@pytest.mark.parametrize("iv", [i for i in INTERVALS if i != "auto"])
def test_bootstrap_ci90_same_replicates(iv):
    """The 90% interval of a 95% call is the 90% call's interval with the same seed."""
    rng = np.random.default_rng(2)
    x, y = rng.lognormal(0.3, 0.7, 14), rng.lognormal(0.0, 0.7, 40)
    kw = {"interval": iv, "n_resamples": 999, "seed": 5, "stat": _stat_of(iv)}
    b95 = bootstrap_ratio(x, y, **kw)
    b90 = bootstrap_ratio(x, y, confidence=0.90, **kw)
    assert b95.ci90 == pytest.approx((b90.ci_low, b90.ci_high), rel=1e-12)
    assert b95.p_greater == b90.p_greater and b95.p_less == b90.p_less


def _stat_of(interval: str) -> str:
    return "median" if interval == "order-statistic" else "mean"


@pytest.mark.parametrize("iv", [i for i in INTERVALS if i != "auto"])
def test_one_sided_p_dual_to_interval(iv):
    """``p_greater < 0.05`` iff the 90% interval's lower end exceeds 1 (and mirror)."""
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(40):
        x, y = rng.lognormal(0.25, 0.6, 12), rng.lognormal(0.0, 0.6, 30)
        b = bootstrap_ratio(x, y, interval=iv, n_resamples=1999, seed=1, stat=_stat_of(iv))
        for p, inside in ((b.p_greater, b.ci90[0] > 1), (b.p_less, b.ci90[1] < 1)):
            if abs(p - 0.05) > 0.003:  # away from quantile interpolation at the boundary
                assert (p < 0.05) == inside, (p, b.ci90)
                checked += 1
    assert checked > 60


def test_studentized_t_floor_and_jackknife_se():
    rng = np.random.default_rng(4)
    x, y = rng.lognormal(0.2, 0.5, 10), rng.lognormal(0.0, 0.5, 25)
    b = bootstrap_ratio(x, y, n_resamples=2000, seed=1)
    assert b.interval == "studentized-t" and b.df == 9
    lx = np.log([np.delete(x, i).mean() for i in range(10)])
    ly = np.log([np.delete(y, i).mean() for i in range(25)])
    se = math.sqrt(9 / 10 * np.sum((lx - lx.mean()) ** 2) + 24 / 25 * np.sum((ly - ly.mean()) ** 2))
    jt = bootstrap_ratio(x, y, interval="jackknife-t")
    assert jt.se_log == pytest.approx(se, rel=1e-10)
    q = stats.t.ppf(0.975, 9)
    th = math.log(x.mean() / y.mean())
    assert (jt.ci_low, jt.ci_high) == pytest.approx((math.exp(th - q * se), math.exp(th + q * se)))
    # the bootstrap-t interval is never narrower than the t(min n - 1) interval on either side
    assert b.ci_low <= jt.ci_low * (1 + 1e-12) and b.ci_high >= jt.ci_high * (1 - 1e-12)


def test_ols_cv3_is_scaled_hc3_and_the_exact_jackknife():
    rng = np.random.default_rng(5)
    n = 25
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.uniform(size=n)])
    y = X @ [1.0, 0.5, -1.0] + rng.normal(size=n) * (1 + X[:, 2])
    b, V, df = ols_cv3(y, X)
    loo = np.array(
        [np.linalg.lstsq(np.delete(X, g, 0), np.delete(y, g), rcond=None)[0] for g in range(n)]
    )
    d = loo - b
    np.testing.assert_allclose(V, (n - 1) / n * d.T @ d, rtol=1e-10)
    hc3 = sm.OLS(y, X).fit(cov_type="HC3").cov_params()
    np.testing.assert_allclose(V, (n - 1) / n * hc3, rtol=1e-10)
    assert df == n - 1


def test_bell_mccaffrey_df_matches_the_dense_formula():
    rng = np.random.default_rng(6)
    n = 30
    X = np.column_stack([np.ones(n), rng.lognormal(size=n), rng.integers(0, 2, n)])
    w = rng.lognormal(size=n)
    c = np.array([0.0, 1.0, 0.5])
    for power in (0.5, 1.0):
        Xw = X * np.sqrt(w)[:, None]
        H = Xw @ np.linalg.inv(Xw.T @ Xw) @ Xw.T
        a = Xw @ np.linalg.inv(Xw.T @ Xw) @ c
        D = np.diag(a**2 / (1 - np.diag(H)) ** (2 * power))
        Q = (np.eye(n) - H) @ D @ (np.eye(n) - H)
        dense = np.trace(Q) ** 2 / np.trace(Q @ Q)
        assert bell_mccaffrey_df(X, c, w, power=power) == pytest.approx(dense, rel=1e-10)
    # unbalanced two groups, OLS with HC2: Bell-McCaffrey df lies between n_small - 1 and n - 2
    g = np.r_[np.ones(12), np.zeros(80)]
    dfb = bell_mccaffrey_df(np.column_stack([np.ones(92), g]), [0, 1], power=0.5)
    assert 11 < dfb < 90


def test_score_test_agrees_with_wald_in_large_samples():
    posts, _ = simulate_posts(
        3000, elasticity=-0.3, quadratic=-0.05, price_per_follower=None, seed=8
    )
    t = fast_rates(posts)
    x = np.log(t["followers"].to_numpy())
    x = x - x.mean()
    X = np.column_stack([np.ones(len(x)), x, x**2])
    y, off = t["engagement_sum"].to_numpy(), np.log(t["engagement_n"].to_numpy())
    fit = poisson_fit(y, X, off)
    for c in ([0, 0, 1.0], [0, 1.0, 2 * x.min()], [0, 1.0, 2 * x.max()]):
        sc = score_test(y, X, off, c)
        w = wald(fit, np.asarray(c), 0.95, df="bell-mccaffrey")
        assert sc["statistic"] == pytest.approx(w["t"], rel=0.15, abs=0.3)
        assert sc["p_greater"] + sc["p_less"] == pytest.approx(1)


def test_glm_df_options():
    t = _sim_table(7, 12, 80)
    r = {
        df: glm_rate_ratio(t, "micro", "macro", df=df) for df in ("bell-mccaffrey", "min-1", "G-1")
    }
    assert r["min-1"].details["df"] == 11 and r["G-1"].details["df"] == 91
    assert len({round(v.estimate, 12) for v in r.values()}) == 1
    assert r["G-1"].ci_high < r["min-1"].ci_high
    with pytest.raises(ValueError):
        glm_rate_ratio(t, "micro", "macro", df="z")


def _segment_table(logf, slope=-0.2, seed=0):
    rng = np.random.default_rng(seed)
    f = np.exp(logf)
    em = 0.05 * f ** (1 + slope) * rng.lognormal(0, 0.4, len(f))
    return pd.DataFrame(
        {
            "followers": f,
            "engagement_sum": em * 8,
            "engagement_n": 8,
            "engagement_mean": em,
            "n_posts": 8,
        }
    )


def test_slopes_by_segment_recovers_a_planted_slope():
    rng = np.random.default_rng(9)
    t = _segment_table(rng.uniform(np.log(300), np.log(3e6), 3000))
    s = slopes_by_segment(t)
    assert list(s["segment"]) == ["all", "at least 1k", "at least 10k"]
    assert s["n_influencers"].is_monotonic_decreasing
    assert ((s["ci_low"] < -0.2) & (-0.2 < s["ci_high"])).all()
    assert ((s["ci_low"] < s["ci90_low"]) & (s["ci90_high"] < s["ci_high"])).all()
    ols = elasticity(t).details["ols"]
    assert s.loc[0, "rate_slope"] == pytest.approx(ols["slope"] - 1, rel=1e-12)
    assert s.loc[0, "ci_low"] == pytest.approx(ols["ci"][0] - 1, rel=1e-12)
    assert s.loc[0, "df"] == len(t) - 1


def test_follower_noise_full_sample_matches_the_formula():
    rng = np.random.default_rng(10)
    t = _segment_table(rng.uniform(np.log(300), np.log(3e6), 2000), slope=0.0)
    out = follower_noise_sensitivity(t, n_sims=200, seed=1)
    v = np.var(np.log(t["followers"]))
    full = out[out["segment"] == "all"]
    np.testing.assert_allclose(full["analytic"], -(full["sd"] ** 2) / v, rtol=1e-12)
    assert (abs(full["rate_slope"] - full["analytic"]) < 4 * full["mc_se"] + 2e-3).all()
    assert out.groupby("segment")["rate_slope"].apply(lambda s: s.is_monotonic_decreasing).all()
    assert out.loc[out["segment"] != "all", "analytic"].isna().all()


def test_follower_noise_segments_match_a_planted_truth():
    """True log followers uniform over 100 to 10M, reported = true x lognormal(0, 0.5): the
    attenuation differs by segment (it comes from the edges of the distribution); the
    function, given only the reported counts, recovers each segment's true spurious slope
    (to 0.003: its stand-in for the true followers, the reported ones shrunk to the right
    variance, is exact only for normal log followers; segments differ by 0.005-0.013)."""
    sd, n = 0.5, 5000
    rng = np.random.default_rng(11)

    def draw():
        true = rng.uniform(np.log(100), np.log(1e7), n)
        return true, true + rng.normal(0, sd, n)

    _, obs = draw()
    t = pd.DataFrame(
        {
            "followers": np.exp(obs),
            "engagement_sum": 10.0,
            "engagement_n": 1,
            "engagement_mean": 10.0,
        }
    )
    got = follower_noise_sensitivity(t, sds=(sd,), n_sims=200, seed=2).set_index("segment")
    truth = {}
    for name, lo in (("all", 0), ("at least 1k", 1e3), ("at least 10k", 1e4)):
        vals = []
        for _ in range(100):
            true, ob = draw()
            m = ob >= (np.log(lo) if lo else -np.inf)
            vals.append(np.cov(ob[m], true[m])[0, 1] / np.var(ob[m], ddof=1) - 1)
        truth[name] = np.mean(vals)
    assert truth["at least 1k"] - truth["at least 10k"] > 0.008  # segments do differ
    for name, v in truth.items():
        assert got.loc[name, "rate_slope"] == pytest.approx(v, abs=0.003), name
