"""The claims ledger: every article claim as a stated, testable hypothesis.

Each :class:`Claim` says what is claimed, where (article, original sentence,
the study the article cites), how it is operationalised (metric, unit, tiers,
scheme), which test from :mod:`influtiers.stats` it uses, and the decision rule
that turns the test into a verdict: ``supported``, ``contradicted``,
``inconclusive`` or ``not-testable`` (with a reason).

:func:`run_ledger` evaluates the claims on a posts dataset (one row per claim);
:func:`run_benchmark_ledger` judges the claims that published aggregates speak to
(C02, C04, C05, C08, C16), marking those rows as from published aggregates.

Examples
--------
>>> from influtiers.claims import CLAIMS
>>> CLAIMS["C02"].title
'Micro and macro engagement rates are about equal'
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from . import stats
from .aggregate import influencer_table
from .errors import NotTestable
from .metrics import get_definition
from .tiers import get_scheme

VERDICTS = ("supported", "contradicted", "inconclusive", "not-testable")
POSTS = "posts"
PUBLISHED = "published aggregates"
ARITHMETIC = "article arithmetic"

LEDGER_COLUMNS = [
    "claim_id",
    "title",
    "dataset",
    "evidence",
    "verdict",
    "estimand",
    "estimate",
    "ci_low",
    "ci_high",
    "claimed",
    "n_influencers",
    "n_posts",
    "method",
    "definition",
    "scheme",
    "reason",
    "summary",
]


@dataclass
class ClaimResult:
    verdict: str
    estimand: str = ""
    estimate: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    claimed: float = math.nan
    n_influencers: Mapping[str, int] = field(default_factory=dict)
    n_posts: int | None = None
    method: str = ""
    definition: str = ""
    scheme: str = ""
    reason: str = ""
    summary: str = ""
    evidence: str = POSTS
    details: Mapping = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")


@dataclass(frozen=True)
class Claim:
    """One claim with its operationalisation and decision rule."""

    id: str
    title: str
    statement: str
    articles: tuple[str, ...]
    cites: str
    metric: str
    unit: str
    comparison: str
    scheme: str | None
    test: str
    decision_rule: str
    evaluate: Callable[[Context, Claim], ClaimResult] | None = None
    platform: str | None = None
    definition: str = "er_followers"

    @property
    def sources(self) -> list[dict]:
        """Citations with the original-language sentences (from :mod:`influtiers.sources`)."""
        try:
            from .sources import CLAIM_SOURCES
        except ImportError:  # pragma: no cover - sources ship with the package
            return []
        return list(CLAIM_SOURCES.get(self.id, []))

    def describe(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "statement": self.statement,
            "articles": list(self.articles),
            "cites": self.cites,
            "metric": self.metric,
            "unit": self.unit,
            "comparison": self.comparison,
            "scheme": self.scheme or "(the ledger's scheme)",
            "platform": self.platform or "all",
            "test": self.test,
            "decision_rule": self.decision_rule,
            "sources": self.sources,
        }


# --------------------------------------------------------------------- context
class Context:
    """Data and settings shared by the claims of one ledger run (caches influencer tables)."""

    def __init__(
        self,
        posts: pd.DataFrame,
        *,
        dataset: str = "data",
        scheme=None,
        seed: int = 20261125,
        margin: tuple[float, float] = (0.8, 1.25),
        alpha: float = 0.05,
        n_boot: int = 2000,
    ) -> None:
        self.posts = posts
        self.dataset = dataset
        self.scheme_override = None if scheme is None else get_scheme(scheme)
        self.seed = seed
        self.margin = tuple(margin)
        self.alpha = alpha
        self.n_boot = n_boot
        self._tables: dict = {}

    def scheme_for(self, claim: Claim):
        if self.scheme_override is not None:
            return self.scheme_override
        return get_scheme(claim.scheme)

    def posts_for(
        self, claim: Claim, *, sponsored: bool | None = None
    ) -> tuple[pd.DataFrame, list]:
        """Posts restricted to the claim's platform (if present) and sponsorship; notes."""
        p, notes = self.posts, []
        if claim.platform and "platform" in p:
            sel = p["platform"].astype("string").str.lower() == claim.platform
            if sel.any():
                p = p[sel.fillna(False).to_numpy()]
                notes.append(f"{claim.platform} posts only")
            else:
                notes.append(f"no {claim.platform} posts: all platforms used")
        if sponsored is not None:
            sel = (
                (p["sponsored"] == sponsored).fillna(False).to_numpy() if "sponsored" in p else None
            )
            kind = "sponsored" if sponsored else "organic"
            if sel is not None and sel.any():
                p = p[sel]
                notes.append(f"{kind} posts only")
            else:
                notes.append(f"no {kind} posts flagged: all posts used")
        return p, notes

    def table(self, claim: Claim, *, sponsored: bool | None = None, definition=None, by=()):
        definition = definition or claim.definition
        scheme = self.scheme_for(claim)
        key = (claim.platform, sponsored, str(definition), scheme.name, tuple(by))
        if key not in self._tables:
            posts, notes = self.posts_for(claim, sponsored=sponsored)
            if posts.empty:
                raise NotTestable("no posts left after selection (" + "; ".join(notes) + ")")
            t = influencer_table(posts, definition, scheme=scheme, by=by)
            t = _with_per_post(t)
            t.attrs["notes"] = notes
            t.attrs["n_posts_input"] = len(posts)
            self._tables[key] = t
        return self._tables[key]

    @cached_property
    def columns(self) -> set[str]:
        return set(self.posts.columns)


def _with_per_post(t: pd.DataFrame) -> pd.DataFrame:
    for c in ("likes", "comments", "reach", "views", "impressions", "cost"):
        t[f"{c}_per_post"] = t[f"{c}_sum"] / t[f"{c}_n"].where(t[f"{c}_n"] > 0)
    return t


def _counts(t: pd.DataFrame, groups: Sequence[str]) -> dict[str, int]:
    vc = t["tier"].astype("string").value_counts()
    return {g: int(vc.get(g, 0)) for g in groups}


