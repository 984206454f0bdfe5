"""Time the vectorised cluster bootstrap against scipy.stats.bootstrap (run by hand).

Statistic: ratio of means of two groups of 20,000 influencers each, 2,000 resamples.
Usage: python bench/bench_bootstrap.py
"""

import time

import numpy as np
from scipy import stats

from influtiers.stats.bootstrap import bootstrap_ratio


def main(n=20_000, B=2_000):
    rng = np.random.default_rng(0)
    x, y = rng.lognormal(-3.3, 0.6, n), rng.lognormal(-3.5, 0.6, n)

    def stat(a, b, axis=-1):
        return a.mean(axis=axis) / b.mean(axis=axis)

    for ours_iv, sp_iv in (("percentile", "percentile"), ("bca", "BCa")):
        t = time.perf_counter()
        o = bootstrap_ratio(x, y, interval=ours_iv, n_resamples=B, seed=1)
        t_ours = time.perf_counter() - t
        t = time.perf_counter()
        s = stats.bootstrap((x, y), stat, n_resamples=B, method=sp_iv, rng=1, batch=100)
        t_sp = time.perf_counter() - t
        ci = s.confidence_interval
        print(
            f"{ours_iv:10s} n={n} per group, B={B}: influtiers {t_ours:.2f}s "
            f"[{o.ci_low:.4f}, {o.ci_high:.4f}]  scipy {t_sp:.2f}s [{ci.low:.4f}, {ci.high:.4f}]"
            f"  ratio scipy/influtiers = {t_sp / t_ours:.1f}x"
        )


if __name__ == "__main__":
    main()
