"""Power and design of brief A/B tests across influencers.

The unit is the influencer: a brief's effect is judged on influencer-level rates
(log scale), never on posts as if independent.

Examples
--------
>>> round(minimum_detectable_lift(20, sd_log=0.6), 3)   # 20 influencers per arm
1.725
>>> r = simulate_ab_power(n_influencers=20, true_lift=1.3, sd_log=0.6, design="paired",
...                       n_sims=2000, seed=1)
>>> round(r.estimate, 3), round(r.details["mc_se"], 3)
(0.581, 0.011)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as st
from statsmodels.stats.power import TTestIndPower, TTestPower

from ..config import ALPHA, N_RESAMPLES, SEED
from .results import StatResult

DESIGNS = ("randomised", "paired")


def minimum_detectable_lift(
    n_per_arm: int,
    *,
    sd_log: float = 0.6,
    alpha: float = ALPHA,
    power: float = 0.8,
    design: str = "randomised",
    alternative: str = "two-sided",
) -> float:
    """Smallest rate ratio detectable with ``power`` on log influencer rates.

    ``design="randomised"``: two independent arms of ``n_per_arm`` influencers,
    ``sd_log`` the SD of log influencer rates within an arm
    (:class:`statsmodels.stats.power.TTestIndPower`). ``design="paired"``:
    ``n_per_arm`` influencers each run both briefs and ``sd_log`` is the SD of the
    within-influencer log ratio (:class:`~statsmodels.stats.power.TTestPower`).

    >>> round(minimum_detectable_lift(60, sd_log=0.6), 3)
    1.363
    >>> round(minimum_detectable_lift(20, sd_log=0.3, design="paired"), 3)
    1.219
    """
    if design == "randomised":
        d = TTestIndPower().solve_power(
            effect_size=None,
            nobs1=n_per_arm,
            alpha=alpha,
            power=power,
            ratio=1.0,
            alternative="two-sided" if alternative == "two-sided" else "larger",
        )
    elif design == "paired":
        d = TTestPower().solve_power(
            effect_size=None,
            nobs=n_per_arm,
            alpha=alpha,
            power=power,
            alternative="two-sided" if alternative == "two-sided" else "larger",
        )
    else:
        raise ValueError(f"design must be one of {DESIGNS}")
    return float(math.exp(float(np.atleast_1d(d)[0]) * sd_log))


def simulate_ab_power(
    n_influencers: int = 20,
    true_lift: float = 1.3,
    *,
    sd_log: float = 0.6,
    posts_per_influencer: int = 4,
    overdispersion: float = 0.5,
    base_rate: float = 0.03,
    followers: tuple[float, float] = (1e4, 1e5),
    design: str = "randomised",
    alpha: float = ALPHA,
    n_sims: int = N_RESAMPLES,
    seed=SEED,
) -> StatResult:
    """Monte Carlo power of an A/B test of two briefs across ``n_influencers`` influencers.

    Each influencer has followers log-uniform in ``followers`` and a log-normal rate
    (SD ``sd_log`` on the log scale); each post's engagement is gamma-Poisson with
    ``overdispersion``; brief A multiplies the rate by ``true_lift``.

    * ``design="randomised"``: half the influencers get brief A, half brief B, each
      makes ``posts_per_influencer`` posts; Welch t-test of log influencer rates.
    * ``design="paired"``: every influencer makes ``posts_per_influencer`` posts with
      each brief; paired t-test of the log ratio of its two rates (the influencer
      effect cancels).

    ``estimate`` is the power; ``details["mc_se"]`` its Monte Carlo SE
    ``sqrt(p (1 - p) / n_sims)``; the interval is ``estimate +- 1.96 mc_se``.

    >>> r = simulate_ab_power(20, 1.3, design="randomised", n_sims=1000, seed=2)
    >>> round(r.estimate, 2)
    0.13
    """
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}")
    rng = np.random.default_rng(seed)
    n, k, S = int(n_influencers), int(posts_per_influencer), int(n_sims)
    if n < 4 or (design == "randomised" and n < 4):
        raise ValueError("need at least 4 influencers")
    F = np.exp(rng.uniform(math.log(followers[0]), math.log(followers[1]), size=(S, n)))
    r = base_rate * np.exp(rng.normal(0.0, sd_log, size=(S, n)))

    def rates(mult):
        # k posts, each Poisson(mu g) with g ~ Gamma(1/a, a): their sum is Poisson with a
        # Gamma(k/a, a) multiplier of mu (a sum of independent negative binomials with one
        # mean), drawn once per influencer instead of once per post
        mu = F * r * mult * k
        if overdispersion > 0:
            mu = mu * rng.gamma(k / overdispersion, overdispersion / k, size=mu.shape)
        y = rng.poisson(mu)
        return (y + 0.5) / (k * F)

    if design == "randomised":
        na = n // 2
        mult = np.ones((S, n))
        mult[:, :na] = true_lift
        lr = np.log(rates(mult))
        t, p = st.ttest_ind(lr[:, :na], lr[:, na:], axis=1, equal_var=False)
        how = "Welch t-test on log influencer rates, half/half randomised"
    else:
        la = np.log(rates(true_lift))
        lb = np.log(rates(1.0))
        t, p = st.ttest_1samp(la - lb, 0.0, axis=1)
        how = "paired t-test on within-influencer log rate ratio (both briefs)"
    reject = p < alpha
    pw = float(reject.mean())
    se = math.sqrt(pw * (1 - pw) / S)
    flags = []
    if n < 30:
        flags.append("small-sample: fewer than 30 influencers in a group")
    return StatResult(
        test="ab_power",
        estimate=pw,
        ci_low=max(0.0, pw - 1.96 * se),
        ci_high=min(1.0, pw + 1.96 * se),
        confidence=0.95,
        statistic={"median_t": float(np.median(t))},
        n_influencers={
            "A": n // 2 if design == "randomised" else n,
            "B": n - n // 2 if design == "randomised" else n,
        },
        n_posts={"per_influencer_per_brief": k},
        method=f"Monte Carlo ({S} simulations, seed {seed}): {how}, alpha {alpha}",
        unit="influencer",
        estimand=f"power to detect a lift of {true_lift:g} at alpha {alpha}",
        flags=tuple(flags),
        details={
            "mc_se": se,
            "n_sims": S,
            "design": design,
            "true_lift": true_lift,
            "sd_log": sd_log,
            "posts_per_influencer": k,
            "seed": seed,
        },
    )


def between_influencer_sd(
    table, tier="micro", *, value: str = "rate_mean", group: str = "tier"
) -> float:
    """SD of log influencer rates within ``tier`` (the spread a test across influencers
    must overcome); NaN with fewer than 2 positive rates."""
    v = table.loc[(table[group].astype("string") == str(tier)).to_numpy(), value]
    v = v[v > 0]
    return float(np.log(v).std(ddof=1)) if len(v) > 1 else float("nan")


def power_table(
    *,
    sd_log: float,
    n_influencers=(10, 20, 40, 80, 160),
    lifts=(1.1, 1.2, 1.6),
    designs=("randomised",),
    n_sims: int = 1000,
    seed=SEED,
    **kwargs,
):
    """Simulated power over a grid of test sizes, true lifts and designs (one row each,
    with the Monte Carlo SE and the analytic minimum detectable lift at 80% power)."""
    import pandas as pd

    rows = []
    if not (isinstance(sd_log, int | float) and math.isfinite(sd_log) and sd_log > 0):
        nan = float("nan")
        return pd.DataFrame(
            [
                {
                    "design": d,
                    "true_lift": lift,
                    "n_influencers": n,
                    "power": nan,
                    "mc_se": nan,
                    "mdl_80": nan,
                }
                for d in designs
                for lift in lifts
                for n in n_influencers
            ]
        )
    for design in designs:
        for lift in lifts:
            for n in n_influencers:
                r = simulate_ab_power(
                    n, lift, sd_log=sd_log, design=design, n_sims=n_sims, seed=seed, **kwargs
                )
                per_arm = n // 2 if design == "randomised" else n
                rows.append(
                    {
                        "design": design,
                        "true_lift": lift,
                        "n_influencers": n,
                        "power": r.estimate,
                        "mc_se": r.details.get("mc_se", float("nan")),
                        "mdl_80": minimum_detectable_lift(per_arm, sd_log=sd_log, design=design),
                    }
                )
    return pd.DataFrame(rows)
