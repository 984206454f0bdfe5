"""Coverage of every interval the ledger decides with, at small and unbalanced designs.

Run by hand (tens of minutes on 2 cores); prints a table and writes
``bench/results/coverage.csv``, ``bench/results/lind_mehlum_size.csv`` and, with
``--truth``, ``bench/results/coverage_truth.csv``::

    python bench/coverage_study.py --truth              # the committed study
    python bench/coverage_study.py --reps 200 --designs 10x10 --lm-reps 0   # a quick look

Simulation (``simulate_posts`` defaults: influencer SD 0.5, overdispersion 0.5, 5-15 posts
per influencer, followers log-uniform within each tier's bounds, price 0.01 per follower
x lognormal(0, 0.3)). Designs ``n_a x n_b``: 10x10, 12x80, 15x15, 30x30, 60x60, 200x200
at influencer SD 0.5 (gated) and 12x80 at SD 1.0 (reported). Each replicate draws

* data set A: ``{"micro": n_a, "macro": n_b, "nano": n_b}`` with ``tier_ratio={"micro": 1.5}``;
* data set B: ``{"micro": n_a, "macro": n_b}`` with no tier effect and rate elasticity 0
  (for the slopes, whose truth a tier step would bend).

Intervals and their truth (``true_value``):

* C04 ``rate_ratio(method="bootstrap-mean")`` micro/macro, ratio of tier means of
  ``rate_mean``: 1.5 (the influencer effect and post noise are independent of followers).
* C03 ``absolute_ratio(value="likes per post")`` macro/micro, ratio of tier means:
  ``(1 / 1.5) E[F_macro] / E[F_micro]``; C06 ``absolute_ratio(value="engagement_mean")``
  micro/nano: ``1.5 E[F_micro] / E[F_nano]``, with ``E[F] = (hi - lo) / log(hi / lo) - 1/2``
  for followers log-uniform on ``[lo, hi)`` and floored (the -1/2); likes are 90% of
  engagement in both tiers. Checked by :func:`truth_check` (10 x 300,000 influencers).
* C10 ``absolute_ratio(value="cost_per_engagement", stat="median")`` micro/macro: cost per
  engagement = ``0.01 exp(v) / (base x tier ratio x exp(u) x mean post noise)`` does not
  depend on followers, so the ratio of tier medians is ``1 / 1.5``.
* C05 OLS slope of log mean engagement on log followers (``elasticity(...).details["ols"]``)
  and the PPML slope: ``1 + elasticity`` = 1 (data set B).
* Reported: GLM rate ratios (1.5), ``bootstrap-median`` and ``median-ratio`` (1.5 up to
  Poisson discreteness), C02 TOST 90% interval and its 95% twin (ratio of geometric means
  of ``rate_median``, 1.5), C08 ``median_ci`` of macro prices (``0.01 sqrt(1e5 x 1e6)``:
  log price is uniform + normal, symmetric), C09 ``cost_elasticity`` (1), C14
  ``sponsored_penalty`` (Welch; the first third of each micro/macro influencer's posts
  are sponsored and their engagement thinned to 90% (micro) / 75% (macro): 0.9 / 0.75).

Lind-Mehlum size (``inverted_u`` on data set C: 40 and 200 influencers over 1k-1M
followers, a quadratic in log followers whose vertex sits at the low or the high end of
the follower range, curvature -0.1, so the end slope there is exactly 0): rejection rate
of ``p_values["lind_mehlum"] < 0.05`` with ``test="score"`` (default) and ``"wald"``.
"""

from __future__ import annotations

import argparse
import math
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as st

from influtiers.stats import (
    absolute_ratio,
    cost_elasticity,
    elasticity,
    equivalence_test,
    inverted_u,
    median_ci,
    rate_ratio,
    sponsored_penalty,
)
from influtiers.stats.glm import poisson_fit, wald
from influtiers.stats.lift import glm_rate_ratio
from influtiers.stats.simulate import fast_rates, simulate_posts

