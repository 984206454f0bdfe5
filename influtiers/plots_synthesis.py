"""The synthesis forest: one claim across datasets, platforms and published sources.

Each dataset row is a point with its 95% interval; a published figure without an
interval is a hollow point; the pooled estimate is a diamond spanning its 95% interval
with the prediction interval as a thin line; the claim's band is shaded. Published
sources keep their own tier cut-points: their rows say which bands they compare, and the
figure says the bands differ by source.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .plots import PALETTE, VERDICT_COLOURS, placeholder


def _safe(text) -> str:
    return str(text).replace("$", r"\$")


def synthesis_forest(
    frame: pd.DataFrame, *, xlabel: str = "ratio", title: str = "", log: bool = True
):
    """Forest of :meth:`influtiers.synthesis.Synthesis.forest_frame`; returns ``(fig, data)``."""
    d = frame.reset_index(drop=True)
    if d.empty:
        return placeholder(title or "synthesis forest", "no estimate to show")
    fig, ax = plt.subplots(figsize=(9.5, 0.45 * len(d) + 2.2), layout="constrained")
    y = np.arange(len(d))[::-1]
    blo = d["band_low"].dropna()
    bhi = d["band_high"].dropna()
    if len(blo) and len(bhi):
        ax.axvspan(
            float(blo.iloc[0]),
            float(bhi.iloc[0]),
            color=PALETTE[7],
            alpha=0.15,
            lw=0,
            label="the claim's band",
        )
    for yi, (_, r) in zip(y, d.iterrows(), strict=True):
        c = VERDICT_COLOURS.get(str(r["verdict"]), PALETTE[0])
        lo, hi, est = r["ci_low"], r["ci_high"], r["estimate"]
        if r["kind"] == "pooled":
            if pd.notna(r["pi_low"]) and pd.notna(r["pi_high"]):
                ax.plot(
                    [r["pi_low"], r["pi_high"]],
                    [yi, yi],
                    color=c,
                    lw=1,
                    ls="-",
                    label="prediction interval",
                )
            if pd.notna(lo) and pd.notna(hi):
                dx = [lo, est, hi, est, lo]
                dy = [yi, yi + 0.3, yi, yi - 0.3, yi]
                ax.fill(dx, dy, color=c, alpha=0.85, label="pooled (95% CI)")
            continue
        if pd.notna(lo) and pd.notna(hi):
            ax.plot([lo, hi], [yi, yi], color=c, lw=2)
        hollow = r["kind"] == "published" and not (pd.notna(lo) and pd.notna(hi))
        ax.plot(est, yi, "o", ms=6, color=c, mfc="white" if hollow else c)
    ax.set_yticks(y, [_safe(v) for v in d["label"].astype(str)])
    ax.set_ylim(-0.8, len(d) - 0.2)
    if log and (d[["estimate", "ci_low", "ci_high"]].stack() > 0).all():
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.3g}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(_safe(title))
    if (d["kind"] == "published").any():
        fig.text(
            0.01,
            0.0,
            "Published sources keep their own tier cut-points (in brackets); "
            "hollow points have no interval and are not pooled.",
            fontsize=7,
            ha="left",
            va="bottom",
        )
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles, strict=True))
    if uniq:
        ax.legend(
            uniq.values(), uniq.keys(), loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8
        )
    cols = [
        "label",
        "kind",
        "verdict",
        "estimate",
        "ci_low",
        "ci_high",
        "pi_low",
        "pi_high",
        "band_low",
        "band_high",
    ]
    return fig, d[cols].copy()


def heterogeneity_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The pooled rows' k, tau2, I2 and prediction interval (what notebook 09 prints)."""
    p = ledger[ledger["dataset"] == "pooled"]
    cols = [
        "claim_id",
        "part",
        "k",
        "estimate",
        "ci_low",
        "ci_high",
        "tau2",
        "i2",
        "pi_low",
        "pi_high",
        "verdict",
        "flags",
    ]
    return p[cols].reset_index(drop=True)


__all__ = ["heterogeneity_table", "synthesis_forest"]
