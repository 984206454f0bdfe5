"""Result objects shared by every test in :mod:`influtiers.stats`.

Every test returns a :class:`StatResult`: an immutable record with the estimate,
its interval, the confidence level, the test statistics and p-values, the group
sizes (influencers and posts), the engagement definition, the method, the unit of
analysis, warning flags and, where a claim is tested, a verdict.

Examples
--------
>>> r = StatResult(test="demo", estimate=1.5, ci_low=1.1, ci_high=2.0, confidence=0.95,
...                method="ratio of means, percentile bootstrap", n_influencers={"a": 40, "b": 40})
>>> r.summary()
'demo: estimate 1.5 (95% CI 1.1 to 2), ratio of means, percentile bootstrap; 40 a and 40 b influencers.'
>>> r.to_dict()["n_influencers"]
{'a': 40, 'b': 40}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from ..config import ALPHA
from ..errors import InsufficientData

#: Below this many influencers in a compared group a test refuses to run.
MIN_GROUP = 10
#: Below this many influencers in a compared group a test runs but is flagged.
SMALL_GROUP = 30

NOT_TESTABLE = "not-testable"


def jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [jsonable(v) for v in x]
    if isinstance(x, pd.DataFrame):
        return [jsonable(r) for r in x.to_dict(orient="records")]
    if isinstance(x, pd.Series):
        return jsonable(x.to_dict())
    if isinstance(x, np.ndarray):
        return [jsonable(v) for v in x.tolist()]
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        v = float(x)
        return None if not math.isfinite(v) else v
    if x is None or isinstance(x, str | int):
        return x
    if x is pd.NA:
        return None
    return str(x)


def fmt_number(x: float | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "n/a"
    ax = abs(x)
    if ax != 0 and (ax < 1e-3 or ax >= 1e6):
        return f"{x:.3g}"
    return f"{x:.4g}"


def fmt_p(p: float | None) -> str:
    if p is None or not math.isfinite(p):
        return "n/a"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class StatResult:
    """One statistical test or estimate.

    Attributes
    ----------
    test : name of the test (``"equivalence"``, ``"rate_ratio"``, ...).
    estimate, ci_low, ci_high : point estimate and interval at ``confidence``.
    confidence : confidence level of the interval (e.g. 0.95, or 0.90 for TOST).
    statistic : named test statistics (``{"t_lower": ..., "t_upper": ...}``).
    p_value : the p-value deciding the verdict (NaN if none).
    p_values : other named p-values.
    n_influencers : influencers per group (the unit of analysis).
    n_posts : posts per group.
    n_excluded : influencers left out per group (e.g. non-positive rates).
    definition : engagement definition label, e.g. ``(likes + comments) / followers``.
    method : estimator and interval, in words.
    unit : unit of analysis (``"influencer"`` or ``"post (clustered by influencer)"``).
    estimand : what ``estimate`` estimates, in words.
    claim : the claim tested, if any.
    verdict : verdict string (see each test), ``"not-testable"`` when refused.
    flags : warnings, e.g. ``"small-sample: fewer than 30 influencers in a group"``.
    details : anything else (tables are stored as lists of records).
    """

    test: str
    estimate: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    confidence: float = 1 - ALPHA
    statistic: Mapping[str, float] = field(default_factory=dict)
    p_value: float = math.nan
    p_values: Mapping[str, float] = field(default_factory=dict)
    n_influencers: Mapping[str, int] = field(default_factory=dict)
    n_posts: Mapping[str, int] = field(default_factory=dict)
    n_excluded: Mapping[str, int] = field(default_factory=dict)
    definition: str = ""
    method: str = ""
    unit: str = "influencer"
    estimand: str = ""
    claim: str = ""
    verdict: str | None = None
    flags: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)

    # -- views ---------------------------------------------------------------
    @property
    def ci(self) -> tuple[float, float]:
        return (self.ci_low, self.ci_high)

    @property
    def testable(self) -> bool:
        return self.verdict != NOT_TESTABLE

    def with_(self, **changes) -> StatResult:
        """A copy with some fields changed (results are immutable)."""
        return replace(self, **changes)

    def summary(self) -> str:
        """One or two plain sentences with the numbers."""
        if self.verdict == NOT_TESTABLE:
            why = self.details.get("reason_detail", "")
            return f"{self.test}: not testable ({self.details.get('reason', 'InsufficientData')}: {why})."
        lvl = f"{round(100 * self.confidence, 1):g}%"
        s = (
            f"{self.test}: estimate {fmt_number(self.estimate)} ({lvl} CI {fmt_number(self.ci_low)} to "
            f"{fmt_number(self.ci_high)}), {self.method}"
        )
        if self.n_influencers:
            groups = " and ".join(f"{v} {k}" for k, v in self.n_influencers.items())
            s += f"; {groups} influencers"
        s += "."
        if self.verdict is not None:
            s += f" Verdict: {self.verdict}"
            if math.isfinite(self.p_value):
                s += f" (p = {fmt_p(self.p_value)})"
            s += "."
        if self.flags:
            s += " Flags: " + "; ".join(self.flags) + "."
        return s

    def to_dict(self) -> dict:
        """JSON-safe dict (NaN/inf become ``None``)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["flags"] = list(self.flags)
        return jsonable(out)

    @classmethod
    def from_dict(cls, d: Mapping) -> StatResult:
        """The result a :meth:`to_dict` record describes (``None`` numbers become NaN).

        >>> r = StatResult(test="t", estimate=1.5, ci_low=1.1, flags=("x",))
        >>> StatResult.from_dict(r.to_dict()).to_dict() == r.to_dict()
        True
        """
        kw = {}
        for f in fields(cls):
            if f.name not in d:
                continue
            v = d[f.name]
            if f.name in ("estimate", "ci_low", "ci_high", "confidence", "p_value"):
                v = math.nan if v is None else float(v)
            elif f.name == "flags":
                v = tuple(v or ())
            elif f.name in ("statistic", "p_values"):
                v = {k: (math.nan if x is None else x) for k, x in (v or {}).items()}
            kw[f.name] = v
        return cls(**kw)

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.summary()


