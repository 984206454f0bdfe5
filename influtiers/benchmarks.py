"""Published benchmark figures bundled with influtiers (``data/benchmarks/*.csv``).

Each row is one published figure with where it was seen (``seen``: ``primary`` or
``quoted``) and what it measures (``metric`` names the numerator and the denominator).
Load them with :func:`load_benchmarks`.

Examples
--------
>>> sorted(list_benchmarks())
['claims_figures', 'engagement_rates', 'market_size', 'prices']
>>> er = load_benchmarks("engagement_rates")
>>> float(er.loc[er["source"].eq("Mediakix 2017") & er["band_label"].eq("micro"), "value"].iloc[0])
0.0275
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .config import BENCHMARKS_DIR
from .errors import BenchmarkError

_CORE = (
    "source",
    "publisher",
    "year",
    "url",
    "quoted_by",
    "seen",
    "confidence",
    "sample",
    "platform",
    "metric",
    "value",
    "unit",
    "note",
)
_BANDED = ("band_label", "lower", "upper", "value_low", "value_high")

#: Benchmark tables: file stem -> (description, required columns).
BENCHMARKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "engagement_rates": (
        "Published engagement rates by follower band (value is a fraction; metric names "
        "numerator and denominator).",
        (*_CORE, *_BANDED),
    ),
    "claims_figures": (
        "Non-rate figures behind the claims (ratios, medians of likes, survey shares, "
        "the Wies et al. 2023 inverted U).",
        (*_CORE, *_BANDED, "figure", "comparison"),
    ),
    "prices": (
        "Price per post in USD by tier and platform (ranges in value_low/value_high) and the "
        "$100 per 10,000 followers rule of thumb.",
        (*_CORE, *_BANDED),
    ),
    "market_size": (
        "Global influencer-marketing market size, billion USD, Influencer Marketing Hub series "
        "(figure_year, projected flag).",
        (*_CORE, "figure_year", "projected"),
    ),
}

_SEEN = {"primary", "quoted"}
_CONFIDENCE = {"normal", "low"}
_FLOATS = ("lower", "upper", "value", "value_low", "value_high")
_INTS = ("year", "figure_year")


def list_benchmarks() -> dict[str, str]:
    """Available benchmark tables: name -> one-line description."""
    return {k: v[0] for k, v in BENCHMARKS.items()}


def band_midpoints(lower, upper) -> np.ndarray:
    """Geometric midpoint of follower bands; an open or zero end is taken one decade from
    the other end (e.g. "<1k" -> 100–1k, "1M+" -> 1M–10M)."""
    lo = pd.to_numeric(pd.Series(lower), errors="coerce").to_numpy(dtype=float)
    hi = pd.to_numeric(pd.Series(upper), errors="coerce").to_numpy(dtype=float)
    lo = np.where(lo > 0, lo, np.nan)
    lo2 = np.where(np.isnan(lo), hi / 10, lo)
    hi2 = np.where(np.isnan(hi), lo2 * 10, hi)
    return np.sqrt(lo2 * hi2)


def load_benchmarks(kind: str = "engagement_rates", *, path: str | Path | None = None):
    """One benchmark table as a DataFrame with proper dtypes.

    ``kind`` is one of :func:`list_benchmarks` (``engagement_rates``, ``prices``,
    ``market_size``, ``claims_figures``). Strings are ``string``, bounds and values
    ``float64`` (empty ``upper`` = open band, i.e. NaN), years nullable ``Int64``,
    ``projected`` ``boolean``. Raises :class:`BenchmarkError` if required columns
    are missing or ``seen``/``confidence`` hold unknown values.
    """
    if kind not in BENCHMARKS:
        raise KeyError(f"unknown benchmark table {kind!r}; known: {', '.join(BENCHMARKS)}")
    p = Path(path) if path is not None else BENCHMARKS_DIR / f"{kind}.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    required = BENCHMARKS[kind][1]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise BenchmarkError(f"{p.name}: missing required column(s) {', '.join(missing)}")
    for c in df.columns:
        if c in _FLOATS:
            df[c] = pd.to_numeric(df[c], errors="raise").astype("float64")
        elif c in _INTS:
            df[c] = pd.to_numeric(df[c], errors="raise").astype("Int64")
        elif c == "projected":
            df[c] = df[c].str.lower().map({"true": True, "false": False}).astype("boolean")
        else:
            df[c] = df[c].astype("string")
    bad_seen = set(df["seen"].dropna()) - _SEEN
    bad_conf = set(df["confidence"].dropna()) - _CONFIDENCE
    if bad_seen or bad_conf or df["seen"].isna().any():
        raise BenchmarkError(
            f"{p.name}: seen must be one of {sorted(_SEEN)} and confidence one of "
            f"{sorted(_CONFIDENCE)}; got {sorted(bad_seen | bad_conf) or 'missing seen'}"
        )
    if "lower" in df and "upper" in df:
        both = df["lower"].notna() & df["upper"].notna()
        if (df.loc[both, "upper"] <= df.loc[both, "lower"]).any():
            raise BenchmarkError(f"{p.name}: a band has upper <= lower")
    df.attrs.update({"benchmark": kind, "path": str(p)})
    return df
