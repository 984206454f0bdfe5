"""Trends across ordered tiers: rank correlation and adjacent-tier comparisons.

Examples
--------
>>> from influtiers.evidence import influencer_table
>>> from influtiers.stats.simulate import simulate_posts
>>> posts, _ = simulate_posts(tiers={"nano": 60, "micro": 60}, tier_ratio={"nano": 2.0}, seed=8)
>>> tier_trend(influencer_table(posts)).verdict
'supported'
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as st
from statsmodels.stats.multitest import multipletests

from ..config import ALPHA
from ..tiers import ABOVE, BELOW
from ._data import definition_label
from .multiple import holm, holm_reject
from .results import InsufficientData, StatResult, check_sizes, handle_insufficient

TREND_VERDICTS = ("supported", "contradicted", "inconclusive")


def _trend_ci(r, n, method, confidence):
    z = st.norm.ppf(0.5 + confidence / 2)
    if n <= 4 or abs(r) >= 1:
        return (math.nan, math.nan)
    se = math.sqrt((1 + r**2 / 2) / (n - 3)) if method == "spearman" else math.sqrt(0.437 / (n - 4))
    zr = math.atanh(r)
    return (math.tanh(zr - z * se), math.tanh(zr + z * se))


def tier_trend(
    table: pd.DataFrame,
    value: str = "rate_median",
    order=None,
    *,
    group: str = "tier",
    method: str = "spearman",
    pairwise: str = "mannwhitney",
    adjust: str = "holm",
    alpha: float = ALPHA,
    confidence: float = 1 - ALPHA,
    insufficient: str = "raise",
) -> StatResult:
    """Does ``value`` decline across ordered tiers?

    ``estimate`` is Spearman's rho (or Kendall's tau-b, ``method="kendall"``)
    between influencer ``value`` and tier rank, with a Fisher-z interval
    (Bonett-Wright SE for rho, Fieller-Hartley-Pearson for tau). Adjacent tiers are
    compared by Mann-Whitney (``pairwise="mannwhitney"``) or Welch t on logs
    (``"welch-log"``), p-values adjusted by ``adjust`` (``"holm"`` or ``"fdr_bh"``,
    :func:`statsmodels.stats.multitest.multipletests`): ``details["pairs"]``.

    ``order`` defaults to the ordered categories of ``group`` present in the data
    (``below``/``above`` left out). Tiers with fewer than 10 influencers are
    dropped with a flag; fewer than two tiers left raises :class:`InsufficientData`.

    Verdict for "declines across tiers": ``supported`` (negative correlation,
    p < alpha), ``contradicted`` (positive, p < alpha), ``inconclusive``.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, _ = simulate_posts(tiers={"nano": 60, "micro": 60, "macro": 60},
    ...                           tier_ratio={"nano": 2.0, "micro": 1.4}, seed=8)
    >>> r = tier_trend(influencer_table(posts))
    >>> r.verdict, [p["reject"] for p in r.details["pairs"]]
    ('supported', [True, True])
    """
    if method not in ("spearman", "kendall"):
        raise ValueError("method must be 'spearman' or 'kendall'")
    if pairwise not in ("mannwhitney", "welch-log"):
        raise ValueError("pairwise must be 'mannwhitney' or 'welch-log'")

    def run():
        col = table[group]
        if order is None:
            cats = (
                list(col.cat.categories)
                if isinstance(col.dtype, pd.CategoricalDtype)
                else sorted(col.dropna().unique())
            )
            levels = [c for c in cats if c not in (BELOW, ABOVE)]
        else:
            levels = list(order)
        v = pd.to_numeric(table[value], errors="coerce")
        flags = []
        kept, vals = [], []
        g = col.astype("object")
        for lev in levels:
            x = v[(g == lev).to_numpy()].dropna().to_numpy(float)
            if len(x) == 0:
                continue
            if len(x) < 10:
                flags.append(f"tier {lev!r} dropped: {len(x)} influencers (need 10)")
                continue
            kept.append(lev)
            vals.append(x)
        if len(kept) < 2:
            raise InsufficientData(
                "fewer than two tiers with at least 10 influencers",
                sizes={str(k): len(x) for k, x in zip(kept, vals, strict=True)},
            )
        sizes = {str(k): len(x) for k, x in zip(kept, vals, strict=True)}
        flags += check_sizes(sizes)
        rank = np.concatenate([np.full(len(x), i) for i, x in enumerate(vals)])
        allv = np.concatenate(vals)
        if method == "spearman":
            r, p = st.spearmanr(rank, allv)
        else:
            r, p = st.kendalltau(rank, allv, variant="b")
        r, p = float(r), float(p)
        lo, hi = _trend_ci(r, len(allv), method, confidence)
        pairs = []
        for (l1, x1), (l2, x2) in zip(
            zip(kept, vals, strict=True), zip(kept[1:], vals[1:], strict=True), strict=False
        ):
            if pairwise == "mannwhitney":
                s, pp = st.mannwhitneyu(x2, x1, alternative="two-sided")
                ratio = float(np.median(x2) / np.median(x1)) if np.median(x1) else math.nan
            else:
                a2, a1 = x2[x2 > 0], x1[x1 > 0]
                s, pp = st.ttest_ind(np.log(a2), np.log(a1), equal_var=False)
                ratio = float(np.exp(np.log(a2).mean() - np.log(a1).mean()))
            pairs.append(
                {
                    "from": str(l1),
                    "to": str(l2),
                    "n_from": len(x1),
                    "n_to": len(x2),
                    "ratio": ratio,
                    "statistic": float(s),
                    "p_raw": float(pp),
                }
            )
        p_raw = np.array([q["p_raw"] for q in pairs], float)
        if adjust == "holm" and np.all(np.isfinite(p_raw)):  # the same, without a gc pass
            rej, padj = holm_reject(p_raw, alpha), holm(p_raw)
        else:
            rej, padj, _, _ = multipletests(p_raw, alpha=alpha, method=adjust)
        for q, rj, pa in zip(pairs, rej, padj, strict=True):
            q["p_adj"] = float(pa)
            q["reject"] = bool(rj)
            q["direction"] = "down" if q["ratio"] < 1 else "up"
        if p < alpha and r < 0:
            verdict = "supported"
        elif p < alpha and r > 0:
            verdict = "contradicted"
        else:
            verdict = "inconclusive"
        n_posts = {}
        if "n_posts" in table:
            for lev in kept:
                n_posts[str(lev)] = int(table.loc[(g == lev).to_numpy(), "n_posts"].sum())
        stat_name = "Spearman rho" if method == "spearman" else "Kendall tau-b"
        ratio_name = "ratio of medians" if pairwise == "mannwhitney" else "ratio of geometric means"
        return StatResult(
            test="tier_trend",
            estimate=r,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            statistic={method: r},
            p_value=p,
            p_values={f"{q['from']}->{q['to']}": q["p_adj"] for q in pairs},
            n_influencers=sizes,
            n_posts=n_posts,
            definition=definition_label(table),
            method=f"{stat_name} of {value} with tier rank (Fisher-z CI); adjacent tiers by "
            f"{'Mann-Whitney' if pairwise == 'mannwhitney' else 'Welch t on logs'}, "
            f"{adjust} adjusted; pair effect = {ratio_name}",
            unit="influencer",
            estimand=f"rank correlation of influencer {value} with tier order {kept}",
            claim=f"{value} declines across tiers {' > '.join(map(str, kept))}",
            verdict=verdict,
            flags=tuple(flags),
            details={
                "order": [str(k) for k in kept],
                "pairs": pairs,
                "all_steps_decline": all(q["reject"] and q["direction"] == "down" for q in pairs),
            },
        )

    return handle_insufficient("tier_trend", insufficient, run)
