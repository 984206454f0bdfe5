"""Figures in one style, each saved with the numbers behind it and its provenance.

Every plotting function returns ``(fig, data)``: the matplotlib figure and the
tidy DataFrame it draws. :func:`save_figure` (:mod:`influtiers.figfiles`) writes
``NAME.png``, ``NAME.svg`` and ``NAME.csv`` under ``output_dir`` with provenance in the
image metadata and in ``manifest.json``. Colours come from seaborn's colour-blind-safe palette;
axes carry units and the engagement-rate definition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .config import SEED
from .figfiles import save_figure as save_figure  # re-exported: plots.save_figure
from .tiers import BELOW, TIER_ORDER

PALETTE = sns.color_palette("colorblind")
#: Point clouds of more points than this are drawn as a bitmap inside SVG files (the PNG
#: is the same either way): an SVG of 2M vector points took 1.5 GB and a minute to write.
RASTER_POINTS = 20_000
VERDICT_COLOURS = {
    "supported": PALETTE[2],
    "consistent": PALETTE[2],
    "equivalent": PALETTE[2],
    "contradicted": PALETTE[3],
    "inconsistent": PALETTE[3],
    "error": PALETTE[3],
    "inconclusive": PALETTE[7],
    "not-testable": "#bbbbbb",
    "descriptive": PALETTE[0],
}


def set_style() -> None:
    """The house style (called on import; call again after changing rcParams)."""
    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    plt.rcParams.update(
        {
            "figure.figsize": (7.5, 4.5),
            "figure.dpi": 100,
            "savefig.dpi": 120,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "svg.hashsalt": "influtiers",  # deterministic SVG ids
            "svg.fonttype": "none",
        }
    )


set_style()


def tier_colours(tiers: Sequence[str]) -> dict[str, tuple]:
    """Stable colour per tier name: canonical tiers keep their colour across schemes."""
    out = {}
    extra = iter(PALETTE[len(TIER_ORDER) :] + PALETTE)
    for t in tiers:
        if t in TIER_ORDER:
            out[t] = PALETTE[TIER_ORDER.index(t)]
        elif t == BELOW:
            out[t] = (0.6, 0.6, 0.6)
        else:
            out[t] = next(extra)
    return out


def _log_axis(ax, axis="x", unit="followers"):
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    fmt = matplotlib.ticker.FuncFormatter(lambda v, _: _human(v))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(fmt)


def _safe(text) -> str:
    """Text for matplotlib: a literal "$" (prices, "$16.4B") must not start math mode."""
    return str(text).replace("$", r"\$")


def _quartiles(grouped) -> pd.DataFrame:
    """n, median and quartiles per group (the numbers behind box and binned plots)."""
    return grouped.agg(
        n="count",
        median="median",
        q25=lambda s: s.quantile(0.25),
        q75=lambda s: s.quantile(0.75),
    )


def placeholder(title: str, note: str = "not testable on these data"):
    """An empty figure that says why there is nothing to draw (too few influencers,
    a missing column): studies keep running and still save a figure."""
    fig, ax = plt.subplots(figsize=(7.5, 2.5))
    ax.axis("off")
    ax.text(0.5, 0.6, _safe(title), ha="center", va="center", fontsize=12, weight="bold")
    ax.text(0.5, 0.35, note, ha="center", va="center", fontsize=10, color="0.35")
    return fig, pd.DataFrame({"note": [note]})


def _nothing(d: pd.DataFrame, col: str | None = None) -> bool:
    if d is None or len(d) == 0:
        return True
    return col is not None and (
        col not in d or pd.to_numeric(d[col], errors="coerce").notna().sum() == 0
    )


def _log_percent_axis(ax) -> None:
    """Log y axis for values in percent, with plain tick labels (0.5%, 1%, 2%, ...)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


def _human(v: float) -> str:
    for div, suf in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:g}{suf}"
    return f"{v:g}"


