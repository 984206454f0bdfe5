"""Portfolio risk: one budget spent on macro-influencers or on many micro-influencers.

For each simulation, influencers are drawn at random (with replacement) from a
tier of the influencer table and booked in that order while the budget lasts
(or exactly ``n_macro`` macro influencers); each booked influencer makes one post
whose engagement is a gamma draw with the influencer's mean engagement and
coefficient of variation ``post_cv``. Prices are the influencer's mean
``cost`` per post (``cost_sum / cost_n`` in the table) where known, else
``price_per_post(followers)``.

Examples
--------
>>> from influtiers.evidence import influencer_table
>>> from influtiers.stats.simulate import simulate_posts
>>> posts, _ = simulate_posts(tiers={"micro": 200, "macro": 60}, seed=1)
>>> r = portfolio_risk(influencer_table(posts), 20_000, target=20_000, seed=1)
>>> r.table.set_index("strategy")["cv"].round(2).to_dict()
{'macro (fill budget)': 0.49, 'micro (fill budget)': 0.17}
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import ALPHA, SEED
from ._data import definition_label
from .results import InsufficientData, check_sizes, jsonable

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_CHUNK = 4_000_000


def default_price(followers):
    """Default price per post: 10 per 1,000 followers (a common rule of thumb)."""
    return 0.01 * np.asarray(followers, dtype=float)


@dataclass(frozen=True)
class PortfolioResult:
    """Distribution of total engagement per strategy for one budget."""

    budget: float
    target: float
    table: pd.DataFrame
    n_sims: int
    seed: object
    method: str
    definition: str = ""
    unit: str = "influencer"
    flags: tuple[str, ...] = ()
    n_influencers: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict, repr=False)

    def totals_frame(self) -> pd.DataFrame:
        """The simulated campaign totals, one row per simulation and strategy."""
        if not self.totals:
            return pd.DataFrame({"strategy": [], "total_engagement": []})
        return pd.concat(
            [pd.DataFrame({"strategy": k, "total_engagement": v}) for k, v in self.totals.items()],
            ignore_index=True,
        )

    def cv_ratio(self, *, confidence: float = 1 - ALPHA, n_resamples: int = 1000, seed=SEED):
        """CV of the first strategy (macro) over the second (micro), with a bootstrap
        interval over the simulated totals (Monte Carlo uncertainty only)."""
        (_, a), (_, b) = list(self.totals.items())[:2]
        rng = np.random.default_rng(seed)

        def cv(x, axis=None):
            return x.std(axis=axis, ddof=1) / x.mean(axis=axis)

        est = float(cv(a) / cv(b))
        ia = rng.integers(0, len(a), (n_resamples, len(a)))
        ib = rng.integers(0, len(b), (n_resamples, len(b)))
        reps = cv(a[ia], axis=1) / cv(b[ib], axis=1)
        lo, hi = np.quantile(reps, [(1 - confidence) / 2, (1 + confidence) / 2])
        return est, float(lo), float(hi)

    def summary(self) -> str:
        if self.table.empty:
            return f"portfolio_risk: not testable ({'; '.join(self.flags)})."
        rows = []
        for _, r in self.table.iterrows():
            rows.append(
                f"{r['strategy']}: median total {r['median']:,.0f} (90% range {r['q05']:,.0f}–"
                f"{r['q95']:,.0f}, CV {r['cv']:.2f}), P(total < {self.target:,.0f}) = "
                f"{r['p_below_target']:.3f} with {r['mean_n_influencers']:.1f} influencers"
            )
        s = f"Budget {self.budget:,.0f}: " + "; ".join(rows) + "."
        if self.flags:
            s += " Flags: " + "; ".join(self.flags) + "."
        return s

    def to_dict(self) -> dict:
        return jsonable(
            {
                "test": "portfolio_risk",
                "budget": self.budget,
                "target": self.target,
                "table": self.table,
                "n_sims": self.n_sims,
                "seed": self.seed,
                "method": self.method,
                "definition": self.definition,
                "unit": self.unit,
                "flags": list(self.flags),
                "n_influencers": self.n_influencers,
                "totals": {k: np.asarray(v, float) for k, v in self.totals.items()},
            }
        )

    @classmethod
    def from_dict(cls, d) -> PortfolioResult:
        """The result a :meth:`to_dict` record describes."""
        return cls(
            budget=float(d["budget"]),
            target=float(d["target"]),
            table=pd.DataFrame(d["table"]),
            n_sims=int(d["n_sims"]),
            seed=d["seed"],
            method=d["method"],
            definition=d.get("definition", ""),
            unit=d.get("unit", "influencer"),
            flags=tuple(d.get("flags", ())),
            n_influencers=dict(d.get("n_influencers", {})),
            totals={k: np.asarray(v, float) for k, v in d.get("totals", {}).items()},
        )


def _prices(rows: pd.DataFrame, price_per_post) -> tuple[np.ndarray, int]:
    fb = (price_per_post or default_price)(rows["followers"].to_numpy(float))
    if "cost_sum" in rows and "cost_n" in rows:
        n = rows["cost_n"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(n > 0, rows["cost_sum"].to_numpy(float) / n, np.nan)
        ok = np.isfinite(c) & (c > 0)
        return np.where(ok, c, fb), int((~ok).sum())
    return np.asarray(fb, float), len(rows)


def _simulate(price, draw_eng, budget, n_fixed, n_sims, rng):
    """Totals, counts and spend per simulation for one strategy (vectorised in chunks)."""
    m = len(price)
    if n_fixed is not None:
        L = int(n_fixed)
    else:
        L = int(min(math.ceil(budget / price.min()) + 1, 100_000))
    tot = np.empty(n_sims)
    cnt = np.empty(n_sims)
    spend = np.empty(n_sims)
    step = max(1, _CHUNK // max(L, 1))
    for s in range(0, n_sims, step):
        k = min(step, n_sims - s)
        idx = rng.integers(0, m, size=(k, L))
        p = price[idx]
        take = np.ones_like(p, bool) if n_fixed is not None else np.cumsum(p, axis=1) <= budget
        e = draw_eng(idx)
        tot[s : s + k] = np.where(take, e, 0.0).sum(axis=1)
        cnt[s : s + k] = take.sum(axis=1)
        spend[s : s + k] = np.where(take, p, 0.0).sum(axis=1)
    return tot, cnt, spend


def portfolio_risk(
    table: pd.DataFrame,
    budget: float,
    *,
    macro_tier="macro",
    micro_tier="micro",
    n_macro: int | None = None,
    price_per_post: Callable | None = None,
    target: float | None = None,
    post_cv: float = 0.7,
    group: str = "tier",
    n_sims: int = 10_000,
    seed=SEED,
    insufficient: str = "raise",
) -> PortfolioResult:
    """Risk of total engagement for ``budget`` spent on macro vs micro influencers.

    Returns a :class:`PortfolioResult` whose ``table`` has one row per strategy
    with ``mean``, ``sd``, ``cv``, quantiles ``q05 ... q95``, ``p_below_target``
    (``P(total < target)``; default target: the macro strategy's median),
    ``mean_n_influencers`` and ``mean_spend``.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, _ = simulate_posts(tiers={"micro": 200, "macro": 60}, seed=1)
    >>> r = portfolio_risk(influencer_table(posts), 50_000, n_macro=1, seed=1)
    >>> list(r.table["strategy"])
    ['1 macro', 'micro (fill budget)']
    """
    rng = np.random.default_rng(seed)
    g = table[group].astype("object")
    flags: list[str] = []
    sizes = {}
    strategies = []
    for tier, fixed in ((macro_tier, n_macro), (micro_tier, None)):
        rows = table.loc[(g == tier).to_numpy()]
        rows = rows[np.isfinite(rows["engagement_mean"].to_numpy(float))]
        sizes[str(tier)] = len(rows)
        price, n_fb = _prices(rows, price_per_post)
        if n_fb:
            flags.append(f"{n_fb} {tier} prices from price_per_post(followers) (no cost data)")
        mean = rows["engagement_mean"].to_numpy(float)
        shape = 1 / post_cv**2

        def draw(idx, mean=mean, shape=shape):
            return mean[idx] * rng.gamma(shape, 1 / shape, size=idx.shape)

        how = f"gamma post engagement around the influencer mean (CV {post_cv:g})"
        if fixed is None and len(price) and price.min() > budget:
            flags.append(f"no {tier} influencer is affordable within the budget")
        strategies.append((tier, fixed, price, draw))
    try:
        check_sizes(sizes)
    except InsufficientData as e:
        if insufficient != "return":
            raise
        return PortfolioResult(
            budget=float(budget),
            target=float("nan"),
            table=pd.DataFrame(columns=["strategy", "tier", "mean", "sd", "cv", "p_below_target"]),
            n_sims=0,
            seed=seed,
            method="not run",
            flags=(f"not-testable: {e.detail}",),
            n_influencers=sizes,
        )
    out = []
    for tier, fixed, price, draw in strategies:
        tot, cnt, spend = _simulate(price, draw, budget, fixed, n_sims, rng)
        name = f"{fixed} {tier}" if fixed is not None else f"{tier} (fill budget)"
        q = np.quantile(tot, QUANTILES)
        m = tot.mean()
        out.append(
            {
                "strategy": name,
                "tier": str(tier),
                "mean": m,
                "sd": tot.std(ddof=1),
                "cv": tot.std(ddof=1) / m if m > 0 else math.nan,
                **{f"q{round(100 * p):02d}": v for p, v in zip(QUANTILES, q, strict=True)},
                "mean_n_influencers": cnt.mean(),
                "mean_spend": spend.mean(),
                "_tot": tot,
            }
        )
    tgt = (
        float(target)
        if target is not None
        else float(out[0]["median"] if "median" in out[0] else out[0]["q50"])
    )
    totals = {}
    for r in out:
        totals[r["strategy"]] = r["_tot"]
        r["p_below_target"] = float(np.mean(r.pop("_tot") < tgt))
        r["median"] = r["q50"]
    tab = pd.DataFrame(out)
    return PortfolioResult(
        budget=float(budget),
        target=tgt,
        table=tab,
        n_sims=n_sims,
        seed=seed,
        method=f"Monte Carlo ({n_sims} draws): influencers resampled within tier and booked "
        f"until the budget is spent; {how}",
        definition=definition_label(table),
        flags=tuple(flags),
        n_influencers=sizes,
        totals=totals,
    )