def _from_stats(res, **kw) -> ClaimResult:
    """Copy the common fields of a :mod:`influtiers.stats` result into a ClaimResult."""
    d = res.to_dict() if hasattr(res, "to_dict") else {}
    base = {
        "estimate": _f(getattr(res, "estimate", d.get("estimate"))),
        "ci_low": _f(getattr(res, "ci_low", d.get("ci_low"))),
        "ci_high": _f(getattr(res, "ci_high", d.get("ci_high"))),
        "method": getattr(res, "method", d.get("method", "")),
        "summary": res.summary() if hasattr(res, "summary") else "",
        "details": d,
    }
    base.update(kw)
    return ClaimResult(**base)


def _f(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def _not_testable_from(exc: Exception) -> ClaimResult:
    code = getattr(exc, "reason", None) or type(exc).__name__
    detail = getattr(exc, "detail", None) or (exc.args[0] if exc.args else "")
    return ClaimResult("not-testable", reason=f"{code}: {detail}" if detail else str(code))


def _need_tiers(tiers: Sequence[str], scheme) -> None:
    missing = [g for g in tiers if g not in scheme.tier_names]
    if missing:
        raise NotTestable(f"scheme {scheme.name} has no tier(s) {', '.join(missing)}")


# --------------------------------------------------------------------- evaluators
def _eval_c01(ctx: Context, claim: Claim) -> ClaimResult:
    """Descriptive: how many influencers change tier between the articles' schemes."""
    base = ctx.table(claim)
    names = ["highsocial-2024", "powerdigital-2023", "tint-2021", "mediakix-by-platform"]
    lab = {n: get_scheme(n).classify(base["followers"], base["platform"]) for n in names}
    ref = pd.Series(lab[names[0]]).astype("string")
    moved = {
        n: float((pd.Series(lab[n]).astype("string").fillna("∅") != ref.fillna("∅")).mean())
        for n in names[1:]
    }
    worst = max(moved, key=moved.get)
    # cut-points themselves: the nano lower bound differs between sources
    lowers = {n: get_scheme(n).tiers[0].lower for n in names}
    differ = len(set(lowers.values())) > 1 or any(v > 0 for v in moved.values())
    return ClaimResult(
        "supported" if differ else "contradicted",
        estimand=f"share of influencers whose tier differs from {names[0]} (largest: {worst})",
        estimate=moved[worst],
        n_influencers={"all": len(base)},
        n_posts=int(base["n_posts"].sum()),
        method="classification of the same accounts under each scheme",
        scheme=", ".join(names),
        summary=(
            "Shares of influencers labelled differently from highsocial-2024: "
            + "; ".join(f"{n} {v:.1%}" for n, v in moved.items())
            + ". Lowest tier starts at "
            + ", ".join(f"{n} {int(v):,}" for n, v in lowers.items())
            + " followers."
        ),
        details={"moved": moved, "lowest_bound": lowers},
        evidence=POSTS,
    )


def _eval_c02(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    res = stats.equivalence_test(
        t, "micro", "macro", value="rate_median", margin=ctx.margin, alpha=ctx.alpha
    )
    v = {"equivalent": "supported", "different": "contradicted"}.get(res.verdict, res.verdict)
    if v not in VERDICTS:
        v = "inconclusive"
    notes = "; ".join(t.attrs.get("notes", []))
    return _from_stats(
        res,
        verdict=v,
        estimand="ratio of geometric means of influencer median rates, micro / macro",
        claimed=1.0,
        n_influencers=_counts(t, ("micro", "macro")),
        n_posts=int(t.attrs.get("n_posts_input", 0)),
        definition=get_definition(claim.definition).label,
        scheme=scheme.name,
        reason=f"margin {ctx.margin[0]}–{ctx.margin[1]}; {notes}",
    )


def _eval_c03(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, sponsored=True)
    parts, results, skipped = {}, {}, []
    for value in ("likes_per_post", "comments_per_post", "reach_per_post"):
        if t[value].notna().sum() == 0:
            continue
        r = stats.absolute_ratio(
            t,
            "macro",
            "micro",
            value=value,
            alternative="greater",
            seed=ctx.seed,
            n_resamples=ctx.n_boot,
            insufficient="return",
        )
        if r.verdict == "not-testable":
            skipped.append(f"{value}: {r.details.get('reason_detail', 'not testable')}")
            continue
        results[value] = r
        parts[value] = r.verdict
    if not results:
        raise NotTestable("; ".join(skipped) or "no likes, comments or reach per post")
    verdicts = set(parts.values())
    if verdicts == {"supported"}:
        v = "supported"
    elif "contradicted" in verdicts:
        v = "contradicted"
    else:
        v = "inconclusive"
    main = results.get("likes_per_post") or next(iter(results.values()))
    return _from_stats(
        main,
        verdict=v,
        estimand="ratio of tier means of influencer likes per post, macro / micro",
        claimed=1.0,
        n_influencers=_counts(t, ("micro", "macro")),
        n_posts=int(t.attrs.get("n_posts_input", 0)),
        scheme=scheme.name,
        definition="absolute counts per post",
        reason="; ".join(f"{k}: {v}" for k, v in parts.items()),
        details={k: r.to_dict() for k, r in results.items()},
    )


def _lift_verdict(v: str, res) -> str:
    """A claimed lift is *supported* only when the interval contains it and excludes parity:
    an interval wide enough to hold both 1 and the claim decides nothing."""
    if v == "consistent":
        return "inconclusive" if res.ci_low <= 1 <= res.ci_high else "supported"
    if v in ("contradicted-lower", "contradicted-higher"):
        return "contradicted"
    return "inconclusive"


def _eval_c04(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim)
    res = stats.rate_ratio(
        t, "micro", "macro", method="bootstrap-mean", n_resamples=ctx.n_boot, seed=ctx.seed
    )
    lv = stats.claimed_lift_verdict(res, 1.60)
    return _from_stats(
        res,
        verdict=_lift_verdict(lv, res),
        estimand="ratio of tier means of influencer mean rates, micro / macro",
        claimed=1.60,
        n_influencers=_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        definition=get_definition(claim.definition).label,
        scheme=scheme.name,
        reason=f"claimed +60% is {lv}",
    )


def _eval_c05(ctx: Context, claim: Claim) -> ClaimResult:
    """Influencer-level elasticity (each influencer weighs once) decides; the post-level
    PPML slope (dominated by large accounts) and the rank trend across tiers are reported."""
    t = ctx.table(claim)
    posts, _ = ctx.posts_for(claim)
    res = stats.elasticity(posts, definition=claim.definition)
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
        definition=get_definition(claim.definition).label,
        scheme=ctx.scheme_for(claim).name,
        summary=res.summary(),
        reason=(
            f"post-level PPML rate elasticity {ppml:.3f} (95% CI {plo:.3f} to {phi:.3f}; weights "
            f"large accounts); rank trend across tiers: {trend.summary()}"
        ),
        details={"elasticity": res.to_dict(), "trend": trend.to_dict()},
    )


def _eval_c06(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "nano"), scheme)
    t = ctx.table(claim)
    res = stats.absolute_ratio(
        t,
        "micro",
        "nano",
        value="engagement_mean",
        alternative="greater",
        seed=ctx.seed,
        n_resamples=ctx.n_boot,
    )
    return _from_stats(
        res,
        verdict=res.verdict if res.verdict in VERDICTS else "inconclusive",
        estimand="ratio of tier means of influencer mean engagement per post, micro / nano",
        claimed=1.0,
        n_influencers=_counts(t, ("micro", "nano")),
        n_posts=int(t["n_posts"].sum()),
        definition="likes + comments per post",
        scheme=scheme.name,
    )