# ------------------------------------------------------------------ figures
def forest(
    df: pd.DataFrame,
    *,
    label: str = "label",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    colour_by: str | None = "verdict",
    reference: Mapping[str, float] | None = None,
    band: tuple[float, float] | None = None,
    log: bool = True,
    xlabel: str = "ratio",
    title: str = "",
    ax=None,
):
    """Forest plot: one row per estimate with its interval, optional reference lines
    (e.g. ``{"claimed +60%": 1.6, "parity": 1.0}``) and a shaded band (e.g. an
    equivalence margin). With ``ax`` it draws there, without legends."""
    d = df.reset_index(drop=True)
    if _nothing(d, estimate):
        return placeholder(title or "forest plot")
    # constrained layout makes room for long labels and the legends outside the axes
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(9.5, 0.45 * len(d) + 1.8), layout="constrained")
    fig = ax.figure
    y = np.arange(len(d))[::-1]
    colours = [
        VERDICT_COLOURS.get(str(v), PALETTE[0]) if colour_by else PALETTE[0]
        for v in (d[colour_by] if colour_by and colour_by in d else [None] * len(d))
    ]
    if band:
        ax.axvspan(*band, color=PALETTE[7], alpha=0.15, lw=0, label="equivalence margin")
    for yi, (_, r), c in zip(y, d.iterrows(), colours, strict=True):
        if pd.notna(r[low]) and pd.notna(r[high]):
            ax.plot([r[low], r[high]], [yi, yi], color=c, lw=2)
        if pd.notna(r[estimate]):
            ax.plot(r[estimate], yi, "o", color=c, ms=6)
    for i, (name, val) in enumerate((reference or {}).items()):
        ax.axvline(val, ls=["--", ":", "-."][i % 3], color="0.3", lw=1, label=name)
    ax.set_yticks(y, [_safe(v) for v in d[label].astype(str)])
    ax.set_ylim(-0.7, len(d) - 0.3)
    if log:
        ax.set_xscale("log")
        lo, hi = ax.get_xlim()
        fine = lo > 0 and np.log10(hi / lo) < 1.2
        subs = (1.0, 1.25, 1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.3, 8.0) if fine else (1.0, 2.0, 5.0)
        ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=subs))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:.3g}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(_safe(title))
    if own and colour_by and colour_by in d:  # with ``ax`` the caller places the legends
        handles = [
            matplotlib.lines.Line2D(
                [], [], color=VERDICT_COLOURS.get(v, PALETTE[0]), marker="o", lw=2, label=v
            )
            for v in dict.fromkeys(d[colour_by].astype(str))
        ]
        ax.add_artist(
            ax.legend(
                handles=handles,
                title=colour_by,
                fontsize=8,
                loc="upper left",
                bbox_to_anchor=(1.01, 1.0),
            )
        )
    if own and (reference or band):
        ax.legend(loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8, frameon=True)
    cols = [c for c in (label, estimate, low, high, colour_by) if c and c in d]
    return fig, d[cols].copy()


def scheme_cutpoints(schemes: Sequence, *, title: str = "Tier cut-points by scheme"):
    """Every scheme's tiers as coloured spans on one log follower axis (one row per scheme
    and platform)."""
    rows = []
    for s in schemes:
        t = s.table()
        t["row"] = np.where(t["platform"] == "all", s.name, s.name + " · " + t["platform"])
        rows.append(t)
    data = pd.concat(rows, ignore_index=True)
    labels = list(dict.fromkeys(data["row"]))
    colours = tier_colours(list(dict.fromkeys(data["tier"])))
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(labels) + 1.5))
    top = 1e9
    for i, lab in enumerate(labels):
        y = len(labels) - 1 - i
        for _, r in data[data["row"] == lab].iterrows():
            lo = max(r["lower"], 10)
            hi = min(r["upper"], top)
            ax.barh(y, hi - lo, left=lo, height=0.7, color=colours[r["tier"]], edgecolor="white")
            ax.text(
                np.sqrt(lo * hi), y, r["tier"], ha="center", va="center", fontsize=7, color="white"
            )
    ax.set_yticks(range(len(labels))[::-1], labels)
    _log_axis(ax)
    ax.set_xlim(10, top)
    ax.set_xlabel("followers (log scale; half-open intervals [lower, upper))")
    ax.set_title(_safe(title))
    fig.tight_layout()
    return fig, data.drop(columns=["row"]).assign(row=data["row"])


