"""The benchmark ledger: what published aggregates say about the claims.

Published figures have no intervals, so verdicts follow point-estimate rules stated in
each row's ``method``; every row is marked ``evidence = "published aggregates"``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import config
from ..benchmarks import band_midpoints, load_benchmarks
from ..stats.meta import benchmark_variances
from ..tiers import human_count
from .ledger import Ledger, result_rows
from .model import PUBLISHED, ClaimResult
from .published_more import c07_rows, c08_rows, c09_rows
from .registry import CLAIMS
from .rules import band, point_verdict

MICRO_BAND = (10_000, 100_000)
MACRO_BAND = (100_000, 1_000_000)


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
                "micro_bands": ", ".join(_band_text(r) for _, r in micro.iterrows()),
                "macro_bands": ", ".join(_band_text(r) for _, r in macro.iterrows()),
                "micro": m,
                "macro": M,
                "ratio": m / M,
                "variance": _log_mean_variance(micro) + _log_mean_variance(macro),
                "seen": ", ".join(sorted(set(g["seen"].astype(str)))),
                "low_confidence": bool((pd.concat([micro, macro])["confidence"] == "low").any()),
            }
        )
    return pd.DataFrame(rows)


def _band_text(row) -> str:
    """A source's band in its own cut-points (``10k-50k``, ``1M+``), never relabelled."""
    lo = float(row["lower"]) if pd.notna(row["lower"]) else 0.0
    if pd.isna(row["upper"]):
        return f"{human_count(lo)}+"
    return f"{human_count(lo)}-{human_count(float(row['upper']))}"


def _log_mean_variance(rows: pd.DataFrame) -> float:
    """Variance of the log of the mean of published band values (delta method), from each
    band's reported uncertainty (:func:`influtiers.stats.meta.benchmark_variances`); NaN
    when any band has none (the figure is then a point, never pooled)."""
    v_log = benchmark_variances(rows).to_numpy(float)
    val = rows["value"].to_numpy(float)
    if not np.isfinite(v_log).all():
        return math.nan
    m = float(val.mean())
    var_m = float(np.sum(v_log * val**2)) / len(val) ** 2
    return var_m / m**2


