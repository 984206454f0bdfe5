"""Evaluators of the audience, brand and platform claims (C20-C23).

Per influencer, from the evidence's ``categories`` and ``brands`` tables (never posts):
the concentration of its posts over content categories (:func:`audience_table`), and its
sponsored posts, distinct sponsoring brands and repeat partnerships (:func:`brand_table`).
Micro is compared with macro and with mega (where the scheme has it and the data hold 10
influencers) by ratios of tier means or of pooled shares (PPML of influencer sums, CV3, t;
platform intercepts in the fixed-effects row), Holm over the pairs
(:func:`~influtiers.claims.eval_market.holm_family`).
"""

from __future__ import annotations

import pandas as pd

from ..errors import NotTestable
from ..stats.market import ratio_of_sums, simpson_concentration, tier_platform_interaction
from ..stats.shares import share_ci
from .context import Context, from_stats, need_tiers, notes_of, tier_counts
from .eval_market import deciding, family_reason, holm_family, member_verdict
from .model import Claim, ClaimResult
from .registry import CLAIMS
from .rules import holm

KEYS = ["platform", "account_id"]
#: The tiers micro is compared with in C20-C22.
BIGGER = ("macro", "mega")


def audience_table(table: pd.DataFrame, categories: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with each influencer's category concentration (:func:`~influtiers.stats.
    market.simpson_concentration`: ``concentration``, ``herfindahl``, ``n_categories``,
    ``n_categorised``); influencers without categorised posts get NaN."""
    if categories is None or categories.empty:
        raise NotTestable("no content categories (category column) in the data")
    c = simpson_concentration(categories)
    out = table.merge(c.astype({k: "string" for k in KEYS}), on=KEYS, how="left")
    out["n_categorised"] = out["n_categorised"].fillna(0).astype("int64")
    out.attrs.update(table.attrs)
    return out


def brand_table(table: pd.DataFrame, brands: pd.DataFrame | None) -> pd.DataFrame:
    """``table`` with ``sponsored_share`` (sponsored posts / posts), ``n_brands`` (distinct
    sponsoring brands), ``n_repeat`` (brands with more than one sponsored post) and
    ``brand_posts`` (sponsored posts with a brand); 0 for influencers without a brand."""
    out = table.assign(sponsored_share=table["n_sponsored"] / table["n_posts"])
    if brands is not None and len(brands):
        b = brands.assign(_rep=(brands["n_sponsored"] > 1).astype("int64"))
        agg = b.groupby(KEYS, sort=True, observed=True).agg(
            n_brands=("brand", "size"), n_repeat=("_rep", "sum"), brand_posts=("n_sponsored", "sum")
        )
        out = out.merge(agg.reset_index().astype({k: "string" for k in KEYS}), on=KEYS, how="left")
    for c in ("n_brands", "n_repeat", "brand_posts"):
        out[c] = out[c].fillna(0).astype("int64") if c in out else 0
    out.attrs.update(table.attrs)
    return out


def _family(
    t, count: str, exposure: str | None, label: str, claimed: str, scheme
) -> tuple[dict, dict, dict, list[str]]:
    """Micro against each bigger tier on ``count`` (per ``exposure``): the results, the
    one-sided p-values of "micro higher" and "micro lower", and the pairs not tested."""
    results, skipped = {}, []
    for big in BIGGER:
        if big not in scheme.tier_names or not (t["tier"] == big).any():
            continue
        try:
            results[big] = ratio_of_sums(t, "micro", big, count, exposure=exposure, label=label)
        except NotTestable as e:
            skipped.append(f"{big}: {e.args[0] if e.args else e}")
    if not results:
        raise NotTestable(
            f"no pair of micro and a bigger tier with 10 influencers each ({label})"
            + (f": {'; '.join(skipped)}" if skipped else "")
        )
    hi = {k: r.p_values["greater"] for k, r in results.items()}
    lo = {k: r.p_values["less"] for k, r in results.items()}
    return (results, hi, lo, skipped) if claimed == "greater" else (results, lo, hi, skipped)


def _family_result(
    ctx,
    t,
    results,
    p_c,
    p_o,
    skipped,
    *,
    words,
    estimand,
    definition,
    part_prefix="",
    scheme,
    extra=None,
) -> ClaimResult:
    """The headline (the pair that decides) and one row per pair of a micro family."""
    v, adj_c, adj_o = holm_family(p_c, p_o, ctx.alpha)
    rows = [
        from_stats(
            r,
            verdict=member_verdict(adj_c[k], adj_o[k], ctx.alpha),
            part=part_prefix + k,
            p_value=p_c[k],
            estimand=estimand.format(big=k),
            n_influencers=tier_counts(t, ("micro", k)),
            scheme=scheme.name,
            definition=definition,
            reason=family_reason(adj_c, adj_o, k, *words),
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
    reason = "; ".join(f"{r.part}: {r.verdict}" for r in rows)
    if skipped:
        reason += f"; not tested: {'; '.join(skipped)}"
    return from_stats(
        results[w],
        verdict=v,
        p_value=adj_c[w],
        estimand=estimand.format(big=w) + " (the pair that decides; every pair in its own row)",
        n_influencers=tier_counts(t, ("micro", *results)),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition=definition,
        reason=f"{reason}; {notes_of(t)}".strip("; "),
        flags=t.attrs.get("flags", ()),
        details={
            **results[w].to_dict(),
            "p_holm": adj_c,
            "p_holm_opposite": adj_o,
            **(extra or {}),
        },
        results=dict(results),
        parts=rows,
    )


def niche(ctx: Context, claim: Claim) -> ClaimResult:
    """C20: micro's category concentration above macro's and mega's (ratio of tier means of
    the unbiased Herfindahl index), one-sided, Holm over the pairs."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = audience_table(ctx.table(claim), ctx.evidence.categories)
    t = t[t["concentration"].notna()]
    results, p_c, p_o, skipped = _family(
        t, "concentration", None, "category concentration", "greater", scheme
    )
    means = t.groupby("tier", observed=True)["concentration"].mean()
    return _family_result(
        ctx,
        t,
        results,
        p_c,
        p_o,
        skipped,
        words=("micro more concentrated", "micro less concentrated"),
        estimand="ratio of tier means of category concentration, micro / {big} (> 1: micro "
        "more niche)",
        definition="unbiased Herfindahl of the influencer's post categories (the chance two "
        "of its posts share a category); influencers with 2+ categorised posts",
        scheme=scheme,
        extra={"tier_means": {str(k): float(v) for k, v in means.items()}},
    )


def brand_load(ctx: Context, claim: Claim) -> ClaimResult:
    """C21: micro has fewer distinct sponsoring brands than macro and mega (decides), and a
    smaller share of sponsored posts (reported); one-sided, Holm over the pairs."""
    if not ctx.evidence.has("sponsored"):
        raise NotTestable("no sponsorship flag (sponsored) in the data")
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = brand_table(ctx.table(claim), ctx.evidence.brands)
    if t["n_sponsored"].sum() == 0:
        raise NotTestable("no post is flagged sponsored")
    words = ("micro fewer", "micro more")
    sr, sc, so, ss = _family(
        t, "n_sponsored", "n_posts", "sponsored posts per post", "less", scheme
    )
    share = _family_result(
        ctx,
        t,
        sr,
        sc,
        so,
        ss,
        words=words,
        part_prefix="share: ",
        scheme=scheme,
        estimand="ratio of pooled shares of sponsored posts, micro / {big} (< 1: micro fewer)",
        definition="sponsored posts / posts",
    )
    if not ctx.evidence.has("brand"):
        return ClaimResult(
            "not-testable",
            reason="no brand column: the distinct brands that decide are not observed (the "
            f"share of sponsored posts is reported: {share.verdict})",
            parts=share.parts,
            results={f"share: {k}": r for k, r in sr.items()},
        )
    br, bc, bo, bs = _family(t, "n_brands", None, "distinct brands", "less", scheme)
    out = _family_result(
        ctx,
        t,
        br,
        bc,
        bo,
        bs,
        words=words,
        part_prefix="brands: ",
        scheme=scheme,
        estimand="ratio of tier means of distinct sponsoring brands per influencer, micro / "
        "{big} (< 1: micro fewer)",
        definition="distinct brands of the influencer's sponsored posts (0 without any); "
        "assumes comparable observation windows across tiers",
        extra={"share_verdict": share.verdict, "posts_per_influencer": _by_tier(t, "n_posts")},
    )
    out.parts = [*out.parts, *share.parts]
    out.results = {
        **{f"brands: {k}": r for k, r in br.items()},
        **{f"share: {k}": r for k, r in sr.items()},
    }
    out.reason = f"{out.reason}; sponsored share (reported): {share.verdict}"
    return out


def _by_tier(t, col: str) -> dict[str, float]:
    return {str(k): float(v) for k, v in t.groupby("tier", observed=True)[col].mean().items()}


def repeat_partners(ctx: Context, claim: Claim) -> ClaimResult:
    """C22: the share of brand-influencer pairs with more than one sponsored post, micro
    above macro and mega (ratio of pooled shares), one-sided, Holm over the pairs."""
    if not ctx.evidence.has("brand"):
        raise NotTestable("no brands of sponsored posts (brand and sponsored columns) in the data")
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro", "macro"), scheme)
    t = brand_table(ctx.table(claim), ctx.evidence.brands)
    t = t[t["n_brands"] > 0]
    results, p_c, p_o, skipped = _family(
        t, "n_repeat", "n_brands", "repeat partnerships", "greater", scheme
    )
    shares = {}
    if not ctx.fixed_effects:
        for tier in t["tier"].cat.categories if hasattr(t["tier"], "cat") else ():
            g = t[t["tier"] == tier]
            r = share_ci(
                g["n_repeat"],
                g["n_brands"],
                seed=ctx.seed,
                n_resamples=ctx.n_resamples,
                label=f"{tier} repeat share",
                insufficient="return",
            )
            if r.verdict != "not-testable":
                shares[f"share {tier}"] = r
    out = _family_result(
        ctx,
        t,
        results,
        p_c,
        p_o,
        skipped,
        scheme=scheme,
        words=("micro repeats more", "micro repeats less"),
        estimand="ratio of pooled shares of brand pairs with 2+ sponsored posts, micro / {big}",
        definition="brand-influencer pairs with a sponsored post; repeated: 2+ sponsored posts",
        extra={
            "posts_per_pair": {
                k: float(v)
                for k, v in (
                    t.groupby("tier", observed=True)["brand_posts"].sum()
                    / t.groupby("tier", observed=True)["n_brands"].sum()
                ).items()
            }
        },
    )
    out.results = {**out.results, **shares}
    return out


def _interaction_verdict(r, adj: float, alpha: float) -> str:
    if adj < alpha:
        return "supported"
    if r.p_values["tost"] < alpha:
        return "contradicted"
    return "inconclusive"


def platform_dependence(ctx: Context, claim: Claim) -> ClaimResult:
    """C23: the tier x platform interaction of C02's and C04's micro / macro contrasts:
    supported if a contrast differs between platforms (two-sided, Holm over contrasts and
    platforms); contradicted if every one is equal within the margin (TOST)."""
    plats = ctx.evidence.platforms
    if len(plats) < 2:
        raise NotTestable(
            f"one platform in the data ({', '.join(plats)}): a platform "
            "interaction needs at least two"
        )
    specs = (("C02", "rate_median", "ols-log", True), ("C04", "rate_mean", "ppml", None))
    results, skipped, tables = {}, [], {}
    for cid, value, model, sponsored in specs:
        base = CLAIMS[cid]
        try:
            need_tiers(("micro", "macro"), ctx.scheme_for(base))
            t = ctx.table(base, sponsored=sponsored)
            res = tier_platform_interaction(
                t, "micro", "macro", value, model=model, margin=ctx.margin
            )
        except NotTestable as e:
            skipped.append(f"{cid}: {e.args[0] if e.args else e}")
            continue
        tables[cid] = t
        results.update({f"{cid}: {p}": r for p, r in res.items()})
    if not results:
        raise NotTestable("; ".join(skipped))
    p = {k: r.p_value for k, r in results.items()}
    adj = dict(zip(p, holm(list(p.values())).tolist(), strict=True))
    rows = []
    for k, r in results.items():
        cid = k.split(": ")[0]
        rows.append(
            from_stats(
                r,
                verdict=_interaction_verdict(r, adj[k], ctx.alpha),
                part=k,
                p_value=p[k],
                estimand=f"({CLAIMS[cid].comparison}) on {r.details['platform']} / on "
                f"{r.details['reference']}",
                n_influencers=dict(r.n_influencers),
                scheme=ctx.scheme_for(CLAIMS[cid]).name,
                definition=_definition(ctx, cid),
                flags=tables[cid].attrs.get("flags", ()),
                reason=f"two-sided p {p[k]:.3g}, Holm {adj[k]:.3g}; TOST p within "
                f"{ctx.margin[0]:g}-{ctx.margin[1]:g}: {r.p_values['tost']:.3g}",
            )
        )
    verdicts = [r.verdict for r in rows]
    v = (
        "supported"
        if "supported" in verdicts
        else "contradicted"
        if set(verdicts) == {"contradicted"}
        else "inconclusive"
    )
    k = min(adj, key=lambda x: (adj[x], x))
    r = results[k]
    fav = sum(x.estimate > 1 for x in results.values())
    text = (
        f"{v}: ratio of micro / macro contrasts between platforms "
        + "; ".join(
            f"{q} {x.estimate:.3f} ({x.ci_low:.3f} to {x.ci_high:.3f})" for q, x in results.items()
        )
        + f". 002's direction (Instagram favours bigger accounts: ratio above 1) holds in "
        f"{fav} of {len(results)} point estimates."
    )
    return from_stats(
        r,
        verdict=v,
        p_value=adj[k],
        estimand=f"({CLAIMS[k.split(': ')[0]].comparison}) on {r.details['platform']} / on "
        f"{r.details['reference']} (the smallest Holm-adjusted p; every contrast in its row)",
        n_influencers={q: len(t) for q, t in tables.items()},
        n_posts=int(max(t["n_posts"].sum() for t in tables.values())),
        scheme=", ".join(sorted({ctx.scheme_for(CLAIMS[q]).name for q in tables})),
        definition="; ".join(f"{q}: {_definition(ctx, q)}" for q in tables),
        summary=text,
        reason="; ".join(f"{x.part}: {x.verdict}" for x in rows)
        + (f"; not tested: {'; '.join(skipped)}" if skipped else ""),
        flags=tuple(f for t in tables.values() for f in t.attrs.get("flags", ())),
        details={"p_holm": adj, "reference": r.details["reference"]},
        results=results,
        parts=rows,
    )


def _definition(ctx: Context, cid: str) -> str:
    what = {"C02": "median rate of sponsored posts", "C04": "mean rate"}[cid]
    return f"{what}, {ctx.definition_for(CLAIMS[cid]).label}"


__all__ = [
    "BIGGER",
    "audience_table",
    "brand_table",
    "brand_load",
    "niche",
    "platform_dependence",
    "repeat_partners",
]