OUT = Path(__file__).parent / "results"
DESIGNS = ((10, 10), (12, 80), (15, 15), (30, 30), (60, 60), (200, 200))
SD1_DESIGNS = ((12, 80),)
RATIO = 1.5
PENALTY = {"micro": 0.9, "macro": 0.75}


def mean_followers(lo: float, hi: float) -> float:
    """E[floor(F)] for F log-uniform on [lo, hi)."""
    return (hi - lo) / math.log(hi / lo) - 0.5


TRUTH = {
    "C04": RATIO,
    "C02": RATIO,
    "C03": mean_followers(1e5, 1e6) / mean_followers(1e4, 1e5) / RATIO,
    "C06": RATIO * mean_followers(1e4, 1e5) / mean_followers(100, 1e4),
    "C10": 1 / RATIO,
    "C08": 0.01 * math.sqrt(1e5 * 1e6),
    "C14": PENALTY["micro"] / PENALTY["macro"],
    "slope": 1.0,
}
#: (method label, claim key): the intervals the ledger decides with; gated at SD 0.5.
GATED = ("C04 ", "C03 ", "C06 ", "C10 ", "C05 ")


def influencer_arrays(posts: pd.DataFrame, truth: dict) -> pd.DataFrame:
    """The influencer table of simulated posts (numpy; the columns the tests read)."""
    t = fast_rates(posts)
    acc = posts["account_id"].to_numpy()
    brk = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])
    t["tier"] = truth["influencers"]["tier"].to_numpy()
    t["likes_sum"] = np.add.reduceat(posts["likes"].to_numpy(float), brk)
    t["likes_n"] = t["n_posts"]
    if "cost" in posts:
        t["cost_per_post"] = posts["cost"].to_numpy(float)[brk]
        em = t["engagement_mean"].where(t["engagement_mean"] > 0)
        t["cost_per_engagement"] = t["cost_per_post"] / em
    return t


