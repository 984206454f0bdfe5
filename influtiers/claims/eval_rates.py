"""Evaluators of the engagement claims (C02-C07, C14): rates and counts by tier and size."""

from __future__ import annotations

import math

import numpy as np

from .. import stats
from .context import Context, from_stats, need_tiers, tier_counts
from .model import Claim, ClaimResult, as_float


def _notes(t) -> str:
    return "; ".join(t.attrs.get("notes", []))


def parity(ctx: Context, claim: Claim) -> ClaimResult:
    """C02: TOST of micro vs macro influencer median rates (sponsored posts)."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    res = stats.equivalence_test(
        t, "micro", "macro", value="rate_median", margin=ctx.margin, alpha=ctx.alpha
    )
    v = {"equivalent": "supported", "different": "contradicted"}.get(res.verdict, "inconclusive")
    return from_stats(
        res,
        verdict=v,
        estimand="ratio of geometric means of influencer median rates, micro / macro",
        claimed=1.0,
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=f"margin {ctx.margin[0]}–{ctx.margin[1]}; {_notes(t)}",
        results={"tost": res},
    )


def absolute_macro(ctx: Context, claim: Claim) -> ClaimResult:
    """C03: macro / micro likes, comments and reach per post, one-sided."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    parts, results, skipped = {}, {}, []
    for count in ("likes", "comments", "reach"):
        value = f"{count} per post"
        if t[f"{count}_n"].sum() == 0:
            continue
        r = stats.absolute_ratio(
            t,
            "macro",
            "micro",
            value=value,
            alternative="greater",
            seed=ctx.seed,
            n_resamples=ctx.n_resamples,
            insufficient="return",
        )
        if r.verdict == "not-testable":
            skipped.append(f"{value}: {r.details.get('reason_detail', 'not testable')}")
            continue
        results[count] = r
        parts[value] = r.verdict
    if not results:
        from ..errors import NotTestable

        raise NotTestable("; ".join(skipped) or "no likes, comments or reach per post")
    verdicts = set(parts.values())
    if verdicts == {"supported"}:
        v = "supported"
    elif "contradicted" in verdicts:
        v = "contradicted"
    else:
        v = "inconclusive"
    main = results.get("likes") or next(iter(results.values()))
    return from_stats(
        main,
        verdict=v,
        estimand="ratio of tier means of influencer likes per post, macro / micro",
        claimed=1.0,
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition="absolute counts per post",
        reason="; ".join(f"{k}: {v}" for k, v in parts.items()),
        details={k: r.to_dict() for k, r in results.items()},
        results=results,
    )


def _lift_verdict(v: str, res) -> str:
    """A claimed lift is *supported* only when the interval contains it and excludes parity:
    an interval wide enough to hold both 1 and the claim decides nothing."""
    if v == "consistent":
        return "inconclusive" if res.ci_low <= 1 <= res.ci_high else "supported"
    if v in ("contradicted-lower", "contradicted-higher"):
        return "contradicted"
    return "inconclusive"


