"""Evaluators of the sample and design claims (C01, C12, C15, C16)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import stats
from ..errors import NotTestable
from ..tiers import get_scheme
from .context import Context, from_stats, need_tiers
from .model import Claim, ClaimResult

#: The article schemes C01 compares (000/003, 001, 004, 002).
C01_SCHEMES = ("highsocial-2024", "powerdigital-2023", "tint-2021", "mediakix-by-platform")


def tier_schemes(ctx: Context, claim: Claim) -> ClaimResult:
    """C01: how many influencers change tier between the articles' schemes."""
    base = ctx.table(claim)
    names = list(C01_SCHEMES)
    lab = {n: get_scheme(n).classify(base["followers"], base["platform"]) for n in names}
    ref = pd.Series(lab[names[0]]).astype("string")
    moved = {
        n: float((pd.Series(lab[n]).astype("string").fillna("∅") != ref.fillna("∅")).mean())
        for n in names[1:]
    }
    worst = max(moved, key=moved.get)
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
    )


def ab_power(ctx: Context, claim: Claim) -> ClaimResult:
    """C12: simulated power of a 10-vs-10 A/B test of two briefs to detect a 20% lift."""
    scheme = ctx.scheme_for(claim)
    need_tiers(("micro",), scheme)
    t = ctx.table(claim)
    micro = t.loc[(t["tier"] == "micro") & (t["rate_mean"] > 0), "rate_mean"]
    if len(micro) < 10:
        raise NotTestable(f"only {len(micro)} micro-influencers to estimate the spread")
    sd_log = float(np.log(micro).std(ddof=1))
    res = stats.simulate_ab_power(
        n_influencers=20, true_lift=1.2, sd_log=sd_log, design="randomised", seed=ctx.seed
    )
    mde = stats.minimum_detectable_lift(10, sd_log=sd_log)
    # the power curve of the notebook: the same simulation over test sizes and lifts
    # (its n = 20, lift 1.2 cell is the headline above)
    table = stats.power_table(
        sd_log=sd_log, n_influencers=(10, 20, 40, 80, 160), lifts=(1.1, 1.2, 1.6), seed=ctx.seed,
        n_sims=int(res.details["n_sims"]),
    )  # fmt: skip
    p = float(res.estimate)
    return from_stats(
        res,
        verdict="supported"
        if res.ci_low >= 0.8
        else ("contradicted" if res.ci_high < 0.8 else "inconclusive"),
        estimand="power of a 10-vs-10 A/B test of two briefs to detect a 20% lift",
        claimed=0.8,
        n_influencers={"micro": len(micro)},
        n_posts=int(t["n_posts"].sum()),
        definition=ctx.definition_for(claim).label,
        scheme=scheme.name,
        reason=(
            f"between-influencer SD of log rate {sd_log:.2f}; power {p:.0%}; "
            f"minimum detectable lift at 80% power {mde:.2f}x"
        ),
        details={"sd_log": sd_log, "mde": mde},
        results={
            "power": res.with_(
                details={
                    **res.details,
                    "mde_80": mde,
                    "power_table": table.to_dict(orient="records"),
                }
            )
        },
    )


def nano_share(ctx: Context, claim: Claim) -> ClaimResult:
    """C15: the nano share against every other tier's (Goodman simultaneous intervals)."""
    from statsmodels.stats.proportion import multinomial_proportions_confint

    scheme = ctx.scheme_for(claim)
    need_tiers(("nano",), scheme)
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


def market_size(ctx: Context, claim: Claim) -> ClaimResult:
    """C16: not observable in post-level data."""
    return ClaimResult(
        "not-testable",
        reason="market size is not observable in post-level data (see the benchmark ledger)",
    )


__all__ = ["C01_SCHEMES", "ab_power", "market_size", "nano_share", "tier_schemes"]
