"""Evaluators of the cost claims (C08-C11, C13): prices, CPM, cost per engagement, risk."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import stats
from ..errors import NotTestable
from .context import Context, from_stats, need_tiers, tier_counts
from .model import ARITHMETIC, Claim, ClaimResult


def cost_table(table: pd.DataFrame) -> pd.DataFrame:
    """Influencers with priced posts, with price per post (their mean price), CPM by
    followers (price / followers x 1,000) and cost per engagement (price / mean
    engagement per post)."""
    t = table[table["cost_n"] > 0].copy()
    t["cost_per_post"] = t["cost_sum"] / t["cost_n"]
    t["cpm_followers"] = t["cost_per_post"] / t["followers"] * 1000
    t["cost_per_engagement"] = t["cost_per_post"] / t["engagement_mean"].where(
        t["engagement_mean"] > 0
    )
    return t


def _priced(ctx: Context, claim: Claim) -> pd.DataFrame:
    if not ctx.evidence.has("cost"):
        raise NotTestable("no prices (cost column) in the data")
    t = cost_table(ctx.table(claim))
    if t.empty:
        raise NotTestable(f"no influencer has a post priced in {ctx.currency}")
    return t


def prices(ctx: Context, claim: Claim) -> ClaimResult:
    """C08: the median macro price against $10,000 (and the micro median against $100)."""
    t = _priced(ctx, claim)
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    macro = t.loc[t["tier"] == "macro", "cost_per_post"].dropna()
    micro = t.loc[t["tier"] == "micro", "cost_per_post"].dropna()
    r = stats.median_ci(macro, seed=ctx.seed, n_resamples=ctx.n_resamples)
    m = stats.median_ci(micro, seed=ctx.seed, n_resamples=ctx.n_resamples)
    if r.ci_low > claim.claimed:
        v = "supported"
    elif r.ci_high < claim.claimed:
        v = "contradicted"
    else:
        v = "inconclusive"
    return from_stats(
        r,
        verdict=v,
        estimand=f"median price of a macro post ({ctx.currency}, per-influencer mean price)",
        claimed=claim.claimed,
        n_influencers={"macro": len(macro), "micro": len(micro)},
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition="price per sponsored post",
        reason=(
            f"micro median price {m.estimate:,.0f} {ctx.currency} "
            f"(95% CI {m.ci_low:,.0f}–{m.ci_high:,.0f}) vs the claimed $100"
        ),
        results={"macro_median": r, "micro_median": m},
    )


def cpm(ctx: Context, claim: Claim) -> ClaimResult:
    """C09: the price elasticity w.r.t. followers (CPM by followers falls iff < 1)."""
    t = _priced(ctx, claim)
    res = stats.cost_elasticity(t, cost="cost_per_post")
    if res.ci_high < 1:
        v = "supported"
    elif res.ci_low > 1:
        v = "contradicted"
    else:
        v = "inconclusive"
    return from_stats(
        res,
        verdict=v,
        estimand="elasticity of price per post w.r.t. followers (CPM falls iff < 1)",
        claimed=1.0,
        n_influencers={"priced": len(t)},
        n_posts=int(t["cost_n"].sum()),
        scheme=ctx.scheme_for(claim).name,
        definition="price per sponsored post; CPM = price / followers × 1,000",
        results={"elasticity": res},
    )


def cost_per_engagement(ctx: Context, claim: Claim) -> ClaimResult:
    """C10: micro / macro median cost per engagement, one-sided (micro cheaper)."""
    t = _priced(ctx, claim)
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    res = stats.absolute_ratio(
        t,
        "micro",
        "macro",
        value="cost_per_engagement",
        alternative="less",
        seed=ctx.seed,
        n_resamples=ctx.n_resamples,
        stat="median",
    )
    return from_stats(
        res,
        verdict=res.verdict,
        estimand="ratio of tier medians of cost per engagement, micro / macro (< 1: micro cheaper)",
        claimed=1.0,
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition="price per post / (likes + comments) per post",
        results={"ratio": res},
    )


#: The article's scenario (001): footballer vs DIY micro-influencer.
SCENARIO_C11 = {
    "macro": {"followers": 22_000_000, "impressions": 1_800_000, "price": 10_000},
    "micro": {"followers": 35_000, "impressions": 20_000, "price": 100},
}


def scenario_audit(scenario: Mapping = SCENARIO_C11) -> pd.DataFrame:
    """Arithmetic of the article's footballer-vs-DIY scenario: impressions per follower,
    CPM at the article's prices, and the audience-relevance share at which the macro post
    costs the same per *relevant* impression as the micro post (micro audience assumed
    fully relevant)."""
    rows = []
    for tier, s in scenario.items():
        rows.append(
            {
                "tier": tier,
                "followers": s["followers"],
                "impressions": s["impressions"],
                "price_usd": s["price"],
                "impressions_per_follower": s["impressions"] / s["followers"],
                "cpm_usd": s["price"] / s["impressions"] * 1000,
                "cost_per_1k_followers_usd": s["price"] / s["followers"] * 1000,
            }
        )
    df = pd.DataFrame(rows)
    c = df.set_index("tier")["cpm_usd"]
    df["break_even_relevance"] = np.where(df["tier"] == "macro", c["macro"] / c["micro"], 1.0)
    return df


def scenario(ctx: Context, claim: Claim) -> ClaimResult:
    """C11: arithmetic on the article's own figures."""
    df = scenario_audit().set_index("tier")
    ratio = df.loc["macro", "cpm_usd"] / df.loc["micro", "cpm_usd"]
    return ClaimResult(
        "supported" if ratio > 1 else "contradicted",
        estimand="CPM ratio macro / micro at the article's own figures",
        estimate=float(ratio),
        claimed=1.0,
        method="arithmetic on the article's scenario",
        evidence=ARITHMETIC,
        summary=(
            f"Impressions per follower: footballer {df.loc['macro', 'impressions_per_follower']:.1%}, "
            f"DIY {df.loc['micro', 'impressions_per_follower']:.1%}. CPM: "
            f"${df.loc['macro', 'cpm_usd']:.2f} vs ${df.loc['micro', 'cpm_usd']:.2f}. "
            f"The macro post would need {ratio:.0%} of its audience to be relevant to match the "
            "micro post per relevant impression, so the micro post is cheaper at any relevance."
            if ratio > 1
            else "At the article's figures the macro post is cheaper per impression."
        ),
        reason="uses the article's numbers, not the data",
    )


