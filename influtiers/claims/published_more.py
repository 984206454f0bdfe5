"""Published readings of C07, C08 and C09 (per platform, where a source speaks to them).

* C07: does engagement *volume* (rate x followers, at each band's geometric midpoint) peak
  in the micro tier (10k-100k)? Every published rate series with 3+ bands, and Wies,
  Bleier & Edeling 2023 (an inverted U peaking near 1M; related evidence, cited by
  neither article).
* C08: Shopify's price ranges on every platform (the parts as the posts ledger reads them)
  and IZEA's average payments per tier: a tier's average over $10,000 is consistent with
  "a big influencer's post costs over $10,000", and the micro average within the band
  around $100 with "a micro post $100".
* C09: CPM = price / reach. Its elasticity w.r.t. followers is the price elasticity (a
  log-log slope of each price table over band midpoints) minus the reach elasticity (The
  Cirqle's Instagram reach rates, 15.7% of followers for micro and 3.2% for macro: about
  0.54). Derived here (flag ``derived-value``); consistent if below 0.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import config
from ..benchmarks import band_midpoints, load_benchmarks
from .model import ClaimResult
from .registry import CLAIMS
from .rules import band, point_verdict

MICRO = (10_000, 100_000)


def c07_rows(pub_row) -> list[dict]:
    """Engagement volume by band: the band where it peaks, per published series."""
    er = load_benchmarks("engagement_rates")
    rows = []
    for (src, plat, metric), g in er.groupby(["source", "platform", "metric"], sort=True):
        g = g.assign(mid=band_midpoints(g["lower"], g["upper"])).dropna(subset=["mid", "value"])
        if len(g) < 3 or not str(metric).startswith(("er_followers", "likes_followers")):
            continue
        g = g.sort_values("mid")
        volume = g["value"] * g["mid"]
        top = g.loc[volume.idxmax()]
        in_micro = MICRO[0] <= float(top["mid"]) < MICRO[1]
        rows.append(
            pub_row(
                "C07",
                src,
                ClaimResult(
                    "consistent" if in_micro else "inconsistent",
                    estimand="band where engagement volume (rate x followers) peaks",
                    estimate=float(top["mid"]),
                    method="rate x band midpoint per band; consistent if the largest volume "
                    "is in a micro band (10k-100k)",
                    definition=str(metric),
                    reason=f"peak in {top['band_label']} of {len(g)} bands"
                    + ("" if in_micro else ": volume grows past the micro tier"),
                ),
                platform=str(plat),
            )
        )
    figs = load_benchmarks("claims_figures")
    wies = figs[figs["source"].str.contains("Wies") & (figs["band_label"] == "peak")]
    for _, w in wies.iterrows():
        peak = float(w["value"])
        rows.append(
            pub_row(
                "C07",
                str(w["source"]),
                ClaimResult(
                    "consistent" if MICRO[0] <= peak < MICRO[1] else "inconsistent",
                    estimand="followers at peak engagement volume (inverted U)",
                    estimate=peak,
                    method="the published turning point inside the micro tier?",
                    definition=str(w["metric"]),
                    reason="related evidence, cited by neither article: " + str(w["figure"]),
                ),
                platform=str(w["platform"]),
            )
        )
    return rows


def c08_rows(pub_row, margin=config.MARGIN) -> list[dict]:
    """Shopify's ranges on every platform; IZEA's averages per tier."""
    prices = load_benchmarks("prices")
    claimed = CLAIMS["C08"].claimed
    micro_price = float(CLAIMS["C08"].params.get("micro_price", 100.0))
    rows = []
    shop = prices[prices["source"] == "Shopify 2023"]
    for plat, g in shop.groupby("platform", sort=True):
        rows += _range_rows(pub_row, g.set_index("band_label"), str(plat), claimed, micro_price)
    izea = prices[prices["source"].str.startswith("IZEA") & (prices["platform"] == "all")]
    if len(izea):
        parts = []
        for tier in ("micro", "macro", "mega"):
            g = izea[izea["band_label"].str.startswith(tier)]
            if g.empty:
                continue
            avg = float(g["value"].mean())
            if tier == "micro":
                v, d = point_verdict(avg, band(micro_price, margin))
                what = (
                    f"the micro average inside ${micro_price * margin[0]:,.0f}-"
                    f"{micro_price * margin[1]:,.0f}?"
                )
            else:
                v, d = ("consistent", "") if avg > claimed else ("inconsistent", "overstated")
                what = f"the {tier} average over ${claimed:,.0f}?"
            parts.append(
                ClaimResult(
                    v,
                    direction=d,
                    part=tier,
                    estimate=avg,
                    method=what,
                    estimand=f"average payment per sponsored post, {tier} "
                    f"({', '.join(g['band_label'])})",
                    definition="mean payment per sponsored post, USD",
                )
            )
        by = {p.part: p.verdict for p in parts}
        ok = by.get("macro") == "consistent" and by.get("micro") == "consistent"
        head = ClaimResult(
            "consistent" if ok else "inconsistent",
            estimand="the headline of the parts (macro and micro)",
            claimed=claimed,
            method="the macro and micro parts both consistent?",
            definition="mean payment per sponsored post, USD",
            reason=", ".join(f"{k}: {v}" for k, v in by.items())
            + "; IZEA's own bands (its macro is 200k-500k, its mega 500k-1M)",
        )
        rows += [pub_row("C08", "IZEA 2023", r, platform="all") for r in (head, *parts)]
    return rows


def _range_rows(pub_row, b: pd.DataFrame, plat: str, claimed: float, micro_price: float):
    parts = []
    for tier in ("macro", "mega", "micro"):
        if tier not in b.index:
            continue
        lo = float(b.loc[tier, "value_low"])
        hi = float(b.loc[tier, "value_high"])  # NaN: an open range ("and above")
        if tier == "micro":
            ok = lo <= micro_price <= hi
            what = f"does the micro range hold ${micro_price:,.0f}?"
        else:
            ok = math.isnan(hi) or hi > claimed
            what = f"does the {tier} range reach over ${claimed:,.0f}?"
        parts.append(
            ClaimResult(
                "consistent" if ok else "inconsistent",
                part=tier,
                estimand=f"published {tier} price range per {plat} post, USD",
                range_low=lo,
                range_high=hi,
                claimed=micro_price if tier == "micro" else claimed,
                method=what,
                definition="price per sponsored post",
            )
        )
    by = {p.part: p.verdict for p in parts}
    ok = by.get("macro") == "consistent" and by.get("micro") == "consistent"
    head = ClaimResult(
        "consistent" if ok else "inconsistent",
        estimand="the headline of the parts (macro and micro, as in the posts ledger)",
        claimed=claimed,
        method="the macro and micro parts both consistent?",
        definition="price per sponsored post",
        reason=", ".join(f"{k}: {v}" for k, v in by.items())
        + f"; in this table only mega (1M+) prices reach over ${claimed:,.0f}",
    )
    return [pub_row("C08", "Shopify 2023", r, platform=plat) for r in (head, *parts)]


def reach_elasticity() -> float:
    """The Instagram reach elasticity w.r.t. followers implied by The Cirqle's reach rates
    (1 + the log-log slope of reach per follower over the two bands' midpoints)."""
    figs = load_benchmarks("claims_figures")
    c = figs[figs["source"].str.contains("Cirqle")].assign(
        mid=lambda d: band_midpoints(d["lower"], d["upper"])
    )
    if len(c) < 2:
        return math.nan
    c = c.sort_values("mid")
    slope = np.polyfit(np.log(c["mid"]), np.log(c["value"]), 1)[0]
    return float(1 + slope)


def c09_rows(pub_row) -> list[dict]:
    """CPM elasticity = price elasticity - reach elasticity, per published price table."""
    e_reach = reach_elasticity()
    if not math.isfinite(e_reach):
        return []
    prices = load_benchmarks("prices")
    rows = []
    for (src, plat, metric), g in prices.groupby(["source", "platform", "metric"], sort=True):
        v = g["value"].where(g["value"].notna(), np.sqrt(g["value_low"] * g["value_high"]))
        g = g.assign(price=v, mid=band_midpoints(g["lower"], g["upper"])).dropna(
            subset=["price", "mid"]
        )
        g = g.groupby("mid", as_index=False)["price"].mean()
        if len(g) < 2 or "deal" in str(metric):
            continue
        e_price = float(np.polyfit(np.log(g["mid"]), np.log(g["price"]), 1)[0])
        cpm = e_price - e_reach
        rows.append(
            pub_row(
                "C09",
                src,
                ClaimResult(
                    "consistent" if cpm < 0 else "inconsistent",
                    direction="" if cpm < 0 else "overstated",
                    estimand="elasticity of CPM (price per reach) w.r.t. followers, derived",
                    estimate=cpm,
                    method=f"price elasticity {e_price:.2f} over {len(g)} band midpoints minus "
                    f"the reach elasticity {e_reach:.2f} (The Cirqle, Instagram)",
                    definition=str(metric),
                    reason="derived here from published figures; consistent if below 0",
                    flags=("derived-value",),
                ),
                platform=str(plat),
            )
        )
    return rows


__all__ = ["c07_rows", "c08_rows", "c09_rows", "reach_elasticity"]
