"""Influencer-level Poisson models on summed posts, with small-sample cluster inference.

Posts are nested in influencers. A post-level Poisson model whose regressors are
constant within an influencer (its tier, platform, log followers) has exactly the same
estimates and cluster-robust covariance as the influencer-level model fitted on the
influencer's sums (:mod:`influtiers.evidence`):

* rate models (post offset ``log exposure``): ``y_g`` = engagement summed over the rated
  posts, offset ``log`` of their summed exposure;
* engagement models with no post offset: ``y_g`` = engagement summed over the posts with
  engagement, offset ``log`` of their number.

The score of influencer ``g`` is ``x_g (y_g - mu_g)`` at both levels, so the post-level
sandwich clustered by influencer without a small-sample factor equals the influencer-level
HC0 sandwich, and the leave-one-influencer-out jackknife (CV3) is the same at both levels.

Inference: the CV3 variance (one-step leave-one-cluster-out jackknife, MacKinnon,
Nielsen & Webb, J. Econometrics 2023) with a t reference. Degrees of freedom: ``G - 1``
(``G`` the number of influencers) or, the default of the callers, the Bell-McCaffrey
(2002) Satterthwaite df of the contrast (:func:`bell_mccaffrey_df`), which is small when a
few influencers carry the fit (a Poisson model weights influencers by their expected
engagement, so a handful of large accounts can dominate a tier or the slope). Robust
score tests of a linear restriction (:func:`score_test`) use the same CV3 form at the
restricted fit.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = np.r_[np.ones(40), np.zeros(40)]
>>> n = rng.integers(5, 15, 80)
>>> y = rng.poisson(n * 0.03 * np.exp(0.4 * x) * rng.lognormal(0, 0.3, 80) * 1000)
>>> fit = poisson_fit(y, np.column_stack([np.ones(80), x]), np.log(n * 1000.0))
>>> round(float(fit.params[1]), 3), fit.df
(0.453, 79)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats as st
from scipy.linalg import null_space
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from ..errors import InsufficientData

#: Largest absolute linear predictor (log scale) a fit may start from: exp(700) is near the
#: largest double, so anything larger overflows before the first iteration.
MAX_LOG = 700.0


@dataclass(frozen=True)
class GLMFit:
    """Estimates and covariances of an influencer-level count model."""

    params: np.ndarray
    cov_cv3: np.ndarray
    cov_hc0: np.ndarray
    fitted: np.ndarray
    df: int
    family: str
    alpha_nb: float = 0.0
    X: np.ndarray | None = None
    weights: np.ndarray | None = None

    @property
    def se(self) -> np.ndarray:
        """CV3 standard errors."""
        return np.sqrt(np.diag(self.cov_cv3))

    def t_quantile(self, confidence: float) -> float:
        return float(st.t.ppf(0.5 + confidence / 2, self.df))

    @property
    def dist(self):
        """The reference distribution of Wald t statistics: t(G - 1)."""
        return st.t(self.df)

    def bm_df(self, c) -> float:
        """Bell-McCaffrey df of the contrast ``c' beta`` (:func:`bell_mccaffrey_df`)."""
        return bell_mccaffrey_df(self.X, c, self.weights)