def tier_distribution(
    table: pd.DataFrame,
    value: str,
    *,
    ylabel: str,
    title: str = "",
    log: bool = True,
    seed: int = SEED,
):
    """Influencer-level values by tier (box + points; one point per influencer, jittered
    with ``seed``)."""
    d = table[["tier", value]].dropna()
    d = d[d[value] > 0] if log else d
    if _nothing(d):
        return placeholder(title or ylabel)
    # empty tiers (e.g. "below", "above") are not drawn: the hue palette covers drawn tiers only
    d = d.assign(tier=d["tier"].cat.remove_unused_categories())
    order = [t for t in d["tier"].cat.categories if (d["tier"] == t).any()]
    fig, ax = plt.subplots()
    pal = tier_colours(order)
    sns.boxplot(
        data=d,
        x="tier",
        y=value,
        order=order,
        hue="tier",
        palette=pal,
        ax=ax,
        showfliers=False,
        legend=False,
        width=0.55,
    )
    # one point per influencer, jittered sideways by a seeded generator: reruns draw the
    # same picture, byte for byte (seaborn's stripplot draws from numpy's global state)
    x = pd.Categorical(d["tier"], categories=order).codes + np.random.default_rng(seed).uniform(
        -0.25, 0.25, len(d)
    )
    ax.scatter(
        x,
        d[value],
        s=4,
        color="0.25",
        alpha=0.35,
        linewidths=0,
        zorder=3,
        rasterized=len(d) > RASTER_POINTS,
    )
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("tier")
    counts = d["tier"].value_counts()
    ax.set_xticks(range(len(order)), [f"{t}\n(n={counts.get(t, 0)})" for t in order])
    if title:
        ax.set_title(_safe(title))
    fig.tight_layout()
    return fig, _quartiles(d.groupby("tier", observed=True)[value]).reset_index().astype(
        {"tier": str}
    )


def binned_curve(
    table: pd.DataFrame,
    value: str,
    *,
    ylabel: str,
    bins_per_decade: int = 4,
    fits: Mapping[str, pd.DataFrame] | None = None,
    vlines: Mapping[str, float] | None = None,
    title: str = "",
):
    """Influencer values against followers on log–log axes, with binned medians and
    optional fitted curves (``{label: DataFrame(followers, fitted)}``)."""
    d = table[["followers", value]].dropna()
    d = d[(d[value] > 0) & (d["followers"] > 0)]
    if _nothing(d):
        return placeholder(title or ylabel)
    lf = np.log10(d["followers"])
    edges = np.arange(np.floor(lf.min() * bins_per_decade), np.ceil(lf.max() * bins_per_decade) + 1)
    edges = edges / bins_per_decade
    b = pd.cut(lf, edges, include_lowest=True)
    binned = _quartiles(d.groupby(b, observed=True)[value]).reset_index(drop=True)
    mids = [
        10 ** ((iv.left + iv.right) / 2) for iv in b.cat.categories[b.value_counts(sort=False) > 0]
    ]
    binned.insert(0, "followers_mid", mids)
    fig, ax = plt.subplots()
    ax.scatter(
        d["followers"],
        d[value],
        s=4,
        alpha=0.2,
        color="0.5",
        label="influencers",
        rasterized=len(d) > RASTER_POINTS,
    )
    ax.errorbar(
        binned["followers_mid"],
        binned["median"],
        yerr=[binned["median"] - binned["q25"], binned["q75"] - binned["median"]],
        fmt="o-",
        color=PALETTE[0],
        capsize=3,
        label="binned median (IQR)",
    )
    for i, (lab, f) in enumerate((fits or {}).items()):
        ax.plot(f["followers"], f["fitted"], color=PALETTE[(i + 1) % len(PALETTE)], lw=2, label=lab)
    for lab, x in (vlines or {}).items():
        ax.axvline(x, color="0.3", ls="--", lw=1, label=lab)
    _log_axis(ax)
    ax.set_yscale("log")
    ax.set_xlabel("followers (log scale)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(_safe(title))
    fig.tight_layout()
    return fig, binned


def line(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    hue: str | None = None,
    xlabel: str,
    ylabel: str,
    title: str = "",
    hline: float | None = None,
    marker: str = "o",
    logx: bool = False,
):
    """A simple line chart (power curves, market size, specification curves)."""
    if _nothing(df, y):
        return placeholder(title or ylabel)
    fig, ax = plt.subplots()
    sns.lineplot(data=df, x=x, y=y, hue=hue, marker=marker, ax=ax, errorbar=None)
    if hline is not None:
        ax.axhline(hline, color="0.3", ls="--", lw=1)
    if logx:
        _log_axis(ax)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(_safe(title))
    fig.tight_layout()
    cols = [c for c in (x, hue, y) if c]
    return fig, df[cols].copy()


def bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    hue: str | None = None,
    xlabel: str,
    ylabel: str,
    title: str = "",
    logy: bool = False,
    err: tuple[str, str] | None = None,
):
    """Bar chart with optional error bars from columns ``err=(low, high)``."""
    if _nothing(df, y):
        return placeholder(title or ylabel)
    fig, ax = plt.subplots()
    sns.barplot(data=df, x=x, y=y, hue=hue, ax=ax, errorbar=None)
    if err is not None and hue is None:
        lo, hi = df[err[0]].to_numpy(), df[err[1]].to_numpy()
        ax.errorbar(
            np.arange(len(df)),
            df[y],
            yerr=[df[y] - lo, hi - df[y]],
            fmt="none",
            color="0.2",
            capsize=3,
        )
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(_safe(title))
    fig.tight_layout()
    cols = [c for c in (x, hue, y, *(err or ())) if c]
    return fig, df[cols].copy()