def sponsored_table(posts: pd.DataFrame, truth: dict, rng) -> pd.DataFrame:
    """Two rows per micro/macro influencer (organic, sponsored): the first third of its posts
    are sponsored, their likes and comments thinned to ``PENALTY[tier]``."""
    inf = truth["influencers"]
    k = inf["n_posts"].to_numpy()
    tier = inf["tier"].to_numpy()
    within = np.arange(len(posts)) - np.repeat(np.cumsum(k) - k, k)
    spons = within < np.repeat(np.ceil(k / 3), k)
    keep = np.isin(np.repeat(tier, k), ("micro", "macro"))
    p = posts.loc[keep].copy()
    spons = spons[keep]
    thin = np.repeat(pd.Series(tier).map(PENALTY).fillna(1.0).to_numpy(), k)[keep]
    for c in ("likes", "comments"):
        v = p[c].to_numpy(np.int64)
        p[c] = np.where(spons, rng.binomial(v, thin), v).astype(float)
    tiers = dict(zip(inf["account_id"], tier, strict=True))
    rows = []
    for flag in (False, True):
        fr = fast_rates(p.loc[spons == flag])
        rows.append(
            pd.DataFrame(
                {
                    "platform": "instagram",
                    "account_id": fr["account_id"],
                    "sponsored": flag,
                    "tier": fr["account_id"].map(tiers),
                    "followers": fr["followers"],
                    "rate_median": fr["rate_median"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _hit(lo, hi, truth) -> tuple[bool, bool, bool]:
    return (lo <= truth <= hi, hi < truth, lo > truth)


def replicate(args) -> dict:
    """All intervals of one simulated data set: ``{(method, interval, default, n_a, n_b,
    true_value, confidence): (covered, below, above)}``."""
    na, nb, sd, seed, B = args
    out = {}

    def rec(method, interval, default, n_a, n_b, truth, lo, hi, conf=0.95):
        out[(method, interval, default, n_a, n_b, truth, conf)] = _hit(lo, hi, truth)

    rng = np.random.default_rng(seed)
    posts, truth = simulate_posts(
        tiers={"micro": na, "macro": nb, "nano": nb},
        tier_ratio={"micro": RATIO},
        sd_influencer=sd,
        seed=seed,
    )
    t = influencer_arrays(posts, truth)
    for iv in ("studentized-t", "studentized", "jackknife-t", "percentile", "bca"):
        r = rate_ratio(
            t, "micro", "macro", method="bootstrap-mean", interval=iv, n_resamples=B, seed=seed
        )
        rec(
            "C04 rate_ratio bootstrap-mean",
            iv,
            iv == "studentized-t",
            na,
            nb,
            TRUTH["C04"],
            r.ci_low,
            r.ci_high,
        )
    for fam in ("poisson", "negbin"):
        for df in ("bell-mccaffrey", "min-1", "G-1"):
            r = glm_rate_ratio(t, "micro", "macro", family=fam, df=df)
            rec(
                f"rate_ratio glm-{fam}",
                f"cv3-t({df})",
                df == "bell-mccaffrey",
                na,
                nb,
                RATIO,
                r.ci_low,
                r.ci_high,
            )
    for m in ("bootstrap-median", "median-ratio"):
        for iv in ("bca", "percentile"):
            r = rate_ratio(t, "micro", "macro", method=m, interval=iv, n_resamples=B, seed=seed)
            rec(f"rate_ratio {m}", iv, iv == "bca", na, nb, RATIO, r.ci_low, r.ci_high)
    for key, a, b, value, n_a, n_b in (
        ("C03", "macro", "micro", "likes per post", nb, na),
        ("C06", "micro", "nano", "engagement_mean", na, nb),
    ):
        for iv in ("studentized-t", "studentized", "percentile", "bca"):
            r = absolute_ratio(t, a, b, value=value, interval=iv, n_resamples=B, seed=seed)
            rec(
                f"{key} absolute_ratio {value} {a}/{b}",
                iv,
                iv == "studentized-t",
                n_a,
                n_b,
                TRUTH[key],
                r.ci_low,
                r.ci_high,
            )
    for iv in ("bca", "percentile"):
        r = absolute_ratio(
            t,
            "micro",
            "macro",
            value="cost_per_engagement",
            stat="median",
            alternative="less",
            interval=iv,
            n_resamples=B,
            seed=seed,
        )
        rec(
            "C10 absolute_ratio cost_per_engagement median micro/macro",
            iv,
            iv == "bca",
            na,
            nb,
            TRUTH["C10"],
            r.ci_low,
            r.ci_high,
        )
    r = equivalence_test(t, "micro", "macro", value="rate_median")
    rec(
        "C02 equivalence_test rate_median (TOST)",
        "pooled-t 90%",
        True,
        na,
        nb,
        TRUTH["C02"],
        r.ci_low,
        r.ci_high,
        conf=0.90,
    )
    lo95, hi95 = r.details["ci95"]
    rec(
        "C02 equivalence_test rate_median (TOST)",
        "pooled-t 95% (ci95)",
        False,
        na,
        nb,
        TRUTH["C02"],
        lo95,
        hi95,
    )
    macro_price = t.loc[t["tier"] == "macro", "cost_per_post"]
    for iv in ("percentile", "bca"):
        r = median_ci(macro_price, interval=iv, n_resamples=B, seed=seed)
        rec(
            "C08 median_ci macro price",
            iv,
            iv == "percentile",
            nb,
            0,
            TRUTH["C08"],
            r.ci_low,
            r.ci_high,
        )
    r = sponsored_penalty(sponsored_table(posts, truth, rng), "micro", "macro")
    rec(
        "C14 sponsored_penalty micro/macro",
        "welch-t",
        True,
        na,
        nb,
        TRUTH["C14"],
        r.ci_low,
        r.ci_high,
    )

    posts, truth = simulate_posts(
        tiers={"micro": na, "macro": nb}, sd_influencer=sd, seed=seed + 7_777_777
    )
    t = influencer_arrays(posts, truth)
    e = elasticity(t)
    lo, hi = e.details["ols"]["ci"]
    rec("C05 elasticity OLS slope", "cv3-t(G-1)", True, na, nb, TRUTH["slope"], lo, hi)
    G = len(t)
    X = sm.add_constant(np.log(t["followers"].to_numpy()))
    for col, label in (
        ("engagement_mean", "C05 elasticity OLS slope"),
        ("cost_per_post", "C09 cost_elasticity"),
    ):
        ols = sm.OLS(np.log(t[col].to_numpy()), X).fit(cov_type="HC3")
        q = st.t.ppf(0.975, G - 2)
        b, se = ols.params[1], ols.bse[1]
        rec(label, "hc3-t(n-2)", False, na, nb, TRUTH["slope"], b - q * se, b + q * se)
    r = cost_elasticity(t)
    rec("C09 cost_elasticity", "cv3-t(G-1)", True, na, nb, TRUTH["slope"], r.ci_low, r.ci_high)
    rec(
        "elasticity PPML slope",
        "cv3-t(bell-mccaffrey)",
        True,
        na,
        nb,
        TRUTH["slope"],
        e.ci_low,
        e.ci_high,
    )
    fit = poisson_fit(t["engagement_sum"].to_numpy(), X, np.log(t["engagement_n"].to_numpy()))
    lo, hi = wald(fit, 1, 0.95, df="G-1")["ci"]
    rec("elasticity PPML slope", "cv3-t(G-1)", False, na, nb, TRUTH["slope"], lo, hi)
    return out


def coverage(designs, sd, reps, B, workers, seed0) -> pd.DataFrame:
    rows = []
    for k, (na, nb) in enumerate(designs):
        t0 = time.time()
        jobs = [(na, nb, sd, seed0 + 100_000 * k + i, B) for i in range(reps)]
        with Pool(workers) as pool:
            res = pool.map(replicate, jobs, chunksize=max(1, reps // (8 * workers)))
        for key in res[0]:
            method, interval, default, n_a, n_b, truth, conf = key
            h = np.array([r[key] for r in res], dtype=float)
            c = float(h[:, 0].mean())
            rows.append(
                {
                    "method": method,
                    "interval": interval,
                    "default": bool(default),
                    "n_a": n_a,
                    "n_b": n_b,
                    "posts_per_influencer": "5-15",
                    "sd_influencer": sd,
                    "true_value": truth,
                    "replicates": reps,
                    "coverage": c,
                    "mc_se": math.sqrt(c * (1 - c) / reps),
                    "confidence": conf,
                    "miss_below": float(h[:, 1].mean()),
                    "miss_above": float(h[:, 2].mean()),
                    "gated": bool(default) and sd == 0.5 and method.startswith(GATED),
                }
            )
        print(f"  {na}x{nb} at SD {sd}: {reps} replicates in {time.time() - t0:.0f} s", flush=True)
    return pd.DataFrame(rows)


def lm_replicate(args) -> dict:
    n, end, seed = args
    ref = math.sqrt(1e3 * 1e6)
    x_end = math.log((1e3 if end == "low" else 1e6) / ref)
    q = -0.1
    posts, _ = simulate_posts(
        n, elasticity=-1 - 2 * q * x_end, quadratic=q, price_per_follower=None, seed=seed
    )
    t = fast_rates(posts)
    return {
        test: inverted_u(t, test=test).p_values["lind_mehlum"] < 0.05 for test in ("score", "wald")
    }


def lind_mehlum_size(reps, workers, seed0) -> pd.DataFrame:
    rows = []
    for k, (n, end) in enumerate(((40, "low"), (40, "high"), (200, "low"), (200, "high"))):
        jobs = [(n, end, seed0 + 1_000_000 * k + i) for i in range(reps)]
        with Pool(workers) as pool:
            res = pool.map(lm_replicate, jobs, chunksize=max(1, reps // (8 * workers)))
        for test in ("score", "wald"):
            size = float(np.mean([r[test] for r in res]))
            rows.append(
                {
                    "test": test,
                    "default": test == "score",
                    "n_influencers": n,
                    "vertex_at": end,
                    "replicates": reps,
                    "size": size,
                    "mc_se": math.sqrt(0.05 * 0.95 / reps),
                    "limit": 0.05 + 2 * math.sqrt(0.05 * 0.95 / reps),
                }
            )
    return pd.DataFrame(rows)


def truth_check(n: int = 300_000, runs: int = 10) -> pd.DataFrame:
    """Each claim's true value against a large simulation (mean over ``runs`` data sets of
    ``n`` influencers per tier, with its standard error)."""
    vals = {k: [] for k in ("C04", "C03", "C06", "C10", "C08", "C02", "C14")}
    for s in range(runs):
        posts, truth = simulate_posts(
            tiers={"micro": n, "macro": n, "nano": n}, tier_ratio={"micro": RATIO}, seed=777 + s
        )
        t = influencer_arrays(posts, truth)
        g = {k: t[t["tier"] == k] for k in ("nano", "micro", "macro")}
        lp = {k: g[k]["likes_sum"] / g[k]["likes_n"] for k in g}
        vals["C04"].append(g["micro"]["rate_mean"].mean() / g["macro"]["rate_mean"].mean())
        vals["C03"].append(lp["macro"].mean() / lp["micro"].mean())
        vals["C06"].append(
            g["micro"]["engagement_mean"].mean() / g["nano"]["engagement_mean"].mean()
        )
        vals["C10"].append(
            g["micro"]["cost_per_engagement"].median() / g["macro"]["cost_per_engagement"].median()
        )
        vals["C08"].append(g["macro"]["cost_per_post"].median())
        lr = {k: np.log(g[k]["rate_median"]).mean() for k in ("micro", "macro")}
        vals["C02"].append(math.exp(lr["micro"] - lr["macro"]))
        sp = sponsored_table(posts, truth, np.random.default_rng(s))
        w = sp.pivot_table(index=["account_id", "tier"], columns="sponsored", values="rate_median")
        w = np.log(w[True] / w[False]).groupby(level="tier").mean()
        vals["C14"].append(math.exp(w["micro"] - w["macro"]))
    rows = []
    for k, v in vals.items():
        v = np.asarray(v)
        rows.append(
            {
                "claim": k,
                "derived": TRUTH[k],
                "simulated": v.mean(),
                "se": v.std(ddof=1) / math.sqrt(len(v)),
            }
        )
    return pd.DataFrame(rows)


def _designs(text):
    return tuple(tuple(int(v) for v in d.split("x")) for d in text.split(",") if d)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=2000, help="replicates per design")
    ap.add_argument("--designs", type=_designs, default=DESIGNS, help="e.g. 10x10,12x80")
    ap.add_argument("--sd1-designs", type=_designs, default=SD1_DESIGNS)
    ap.add_argument("--lm-reps", type=int, default=10000, help="Lind-Mehlum replicates (0: skip)")
    ap.add_argument("--B", type=int, default=2000, help="bootstrap resamples")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--truth", action="store_true", help="also run truth_check() (~10 min)")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)
    if a.truth:
        tc = truth_check()
        tc.to_csv(a.out / "coverage_truth.csv", index=False)
        print(tc.to_string(index=False))
    parts = [coverage(a.designs, 0.5, a.reps, a.B, a.workers, 10_000_000)]
    if a.sd1_designs:
        parts.append(coverage(a.sd1_designs, 1.0, a.reps, a.B, a.workers, 20_000_000))
    df = pd.concat(parts, ignore_index=True)
    df.to_csv(a.out / "coverage.csv", index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 1000):
        view = df.assign(design=df["n_a"].astype(str) + "x" + df["n_b"].astype(str))
        print(
            view[
                [
                    "method",
                    "interval",
                    "default",
                    "design",
                    "sd_influencer",
                    "confidence",
                    "coverage",
                    "mc_se",
                    "miss_below",
                    "miss_above",
                    "gated",
                ]
            ].to_string(index=False, float_format=lambda v: f"{v:.4f}")
        )
    bad = df[df["gated"] & ~df["coverage"].between(0.93, 0.97)]
    print(f"gate (every gated row in [0.93, 0.97]): {'PASS' if bad.empty else 'FAIL'}")
    if a.lm_reps:
        lm = lind_mehlum_size(a.lm_reps, a.workers, 30_000_000)
        lm.to_csv(a.out / "lind_mehlum_size.csv", index=False)
        print(lm.to_string(index=False, float_format=lambda v: f"{v:.4f}"))


if __name__ == "__main__":
    main()