def bell_mccaffrey_df(X, c, weights=None, *, power: float = 1.0) -> float:
    """Bell-McCaffrey (2002) degrees of freedom of ``c' beta`` under the CV3 variance.

    With one observation per cluster, the CV3 (``power=1``) or HC2 (``power=0.5``)
    variance of ``c' beta`` is a quadratic form ``e' D e`` in the residuals, ``D =
    diag(a_g^2 / (1 - h_g)^(2 power))``, ``a_g = c' (X'WX)^-1 x_g sqrt(w_g)`` and ``h_g``
    the leverages of the weighted design ``sqrt(W) X`` (GLM working weights ``W``; ``None``
    for OLS). Under a working model of independent, equal-variance Pearson residuals
    ``e = (I - H) eps``, Satterthwaite's df is ``tr(Q)^2 / tr(Q^2)``, ``Q = (I - H) D (I - H)``;
    computed in O(G p^2) via ``tr(Q^2) = sum d^2 - 2 sum h d^2 + tr((M B)^2)``, ``M =
    (X'WX)^-1``, ``B = X'W D X`` (Imbens & Kolesar 2016, REStat, for the HC2 case).

    >>> X = np.column_stack([np.ones(20), np.r_[np.ones(10), np.zeros(10)]])
    >>> round(bell_mccaffrey_df(X, [0, 1], power=0.5), 6)  # balanced two groups: n_a + n_b - 2
    18.0
    """
    X = np.asarray(X, float)
    c = np.asarray(c, float)
    Xw = X if weights is None else X * np.sqrt(np.asarray(weights, float))[:, None]
    M = np.linalg.inv(Xw.T @ Xw)
    h = np.minimum(np.einsum("ij,jk,ik->i", Xw, M, Xw), 1 - 1e-12)
    a = Xw @ (M @ c)
    d = a**2 / (1 - h) ** (2 * power)
    MB = M @ ((Xw * d[:, None]).T @ Xw)
    tr = float(np.sum(d * (1 - h)))
    tr2 = float(np.sum(d * d) - 2 * np.sum(h * d * d) + np.trace(MB @ MB))
    return tr**2 / tr2 if tr2 > 0 else math.nan


def cv3_cov(X: np.ndarray, y: np.ndarray, mu: np.ndarray, alpha_nb: float = 0.0) -> np.ndarray:
    """CV3 covariance of a log-link Poisson / NB2 model with one observation per cluster.

    One-step leave-one-out estimates ``beta_(-g) = beta - (A - A_g)^-1 U_g`` with ``U_g``
    the score and ``A_g`` the expected information of observation ``g``; then
    ``V = (G - 1) / G * sum_g (beta_(-g) - beta)(beta_(-g) - beta)'``.

    ``A_g = w_g x_g x_g'`` has rank one, so (Sherman-Morrison) ``(A - A_g)^-1 U_g =
    A^-1 x_g r_g / (1 - h_g)`` with the leverage ``h_g = w_g x_g' A^-1 x_g``: the sum is
    an HC3-type sandwich, computed in O(G k^2) time and O(G k) memory (no G x k x k
    stack; tested against the stacked solves). An observation with leverage 1, whose
    removal leaves the model unidentified, falls back to the stacked solves (and their
    error)."""
    X = np.asarray(X, float)
    den = 1.0 + alpha_nb * mu
    r, w = (y - mu) / den, mu / den
    G = len(y)
    Ainv = np.linalg.inv((X * w[:, None]).T @ X)
    XA = X @ Ainv
    one_minus_h = 1.0 - w * np.einsum("ij,ij->i", XA, X)
    if not np.all(one_minus_h > 1e-10):
        return cv3_cov_stacked(X, y, mu, alpha_nb)
    D = XA * (r / one_minus_h)[:, None]
    return (G - 1) / G * (D.T @ D)


def cv3_cov_stacked(X, y, mu, alpha_nb: float = 0.0) -> np.ndarray:
    """:func:`cv3_cov` by G stacked k x k solves (the definition; O(G k^2) memory)."""
    X = np.asarray(X, float)
    den = 1.0 + alpha_nb * mu
    r, w = (y - mu) / den, mu / den
    U = X * r[:, None]
    Ag = np.einsum("gi,gj->gij", X * w[:, None], X)
    A = Ag.sum(axis=0)
    d = np.linalg.solve(A[None] - Ag, U[:, :, None])[:, :, 0]
    G = len(y)
    return (G - 1) / G * (d.T @ d)


def hc0_cov(X: np.ndarray, y: np.ndarray, mu: np.ndarray, alpha_nb: float = 0.0) -> np.ndarray:
    """The HC0 sandwich (= the post-level cluster-robust covariance without correction)."""
    den = 1.0 + alpha_nb * mu
    r, w = (y - mu) / den, mu / den
    A = (X * w[:, None]).T @ X
    U = X * r[:, None]
    Ainv = np.linalg.inv(A)
    return Ainv @ (U.T @ U) @ Ainv


