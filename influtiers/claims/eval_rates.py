"""Evaluators of the engagement claims (C02-C07, C14): rates and counts by tier and size.

Each evaluator works in its context's scope: one platform (or the whole dataset when it
has one platform), or every platform with platform fixed effects (``ctx.fixed_effects``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as st

from .. import stats
from ..errors import NotTestable
from ..stats.fixed_effects import fe_inverted_u, fe_ratio, fe_slope
from ..stats.shape import FiellerSet
from .context import (
    Context,
    apply_band,
    from_stats,
    need_tiers,
    notes_of,
    tier_counts,
)
from .model import Claim, ClaimResult
from .rules import directional_verdict, holm

COUNTS = ("likes", "comments", "shares", "saves")


def _flags(t, *more) -> tuple[str, ...]:
    return (*t.attrs.get("flags", ()), *more)


def parity(ctx: Context, claim: Claim) -> ClaimResult:
    """C02: micro vs macro influencer median rates on sponsored posts, band rule around 1."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    if ctx.fixed_effects:
        res = fe_ratio(t, "micro", "macro", "rate_median", model="ols-log")
    else:
        tost = stats.equivalence_test(
            t, "micro", "macro", value="rate_median", margin=ctx.margin, alpha=ctx.alpha
        )
        lo95, hi95 = tost.details["ci95"]
        res = tost.with_(
            ci_low=lo95,
            ci_high=hi95,
            confidence=1 - ctx.alpha,
            details={**tost.details, "ci90": [tost.ci_low, tost.ci_high]},
        )
    out = apply_band(
        res,
        claim.claimed,
        ctx,
        estimand="ratio of geometric means of influencer median rates, micro / macro",
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=f"the source studied sponsored Instagram posts; {notes_of(t)}",
        flags=_flags(t),
        results={"tost": res},
    )
    return out


def _one_sided(res, alternative: str) -> tuple[float, float]:
    """(p of the claimed direction, p of the opposite) of a ratio result against 1."""
    pv = getattr(res, "p_values", {}) or {}
    if "greater" in pv and "less" in pv:
        pg, pl = float(pv["greater"]), float(pv["less"])
    else:  # bootstrap: the share of replicates on the wrong side of 1
        pg, pl = float(pv.get("boot_le_1", math.nan)), float(pv.get("boot_ge_1", math.nan))
    return (pg, pl) if alternative == "greater" else (pl, pg)


def _ratio(ctx: Context, t, a, b, value: str, *, alternative: str, stat: str = "mean"):
    if ctx.fixed_effects:
        if stat != "mean":
            raise NotTestable("no fixed-effects estimator of a ratio of medians")
        return fe_ratio(t, a, b, value, model="ppml")
    return stats.absolute_ratio(
        t,
        a,
        b,
        value=value,
        stat=stat,
        alternative=alternative,
        seed=ctx.seed,
        n_resamples=ctx.n_resamples,
        insufficient="return",
    )


def _directional(res, alternative: str, ctx: Context, **kw) -> ClaimResult:
    p, p_opp = _one_sided(res, alternative)
    return from_stats(
        res,
        verdict=directional_verdict(p, p_opp, ctx.alpha),
        p_value=p,
        details={**res.to_dict(), "p_opposite": p_opp},
        **kw,
    )