def histogram(
    df: pd.DataFrame,
    x: str,
    *,
    hue: str | None = None,
    xlabel: str,
    title: str = "",
    vline: float | None = None,
    vline_label: str = "",
    logx: bool = False,
    bins: int = 50,
):
    """Overlaid histograms (e.g. simulated campaign totals)."""
    if _nothing(df, x):
        return placeholder(title or xlabel)
    fig, ax = plt.subplots()
    sns.histplot(
        data=df,
        x=x,
        hue=hue,
        bins=bins,
        stat="density",
        common_norm=False,
        element="step",
        ax=ax,
        log_scale=logx,
    )
    if vline is not None:
        ax.axvline(vline, color="0.2", ls="--", lw=1, label=vline_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    if title:
        ax.set_title(_safe(title))
    fig.tight_layout()
    qs = (
        df.groupby(hue)[x].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack().reset_index()
        if hue
        else df[x].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).to_frame().T
    )
    qs.columns = [str(c) for c in qs.columns]
    return fig, qs


def benchmark_rates(
    er: pd.DataFrame, *, title: str = "Published engagement rates by follower band"
):
    """Published rates against band midpoints (log–log), one line per source series."""
    from .benchmarks import band_midpoints

    d = er.assign(followers_mid=band_midpoints(er["lower"], er["upper"])).dropna(
        subset=["followers_mid", "value"]
    )
    metric = d["metric"].str.split(":").str[0].str.split("(").str[0].str.strip()
    d = d.assign(series=d["source"] + " · " + d["platform"].astype(str) + " · " + metric)
    d = d.sort_values(["series", "followers_mid"])
    fig, ax = plt.subplots(figsize=(9, 5))
    for i, (name, g) in enumerate(d.groupby("series", sort=True)):
        style = "o-" if len(g) > 1 else "o"
        ax.plot(
            g["followers_mid"],
            g["value"] * 100,
            style,
            color=PALETTE[i % len(PALETTE)],
            label=name,
            ms=5,
        )
    _log_axis(ax)
    _log_percent_axis(ax)
    ax.set_xlabel("followers (band midpoint, log scale)")
    ax.set_ylabel("published engagement rate (%; denominator per source)")
    ax.set_title(_safe(title))
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
    fig.tight_layout()
    return fig, d[
        ["series", "band_label", "lower", "upper", "followers_mid", "value", "seen"]
    ].reset_index(drop=True)


