"""Evaluators of the cost claims (C08-C11, C13): prices, CPM, cost per engagement, risk.

Prices are in the analysis currency (``ctx.currency``): posts priced in another currency
are counted in the reason, never summed as if they were in it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import stats
from ..errors import NotTestable
from ..stats.fixed_effects import fe_slope
from ..stats.shares import share_ci
from .context import Context, apply_band, from_stats, need_tiers, notes_of, tier_counts
from .model import ARITHMETIC, SIMULATION, Claim, ClaimResult
from .rules import directional_verdict


def cost_table(table: pd.DataFrame) -> pd.DataFrame:
    """Influencers with priced posts, with price per post (their mean price), CPM by
    followers (price / followers x 1,000) and cost per engagement (price / mean
    engagement per post)."""
    # a shallow copy: the filter made new arrays, and a deep copy would consolidate the
    # evidence table's one-column blocks (3x its size at the peak)
    t = table[table["cost_n"] > 0].copy(deep=False)
    t["cost_per_post"] = t["cost_sum"] / t["cost_n"]
    t["cpm_followers"] = t["cost_per_post"] / t["followers"] * 1000
    t["cost_per_engagement"] = t["cost_per_post"] / t["engagement_mean"].where(
        t["engagement_mean"] > 0
    )
    return t


def _currency_note(ctx: Context, t: pd.DataFrame) -> str:
    other = int(t["cost_other_n"].sum()) if "cost_other_n" in t else 0
    if other:
        return f"{other} priced posts in another currency than {ctx.currency} left out"
    return ""


def _priced(ctx: Context, claim: Claim) -> pd.DataFrame:
    if (
        not ctx.evidence.has("cost")
        and not (ctx.evidence.frame(columns=["cost_other_n"])["cost_other_n"] > 0).any()
    ):
        raise NotTestable("no prices (cost column) in the data")
    full = ctx.table(claim)
    t = cost_table(full)
    if t.empty:
        note = _currency_note(ctx, full)
        raise NotTestable(
            f"no influencer has a post priced in {ctx.currency}" + (f" ({note})" if note else "")
        )
    t.attrs.update(full.attrs)
    t.attrs["currency_note"] = _currency_note(ctx, full)
    return t


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def prices(ctx: Context, claim: Claim) -> ClaimResult:
    """C08: macro and mega parts on the share of priced posts over $10,000; micro part on
    the median price in the band around $100; headline from the macro and micro parts."""
    t = _priced(ctx, claim)
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    threshold = claim.claimed
    share_min = float(claim.params.get("share", 0.10))
    over = f"cost_over_{int(threshold)}_n"
    rows, results = [], {}
    for tier in ("macro", "mega"):
        g = t[t["tier"] == tier]
        if tier not in scheme.tier_names or g.empty:
            continue
        r = share_ci(
            g[over],
            g["cost_n"],
            seed=ctx.seed,
            n_resamples=ctx.n_resamples,
            label=f"{tier} priced posts over ${threshold:,.0f}",
            insufficient="return",
        )
        if r.verdict == "not-testable":
            rows.append(
                ClaimResult("not-testable", part=tier, reason=r.details.get("reason_detail", ""))
            )
            continue
        v = (
            "supported"
            if r.ci_low >= share_min
            else ("contradicted" if r.ci_high < share_min else "inconclusive")
        )
        results[tier] = r
        rows.append(
            from_stats(
                r,
                verdict=v,
                part=tier,
                claimed=share_min,
                estimand=f"share of {tier} priced posts over ${threshold:,.0f}",
                n_influencers={tier: len(g)},
                n_posts=int(g["cost_n"].sum()),
                scheme=scheme.name,
                definition=f"price per post ({ctx.currency})",
                reason=f"supported if the lower 95% bound is at least {share_min:.0%}",
            )
        )
    micro = t.loc[t["tier"] == "micro", "cost_per_post"].dropna()
    m = stats.median_ci(
        micro,
        seed=ctx.seed,
        n_resamples=ctx.n_resamples,
        label="micro influencers' mean price",
        insufficient="return",
    )
    micro_price = float(claim.params.get("micro_price", 100.0))
    if m.verdict == "not-testable":
        rows.append(
            ClaimResult("not-testable", part="micro", reason=m.details.get("reason_detail", ""))
        )
    else:
        results["micro"] = m
        rows.append(
            apply_band(
                m,
                micro_price,
                ctx,
                part="micro",
                estimand="median of micro influencers' mean price per post",
                n_influencers={"micro": len(micro)},
                scheme=scheme.name,
                definition=f"price per post ({ctx.currency})",
            )
        )
    by = {r.part: r.verdict for r in rows}
    key = [by.get("macro"), by.get("micro")]
    if key == ["supported", "supported"]:
        v = "supported"
    elif "contradicted" in key:
        v = "contradicted"
    elif all(k in (None, "not-testable") for k in key):
        raise NotTestable("neither a macro nor a micro price part is testable")
    else:
        v = "inconclusive"
    head = results.get("macro") or results.get("micro")
    return from_stats(
        head,
        verdict=v,
        estimate=math.nan,
        ci_low=math.nan,
        ci_high=math.nan,
        claimed=threshold,
        estimand=f"headline of the parts (macro share over ${threshold:,.0f}, micro median "
        "around $100)",
        n_influencers=tier_counts(t, ("micro", "macro", "mega")),
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition=f"price per post ({ctx.currency})",
        reason=_join(", ".join(f"{k}: {v}" for k, v in by.items()), t.attrs["currency_note"]),
        flags=t.attrs.get("flags", ()),
        results=results,
        parts=rows,
    )


#: Exposure columns C09 may divide the price by, in order of preference.
CPM_DENOMINATORS = ("impressions", "reach", "views")


def cpm(ctx: Context, claim: Claim) -> ClaimResult:
    """C09: the slope of log CPM on log followers over the priced posts, below 0."""
    t = _priced(ctx, claim)
    n_priced = t["cost_n"].sum()
    denom = "followers"
    for e in CPM_DENOMINATORS:
        if t[f"{e}_priced_n"].sum() >= 0.8 * n_priced:
            denom = e
            break
    if denom == "followers":
        exposure = t["followers"]
    else:
        exposure = t[f"{denom}_priced_sum"] / t[f"{denom}_priced_n"].where(
            t[f"{denom}_priced_n"] > 0
        )
    t = t.assign(cpm=t["cost_per_post"] / exposure * 1000)
    res = fe_slope(t, "cpm", null=0.0)
    p, p_opp = res.p_values["below"], res.p_values["above"]
    v = "supported" if res.ci_high < 0 else ("contradicted" if res.ci_low > 0 else "inconclusive")
    flags = list(t.attrs.get("flags", ()))
    if denom != "impressions":
        flags.append("followers-proxy" if denom == "followers" else f"cpm-by-{denom}")
    return from_stats(
        res,
        verdict=v,
        p_value=p,
        estimand=f"elasticity of CPM (price per 1,000 {denom}) w.r.t. followers",
        n_influencers={"priced": len(t)},
        n_posts=int(n_priced),
        scheme=ctx.scheme_for(claim).name,
        definition=f"price / {denom} x 1,000 ({ctx.currency}), over the priced posts",
        reason=_join(f"denominator: {denom}", t.attrs["currency_note"]),
        flags=flags,
        details={**res.to_dict(), "denominator": denom, "p_opposite": p_opp},
        results={"cpm_slope": res},
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
    p, p_opp = res.p_values.get("boot_ge_1", math.nan), res.p_values.get("boot_le_1", math.nan)
    return from_stats(
        res,
        verdict=directional_verdict(p, p_opp, ctx.alpha),
        p_value=p,
        estimand="ratio of tier medians of cost per engagement, micro / macro (< 1: micro cheaper)",
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition="price per post / (likes + comments) per post",
        reason=t.attrs["currency_note"],
        flags=t.attrs.get("flags", ()),
        results={"ratio": res},
    )


#: The article's scenario (001): a footballer (22M followers: mega) vs a DIY micro-
#: influencer. The article gives no prices: they are section #4's (C08), the footballer's
#: $10,000 a lower bound.
SCENARIO_C11 = {
    "mega": {"followers": 22_000_000, "impressions": 1_800_000, "price": 10_000},
    "micro": {"followers": 35_000, "impressions": 20_000, "price": 100},
}
#: The mega post prices over which C11 reports the break-even micro price.
SCENARIO_PRICES = (5_000, 10_000, 20_000, 50_000)


def scenario_audit(scenario: Mapping = SCENARIO_C11) -> pd.DataFrame:
    """Arithmetic of the article's footballer-vs-DIY scenario: impressions per follower,
    CPM at the assumed prices, and the audience-relevance share at which the mega post
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
    df["break_even_relevance"] = np.where(df["tier"] == "mega", c["mega"] / c["micro"], 1.0)
    return df


