"""Simulate canonical posts with known truth, to prove the statistics by simulation.

Model
-----
Influencer ``i`` has followers ``F_i`` drawn log-uniformly between bounds (either
one range, or per tier within the tier's bounds of a scheme) and a latent rate

    log r_i = log(base_rate) + log(tier_ratio[tier_i]) + e * x_i + q * x_i**2 + u_i,

with ``x_i = log(F_i / ref_followers)``, ``e`` the ``elasticity`` (slope of log
rate on log followers), ``q`` the ``quadratic`` term and ``u_i ~ N(0,
sd_influencer**2)`` an influencer random effect. Each post's engagement is
gamma-Poisson (negative binomial): ``Y_ij ~ Poisson(F_i * r_i * g_ij)`` with
``g_ij ~ Gamma(shape=1/overdispersion, scale=overdispersion)`` (mean 1, so
``Var Y = mu + overdispersion * mu**2``; ``overdispersion=0`` gives Poisson).
Engagement is split into likes and comments (``comments ~ Binomial(Y, 1 -
likes_share)``), so the default definition ``(likes + comments) / followers``
recovers ``Y / F``.

Truth (returned dict)
---------------------
``tier_ratio`` (the planted multipliers), ``rate_slope`` (= elasticity; the
slope of log E[rate] on log F is ``e + 2 q x``), ``engagement_slope`` (``1 + e``,
the PPML elasticity of engagement when ``q = 0``), ``quadratic``,
``engagement_turning_followers`` / ``rate_turning_followers`` (vertex of the
parabola in followers, when ``q != 0``), ``mean_rate_multiplier`` (``E exp(u) =
exp(sd**2/2)``) and ``influencers`` (a DataFrame of the latent values).
Because ``u`` and the post noise are independent of followers, the ratio of tier
mean rates, the GLM rate ratio and (up to Poisson discreteness) the ratio of tier
medians of influencer rates all equal ``tier_ratio[a] / tier_ratio[b]`` when
``elasticity = quadratic = 0``.

Examples
--------
>>> posts, truth = simulate_posts(tiers={"micro": 60, "macro": 60}, tier_ratio={"micro": 1.5},
...                               posts_per_influencer=10, seed=42)
>>> posts.shape, truth["tier_ratio"]["micro"]
((1200, 8), 1.5)
>>> sorted(posts.columns)[:4]
['account_id', 'comments', 'cost', 'followers']
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..config import SEED
from ..tiers import get_scheme

#: Upper follower bound used for an open-ended top tier.
OPEN_TOP = 1e7


def _counts_per_tier(tiers, scheme) -> dict[str, int]:
    s = get_scheme(scheme)
    out = dict(tiers)
    for t in out:
        if t not in s.tier_names:
            raise ValueError(f"tier {t!r} is not in scheme {s.name!r}: {s.tier_names}")
    return out


def simulate_posts(
    n_influencers: int = 200,
    *,
    tiers: Mapping[str, int] | None = None,
    scheme=None,
    followers: tuple[float, float] = (1e3, 1e6),
    posts_per_influencer=(5, 15),
    base_rate: float = 0.03,
    elasticity: float = 0.0,
    tier_ratio: Mapping[str, float] | None = None,
    quadratic: float = 0.0,
    ref_followers: float | None = None,
    sd_influencer: float = 0.5,
    overdispersion: float = 0.5,
    likes_share: float = 0.9,
    price_per_follower: float | None = 0.01,
    price_sd_log: float = 0.3,
    platform: str = "instagram",
    seed=SEED,
) -> tuple[pd.DataFrame, dict]:
    """Simulate a canonical posts table and the truth behind it.

    Parameters
    ----------
    n_influencers : number of influencers when ``tiers`` is not given (followers
        log-uniform over ``followers``).
    tiers : ``{tier name: n influencers}``; followers then log-uniform within each
        tier's bounds in ``scheme`` (an open top tier is cut at 10M).
    posts_per_influencer : an int, or ``(lo, hi)`` drawn uniformly (inclusive).
    base_rate : engagement rate at ``ref_followers`` (default: geometric middle of
        the follower range) for an influencer with ``u = 0``.
    elasticity, quadratic : slope and curvature of log rate on ``log(F / ref)``.
    tier_ratio : multipliers of the rate for chosen tiers (others 1).
    sd_influencer : SD of the log-normal influencer effect.
    overdispersion : negative-binomial ``alpha`` of post engagement.
    price_per_follower : if not None, a ``cost`` column: ``price * F * lognormal(0, price_sd_log)``
        per influencer (same price for all its posts).
    seed : seed for :func:`numpy.random.default_rng`.
    """
    rng = np.random.default_rng(seed)
    s = get_scheme(scheme)
    if tiers:
        counts = _counts_per_tier(tiers, s)
        bounds_by = {t.name: (t.lower, t.upper) for t in s.tiers}
        los, his = [], []
        for name, n in counts.items():
            lo, hi = bounds_by[name]
            lo = max(lo, 1.0)
            hi = OPEN_TOP if math.isinf(hi) else hi
            los.append(np.full(n, lo))
            his.append(np.full(n, hi))
        lo_a, hi_a = np.concatenate(los), np.concatenate(his)
        f_lo, f_hi = float(lo_a.min()), float(hi_a.max())
    else:
        lo_a = np.full(n_influencers, float(followers[0]))
        hi_a = np.full(n_influencers, float(followers[1]))
        f_lo, f_hi = float(followers[0]), float(followers[1])
    n = len(lo_a)
    F = np.floor(np.exp(rng.uniform(np.log(lo_a), np.log(hi_a))))
    F = np.clip(F, np.ceil(lo_a), np.ceil(hi_a) - 1)
    tier = np.asarray(s.classify(F, platform)).astype(object)
    ref = float(ref_followers) if ref_followers else math.sqrt(f_lo * f_hi)
    x = np.log(F / ref)
    mult = np.ones(n)
    for name, m in (tier_ratio or {}).items():
        mult[tier == name] = float(m)
    u = rng.normal(0.0, sd_influencer, n)
    log_r = math.log(base_rate) + np.log(mult) + elasticity * x + quadratic * x**2 + u
    r = np.exp(log_r)
    if np.isscalar(posts_per_influencer):
        k = np.full(n, int(posts_per_influencer))
    else:
        plo, phi = posts_per_influencer
        k = rng.integers(int(plo), int(phi) + 1, size=n)
    idx = np.repeat(np.arange(n), k)
    mu = F[idx] * r[idx]
    if overdispersion > 0:
        g = rng.gamma(1.0 / overdispersion, overdispersion, size=len(idx))
        mu = mu * g
    y = rng.poisson(mu).astype(float)
    comments = rng.binomial(y.astype(np.int64), 1.0 - likes_share).astype(float)
    ids = np.array([f"acc{i:05d}" for i in range(n)], dtype=object)
    within = np.arange(len(idx)) - np.repeat(np.cumsum(k) - k, k)
    posts = pd.DataFrame(
        {
            "platform": pd.Series(platform, index=range(len(idx)), dtype="string"),
            "account_id": pd.array(ids[idx], dtype="string"),
            "post_id": pd.array([f"p{j}" for j in within], dtype="string"),
            "followers": F[idx],
            "likes": y - comments,
            "comments": comments,
            "sponsored": pd.array(np.zeros(len(idx), bool), dtype="boolean"),
        }
    )
    if price_per_follower is not None:
        price = price_per_follower * F * np.exp(rng.normal(0.0, price_sd_log, n))
        posts["cost"] = np.round(price[idx], 2)
    truth = {
        "base_rate": base_rate,
        "elasticity": elasticity,
        "rate_slope": elasticity,
        "engagement_slope": 1.0 + elasticity,
        "quadratic": quadratic,
        "ref_followers": ref,
        "follower_range": (f_lo, f_hi),
        "tier_ratio": {str(t): float((tier_ratio or {}).get(t, 1.0)) for t in s.tier_names},
        "sd_influencer": sd_influencer,
        "overdispersion": overdispersion,
        "mean_rate_multiplier": math.exp(sd_influencer**2 / 2),
        "engagement_turning_followers": (
            ref * math.exp(-(1 + elasticity) / (2 * quadratic)) if quadratic else None
        ),
        "rate_turning_followers": ref * math.exp(-elasticity / (2 * quadratic))
        if quadratic
        else None,
        "influencers": pd.DataFrame(
            {
                "account_id": ids,
                "followers": F,
                "tier": tier,
                "latent_rate": r,
                "n_posts": k,
                "u": u,
            }
        ),
        "seed": seed,
    }
    return posts, truth


def expected_ratio(truth: dict, a: str, b: str) -> float:
    """The true rate ratio of tier ``a`` over ``b`` (valid when elasticity = quadratic = 0)."""
    return truth["tier_ratio"][a] / truth["tier_ratio"][b]


def fast_rates(posts: pd.DataFrame) -> pd.DataFrame:
    """Per-influencer ``rate_mean``, ``rate_median``, ``engagement_mean`` of simulated posts.

    A numpy shortcut for simulation loops (simulated posts have no missing counts
    and are sorted by influencer); it matches :func:`influtiers.evidence.influencer_table`
    on these columns (checked in the tests).
    """
    acc = posts["account_id"].to_numpy()
    brk = np.flatnonzero(np.r_[True, acc[1:] != acc[:-1]])
    k = np.diff(np.r_[brk, len(acc)])
    eng = posts["likes"].to_numpy(float) + posts["comments"].to_numpy(float)
    f = posts["followers"].to_numpy(float)
    rate = eng / f
    grp = np.repeat(np.arange(len(brk)), k)
    rate_mean = np.bincount(grp, rate) / k
    order = np.lexsort((rate, grp))
    sr = rate[order]
    start = brk
    lo = start + (k - 1) // 2
    hi = start + k // 2
    rate_median = 0.5 * (sr[lo] + sr[hi])
    eng_sum = np.bincount(grp, eng)
    return pd.DataFrame(
        {
            "account_id": acc[brk],
            "followers": f[brk],
            "n_posts": k,
            "engagement_n": k,
            "engagement_sum": eng_sum,
            "engagement_mean": eng_sum / k,
            "n_rated": k,
            "rated_sum": eng_sum,
            "exposure_sum": np.bincount(grp, f),
            "rate_mean": rate_mean,
            "rate_median": rate_median,
        }
    )