def absolute_macro(ctx: Context, claim: Claim) -> ClaimResult:
    """C03: macro > micro on likes, comments and reach per post: intersection-union test."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    parts, missing = {}, []
    for count in ("likes", "comments", "reach"):
        if t[f"{count}_n"].sum() == 0:
            missing.append(count)
            continue
        r = _ratio(ctx, t, "macro", "micro", f"{count} per post", alternative="greater")
        if r.verdict == "not-testable":
            missing.append(f"{count} ({r.details.get('reason_detail', 'not testable')})")
            continue
        parts[count] = r
    if not parts:
        raise NotTestable(f"no usable part (missing: {', '.join(missing)})")
    p_claim = {k: _one_sided(r, "greater")[0] for k, r in parts.items()}
    p_opp = {k: _one_sided(r, "greater")[1] for k, r in parts.items()}
    p_opp_adj = dict(zip(p_opp, holm(list(p_opp.values())), strict=True))
    if all(p < ctx.alpha for p in p_claim.values()):
        v = "supported"
    elif any(p < ctx.alpha for p in p_opp_adj.values()):
        v = "contradicted"
    else:
        v = "inconclusive"
    head = parts.get("likes") or next(iter(parts.values()))
    reason = "; ".join(f"{k}: one-sided p {p:.3g}" for k, p in p_claim.items())
    if missing:
        reason += f"; missing parts: {', '.join(missing)}"
    rows = [
        _directional(
            r,
            "greater",
            ctx,
            part=k,
            estimand=f"ratio of tier means of influencer {k} per post, macro / micro",
            n_influencers=tier_counts(t, ("micro", "macro")),
            definition="absolute counts per post",
            scheme=scheme.name,
            flags=_flags(t),
        )
        for k, r in parts.items()
    ]
    return from_stats(
        head,
        verdict=v,
        p_value=max(p_claim.values()),
        estimand="ratio of tier means of influencer likes per post, macro / micro "
        "(headline; every part in its own row)",
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition="absolute counts per post",
        reason=f"{reason}; {notes_of(t)}",
        flags=_flags(t),
        details={k: r.to_dict() for k, r in parts.items()},
        results=parts,
        parts=rows,
    )


def lift(ctx: Context, claim: Claim) -> ClaimResult:
    """C04: micro / macro ratio of tier mean rates, band rule around the claimed 1.60."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim)
    methods = {}
    if ctx.fixed_effects:
        res = fe_ratio(t, "micro", "macro", "rate_mean", model="ppml")
    else:
        res = stats.rate_ratio(
            t,
            "micro",
            "macro",
            method="bootstrap-mean",
            n_resamples=ctx.n_resamples,
            seed=ctx.seed,
        )
        # every lift estimator side by side (the notebook's forest); the headline decides
        methods = {
            m: stats.rate_ratio(
                t,
                "micro",
                "macro",
                method=m,
                n_resamples=ctx.n_resamples,
                seed=ctx.seed,
                insufficient="return",
            )
            for m in stats.METHODS
            if m != "bootstrap-mean"
        }
    return apply_band(
        res,
        claim.claimed,
        ctx,
        estimand="ratio of tier means of influencer mean rates, micro / macro",
        n_influencers=tier_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=notes_of(t),
        flags=_flags(t),
        results={"lift": res, **methods},
    )


#: Follower thresholds of the C05 segments.
SEGMENTS = (("all", 0.0), ("at least 1k", 1_000.0), ("at least 10k", 10_000.0))


def _significant_sign(lo: float, hi: float) -> int:
    return -1 if hi < 0 else (1 if lo > 0 else 0)


def rate_decline(ctx: Context, claim: Claim) -> ClaimResult:
    """C05: the rate elasticity (influencer-level OLS slope - 1, CV3, t) below 0."""
    t = ctx.table(claim)
    ols = fe_slope(t, "engagement_mean", null=1.0)
    est, lo, hi = ols.estimate - 1, ols.ci_low - 1, ols.ci_high - 1
    p, p_opp = ols.p_values["below"], ols.p_values["above"]
    v = directional_verdict(p, p_opp, ctx.alpha)
    sign = _significant_sign(lo, hi)
    others, reported = {}, {}
    if not ctx.fixed_effects:
        reported["trend"] = stats.tier_trend(t, value="rate_median", insufficient="return")
        ppml = stats.elasticity(t, insufficient="return")
        if ppml.verdict != "not-testable":
            plo, phi = ppml.details["rate_elasticity_ci"]
            others["PPML over posts"] = (ppml.details["rate_elasticity"], plo, phi)
    segments = {}
    narrow = t[["platform", "followers", "engagement_mean"]]  # rows selected below
    for name, low in SEGMENTS[1:]:
        seg = narrow[narrow["followers"] >= low]
        try:
            s = fe_slope(seg, "engagement_mean", null=1.0)
        except NotTestable:
            continue
        segments[name] = s
        others[f"OLS, {name} followers"] = (s.estimate - 1, s.ci_low - 1, s.ci_high - 1)
    disagree = [k for k, (_, a, b) in others.items() if _significant_sign(a, b) != sign]
    flags = _flags(t, *(("estimators-disagree",) if disagree else ()))
    sens = follower_noise_bias(t)
    text = (
        f"Rate elasticity {est:.3f} (95% CI {lo:.3f} to {hi:.3f}), influencer-level OLS of log "
        f"mean engagement on log followers: {v}."
    )
    if others:
        text += " Other estimates: " + "; ".join(
            f"{k} {e:.3f} ({a:.3f} to {b:.3f})" for k, (e, a, b) in others.items()
        )
        text += "."
    if disagree:
        text += f" They disagree in sign or significance: {', '.join(disagree)}."
    text += (
        " Noise in reported followers alone would give a slope of "
        + ", ".join(f"{b:.3f} (SD {s:g})" for s, b in sens.items())
        + " under a true elasticity of 0."
    )
    return from_stats(
        ols,
        verdict=v,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        estimand="elasticity of reported engagement rate w.r.t. reported followers "
        "(descriptive; OLS slope - 1, each influencer weighs once)",
        n_influencers={"all": len(t)},
        n_posts=int(t["n_posts"].sum()),
        method=ols.method,
        definition=ctx.definition_for(claim).label,
        scheme=ctx.scheme_for(claim).name,
        summary=text,
        reason=notes_of(t),
        flags=flags,
        details={
            "ci90": [x - 1 for x in ols.details["ci90"]],
            "others": {k: list(x) for k, x in others.items()},
            "follower_noise_bias": {str(k): b for k, b in sens.items()},
        },
        results={
            "ols": ols,
            **({"elasticity": ppml} if "PPML over posts" in others else {}),
            **{f"segment {k}": s for k, s in segments.items()},
        },
    )