def stack_results(results: Mapping[str, object]) -> pd.DataFrame:
    """Rows for :func:`forest` from ``{label: StatResult}``."""
    rows = []
    for label, r in results.items():
        rows.append(
            {
                "label": label,
                "estimate": getattr(r, "estimate", np.nan),
                "ci_low": getattr(r, "ci_low", np.nan),
                "ci_high": getattr(r, "ci_high", np.nan),
                "verdict": str(getattr(r, "verdict", "") or ""),
            }
        )
    return pd.DataFrame(rows)


def claims_overview(frame: pd.DataFrame, *, title: str = "Claims against what was claimed"):
    """The claims forest: ledger rows with a numeric comparison (estimate ÷ claimed value,
    1 = as claimed) with their 95% intervals; the other claims listed beside it by evidence
    type with their headline verdicts. ``frame`` comes from
    :func:`influtiers.claims.overview_frame` (its ``shown`` column)."""
    d = frame.reset_index(drop=True)
    drawn = d[d["shown"] == "forest"].reset_index(drop=True)
    listed = d[d["shown"] == "listed"].reset_index(drop=True)
    lines: list[tuple[str, object, str]] = []
    for evidence, g in listed.groupby("evidence", sort=False):
        lines.append((str(evidence), "0.2", "bold"))
        for cid, rows in g.groupby("claim_id", sort=False):
            verdicts = [
                str(r.verdict)
                + (f" ({r.direction})" if r.direction else "")
                + (f" on {r.platform}" if len(rows) > 1 else "")
                for r in rows.itertuples()
            ]
            short = str(rows["label"].iloc[0]).split(" · ")[0].removeprefix(f"{cid} ")
            short = short if len(short) <= 30 else short[:29].rstrip() + "…"
            v = str(rows["verdict"].iloc[0])
            colour = "0.4" if v == "not-testable" else VERDICT_COLOURS.get(v, "0.3")
            lines.append((f"{cid} {', '.join(verdicts)} · {short}", colour, "normal"))
    height = max(0.42 * len(drawn) + 2.0, 0.2 * len(lines) + 2.6, 3.5)
    fig = plt.figure(figsize=(14, height), layout="constrained")
    ax, side = fig.subplots(1, 2, width_ratios=[2.1, 1])
    if len(drawn):
        forest(
            drawn,
            label="label",
            estimate="relative",
            low="rel_low",
            high="rel_high",
            colour_by="verdict",
            reference={"as claimed": 1.0},
            title=title,
            ax=ax,
            xlabel="estimate ÷ claimed value (log scale; 1 = as claimed)",
        )
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, "no claim with a numeric comparison on these data", ha="center")
    side.axis("off")
    side.set_title(
        "No numeric comparison:\nheadline verdicts by evidence type",
        loc="left",
        fontsize=10,
        weight="bold",
    )
    for i, (text, colour, weight) in enumerate(lines):
        side.annotate(
            _safe(text),
            (0, 1),
            xycoords="axes fraction",
            xytext=(0, -14 * i - 4),
            textcoords="offset points",
            va="top",
            fontsize=8.5,
            color=colour,
            weight=weight,
        )
    handles = [
        matplotlib.lines.Line2D(
            [], [], color=VERDICT_COLOURS.get(v, PALETTE[0]), marker="o", lw=2, label=v
        )
        for v in dict.fromkeys(drawn["verdict"].astype(str))
    ]
    handles.append(matplotlib.lines.Line2D([], [], color="0.3", ls="--", lw=1, label="as claimed"))
    side.legend(handles=handles, loc="lower left", fontsize=8, title="forest", frameon=True)
    cols = ["claim_id", "label", "evidence", "verdict", "relative", "rel_low", "rel_high", "shown"]
    return fig, pd.concat([drawn, listed], ignore_index=True)[cols]


