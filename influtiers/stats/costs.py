"""Prices: a median with a bootstrap interval, and the elasticity of price on followers.

The unit is the influencer (its mean price per priced post).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as st

from .bootstrap import bca_interval, jackknife_stat, resample_stat
from .results import StatResult, check_sizes, handle_insufficient


def median_ci(
    values,
    *,
    confidence: float = 0.95,
    n_resamples: int = 2000,
    interval: str = "percentile",
    seed=0,
    label: str = "values",
    insufficient: str = "raise",
) -> StatResult:
    """Median of ``values`` (one per influencer) with a bootstrap interval.

    >>> r = median_ci([100, 120, 90, 300, 80, 110, 95, 105, 130, 99, 101], seed=1)
    >>> round(r.estimate), r.ci_low <= r.estimate <= r.ci_high
    (101, True)
    """

    def run():
        x = pd.to_numeric(pd.Series(values), errors="coerce").dropna().to_numpy(float)
        flags = check_sizes({label: len(x)})
        rng = np.random.default_rng(seed)
        reps = resample_stat(x, "median", n_resamples, rng)
        est = float(np.median(x))
        if interval == "bca":
            lo, hi = bca_interval(est, reps, jackknife_stat(x, "median"), confidence)
        else:
            lo, hi = (
                float(v) for v in np.quantile(reps, [(1 - confidence) / 2, (1 + confidence) / 2])
            )
        return StatResult(
            test="median",
            estimate=est,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            n_influencers={label: len(x)},
            method=f"median, {interval} bootstrap ({n_resamples} resamples)",
            estimand=f"median of {label}",
            flags=tuple(flags),
        )

    return handle_insufficient("median", insufficient, run)


def cost_elasticity(
    table: pd.DataFrame,
    *,
    cost: str = "cost_per_post",
    confidence: float = 0.95,
    insufficient: str = "raise",
) -> StatResult:
    """Elasticity of price per post with respect to followers: OLS of log(price) on
    log(followers) over influencers, HC3 standard errors.

    A slope below 1 means the price per 1,000 followers (CPM by followers) falls as
    influencers grow; ``p_value`` tests slope = 1.

    >>> f = np.geomspace(1e3, 1e7, 50)
    >>> t = pd.DataFrame({"followers": f, "cost_per_post": 0.5 * f**0.8})
    >>> round(cost_elasticity(t).estimate, 3)
    0.8
    """

    def run():
        d = table[["followers", cost]].apply(pd.to_numeric, errors="coerce").dropna()
        d = d[(d["followers"] > 0) & (d[cost] > 0)]
        flags = check_sizes({"priced influencers": len(d)})
        X = sm.add_constant(np.log(d["followers"].to_numpy()))
        fit = sm.OLS(np.log(d[cost].to_numpy()), X).fit(cov_type="HC3")
        b, se = float(fit.params[1]), float(fit.bse[1])
        tq = st.t.ppf(0.5 + confidence / 2, fit.df_resid)
        t1 = (b - 1) / se
        return StatResult(
            test="cost_elasticity",
            estimate=b,
            ci_low=b - tq * se,
            ci_high=b + tq * se,
            confidence=confidence,
            statistic={"t_slope_eq_1": t1, "se": se},
            p_value=float(2 * st.t.sf(abs(t1), fit.df_resid)),
            n_influencers={"priced": len(d)},
            method="OLS of log price on log followers, HC3 SE",
            estimand="elasticity of price per post w.r.t. followers (CPM falls iff < 1)",
            flags=tuple(flags),
            details={"intercept": float(fit.params[0])},
        )

    return handle_insufficient("cost_elasticity", insufficient, run)
