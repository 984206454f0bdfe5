"""What all the evidence says: several datasets, platforms and published studies, pooled.

:func:`analyse_all` evaluates the claims on each dataset (:func:`influtiers.analysis.
analyse`), adds the published library when asked (:func:`influtiers.claims.
run_benchmark_ledger`), and pools, for every claim with a comparable effect, the rows
that measure the same estimand with the same definition: C02, C03, C04, C06 and C14 as
log ratios, C05 as slopes (:data:`POOLABLE`).

How to pool (:mod:`influtiers.stats.meta`)
    Random effects with Paule-Mandel ``tau2`` (statsmodels' ``combine_effects``,
    ``method_re="iterated"``); the modified Knapp-Hartung interval (never narrower than
    the standard random-effects interval), at 90% and 95%; the prediction interval for a
    new dataset or source (k >= 3). Inputs: each dataset's per-platform rows (never its
    platform fixed-effects row as well), with the variance from the row's StatResult (its
    SE on the pooling scale, else its interval with its own critical value); published
    figures only when the source reports a CI, an SE or SDs with n (otherwise they are
    shown beside the pooled estimate as points).

The pooled row
    ``dataset = "pooled"``, ``platform = "all"``; the verdict follows the claim's rule on
    the pooled intervals (band claims: the band rule; directional claims: the one-sided
    test at 5%, i.e. the 90% interval's bound beyond parity); ``k``, ``tau2``, ``i2``,
    ``pi_low``/``pi_high`` and ``sources``; ``heterogeneous`` is flagged when the prediction
    interval is neither inside nor disjoint from the claim's band (or, for a directional
    claim, straddles parity): the answer then depends on the platform or source.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as st

from . import config
from .analysis import Analysis, analyse
from .claims import CLAIMS, Ledger, ledger_records, run_benchmark_ledger
from .claims.ledger import adjust
from .claims.model import PUBLISHED
from .claims.rules import band, band_verdict, tost_p
from .csvsafe import safe_csv
from .errors import UsageError
from .provenance import atomic_write
from .stats.fixed_effects import FE
from .stats.meta import PooledResult, pool, variance_from_ci, variance_from_result

#: claim -> (pooling scale, parity, claimed direction, the result behind the headline row)
POOLABLE: dict[str, tuple[str, float, str, str]] = {
    "C02": ("log", 1.0, "band", "tost"),
    "C03": ("log", 1.0, "greater", "likes"),
    "C04": ("log", 1.0, "band", "lift"),
    "C05": ("identity", 0.0, "less", "ols"),
    "C06": ("log", 1.0, "greater", "ratio"),
    "C14": ("log", 1.0, "greater", "penalty"),
}
POOLED = "pooled"
BENCHMARKS = "benchmarks"
RESERVED = (POOLED, BENCHMARKS)


@dataclass
class Synthesis:
    """Every dataset's analysis, the published ledger, and the pooled rows."""

    analyses: dict[str, Analysis]
    ledger: Ledger
    pooled: dict = field(default_factory=dict)
    inputs: pd.DataFrame = field(default_factory=pd.DataFrame)
    settings: dict = field(default_factory=dict)

    def write(self, run_dir) -> list[Path]:
        """Each dataset under ``evidence/<label>/``; the combined ledger (``claims.*``);
        the pooling inputs and results (``pooled.json``)."""
        d = Path(run_dir)
        out = []
        single = len(self.analyses) == 1
        for label, a in self.analyses.items():
            out += a.write(d, label=None if single else label)
        out.append(atomic_write(d / "claims.csv", safe_csv(self.ledger)))
        out.append(atomic_write(d / "claims.md", self.ledger.to_markdown_table() + "\n"))
        out.append(atomic_write(d / "claims.json", self.ledger.to_records_json() + "\n"))
        rec = {
            "datasets": list(self.analyses),
            "settings": self.settings,
            "inputs": ledger_records(self.inputs),
            "pooled": [
                {"claim_id": cid, "part": part, **p.to_dict()}
                for (cid, part), p in self.pooled.items()
            ],
        }
        text = json.dumps(rec, indent=1, sort_keys=True, allow_nan=False, default=str)
        out.append(atomic_write(d / "pooled.json", text + "\n"))
        return out

    @classmethod
    def read(cls, run_dir) -> Synthesis:
        """The synthesis :meth:`write` put into ``run_dir``."""
        d = Path(run_dir)
        rec = json.loads((d / "pooled.json").read_text(encoding="utf-8"))
        labels = rec["datasets"]
        analyses = {
            label: Analysis.read(d, label=None if len(labels) == 1 else label) for label in labels
        }
        ledger = Ledger.from_rows(json.loads((d / "claims.json").read_text(encoding="utf-8")))
        inputs = pd.DataFrame(rec["inputs"])
        pooled = {(p["claim_id"], p["part"]): p for p in rec["pooled"]}
        return cls(analyses, ledger, pooled, inputs, rec.get("settings", {}))

    @property
    def published(self) -> Ledger:
        led = self.ledger
        return Ledger(led[led["evidence"] == PUBLISHED].reset_index(drop=True))

    def forest_frame(self, claim_id: str) -> pd.DataFrame:
        """Every row of a claim across datasets, platforms and published sources, the
        pooled row last, with the claimed band: the numbers behind the synthesis forest."""
        led = self.ledger
        rows = led[(led["claim_id"] == claim_id) & (led["part"] == "")]
        rows = rows[np.isfinite(rows["estimate"].astype(float))]
        rows = rows[~rows["verdict"].isin(("not-testable", "error"))]
        kind = np.where(
            rows["dataset"] == POOLED,
            "pooled",
            np.where(rows["evidence"] == PUBLISHED, "published", "dataset"),
        )
        where = np.where(
            rows["platform"].astype(str) != "", ": " + rows["platform"].astype(str), ""
        )
        bands = np.where(
            (rows["evidence"] == PUBLISHED) & (rows["scheme"].astype(str) != ""),
            " [" + rows["scheme"].astype(str).str.replace("the source's bands: ", "") + "]",
            "",
        )
        label = np.where(
            rows["dataset"] == POOLED,
            "pooled (random effects)",
            rows["dataset"].astype(str).str.replace("benchmarks: ", "") + where + bands,
        )
        out = rows.assign(kind=kind, label=label)
        cols = [
            "claim_id",
            "label",
            "kind",
            "dataset",
            "platform",
            "verdict",
            "estimate",
            "ci_low",
            "ci_high",
            "pi_low",
            "pi_high",
            "band_low",
            "band_high",
            "k",
            "tau2",
            "i2",
            "definition",
            "reason",
        ]
        order = {"dataset": 0, "published": 1, "pooled": 2}
        return (
            out.assign(_o=out["kind"].map(order))
            .sort_values(["_o"], kind="stable")[cols]
            .reset_index(drop=True)
        )


