"""Prices: a median with a bootstrap (large samples: order-statistic) interval, and the elasticity of price on followers.

The unit is the influencer (its mean price per priced post). Both results carry
``details["ci90"]``, the ``1 - 2 (1 - confidence)`` interval of the same computation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st
from statsmodels.tools.tools import add_constant

from ..config import ALPHA, LARGE_SAMPLE, N_RESAMPLES, SEED
from .bootstrap import bca_interval, jackknife_stat, resample_stat
from .glm import ols_cv3, t_summary
from .results import StatResult, check_sizes, handle_insufficient


def median_ci(
    values,
    *,
    confidence: float = 1 - ALPHA,
    n_resamples: int = N_RESAMPLES,
    interval: str = "percentile",
    seed=SEED,
    label: str = "values",
    insufficient: str = "raise",
) -> StatResult:
    """Median of ``values`` (one per influencer) with a bootstrap interval
    (``interval="percentile"`` or ``"bca"``); ``details["ci90"]`` from the same resamples.

    Coverage of the 95% percentile interval for the median macro price (C08) at 10-200
    influencers: 0.924-0.954 (BCa 0.922-0.954; bench/results/coverage.csv).

    >>> r = median_ci([100, 120, 90, 300, 80, 110, 95, 105, 130, 99, 101], seed=1)
    >>> round(r.estimate), r.ci_low <= r.details["ci90"][0] <= r.estimate <= r.ci_high
    (101, True)
    """

    def run():
        x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(float)
        flags = check_sizes({label: len(x)})
        est = float(np.median(x))
        level90 = 1 - 2 * (1 - confidence)
        how, reps = interval, None
        if len(x) >= LARGE_SAMPLE:  # the distribution-free interval: no resampling needed
            how = "order-statistic"
        else:
            reps = resample_stat(x, "median", n_resamples, np.random.default_rng(seed))

        def at(level):
            if how == "order-statistic":
                return median_order_interval(x, level)
            if how == "bca":
                return bca_interval(est, reps, jackknife_stat(x, "median"), level)
            return tuple(float(v) for v in np.quantile(reps, [(1 - level) / 2, (1 + level) / 2]))

        lo, hi = at(confidence)
        return StatResult(
            test="median",
            estimate=est,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            n_influencers={label: len(x)},
            method=f"median, {interval} bootstrap ({n_resamples} resamples)"
            if reps is not None
            else f"median, distribution-free order-statistic interval ({len(x)} values)",
            estimand=f"median of {label}",
            flags=tuple(flags),
            details={"ci90": list(at(level90)), "interval": how},
        )

    return handle_insufficient("median", insufficient, run)


def median_order_interval(x, confidence: float = 1 - ALPHA) -> tuple[float, float]:
    """Distribution-free interval of the median: the order statistics ``x_(l)`` and
    ``x_(n - l + 1)`` with ``l`` the largest count whose binomial(n, 1/2) tail stays at or
    below ``(1 - confidence) / 2`` (coverage at least ``confidence`` for any continuous
    distribution).

    >>> median_order_interval(np.arange(1.0, 101.0))
    (40.0, 61.0)
    """
    x = np.asarray(x, float)
    n = len(x)
    lo = int(st.binom.ppf((1 - confidence) / 2, n, 0.5))  # P(B <= lo - 1) <= alpha / 2
    lo = max(lo, 1)
    hi = n - lo + 1
    part = np.partition(x, [lo - 1, hi - 1])
    return float(part[lo - 1]), float(part[hi - 1])


def cost_elasticity(
    table: pd.DataFrame,
    *,
    cost: str = "cost_per_post",
    confidence: float = 1 - ALPHA,
    insufficient: str = "raise",
) -> StatResult:
    """Elasticity of price per post with respect to followers: OLS of log(price) on
    log(followers) over influencers, CV3 standard errors (= (G - 1) / G x HC3 with one
    influencer per cluster) and t(G - 1), like the other regressions
    (:func:`influtiers.stats.glm.ols_cv3`); coverage of the 95% interval
    0.941-0.954 at 20-400 priced influencers (C09; HC3 with t(n - 2): 0.942-0.956;
    bench/results/coverage.csv).

    A slope below 1 means the price per 1,000 followers (CPM by followers) falls as
    influencers grow; ``p_value`` tests slope = 1, ``p_values["less_than_1"]`` is its
    one-sided version; ``details["ci90"]`` the ``1 - 2 (1 - confidence)`` interval.

    >>> f = np.geomspace(1e3, 1e7, 50)
    >>> t = pd.DataFrame({"followers": f, "cost_per_post": 0.5 * f**0.8})
    >>> round(cost_elasticity(t).estimate, 3)
    0.8
    """

    def run():
        d = table[["followers", cost]].apply(pd.to_numeric, errors="coerce").dropna()
        d = d[(d["followers"] > 0) & (d[cost] > 0)]
        flags = check_sizes({"priced influencers": len(d)})
        X = add_constant(np.log(d["followers"].to_numpy()))
        params, V, df = ols_cv3(np.log(d[cost].to_numpy()), X)
        b, se = float(params[1]), float(np.sqrt(V[1, 1]))
        ts = t_summary(b, se, df, confidence, null=1.0)
        return StatResult(
            test="cost_elasticity",
            estimate=b,
            ci_low=ts["ci"][0],
            ci_high=ts["ci"][1],
            confidence=confidence,
            statistic={"t_slope_eq_1": ts["t"], "se": se, "df": float(df)},
            p_value=ts["p"],
            p_values={"less_than_1": ts["p_less"], "greater_than_1": ts["p_greater"]},
            n_influencers={"priced": len(d)},
            method=f"OLS of log price on log followers, CV3 SE, t with {df} df",
            estimand="elasticity of price per post w.r.t. followers (CPM falls iff < 1)",
            flags=tuple(flags),
            details={"intercept": float(params[0]), "ci90": ts["ci90"]},
        )

    return handle_insufficient("cost_elasticity", insufficient, run)