def break_even_prices(scenario: Mapping = SCENARIO_C11, prices=SCENARIO_PRICES) -> pd.DataFrame:
    """For each mega post price: the micro post price below which the micro post is the
    cheaper per impression (price x micro impressions / mega impressions)."""
    r = scenario["micro"]["impressions"] / scenario["mega"]["impressions"]
    return pd.DataFrame({"mega_price": list(prices), "micro_break_even": [p * r for p in prices]})


def scenario(ctx: Context, claim: Claim) -> ClaimResult:
    """C11: arithmetic on the article's figures, over a range of assumed prices; the
    data's impressions per follower by tier when impressions exist (descriptive)."""
    df = scenario_audit().set_index("tier")
    be = break_even_prices()
    at = float(be.loc[be["mega_price"] == 10_000, "micro_break_even"].iloc[0])
    text = (
        f"Impressions per follower in the scenario: footballer (mega) "
        f"{df.loc['mega', 'impressions_per_follower']:.1%}, DIY micro "
        f"{df.loc['micro', 'impressions_per_follower']:.1%}. The micro post is the cheaper "
        "per impression when its price is below "
        + ", ".join(
            f"${b:,.0f} (mega at ${p:,.0f})"
            for p, b in zip(be["mega_price"], be["micro_break_even"], strict=True)
        )
        + "."
    )
    details: dict = {"break_even": be.to_dict(orient="records")}
    ev = ctx.evidence
    if ev.has("impressions"):
        t = ctx.table(claim)
        ipf = {}
        for tier in ("micro", "mega"):
            g = t[(t["tier"] == tier) & (t["impressions_n"] > 0)]
            if len(g):
                per_post = (g["impressions_sum"] / g["impressions_n"]).sum()
                ipf[tier] = float(per_post / g["followers"].sum())
        if ipf:
            details["data_impressions_per_follower"] = ipf
            text += " In the data: " + ", ".join(f"{k} {v:.1%}" for k, v in ipf.items()) + "."
    return ClaimResult(
        "descriptive",
        estimand="the micro post price below which it is cheaper per impression, with the "
        "mega post at $10,000 (the article's figures)",
        estimate=at,
        method="arithmetic on the article's scenario; prices assumed (section #4)",
        evidence=ARITHMETIC,
        summary=text,
        reason="the article gives no prices for the scenario: $10,000 and $100 are section "
        "#4's, the footballer's a lower bound",
        details=details,
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
        evidence=SIMULATION,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        method=res.method,
        summary=res.summary(),
        estimand="coefficient of variation of total engagement, macro plan / micro plan",
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition="likes + comments per post (absolute)",
        reason=notes_of(t),
        details={"budget": budget},
        results={"portfolio": res},
    )


__all__ = [
    "CPM_DENOMINATORS",
    "SCENARIO_C11",
    "SCENARIO_PRICES",
    "break_even_prices",
    "cost_per_engagement",
    "cost_table",
    "cpm",
    "portfolio",
    "portfolio_budget",
    "prices",
    "scenario",
    "scenario_audit",
]
