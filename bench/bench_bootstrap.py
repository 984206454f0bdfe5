"""Time the vectorised cluster bootstrap against scipy.stats.bootstrap and the bare cost.

Statistic: ratio of means of two groups of 20,000 influencers each, 2,000 resamples,
percentile and BCa intervals. Three numbers per interval, best of ``--repeat`` runs:

* influtiers :func:`influtiers.stats.bootstrap.bootstrap_ratio`;
* ``scipy.stats.bootstrap(..., batch=100)`` at the same number of resamples;
* the bare cost of drawing and gathering the resample indices of both groups (the floor
  any resampling bootstrap pays): ``rng.integers`` into an index block and ``x[idx]``.

Targets (issue 10): influtiers no slower than scipy, and within 1.3x of the bare cost.
Usage: ``python bench/bench_bootstrap.py [--n 20000] [--B 2000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import stats

from influtiers.stats.bootstrap import CHUNK_ELEMS, bootstrap_ratio


def best(fn, repeat: int) -> tuple[float, object]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def bare(x, y, B: int, seed: int) -> float:
    """Draw and gather the indices of both groups in the bootstrap's chunks; no statistic."""
    rng = np.random.default_rng(seed)
    total = 0.0
    for v in (x, y):
        n = len(v)
        step = max(1, CHUNK_ELEMS // n)
        for s in range(0, B, step):
            k = min(step, B - s)
            idx = rng.integers(0, n, size=(k, n), dtype=np.int32)
            total += float(v[idx][0, 0])
    return total


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="influencers per group")
    ap.add_argument("--B", type=int, default=2_000, help="resamples")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x, y = rng.lognormal(-3.3, 0.6, a.n), rng.lognormal(-3.5, 0.6, a.n)

    def stat(u, v, axis=-1):
        return u.mean(axis=axis) / v.mean(axis=axis)

    t_bare, _ = best(lambda: bare(x, y, a.B, 1), a.repeat)
    print(f"n={a.n:,} per group, B={a.B:,}, best of {a.repeat}")
    print(f"  bare draw + gather (both groups): {t_bare:.3f} s")
    for ours_iv, sp_iv in (("percentile", "percentile"), ("bca", "BCa")):
        t_ours, o = best(
            lambda ours_iv=ours_iv: bootstrap_ratio(
                x, y, interval=ours_iv, n_resamples=a.B, seed=1
            ),
            a.repeat,
        )
        t_sp, s = best(
            lambda sp_iv=sp_iv: stats.bootstrap(
                (x, y), stat, n_resamples=a.B, method=sp_iv, rng=1, batch=100
            ),
            max(1, a.repeat // 2),
        )
        ci = s.confidence_interval
        print(
            f"  {ours_iv:10s} influtiers {t_ours:.3f} s [{o.ci_low:.5f}, {o.ci_high:.5f}]; "
            f"scipy {t_sp:.3f} s [{ci.low:.5f}, {ci.high:.5f}]; "
            f"influtiers/scipy {t_ours / t_sp:.2f}x (target <= 1); "
            f"influtiers/bare {t_ours / t_bare:.2f}x (target <= 1.3)"
        )


if __name__ == "__main__":
    main()
