"""Random-effects pooling: one estimate from several datasets, platforms or published studies.

Each input is an estimate with a sampling variance on the *pooling scale*: the log of a
ratio (``scale="log"``) or the slope itself (``scale="identity"``). :func:`pool` combines
them with :func:`statsmodels.stats.meta_analysis.combine_effects` (between-input variance
``tau2`` by Paule-Mandel, ``method="iterated"``, or DerSimonian-Laird, ``method="dl"``) and
adds what statsmodels does not give:

* the **modified Knapp-Hartung** interval (Röver, Knapp & Friede 2015)
  ``mu ± t(k-1) × sqrt(max(1, q)) × SE_RE``, with ``SE_RE = 1 / sqrt(sum 1/(v_i + tau2))``
  and ``q = var_hksj_re / SE_RE**2`` (the Hartung-Knapp scale). The unmodified
  Hartung-Knapp-Sidik-Jonkman interval collapses when the inputs happen to agree (two
  near-identical inputs give an interval 30 times narrower than either input's); the
  ``max(1, q)`` stops that, so the interval is never narrower than the standard
  random-effects (Wald) interval. ``combine_effects`` itself uses the normal quantile by
  default; here the quantile is always t with k - 1 degrees of freedom. The 90% and the
  95% intervals are both reported (verdict rules need both).
* the **prediction interval** for the effect in a new dataset or study,
  ``mu ± t(k-2) × sqrt(tau2 + SE_RE**2)`` (Higgins, Thompson & Spiegelhalter 2009). It needs
  k >= 3; with k = 2 it is NaN with ``pi_reason = "needs k >= 3"``.
* ``i2 = max(0, (Q - (k-1)) / Q)`` from Cochran's Q (statsmodels does not truncate it).

Input variances come from :func:`variance_from_result` (a :class:`StatResult`'s SE on the
pooling scale when it has one, else its interval), :func:`variance_from_ci` (a published
interval: ``((g(high) - g(low)) / (2c))**2`` with ``g`` = ln or identity and ``c`` the
interval's own critical value, t with the row's df for a t interval) or
:func:`variance_from_sd` (a published mean with its SD and n). Only inputs with the same
estimand and definition may be pooled (:func:`pool_results` and :func:`pool_frame` check
that). Published aggregates without a CI, an SE or an SD with n have no variance: they are
shown beside the pooled estimate as points, never pooled (:func:`benchmark_variances`
returns NaN for them).

Examples
--------
>>> r = pool([1.30, 1.10, 1.60, 1.25], [0.010, 0.020, 0.015, 0.012],
...          labels=["panel A", "panel B", "panel C", "panel D"])
>>> r.k, r.method
(4, 'Paule-Mandel')
>>> print(f"{r.estimate:.3f} ({r.ci_low:.3f} to {r.ci_high:.3f}), tau2 {r.tau2:.4f}")
1.308 (1.038 to 1.649), tau2 0.0075
>>> r.pi_low < r.ci_low < r.estimate < r.ci_high < r.pi_high
True
>>> pool([1.3, 1.1], [0.01, 0.02]).pi_reason
'needs k >= 3'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as st
from statsmodels.stats.meta_analysis import combine_effects

from ..errors import DataError
from .results import fmt_number, jsonable

__all__ = [
    "METHODS",
    "PooledResult",
    "benchmark_variances",
    "critical_value",
    "pool",
    "pool_frame",
    "pool_results",
    "variance_from_ci",
    "variance_from_result",
    "variance_from_sd",
]

#: Accepted ``method`` values -> the tau2 estimator's name.
METHODS = {"iterated": "Paule-Mandel", "pm": "Paule-Mandel", "dl": "DerSimonian-Laird"}
SCALES = ("log", "identity")
PI_NEEDS_K3 = "needs k >= 3"
#: Tolerance on the Paule-Mandel equation ``Q(tau2) / (k - 1) = 1`` used to check
#: statsmodels' iteration (run with its own defaults, atol=1e-5 on ``Q - (k - 1)``:
#: a tighter atol lets rounding push the last step past the root, which statsmodels
#: answers with tau2 = 0).
PM_CHECK_TOL = 1e-4

_POOL_COLUMNS = (
    "k",
    "estimate",
    "ci_low",
    "ci_high",
    "ci90_low",
    "ci90_high",
    "tau2",
    "i2",
    "pi_low",
    "pi_high",
    "pi_reason",
    "method",
    "sources",
    "points",
)


# --------------------------------------------------------------------------- helpers
def _check_scale(scale: str) -> str:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    return scale


def _check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    return level


def _g(x, scale: str):
    return np.log(x) if scale == "log" else np.asarray(x, dtype=float)


def _ginv(x, scale: str) -> float:
    return float(math.exp(x)) if scale == "log" else float(x)


def _scalar_or_array(x: np.ndarray):
    return float(x) if x.ndim == 0 else x


def critical_value(level: float = 0.95, df: float | None = None) -> float:
    """Two-sided critical value of an interval: t(df) when ``df`` is given, else normal.

    >>> round(critical_value(0.95), 4), round(critical_value(0.95, df=4), 4)
    (1.96, 2.7764)
    """
    level = _check_level(level)
    if df is None or (isinstance(df, float) and math.isnan(df)):
        return float(st.norm.ppf(0.5 + level / 2))
    if not df > 0:
        raise ValueError(f"df must be positive, got {df!r}")
    return float(st.t.ppf(0.5 + level / 2, df))


# --------------------------------------------------------------------------- variances
def variance_from_ci(low, high, *, scale: str = "log", level: float = 0.95, df=None):
    """Sampling variance on the pooling scale implied by a confidence interval.

    ``((g(high) - g(low)) / (2c))**2`` with ``g`` = ln (``scale="log"``, ratios) or the
    identity (``scale="identity"``, slopes) and ``c`` the interval's own critical value:
    t with ``df`` degrees of freedom for a t interval, the normal quantile otherwise.
    Works element-wise on arrays.

    Parameters
    ----------
    low, high : float or array_like
        Interval bounds on the natural scale (ratios, not log ratios).
    scale : {"log", "identity"}
    level : float
        Confidence level of the interval (0.95, or 0.90 for a TOST interval).
    df : float, optional
        Degrees of freedom when the interval is a t interval.

    Returns
    -------
    float or ndarray

    Raises
    ------
    DataError
        Non-finite bounds, ``high <= low``, or non-positive bounds on the log scale.

    Examples
    --------
    >>> round(variance_from_ci(0.8, 1.25), 6)       # ln(1.25/0.8) / (2 x 1.96), squared
    0.012962
    >>> round(variance_from_ci(-0.3, 0.1, scale="identity", df=10), 6)
    0.008057
    """
    _check_scale(scale)
    lo = np.asarray(low, dtype=float)
    hi = np.asarray(high, dtype=float)
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))):
        raise DataError("interval bounds must be finite numbers")
    if np.any(hi <= lo):
        raise DataError("interval bounds must satisfy low < high")
    if scale == "log" and np.any(lo <= 0):
        raise DataError("a ratio's interval must be positive to be pooled on the log scale")
    c = critical_value(level, df)
    return _scalar_or_array(((_g(hi, scale) - _g(lo, scale)) / (2 * c)) ** 2)


def variance_from_sd(mean, sd, n, *, scale: str = "log"):
    """Sampling variance of a published mean from its SD and sample size.

    ``sd**2 / n`` on the identity scale; on the log scale the delta-method variance of
    ``ln(mean)``, ``sd**2 / (n mean**2)``. Works element-wise on arrays.

    >>> round(variance_from_sd(0.04, 0.02, 100), 6)
    0.0025
    >>> round(variance_from_sd(0.04, 0.02, 100, scale="identity"), 8)
    4e-06
    """
    _check_scale(scale)
    m, s, k = (np.asarray(a, dtype=float) for a in (mean, sd, n))
    if not (np.all(np.isfinite(m)) and np.all(np.isfinite(s)) and np.all(np.isfinite(k))):
        raise DataError("mean, sd and n must be finite numbers")
    if np.any(s <= 0) or np.any(k < 2):
        raise DataError("sd must be positive and n at least 2")
    if scale == "log" and np.any(m <= 0):
        raise DataError("a mean must be positive to be pooled on the log scale")
    v = s**2 / k
    return _scalar_or_array(v / m**2 if scale == "log" else v)


def _as_mapping(result) -> Mapping[str, Any]:
    if isinstance(result, Mapping):
        return result
    if hasattr(result, "to_dict"):
        return result.to_dict()
    raise TypeError("result must be a StatResult or its to_dict() mapping")


def _finite_positive(x) -> bool:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and x > 0


def variance_from_result(result, scale: str) -> float:
    """Sampling variance on the pooling scale of a :class:`StatResult` (or its ``to_dict()``).

    The SE when the result has one on the pooling scale (``statistic["se_log"]`` for
    ``scale="log"``, ``statistic["se"]`` for ``scale="identity"``), squared; otherwise the
    variance implied by the result's interval (:func:`variance_from_ci` at its
    ``confidence``, with t quantiles when ``statistic`` or ``details`` record a ``df``).

    Raises
    ------
    DataError
        A not-testable result, or one with neither a usable SE nor a finite interval.

    Examples
    --------
    >>> from influtiers.stats import StatResult
    >>> r = StatResult("rate_ratio", estimate=1.2, ci_low=1.0, ci_high=1.44,
    ...                statistic={"se_log": 0.093})
    >>> round(variance_from_result(r, "log"), 6)
    0.008649
    >>> r2 = r.with_(statistic={})                      # no SE: from the 95% interval
    >>> round(variance_from_result(r2, "log"), 6)
    0.008653
    """
    _check_scale(scale)
    d = _as_mapping(result)
    name = d.get("test", "result")
    if d.get("verdict") == "not-testable":
        raise DataError(f"{name}: a not-testable result has no variance to pool")
    stat = d.get("statistic") or {}
    key = "se_log" if scale == "log" else "se"
    se = stat.get(key)
    if _finite_positive(se):
        return float(se) ** 2
    lo, hi = d.get("ci_low"), d.get("ci_high")
    if lo is None or hi is None or not (math.isfinite(float(lo)) and math.isfinite(float(hi))):
        raise DataError(f"{name}: no {key!r} and no finite interval to derive a variance from")
    details = d.get("details") or {}
    df = stat.get("df", details.get("df"))
    df = float(df) if _finite_positive(df) else None
    return float(
        variance_from_ci(lo, hi, scale=scale, level=float(d.get("confidence", 0.95)), df=df)
    )


def benchmark_variances(table: pd.DataFrame, *, scale: str = "log", value: str = "value"):
    """Variance on the pooling scale of each published figure, NaN for points.

    A published aggregate enters a pooled estimate only when its source reports a CI
    (``ci_low``, ``ci_high`` and its ``ci_level``), an SE (``se``, in the unit of
    ``value``) or an SD with the sample size (``sd`` and ``n``); every other row gets NaN
    and is shown beside the pooled estimate as a point. Preference: SE, then CI (normal
    quantile at ``ci_level``; a CI without its level is a point), then SD with n. On the
    log scale an SE or SD is turned into the variance of ``ln(value)`` by
    the delta method (divided by ``value**2``).

    >>> t = pd.DataFrame({"value": [0.068, 0.039, 0.011], "ci_low": [0.059, 0.034, None],
    ...                   "ci_high": [0.077, 0.044, None], "ci_level": [0.95, 0.95, None]})
    >>> benchmark_variances(t).round(5).tolist()
    [0.00461, 0.00433, nan]
    """
    _check_scale(scale)
    t = table
    n_rows = len(t)

    def col(name):
        if name in t:
            return pd.to_numeric(t[name], errors="coerce").to_numpy(dtype=float)
        return np.full(n_rows, np.nan)

    val, se, sd, n = col(value), col("se"), col("sd"), col("n")
    lo, hi, lvl = col("ci_low"), col("ci_high"), col("ci_level")
    out = np.full(n_rows, np.nan)
    ok_val = np.isfinite(val) & ((val > 0) if scale == "log" else True)
    for i in range(n_rows):
        if not ok_val[i]:
            continue
        if np.isfinite(se[i]) and se[i] > 0:
            out[i] = se[i] ** 2 / (val[i] ** 2 if scale == "log" else 1.0)
        elif np.isfinite(lo[i]) and np.isfinite(hi[i]) and np.isfinite(lvl[i]):
            out[i] = variance_from_ci(lo[i], hi[i], scale=scale, level=lvl[i])
        elif np.isfinite(sd[i]) and sd[i] > 0 and np.isfinite(n[i]) and n[i] >= 2:
            out[i] = variance_from_sd(val[i], sd[i], n[i], scale=scale)
    return pd.Series(out, index=t.index, name="variance")


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class PooledResult:
    """A random-effects pooled estimate.

    Attributes
    ----------
    estimate : pooled estimate on the natural scale (``exp(mu)`` for ``scale="log"``).
    ci_low, ci_high : 95% modified Knapp-Hartung interval (natural scale).
    ci90_low, ci90_high : the same at 90%.
    pi_low, pi_high : 95% prediction interval for a new dataset or study (NaN when k < 3).
    pi_reason : why there is no prediction interval (``"needs k >= 3"``), else ``""``.
    k : number of pooled inputs.
    tau2 : between-input variance on the pooling scale (log scale for ratios).
    i2 : ``max(0, (Q - (k - 1)) / Q)``, a fraction.
    q, q_pvalue : Cochran's Q (fixed-effect weights) and its chi-square(k - 1) p-value.
    kh_q : the Hartung-Knapp scale ``var_hksj_re / SE_RE**2`` (the ``q`` of the modified
        Knapp-Hartung interval, which uses ``max(1, kh_q)``).
    mu, se_re : pooled estimate and its standard random-effects SE on the pooling scale.
    method : tau2 estimator (``"Paule-Mandel"`` or ``"DerSimonian-Laird"``).
    scale : ``"log"`` or ``"identity"``.
    sources : labels of the inputs, in input order.
    effects, variances : the inputs (effects on the natural scale, variances on the pooling
        scale).
    weights : relative random-effects weights (sum to 1), in input order.
    flags : warnings (e.g. ``tau2`` truncated at 0).
    """

    estimate: float
    ci_low: float
    ci_high: float
    ci90_low: float
    ci90_high: float
    pi_low: float
    pi_high: float
    pi_reason: str
    k: int
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    kh_q: float
    mu: float
    se_re: float
    method: str
    scale: str
    sources: tuple[str, ...]
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    weights: tuple[float, ...]
    flags: tuple[str, ...] = field(default=())

    def ci(self, level: float = 0.95) -> tuple[float, float]:
        """Modified Knapp-Hartung interval at ``level`` on the natural scale."""
        level = _check_level(level)
        half = st.t.ppf(0.5 + level / 2, self.k - 1) * math.sqrt(max(1.0, self.kh_q)) * self.se_re
        return (_ginv(self.mu - half, self.scale), _ginv(self.mu + half, self.scale))

    def pi(self, level: float = 0.95) -> tuple[float, float]:
        """Prediction interval at ``level`` on the natural scale ((NaN, NaN) when k < 3)."""
        level = _check_level(level)
        if self.k < 3:
            return (math.nan, math.nan)
        half = st.t.ppf(0.5 + level / 2, self.k - 2) * math.sqrt(self.tau2 + self.se_re**2)
        return (_ginv(self.mu - half, self.scale), _ginv(self.mu + half, self.scale))

    def summary(self) -> str:
        """One plain sentence with the numbers."""
        what = "pooled ratio" if self.scale == "log" else "pooled estimate"
        s = (
            f"{what} {fmt_number(self.estimate)} (95% CI {fmt_number(self.ci_low)} to {fmt_number(self.ci_high)}; "
            f"90% CI {fmt_number(self.ci90_low)} to {fmt_number(self.ci90_high)}) from k = {self.k} inputs; "
            f"tau2 = {fmt_number(self.tau2)}{' (log scale)' if self.scale == 'log' else ''}, "
            f"I2 = {100 * self.i2:.0f}%; "
        )
        if self.pi_reason:
            s += f"no prediction interval ({self.pi_reason})"
        else:
            s += f"95% prediction interval {fmt_number(self.pi_low)} to {fmt_number(self.pi_high)}"
        s += f". {self.method} tau2, modified Knapp-Hartung CI."
        if self.flags:
            s += " Flags: " + "; ".join(self.flags) + "."
        return s

    def to_dict(self) -> dict:
        """JSON-safe dict (NaN becomes ``None``)."""
        return jsonable({f.name: getattr(self, f.name) for f in fields(self)})

    def to_row(self) -> dict:
        """The report columns of :func:`pool_frame` (``points`` left empty)."""
        d = {c: getattr(self, c) for c in _POOL_COLUMNS if c not in ("sources", "points")}
        d["sources"] = "; ".join(self.sources)
        d["points"] = ""
        return d

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.summary()


# --------------------------------------------------------------------------- pooling
def pool(
    effects,
    variances,
    *,
    method: str = "iterated",
    labels: Sequence[str] | None = None,
    scale: str = "log",
) -> PooledResult:
    """Random-effects pooled estimate with modified Knapp-Hartung and prediction intervals.

    Parameters
    ----------
    effects : array_like
        Estimates on their **natural** scale: ratios for ``scale="log"`` (they are logged
        here), slopes or differences for ``scale="identity"``.
    variances : array_like
        Sampling variances on the **pooling** scale (of the log ratio for
        ``scale="log"``), e.g. from :func:`variance_from_result` or
        :func:`variance_from_ci`.
    method : {"iterated", "pm", "dl"}
        tau2 estimator: Paule-Mandel (``"iterated"`` or ``"pm"``, default) or
        DerSimonian-Laird (``"dl"``); a negative DerSimonian-Laird estimate is truncated
        at 0 (statsmodels does not truncate it), as metafor does.
    labels : sequence of str, optional
        Names of the inputs (default ``"1"``, ``"2"``, ...).
    scale : {"log", "identity"}

    Returns
    -------
    PooledResult

    Raises
    ------
    DataError
        Fewer than 2 inputs, lengths that differ, non-finite values, non-positive
        variances, or non-positive ratios on the log scale.
    """
    _check_scale(scale)
    key = str(method).lower()
    if key not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    e = np.asarray(effects, dtype=float)
    v = np.asarray(variances, dtype=float)
    if e.ndim != 1 or v.ndim != 1 or e.shape != v.shape:
        raise DataError("effects and variances must be 1-D and of the same length")
    k = int(e.size)
    if k < 2:
        raise DataError(f"random-effects pooling needs k >= 2 inputs, got {k}")
    if not (np.all(np.isfinite(e)) and np.all(np.isfinite(v))):
        raise DataError("effects and variances must be finite")
    if np.any(v <= 0):
        raise DataError("variances must be positive")
    if scale == "log" and np.any(e <= 0):
        raise DataError("ratios must be positive to be pooled on the log scale")
    labels = tuple(str(x) for x in (labels if labels is not None else range(1, k + 1)))
    if len(labels) != k:
        raise DataError(f"{len(labels)} labels for {k} inputs")

    y = _g(e, scale)
    sm_method = "dl" if key == "dl" else "iterated"
    with np.errstate(invalid="ignore"):  # sqrt of a negative (untruncated) DL tau2 fit
        res = combine_effects(y, v, method_re=sm_method, row_names=list(labels))
    flags: list[str] = []
    tau2 = float(res.tau2)
    if sm_method == "iterated" and tau2 <= 0 and float(res.q) > k - 1:
        flags.append(
            "Paule-Mandel iteration stopped at tau2 = 0 although Q > k - 1; tau2 is underestimated"
        )
    if tau2 <= 0:
        # RE with tau2 = 0 is the fixed-effect model (statsmodels leaves a negative DL
        # tau2 untruncated, so take its fixed-effect quantities)
        if tau2 < 0:
            flags.append(f"DerSimonian-Laird tau2 {tau2:.3g} truncated at 0")
        tau2 = 0.0
        mu, se, var_hk = res.mean_effect_fe, res.sd_eff_w_fe, res.var_hksj_fe
        w = res.weights_rel_fe
    else:
        mu, se, var_hk = res.mean_effect_re, res.sd_eff_w_re, res.var_hksj_re
        w = res.weights_rel_re
    mu, se = float(mu), float(se)
    kh_q = float(var_hk) / se**2
    if sm_method == "iterated" and tau2 > 0 and abs(kh_q - 1) > PM_CHECK_TOL:
        flags.append(f"Paule-Mandel iteration did not converge (Q-profile scale {kh_q:.6f})")

    def ci(level):
        half = st.t.ppf(0.5 + level / 2, k - 1) * math.sqrt(max(1.0, kh_q)) * se
        return _ginv(mu - half, scale), _ginv(mu + half, scale)

    lo95, hi95 = ci(0.95)
    lo90, hi90 = ci(0.90)
    if k >= 3:
        half = st.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se**2)
        pi_lo, pi_hi, pi_reason = _ginv(mu - half, scale), _ginv(mu + half, scale), ""
    else:
        pi_lo, pi_hi, pi_reason = math.nan, math.nan, PI_NEEDS_K3
    q = float(res.q)
    return PooledResult(
        estimate=_ginv(mu, scale),
        ci_low=lo95,
        ci_high=hi95,
        ci90_low=lo90,
        ci90_high=hi90,
        pi_low=pi_lo,
        pi_high=pi_hi,
        pi_reason=pi_reason,
        k=k,
        tau2=tau2,
        i2=max(0.0, float(res.i2)),
        q=q,
        q_pvalue=float(st.chi2.sf(q, k - 1)),
        kh_q=kh_q,
        mu=mu,
        se_re=se,
        method=METHODS[key],
        scale=scale,
        sources=labels,
        effects=tuple(float(x) for x in e),
        variances=tuple(float(x) for x in v),
        weights=tuple(float(x) for x in np.asarray(w, dtype=float)),
        flags=tuple(flags),
    )


def pool_results(
    results: Iterable,
    *,
    scale: str,
    method: str = "iterated",
    labels: Sequence[str] | None = None,
) -> PooledResult:
    """Pool :class:`StatResult` objects (or their ``to_dict()``) that share one estimand and
    one definition; variances from :func:`variance_from_result`.

    Raises
    ------
    DataError
        Results with different ``estimand`` or ``definition`` (they estimate different
        things and must not be pooled), or any result :func:`variance_from_result` rejects.
    """
    ds = [_as_mapping(r) for r in results]
    for attr in ("estimand", "definition"):
        vals = sorted({str(d.get(attr, "")) for d in ds})
        if len(vals) > 1:
            raise DataError(f"results with different {attr}s cannot be pooled: {vals}")
    effects = [float(d.get("estimate", math.nan)) for d in ds]
    variances = [variance_from_result(d, scale) for d in ds]
    if labels is None:
        labels = [str((d.get("details") or {}).get("dataset", i + 1)) for i, d in enumerate(ds)]
    return pool(effects, variances, method=method, labels=labels, scale=scale)


def pool_frame(
    frame: pd.DataFrame,
    *,
    scale: str,
    effect: str = "estimate",
    variance: str = "variance",
    by: Sequence[str] = ("estimand", "definition"),
    label: str = "source",
    method: str = "iterated",
) -> pd.DataFrame:
    """One pooled row per group of inputs that share ``by`` (estimand and definition).

    Rows whose ``variance`` is missing (published points without a CI, SE or SD with n)
    are not pooled; they are listed in ``points`` as ``label (effect)``. Groups with fewer
    than two poolable rows get ``k`` and NaN estimates, and ``pi_reason`` says why.

    Returns
    -------
    DataFrame
        ``by`` columns, then ``k, estimate, ci_low, ci_high, ci90_low, ci90_high, tau2,
        i2, pi_low, pi_high, pi_reason, method, sources, points``.
    """
    missing = [c for c in (*by, effect, variance, label) if c not in frame]
    if missing:
        raise DataError(f"pool_frame: missing column(s) {', '.join(missing)}")
    rows = []
    for key, g in frame.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        var = pd.to_numeric(g[variance], errors="coerce")
        ok = var.notna()
        pts = g[~ok]
        points = "; ".join(
            f"{r[label]} ({fmt_number(float(r[effect]))})" for _, r in pts.iterrows()
        )
        base = dict(zip(by, key, strict=True))
        if ok.sum() >= 2:
            r = pool(
                g.loc[ok, effect].astype(float).to_numpy(),
                var[ok].to_numpy(),
                labels=g.loc[ok, label].astype(str).tolist(),
                method=method,
                scale=scale,
            )
            row = {**base, **r.to_row(), "points": points}
        else:
            row = {c: math.nan for c in _POOL_COLUMNS}
            row.update(
                base,
                k=int(ok.sum()),
                pi_reason="needs k >= 2 inputs with a variance to pool",
                method=METHODS[str(method).lower()],
                sources="; ".join(g.loc[ok, label].astype(str)),
                points=points,
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by, *_POOL_COLUMNS])
