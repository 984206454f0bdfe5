"""Evaluators of the price and reach claims (C17-C19), and the tier-pair family rule.

Families of tier pairs (C17's nano against every other tier; C18's parts; C20-C22's micro
against macro and mega) are decided by :func:`holm_family`: Holm's adjustment over the
pairs, in both directions. Prices are the influencers' mean price per priced post in the
analysis currency; reach is each platform's first exposure count of reach, impressions and
views that the posts carry (:func:`exposure_table`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import NotTestable
from ..evidence.tables import rows
from ..stats.fixed_effects import fe_ratio, fe_slope
from ..stats.market import threshold_p, threshold_ratio
from .context import Context, from_stats, need_tiers, notes_of, tier_counts
from .eval_costs import SCENARIO_C11, cost_table
from .eval_rates import follower_noise_bias
from .model import Claim, ClaimResult
from .rules import directional_verdict, holm

#: Exposure counts that stand for reach, in order of preference (followers never do).
REACH_COLUMNS = ("reach", "impressions", "views")


def holm_family(
    p_claim: Mapping[str, float], p_opposite: Mapping[str, float], alpha: float
) -> tuple[str, dict[str, float], dict[str, float]]:
    """The family rule: Holm over the members' one-sided p-values, in each direction.

    ``supported`` when every member's Holm-adjusted p of the claimed direction is below
    ``alpha``; ``contradicted`` when some member's Holm-adjusted p of the opposite direction
    is; ``inconclusive`` otherwise. Returns the verdict and both adjusted p-values.

    >>> holm_family({"a": 0.03, "b": 0.04}, {"a": 0.9, "b": 0.9}, 0.05)[0]  # 0.06, 0.06
    'inconclusive'
    >>> holm_family({"a": 0.01, "b": 0.04}, {"a": 0.9, "b": 0.9}, 0.05)[0]  # 0.02, 0.04
    'supported'
    >>> holm_family({"a": 0.001, "b": 0.9}, {"a": 0.9, "b": 0.02}, 0.05)[0]
    'contradicted'
    """
    keys = list(p_claim)
    adj_c = dict(zip(keys, holm([p_claim[k] for k in keys]).tolist(), strict=True))
    adj_o = dict(zip(keys, holm([p_opposite[k] for k in keys]).tolist(), strict=True))
    if keys and all(v < alpha for v in adj_c.values()):
        return "supported", adj_c, adj_o
    if any(v < alpha for v in adj_o.values()):
        return "contradicted", adj_c, adj_o
    return "inconclusive", adj_c, adj_o


def member_verdict(adj_claim: float, adj_opposite: float, alpha: float) -> str:
    """A family member's verdict from its Holm-adjusted p-values."""
    return directional_verdict(adj_claim, adj_opposite, alpha)


def family_reason(adj_c: Mapping, adj_o: Mapping, k: str, claimed: str, opposite: str) -> str:
    return (
        f"Holm-adjusted one-sided p over the {len(adj_c)} tested: {adj_c[k]:.3g} ({claimed}), "
        f"{adj_o[k]:.3g} ({opposite})"
    )


def deciding(verdict: str, adj_c: Mapping[str, float], adj_o: Mapping[str, float]) -> str:
    """The member a family's headline row shows: when contradicted, the one with the
    smallest adjusted p of the opposite direction; otherwise the one with the largest
    adjusted p of the claimed direction (the one that decides whether the family is
    supported). Ties go to the first member."""
    keys = list(adj_c)
    if verdict == "contradicted":
        return min(keys, key=lambda k: (adj_o[k], keys.index(k)))
    return max(keys, key=lambda k: (adj_c[k], -keys.index(k)))


def priced_table(ctx: Context, claim: Claim) -> pd.DataFrame:
    """The scope's influencers with a price in the analysis currency (``cost_per_post``)."""
    if not ctx.evidence.has("cost"):
        raise NotTestable("no prices (cost column) in the data")
    full = ctx.table(claim)
    t = cost_table(full)
    if t.empty:
        raise NotTestable(f"no influencer has a post priced in {ctx.currency}")
    t.attrs.update(full.attrs)
    return t


