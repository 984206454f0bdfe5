"""Equivalence of two tiers on the ratio scale (two one-sided tests, TOST).

The question "is tier A's engagement rate the same as tier B's, within a
margin?" is answered on the log scale of influencer-level rates: the estimate is
the ratio of geometric means ``gm(A) / gm(B)`` with a ``1 - 2 alpha`` interval,
and TOST tests ``low < ratio < upp``. The computation is
:func:`statsmodels.stats.weightstats.ttost_ind` with ``transform=np.log``.

Verdicts
--------
``equivalent``    TOST rejects at ``alpha`` (the ``1-2 alpha`` CI lies inside the margin);
``different``     the two-sided test rejects at ``alpha`` AND the ``1-2 alpha`` CI lies
                  entirely outside the margin;
``inconclusive``  otherwise;
``not-testable``  fewer than 10 influencers with a positive rate in a group.

The result's interval is the ``1 - 2 alpha`` (90%) interval, also in ``details["ci90"]``;
``details["ci95"]`` is the ``1 - alpha`` (95%) interval of the same t computation (the
ledger's band rule uses both). Coverage of the 90% interval of ``usevar="pooled"`` on log
influencer median rates (C02): 0.895-0.907 at 10v10 to 200v200 and 12v80, the 95%
interval 0.944-0.955 (bench/results/coverage.csv; t on log rates is close to exact here).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(3)
>>> x, y = rng.lognormal(-3.5, 0.6, 200), rng.lognormal(-3.5, 0.6, 200)
>>> r = equivalence_test_arrays(x, y, margin=(0.8, 1.25))
>>> r.verdict, round(r.estimate, 3), round(r.ci_low, 3), round(r.ci_high, 3)
('equivalent', 1.017, 0.921, 1.124)
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttost_ind

from ..config import ALPHA, MARGIN
from ._data import definition_label, group_values
from .results import StatResult, check_sizes, handle_insufficient

VERDICTS = ("equivalent", "different", "inconclusive", "not-testable")


def _margin(margin) -> tuple[float, float]:
    if np.isscalar(margin):
        m = float(margin)
        if m <= 0 or m == 1:
            raise ValueError("a scalar margin must be a positive ratio other than 1")
        lo, hi = (1 / m, m) if m > 1 else (m, 1 / m)
    else:
        lo, hi = (float(v) for v in margin)
    if not 0 < lo < 1 < hi:
        raise ValueError(f"margin must satisfy 0 < low < 1 < upp on the ratio scale, got {margin}")
    return lo, hi


def _tost(
    x,
    y,
    *,
    labels=("a", "b"),
    margin=MARGIN,
    alpha: float = ALPHA,
    usevar: str = "pooled",
    definition: str = "",
    n_posts=None,
    value: str = "value",
) -> StatResult:
    lo, hi = _margin(margin)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    excl = {labels[0]: int(np.sum(x <= 0)), labels[1]: int(np.sum(y <= 0))}
    x, y = x[x > 0], y[y > 0]
    sizes = {labels[0]: len(x), labels[1]: len(y)}
    flags = check_sizes(sizes)
    if any(excl.values()):
        flags.append(
            "non-positive rates excluded from the log scale: "
            + ", ".join(f"{v} in {k!r}" for k, v in excl.items() if v)
        )
    p_tost, (t1, p1, df1), (t2, p2, df2) = ttost_ind(x, y, lo, hi, usevar=usevar, transform=np.log)
    lx, ly = np.log(x), np.log(y)
    cm = CompareMeans(DescrStatsW(lx, ddof=0), DescrStatsW(ly, ddof=0))
    d_lo, d_hi = cm.tconfint_diff(alpha=2 * alpha, usevar=usevar)
    d95 = cm.tconfint_diff(alpha=alpha, usevar=usevar)
    t_two, p_two, df_two = cm.ttest_ind(usevar=usevar)
    est = float(np.exp(lx.mean() - ly.mean()))
    c_lo, c_hi = float(np.exp(d_lo)), float(np.exp(d_hi))
    if p_tost < alpha:
        verdict = "equivalent"
    elif p_two < alpha and (c_hi < lo or c_lo > hi):
        verdict = "different"
    else:
        verdict = "inconclusive"
    return StatResult(
        test="equivalence",
        estimate=est,
        ci_low=c_lo,
        ci_high=c_hi,
        confidence=1 - 2 * alpha,
        statistic={
            "t_lower": float(t1),
            "t_upper": float(t2),
            "df": float(df1),
            "t_diff": float(t_two),
        },
        p_value=float(p_tost),
        p_values={
            "lower": float(p1),
            "upper": float(p2),
            "tost": float(p_tost),
            "two_sided": float(p_two),
        },
        n_influencers=sizes,
        n_posts=dict(n_posts or {}),
        n_excluded=excl,
        definition=definition,
        method=f"TOST on log {value} "
        f"({'equal-variance' if usevar == 'pooled' else 'Welch'} t), "
        f"{round(100 * (1 - 2 * alpha), 1):g}% t interval",
        unit="influencer",
        estimand=f"ratio of geometric means of {value}, {labels[0]} / {labels[1]}",
        claim=f"{labels[0]} and {labels[1]} are equivalent within a ratio of [{lo:g}, {hi:g}]",
        verdict=verdict,
        flags=tuple(flags),
        details={
            "margin": [lo, hi],
            "alpha": alpha,
            "usevar": usevar,
            "ci90": [c_lo, c_hi],
            "ci95": [float(np.exp(d95[0])), float(np.exp(d95[1]))],
        },
    )


def equivalence_test_arrays(
    x,
    y,
    *,
    margin=MARGIN,
    alpha: float = ALPHA,
    usevar: str = "pooled",
    labels=("x", "y"),
    definition: str = "",
    insufficient: str = "raise",
) -> StatResult:
    """TOST of ``gm(x) / gm(y)`` within ``margin`` from two arrays of positive rates.

    Non-positive values are excluded and counted in ``n_excluded`` (and flagged).

    >>> r = equivalence_test_arrays([0.02] * 5 + [0.03] * 10, [0.02] * 6 + [0.03] * 9)
    >>> r.verdict
    'equivalent'
    """
    return handle_insufficient(
        "equivalence",
        insufficient,
        _tost,
        x,
        y,
        labels=tuple(str(v) for v in labels),
        margin=margin,
        alpha=alpha,
        usevar=usevar,
        definition=definition,
    )


def equivalence_test(
    table,
    a,
    b,
    *,
    value: str = "rate_median",
    group: str = "tier",
    margin=MARGIN,
    alpha: float = ALPHA,
    usevar: str = "pooled",
    insufficient: str = "raise",
) -> StatResult:
    """Is group ``a`` equivalent to group ``b`` within ``margin`` (ratio of geometric means)?

    ``table`` is an influencer table (:func:`influtiers.evidence.influencer_table`);
    one influencer is one observation. ``margin`` is ``(low, upp)`` on the ratio
    scale or one number ``m`` meaning ``(1/m, m)``.

    Worked example: nano vs micro on simulated data where they truly are the same.

    >>> from influtiers.evidence import influencer_table
    >>> from influtiers.stats.simulate import simulate_posts
    >>> posts, truth = simulate_posts(tiers={"nano": 150, "micro": 150}, seed=1)
    >>> r = equivalence_test(influencer_table(posts), "nano", "micro")
    >>> r.verdict, r.n_influencers
    ('equivalent', {'nano': 150, 'micro': 150})
    """

    def run():
        x, y, _, posts = group_values(table, a, b, value, group)
        return _tost(
            x,
            y,
            labels=(str(a), str(b)),
            margin=margin,
            alpha=alpha,
            usevar=usevar,
            definition=definition_label(table),
            n_posts=posts,
            value=value,
        )

    return handle_insufficient("equivalence", insufficient, run)