def row_variance(row: Mapping, result, scale: str) -> float:
    """The sampling variance of a ledger row's estimate on the pooling scale: from its
    result (its SE, else its interval with its t or normal critical value), else from the
    row's 95% interval (normal)."""
    if result is not None:
        try:
            v = variance_from_result(result, scale)
        except (ValueError, KeyError, TypeError):
            v = math.nan
        if math.isfinite(v) and v > 0:
            return v
    lo, hi = float(row.get("ci_low", math.nan)), float(row.get("ci_high", math.nan))
    try:
        return float(variance_from_ci(lo, hi, scale=scale, level=0.95))
    except (ValueError, TypeError):
        return math.nan


def pool_inputs(analyses: Mapping[str, Analysis], published: Ledger | None = None) -> pd.DataFrame:
    """The rows that enter each claim's pooled estimate: per dataset, the per-platform
    headline rows (or the dataset's only row), with their variance; published rows with a
    variance. Not-testable and error rows are left out."""
    rows = []
    for label, a in analyses.items():
        led = a.ledger
        for cid, (scale, _, _, name) in POOLABLE.items():
            head = led[(led["claim_id"] == cid) & (led["part"] == "")]
            head = head[head["platform"] != FE]
            head = head[head["verdict"].isin(("supported", "contradicted", "inconclusive"))]
            for _, r in head.iterrows():
                res = (
                    a.result(cid, name, platform=r["platform"])
                    if a.has_result(cid, name, platform=r["platform"])
                    else None
                )
                rows.append(_input(cid, label, r, scale, row_variance(r, res, scale)))
    if published is not None and len(published):
        rows += published_inputs(published)
    cols = [
        "claim_id",
        "dataset",
        "platform",
        "source",
        "estimate",
        "variance",
        "scale",
        "estimand",
        "definition",
        "evidence",
    ]
    return pd.DataFrame(rows, columns=cols)


def published_inputs(published: Ledger) -> list[dict]:
    """Published micro/macro ratios (C02, C04) whose source reports the uncertainty of both
    tiers: they enter the pooled estimate; the other published rows stay points."""
    from .claims import benchmark_tier_ratios

    rows = []
    ratios = benchmark_tier_ratios()
    ok = ratios[np.isfinite(ratios["variance"])]
    for _, b in ok.iterrows():
        for cid in ("C02", "C04"):
            match = published[
                (published["claim_id"] == cid)
                & (published["dataset"] == f"benchmarks: {b['source']}")
                & (published["part"] == "")
            ]
            if len(match):
                rows.append(
                    _input(
                        cid, match["dataset"].iloc[0], match.iloc[0], "log", float(b["variance"])
                    )
                )
    return rows