def _eval_c07(ctx: Context, claim: Claim) -> ClaimResult:
    posts, _ = ctx.posts_for(claim)
    t = ctx.table(claim)
    res = stats.inverted_u(posts, definition=claim.definition)
    scheme = ctx.scheme_for(claim)
    micro = next((x for x in scheme.tiers if x.name == "micro"), None)
    tp, lo, hi = _f(res.estimate), _f(res.ci_low), _f(res.ci_high)
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
    return _from_stats(
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
    )


def _sponsored_costs(ctx: Context, claim: Claim) -> pd.DataFrame:
    if "cost" not in ctx.columns or ctx.posts["cost"].notna().sum() == 0:
        raise NotTestable("no prices (cost column) in the data")
    t = ctx.table(claim)
    t = t[t["cost_n"] > 0].copy()
    if t.empty:
        raise NotTestable("no influencer has a priced post")
    return t


def _eval_c08(ctx: Context, claim: Claim) -> ClaimResult:
    t = _sponsored_costs(ctx, claim)
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    macro = t.loc[t["tier"] == "macro", "cost_per_post"].dropna()
    micro = t.loc[t["tier"] == "micro", "cost_per_post"].dropna()
    r = stats.median_ci(macro, seed=ctx.seed, n_resamples=ctx.n_boot)
    m = stats.median_ci(micro, seed=ctx.seed, n_resamples=ctx.n_boot)
    if r.ci_low > 10_000:
        v = "supported"
    elif r.ci_high < 10_000:
        v = "contradicted"
    else:
        v = "inconclusive"
    return _from_stats(
        r,
        verdict=v,
        estimand="median price of a macro post (USD, per-influencer mean price)",
        claimed=10_000.0,
        n_influencers={"macro": len(macro), "micro": len(micro)},
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition="price per sponsored post",
        reason=(
            f"micro median price {m.estimate:,.0f} USD "
            f"(95% CI {m.ci_low:,.0f}–{m.ci_high:,.0f}) vs the claimed $100"
        ),
    )


def _eval_c09(ctx: Context, claim: Claim) -> ClaimResult:
    t = _sponsored_costs(ctx, claim)
    res = stats.cost_elasticity(t, cost="cost_per_post")
    # CPM per 1,000 followers = cost / followers * 1000 falls with size iff slope < 1
    if res.ci_high < 1:
        v = "supported"
    elif res.ci_low > 1:
        v = "contradicted"
    else:
        v = "inconclusive"
    return _from_stats(
        res,
        verdict=v,
        estimand="elasticity of price per post w.r.t. followers (CPM falls iff < 1)",
        claimed=1.0,
        n_influencers={"priced": len(t)},
        n_posts=int(t["cost_n"].sum()),
        scheme=ctx.scheme_for(claim).name,
        definition="price per sponsored post; CPM = price / followers × 1,000",
    )