def full_rank(X: np.ndarray, names=None) -> list[str]:
    """The regressor names of ``X`` (``names``, else ``x0, x1, ...``), after checking that
    ``X`` has full column rank; if not, :class:`InsufficientData` names the regressors that
    do not vary across influencers."""
    names = list(names) if names is not None else [f"x{j}" for j in range(X.shape[1])]
    if np.linalg.matrix_rank(X) < X.shape[1]:
        const = [n for j, n in enumerate(names) if j and np.ptp(X[:, j]) == 0]
        what = ", ".join(const) if const else "the regressors are collinear"
        raise InsufficientData(
            f"{what}: no variation across influencers to estimate the model "
            "(e.g. every influencer has the same follower count)",
            reason="no-variation",
        )
    return names


def ols_cv3(y, X, names=None) -> tuple[np.ndarray, np.ndarray, int]:
    """OLS with the CV3 covariance for one observation per cluster and its t df.

    CV3 (leave-one-cluster-out jackknife, MacKinnon, Nielsen & Webb 2023) is
    ``(G - 1) / G * sum_g (b_(-g) - b)(b_(-g) - b)'``; for OLS ``b_(-g) - b =
    -(X'X)^-1 x_g e_g / (1 - h_g)``, so CV3 = ``(G - 1) / G`` x HC3 (statsmodels'
    ``cov_type="HC3"``; the one-step jackknife is exact for OLS). Returns
    ``(params, cov, G - 1)``. A design without full column rank (or with no more
    influencers than parameters) raises :class:`InsufficientData` (:func:`full_rank`).

    >>> x = np.arange(10.0)
    >>> b, V, df = ols_cv3(2 + 0.5 * x + np.sin(x), np.column_stack([np.ones(10), x]))
    >>> round(float(b[1]), 4), df
    (0.5122, 9)
    """
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    if len(y) <= X.shape[1]:
        raise InsufficientData(
            f"{len(y)} influencers cannot identify {X.shape[1]} parameters",
            sizes={"all": len(y)},
        )
    full_rank(X, names)
    fit = OLS(y, X).fit(cov_type="HC3")
    G = len(y)
    return np.asarray(fit.params, float), np.asarray(fit.cov_params(), float) * (G - 1) / G, G - 1


def _check(y, X, offset, names=None):
    """Check the data of a fit before fitting: finite, identifiable, no separation, no
    overflow. Data limits raise :class:`~influtiers.errors.InsufficientData` naming the
    regressor (``names``: one per column of ``X``)."""
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    offset = np.asarray(offset, float)
    if not (np.all(np.isfinite(y)) and np.all(y >= 0)):
        raise ValueError("counts must be finite and non-negative")
    if not (np.all(np.isfinite(offset)) and np.all(np.isfinite(X))):
        raise ValueError("regressors and offsets must be finite")
    if len(y) <= X.shape[1]:
        raise InsufficientData(
            f"{len(y)} influencers cannot identify {X.shape[1]} parameters",
            sizes={"all": len(y)},
        )
    names = full_rank(X, names)
    if y.sum() == 0:
        raise InsufficientData("every influencer has zero engagement", reason="separation")
    for j in range(1, X.shape[1]):
        col = X[:, j]
        if np.isin(col, (0.0, 1.0)).all():
            for v, side in ((1.0, "with"), (0.0, "without")):
                sel = col == v
                if sel.any() and y[sel].sum() == 0:
                    raise InsufficientData(
                        f"{names[j]}: every influencer {side} it has zero engagement "
                        "(perfect separation: the ratio is 0 or infinite)",
                        reason="separation",
                    )
    scale = np.abs(offset).max() + np.abs(np.log1p(y)).max()
    if scale > MAX_LOG or np.abs(X).max() > MAX_LOG:
        raise InsufficientData(
            f"values too large to fit without overflow (log scale {scale:.0f} > {MAX_LOG:.0f})",
            reason="overflow",
        )
    return y, X, offset


#: From this many influencers, :func:`poisson_fit` fits with :func:`lean_fit` (statsmodels'
#: GLM keeps a dozen n-length arrays: 1.7 GB for 2M influencers and 8 regressors).
LEAN_FIT = 50_000