def benchmark_slopes(er: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per published series (source, platform, metric with 3+ bands): Spearman of the value
    with band order, whether every step declines, and the log-log slope over band midpoints
    (the implied rate elasticity)."""
    from scipy.stats import spearmanr

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


def _pub_row(claim_id: str, source: str, res: ClaimResult, platform: str = "") -> dict:
    res.evidence = PUBLISHED
    if _circular(claim_id, source):
        res.flags = (*res.flags, "circular")
    (row,) = result_rows(
        CLAIMS[claim_id], res, dataset=f"benchmarks: {source}", platform=platform, accounting={}
    )
    return row


#: A claim's own source (what its article cites or quotes): a published row from it checks
#: the claim against itself, and is flagged ``circular``.
OWN_SOURCES = {
    "C02": ("Mediakix",),
    "C03": ("Mediakix",),
    "C08": ("Shopify",),
    "C10": ("Shopify",),
    "C16": ("Statista", "Influencer Marketing Hub"),
}


def _circular(claim_id: str, source: str) -> bool:
    return any(s.lower() in str(source).lower() for s in OWN_SOURCES.get(claim_id, ()))


def _low(r) -> str:
    return " (low-confidence band)" if r.get("low_confidence") else ""


def run_benchmark_ledger(margin: tuple[float, float] = config.MARGIN) -> Ledger:
    """Judge the claims that published aggregates speak to.

    Published figures are point estimates (or ranges) without intervals, so the rows say
    ``consistent`` or ``inconsistent``, never supported or contradicted: the band rule of
    :mod:`influtiers.claims.rules` applied to the point estimate (a claimed value), or the
    claimed direction (a directional claim). Published ranges go in ``range_low`` /
    ``range_high``. Every row is marked ``evidence = "published aggregates"``; a row whose
    source is the claim's own source is flagged ``circular``.
    """
    rows = []
    ratios = benchmark_tier_ratios()
    for _, r in ratios.iterrows():
        for cid in ("C02", "C04"):
            claimed = CLAIMS[cid].claimed
            bnd = band(claimed, margin)
            v, direction = point_verdict(float(r["ratio"]), bnd)
            rows.append(
                _pub_row(
                    cid,
                    r["source"],
                    ClaimResult(
                        v,
                        direction=direction,
                        estimand="implied micro / macro rate ratio",
                        estimate=r["ratio"],
                        claimed=claimed,
                        band_low=bnd[0],
                        band_high=bnd[1],
                        method=f"point estimate inside the band {bnd[0]:.2f}-{bnd[1]:.2f}?",
                        definition=r["metric"],
                        reason=f"micro {r['micro']:.2%} ({r['micro_bands']}) vs macro "
                        f"{r['macro']:.2%} ({r['macro_bands']}); {r['seen']}{_low(r)}",
                        scheme=f"the source's bands: micro {r['micro_bands']}; macro "
                        f"{r['macro_bands']}",
                        flags=("low-confidence",) if r["low_confidence"] else (),
                    ),
                    platform=str(r["platform"]),
                )
            )
    figs = load_benchmarks("claims_figures")
    lift = CLAIMS["C04"].claimed
    hs = figs[figs["source"].str.contains("HelloSociety") & (figs["value"] == lift)]
    if not hs.empty:
        rows.append(
            _pub_row(
                "C04",
                "HelloSociety",
                ClaimResult(
                    "not-testable",
                    estimand="micro campaigns vs average campaigns",
                    estimate=float(hs["value"].iloc[0]),
                    claimed=lift,
                    method="source check",
                    reason="related evidence, not the article's citation (001 cites Forbes "
                    "2021, footnote 4): the +60% compares micro campaigns with AVERAGE "
                    "campaigns, not with macro-influencers, so it cannot speak to a "
                    "micro-vs-macro claim",
                ),
            )
        )
    for _, r in benchmark_slopes().iterrows():
        falls = r["loglog_slope"] < 0 and r["spearman"] < 0
        rows.append(
            _pub_row(
                "C05",
                r["source"],
                ClaimResult(
                    "consistent" if falls else "inconsistent",
                    direction="" if falls else "overstated",
                    estimand="log-log slope of the rate over band midpoints (rate elasticity)",
                    estimate=r["loglog_slope"],
                    method="consistent if the published rate falls over the bands (log-log "
                    "slope and Spearman correlation with band order below 0)",
                    definition=r["metric"],
                    reason=f"{r['bands']} bands, Spearman {r['spearman']:.2f}; every step "
                    f"declines: {'yes' if r['all_steps_decline'] else 'no'}",
                ),
                platform=str(r["platform"]),
            )
        )
    rows += c07_rows(_pub_row)
    rows += c08_rows(_pub_row, margin)
    rows += c09_rows(_pub_row)
    ms = load_benchmarks("market_size")
    y22 = ms[(ms["figure_year"] == 2022) & ~ms["projected"].astype(bool)]
    if not y22.empty:
        val = float(y22["value"].iloc[0])
        bnd = band(CLAIMS["C16"].claimed, margin)
        v, direction = point_verdict(val, bnd)
        rows.append(
            _pub_row(
                "C16",
                str(y22["source"].iloc[0]),
                ClaimResult(
                    v,
                    direction=direction,
                    estimand="global influencer marketing market size 2022, billion USD",
                    estimate=val,
                    claimed=CLAIMS["C16"].claimed,
                    band_low=bnd[0],
                    band_high=bnd[1],
                    method="lookup in the published series",
                    reason="industry estimate quoted by Statista, not a measured sample",
                ),
            )
        )
    return Ledger.from_rows(rows)