def _eval_c10(ctx: Context, claim: Claim) -> ClaimResult:
    t = _sponsored_costs(ctx, claim)
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    t = t.assign(
        cost_per_engagement=t["cost_per_post"]
        / t["engagement_mean"].where(t["engagement_mean"] > 0)
    )
    res = stats.absolute_ratio(
        t,
        "micro",
        "macro",
        value="cost_per_engagement",
        alternative="less",
        seed=ctx.seed,
        n_resamples=ctx.n_boot,
        stat="median",
    )
    return _from_stats(
        res,
        verdict=res.verdict if res.verdict in VERDICTS else "inconclusive",
        estimand="ratio of tier medians of cost per engagement, micro / macro (< 1: micro cheaper)",
        claimed=1.0,
        n_influencers=_counts(t, ("micro", "macro")),
        n_posts=int(t["cost_n"].sum()),
        scheme=scheme.name,
        definition="price per post / (likes + comments) per post",
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
    cpm = df.set_index("tier")["cpm_usd"]
    df["break_even_relevance"] = np.where(df["tier"] == "macro", cpm["macro"] / cpm["micro"], 1.0)
    return df


def _eval_c11(ctx: Context, claim: Claim) -> ClaimResult:
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


def _eval_c12(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro",), scheme)
    t = ctx.table(claim)
    micro = t.loc[(t["tier"] == "micro") & (t["rate_mean"] > 0), "rate_mean"]
    if len(micro) < 10:
        raise NotTestable(f"only {len(micro)} micro-influencers to estimate the spread")
    sd_log = float(np.log(micro).std(ddof=1))
    res = stats.simulate_ab_power(
        n_influencers=20, true_lift=1.2, sd_log=sd_log, design="randomised", seed=ctx.seed
    )
    mde = stats.minimum_detectable_lift(10, sd_log=sd_log)
    p = _f(res.estimate)
    return _from_stats(
        res,
        verdict="supported"
        if res.ci_low >= 0.8
        else ("contradicted" if res.ci_high < 0.8 else "inconclusive"),
        estimand="power of a 10-vs-10 A/B test of two briefs to detect a 20% lift",
        claimed=0.8,
        n_influencers={"micro": len(micro)},
        n_posts=int(t["n_posts"].sum()),
        definition=get_definition(claim.definition).label,
        scheme=scheme.name,
        reason=(
            f"between-influencer SD of log rate {sd_log:.2f}; power {p:.0%}; "
            f"minimum detectable lift at 80% power {mde:.2f}x"
        ),
    )


def portfolio_budget(table: pd.DataFrame, tier: str = "macro") -> float:
    """The budget of one typical ``tier`` post: the median price of the tier's influencers
    (their mean price per priced post), or $100 per 10,000 followers (USA Today 2019 rule
    of thumb) at the tier's median followers when the data have no prices."""
    t = table[table["tier"] == tier]
    if "cost_n" in t and (t["cost_n"] > 0).any():
        return float((t["cost_sum"] / t["cost_n"].where(t["cost_n"] > 0)).median())
    return float(t["followers"].median() / 10_000 * 100) if len(t) else 10_000.0


def _eval_c13(ctx: Context, claim: Claim) -> ClaimResult:
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
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
        estimand="coefficient of variation of total engagement, macro plan / micro plan",
        claimed=1.0,
        n_influencers=_counts(t, ("micro", "macro")),
        n_posts=int(t["n_posts"].sum()),
        scheme=scheme.name,
        definition="likes + comments per post (absolute)",
    )


def _eval_c14(ctx: Context, claim: Claim) -> ClaimResult:
    if "sponsored" not in ctx.columns or ctx.posts["sponsored"].notna().sum() == 0:
        raise NotTestable("no sponsorship flag in the data")
    scheme = ctx.scheme_for(claim)
    _need_tiers(("micro", "macro"), scheme)
    t = ctx.table(claim, by=("sponsored",))
    res = stats.sponsored_penalty(t, "micro", "macro", value="rate_median")
    return _from_stats(
        res,
        verdict=res.verdict if res.verdict in VERDICTS else "inconclusive",
        estimand="(sponsored/organic rate) micro ÷ (sponsored/organic rate) macro",
        claimed=1.0,
        n_influencers=dict(res.n_influencers),
        n_posts=int(t["n_posts"].sum()),
        definition=get_definition(claim.definition).label,
        scheme=scheme.name,
    )


def _eval_c15(ctx: Context, claim: Claim) -> ClaimResult:
    from statsmodels.stats.proportion import multinomial_proportions_confint

    scheme = ctx.scheme_for(claim)
    _need_tiers(("nano",), scheme)
    t = ctx.table(claim)
    counts = t["tier"].value_counts(sort=False)
    counts = counts[counts.index != "below"]
    counts = counts[counts > 0]
    if "nano" not in counts.index or counts.sum() < 10:
        raise NotTestable("too few influencers to compare tier shares")
    ci = multinomial_proportions_confint(counts.to_numpy(), alpha=ctx.alpha, method="goodman")
    share = counts / counts.sum()
    i = list(counts.index).index("nano")
    others_hi = max((ci[j, 1] for j in range(len(counts)) if j != i), default=0)
    others_lo = max((ci[j, 0] for j in range(len(counts)) if j != i), default=0)
    if ci[i, 0] > others_hi:
        v = "supported"
    elif ci[i, 1] < others_lo:
        v = "contradicted"
    else:
        v = "inconclusive"
    return ClaimResult(
        v,
        estimand="share of influencers in the nano tier",
        estimate=float(share["nano"]),
        ci_low=float(ci[i, 0]),
        ci_high=float(ci[i, 1]),
        n_influencers={str(k): int(c) for k, c in counts.items()},
        n_posts=int(t["n_posts"].sum()),
        method="multinomial proportions, Goodman simultaneous 95% intervals",
        scheme=scheme.name,
        summary="Tier shares: " + ", ".join(f"{k} {s:.1%}" for k, s in share.items()) + ".",
        reason="shares describe this sample, which is selected (not a census of accounts)",
    )


def _eval_c16(ctx: Context, claim: Claim) -> ClaimResult:
    return ClaimResult(
        "not-testable",
        reason="market size is not observable in post-level data (see the benchmark ledger)",
    )


# --------------------------------------------------------------------- the registry
def _claim(**kw) -> Claim:
    return Claim(**kw)


CLAIMS: dict[str, Claim] = {
    c.id: c
    for c in (
        _claim(
            id="C01",
            title="Tier cut-points differ between sources",
            statement="Nano/micro/macro/mega cut-points differ: 000 and 003 start nano at 100 "
            "followers, 001 at 1k, 004 anything under 10k; 002 quotes platform-specific macro "
            "bounds (Instagram 100k, YouTube/Facebook 250k).",
            articles=("000", "001", "002", "003", "004"),
            cites="Mediakix (via 002)",
            metric="tier labels",
            unit="influencer",
            comparison="schemes against each other",
            scheme="highsocial-2024",
            test="classification under each scheme",
            decision_rule="supported when the schemes' bounds differ or label any account "
            "differently (descriptive)",
            evaluate=_eval_c01,
        ),
        _claim(
            id="C02",
            title="Micro and macro engagement rates are about equal",
            statement="Across more than 700 sponsored Instagram posts from 16 brands, micro "
            "(10k–100k) and macro (100k+) engagement rates were roughly equal (the study's "
            "figures, quoted by MarketingProfs: 742 posts, 2.75% vs 2.65%).",
            articles=("002",),
            cites="Mediakix 2017 (742 sponsored Instagram posts, 16 brands)",
            metric="er_followers per influencer (median of its sponsored posts)",
            unit="influencer",
            comparison="micro vs macro",
            scheme="mediakix-2017",
            test="stats.equivalence_test (TOST on log rates)",
            platform="instagram",
            decision_rule="supported if TOST shows equivalence within the margin (default "
            "0.8–1.25); contradicted if the two-sided test rejects and the 90% CI lies outside "
            "the margin; else inconclusive",
            evaluate=_eval_c02,
        ),
        _claim(
            id="C03",
            title="Macro-influencers win on total likes, comments and reach per post",
            statement="Macro-influencers get far more likes, comments and reach per post in "
            "absolute terms.",
            articles=("002",),
            cites="Mediakix 2017",
            metric="likes, comments, reach per post (absolute)",
            unit="influencer",
            comparison="macro vs micro",
            scheme="mediakix-2017",
            platform="instagram",
            test="stats.absolute_ratio (one-sided, cluster bootstrap)",
            decision_rule="supported if the lower 95% bound of macro/micro exceeds 1 for every "
            "available count; contradicted if any upper bound is below 1",
            evaluate=_eval_c03,
        ),
        _claim(
            id="C04",
            title="People engage about 60% more with micro-influencers",
            statement="Users engage about 60% more with micro-influencer posts (than with macro).",
            articles=("001",),
            cites="Digital Marketing Institute, tracing to HelloSociety (vs average campaigns)",
            metric="er_followers per influencer (mean of its posts)",
            unit="influencer",
            comparison="micro / macro",
            scheme=None,
            test="stats.rate_ratio (cluster bootstrap)",
            decision_rule="supported if 1.60 lies inside the 95% CI of the micro/macro rate "
            "ratio and the CI excludes 1; contradicted if 1.60 lies outside the CI; "
            "inconclusive if the CI holds both 1 and 1.60",
            evaluate=_eval_c04,
        ),
        _claim(
            id="C05",
            title="Engagement rate falls as followers grow",
            statement="Nano-influencers' high engagement rates balance their small followings; "
            "the rate declines from nano to mega.",
            articles=("000", "003"),
            cites="",
            metric="er_followers",
            unit="influencer (post-level PPML as second opinion)",
            comparison="slope over followers",
            scheme=None,
            test="stats.elasticity (influencer-level OLS; PPML on posts) and stats.tier_trend",
            decision_rule="supported if the 95% CI of the rate elasticity (slope − 1) is below "
            "0; contradicted if above 0; else inconclusive",
            evaluate=_eval_c05,
        ),
        _claim(
            id="C06",
            title="Micro beats nano on absolute engagement per post",
            statement="Micro-influencers reach and engage more people per post than nano.",
            articles=("000", "003"),
            cites="",
            metric="likes + comments per post",
            unit="influencer",
            comparison="micro vs nano",
            scheme=None,
            test="stats.absolute_ratio (one-sided)",
            decision_rule="supported if the lower 95% bound of micro/nano exceeds 1; "
            "contradicted if the upper bound is below 1",
            evaluate=_eval_c06,
        ),
        _claim(
            id="C07",
            title="Micro-influencers sit in a Goldilocks zone",
            statement="Micro-influencers (under 100k) sit in a sweet spot between reach and "
            "engagement.",
            articles=("001",),
            cites="Wies, Bleier & Edeling 2023 found an inverted U peaking near 1M followers",
            metric="likes + comments per post (absolute)",
            unit="post (cluster-robust)",
            comparison="quadratic in log followers",
            scheme=None,
            test="stats.inverted_u (Lind–Mehlum)",
            decision_rule="supported if an inverted U is found with its turning point in the "
            "micro tier; contradicted if the relation is monotone or the peak's interval lies "
            "outside the micro tier; else inconclusive",
            evaluate=_eval_c07,
        ),
        _claim(
            id="C08",
            title="A macro post costs over $10,000; a micro post $100",
            statement="A macro-influencer post can cost over $10,000, while a micro-influencer "
            "feed post can cost about $100.",
            articles=("001",),
            cites="Forbes; Shopify 2023",
            metric="price per sponsored post (USD)",
            unit="influencer",
            comparison="macro median vs $10,000",
            scheme=None,
            test="stats.median_ci",
            decision_rule="supported if the 95% CI of the macro median price lies above "
            "$10,000; contradicted if below",
            evaluate=_eval_c08,
        ),
        _claim(
            id="C09",
            title="CPM falls with influencer size",
            statement="Cost per thousand followers reached falls as influencers get bigger.",
            articles=("002",),
            cites="Jeremy Shih (Mediakix)",
            metric="price per post vs followers",
            unit="influencer",
            comparison="log-log slope",
            scheme=None,
            test="stats.cost_elasticity",
            decision_rule="supported if the 95% CI of the price elasticity is below 1 (CPM "
            "falls); contradicted if above 1",
            evaluate=_eval_c09,
        ),
        _claim(
            id="C10",
            title="Micro campaigns are more cost-effective",
            statement="Micro-influencer campaigns deliver more engagement per dollar.",
            articles=("001",),
            cites="HelloSociety (6.7x more cost-effective)",
            metric="price per engagement",
            unit="influencer",
            comparison="micro / macro",
            scheme=None,
            test="stats.absolute_ratio (medians, one-sided less)",
            decision_rule="supported if the upper 95% bound of micro/macro cost per engagement "
            "is below 1; contradicted if the lower bound exceeds 1",
            evaluate=_eval_c10,
        ),
        _claim(
            id="C11",
            title="The footballer vs DIY scenario favours the micro-influencer",
            statement="A footballer with 22M followers gets 1.8M impressions from sports fans; "
            "a DIY micro-influencer with 35k followers gets 20k impressions from keen "
            "woodworkers.",
            articles=("001",),
            cites="(the article's own example)",
            metric="impressions per follower, CPM",
            unit="scenario",
            comparison="macro vs micro",
            scheme=None,
            test="claims.scenario_audit (arithmetic)",
            decision_rule="supported if, at the article's own prices, the micro post is "
            "cheaper per impression (the macro post could only match it with >100% relevant "
            "audience)",
            evaluate=_eval_c11,
        ),
        _claim(
            id="C12",
            title="Test briefs with an A/B test across 20 micro-influencers",
            statement="Brands can A/B test two briefs across about 20 micro-influencers.",
            articles=("001",),
            cites="",
            metric="er_followers (log), between-influencer spread",
            unit="influencer",
            comparison="two arms of 10",
            scheme=None,
            test="stats.simulate_ab_power",
            decision_rule="supported if the simulated power to detect a 20% lift is at least "
            "80%; contradicted if its interval lies below 80%",
            evaluate=_eval_c12,
        ),
        _claim(
            id="C13",
            title="One macro-influencer is all eggs in one basket",
            statement="Spending the budget on one macro-influencer concentrates risk; many "
            "micro-influencers spread it.",
            articles=("001",),
            cites="",
            metric="total engagement of a campaign",
            unit="simulated campaign",
            comparison="one macro post vs micro posts for the same budget (a typical macro price)",
            scheme=None,
            test="stats.portfolio_risk (Monte Carlo)",
            decision_rule="supported if the macro plan's coefficient of variation is higher "
            "than the micro plan's (Monte Carlo interval excludes equality)",
            evaluate=_eval_c13,
        ),
        _claim(
            id="C14",
            title="Micro-influencers are more authentic",
            statement="Micro-influencers are more authentic and trusted than bigger creators.",
            articles=("001", "004"),
            cites="",
            metric="sponsored / organic engagement rate within influencer",
            unit="influencer",
            comparison="penalty micro vs macro",
            scheme=None,
            test="stats.sponsored_penalty",
            decision_rule="operationalised as a smaller sponsored-post penalty for micro than "
            "macro: supported if the ratio of penalties (micro/macro) has a 95% CI above 1; "
            "contradicted if below 1",
            evaluate=_eval_c14,
        ),
        _claim(
            id="C15",
            title="Nano-influencers are by far the most common",
            statement="Most influencers are nano-influencers.",
            articles=("000", "003"),
            cites="",
            metric="tier shares",
            unit="influencer",
            comparison="nano vs each tier",
            scheme=None,
            test="multinomial proportions (Goodman)",
            decision_rule="supported if the nano share's interval lies above every other "
            "tier's; caveat: samples are selected, not a census",
            evaluate=_eval_c15,
        ),
        _claim(
            id="C16",
            title="Influencer marketing was a $16.4B market in 2022",
            statement="Businesses spent about $16.4 billion on influencer marketing in 2022.",
            articles=("001",),
            cites="Statista / Influencer Marketing Hub",
            metric="market size (USD bn)",
            unit="year",
            comparison="context series",
            scheme=None,
            test="benchmark lookup",
            decision_rule="context: checked against the Influencer Marketing Hub series in the "
            "benchmark ledger",
            evaluate=_eval_c16,
        ),
    )
}


# --------------------------------------------------------------------- the ledger
class Ledger(pd.DataFrame):
    """A DataFrame of ledger rows with a few presentation helpers."""

    @property
    def _constructor(self):
        return Ledger

    def summary(self) -> str:
        counts = self["verdict"].value_counts()
        head = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
        ds = list(self["dataset"].unique())
        where = ds[0] if len(ds) == 1 else f"{len(ds)} datasets"
        return f"{len(self)} rows ({self['claim_id'].nunique()} claims) on {where}: {head}"

    def to_records_json(self) -> str:
        return json.dumps(ledger_records(self), indent=2, ensure_ascii=False)

    def to_markdown_table(self) -> str:
        cols = [
            "claim_id",
            "title",
            "verdict",
            "estimate",
            "ci_low",
            "ci_high",
            "claimed",
            "evidence",
        ]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for _, r in self.iterrows():
            vals = [_fmt(r[c]) for c in cols]
            lines.append("| " + " | ".join(vals) + " |")
        return "\n".join(lines)

    def compact(self, digits: int = 3) -> pd.DataFrame:
        """The key columns, rounded: what notebooks print."""
        cols = ["claim_id", "verdict", "estimate", "ci_low", "ci_high", "claimed"]
        out = pd.DataFrame(self[cols]).copy()
        for c in ("estimate", "ci_low", "ci_high", "claimed"):
            out[c] = out[c].astype(float).round(digits)
        return out


def _fmt(v) -> str:
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return f"{v:.4g}"
    return str(v).replace("|", "/").replace("\n", " ")


def ledger_records(df: pd.DataFrame) -> list[dict]:
    out = []
    for rec in pd.DataFrame(df).to_dict(orient="records"):
        clean = {}
        for k, v in rec.items():
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.floating):
                v = float(v) if math.isfinite(v) else None
            clean[k] = v
        out.append(clean)
    return out


