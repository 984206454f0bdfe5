"""Tier comparisons for the market claims (C17-C23): ratios of sums, thresholds, interactions.

* :func:`ratio_of_sums` — ratio of tier ``a`` over ``b`` of a summed count per unit of
  exposure (``sum y / sum exposure`` in each tier; without exposure, the ratio of tier
  means), by PPML of the influencer sums with ``log(exposure)`` as offset and platform
  intercepts when several platforms are present. With one platform the estimate is
  exactly the ratio of the tiers' shares over posts (sum / sum); the CV3 covariance (leave one influencer
  out) with a t reference on ``G - 1`` degrees of freedom treats the influencer, not the
  post or the brand, as the unit.
* :func:`threshold_ratio` — a ratio of tier medians (or means) against a stated threshold
  ("dozens", "hundreds"): cluster bootstrap (influencers resampled within each tier), the
  one-sided p-values being the shares of replicates on the wrong side of the threshold.
* :func:`threshold_p` — the same one-sided p-values for a log-scale t result (the
  fixed-effects rows).
* :func:`tier_platform_interaction` — how much a tier contrast differs between platforms:
  the ratio of (``a`` / ``b``) on a platform to (``a`` / ``b``) on the reference platform,
  from one model with tier x platform terms (OLS on logs or PPML; CV3, t), with the TOST
  p-value of "equal within the margin".
* :func:`simpson_concentration` — each influencer's concentration of posts over content
  categories: the unbiased Herfindahl (Simpson) index, the chance that two different posts
  of the influencer share a category.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"tier": ["a"] * 12 + ["b"] * 12, "platform": "x",
...                   "k": [1, 2] * 6 + [2, 4] * 6, "n": [10] * 24})
>>> r = ratio_of_sums(t, "a", "b", "k", exposure="n")
>>> round(r.estimate, 6), r.test
(0.5, 'ratio_of_sums')
>>> c = pd.DataFrame({"platform": "x", "account_id": ["u"] * 2 + ["v"] * 3,
...                   "category": ["food", "travel", "food", "tech", "diy"],
...                   "n_posts": [3, 1, 2, 1, 1]})
>>> simpson_concentration(c)["concentration"].round(3).tolist()
[0.5, 0.167]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as st

from ..config import ALPHA, MARGIN, N_RESAMPLES, SEED
from ..errors import InsufficientData
from .bootstrap import bootstrap_ratio
from .fixed_effects import platform_dummies
from .glm import ols_cv3, poisson_fit
from .results import StatResult, check_sizes, handle_insufficient


def _interval(b: float, se: float, df: int, confidence: float) -> tuple[float, float]:
    q = float(st.t.ppf(0.5 + confidence / 2, df))
    return b - q * se, b + q * se


def _platforms(sub: pd.DataFrame, platform: str) -> pd.Series:
    return sub[platform].astype("string").fillna("unknown")


def ratio_of_sums(
    table: pd.DataFrame,
    a,
    b,
    count: str,
    *,
    exposure: str | None = None,
    group: str = "tier",
    platform: str = "platform",
    confidence: float = 1 - ALPHA,
    label: str | None = None,
) -> StatResult:
    """Ratio of tier ``a`` over ``b`` of ``sum(count) / sum(exposure)`` (PPML, CV3, t).

    Influencers with a missing count or a non-positive exposure are left out. ``p_values``
    holds the one-sided ``greater`` and ``less`` p-values against a ratio of 1;
    ``details["ci90"]`` the 90% interval; ``details["shares"]`` each tier's value over posts (sum / sum).
    """
    g = table[group].astype("object").to_numpy()
    y = pd.to_numeric(table[count], errors="coerce").to_numpy(float)
    e = (
        np.ones(len(table))
        if exposure is None
        else pd.to_numeric(table[exposure], errors="coerce").to_numpy(float)
    )
    keep = ((g == a) | (g == b)) & np.isfinite(y) & (y >= 0) & np.isfinite(e) & (e > 0)
    sub = table[[platform]].loc[keep]  # the platform column only (no copy of the table)
    y, e, is_a = y[keep], e[keep], (g[keep] == a).astype(float)
    sizes = {str(a): int(is_a.sum()), str(b): int((1 - is_a).sum())}
    flags = check_sizes(sizes)
    what = label or (count if exposure is None else f"{count} per {exposure}")
    empty = [str(k) for k, v in ((a, 1.0), (b, 0.0)) if y[is_a == v].sum() == 0]
    if empty:
        raise InsufficientData(
            f"no {what} in tier {' or '.join(empty)}: the ratio is 0 or infinite", sizes=sizes
        )
    plats = _platforms(sub, platform)
    X = np.column_stack([np.ones(len(y)), is_a, platform_dummies(plats)])
    fit = poisson_fit(y, X, np.log(e))
    bj, se = float(fit.params[1]), float(math.sqrt(max(fit.cov_cv3[1, 1], 0.0)))
    if not se > 0:  # e.g. one influencer carries a tier: leaving it out leaves no contrast
        raise InsufficientData(
            f"{what}: no standard error for tier {a} vs {b} (too few influencers with a "
            f"positive {what} in one of them)",
            sizes=sizes,
        )
    lo, hi = _interval(bj, se, fit.df, confidence)
    lo90, hi90 = _interval(bj, se, fit.df, 2 * confidence - 1)
    t = bj / se
    kind = "ratio of tier means" if exposure is None else "ratio of tier shares (sum / sum)"
    n_plat = int(plats.nunique())
    shares = {
        str(k): float(y[is_a == v].sum() / e[is_a == v].sum()) for k, v in ((a, 1.0), (b, 0.0))
    }
    return StatResult(
        test="ratio_of_sums",
        estimate=math.exp(bj),
        ci_low=math.exp(lo),
        ci_high=math.exp(hi),
        confidence=confidence,
        statistic={"t": t, "log_ratio": bj, "se_log": se, "df": float(fit.df)},
        p_value=float(2 * st.t.sf(abs(t), fit.df)),
        p_values={"greater": float(st.t.sf(t, fit.df)), "less": float(st.t.cdf(t, fit.df))},
        n_influencers=sizes,
        method="PPML of influencer sums on tier"
        + (f" + {n_plat} platform intercepts" if n_plat > 1 else "")
        + ("" if exposure is None else f", offset log {exposure}")
        + f"; CV3 SE, t with {fit.df} df",
        unit="influencer",
        estimand=f"{kind} of {what}, {a} / {b}" + (" within platforms" if n_plat > 1 else ""),
        flags=tuple(flags),
        details={"ci90": [math.exp(lo90), math.exp(hi90)], "shares": shares, "platforms": n_plat},
    )


def threshold_ratio(
    x,
    y,
    threshold: float,
    *,
    stat: str = "median",
    labels: Sequence[str] = ("a", "b"),
    value: str = "value",
    confidence: float = 1 - ALPHA,
    n_resamples: int = N_RESAMPLES,
    seed=SEED,
    insufficient: str = "raise",
) -> StatResult:
    """``stat(x) / stat(y)`` against ``threshold``, cluster bootstrap (percentile).

    ``p_values["at_least"]`` is the one-sided p-value of "the ratio is at least the
    threshold" (the share of replicates at or below it), ``p_values["below"]`` that of
    "below it" (the share at or above it); ``details["ci90"]`` the 90% interval.
    """

    def run():
        xa = np.asarray(x, float)
        ya = np.asarray(y, float)
        xa, ya = xa[np.isfinite(xa)], ya[np.isfinite(ya)]
        sizes = {str(labels[0]): len(xa), str(labels[1]): len(ya)}
        flags = check_sizes(sizes)
        bt = bootstrap_ratio(
            xa, ya, stat=stat, n_resamples=n_resamples, seed=seed, confidence=confidence
        )
        reps = bt.replicates[np.isfinite(bt.replicates)]
        a = 1 - confidence
        if len(reps):
            lo90, hi90 = (float(v) for v in np.quantile(reps, [a, 1 - a]))
            p_at_least = float(np.mean(reps <= threshold))
            p_below = float(np.mean(reps >= threshold))
            how = f"cluster bootstrap of influencers ({n_resamples} resamples, {bt.interval} interval)"
        else:  # large samples (no resampling): t on the log ratio
            lo90, hi90 = bt.ci90
            u = (math.log(threshold) - math.log(bt.estimate)) / bt.se_log
            p_at_least, p_below = float(st.t.cdf(u, bt.df)), float(st.t.sf(u, bt.df))
            how = f"{bt.interval} interval, no resampling ({min(sizes.values())} influencers or more per tier)"
        return StatResult(
            test="threshold_ratio",
            estimate=bt.estimate,
            ci_low=bt.ci_low,
            ci_high=bt.ci_high,
            confidence=confidence,
            statistic={"threshold": float(threshold), "se_log": bt.se_log},
            p_value=p_at_least,
            p_values={"at_least": p_at_least, "below": p_below},
            n_influencers=sizes,
            method=f"ratio of tier {stat}s of {value}, {how}; one-sided p-values against "
            f"{threshold:g}",
            unit="influencer",
            estimand=f"ratio of tier {stat}s of influencer {value}, {labels[0]} / {labels[1]}",
            flags=tuple(flags),
            details={
                "ci90": [lo90, hi90],
                "threshold": float(threshold),
                "seed": seed,
                "n_resamples": n_resamples,
            },
        )

    return handle_insufficient("threshold_ratio", insufficient, run)


def threshold_p(res: StatResult, threshold: float) -> tuple[float, float]:
    """(p of "at least ``threshold``", p of "below it") of a ratio result with
    ``statistic["log_ratio"]``, ``["se_log"]`` and ``["df"]`` (t on the log scale)."""
    s = res.statistic
    b, se, df = float(s["log_ratio"]), float(s["se_log"]), float(s["df"])
    if not (se > 0 and threshold > 0):
        return math.nan, math.nan
    t = (b - math.log(threshold)) / se
    return float(st.t.sf(t, df)), float(st.t.cdf(t, df))


def tier_platform_interaction(
    table: pd.DataFrame,
    a,
    b,
    value: str,
    *,
    model: str = "ols-log",
    reference: str | None = None,
    margin: Sequence[float] = MARGIN,
    group: str = "tier",
    platform: str = "platform",
    confidence: float = 1 - ALPHA,
) -> dict[str, StatResult]:
    """The tier contrast ``a`` / ``b`` of ``value`` on each platform relative to the
    reference platform (default: ``instagram`` if present, else the first), from one model
    with tier, platform and tier x platform terms: OLS on log values (``model="ols-log"``,
    ratios of geometric means) or PPML (``"ppml"``, ratios of means); CV3, t(G - 1).

    Platforms with fewer than 10 influencers in either tier are left out (named in
    ``details["left_out"]`` of each result). Each result holds the ratio of ratios, its
    interval, the two-sided p-value against 1, the one-sided ``greater``/``less`` ones, the
    TOST p-value of "within ``margin``" (``p_values["tost"]``) and ``details["ci90"]``.
    """
    v = pd.to_numeric(table[value], errors="coerce").to_numpy(float)
    g = table[group].astype("object").to_numpy()
    keep = ((g == a) | (g == b)) & np.isfinite(v) & (v > 0 if model == "ols-log" else v >= 0)
    sub = table.loc[keep].assign(_v=v[keep], _a=(g[keep] == a).astype(float))
    sub["_p"] = _platforms(sub, platform).to_numpy()
    counts = sub.groupby(["_p", "_a"]).size().unstack(fill_value=0)
    ok = sorted(
        p for p in counts.index if counts.loc[p].reindex([0.0, 1.0], fill_value=0).min() >= 10
    )
    left_out = sorted(set(counts.index) - set(ok))
    if len(ok) < 2:
        raise InsufficientData(
            f"{len(ok)} platform(s) with at least 10 {a} and 10 {b} influencers (need 2)",
            sizes={str(p): int(counts.loc[p].min()) for p in counts.index},
        )
    ref = reference if reference in ok else ("instagram" if "instagram" in ok else ok[0])
    others = [p for p in ok if p != ref]
    sub = sub[sub["_p"].isin(ok)]
    d = np.column_stack([(sub["_p"] == p).to_numpy(float) for p in others])
    X = np.column_stack([np.ones(len(sub)), sub["_a"], d, d * sub["_a"].to_numpy()[:, None]])
    if model == "ols-log":
        beta, cov, df = ols_cv3(np.log(sub["_v"].to_numpy()), X)
        how = "OLS of log influencer values on tier x platform (ratios of geometric means)"
    elif model == "ppml":
        fit = poisson_fit(sub["_v"].to_numpy(), X, np.zeros(len(sub)))
        beta, cov, df = fit.params, fit.cov_cv3, fit.df
        how = "PPML of influencer values on tier x platform (ratios of means)"
    else:
        raise ValueError("model must be 'ols-log' or 'ppml'")
    lm = [math.log(m) for m in margin]
    out = {}
    for j, p in enumerate(others):
        k = 2 + len(others) + j
        bj, se = float(beta[k]), float(math.sqrt(cov[k, k]))
        lo, hi = _interval(bj, se, df, confidence)
        lo90, hi90 = _interval(bj, se, df, 2 * confidence - 1)
        t = bj / se
        tost = max(float(st.t.sf((bj - lm[0]) / se, df)), float(st.t.cdf((bj - lm[1]) / se, df)))
        n = counts.loc[[ref, p]]
        sizes = {
            f"{tier} {q}": int(n.loc[q, c]) for q in (ref, p) for tier, c in ((a, 1.0), (b, 0.0))
        }
        out[p] = StatResult(
            test="tier_platform_interaction",
            estimate=math.exp(bj),
            ci_low=math.exp(lo),
            ci_high=math.exp(hi),
            confidence=confidence,
            statistic={"t": t, "log_ratio": bj, "se_log": se, "df": float(df)},
            p_value=float(2 * st.t.sf(abs(t), df)),
            p_values={
                "greater": float(st.t.sf(t, df)),
                "less": float(st.t.cdf(t, df)),
                "tost": tost,
            },
            n_influencers=sizes,
            method=f"{how}, {len(ok)} platforms, CV3 SE, t with {df} df",
            unit="influencer",
            estimand=f"({a} / {b} of {value} on {p}) / ({a} / {b} on {ref})",
            flags=tuple(check_sizes(sizes)),
            details={
                "ci90": [math.exp(lo90), math.exp(hi90)],
                "reference": ref,
                "platform": p,
                "margin": list(margin),
                "left_out": left_out,
                "model": model,
            },
        )
    return out


def simpson_concentration(categories: pd.DataFrame, keys=("platform", "account_id")):
    """Per influencer: posts with a category (``n_categorised``), distinct categories,
    the plug-in Herfindahl index ``sum s_k^2`` and the unbiased one
    (``concentration`` = ``sum n_k (n_k - 1) / (n (n - 1))``, NaN under two posts)."""
    k = categories["n_posts"].astype(float)
    c = categories.assign(_k=k, _k2=k * k, _kk=k * (k - 1))
    g = c.groupby(list(keys), sort=True, observed=True)
    out = g.agg(
        n_categorised=("_k", "sum"),
        n_categories=("_k", "size"),
        _k2=("_k2", "sum"),
        _kk=("_kk", "sum"),
    )
    n = out["n_categorised"]
    out.insert(2, "herfindahl", out.pop("_k2") / n**2)
    out["concentration"] = (out.pop("_kk") / (n * (n - 1))).where(n > 1)
    out["n_categorised"] = n.astype("int64")
    return out.reset_index()


__all__ = [
    "ratio_of_sums",
    "simpson_concentration",
    "threshold_p",
    "threshold_ratio",
    "tier_platform_interaction",
]