def exposure_table(t: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """``t`` with ``exposure_per_post`` (the mean over the influencer's posts) and
    ``exposure_per_follower``, from each platform's first column of :data:`REACH_COLUMNS`
    present on at least 80% of its posts; the measure per platform. Raises NotTestable when
    no platform has one."""
    measures: dict[str, str] = {}
    plat = t["platform"].astype("string")
    values = np.full(len(t), np.nan)
    n_posts = t["n_posts"].to_numpy(float)
    for p in sorted(plat.dropna().unique()):
        m = (plat == p).fillna(False).to_numpy(bool)
        for e in REACH_COLUMNS:
            n_e = t[f"{e}_n"].to_numpy(float)[m]
            if n_e.sum() >= 0.8 * n_posts[m].sum() and n_e.sum() > 0:
                measures[str(p)] = e
                with np.errstate(invalid="ignore", divide="ignore"):
                    values[m] = t[f"{e}_sum"].to_numpy(float)[m] / np.where(n_e > 0, n_e, np.nan)
                break
    if not measures:
        raise NotTestable(
            "no reach, impressions or views on at least 80% of the posts "
            "(followers cannot stand in for reach)"
        )
    keep = plat.isin(list(measures)).fillna(False).to_numpy(bool)
    # the selected rows only; a view when every platform has a measure (no table copy)
    out = rows(t, keep).assign(exposure_per_post=values[keep])
    out["exposure_per_follower"] = out["exposure_per_post"] / out["followers"].where(
        out["followers"] > 0
    )
    out.attrs.update(t.attrs)
    return out, measures


def _measure_text(measures: Mapping[str, str]) -> str:
    kinds = sorted(set(measures.values()))
    if len(kinds) == 1:
        return kinds[0]
    return ", ".join(f"{v} ({k})" for k, v in measures.items())


def _measure_flags(measures: Mapping[str, str]) -> tuple[str, ...]:
    return ("views-as-reach",) if "views" in measures.values() else ()


def nano_cheaper(ctx: Context, claim: Claim) -> ClaimResult:
    """C17: nano's price per post below every other tier's: one-sided t-tests on log
    prices (ratio of geometric means; platform intercepts in the fixed-effects row), Holm
    over the tier pairs."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("nano",), scheme)
    t = priced_table(ctx, claim)
    zero = int((t["cost_per_post"] <= 0).sum())
    results, skipped = {}, []
    for tier in (x for x in scheme.tier_names if x != "nano"):
        n = int((t["tier"] == tier).sum())
        if n == 0:
            continue
        try:
            results[tier] = fe_ratio(t, "nano", tier, "cost_per_post", model="ols-log")
        except NotTestable as e:
            skipped.append(f"{tier}: {e.args[0] if e.args else e}")
    if not results:
        raise NotTestable(
            "no tier pair with 10 priced influencers in each tier"
            + (f" ({'; '.join(skipped)})" if skipped else "")
        )
    p_c = {k: r.p_values["less"] for k, r in results.items()}
    p_o = {k: r.p_values["greater"] for k, r in results.items()}
    v, adj_c, adj_o = holm_family(p_c, p_o, ctx.alpha)
    definition = f"influencer's mean price per priced post ({ctx.currency})"
    rows = [
        from_stats(
            r,
            verdict=member_verdict(adj_c[k], adj_o[k], ctx.alpha),
            part=k,
            p_value=p_c[k],
            estimand=f"ratio of geometric means of price per post, nano / {k} (< 1: nano cheaper)",
            n_influencers=tier_counts(t, ("nano", k)),
            scheme=scheme.name,
            definition=definition,
            reason=family_reason(adj_c, adj_o, k, "nano cheaper", "nano dearer"),
            details={
                **r.to_dict(),
                "p_opposite": p_o[k],
                "p_holm": adj_c[k],
                "p_holm_opposite": adj_o[k],
            },
        )
        for k, r in results.items()
    ]
    w = deciding(v, adj_c, adj_o)
    reason = "; ".join(f"{k}: {r.verdict}" for k, r in zip(results, rows, strict=True))
    if skipped:
        reason += f"; not tested: {'; '.join(skipped)}"
    if zero:
        reason += f"; {zero} influencers with a mean price of 0 (in kind) left out of the logs"
    return from_stats(
        results[w],
        verdict=v,
        p_value=adj_c[w],
        estimand=f"ratio of geometric means of price per post, nano / {w} (the pair that "
        "decides; every pair in its own row)",
        n_influencers=tier_counts(t, ("nano", *results)),
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition=definition,
        reason=f"{reason}; {notes_of(t)}".strip("; "),
        flags=t.attrs.get("flags", ()),
        details={**results[w].to_dict(), "p_holm": adj_c, "p_holm_opposite": adj_o},
        results=results,
        parts=rows,
    )


def _threshold_part(ctx: Context, t, big: str, value: str, threshold: float, label: str):
    """One C18 part: ``big`` / micro of ``value`` against ``threshold`` (bootstrap of the
    ratio of tier medians; platform intercepts and a t-test in the fixed-effects row)."""
    if ctx.fixed_effects:
        r = fe_ratio(t, big, "micro", value, model="ols-log")
        p_at, p_below = threshold_p(r, threshold)
        r = r.with_(p_value=p_at, p_values={**r.p_values, "at_least": p_at, "below": p_below})
    else:
        x = t.loc[t["tier"] == big, value].to_numpy(float)
        y = t.loc[t["tier"] == "micro", value].to_numpy(float)
        r = threshold_ratio(
            x,
            y,
            threshold,
            stat="median",
            labels=(big, "micro"),
            value=label,
            n_resamples=ctx.n_resamples,
            seed=ctx.seed,
        )
    return r


def many_micro(ctx: Context, claim: Claim) -> ClaimResult:
    """C18: one big post's price over one micro post's ("dozens") and one big post's reach
    over one micro post's ("hundreds or thousands"), each against its stated threshold;
    Holm over the parts."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    dozens = float(claim.params.get("dozens", 24))
    hundreds = float(claim.params.get("hundreds", 200))
    bigs = [b for b in ("macro", "mega") if b in scheme.tier_names]
    results, skipped, tables = {}, [], {}
    readings = (
        ("price", dozens, "cost_per_post", "price per post", lambda: priced_table(ctx, claim)),
        (
            "reach",
            hundreds,
            "exposure_per_post",
            "reach per post",
            lambda: exposure_table(ctx.table(claim)),
        ),
    )
    measures: dict[str, str] = {}
    for reading, threshold, value, label, make in readings:
        try:
            t = make()
        except NotTestable as e:
            skipped.append(f"{reading}: {e.args[0] if e.args else e}")
            continue
        if reading == "reach":
            t, measures = t
        tables[reading] = t[["tier"]]  # for the counts: the table itself is let go
        for big in bigs:
            if not (t["tier"] == big).any():
                continue
            try:
                results[f"{reading}: {big}"] = (
                    _threshold_part(ctx, t, big, value, threshold, label),
                    threshold,
                )
            except NotTestable as e:
                skipped.append(f"{reading}: {big}: {e.args[0] if e.args else e}")
    if not results:
        raise NotTestable("; ".join(skipped) or "no testable part")
    p_c = {k: r.p_values["at_least"] for k, (r, _) in results.items()}
    p_o = {k: r.p_values["below"] for k, (r, _) in results.items()}
    v, adj_c, adj_o = holm_family(p_c, p_o, ctx.alpha)
    rows = []
    for k, (r, thr) in results.items():
        reading, big = k.split(": ")
        unit = f"{ctx.currency} per post" if reading == "price" else _measure_text(measures)
        mv = member_verdict(adj_c[k], adj_o[k], ctx.alpha)
        rows.append(
            from_stats(
                r,
                verdict=mv,
                part=k,
                p_value=p_c[k],
                claimed=thr,
                direction="overstated" if mv == "contradicted" else "",
                estimand=f"{reading} of one {big} post / one micro post (ratio of tier "
                f"medians; at least {thr:g} claimed)",
                n_influencers=tier_counts(tables[reading], (big, "micro")),
                scheme=scheme.name,
                definition=unit,
                flags=_measure_flags(measures) if reading == "reach" else (),
                reason=family_reason(adj_c, adj_o, k, f"at least {thr:g}", f"below {thr:g}"),
                details={
                    **r.to_dict(),
                    "p_opposite": p_o[k],
                    "p_holm": adj_c[k],
                    "p_holm_opposite": adj_o[k],
                },
            )
        )
    w = deciding(v, adj_c, adj_o)
    reason = "; ".join(f"{r.part}: {r.verdict}" for r in rows)
    if skipped:
        reason += f"; not tested: {'; '.join(skipped)}"
    head, thr = results[w]
    return from_stats(
        head,
        verdict=v,
        direction="overstated" if v == "contradicted" else "",
        p_value=adj_c[w],
        claimed=thr,
        estimand=f"{w.split(': ')[0]} of one {w.split(': ')[1]} post / one micro post (the "
        "part that decides; every part in its own row)",
        n_influencers=tier_counts(next(iter(tables.values())), ("micro", *bigs)),
        n_posts=int(ctx.table(claim)["n_posts"].sum()),
        scheme=scheme.name,
        definition=f"price per post ({ctx.currency}); reach per post: "
        + (_measure_text(measures) if measures else "none"),
        reason=reason,
        flags=_measure_flags(measures),
        details={
            "thresholds": {"dozens": dozens, "hundreds": hundreds},
            "p_holm": adj_c,
            "p_holm_opposite": adj_o,
            "reach_measure": measures,
        },
        results={k: r for k, (r, _) in results.items()},
        parts=rows,
    )


def scenario_elasticity(scenario: Mapping = SCENARIO_C11) -> float:
    """The elasticity of impressions per follower w.r.t. followers implied by 001's
    footballer-vs-DIY figures: ln(1.8M / 20k) / ln(22M / 35k) - 1 (derived, not stated)."""
    a, b = scenario["mega"], scenario["micro"]
    return (
        math.log(a["impressions"] / b["impressions"]) / math.log(a["followers"] / b["followers"])
        - 1
    )


def reach_per_follower(ctx: Context, claim: Claim) -> ClaimResult:
    """C19: the elasticity of reach (impressions, views) per follower w.r.t. followers below
    0: influencer-level OLS of log exposure per post on log followers (CV3, t) minus 1."""
    t, measures = exposure_table(ctx.table(claim))
    res = fe_slope(t, "exposure_per_post", null=1.0)
    est, lo, hi = res.estimate - 1, res.ci_low - 1, res.ci_high - 1
    p, p_opp = res.p_values["below"], res.p_values["above"]
    v = directional_verdict(p, p_opp, ctx.alpha)
    implied = scenario_elasticity()
    sens = follower_noise_bias(t)
    what = _measure_text(measures)
    text = (
        f"Elasticity of {what} per follower w.r.t. followers {est:.3f} (95% CI {lo:.3f} to "
        f"{hi:.3f}): {v}. 001's scenario implies {implied:.2f} (8.2% at 22M vs 57.1% at 35k, "
        f"derived), {'inside' if lo <= implied <= hi else 'outside'} the interval. Noise in "
        "reported followers alone would give "
        + ", ".join(f"{b:.3f} (SD {s:g})" for s, b in sens.items())
        + " under a true elasticity of 0."
    )
    return from_stats(
        res,
        verdict=v,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        estimand=f"elasticity of {what} per follower w.r.t. followers (OLS slope of log "
        f"{what} per post - 1, each influencer weighs once)",
        n_influencers={"all": len(t)},
        n_posts=int(t["n_posts"].sum()),
        scheme=ctx.scheme_for(claim).name,
        definition=f"{what} per post / followers",
        summary=text,
        reason=notes_of(t),
        flags=(*t.attrs.get("flags", ()), *_measure_flags(measures)),
        details={
            "ci90": [x - 1 for x in res.details["ci90"]],
            "p_opposite": p_opp,
            "measure": measures,
            "scenario_elasticity": implied,
            "follower_noise_bias": {str(k): b for k, b in sens.items()},
        },
        results={"slope": res},
    )


__all__ = [
    "REACH_COLUMNS",
    "deciding",
    "exposure_table",
    "family_reason",
    "holm_family",
    "many_micro",
    "member_verdict",
    "nano_cheaper",
    "priced_table",
    "reach_per_follower",
    "scenario_elasticity",
]
