"""Paths and defaults, in one place: every module imports them from here.

Paths are resolved from the package (``data/`` and ``notebooks/`` next to the
``influtiers`` package in a source checkout or an editable install), never typed by users.

>>> SEED, MARGIN, ALPHA, N_RESAMPLES
(20261125, (0.8, 1.25), 0.05, 2000)
"""

from __future__ import annotations

from pathlib import Path

#: The source checkout (the folder that holds ``influtiers/``, ``data/``, ``notebooks/``).
REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
DEMO_PATH = DATA_DIR / "demo" / "panel.parquet"
BENCHMARKS_DIR = DATA_DIR / "benchmarks"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"
#: The five source articles (a sibling checkout ``../shared/seeds``; absent on a user's machine).
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"

#: Seed of every random step unless one is given.
SEED = 20261125
#: Equivalence margin on the ratio scale (TOST, and the default tolerance band of a claimed
#: value: claimed / 1.25 to claimed x 1.25).
MARGIN = (0.8, 1.25)
#: Significance level; intervals are at 1 - ALPHA (and 1 - 2 ALPHA for TOST).
ALPHA = 0.05
#: Bootstrap resamples (and Monte Carlo draws where a test says so).
N_RESAMPLES = 2000
#: Influencers in the smaller group from which the ``"auto"`` intervals of a ratio of
#: means or medians are large-sample ones (jackknife-t; order-statistic SE of the log
#: median) instead of bootstrap ones: there the bootstrap adds cost, not accuracy
#: (:mod:`influtiers.stats.bootstrap`, tests/test_stats_large_sample.py).
LARGE_SAMPLE = 2000
#: Engagement definition of the claims unless one is given.
DEFINITION = "er_followers"
#: Tier scheme of the commands and studies unless one is given (claims keep their own).
DEFAULT_SCHEME = "highsocial-2024"
#: Currency of the cost claims.
CURRENCY = "USD"
#: Accepted posts per hash partition of the evidence pass (DuckDB): above this the
#: influencers are aggregated in disjoint partitions of ``account_id``, one after the other,
#: so the per-influencer medians never hold more than this many values at once (a 100M-post
#: input then fits a 3 GB memory limit).
PARTITION_ROWS = 20_000_000
#: Notebooks run in parallel by ``reproduce`` when ``--jobs`` is not given: one per CPU, at
#: most this many...
MAX_JOBS = 4
#: ...and one at a time when a dataset has this many influencers or more: each notebook
#: kernel holds its own evidence tables (about 1.6 KB per influencer: 3.2 GB for the
#: largest study at 2M influencers), so parallel kernels would multiply that.
SERIAL_INFLUENCERS = 500_000
#: From this many influencers the claims hand freed memory back to the system after each
#: ledger row (a garbage collection and a heap trim: 0.1-0.3 s each there). Without it,
#: the memory the allocators kept crept up by 1.4 GB over the claims on 2M influencers.
RELEASE_INFLUENCERS = 500_000
#: Share cut at each end for an influencer's trimmed-mean rate.
TRIM = 0.1
#: Prices the evidence counts posts over (``cost_over_<t>_n``): C08's $10,000.
PRICE_THRESHOLDS = (10_000,)
