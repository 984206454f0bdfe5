"""Coverage of every lift interval (run by hand; writes bench/results/coverage.csv).

True ratio 1.5 for every estimand (see tests/test_stats_lift.py for why).
GLM intervals: ``wald-cr1-z`` (CR1 sandwich, normal quantiles; ``small_sample=False``)
and ``wald-cv3-t`` (CV3 cluster jackknife, t(G - 1); the default).
Usage: python bench/coverage_study.py [replicates] [influencers per tier] [posts each]
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from influtiers.stats.bootstrap import bootstrap_ratio
from influtiers.stats.lift import glm_rate_ratio
from influtiers.stats.simulate import fast_rates, simulate_posts

TRUE = 1.5


def run(reps=2000, n=60, k=10, B=2000):
    hits = {}
    for i in range(reps):
        posts, truth = simulate_posts(
            tiers={"micro": n, "macro": n},
            tier_ratio={"micro": TRUE},
            posts_per_influencer=k,
            price_per_follower=None,
            seed=50_000 + i,
        )
        inf = truth["influencers"]
        prepared = pd.DataFrame(
            {
                "cluster": posts["account_id"].to_numpy(),
                "tier": np.repeat(inf["tier"].to_numpy(), inf["n_posts"].to_numpy()),
                "engagement": (posts["likes"] + posts["comments"]).to_numpy(),
                "exposure": posts["followers"].to_numpy(),
            }
        )
        for fam in ("poisson", "negbin"):
            for small, iv in ((False, "wald-cr1-z"), (True, "wald-cv3-t")):
                r = glm_rate_ratio(
                    posts, "micro", "macro", family=fam, prepared=prepared, small_sample=small
                )
                hits.setdefault((f"glm-{fam}", iv), []).append(r.ci_low <= TRUE <= r.ci_high)
        fr = fast_rates(posts)
        tier = inf["tier"].to_numpy()
        for m, col, stat in (
            ("bootstrap-mean", "rate_mean", "mean"),
            ("bootstrap-median", "rate_mean", "median"),
            ("median-ratio", "rate_median", "median"),
        ):
            v = fr[col].to_numpy()
            ivs = ("percentile", "bca", "studentized") if stat == "mean" else ("percentile", "bca")
            for iv in ivs:
                b = bootstrap_ratio(
                    v[tier == "micro"],
                    v[tier == "macro"],
                    stat=stat,
                    interval=iv,
                    n_resamples=B,
                    seed=i,
                )
                hits.setdefault((m, iv), []).append(b.ci_low <= TRUE <= b.ci_high)
    rows = []
    for (m, iv), h in hits.items():
        c = float(np.mean(h))
        rows.append(
            {
                "method": m,
                "interval": iv,
                "coverage": c,
                "mc_se": float(np.sqrt(c * (1 - c) / reps)),
                "replicates": reps,
                "n_per_tier": n,
                "posts_per_influencer": k,
                "true_ratio": TRUE,
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    df = run(*args)
    out = Path(__file__).parent / "results" / "coverage.csv"
    out.parent.mkdir(exist_ok=True)
    df.to_csv(out, index=False)
    print(df.to_string(index=False))
