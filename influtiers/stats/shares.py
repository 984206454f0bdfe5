"""Shares of posts over influencers: a ratio of sums with a cluster bootstrap.

The share of a tier's priced posts that cost over a threshold is ``sum_i k_i / sum_i n_i``
(``k_i`` of influencer ``i``'s ``n_i`` priced posts are over it). Posts are nested in
influencers, so the interval resamples influencers (with their posts), not posts.

Examples
--------
>>> import numpy as np
>>> r = share_ci(np.array([1, 0, 2, 0, 0, 1, 0, 0, 0, 3, 0, 1]),
...              np.array([2, 1, 2, 1, 3, 1, 1, 2, 1, 3, 1, 2]), seed=1)
>>> round(r.estimate, 3), r.ci_low < r.estimate < r.ci_high
(0.4, True)
"""

from __future__ import annotations

import numpy as np

from ..config import ALPHA, N_RESAMPLES, SEED
from .bootstrap import CHUNK_ELEMS
from .results import StatResult, check_sizes, handle_insufficient


def share_ci(
    numerator,
    denominator,
    *,
    confidence: float = 1 - ALPHA,
    n_resamples: int = N_RESAMPLES,
    seed=SEED,
    label: str = "share",
    insufficient: str = "raise",
) -> StatResult:
    """``sum(numerator) / sum(denominator)`` over influencers with a percentile cluster
    bootstrap (influencers resampled with replacement; the 90% interval from the same
    replicates is in ``details["ci90"]``)."""

    def run():
        k = np.asarray(numerator, float)
        n = np.asarray(denominator, float)
        ok = n > 0
        k, n = k[ok], n[ok]
        flags = check_sizes({label: len(n)})
        est = float(k.sum() / n.sum())
        rng = np.random.default_rng(seed)
        m = len(n)
        reps = np.empty(n_resamples)
        step = max(1, CHUNK_ELEMS // m)
        for s in range(0, n_resamples, step):
            c = min(step, n_resamples - s)
            idx = rng.integers(0, m, size=(c, m), dtype=np.int32)
            reps[s : s + c] = k[idx].sum(axis=1) / n[idx].sum(axis=1)
        a = (1 - confidence) / 2
        lo, hi = (float(v) for v in np.quantile(reps, [a, 1 - a]))
        lo90, hi90 = (float(v) for v in np.quantile(reps, [a * 2, 1 - a * 2]))
        return StatResult(
            test="share",
            estimate=est,
            ci_low=lo,
            ci_high=hi,
            confidence=confidence,
            n_influencers={label: m},
            n_posts={label: int(n.sum())},
            method=f"ratio of sums over influencers, cluster bootstrap ({n_resamples} "
            "resamples of influencers, percentile interval)",
            estimand=label,
            flags=tuple(flags),
            details={"ci90": [lo90, hi90], "numerator": float(k.sum()), "seed": seed},
        )

    return handle_insufficient("share", insufficient, run)


__all__ = ["share_ci"]