def specification_curve(curve: pd.DataFrame, *, claimed: float | None = None, title: str = ""):
    """Specification curve: sorted estimates with 95% intervals (top) and the analytic
    choices behind each (bottom)."""
    ok = curve[curve["status"] == "ok"].reset_index(drop=True) if len(curve) else curve
    if _nothing(ok, "estimate"):
        return placeholder(title or "specification curve")
    x = np.arange(len(ok))
    fig, (ax, ax2) = plt.subplots(
        2, 1, figsize=(9, 7), sharex=True, gridspec_kw={"height_ratios": [2, 2.2]}
    )
    inside = (
        (ok["ci_low"] <= claimed) & (claimed <= ok["ci_high"])
        if claimed
        else pd.Series(False, index=ok.index)
    )
    colours = np.where(inside, "C2", np.where(ok["ci_low"] > 1, "C0", "C7"))
    ax.vlines(x, ok["ci_low"], ok["ci_high"], color=colours, lw=1, alpha=0.7)
    ax.scatter(x, ok["estimate"], c=colours, s=10, zorder=3)
    ax.axhline(1, color="0.3", lw=1, ls=":", label="parity")
    if claimed:
        ax.axhline(claimed, color=PALETTE[3], lw=1, ls="--", label=f"claimed ({claimed:g})")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(
        matplotlib.ticker.LogLocator(base=10, subs=(0.5, 0.6, 0.8, 1.0, 1.25, 1.6, 2.0, 3.0))
    )
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_ylabel("micro / macro ratio (95% CI)")
    ax.legend(fontsize=8)
    ax.set_title(_safe(title or f"Specification curve ({len(ok)} specifications)"))
    dims = ["scheme", "definition", "aggregation"]
    labels, ypos = [], []
    y = 0
    for dim in dims:
        for val in sorted(ok[dim].unique()):
            hit = np.flatnonzero(ok[dim].to_numpy() == val)
            ax2.scatter(hit, np.full(len(hit), y), marker="|", s=40, color=PALETTE[dims.index(dim)])
            labels.append(f"{dim}: {val}")
            ypos.append(y)
            y -= 1
        y -= 0.5
    ax2.set_yticks(ypos, labels, fontsize=6)
    ax2.set_xlabel("specification (sorted by estimate)")
    ax2.grid(False, axis="y")
    fig.tight_layout()
    return fig, curve.copy()


def price_by_tier(costs: pd.DataFrame, published: pd.DataFrame | None = None, *, title: str = ""):
    """Per-influencer price per post by tier (log scale) with published price ranges
    (e.g. Shopify 2023, Instagram) as shaded bands by follower range."""
    d = costs[["followers", "tier", "cost_per_post"]].dropna()
    if _nothing(d):
        return placeholder(title or "price per post")
    fig, ax = plt.subplots()
    tiers_present = [t for t in d["tier"].cat.categories if (d["tier"] == t).any()]
    pal = tier_colours(tiers_present)
    for t in tiers_present:
        g = d[d["tier"] == t]
        ax.scatter(
            g["followers"],
            g["cost_per_post"],
            s=6,
            alpha=0.5,
            color=pal[t],
            label=t,
            rasterized=len(d) > RASTER_POINTS,
        )
    bands = pd.DataFrame()
    if published is not None and len(published):
        bands = published[published["platform"].eq("instagram")][
            ["band_label", "lower", "upper", "value_low", "value_high"]
        ].copy()
        for _, b in bands.iterrows():
            lo = b["lower"] if pd.notna(b["lower"]) else d["followers"].min()
            hi = b["upper"] if pd.notna(b["upper"]) else max(d["followers"].max(), lo * 10)
            vhi = b["value_high"] if pd.notna(b["value_high"]) else b["value_low"] * 3
            ax.fill_between([lo, hi], b["value_low"], vhi, color="0.5", alpha=0.15, lw=0)
        ax.fill_between([], [], [], color="0.5", alpha=0.15, label="Shopify 2023 ranges")
    _log_axis(ax)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: _safe(f"${v:,.0f}")))
    ax.axhline(10_000, color="0.2", ls="--", lw=1, label=_safe("$10,000 (claim C08)"))
    ax.axhline(100, color="0.2", ls=":", lw=1, label=_safe("$100 (claim C08)"))
    ax.set_xlabel("followers (log scale)")
    ax.set_ylabel("price per sponsored post (USD, influencer mean)")
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(_safe(title or "Price per post against followers"))
    fig.tight_layout()
    return fig, _quartiles(d.groupby("tier", observed=True)["cost_per_post"]).reset_index().astype(
        {"tier": str}
    )
