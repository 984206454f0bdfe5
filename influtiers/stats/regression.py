"""Engagement and size: elasticity, the inverted U, and trends across ordered tiers.

The size models are Poisson pseudo-likelihood (PPML) models of per-post engagement on
log followers, fitted on the influencer table's sums: exactly the post-level PPML
clustered by influencer (:mod:`influtiers.stats.glm`), so the many posts of one
influencer are not counted as independent evidence. Inference: CV3 (leave-one-influencer-
out jackknife) with t on G - 1 df. The influencer-level second opinion is OLS on the log
of each influencer's mean engagement, HC3 standard errors and a t reference.

Examples
--------
>>> from influtiers.evidence import influencer_table
>>> from influtiers.stats.simulate import simulate_posts
>>> posts, truth = simulate_posts(300, elasticity=-0.3, seed=11)
>>> r = elasticity(influencer_table(posts))
>>> truth["engagement_slope"], round(r.estimate, 2), r.verdict
(0.7, 0.74, 'supported')
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as st
from statsmodels.stats.multitest import multipletests

from ..tiers import ABOVE, BELOW
from ._data import definition_label
from .glm import poisson_fit
from .results import InsufficientData, StatResult, check_sizes, handle_insufficient

TREND_VERDICTS = ("supported", "contradicted", "inconclusive")
INVERTED_U_VERDICTS = ("inverted-u", "u-shaped", "monotone", "inconclusive")


def _levels(table: pd.DataFrame, response: str) -> dict:
    """Influencer arrays for the size models: ``y`` (summed engagement), ``offset`` (log of
    the number of posts with engagement, or of the summed exposure for ``"rate"``),
    ``mean`` (mean engagement per post, or the rate sum ratio), ``logf``, ``n_posts``."""
    if response not in ("engagement", "rate"):
        raise ValueError("response must be 'engagement' or 'rate'")
    if response == "engagement":
        y, n, mean = "engagement_sum", "engagement_n", "engagement_mean"
    else:
        y, n, mean = "rated_sum", "exposure_sum", "rate_sum_ratio"
    for c in (y, n, "followers"):
        if c not in table:
            raise KeyError(f"the influencer table has no {c!r} column")
    ok = (table[n].to_numpy(dtype=float) > 0) & (table["followers"].to_numpy(dtype=float) > 0)
    t = table.loc[ok]
    return {
        "definition": definition_label(table),
        "y": t[y].to_numpy(float),
        "offset": np.log(t[n].to_numpy(float)),
        "mean": t[mean].to_numpy(float) if mean in t else t[y].to_numpy(float) / t[n].to_numpy(),
        "logf": _log_followers(t["followers"].to_numpy(float)),
        "n_posts": t["n_posts"].to_numpy() if "n_posts" in t else np.ones(len(t), int),
    }


def _log_followers(f: np.ndarray) -> np.ndarray:
    """log followers, checked: a slope on followers needs at least two distinct counts."""
    if len(f) and np.ptp(f) == 0:
        raise InsufficientData(
            f"followers: every influencer has the same follower count ({f[0]:,.0f}); "
            "no slope on followers can be estimated",
            reason="no-variation",
        )
    return np.log(f)


def _ols_log(y, logf, quadratic=False, center=0.0):
    ok = y > 0
    x = logf[ok] - center
    X = np.column_stack([np.ones(ok.sum()), x, x**2] if quadratic else [np.ones(ok.sum()), x])
    return sm.OLS(np.log(y[ok]), X).fit(cov_type="HC3"), int((~ok).sum())


def elasticity(
    table: pd.DataFrame,
    *,
    confidence: float = 0.95,
    insufficient: str = "raise",
) -> StatResult:
    """Elasticity of per-post engagement with respect to followers.

    ``estimate`` is the PPML slope ``b`` of ``log E[engagement per post]`` on
    ``log(followers)``: the influencer-level Poisson model of summed engagement with offset
    ``log(posts with engagement)``, identical to the post-level PPML clustered by
    influencer; CV3 SE, t(G - 1). The engagement-*rate* elasticity is ``b - 1``
    (``details["rate_elasticity"]`` with its CI); ``p_value`` tests ``b = 1`` ("the rate
    does not change with size"). ``details["ols"]`` holds the influencer-level OLS of
    log(mean engagement per post) on log(followers), HC3, t (each influencer weighs once).

    Verdict for the claim "the engagement rate falls with size" (on the PPML slope):
    ``supported`` if the CI of ``b - 1`` lies below 0, ``contradicted`` if it lies
    above 0, ``inconclusive`` otherwise.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, truth = simulate_posts(300, elasticity=0.0, seed=12)
    >>> r = elasticity(influencer_table(posts))
    >>> r.verdict, round(r.details["rate_elasticity"], 3)
    ('inconclusive', -0.003)
    """

    def run():
        d = _levels(table, "engagement")
        n_inf = len(d["y"])
        flags = check_sizes({"all": n_inf})
        X = np.column_stack([np.ones(n_inf), d["logf"]])
        fit = poisson_fit(d["y"], X, d["offset"], names=("intercept", "log followers"))
        b, se = float(fit.params[1]), float(fit.se[1])
        q = fit.t_quantile(confidence)
        ols, n_zero = _ols_log(d["mean"], d["logf"])
        tq = st.t.ppf(0.5 + confidence / 2, ols.df_resid)
        ob, ose = float(ols.params[1]), float(ols.bse[1])
        if n_zero:
            flags.append(f"{n_zero} influencers with zero mean engagement left out of the OLS")
        lo, hi = b - q * se, b + q * se
        if hi < 1:
            verdict = "supported"
        elif lo > 1:
            verdict = "contradicted"
        else:
            verdict = "inconclusive"
        zt = (b - 1) / se
        return StatResult(
            test="elasticity",
            estimate=b,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            statistic={"t_slope_eq_1": zt, "t_slope_eq_0": b / se, "se": se, "df": fit.df},
            p_value=float(2 * fit.dist.sf(abs(zt))),
            p_values={
                "rate_falls_one_sided": float(fit.dist.cdf(zt)),
                "ols_slope_eq_1": float(2 * st.t.sf(abs((ob - 1) / ose), ols.df_resid)),
            },
            n_influencers={"all": n_inf},
            n_posts={"all": int(np.sum(d["n_posts"]))},
            definition=d["definition"],
            method="PPML of influencer summed engagement on log followers, offset log(posts) "
            f"(= post-level PPML clustered by influencer), CV3 SE, t with {fit.df} df; "
            "second opinion OLS of log mean engagement (HC3)",
            unit="influencer",
            estimand="elasticity of engagement per post w.r.t. followers (rate elasticity = b - 1)",
            claim="the engagement rate falls with follower count (b < 1)",
            verdict=verdict,
            flags=tuple(flags),
            details={
                "intercept": float(fit.params[0]),
                "rate_elasticity": b - 1,
                "rate_elasticity_ci": [lo - 1, hi - 1],
                "se_hc0": float(math.sqrt(fit.cov_hc0[1, 1])),
                "ols": {
                    "intercept": float(ols.params[0]),
                    "slope": ob,
                    "ci": [ob - tq * ose, ob + tq * ose],
                    "se": ose,
                    "df": float(ols.df_resid),
                    "n": int(ols.nobs),
                },
            },
        )

    return handle_insufficient("elasticity", insufficient, run)


def _fieller(b1, b2, V, q):
    """Fieller set for x* = -b1 / (2 b2) at critical value ``q`` (bounded or None)."""
    a2 = 4 * b2**2 - 4 * q**2 * V[2, 2]
    a1 = 4 * b1 * b2 - 4 * q**2 * V[1, 2]
    a0 = b1**2 - q**2 * V[1, 1]
    disc = a1**2 - 4 * a2 * a0
    if a2 <= 0 or disc < 0:
        return (-math.inf, math.inf)
    r = math.sqrt(disc)
    return ((-a1 - r) / (2 * a2), (-a1 + r) / (2 * a2))


def inverted_u(
    table: pd.DataFrame,
    *,
    method: str = "ppml",
    response: str = "engagement",
    alpha: float = 0.05,
    insufficient: str = "raise",
) -> StatResult:
    """Is engagement an inverted U of log(followers)? Lind & Mehlum (2010) test.

    Model: ``log E[y] = b0 + b1 x + b2 x^2`` with ``x = log(followers) - mean``.
    ``method="ppml"`` (default): Poisson PML of the influencer table's summed engagement
    with offset log(posts with engagement) (= the post-level PPML clustered by
    influencer), CV3 SEs and t(G - 1); ``method="ols"``: OLS of log influencer mean on
    ``x, x^2`` with HC3 SEs (t reference). ``response="rate"`` models the engagement rate
    (offset log exposure).

    Lind-Mehlum: H0 "slope <= 0 at the lowest x or >= 0 at the highest x" against
    H1 "positive at the low end and negative at the high end"; the joint p-value is
    the larger of the two one-sided p-values (``p_value``). ``estimate`` is the
    turning point in followers, ``ci_low``/``ci_high`` its delta-method interval
    (``details["fieller"]`` the Fieller interval; unbounded as inf).

    Verdicts: ``inverted-u`` (LM rejects at ``alpha`` and the turning point lies in
    the data range), ``u-shaped`` (the mirror test rejects), ``monotone`` (the
    end slopes share a sign, each significant one-sided at ``alpha``: no turning
    point in range), ``inconclusive`` otherwise.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, truth = simulate_posts(300, elasticity=-0.5, quadratic=-0.2, seed=4)
    >>> r = inverted_u(influencer_table(posts))
    >>> r.verdict, round(truth["engagement_turning_followers"]), round(r.estimate)
    ('inverted-u', 110374, 118025)
    """
    if method not in ("ppml", "ols"):
        raise ValueError("method must be 'ppml' or 'ols'")

    def run():
        d = _levels(table, response)
        n_inf = len(d["y"])
        flags = check_sizes({"all": n_inf})
        center = float(np.mean(d["logf"]))
        xl, xh = float(np.min(d["logf"]) - center), float(np.max(d["logf"]) - center)
        n_posts = int(np.sum(d["n_posts"]))
        x = d["logf"] - center
        if method == "ppml":
            fit = poisson_fit(d["y"], np.column_stack([np.ones(n_inf), x, x**2]), d["offset"],
                              names=("intercept", "log followers", "log followers squared"))  # fmt: skip
            unit = "influencer"
            how = f"PPML of influencer sums (= post-level, clustered), CV3 SE, t({fit.df})"
            dist = fit.dist
            b = np.asarray(fit.params, float)
            V = np.asarray(fit.cov_cv3, float)
        else:
            ols, n_zero = _ols_log(d["mean"], d["logf"], quadratic=True, center=center)
            if n_zero:
                flags.append(f"{n_zero} influencers with zero mean left out of the log OLS")
            unit, how = "influencer", "OLS of log influencer mean, HC3 SE"
            dist = st.t(ols.df_resid)
            b = np.asarray(ols.params, float)
            V = np.asarray(ols.cov_params(), float)
        b1, b2 = b[1], b[2]

        def slope(x0):
            g = np.array([0.0, 1.0, 2 * x0])
            return float(g @ b), float(math.sqrt(g @ V @ g))

        sl, sel = slope(xl)
        sh, seh = slope(xh)
        tl, th = sl / sel, sh / seh
        p_inv = max(float(dist.sf(tl)), float(dist.cdf(th)))
        p_u = max(float(dist.cdf(tl)), float(dist.sf(th)))
        xs = -b1 / (2 * b2)
        grad = np.array([0.0, -1 / (2 * b2), b1 / (2 * b2**2)])
        se_xs = float(math.sqrt(grad @ V @ grad))
        q = float(dist.ppf(1 - alpha / 2))
        f_lo, f_hi = _fieller(b1, b2, V, q)
        inside = xl <= xs <= xh
        same_sign = sl * sh > 0
        p_mono = max(
            float(dist.sf(tl)) if sl > 0 else float(dist.cdf(tl)),
            float(dist.sf(th)) if sh > 0 else float(dist.cdf(th)),
        )
        if p_inv < alpha and inside:
            verdict = "inverted-u"
        elif p_u < alpha and inside:
            verdict = "u-shaped"
        elif same_sign and p_mono < alpha:
            verdict = "monotone"
        else:
            verdict = "inconclusive"
        if not inside:
            flags.append("turning point outside the observed follower range")

        def fol(v):
            w = v + center
            if not math.isfinite(w) or w > 700:
                return math.inf if w > 0 else 0.0
            return math.exp(max(w, -700.0))

        return StatResult(
            test="inverted_u",
            estimate=fol(xs),
            ci_low=fol(xs - q * se_xs),
            ci_high=fol(xs + q * se_xs),
            confidence=1 - alpha,
            statistic={"t_low_end": tl, "t_high_end": th, "b1": b1, "b2": b2},
            p_value=p_inv,
            p_values={
                "lind_mehlum": p_inv,
                "u_shape": p_u,
                "monotone": p_mono,
                "quadratic_term": float(2 * dist.sf(abs(b2 / math.sqrt(V[2, 2])))),
            },
            n_influencers={"all": n_inf},
            n_posts={"all": n_posts},
            definition=d["definition"],
            method=f"{how}; quadratic in log followers; Lind-Mehlum test; delta-method CI",
            unit=unit,
            estimand=f"turning point (followers) of {response} in log followers",
            claim=f"{response} is an inverted U of follower count",
            verdict=verdict,
            flags=tuple(flags),
            details={
                "slope_low": sl,
                "slope_high": sh,
                "followers_range": [fol(xl), fol(xh)],
                "turning_log_followers": xs + center,
                "fieller": [fol(f_lo), fol(f_hi)],
                "center_log_followers": center,
                "intercept": float(b[0]),
                "response": response,
                "method": method,
            },
        )

    return handle_insufficient("inverted_u", insufficient, run)


def _trend_ci(r, n, method, confidence):
    z = st.norm.ppf(0.5 + confidence / 2)
    if n <= 4 or abs(r) >= 1:
        return (math.nan, math.nan)
    se = math.sqrt((1 + r**2 / 2) / (n - 3)) if method == "spearman" else math.sqrt(0.437 / (n - 4))
    zr = math.atanh(r)
    return (math.tanh(zr - z * se), math.tanh(zr + z * se))


def tier_trend(
    table: pd.DataFrame,
    value: str = "rate_median",
    order=None,
    *,
    group: str = "tier",
    method: str = "spearman",
    pairwise: str = "mannwhitney",
    adjust: str = "holm",
    alpha: float = 0.05,
    confidence: float = 0.95,
    insufficient: str = "raise",
) -> StatResult:
    """Does ``value`` decline across ordered tiers?

    ``estimate`` is Spearman's rho (or Kendall's tau-b, ``method="kendall"``)
    between influencer ``value`` and tier rank, with a Fisher-z interval
    (Bonett-Wright SE for rho, Fieller-Hartley-Pearson for tau). Adjacent tiers are
    compared by Mann-Whitney (``pairwise="mannwhitney"``) or Welch t on logs
    (``"welch-log"``), p-values adjusted by ``adjust`` (``"holm"`` or ``"fdr_bh"``,
    :func:`statsmodels.stats.multitest.multipletests`): ``details["pairs"]``.

    ``order`` defaults to the ordered categories of ``group`` present in the data
    (``below``/``above`` left out). Tiers with fewer than 10 influencers are
    dropped with a flag; fewer than two tiers left raises :class:`InsufficientData`.

    Verdict for "declines across tiers": ``supported`` (negative correlation,
    p < alpha), ``contradicted`` (positive, p < alpha), ``inconclusive``.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, _ = simulate_posts(tiers={"nano": 60, "micro": 60, "macro": 60},
    ...                           tier_ratio={"nano": 2.0, "micro": 1.4}, seed=8)
    >>> r = tier_trend(influencer_table(posts))
    >>> r.verdict, [p["reject"] for p in r.details["pairs"]]
    ('supported', [True, True])
    """
    if method not in ("spearman", "kendall"):
        raise ValueError("method must be 'spearman' or 'kendall'")
    if pairwise not in ("mannwhitney", "welch-log"):
        raise ValueError("pairwise must be 'mannwhitney' or 'welch-log'")

    def run():
        col = table[group]
        if order is None:
            cats = (
                list(col.cat.categories)
                if isinstance(col.dtype, pd.CategoricalDtype)
                else sorted(col.dropna().unique())
            )
            levels = [c for c in cats if c not in (BELOW, ABOVE)]
        else:
            levels = list(order)
        v = pd.to_numeric(table[value], errors="coerce")
        flags = []
        kept, vals = [], []
        g = col.astype("object")
        for lev in levels:
            x = v[(g == lev).to_numpy()].dropna().to_numpy(float)
            if len(x) == 0:
                continue
            if len(x) < 10:
                flags.append(f"tier {lev!r} dropped: {len(x)} influencers (need 10)")
                continue
            kept.append(lev)
            vals.append(x)
        if len(kept) < 2:
            raise InsufficientData(
                "fewer than two tiers with at least 10 influencers",
                sizes={str(k): len(x) for k, x in zip(kept, vals, strict=True)},
            )
        sizes = {str(k): len(x) for k, x in zip(kept, vals, strict=True)}
        flags += check_sizes(sizes)
        rank = np.concatenate([np.full(len(x), i) for i, x in enumerate(vals)])
        allv = np.concatenate(vals)
        if method == "spearman":
            r, p = st.spearmanr(rank, allv)
        else:
            r, p = st.kendalltau(rank, allv, variant="b")
        r, p = float(r), float(p)
        lo, hi = _trend_ci(r, len(allv), method, confidence)
        pairs = []
        for (l1, x1), (l2, x2) in zip(
            zip(kept, vals, strict=True), zip(kept[1:], vals[1:], strict=True), strict=False
        ):
            if pairwise == "mannwhitney":
                s, pp = st.mannwhitneyu(x2, x1, alternative="two-sided")
                ratio = float(np.median(x2) / np.median(x1)) if np.median(x1) else math.nan
            else:
                a2, a1 = x2[x2 > 0], x1[x1 > 0]
                s, pp = st.ttest_ind(np.log(a2), np.log(a1), equal_var=False)
                ratio = float(np.exp(np.log(a2).mean() - np.log(a1).mean()))
            pairs.append(
                {
                    "from": str(l1),
                    "to": str(l2),
                    "n_from": len(x1),
                    "n_to": len(x2),
                    "ratio": ratio,
                    "statistic": float(s),
                    "p_raw": float(pp),
                }
            )
        rej, padj, _, _ = multipletests([q["p_raw"] for q in pairs], alpha=alpha, method=adjust)
        for q, rj, pa in zip(pairs, rej, padj, strict=True):
            q["p_adj"] = float(pa)
            q["reject"] = bool(rj)
            q["direction"] = "down" if q["ratio"] < 1 else "up"
        if p < alpha and r < 0:
            verdict = "supported"
        elif p < alpha and r > 0:
            verdict = "contradicted"
        else:
            verdict = "inconclusive"
        n_posts = {}
        if "n_posts" in table:
            for lev in kept:
                n_posts[str(lev)] = int(table.loc[(g == lev).to_numpy(), "n_posts"].sum())
        stat_name = "Spearman rho" if method == "spearman" else "Kendall tau-b"
        ratio_name = "ratio of medians" if pairwise == "mannwhitney" else "ratio of geometric means"
        return StatResult(
            test="tier_trend",
            estimate=r,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            statistic={method: r},
            p_value=p,
            p_values={f"{q['from']}->{q['to']}": q["p_adj"] for q in pairs},
            n_influencers=sizes,
            n_posts=n_posts,
            definition=definition_label(table),
            method=f"{stat_name} of {value} with tier rank (Fisher-z CI); adjacent tiers by "
            f"{'Mann-Whitney' if pairwise == 'mannwhitney' else 'Welch t on logs'}, "
            f"{adjust} adjusted; pair effect = {ratio_name}",
            unit="influencer",
            estimand=f"rank correlation of influencer {value} with tier order {kept}",
            claim=f"{value} declines across tiers {' > '.join(map(str, kept))}",
            verdict=verdict,
            flags=tuple(flags),
            details={
                "order": [str(k) for k in kept],
                "pairs": pairs,
                "all_steps_decline": all(q["reject"] and q["direction"] == "down" for q in pairs),
            },
        )

    return handle_insufficient("tier_trend", insufficient, run)


def fitted_curve(
    result: StatResult, followers, *, rate: bool = False, model: str = "ppml", n: int = 60
) -> pd.DataFrame:
    """The fitted mean engagement per post (or rate, ``rate=True``) of an
    :func:`elasticity` or :func:`inverted_u` result (PPML: exp of the linear predictor)
    over a log-spaced follower grid spanning ``followers``. ``model="ols"`` draws the
    elasticity's influencer-level OLS fit instead (a geometric-mean curve: each
    influencer weighs once).

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, _ = simulate_posts(200, seed=3)
    >>> fitted_curve(elasticity(influencer_table(posts)), posts["followers"], n=5).shape
    (5, 2)
    """
    f = pd.to_numeric(pd.Series(followers), errors="coerce")
    f = f[f > 0]
    if len(f) == 0 or result.verdict == "not-testable":
        return pd.DataFrame({"followers": [], "fitted": []}, dtype=float)
    grid = np.geomspace(f.min(), f.max(), n)
    x = np.log(grid)
    b0 = result.details.get("intercept", np.nan)
    if result.test == "elasticity" and model == "ols":
        ols = result.details["ols"]
        lin = ols["intercept"] + ols["slope"] * x
    elif result.test == "elasticity":
        lin = b0 + result.estimate * x
    elif result.test == "inverted_u":
        xc = x - result.details["center_log_followers"]
        lin = b0 + result.statistic["b1"] * xc + result.statistic["b2"] * xc**2
    else:
        raise ValueError("fitted_curve needs an elasticity or inverted_u result")
    fitted = np.exp(lin)
    if rate:
        fitted = fitted / grid
    return pd.DataFrame({"followers": grid, "fitted": fitted})