def _input(cid, label, r, scale, variance) -> dict:
    return {
        "claim_id": cid,
        "dataset": label,
        "platform": r["platform"],
        "source": f"{label}: {r['platform']}" if r["platform"] else str(label),
        "estimate": float(r["estimate"]),
        "variance": variance,
        "scale": scale,
        "estimand": r["estimand"],
        "definition": r["definition"],
        "evidence": r["evidence"],
    }


def _pooled_verdict(cid: str, p: PooledResult, margin) -> tuple[str, str, float, tuple]:
    """(verdict, direction, p-value, the band or half-line) of a pooled result."""
    scale, parity, direction, _ = POOLABLE[cid]
    claimed = CLAIMS[cid].claimed
    kh = math.sqrt(max(1.0, p.kh_q)) * p.se_re
    df = max(p.k - 1, 1)
    if direction == "band":
        bnd = band(claimed, margin)
        v, d = band_verdict((p.ci90_low, p.ci90_high), (p.ci_low, p.ci_high), bnd)
        return v, d, tost_p(p.mu, kh, bnd, df), bnd
    g = math.log(parity) if scale == "log" else parity
    t = (p.mu - g) / kh if kh > 0 else math.nan
    if direction == "greater":
        pv, p_opp = float(st.t.sf(t, df)), float(st.t.cdf(t, df))
        bnd = (parity, math.inf)
    else:
        pv, p_opp = float(st.t.cdf(t, df)), float(st.t.sf(t, df))
        bnd = (-math.inf, parity)
    v = (
        "supported"
        if pv < config.ALPHA
        else ("contradicted" if p_opp < config.ALPHA else "inconclusive")
    )
    return v, "", pv, bnd


def _heterogeneous(p: PooledResult, bnd) -> bool:
    if not (math.isfinite(p.pi_low) and math.isfinite(p.pi_high)):
        return False
    lo, hi = bnd
    inside = lo <= p.pi_low and p.pi_high <= hi
    disjoint = p.pi_high < lo or p.pi_low > hi
    return not (inside or disjoint)


def pooled_rows(inputs: pd.DataFrame, *, margin=config.MARGIN) -> tuple[list[dict], dict]:
    """The pooled ledger rows and their results (one per claim and definition with k >= 2)."""
    rows, results = [], {}
    for (cid, definition), g in inputs.groupby(["claim_id", "definition"], sort=False):
        g = g[np.isfinite(g["variance"]) & (g["variance"] > 0) & np.isfinite(g["estimate"])]
        scale = POOLABLE[cid][0]
        if scale == "log":
            g = g[g["estimate"] > 0]
        if len(g) < 2:
            continue
        p = pool(
            g["estimate"].to_numpy(float),
            g["variance"].to_numpy(float),
            labels=list(g["source"]),
            scale=scale,
        )
        v, d, pv, bnd = _pooled_verdict(cid, p, margin)
        flags = ["heterogeneous"] if _heterogeneous(p, bnd) else []
        flags += list(p.flags)
        claim = CLAIMS[cid]
        part = (
            ""
            if inputs.loc[inputs["claim_id"] == cid, "definition"].nunique() == 1
            else (str(definition))
        )
        summary = p.summary()
        if "heterogeneous" in flags:
            summary += (
                " The prediction interval straddles the claim: the answer depends on "
                "the platform or source."
            )
        rows.append(
            {
                "claim_id": cid,
                "title": claim.title,
                "dataset": POOLED,
                "platform": "all",
                "part": part,
                "evidence": "pooled: " + ", ".join(sorted(set(g["evidence"]))),
                "verdict": v,
                "direction": d,
                "estimand": str(g["estimand"].iloc[0]) + " (pooled, random effects)",
                "estimate": p.estimate,
                "ci_low": p.ci_low,
                "ci_high": p.ci_high,
                "claimed": claim.claimed if claim.claimed is not None else math.nan,
                "band_low": bnd[0] if POOLABLE[cid][2] == "band" else math.nan,
                "band_high": bnd[1] if POOLABLE[cid][2] == "band" else math.nan,
                "p_value": pv,
                "p_adjusted": math.nan,
                "flags": "; ".join(flags),
                "range_low": math.nan,
                "range_high": math.nan,
                "n_influencers": "",
                "n_posts": pd.NA,
                "rows_in": pd.NA,
                "accepted": pd.NA,
                "quarantined": pd.NA,
                "k": p.k,
                "tau2": p.tau2,
                "i2": p.i2,
                "pi_low": p.pi_low,
                "pi_high": p.pi_high,
                "sources": "; ".join(p.sources),
                "method": f"random effects ({p.method} tau2), modified Knapp-Hartung "
                f"interval, t with {p.k - 1} df; prediction interval "
                + ("t with k - 2 df" if p.k >= 3 else f"empty ({p.pi_reason})"),
                "definition": str(definition),
                "scheme": "",
                "reason": "" if p.k >= 3 else f"prediction interval {p.pi_reason}",
                "summary": summary,
            }
        )
        results[(cid, part)] = p
    return rows, results


