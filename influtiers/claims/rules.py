"""The decision rules that turn intervals into verdicts, stated once.

Band rule (a claimed value)
    The band around a claimed value ``c`` is ``[c x m_low, c x m_high]`` with the margin
    ``m`` (default ``config.MARGIN`` = 0.8, 1.25: ``c / 1.25`` to ``c x 1.25``; for a
    claimed ratio of 1 the band is the equivalence margin itself).

    * ``supported``: the 90% CI lies inside the band (closed: a bound on the band's edge
      is inside) — two one-sided tests at 5% (TOST);
    * ``contradicted``: the 95% CI lies entirely outside the band (strictly), with
      ``direction`` ``overstated`` (the data are below the band: the claim says more than
      the data) or ``understated`` (above);
    * ``inconclusive`` otherwise.

    On published aggregates (a point estimate, no interval) the same band gives
    ``consistent`` (the estimate is inside) or ``inconsistent``.

Directional rule (no number claimed)
    One-sided test against parity at alpha: ``supported`` when the one-sided test of the
    claimed direction rejects, ``contradicted`` when the one-sided test of the opposite
    direction rejects, ``inconclusive`` otherwise.

Multiplicity
    ``p_adjusted`` is Holm's adjustment over the data claims' headline rows of one dataset
    and platform (:func:`~influtiers.stats.multiple.holm`); it is reported, and the verdicts use the unadjusted
    intervals.

Examples
--------
>>> band(1.6)
(1.28, 2.0)
>>> band_verdict((1.55, 1.58), (1.54, 1.59), band(1.6))
('supported', '')
>>> band_verdict((1.05, 1.15), (1.03, 1.17), band(1.6))
('contradicted', 'overstated')
>>> band_verdict((1.05, 2.5), (1.0, 2.7), band(1.6))
('inconclusive', '')
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats as st

from .. import config
from ..stats.multiple import holm


def band(claimed: float, margin: Sequence[float] = config.MARGIN) -> tuple[float, float]:
    """The tolerance band around a claimed value."""
    lo, hi = (float(m) for m in margin)
    if not 0 < lo < 1 < hi:
        raise ValueError(f"margin must satisfy 0 < low < 1 < high, got {margin}")
    return (round(claimed * lo, 12), round(claimed * hi, 12))


def band_verdict(ci90, ci95, bnd) -> tuple[str, str]:
    """(verdict, direction) of the band rule for the 90% and 95% intervals."""
    lo90, hi90 = (float(v) for v in ci90)
    lo95, hi95 = (float(v) for v in ci95)
    blo, bhi = bnd
    if not all(math.isfinite(v) for v in (lo90, hi90, lo95, hi95)):
        return "inconclusive", ""
    if blo <= lo90 and hi90 <= bhi:
        return "supported", ""
    if hi95 < blo:
        return "contradicted", "overstated"
    if lo95 > bhi:
        return "contradicted", "understated"
    return "inconclusive", ""


def point_verdict(estimate: float, bnd) -> tuple[str, str]:
    """(verdict, direction) of a published point estimate against the band."""
    blo, bhi = bnd
    if not math.isfinite(estimate):
        return "inconsistent", ""
    if blo <= estimate <= bhi:
        return "consistent", ""
    return "inconsistent", "overstated" if estimate < blo else "understated"


def directional_verdict(p_claim: float, p_opposite: float, alpha: float = config.ALPHA) -> str:
    """The directional rule from the two one-sided p-values."""
    if math.isfinite(p_claim) and p_claim < alpha:
        return "supported"
    if math.isfinite(p_opposite) and p_opposite < alpha:
        return "contradicted"
    return "inconclusive"


def tost_p(log_estimate: float, se_log: float, bnd, df: float | None = None) -> float:
    """The TOST p-value of "the ratio lies in the band": the larger of the two one-sided
    p-values (t with ``df``, or normal), on the log scale."""
    if not (math.isfinite(log_estimate) and math.isfinite(se_log) and se_log > 0):
        return math.nan
    dist = st.t(df) if df and math.isfinite(df) else st.norm
    lo, hi = (math.log(b) for b in bnd)
    p_lower = float(dist.sf((log_estimate - lo) / se_log))
    p_upper = float(dist.cdf((log_estimate - hi) / se_log))
    return max(p_lower, p_upper)


def se_from_ci(
    lo: float, hi: float, confidence: float = 1 - config.ALPHA, df=None, log: bool = True
):
    """The SE a symmetric interval implies (on the log scale for ratios)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or (log and (lo <= 0 or hi <= 0)):
        return math.nan
    q = float((st.t(df) if df and math.isfinite(df) else st.norm).ppf(0.5 + confidence / 2))
    a, b = (math.log(lo), math.log(hi)) if log else (lo, hi)
    return (b - a) / (2 * q)


__all__ = [
    "band",
    "band_verdict",
    "directional_verdict",
    "holm",
    "point_verdict",
    "se_from_ci",
    "tost_p",
]
