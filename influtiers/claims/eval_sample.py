"""Evaluators of the sample and design claims (C01, C12, C15, C16)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as st

from .. import stats
from ..errors import NotTestable
from ..tiers import get_scheme, moved_share
from .context import Context, from_stats, need_tiers, notes_of
from .model import DEFINITIONAL, SIMULATION, Claim, ClaimResult
from .rules import holm

#: The article schemes C01 compares (000/003, 001, 004, 002).
C01_SCHEMES = ("highsocial-2024", "powerdigital-2023", "tint-2021", "mediakix-by-platform")


def tier_schemes(ctx: Context, claim: Claim) -> ClaimResult:
    """C01 (descriptive): how many influencers change tier between the articles' schemes
    (follower counts only: no engagement column is needed)."""
    base = ctx.followers_table(claim)
    names = list(C01_SCHEMES)
    moved = {n: moved_share(base["followers"], names[0], n, base["platform"]) for n in names[1:]}
    worst = max(moved, key=moved.get)
    lowers = {n: get_scheme(n).tiers[0].lower for n in names}
    return ClaimResult(
        "descriptive",
        estimand=f"share of influencers whose tier differs from {names[0]} (largest: {worst})",
        estimate=moved[worst],
        n_influencers={"all": len(base)},
        n_posts=int(base["n_posts"].sum()),
        method="classification of the same accounts under each scheme",
        scheme=", ".join(names),
        evidence=DEFINITIONAL,
        summary=(
            "Shares of influencers labelled differently from highsocial-2024: "
            + "; ".join(f"{n} {v:.1%}" for n, v in moved.items())
            + ". Lowest tier starts at "
            + ", ".join(f"{n} {int(v):,}" for n, v in lowers.items())
            + " followers."
        ),
        details={"moved": moved, "lowest_bound": lowers},
    )


def design_parameters(t: pd.DataFrame, tier: str = "micro") -> dict:
    """What an A/B test across ``tier`` influencers faces, estimated from the evidence:
    posts per influencer (median), the post-level overdispersion of engagement (NB2 alpha,
    a moment estimate from the within-influencer variance), the base rate (median), and the
    between-influencer SD of the log rate net of post noise (the observed variance of log
    influencer rates minus the average post-noise variance, (1 / mu + alpha) / k)."""
    g = t[(t["tier"] == tier) & (t["rate_mean"] > 0) & (t["engagement_n"] > 1)]
    if len(g) < 10:
        raise NotTestable(f"only {len(g)} {tier} influencers with two or more rated posts")
    k = g["engagement_n"].to_numpy(float)
    s, ss = g["engagement_sum"].to_numpy(float), g["engagement_sq_sum"].to_numpy(float)
    m = s / k
    var = (ss - s**2 / k) / (k - 1)
    alpha = float(max(np.sum(var - m) / np.sum(m**2), 0.0))
    lr = np.log(g["rate_mean"].to_numpy(float))
    noise = float(np.mean((1 / np.maximum(m, 1e-9) + alpha) / k))
    sd_between = float(math.sqrt(max(np.var(lr, ddof=1) - noise, 0.0)))
    return {
        "influencers": len(g),
        "posts_per_influencer": int(np.median(k)),
        "overdispersion": alpha,
        "base_rate": float(np.median(g["rate_mean"])),
        "sd_log_observed": float(np.std(lr, ddof=1)),
        "sd_between": sd_between,
        "followers": (float(g["followers"].min()), float(g["followers"].max())),
    }


def ab_power(ctx: Context, claim: Claim) -> ClaimResult:
    """C12: simulated power of the A/B test with the data's design parameters; the minimum
    detectable lift (80% power) from the same simulation."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro",), scheme)
    t = ctx.table(claim)
    par = design_parameters(t)
    n = int(claim.params.get("n_influencers", 20))
    lift = float(claim.params.get("lift", 1.2))
    target = float(claim.params["power"])
    kw = dict(
        sd_log=par["sd_between"],
        posts_per_influencer=par["posts_per_influencer"],
        overdispersion=par["overdispersion"],
        base_rate=par["base_rate"],
        followers=par["followers"],
        seed=ctx.seed,
    )
    res = stats.simulate_ab_power(n_influencers=n, true_lift=lift, design="randomised", **kw)
    grid = (1.1, 1.2, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
    curve = [
        (
            g,
            stats.simulate_ab_power(
                n_influencers=n, true_lift=g, design="randomised", **kw
            ).estimate,
        )
        for g in grid
    ]
    mde = _crossing(curve, target)
    table = stats.power_table(
        n_influencers=(10, 20, 40, 80, 160),
        lifts=(1.1, 1.2, 1.6),
        n_sims=int(res.details["n_sims"]),
        **kw,
    )
    res = res.with_(
        details={
            **res.details,
            "power_table": table.to_dict(orient="records"),
            "power_curve": curve,
            "design_parameters": par,
            "mde_80": mde,
        }
    )
    p = float(res.estimate)
    v = (
        "supported"
        if res.ci_low >= target
        else ("contradicted" if res.ci_high < target else "inconclusive")
    )
    return from_stats(
        res,
        verdict=v,
        estimand=f"power of a {n // 2}-vs-{n - n // 2} A/B test of two briefs to detect a "
        f"{lift - 1:.0%} lift",
        claimed=target,
        n_influencers={"micro": par["influencers"]},
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        evidence=SIMULATION,
        reason=(
            f"estimated from the data: {par['posts_per_influencer']} posts per influencer, "
            f"overdispersion {par['overdispersion']:.2f}, between-influencer SD of log rate "
            f"{par['sd_between']:.2f} (observed {par['sd_log_observed']:.2f}); power {p:.0%}; "
            f"minimum detectable lift at 80% power "
            + (f"{mde:.2f}x" if math.isfinite(mde) else f"above {grid[-1]}x")
            + (f"; {notes_of(t)}" if notes_of(t) else "")
        ),
        details={"design": par, "mde_80": mde},
        results={"power": res},
    )


def _crossing(curve, target: float) -> float:
    """The lift at which a (lift, power) curve first reaches ``target`` (linear in between)."""
    for (g0, p0), (g1, p1) in zip(curve, curve[1:], strict=False):
        if p0 < target <= p1:
            return g0 + (target - p0) * (g1 - g0) / (p1 - p0)
    return curve[0][0] if curve and curve[0][1] >= target else math.inf


def nano_share(ctx: Context, claim: Claim) -> ClaimResult:
    """C15: nano against each other tier, conditional binomial tests with Holm."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("nano",), scheme)
    t = ctx.followers_table(claim)  # follower counts only: no engagement column is needed
    r = float(claim.params.get("by_far", 2.0))
    p0 = r / (1 + r)
    counts = t["tier"].value_counts(sort=False)
    counts = counts[~counts.index.isin(["below", "above"])]
    n_nano = int(counts.get("nano", 0))
    others = {str(k): int(v) for k, v in counts.items() if k != "nano" and v > 0}
    if n_nano == 0 or not others:
        raise NotTestable("no nano influencers, or no other tier, to compare")
    rows = {}
    for tier, n_t in others.items():
        test_more = st.binomtest(n_nano, n_nano + n_t, p0, alternative="greater")
        test_less = st.binomtest(n_nano, n_nano + n_t, p0, alternative="less")
        rows[tier] = (n_t, test_more.pvalue, test_less.pvalue)
    p_more = holm([x[1] for x in rows.values()])
    p_less = holm([x[2] for x in rows.values()])
    if (p_more < ctx.alpha).all():
        v = "supported"
    elif (p_less < ctx.alpha).any():
        v = "contradicted"
    else:
        v = "inconclusive"
    closest = min(others, key=lambda k: n_nano / others[k])
    n_c = others[closest]
    ci = st.binomtest(n_nano, n_nano + n_c).proportion_ci(0.95, method="exact")
    to_ratio = lambda q: q / (1 - q) if q < 1 else math.inf  # noqa: E731
    return ClaimResult(
        v,
        estimand=f"how many times as common nano is as the next tier ({closest})",
        estimate=n_nano / n_c,
        ci_low=to_ratio(ci.low),
        ci_high=to_ratio(ci.high),
        claimed=r,
        p_value=float(np.max(p_more)),
        n_influencers={"nano": n_nano, **others},
        n_posts=int(t["n_posts"].sum()),
        method=f"conditional binomial tests of nano's count out of nano + each tier against "
        f"{p0:.3f} (= r / (1 + r), 'by far' = {r:g} times as common), Holm over "
        f"{len(others)} tiers",
        scheme=scheme.name,
        summary="Nano vs each tier: "
        + "; ".join(
            f"{k} {n_nano / n:.2f}x (p more {pm:.3g}, p less {pl:.3g}, Holm)"
            for (k, (n, _, _)), pm, pl in zip(rows.items(), p_more, p_less, strict=True)
        )
        + ".",
        reason="shares describe this sample, which is selected (not a census of accounts)",
        flags=("selected-sample",),
    )


def market_size(ctx: Context, claim: Claim) -> ClaimResult:
    """C16: not observable in post-level data."""
    return ClaimResult(
        "not-testable",
        reason="market size is not observable in post-level data (see the benchmark ledger)",
    )


__all__ = [
    "C01_SCHEMES",
    "ab_power",
    "design_parameters",
    "market_size",
    "nano_share",
    "tier_schemes",
]
