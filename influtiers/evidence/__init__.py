"""Posts to evidence: the one step that grows with the data, as one SQL definition.

:func:`build_evidence` runs :func:`evidence_sql` on the accepted posts of a
:class:`~influtiers.load.Dataset` (DuckDB by default, the same text on Spark) and returns
an :class:`Evidence`: small pandas tables, one row per influencer, that every claim,
notebook and figure reads. Nothing after this step touches posts. With a sponsorship flag,
two statements make both influencer tables: one grouped by influencer and flag with every
sum, count and extreme (and the flag rows' ranks), which add up into the influencers'; one
with each influencer's ranks only (medians and trimmed means do not add up). This costs
less than a statement per table: at 10M posts, 4.5-4.8 s of queries instead of 5.9-6.4 s.

Evidence tables
---------------
``influencers`` (one row per ``platform``, ``account_id``; a missing platform is
``"unknown"``):
``followers`` (median over the influencer's posts: followers are taken as constant
within an influencer, and its median is used where they vary), ``followers_varies``,
``n_posts``, ``n_sponsored``, ``<count>_sum`` and ``<count>_n`` (sum and number of
non-missing values) of every count column, ``cost_sum``/``cost_n`` (posts priced in the
analysis currency, or with no currency), ``cost_other_n`` (posts priced in another
currency), ``cost_over_<t>_n`` (priced posts over each price of
``config.PRICE_THRESHOLDS``), ``<exposure>_priced_sum``/``_priced_n`` (exposure of the priced posts), and
for every engagement definition ``d`` whose columns the data have:

=========================  =====================================================
``d:engagement_n``         posts with engagement (every component present)
``d:engagement_sum``       sum of engagement over those posts
``d:engagement_sq_sum``    sum of squared engagement (post-level dispersion)
``d:n_rated``              posts with engagement and positive exposure
``d:rated_sum``            engagement summed over the rated posts
``d:exposure_sum``         exposure summed over the rated posts
``d:rate_mean``            mean of the rated posts' rates
``d:rate_median``          median rate (the middle one or two ranks)
``d:rate_trimmed``         trimmed mean: ``floor(trim * n)`` rates cut at each end,
                           as :func:`scipy.stats.trim_mean`
=========================  =====================================================

``by_sponsored``: the same, keyed by ``sponsored`` too (posts without the flag are left
out); its ``followers`` are the influencer's (from every post), so an influencer keeps one
tier. ``categories``: posts per influencer and content category. ``brands``: sponsored
posts per influencer and brand.

Written to a folder (:meth:`Evidence.write`, or streamed there one hash partition at a
time by ``build_evidence(..., out=folder)``, as ``influtiers reproduce`` does), the
evidence comes back with :meth:`Evidence.read`, which reads a table's columns when they
are first used: the base columns, and each definition's as it is asked for
(:meth:`Evidence.frame`). At 2M influencers every definition's tables hold about 4 GB;
a notebook reading one definition holds well under half of that.

Exactness
---------
A post-level Poisson model whose regressors are constant within an influencer (tier,
platform, log followers) has the same estimates and cluster-robust covariance as the
influencer-level model on these sums: a rate model (post offset ``log exposure``) is
the influencer model of ``d:rated_sum`` with offset ``log(d:exposure_sum)``; an
engagement model with no post offset is the model of ``d:engagement_sum`` with offset
``log(d:engagement_n)``. ``tests/test_evidence.py`` checks this to 1e-8.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"account_id": ["a", "a", "b"], "followers": [100.0, 100.0, 20000.0],
...                       "likes": [4.0, 8.0, 300.0], "comments": [1.0, 2.0, 0.0]})
>>> ev = build_evidence(posts)
>>> t = ev.table()
>>> t["account_id"].tolist(), t["tier"].tolist(), t["n_posts"].tolist()
(['a', 'b'], ['nano', 'micro'], [2, 1])
>>> t[["rate_mean", "rate_sum_ratio"]].round(4).values.tolist()
[[0.075, 0.075], [0.015, 0.015]]
"""

from __future__ import annotations

from .build import build_evidence, influencer_table
from .sql import (
    DEFINITION_STATS,
    DIALECTS,
    KEYS,
    SEP,
    TABLES,
    available_definitions,
    brand_sql,
    category_sql,
    evidence_sql,
    quoter,
)
from .tables import Evidence, rate_columns

__all__ = [
    "DEFINITION_STATS",
    "DIALECTS",
    "KEYS",
    "SEP",
    "TABLES",
    "Evidence",
    "available_definitions",
    "brand_sql",
    "build_evidence",
    "category_sql",
    "evidence_sql",
    "influencer_table",
    "quoter",
    "rate_columns",
]
