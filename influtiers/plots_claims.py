"""Figures of the market claims (C17-C23): ledger rows as forests, and the evidence behind
them (reach per follower, category concentration, brands per influencer).

Like :mod:`influtiers.plots`, every function returns ``(fig, data)`` and draws a placeholder
saying why when the data cannot show the figure (a missing column, too few influencers).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from .claims.eval_audience import audience_table, brand_table
from .claims.eval_costs import SCENARIO_C11
from .claims.eval_market import exposure_table
from .errors import NotTestable
from .plots import PALETTE, forest, placeholder, tier_distribution


def _followers(v: float, _pos=None) -> str:
    for div, suffix in ((1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"


def claim_rows(ledger: pd.DataFrame, claim_id: str, *, parts: bool = True) -> pd.DataFrame:
    """A claim's ledger rows for :func:`~influtiers.plots.forest`: its part rows (when it
    has them and ``parts``) or its headline rows, labelled by platform and part."""
    d = pd.DataFrame(ledger)
    d = d[d["claim_id"] == claim_id]
    has_parts = (d["part"] != "").any()
    rows = d[d["part"] != ""] if parts and has_parts else d[d["part"] == ""]
    many = d["platform"].nunique() > 1
    label = rows["part"].where(rows["part"] != "", claim_id)
    if many:
        label = rows["platform"].astype(str) + " · " + label
    cols = ["estimate", "ci_low", "ci_high", "verdict"]
    return rows[cols].assign(label=label.to_numpy()).reset_index(drop=True)


def claim_forest(
    ledger: pd.DataFrame,
    claim_id: str,
    *,
    parts: bool = True,
    reference: Mapping[str, float] | None = None,
    band: tuple[float, float] | None = None,
    xlabel: str = "ratio",
    title: str = "",
):
    """Forest of a claim's ledger rows (estimates with their 95% intervals, coloured by
    verdict)."""
    return forest(
        claim_rows(ledger, claim_id, parts=parts),
        reference=reference,
        band=band,
        xlabel=xlabel,
        title=title or claim_id,
    )


def reach_curve(table: pd.DataFrame, *, bins_per_decade: int = 4, title: str = ""):
    """Reach (impressions, views) per follower against followers, binned medians per
    platform on log-log axes, with 001's scenario (22M followers at 8.2%, 35k at 57.1%)."""
    title = title or "Reach per follower against followers"
    try:
        e, measures = exposure_table(table)
    except NotTestable as exc:
        return placeholder(title, str(exc.args[0]))
    d = e[["platform", "followers", "exposure_per_follower"]].dropna()
    d = d[(d["exposure_per_follower"] > 0) & (d["followers"] > 0)]
    if d.empty:
        return placeholder(title, "no influencer with reach and followers")
    lf = np.log10(d["followers"])
    d = d.assign(bin=np.floor(lf * bins_per_decade) / bins_per_decade)
    binned = (
        d.groupby(["platform", "bin"], observed=True)["exposure_per_follower"]
        .agg(n="count", median="median")
        .reset_index()
    )
    binned = binned[binned["n"] >= 5]
    binned["followers_mid"] = 10 ** (binned["bin"] + 0.5 / bins_per_decade)
    binned["measure"] = binned["platform"].map(measures)
    fig, ax = plt.subplots()
    for i, (plat, g) in enumerate(binned.groupby("platform", sort=True)):
        ax.plot(
            g["followers_mid"],
            g["median"],
            "o-",
            color=PALETTE[i % len(PALETTE)],
            label=f"{plat}: {measures[plat]} per follower (binned median)",
        )
    for tier, s in SCENARIO_C11.items():
        ax.plot(s["followers"], s["impressions"] / s["followers"], "*", ms=12, color="0.2")
        ax.annotate(
            f"001 scenario ({tier})",
            (s["followers"], s["impressions"] / s["followers"]),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize=7,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(_followers))
    ax.set_xlabel("followers (log scale)")
    ax.yaxis.set_major_locator(mticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.yaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_ylabel("reach per post / followers (log scale)")
    ax.legend(fontsize=7)
    ax.set_title(title)
    fig.tight_layout()
    return fig, binned.drop(columns="bin").reset_index(drop=True)


def concentration_by_tier(table: pd.DataFrame, categories: pd.DataFrame | None, *, title=""):
    """Each influencer's category concentration (unbiased Herfindahl) by tier."""
    title = title or "Category concentration by tier"
    try:
        t = audience_table(table, categories)
    except NotTestable as exc:
        return placeholder(title, str(exc.args[0]))
    return tier_distribution(
        t,
        "concentration",
        ylabel="category concentration (unbiased Herfindahl)",
        title=title,
        log=False,
    )


def brands_by_tier(table: pd.DataFrame, brands: pd.DataFrame | None, *, title=""):
    """Distinct sponsoring brands per influencer by tier."""
    title = title or "Distinct sponsoring brands per influencer"
    if brands is None or brands.empty:
        return placeholder(title, "no brands of sponsored posts in the data")
    return tier_distribution(
        brand_table(table, brands),
        "n_brands",
        ylabel="distinct brands of the influencer's sponsored posts",
        title=title,
        log=False,
    )


__all__ = [
    "brands_by_tier",
    "claim_forest",
    "claim_rows",
    "concentration_by_tier",
    "reach_curve",
]