def _row(claim: Claim, res: ClaimResult, dataset: str) -> dict:
    n = res.n_influencers or {}
    return {
        "claim_id": claim.id,
        "title": claim.title,
        "dataset": dataset,
        "evidence": res.evidence,
        "verdict": res.verdict,
        "estimand": res.estimand,
        "estimate": res.estimate,
        "ci_low": res.ci_low,
        "ci_high": res.ci_high,
        "claimed": res.claimed,
        "n_influencers": "; ".join(f"{k}={v}" for k, v in n.items()),
        "n_posts": res.n_posts if res.n_posts is not None else pd.NA,
        "method": res.method,
        "definition": res.definition,
        "scheme": res.scheme,
        "reason": res.reason,
        "summary": res.summary,
    }


def evaluate_claim(claim: Claim | str, ctx: Context) -> ClaimResult:
    """Evaluate one claim; known data limitations become ``not-testable`` with a reason."""
    claim = CLAIMS[claim] if isinstance(claim, str) else claim
    try:
        return claim.evaluate(ctx, claim)
    except NotTestable as e:
        return ClaimResult("not-testable", reason=str(e))
    except stats.InsufficientData as e:
        return _not_testable_from(e)


def run_ledger(
    data,
    *,
    scheme=None,
    seed: int = 20261125,
    margin: tuple[float, float] = (0.8, 1.25),
    claims: Iterable[str] | None = None,
    dataset: str | None = None,
    n_boot: int = 2000,
    accounts=None,
    mapping=None,
) -> Ledger:
    """Run the ledger on posts: one row per claim (columns :data:`LEDGER_COLUMNS`).

    ``data`` is a canonical posts DataFrame or anything :func:`influtiers.io.load_posts`
    reads. ``scheme=None`` uses each claim's own scheme (the cited study's where it
    names one, else the default); a scheme given here applies to every claim.
    """
    if isinstance(data, pd.DataFrame):
        posts = data
        dataset = dataset or "DataFrame"
    else:
        from .io import load_posts

        res = load_posts(data, accounts=accounts, mapping=mapping)
        posts = res.posts
        dataset = dataset or str(data)
    ctx = Context(posts, dataset=dataset, scheme=scheme, seed=seed, margin=margin, n_boot=n_boot)
    ids = list(claims) if claims is not None else list(CLAIMS)
    unknown = [c for c in ids if c not in CLAIMS]
    if unknown:
        raise KeyError(f"unknown claim id(s) {', '.join(unknown)}; known: {', '.join(CLAIMS)}")
    rows = [_row(CLAIMS[c], evaluate_claim(CLAIMS[c], ctx), dataset) for c in ids]
    return Ledger(pd.DataFrame(rows, columns=LEDGER_COLUMNS))


