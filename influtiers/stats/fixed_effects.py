"""Tier comparisons and size curves with platform fixed effects (one common effect).

When a dataset holds several platforms, each claim is tested per platform and once more
with platform fixed effects: a regression with one intercept per platform and a common
tier effect (or slope, or curve). Influencers are the unit; inference is CV3 (the
leave-one-influencer-out jackknife) with a t reference on G - 1 degrees of freedom, G the
influencers, like the lift.

* :func:`fe_ratio` — ratio of tier means of an influencer-level value within platforms:
  PPML (``model="ppml"``: log E[value] = platform + tier) or OLS on log values
  (``model="ols-log"``: a ratio of geometric means, as the TOST and the sponsored penalty).
* :func:`fe_slope` — OLS slope of log(value) on log(followers) within platforms.
* :func:`fe_inverted_u` — PPML of summed engagement (offset log posts) on a quadratic in
  centred log followers plus platform intercepts; Lind-Mehlum and Fieller.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> n = 200
>>> t = pd.DataFrame({"tier": np.repeat(["micro", "macro"], n // 2),
...                   "platform": np.tile(["instagram", "tiktok"], n // 2)})
>>> base = np.where(t["platform"] == "tiktok", 0.08, 0.03)
>>> t["rate_mean"] = base * np.where(t["tier"] == "micro", 1.5, 1.0) * rng.lognormal(0, .3, n)
>>> r = fe_ratio(t, "micro", "macro", "rate_mean")
>>> round(r.estimate, 2), r.ci_low < 1.5 < r.ci_high
(1.46, True)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as st

from ..config import ALPHA
from ._data import definition_label, per_value
from .glm import ols_cv3, poisson_fit
from .results import MIN_GROUP, InsufficientData, StatResult, check_sizes
from .shape import fieller_set, lind_mehlum, safe_exp

FE = "all (platform FE)"


def platform_codes(platform) -> tuple[np.ndarray, list[str]]:
    """Codes into the sorted platform names (a missing platform is ``unknown``)."""
    p = (
        pd.Series(platform, copy=False)
        if isinstance(platform, pd.Series)
        else pd.Series(np.asarray(platform, dtype=object))
    )
    if p.isna().any():
        p = p.astype(object).fillna("unknown")
    codes, levels = pd.factorize(p, sort=True)
    return codes, [str(v) for v in levels]


def platform_dummies(platform) -> np.ndarray:
    """Indicator columns of every platform but the first (sorted): the fixed effects."""
    codes, levels = platform_codes(platform)
    out = np.zeros((len(codes), max(len(levels) - 1, 0)))
    for j in range(1, len(levels)):
        out[:, j - 1] = codes == j
    return out


def platform_names(platform) -> list[str]:
    """Names of the :func:`platform_dummies` columns (``platform tiktok``, ...)."""
    return [f"platform {lev}" for lev in platform_codes(platform)[1][1:]]


def _interval(b: float, se: float, df: int, confidence: float) -> tuple[float, float]:
    q = float(st.t.ppf(0.5 + confidence / 2, df))
    return b - q * se, b + q * se


def fe_ratio(
    table: pd.DataFrame,
    a,
    b,
    value: str,
    *,
    model: str = "ppml",
    group: str = "tier",
    platform: str = "platform",
    confidence: float = 1 - ALPHA,
) -> StatResult:
    """Ratio of tier ``a`` over ``b`` in ``value`` with platform fixed effects.

    ``details["ci90"]`` holds the 90% interval; ``p_values`` the one-sided ``greater``
    and ``less`` p-values against a ratio of 1 (t with G - 1 df).
    """
    s, label = per_value(table, value)
    g = table[group].astype("object").to_numpy()
    keep = ((g == a) | (g == b)) & np.isfinite(s.to_numpy(float))
    if model == "ols-log":
        keep &= s.to_numpy(float) > 0
    elif model != "ppml":
        raise ValueError("model must be 'ppml' or 'ols-log'")
    sub = table[[platform]].loc[keep]  # the platform column only (no copy of the table)
    y = s.to_numpy(float)[keep]
    is_a = (g[keep] == a).astype(float)
    sizes = {str(a): int(is_a.sum()), str(b): int((1 - is_a).sum())}
    flags = check_sizes(sizes)
    X = np.column_stack([np.ones(len(y)), is_a, platform_dummies(sub[platform])])
    if model == "ppml":
        fit = poisson_fit(
            y, X, np.zeros(len(y)), names=["intercept", f"tier {a}", *platform_names(sub[platform])]
        )
        beta, cov, df = fit.params, fit.cov_cv3, fit.df
        how = "PPML of the influencer values on tier + platform (common ratio)"
    else:
        beta, cov, df = ols_cv3(
            np.log(y), X, ["intercept", f"tier {a}", *platform_names(sub[platform])]
        )
        how = "OLS of log influencer values on tier + platform (ratio of geometric means)"
    bj, se = float(beta[1]), float(math.sqrt(cov[1, 1]))
    lo, hi = _interval(bj, se, df, confidence)
    lo90, hi90 = _interval(bj, se, df, 2 * confidence - 1)
    t = bj / se
    n_plat = sub[platform].astype("string").fillna("unknown").nunique()
    return StatResult(
        test="fe_ratio",
        estimate=math.exp(bj),
        ci_low=math.exp(lo),
        ci_high=math.exp(hi),
        confidence=confidence,
        statistic={"t": t, "log_ratio": bj, "se_log": se, "df": float(df)},
        p_value=float(2 * st.t.sf(abs(t), df)),
        p_values={"greater": float(st.t.sf(t, df)), "less": float(st.t.cdf(t, df))},
        n_influencers=sizes,
        definition=definition_label(table),
        method=f"{how}, {n_plat} platform intercepts, CV3 SE, t with {df} df",
        unit="influencer",
        estimand=f"ratio of tier means of {label} within platforms, {a} / {b}",
        flags=tuple(flags),
        details={"ci90": [math.exp(lo90), math.exp(hi90)], "model": model, "platforms": n_plat},
    )


def fe_slope(
    table: pd.DataFrame,
    value: str = "engagement_mean",
    *,
    null: float = 1.0,
    platform: str = "platform",
    confidence: float = 1 - ALPHA,
) -> StatResult:
    """OLS slope of log(``value``) on log(followers) with platform intercepts (CV3, t).

    ``p_values["below"]``/``["above"]`` are the one-sided p-values against ``null`` (1: the
    value is proportional to followers, e.g. engagement; 0: it does not change)."""
    v = table[value].to_numpy(float)
    f = table["followers"].to_numpy(float)
    keep = np.isfinite(v) & (v > 0) & (f > 0)
    zero = int((np.isfinite(v) & (v <= 0) & (f > 0)).sum())
    if zero and keep.sum() < MIN_GROUP:
        raise InsufficientData(
            f"{value}: {zero} influencers have zero engagement (no logarithm), only "
            f"{int(keep.sum())} have some: fewer than {MIN_GROUP}",
            reason="separation",
        )
    sub = table[[platform]].loc[keep]  # the platform column only (no copy of the table)
    flags = check_sizes({"all": int(keep.sum())})
    X = np.column_stack([np.ones(keep.sum()), np.log(f[keep]), platform_dummies(sub[platform])])
    names = ["intercept", "log followers", *platform_names(sub[platform])]
    beta, cov, df = ols_cv3(np.log(v[keep]), X, names)
    b, se = float(beta[1]), float(math.sqrt(cov[1, 1]))
    lo, hi = _interval(b, se, df, confidence)
    lo90, hi90 = _interval(b, se, df, 2 * confidence - 1)
    t1 = (b - null) / se
    return StatResult(
        test="fe_slope",
        estimate=b,
        ci_low=lo,
        ci_high=hi,
        confidence=confidence,
        statistic={"t": t1, "null": null, "se": se, "df": float(df)},
        p_value=float(2 * st.t.sf(abs(t1), df)),
        p_values={"below": float(st.t.cdf(t1, df)), "above": float(st.t.sf(t1, df))},
        n_influencers={"all": int(keep.sum())},
        definition=definition_label(table),
        method=f"OLS of log {value} on log followers + platform, CV3 SE, t with {df} df",
        unit="influencer",
        estimand=f"elasticity of {value} w.r.t. followers within platforms",
        flags=tuple(flags),
        details={"ci90": [lo90, hi90]},
    )


def fe_inverted_u(
    table: pd.DataFrame,
    value: str | None = None,
    *,
    platform: str = "platform",
    alpha: float = ALPHA,
) -> StatResult:
    """Lind-Mehlum inverted U in log followers, with platform intercepts when there are
    several platforms: of engagement per post (``value=None``: summed engagement with offset
    log(posts)), or of an influencer-level ``value`` (PPML of the value itself)."""
    f = table["followers"].to_numpy(float)
    if value is None:
        y = table["engagement_sum"].to_numpy(float)
        n = table["engagement_n"].to_numpy(float)
        what = "summed engagement (offset log posts)"
    else:
        y = per_value(table, value)[0].to_numpy(float)
        n = np.where(np.isfinite(y) & (y >= 0), 1.0, 0.0)
        what = f"influencer {value}"
    keep = (n > 0) & (f > 0) & np.isfinite(y)
    sub = table[[platform]].loc[keep]  # the platform column only (no copy of the table)
    flags = check_sizes({"all": int(keep.sum())})
    lf = np.log(f[keep])
    center = float(lf.mean())
    x = lf - center
    X = np.column_stack([np.ones(len(x)), x, x**2, platform_dummies(sub[platform])])
    names = ["intercept", "log followers", "log followers squared", *platform_names(sub[platform])]
    fit = poisson_fit(y[keep], X, np.log(n[keep]), names=names)
    b, V, dist = fit.params, fit.cov_cv3, fit.dist
    xl, xh = float(x.min()), float(x.max())
    lm = lind_mehlum(b, V, dist, xl, xh)
    q = float(dist.ppf(1 - alpha / 2))
    fs = fieller_set(float(b[1]), float(b[2]), V, q).map(lambda v: safe_exp(v + center))
    n_plat = sub[platform].astype("string").fillna("unknown").nunique()
    how = f"PPML of {what} on a quadratic in log followers" + (
        f" + {n_plat} platform intercepts" if n_plat > 1 else ""
    )
    return _shape_result(
        lm, fs, b, center, q, xl, xh, alpha, flags, int(keep.sum()), fit.df, how + ", CV3 SE"
    )


def _shape_result(lm, fs, b, center, q, xl, xh, alpha, flags, n, df, how) -> StatResult:
    def fol(v):
        return safe_exp(v + center)

    if lm["p_inverted_u"] < alpha and lm["inside"]:
        verdict = "inverted-u"
    elif lm["p_u"] < alpha and lm["inside"]:
        verdict = "u-shaped"
    elif lm["same_sign"] and lm["p_monotone"] < alpha:
        verdict = "monotone"
    else:
        verdict = "inconclusive"
    xs, se = lm["xs"], lm["se_xs"]
    return StatResult(
        test="inverted_u",
        estimate=fol(xs),
        ci_low=fol(xs - q * se),
        ci_high=fol(xs + q * se),
        confidence=1 - alpha,
        statistic={
            "t_low_end": lm["t_low"],
            "t_high_end": lm["t_high"],
            "b1": float(b[1]),
            "b2": float(b[2]),
            "df": float(df),
        },
        p_value=lm["p_inverted_u"],
        p_values={
            "lind_mehlum": lm["p_inverted_u"],
            "u_shape": lm["p_u"],
            "monotone": lm["p_monotone"],
        },
        n_influencers={"all": n},
        method=f"{how}, t with {df} df; Lind-Mehlum test; Fieller set",
        unit="influencer",
        estimand="turning point (followers) of engagement per post in log followers",
        verdict=verdict,
        flags=tuple(flags),
        details={
            "slope_low": lm["slope_low"],
            "slope_high": lm["slope_high"],
            "followers_range": [fol(xl), fol(xh)],
            "center_log_followers": center,
            "intercept": float(b[0]),
            "fieller_set": {"kind": fs.kind, "low": fs.low, "high": fs.high},
        },
    )


__all__ = [
    "FE",
    "fe_inverted_u",
    "fe_ratio",
    "fe_slope",
    "platform_dummies",
    "platform_names",
]