def follower_noise_bias(t, sds=(0.1, 0.2, 0.3, 0.4, 0.5)) -> dict[float, float]:
    """The slope that log-normal noise of SD sigma in reported followers alone gives the
    rate elasticity under a true elasticity of 0, on the full sample:
    -sigma^2 / Var(observed log followers) (attenuation of the engagement slope 1)."""
    f = t["followers"].to_numpy(float)
    v = float(np.var(np.log(f[f > 0]), ddof=1)) if (f > 0).sum() > 1 else math.nan
    return {float(s): -(s**2) / v if v > 0 else math.nan for s in sds}


def _engagement_all(t):
    """Engagement per post from every engagement column present (sum of the columns'
    means per post)."""
    cols = [c for c in COUNTS if (t[f"{c}_n"] > 0).any()]
    total = 0.0
    for c in cols:
        total = total + t[f"{c}_sum"] / t[f"{c}_n"].where(t[f"{c}_n"] > 0)
    return t.assign(engagement_all=total), cols


def micro_vs_nano(ctx: Context, claim: Claim) -> ClaimResult:
    """C06: micro > nano on engagement per post (every engagement column), parts per count
    and reach."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "nano"), scheme)
    t, cols = _engagement_all(ctx.table(claim))
    if not cols:
        raise NotTestable("no engagement counts in the data")
    head = _ratio(ctx, t, "micro", "nano", "engagement_all", alternative="greater")
    if head.verdict == "not-testable":
        raise NotTestable(head.details.get("reason_detail", "too few influencers"))
    parts, rows = {}, []
    for c in (*cols, "reach"):
        if c == "reach" and t["reach_n"].sum() == 0:
            continue
        r = _ratio(ctx, t, "micro", "nano", f"{c} per post", alternative="greater")
        if r.verdict == "not-testable":
            continue
        parts[c] = r
        rows.append(
            _directional(
                r,
                "greater",
                ctx,
                part=c,
                estimand=f"ratio of tier means of influencer {c} per post, micro / nano",
                n_influencers=tier_counts(t, ("micro", "nano")),
                scheme=scheme.name,
                definition=f"{c} per post",
                flags=_flags(t),
            )
        )
    return _directional(
        head,
        "greater",
        ctx,
        estimand="ratio of tier means of influencer engagement per post, micro / nano",
        n_influencers=tier_counts(t, ("micro", "nano")),
        n_posts=int(t["n_posts"].sum()),
        definition=" + ".join(cols) + " per post",
        scheme=scheme.name,
        reason=notes_of(t),
        flags=_flags(t),
        results={"ratio": head, **parts},
        parts=rows,
    )


def _shape_verdict(res, micro) -> tuple[str, str]:
    fs = FiellerSet(**res.details["fieller_set"])
    if micro is None:
        raise NotTestable("the scheme has no micro tier")
    lo, hi = micro
    where = f"the 95% Fieller set of the turning point is {fs.describe()}"
    if res.verdict == "inverted-u" and fs.inside(lo, hi):
        return "supported", f"an inverted U: {where}, inside the micro tier"
    if res.verdict == "u-shaped":
        return "contradicted", "a U (a trough, not a peak): the mirror test rejects"
    if res.verdict == "monotone":
        return "contradicted", "monotone: both end slopes are significant with one sign"
    if fs.disjoint(lo, hi):
        return "contradicted", f"{where}, disjoint from the micro tier"
    if fs.kind == "whole line":
        return "inconclusive", f"{where}: the turning point is not located"
    return "inconclusive", f"{where}, overlapping the micro tier"


def goldilocks(ctx: Context, claim: Claim) -> ClaimResult:
    """C07: an inverted U in log followers peaking in the micro tier: (a) engagement
    volume (headline), (b) cost-efficiency (engagement per dollar) when prices exist."""
    t = ctx.table(claim)
    micro = ctx.tier_bounds(claim, "micro")
    if micro is None:
        raise NotTestable(f"scheme {ctx.scheme_for(claim).name} has no micro tier")
    res = fe_inverted_u(t)
    v, why = _shape_verdict(res, micro)
    point = (
        {}
        if res.verdict == "inverted-u"
        else dict(estimate=math.nan, ci_low=math.nan, ci_high=math.nan)
    )
    rows, results = [], {"inverted_u": res}
    if ctx.evidence.has("cost") and not ctx.fixed_effects:
        c = t[(t["cost_n"] > 0) & (t["engagement_mean"] > 0)]
        c = c.assign(per_dollar=c["engagement_mean"] / (c["cost_sum"] / c["cost_n"]))
        try:
            r2 = fe_inverted_u(c, "per_dollar")
            v2, why2 = _shape_verdict(r2, micro)
            results["cost_efficiency"] = r2
            pt2 = (
                {}
                if r2.verdict == "inverted-u"
                else dict(estimate=math.nan, ci_low=math.nan, ci_high=math.nan)
            )
            rows.append(
                from_stats(
                    r2,
                    verdict=v2,
                    part="cost-efficiency",
                    reason=why2,
                    **pt2,
                    estimand="turning point of engagement per dollar (followers)",
                    n_influencers={"priced": len(c)},
                    scheme=ctx.scheme_for(claim).name,
                    definition="engagement per post / price per post",
                )
            )
        except NotTestable:
            pass
    return from_stats(
        res,
        verdict=v,
        p_value=float(res.p_value),
        estimand="turning point of engagement per post (followers), reading (a): volume",
        n_influencers={"all": len(t)},
        n_posts=int(t["n_posts"].sum()),
        definition="likes + comments per post (absolute)",
        scheme=ctx.scheme_for(claim).name,
        reason=f"{why}; micro tier {micro[0]:,.0f}-{micro[1]:,.0f} followers",
        flags=_flags(t),
        results=results,
        parts=rows,
        **point,
    )


def sponsored_penalty(ctx: Context, claim: Claim) -> ClaimResult:
    """C14: the within-influencer sponsored/organic penalty, micro vs macro, one-sided."""
    if not ctx.evidence.has("sponsored"):
        raise NotTestable("no sponsorship flag in the data")
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, by_sponsored=True)
    if ctx.fixed_effects:
        ratios = stats.within_influencer_ratios(t, "rate_median")
        ratios = ratios.assign(penalty=np.exp(ratios["log_ratio"]))
        res = fe_ratio(ratios, "micro", "macro", "penalty", model="ols-log")
        p, p_opp = res.p_values["greater"], res.p_values["less"]
    else:
        res = stats.sponsored_penalty(t, "micro", "macro", value="rate_median")
        df = res.statistic.get("df")
        tt = res.statistic["t"]
        p, p_opp = float(st.t.sf(tt, df)), float(st.t.cdf(tt, df))
    return from_stats(
        res,
        verdict=directional_verdict(p, p_opp, ctx.alpha),
        p_value=p,
        estimand="(sponsored/organic rate) micro ÷ (sponsored/organic rate) macro",
        n_influencers=dict(res.n_influencers),
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=notes_of(t),
        flags=_flags(t),
        results={"penalty": res},
    )


__all__ = [
    "SEGMENTS",
    "absolute_macro",
    "follower_noise_bias",
    "goldilocks",
    "lift",
    "micro_vs_nano",
    "parity",
    "rate_decline",
    "sponsored_penalty",
]