def narrative(row: Mapping) -> str:
    """One plain paragraph from a pooled ledger row."""
    k = int(row["k"])
    est, lo, hi = (float(row[c]) for c in ("estimate", "ci_low", "ci_high"))
    verdict = row["verdict"] + (f" ({row['direction']})" if row.get("direction") else "")
    text = (
        f"{row['claim_id']}: pooled over {k} sources ({row['sources']}), the estimate is "
        f"{est:.3g} (95% CI {lo:.3g} to {hi:.3g}): {verdict}."
    )
    tau2, i2 = float(row["tau2"]), float(row["i2"])
    text += f" Between-source variance tau2 = {tau2:.3g} (I2 = {i2:.0%})."
    if k >= 3 and math.isfinite(float(row["pi_low"])):
        text += (
            f" A new dataset or source would likely give {float(row['pi_low']):.3g} to "
            f"{float(row['pi_high']):.3g} (95% prediction interval)."
        )
    else:
        text += " With two sources there is no prediction interval (needs k >= 3)."
    if "heterogeneous" in str(row.get("flags", "")):
        text += " The sources disagree about the claim: the answer depends on platform or source."
    return text


def parse_data_args(values: Sequence[str]) -> list[tuple[str, str]]:
    """``[(label, source)]`` of ``--data`` values: ``LABEL=PATH`` when the text before the
    first ``=`` is ``[A-Za-z0-9_-]+`` and the whole value is not an existing path or glob
    match (hive paths such as ``date=2024-01-01`` keep working); a plain value's label is
    its file name. Labels must be unique; ``pooled`` and ``benchmarks`` are reserved
    (``benchmarks`` alone adds the published library)."""
    import glob
    import re
    from pathlib import Path

    out, seen = [], set()
    for v in values:
        v = str(v)
        m = re.match(r"^([A-Za-z0-9_-]+)=(.+)$", v)
        if m and not Path(v).exists() and not glob.glob(v):
            label, source = m.group(1), m.group(2)
        elif v == BENCHMARKS:
            label, source = BENCHMARKS, BENCHMARKS
        else:
            label, source = Path(v.rstrip("/")).name or v, v
            if label in RESERVED:
                label = f"{label}-data"
        if label in seen:
            raise UsageError(f"--data: the label {label!r} is used twice; give LABEL=PATH")
        if label == POOLED or (label == BENCHMARKS and source != BENCHMARKS):
            raise UsageError(f"--data: the label {label!r} is reserved")
        seen.add(label)
        out.append((label, source))
    return out


def analyse_all(
    datasets: Sequence[tuple[str, object]],
    *,
    benchmarks: bool = False,
    margin: tuple[float, float] = config.MARGIN,
    **settings,
) -> Synthesis:
    """Evaluate the claims on each ``(label, Dataset)`` and pool them (with the published
    library when ``benchmarks``)."""
    analyses = {label: analyse(ds, margin=margin, **settings) for label, ds in datasets}
    published = run_benchmark_ledger(margin=margin) if benchmarks else None
    return combine(analyses, published, margin=margin, settings=settings)


def combine(
    analyses: Mapping[str, Analysis], published=None, *, margin=config.MARGIN, settings=None
) -> Synthesis:
    """The combined ledger: every dataset's rows, the published rows, the pooled rows."""
    inputs = pool_inputs(analyses, published)
    rows, results = (
        pooled_rows(inputs, margin=margin)
        if len(analyses) + (published is not None) > 1
        else ([], {})
    )
    frames = [a.ledger for a in analyses.values()]
    if published is not None:
        frames.append(published)
    if rows:
        frames.append(Ledger.from_rows(rows))
    ledger = Ledger(
        adjust(Ledger.from_rows(pd.concat(frames, ignore_index=True).to_dict(orient="records")))
    )
    order = {c: i for i, c in enumerate(CLAIMS)}
    ledger = Ledger(
        ledger.assign(_o=ledger["claim_id"].map(order).fillna(len(order)))
        .sort_values(["_o"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    return Synthesis(dict(analyses), ledger, results, inputs, dict(settings or {}))


__all__ = [
    "BENCHMARKS",
    "POOLABLE",
    "POOLED",
    "PUBLISHED",
    "Synthesis",
    "analyse_all",
    "combine",
    "narrative",
    "parse_data_args",
    "pool_inputs",
    "pooled_rows",
    "row_variance",
]