def lift(ctx: Context, claim: Claim) -> ClaimResult:
    """C04: micro / macro ratio of tier mean rates against the claimed 1.60."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim)
    res = stats.rate_ratio(
        t, "micro", "macro", method="bootstrap-mean", n_resamples=ctx.n_resamples, seed=ctx.seed
    )
    # every lift estimator side by side (the notebook's forest); the headline decides
    methods = {
        m: stats.rate_ratio(
            t, "micro", "macro", method=m, n_resamples=ctx.n_resamples, seed=ctx.seed,
            claimed=claim.claimed, insufficient="return",
        )
        for m in stats.METHODS
        if m != "bootstrap-mean"
    }  # fmt: skip
    lv = stats.claimed_lift_verdict(res, claim.claimed)
    return from_stats(
        res,
        verdict=_lift_verdict(lv, res),
        estimand="ratio of tier means of influencer mean rates, micro / macro",
        claimed=claim.claimed,
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=f"claimed +60% is {lv}",
        results={"lift": res, **methods},
    )


def rate_decline(ctx: Context, claim: Claim) -> ClaimResult:
    """C05: the influencer-level elasticity (each influencer weighs once) decides; the
    PPML slope of summed posts (dominated by large accounts) and the rank trend across
    tiers are reported."""
    t = ctx.table(claim)
    res = stats.elasticity(t)
    trend = stats.tier_trend(t, value="rate_median", insufficient="return")
    ols = res.details["ols"]
    est, lo, hi = ols["slope"] - 1, ols["ci"][0] - 1, ols["ci"][1] - 1
    v = "supported" if hi < 0 else ("contradicted" if lo > 0 else "inconclusive")
    ppml = res.details["rate_elasticity"]
    plo, phi = res.details["rate_elasticity_ci"]
    return ClaimResult(
        v,
        estimand="engagement-rate elasticity w.r.t. followers (influencer-level OLS slope − 1)",
        estimate=float(est),
        ci_low=float(lo),
        ci_high=float(hi),
        n_influencers={"all": len(t)},
        n_posts=int(t["n_posts"].sum()),
        method="OLS of log influencer mean engagement on log followers, HC3 (unit: influencer)",
        definition=ctx.definition_for(claim).label,
        scheme=ctx.scheme_for(claim).name,
        summary=res.summary(),
        reason=(
            f"PPML rate elasticity over posts {ppml:.3f} (95% CI {plo:.3f} to {phi:.3f}; "
            f"weights large accounts); rank trend across tiers: {trend.summary()}"
        ),
        flags=res.flags,
        details={"elasticity": res.to_dict(), "trend": trend.to_dict()},
        results={"elasticity": res, "trend": trend},
    )


def micro_vs_nano(ctx: Context, claim: Claim) -> ClaimResult:
    """C06: micro / nano mean engagement per post, one-sided."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "nano"), scheme)
    t = ctx.table(claim)
    res = stats.absolute_ratio(
        t,
        "micro",
        "nano",
        value="engagement_mean",
        alternative="greater",
        seed=ctx.seed,
        n_resamples=ctx.n_resamples,
    )
    return from_stats(
        res,
        verdict=res.verdict,
        estimand="ratio of tier means of influencer mean engagement per post, micro / nano",
        claimed=1.0,
        n_influencers=tier_counts(t, ("micro", "nano")),
        n_posts=int(t["n_posts"].sum()),
        definition="likes + comments per post",
        scheme=scheme.name,
        results={"ratio": res},
    )


def goldilocks(ctx: Context, claim: Claim) -> ClaimResult:
    """C07: Lind-Mehlum inverted U of engagement per post in log followers."""
    t = ctx.table(claim)
    res = stats.inverted_u(t)
    scheme = ctx.scheme_for(claim)
    micro = next((x for x in scheme.tiers if x.name == "micro"), None)
    tp, lo, hi = as_float(res.estimate), as_float(res.ci_low), as_float(res.ci_high)
    why_tp = ""
    if res.verdict != "inverted-u":
        why_tp = (
            f"turning point {tp:,.0f} followers lies outside the data" if np.isfinite(tp) else ""
        )
        tp = lo = hi = math.nan
    if res.verdict == "inverted-u" and micro is not None:
        if not (np.isnan(lo) or np.isnan(hi)) and (hi < micro.lower or lo >= micro.upper):
            v, why = "contradicted", "an inverted U exists but its peak lies outside the micro tier"
        elif micro.lower <= tp < micro.upper:
            v, why = "supported", "inverted U with its peak in the micro tier"
        else:
            v, why = "inconclusive", "inverted U; peak interval overlaps the micro tier"
    elif res.verdict == "monotone":
        v, why = "contradicted", "engagement changes monotonically with followers: no sweet spot"
        why += f" ({why_tp})" if why_tp else ""
    else:
        v, why = "inconclusive", "the Lind–Mehlum test does not decide"
    return from_stats(
        res,
        verdict=v,
        estimand="turning point of absolute engagement per post (followers)",
        estimate=tp,
        ci_low=lo,
        ci_high=hi,
        n_influencers={"all": len(t)},
        n_posts=int(t["n_posts"].sum()),
        definition="likes + comments per post (absolute)",
        scheme=scheme.name,
        reason=why,
        results={"inverted_u": res},
    )


def sponsored_penalty(ctx: Context, claim: Claim) -> ClaimResult:
    """C14: the within-influencer sponsored/organic penalty, micro vs macro."""
    if not ctx.evidence.has("sponsored"):
        from ..errors import NotTestable

        raise NotTestable("no sponsorship flag in the data")
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, by_sponsored=True)
    res = stats.sponsored_penalty(t, "micro", "macro", value="rate_median")
    return from_stats(
        res,
        verdict=res.verdict,
        estimand="(sponsored/organic rate) micro ÷ (sponsored/organic rate) macro",
        claimed=1.0,
        n_influencers=dict(res.n_influencers),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        results={"penalty": res},
    )


__all__ = [
    "absolute_macro",
    "goldilocks",
    "lift",
    "micro_vs_nano",
    "parity",
    "rate_decline",
    "sponsored_penalty",
]