def not_testable(test: str, exc: InsufficientData, **kw) -> StatResult:
    """The result a test returns instead of raising when ``insufficient="return"``."""
    return StatResult(
        test=test,
        verdict=NOT_TESTABLE,
        flags=(f"not-testable: {exc.detail}",),
        details={"reason": exc.reason, "reason_detail": exc.detail},
        n_influencers=exc.sizes,
        **kw,
    )


def check_sizes(sizes: Mapping[str, int], *, minimum: int = MIN_GROUP) -> list[str]:
    """Raise :class:`InsufficientData` under ``minimum``; return flags under 30."""
    small = {k: v for k, v in sizes.items() if v < minimum}
    if small:
        parts = ", ".join(f"{v} in {k!r}" for k, v in small.items())
        raise InsufficientData(
            f"fewer than {minimum} influencers in a compared group ({parts})", sizes=sizes
        )
    if any(v < SMALL_GROUP for v in sizes.values()):
        return [f"small-sample: fewer than {SMALL_GROUP} influencers in a group"]
    return []


def handle_insufficient(test: str, insufficient: str, fn, *args, **kwargs) -> StatResult:
    """Run ``fn``; on :class:`InsufficientData` raise or return a not-testable result."""
    if insufficient not in ("raise", "return"):
        raise ValueError("insufficient must be 'raise' or 'return'")
    try:
        return fn(*args, **kwargs)
    except InsufficientData as exc:
        if insufficient == "raise":
            raise
        return not_testable(test, exc)


__all__ = [
    "MIN_GROUP",
    "NOT_TESTABLE",
    "SMALL_GROUP",
    "InsufficientData",
    "StatResult",
    "check_sizes",
    "handle_insufficient",
    "not_testable",
]