def portfolio_budget(table: pd.DataFrame, tier: str = "macro") -> float:
    """The budget of one typical ``tier`` post: the median price of the tier's influencers
    (their mean price per priced post), or $100 per 10,000 followers (USA Today 2019 rule
    of thumb) at the tier's median followers when the data have no prices."""
    t = table[table["tier"] == tier]
    if "cost_n" in t and (t["cost_n"] > 0).any():
        return float((t["cost_sum"] / t["cost_n"].where(t["cost_n"] > 0)).median())
    return float(t["followers"].median() / 10_000 * 100) if len(t) else 10_000.0


def portfolio(ctx: Context, claim: Claim) -> ClaimResult:
    """C13: Monte Carlo risk of one macro post vs micro posts for the same budget."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim)
    budget = portfolio_budget(t)
    res = stats.portfolio_risk(t, budget, n_macro=1, seed=ctx.seed, n_sims=5000)
    est, lo, hi = res.cv_ratio(seed=ctx.seed)
    v = "supported" if lo > 1 else ("contradicted" if hi < 1 else "inconclusive")
    return ClaimResult(
        v,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        method=res.method,
        summary=res.summary(),
        flags=res.flags,
        estimand="coefficient of variation of total engagement, macro plan / micro plan",
        claimed=1.0,
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition="likes + comments per post (absolute)",
        details={"budget": budget},
        results={"portfolio": res},
    )


__all__ = [
    "SCENARIO_C11",
    "cost_per_engagement",
    "cost_table",
    "cpm",
    "portfolio",
    "portfolio_budget",
    "prices",
    "scenario",
    "scenario_audit",
]