# --------------------------------------------------------------------- published aggregates
MICRO_BAND = (10_000, 100_000)
MACRO_BAND = (100_000, 1_000_000)
#: On published aggregates (no intervals) a claimed ratio is judged on the point estimate:
#: supported when the implied ratio is within this factor band around the claim.
POINT_TOLERANCE = (0.8, 1.25)


def _in_band(row, band) -> bool:
    lo = float(row["lower"]) if pd.notna(row["lower"]) else 0.0
    hi = float(row["upper"]) if pd.notna(row["upper"]) else math.inf
    return lo >= band[0] and lo < band[1] and (hi <= band[1] or band is MACRO_BAND)


def benchmark_tier_ratios(er: pd.DataFrame | None = None) -> pd.DataFrame:
    """Implied micro/macro rate ratio per published source and metric.

    Micro bands lie within 10k–100k followers; macro bands start in 100k–1M (an open
    "100k+" band counts as macro); a source's value for a tier is the unweighted mean
    of its bands in that tier. Sources with no band on one side are left out.
    """
    from .datasets import load_benchmarks

    er = load_benchmarks("engagement_rates") if er is None else er
    rows = []
    for (src, plat, metric), g in er.groupby(
        ["source", "platform", "metric"], sort=True, dropna=False
    ):
        micro = g[[_in_band(r, MICRO_BAND) for _, r in g.iterrows()]]
        macro = g[[_in_band(r, MACRO_BAND) for _, r in g.iterrows()]]
        if micro.empty or macro.empty:
            continue
        m, M = float(micro["value"].mean()), float(macro["value"].mean())
        rows.append(
            {
                "source": src,
                "platform": plat,
                "metric": metric,
                "micro_bands": ", ".join(micro["band_label"].astype(str)),
                "macro_bands": ", ".join(macro["band_label"].astype(str)),
                "micro": m,
                "macro": M,
                "ratio": m / M,
                "seen": ", ".join(sorted(set(g["seen"].astype(str)))),
                "low_confidence": bool((pd.concat([micro, macro])["confidence"] == "low").any()),
            }
        )
    return pd.DataFrame(rows)


