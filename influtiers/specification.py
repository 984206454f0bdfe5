"""How much does an answer depend on analytic choices?

:func:`specification_curve` estimates the micro/macro (or any tier pair) rate ratio
under every reasonable combination of choices — tier scheme, engagement
definition, unit and aggregation — so a reader sees the spread of answers, not
one hand-picked number. :func:`scheme_sensitivity` is the one-dimensional
version over tier schemes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import stats
from .config import N_RESAMPLES, SEED
from .metrics import get_definition, usable_definition
from .tiers import SCHEMES, get_scheme

#: (label, unit, method, influencer-level column) of each aggregation choice.
AGGREGATION_CHOICES = (
    ("mean of influencer mean rates", "influencer", "bootstrap-mean", "rate_mean"),
    ("median of influencer mean rates", "influencer", "bootstrap-median", "rate_mean"),
    ("mean of influencer median rates", "influencer", "bootstrap-mean", "rate_median"),
    ("median of influencer median rates", "influencer", "bootstrap-median", "rate_median"),
    ("mean of influencer trimmed-mean rates", "influencer", "bootstrap-mean", "rate_trimmed"),
    ("mean of influencer sum-ratio rates", "influencer", "bootstrap-mean", "rate_sum_ratio"),
    ("over posts, sum / sum (Poisson GLM)", "post", "glm-poisson", None),
)


def schemes_with(*tiers: str) -> list[str]:
    """Registered schemes that define every tier in ``tiers``."""
    return [n for n, s in SCHEMES.items() if all(t in s.tier_names for t in tiers)]


def specification_curve(
    evidence,
    a: str = "micro",
    b: str = "macro",
    *,
    schemes: Sequence[str] | None = None,
    definitions: Sequence[str] | None = None,
    aggregations=AGGREGATION_CHOICES,
    claimed: float | None = None,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ratio ``a``/``b`` under every combination of scheme × definition × aggregation.

    ``evidence`` is an :class:`~influtiers.evidence.Evidence`; ``definitions`` default to
    every definition it has.

    Returns one row per specification, sorted by estimate, with ``estimate``, ``ci_low``,
    ``ci_high`` (95%), group sizes, the choices, and — if ``claimed`` is given — whether
    the claim lies inside the interval. Specifications that cannot be estimated (too few
    influencers in a tier) are kept with ``status`` ``not-testable``.
    """
    schemes = list(schemes) if schemes is not None else schemes_with(a, b)
    definitions = list(definitions) if definitions is not None else evidence.definitions
    rows = []
    for sname in schemes:
        scheme = get_scheme(sname)
        for dname in definitions:
            d = get_definition(dname)
            table = evidence.table(d, scheme)
            table = table[table["n_rated"] > 0]
            for label, unit, method, col in aggregations:
                kw = dict(method=method, seed=seed)
                if col:
                    kw["value"] = col
                r = stats.rate_ratio(
                    table, a, b, n_resamples=n_resamples, insufficient="return", **kw
                )
                rows.append(
                    {
                        "scheme": sname,
                        "definition": dname,
                        "definition_label": d.label,
                        "aggregation": label,
                        "unit": unit,
                        "method": method,
                        "estimate": r.estimate,
                        "ci_low": r.ci_low,
                        "ci_high": r.ci_high,
                        f"n_{a}": r.n_influencers.get(a, 0),
                        f"n_{b}": r.n_influencers.get(b, 0),
                        "status": "not-testable" if r.verdict == "not-testable" else "ok",
                    }
                )
    out = pd.DataFrame(rows)
    if claimed is not None and len(out):
        out["claim_inside_ci"] = (out["ci_low"] <= claimed) & (claimed <= out["ci_high"])
    out = out.sort_values(["estimate", "scheme", "definition", "aggregation"], na_position="last")
    out = out.reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def summarise_curve(curve: pd.DataFrame, claimed: float | None = None) -> dict:
    """Median, range and share of specifications above 1 (and containing the claim)."""
    ok = curve[curve["status"] == "ok"]
    out = {
        "specifications": int(len(curve)),
        "estimable": int(len(ok)),
        "median_estimate": float(ok["estimate"].median()) if len(ok) else np.nan,
        "min_estimate": float(ok["estimate"].min()) if len(ok) else np.nan,
        "max_estimate": float(ok["estimate"].max()) if len(ok) else np.nan,
        "share_ci_above_1": float((ok["ci_low"] > 1).mean()) if len(ok) else np.nan,
        "share_ci_below_1": float((ok["ci_high"] < 1).mean()) if len(ok) else np.nan,
    }
    if claimed is not None and len(ok):
        out["share_ci_contains_claim"] = float(
            ((ok["ci_low"] <= claimed) & (claimed <= ok["ci_high"])).mean()
        )
    return out


def scheme_sensitivity(
    evidence,
    a: str = "micro",
    b: str = "macro",
    *,
    schemes: Sequence[str] | None = None,
    definition=None,
    value: str = "rate_median",
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> pd.DataFrame:
    """The tier comparison under each scheme: group sizes, tier medians and the ratio of
    tier medians of influencer rates with a cluster-bootstrap 95% interval."""
    rows = []
    for sname in schemes if schemes is not None else schemes_with(a, b):
        t = evidence.table(usable_definition(evidence.definitions, definition), sname)
        r = stats.rate_ratio(
            t,
            a,
            b,
            method="bootstrap-median",
            value=value,
            n_resamples=n_resamples,
            seed=seed,
            insufficient="return",
        )
        med = t.groupby("tier", observed=True)[value].median()
        rows.append(
            {
                "scheme": sname,
                f"n_{a}": int((t["tier"] == a).sum()),
                f"n_{b}": int((t["tier"] == b).sum()),
                f"{a}_median_rate": float(med.get(a, np.nan)),
                f"{b}_median_rate": float(med.get(b, np.nan)),
                "ratio": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
            }
        )
    return pd.DataFrame(rows)
