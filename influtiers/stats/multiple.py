"""Multiple-testing adjustment: Holm's step-down, without the ``gc.collect()`` that
``statsmodels.stats.multitest.multipletests`` runs on every Holm call (0.07-0.1 s each on
the heap of a large evidence table)."""

from __future__ import annotations

import numpy as np


def holm(p_values) -> np.ndarray:
    """Holm-adjusted p-values (NaN entries stay NaN and are not in the family): the
    step-down ``max_{j <= i} (m - j + 1) p_(j)``, capped at 1 — the values of
    ``statsmodels.stats.multitest.multipletests(method="holm")`` (checked in the tests).

    >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if len(ok):
        order = ok[np.argsort(p[ok], kind="stable")]
        m = len(order)
        adj = np.maximum.accumulate(p[order] * np.arange(m, 0, -1))
        out[order] = np.minimum(adj, 1.0)
    return out


def holm_reject(p_values, alpha: float) -> np.ndarray:
    """Which hypotheses Holm's procedure rejects at family-wise level ``alpha``: in
    ascending order of p, while ``p_(j) <= alpha / (m - j + 1)`` (the rejections of
    ``multipletests(method="holm")``; p-values must be finite).

    >>> holm_reject([0.01, 0.04, 0.03], 0.05).tolist()
    [True, False, False]
    """
    p = np.asarray(p_values, float)
    if not np.all(np.isfinite(p)):
        raise ValueError("holm_reject needs finite p-values")
    order = np.argsort(p, kind="stable")
    keep = p[order] > alpha / np.arange(len(p), 0, -1)
    first = int(np.argmax(keep)) if keep.any() else len(p)
    out = np.zeros(len(p), dtype=bool)
    out[order[:first]] = True
    return out


__all__ = ["holm", "holm_reject"]