def sm_fit(y, X, offset, alpha_nb: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """``(params, fitted)`` of the log-link Poisson (``alpha_nb = 0``) or NB2 GLM by
    statsmodels' IRLS."""
    fam = families.Poisson() if alpha_nb == 0 else families.NegativeBinomial(alpha=alpha_nb)
    with warnings.catch_warnings():
        # statsmodels warns when some fitted values are ~0 (a tier whose influencers all
        # have zero counts was refused by the checks); a degenerate contrast shows as a
        # zero CV3 SE, which the callers refuse with a reason
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = GLM(y, X, family=fam, offset=offset).fit()
    return np.asarray(fit.params, float), np.asarray(fit.fittedvalues, float)


def lean_fit(
    y, X, offset, alpha_nb: float = 0.0, *, tol: float = 1e-10, maxiter: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sm_fit` in O(n k) memory: the same IRLS (Fisher scoring; statsmodels' start
    ``mu = (y + mean y) / 2``), each step a QR least squares of the weighted working
    response, until no parameter moves by more than ``tol`` (relative). Agrees with
    statsmodels to 1e-7 (tested)."""
    mu = (y + y.mean()) / 2.0
    eta = np.log(mu)
    params = np.zeros(X.shape[1])
    for _ in range(maxiter):
        w = mu / (1.0 + alpha_nb * mu)
        sw = np.sqrt(w)
        z = eta - offset + (y - mu) / mu
        q, r = np.linalg.qr(X * sw[:, None])
        new = np.linalg.solve(r, q.T @ (z * sw))
        del q
        step = np.max(np.abs(new - params) / (1.0 + np.abs(new)))
        params = new
        eta = X @ params + offset
        mu = np.exp(eta)
        if step < tol:
            break
    return params, mu


def poisson_fit(y, X, offset, *, family: str = "poisson", names=None) -> GLMFit:
    """Fit the influencer-level model ``log E[y_g] = offset_g + x_g' beta``.

    ``family="poisson"`` (pseudo-likelihood: only the mean model is assumed) or
    ``"negbin"``: NB2 with ``alpha`` the Cameron-Trivedi moment estimate from the Poisson
    fit. The NB2 model of influencer sums is *not* the post-level NB2 model (it has no
    exact influencer-level equivalent); it weights influencers differently and is
    reported as its own method. ``names`` (one per column of ``X``) name the regressors
    in the reasons of :class:`~influtiers.errors.InsufficientData` (no variation,
    separation, overflow), raised before fitting.
    """
    y, X, offset = _check(y, X, offset, names)
    if family not in ("poisson", "negbin"):
        raise ValueError("family must be 'poisson' or 'negbin'")
    fitter = sm_fit if len(y) < LEAN_FIT else lean_fit
    params, mu = fitter(y, X, offset, 0.0)
    alpha_nb = 0.0
    if family == "negbin":
        alpha_nb = max(float(np.sum((y - mu) ** 2 - y) / np.sum(mu**2)), 1e-8)
        params, mu = fitter(y, X, offset, alpha_nb)
    return GLMFit(
        params=params,
        cov_cv3=cv3_cov(X, y, mu, alpha_nb),
        cov_hc0=hc0_cov(X, y, mu, alpha_nb),
        fitted=mu,
        df=len(y) - 1,
        family=family,
        alpha_nb=alpha_nb,
        X=X,
        weights=mu / (1.0 + alpha_nb * mu),
    )


def t_summary(b: float, se: float, df: float, confidence: float, null: float = 0.0) -> dict:
    """``ci`` and ``ci90`` (at ``1 - 2 (1 - confidence)``) of ``b +- t(df) se`` and the
    two-sided / one-sided p-values of ``b`` against ``null``."""
    d = st.t(df)

    def ci(level):
        q = float(d.ppf(0.5 + level / 2))
        return [b - q * se, b + q * se]

    t = (b - null) / se if se > 0 else math.nan
    fin = math.isfinite(t)
    return {
        "ci": ci(confidence),
        "ci90": ci(1 - 2 * (1 - confidence)),
        "t": t,
        "p": float(2 * d.sf(abs(t))) if fin else math.nan,
        "p_greater": float(d.sf(t)) if fin else math.nan,
        "p_less": float(d.cdf(t)) if fin else math.nan,
    }


def wald(fit: GLMFit, j, confidence: float, null: float = 0.0, *, df="G-1") -> dict:
    """Estimate, CV3 SE, t intervals and p-values of ``params[j]`` (or of the contrast
    ``j' params`` when ``j`` is a vector) against ``null``.

    ``df``: ``"G-1"``, ``"bell-mccaffrey"`` or a number. Returns ``estimate``, ``se``,
    ``df``, ``ci`` (at ``confidence``), ``ci90`` (at ``1 - 2 (1 - confidence)``), ``t``,
    ``p`` (two-sided), ``p_greater`` / ``p_less`` (one-sided: the parameter exceeds / is
    below ``null``)."""
    c = np.zeros(len(fit.params)) if np.isscalar(j) else np.asarray(j, float)
    if np.isscalar(j):
        c[j] = 1.0
    b, se = float(c @ fit.params), float(math.sqrt(c @ fit.cov_cv3 @ c))
    if df == "G-1":
        dof = float(fit.df)
    elif df == "bell-mccaffrey":
        dof = fit.bm_df(c)
    else:
        dof = float(df)
    ts = t_summary(b, se, dof, confidence, null)
    return {
        "estimate": b,
        "se": se,
        **ts,
        "ci": tuple(ts["ci"]),
        "ci90": tuple(ts["ci90"]),
        "df": dof,
    }


def score_test(y, X, offset, c) -> dict:
    """Robust (sandwich) score test of ``c' beta = 0`` in the Poisson PML model.

    The restricted model ``beta = N gamma`` (``N`` a basis of the null space of ``c'``) is
    fitted; at its fit ``mu~`` the one-step estimate of ``c' beta`` is ``c' A^-1 S``
    (``A = X' diag(mu~) X``, ``S`` the full-model score) and its CV3 variance is
    ``(G - 1) / G * sum_g (c' A^-1 x_g (y_g - mu~_g) / (1 - h_g))^2``. The signed statistic is
    referred to t with the Bell-McCaffrey df at ``mu~``. Unlike the Wald t, its variance is
    estimated under the null, so it does not co-vary with the estimate; that is what keeps
    one-sided tests at the null boundary near their level (:func:`influtiers.stats.
    regression.inverted_u`). Returns ``statistic``, ``df``, ``p_greater``, ``p_less``.
    """
    y, X, offset = _check(y, X, offset)
    c = np.asarray(c, float)
    N = null_space(c[None, :])
    mu = np.asarray(
        GLM(y, X @ N, family=families.Poisson(), offset=offset).fit().fittedvalues, float
    )
    A = (X * mu[:, None]).T @ X
    Ai = np.linalg.inv(A)
    h = np.minimum(mu * np.einsum("ij,jk,ik->i", X, Ai, X), 1 - 1e-12)
    ac = X @ (Ai @ c)
    r = y - mu
    G = len(y)
    var = (G - 1) / G * float(np.sum((ac * r / (1 - h)) ** 2))
    stat = float(np.sum(ac * r)) / math.sqrt(var) if var > 0 else math.nan
    dof = bell_mccaffrey_df(X, c, mu)
    d = st.t(dof)
    fin = math.isfinite(stat)
    return {
        "statistic": stat,
        "df": dof,
        "p_greater": float(d.sf(stat)) if fin else math.nan,
        "p_less": float(d.cdf(stat)) if fin else math.nan,
    }


__all__ = [
    "GLMFit",
    "full_rank",
    "ols_cv3",
    "bell_mccaffrey_df",
    "LEAN_FIT",
    "cv3_cov",
    "cv3_cov_stacked",
    "hc0_cov",
    "lean_fit",
    "sm_fit",
    "poisson_fit",
    "score_test",
    "t_summary",
    "wald",
]
