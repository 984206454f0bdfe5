"""The shape of a quadratic in log followers: the Lind-Mehlum test and the Fieller set.

For ``log E[y] = b0 + b1 x + b2 x^2`` (``x`` centred log followers) the slope at ``x`` is
``b1 + 2 b2 x`` and the turning point is ``x* = -b1 / (2 b2)``.

* :func:`lind_mehlum`: Lind & Mehlum (2010) test of an inverted U on the data range
  ``[xl, xh]`` (H1: slope > 0 at ``xl`` and < 0 at ``xh``; the joint p-value is the larger
  of the two one-sided p-values), the mirror test of a U, and the monotone test (both end
  slopes significant one-sided with one sign).
* :func:`fieller_set`: the Fieller confidence set of ``x*``, the set of ``x`` where the
  slope is not significantly different from 0: a bounded interval, two rays, or the whole
  line (Fieller 1954; Lind & Mehlum 2010, section 3).

Examples
--------
>>> import numpy as np
>>> V = np.diag([0.0, 0.01, 0.0025])
>>> fieller_set(1.0, -0.5, V, 1.96).kind
'bounded'
>>> fieller_set(0.05, -0.01, V, 1.96).kind
'whole line'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def safe_exp(w: float) -> float:
    """``exp(w)`` that saturates instead of overflowing: ``inf`` above 700 (and for
    ``+inf``), 0 for ``-inf`` and NaN, ``exp(-700)`` at the bottom; turning points on the
    log-follower scale lie absurdly far out when a curve is nearly straight.

    >>> safe_exp(0.0), safe_exp(1e6), safe_exp(-1e6) > 0
    (1.0, inf, True)
    """
    if not math.isfinite(w) or w > 700:
        return math.inf if w > 0 else 0.0
    return math.exp(max(w, -700.0))


@dataclass(frozen=True)
class FiellerSet:
    """``{x: (b1 + 2 b2 x)^2 <= q^2 Var(b1 + 2 b2 x)}``: ``kind`` is ``"bounded"``
    (``[low, high]``), ``"two rays"`` (``(-inf, low] U [high, inf)``) or ``"whole line"``."""

    kind: str
    low: float = -math.inf
    high: float = math.inf

    def contains(self, x: float) -> bool:
        if self.kind == "whole line":
            return True
        if self.kind == "bounded":
            return self.low <= x <= self.high
        return x <= self.low or x >= self.high

    def inside(self, lo: float, hi: float) -> bool:
        """Whether the whole set lies in ``[lo, hi]``."""
        return self.kind == "bounded" and lo <= self.low and self.high <= hi

    def disjoint(self, lo: float, hi: float) -> bool:
        """Whether the set and ``[lo, hi)`` have no point in common."""
        if self.kind == "whole line":
            return False
        if self.kind == "bounded":
            return self.high < lo or self.low >= hi
        return self.low < lo and self.high >= hi

    def map(self, f) -> FiellerSet:
        """The set under an increasing map ``f`` (e.g. to followers)."""
        if self.kind == "whole line":
            return self
        return FiellerSet(self.kind, f(self.low), f(self.high))

    def describe(self, fmt=lambda v: f"{v:,.0f}") -> str:
        if self.kind == "whole line":
            return "the whole line (unbounded)"
        if self.kind == "bounded":
            return f"[{fmt(self.low)}, {fmt(self.high)}]"
        return f"up to {fmt(self.low)} or from {fmt(self.high)} (two rays)"


def fieller_set(b1: float, b2: float, V, q: float) -> FiellerSet:
    """Fieller set of ``x* = -b1 / (2 b2)`` at critical value ``q`` (``V`` the covariance
    of ``(b0, b1, b2)``)."""
    V = np.asarray(V, float)
    a2 = 4 * b2**2 - 4 * q**2 * V[2, 2]
    a1 = 4 * b1 * b2 - 4 * q**2 * V[1, 2]
    a0 = b1**2 - q**2 * V[1, 1]
    disc = a1**2 - 4 * a2 * a0
    if disc <= 0 or a2 == 0:
        # the quadratic a2 x^2 + a1 x + a0 never changes sign: <= 0 everywhere or nowhere;
        # x* always satisfies it when a2 < 0, so this is the whole line
        return FiellerSet("whole line")
    r = math.sqrt(disc)
    lo, hi = sorted(((-a1 - r) / (2 * a2), (-a1 + r) / (2 * a2)))
    return FiellerSet("bounded", lo, hi) if a2 > 0 else FiellerSet("two rays", lo, hi)


def lind_mehlum(b, V, dist, xl: float, xh: float) -> dict:
    """The Lind-Mehlum tests on ``[xl, xh]`` for coefficients ``b = (b0, b1, b2, ...)``
    with covariance ``V`` and reference distribution ``dist`` (scipy frozen t or normal).

    Returns the end slopes and their t statistics, ``p_inverted_u`` (LM), ``p_u`` (the
    mirror test), ``p_monotone`` (both end slopes one-sided significant with the sign of
    their estimate, the larger p) and the turning point ``xs`` with its delta-method SE.
    """
    b = np.asarray(b, float)
    V = np.asarray(V, float)

    def slope(x0):
        g = np.zeros(len(b))
        g[1], g[2] = 1.0, 2 * x0
        return float(g @ b), float(math.sqrt(g @ V @ g))

    sl, sel = slope(xl)
    sh, seh = slope(xh)
    tl, th = sl / sel, sh / seh
    b1, b2 = float(b[1]), float(b[2])
    xs = -b1 / (2 * b2) if b2 != 0 else math.copysign(math.inf, -b1)
    grad = np.zeros(len(b))
    if b2 != 0:
        grad[1], grad[2] = -1 / (2 * b2), b1 / (2 * b2**2)
    se_xs = float(math.sqrt(grad @ V @ grad)) if b2 != 0 else math.inf
    return {
        "slope_low": sl,
        "slope_high": sh,
        "t_low": tl,
        "t_high": th,
        "p_inverted_u": max(float(dist.sf(tl)), float(dist.cdf(th))),
        "p_u": max(float(dist.cdf(tl)), float(dist.sf(th))),
        "p_monotone": max(
            float(dist.sf(tl)) if sl > 0 else float(dist.cdf(tl)),
            float(dist.sf(th)) if sh > 0 else float(dist.cdf(th)),
        ),
        "same_sign": sl * sh > 0,
        "xs": xs,
        "se_xs": se_xs,
        "inside": xl <= xs <= xh,
    }


__all__ = ["FiellerSet", "fieller_set", "lind_mehlum", "safe_exp"]