def benchmark_slopes(er: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per published series (source, platform, metric with 3+ bands): Spearman of the value
    with band order, whether every step declines, and the log-log slope over band midpoints
    (the implied rate elasticity)."""
    from scipy.stats import spearmanr

    from .datasets import band_midpoints, load_benchmarks

    er = load_benchmarks("engagement_rates") if er is None else er
    rows = []
    for (src, plat, metric), g in er.groupby(
        ["source", "platform", "metric"], sort=True, dropna=False
    ):
        g = g.assign(mid=band_midpoints(g["lower"], g["upper"]))
        g = g.dropna(subset=["mid", "value"]).sort_values("mid")
        if len(g) < 3:
            continue
        slope = float(np.polyfit(np.log(g["mid"]), np.log(g["value"]), 1)[0])
        rho = float(spearmanr(np.arange(len(g)), g["value"]).statistic)
        rows.append(
            {
                "source": src,
                "platform": plat,
                "metric": metric,
                "bands": len(g),
                "spearman": rho,
                "all_steps_decline": bool((np.diff(g["value"].to_numpy()) < 0).all()),
                "loglog_slope": slope,
            }
        )
    return pd.DataFrame(rows)


def _pub_row(claim_id: str, source: str, res: ClaimResult) -> dict:
    res.evidence = PUBLISHED
    row = _row(CLAIMS[claim_id], res, f"benchmarks: {source}")
    return row


def run_benchmark_ledger(margin: tuple[float, float] = (0.8, 1.25)) -> Ledger:
    """Judge the claims that published aggregates speak to (C02, C04, C05, C08, C16).

    Published figures have no intervals, so verdicts follow point-estimate rules stated
    in each row's ``method``; every row is marked ``evidence = "published aggregates"``.
    """
    from .datasets import load_benchmarks

    rows = []
    ratios = benchmark_tier_ratios()
    for _, r in ratios.iterrows():
        conf = " (low-confidence band)" if r["low_confidence"] else ""
        inside = margin[0] <= r["ratio"] <= margin[1]
        rows.append(
            _pub_row(
                "C02",
                r["source"],
                ClaimResult(
                    "supported" if inside else "contradicted",
                    estimand="implied micro / macro rate ratio",
                    estimate=r["ratio"],
                    claimed=1.0,
                    method=f"point estimate inside the parity margin {margin[0]}–{margin[1]}?",
                    definition=r["metric"],
                    reason=f"micro {r['micro']:.2%} ({r['micro_bands']}) vs macro {r['macro']:.2%} "
                    f"({r['macro_bands']}); {r['seen']}{conf}",
                ),
            )
        )
        lo, hi = 1.6 * POINT_TOLERANCE[0], 1.6 * POINT_TOLERANCE[1]
        rows.append(
            _pub_row(
                "C04",
                r["source"],
                ClaimResult(
                    "supported" if lo <= r["ratio"] <= hi else "contradicted",
                    estimand="implied micro / macro rate ratio",
                    estimate=r["ratio"],
                    claimed=1.6,
                    method=f"point estimate within {lo:.2f}–{hi:.2f} (1.6 × {POINT_TOLERANCE})?",
                    definition=r["metric"],
                    reason=f"{r['seen']}{conf}",
                ),
            )
        )
    figs = load_benchmarks("claims_figures")
    hs = figs[figs["source"].str.contains("HelloSociety") & (figs["value"] == 1.6)]
    if not hs.empty:
        rows.append(
            _pub_row(
                "C04",
                "HelloSociety",
                ClaimResult(
                    "not-testable",
                    estimand="micro campaigns vs average campaigns",
                    estimate=1.6,
                    claimed=1.6,
                    method="source check",
                    reason="the +60% compares micro campaigns with AVERAGE campaigns, not with "
                    "macro-influencers: it cannot support a micro-vs-macro claim",
                ),
            )
        )
    for _, r in benchmark_slopes().iterrows():
        if r["all_steps_decline"]:
            v = "supported"
        elif r["spearman"] > 0:
            v = "contradicted"
        else:
            v = "inconclusive"
        rows.append(
            _pub_row(
                "C05",
                r["source"],
                ClaimResult(
                    v,
                    estimand="log-log slope of the rate over band midpoints (rate elasticity)",
                    estimate=r["loglog_slope"],
                    method="supported if every band's rate is below the previous band's",
                    definition=r["metric"],
                    reason=f"{r['bands']} bands, Spearman {r['spearman']:.2f} ({r['platform']})",
                ),
            )
        )
    prices = load_benchmarks("prices")
    shop = prices[(prices["source"] == "Shopify 2023") & (prices["platform"] == "instagram")]
    if not shop.empty:
        band = shop.set_index("band_label")
        mac_lo, mac_hi = (
            float(band.loc["macro", "value_low"]),
            float(band.loc["macro", "value_high"]),
        )
        mic_lo, mic_hi = (
            float(band.loc["micro", "value_low"]),
            float(band.loc["micro", "value_high"]),
        )
        rows.append(
            _pub_row(
                "C08",
                "Shopify 2023",
                ClaimResult(
                    "contradicted" if mac_hi <= 10_000 else "supported",
                    estimand="published macro (500k–1M) price range per Instagram post, USD",
                    estimate=mac_hi,
                    ci_low=mac_lo,
                    ci_high=mac_hi,
                    claimed=10_000.0,
                    method="is the published macro range above $10,000?",
                    definition="price per sponsored post",
                    reason=f"macro ${mac_lo:,.0f}–{mac_hi:,.0f}; only mega (1M+) exceeds $10,000; "
                    f"micro ${mic_lo:,.0f}–{mic_hi:,.0f} is consistent with '$100'",
                ),
            )
        )
    ms = load_benchmarks("market_size")
    y22 = ms[(ms["figure_year"] == 2022) & ~ms["projected"].astype(bool)]
    if not y22.empty:
        val = float(y22["value"].iloc[0])
        rows.append(
            _pub_row(
                "C16",
                str(y22["source"].iloc[0]),
                ClaimResult(
                    "supported" if abs(val - 16.4) < 0.05 else "contradicted",
                    estimand="global influencer marketing market size 2022, billion USD",
                    estimate=val,
                    claimed=16.4,
                    method="lookup in the Influencer Marketing Hub series",
                    reason="industry estimate quoted by Statista, not a measured sample",
                ),
            )
        )
    return Ledger(pd.DataFrame(rows, columns=LEDGER_COLUMNS))


# --------------------------------------------------------------------- helpers for studies
def cost_table(table: pd.DataFrame) -> pd.DataFrame:
    """Influencers with priced posts, with price per post, CPM by followers
    (price / followers × 1,000) and cost per engagement (price / mean likes + comments)."""
    t = _with_per_post(table[table["cost_n"] > 0].copy())
    t["cpm_followers"] = t["cost_per_post"] / t["followers"] * 1000
    t["cost_per_engagement"] = t["cost_per_post"] / t["engagement_mean"].where(
        t["engagement_mean"] > 0
    )
    return t


def overview_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows on a common scale for one overview figure: ``relative`` = estimate ÷
    claimed (and the interval likewise) where both are positive numbers."""
    d = pd.DataFrame(ledger).copy()
    est, lo, hi, cl = (
        pd.to_numeric(d[c], errors="coerce") for c in ("estimate", "ci_low", "ci_high", "claimed")
    )
    ok = (cl > 0) & (est > 0) & np.isfinite(cl)
    d["relative"] = (est / cl).where(ok)
    d["rel_low"] = (lo / cl).where(ok & (lo > 0))
    d["rel_high"] = (hi / cl).where(ok & (hi > 0))
    d["label"] = d["claim_id"] + " " + d["title"].str.slice(0, 64)
    return d[
        [
            "claim_id",
            "label",
            "verdict",
            "estimate",
            "ci_low",
            "ci_high",
            "claimed",
            "relative",
            "rel_low",
            "rel_high",
        ]
    ]
