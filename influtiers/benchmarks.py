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
    "title",
    "definition",
    "sample_size",
)
_BANDED = ("band_label", "lower", "upper", "value_low", "value_high")
#: How a figure was reported: its data period, whether ``value`` was derived here, and the
#: uncertainty the source gives (unit count, SE, SD, CI and its level); empty = not reported.
_FIGURE = ("data_period", "value_derived", "n", "se", "sd", "ci_low", "ci_high", "ci_level")

#: Benchmark tables: file stem -> (description, required columns).
BENCHMARKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "engagement_rates": (
        "Published engagement rates by follower band (value is a fraction; metric names "
        "numerator and denominator).",
        (*_CORE, *_BANDED, *_FIGURE),
    ),
    "claims_figures": (
        "Non-rate figures behind the claims (ratios, medians of likes, survey shares, reach "
        "rates, elasticities, revenue per follower, the Wies et al. 2023 inverted U).",
        (*_CORE, *_BANDED, *_FIGURE, "figure", "comparison"),
    ),
    "prices": (
        "Price per post (or per deal) in USD by tier and platform: pricing guides (ranges in "
        "value_low/value_high), marketplace and survey averages, the $100 per 10,000 "
        "followers rule of thumb.",
        (*_CORE, *_BANDED, *_FIGURE),
    ),
    "market_size": (
        "Global influencer-marketing market size, billion USD, Influencer Marketing Hub series "
        "(figure_year, projected flag).",
        (*_CORE, "figure_year", "projected"),
    ),
}

_SEEN = {"primary", "quoted"}
#: ``unverified``: method or sample not stated, or provenance unclear ([U] in the research
#: notes); such figures are claims to test, never ground truth.
_CONFIDENCE = {"normal", "low", "unverified"}
_FLOATS = (
    *("lower", "upper", "value", "value_low", "value_high"),
    *("n", "se", "sd", "ci_low", "ci_high", "ci_level"),
)
_INTS = ("year", "figure_year")
_BOOLS = ("projected", "value_derived")
#: Text columns every row must fill (write "not stated" / "not recorded" when unknown).
_FILLED = ("source", "url", "platform", "band_label", "title", "definition", "sample_size")


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
    ``market_size``, ``claims_figures``); ``path`` reads another file with that table's
    columns. Strings are ``string``, bounds, values and the reported uncertainty (``n``,
    ``se``, ``sd``, ``ci_low``, ``ci_high``, ``ci_level``) ``float64`` (empty ``upper`` =
    open band, i.e. NaN), years nullable ``Int64``, ``projected`` and ``value_derived``
    ``boolean``.

    Raises :class:`BenchmarkError` (naming the file, line and column) if required columns
    are missing, ``seen``/``confidence`` hold unknown values (``confidence`` is ``normal``,
    ``low`` or ``unverified``), a provenance text column (source, url, platform, band,
    title, definition, sample size) is empty, a band or range is reversed, a CI has one
    bound only or does not contain ``value``, ``ci_level`` is outside (0, 1), or ``n``,
    ``se`` or ``sd`` is not positive.
    """
    if kind not in BENCHMARKS:
        raise KeyError(f"unknown benchmark table {kind!r}; known: {', '.join(BENCHMARKS)}")
    p = Path(path) if path is not None else BENCHMARKS_DIR / f"{kind}.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")

    def _bad_rows(mask, column: str, what: str) -> None:  # names file, lines and column
        mask = pd.Series(mask, index=df.index).fillna(False).astype(bool)
        if mask.any():
            lines = ", ".join(str(i + 2) for i in df.index[mask][:5])  # line 1: header
            raise BenchmarkError(f"{p.name} line(s) {lines}, column {column!r}: {what}")

    required = BENCHMARKS[kind][1]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise BenchmarkError(f"{p.name}: missing required column(s) {', '.join(missing)}")
    for c in df.columns:
        if c in _FLOATS:
            df[c] = pd.to_numeric(df[c], errors="raise").astype("float64")
        elif c in _INTS:
            df[c] = pd.to_numeric(df[c], errors="raise").astype("Int64")
        elif c in _BOOLS:
            low = df[c].str.lower()
            _bad_rows(low.notna() & ~low.isin(["true", "false"]), c, "not true/false")
            df[c] = low.map({"true": True, "false": False}).astype("boolean")
        else:
            df[c] = df[c].astype("string")
    bad_seen = set(df["seen"].dropna()) - _SEEN
    bad_conf = set(df["confidence"].dropna()) - _CONFIDENCE
    if bad_seen or bad_conf or df["seen"].isna().any():
        raise BenchmarkError(
            f"{p.name}: seen must be one of {sorted(_SEEN)} and confidence one of "
            f"{sorted(_CONFIDENCE)}; got {sorted(bad_seen | bad_conf) or 'missing seen'}"
        )
    for c in _FILLED:
        if c in required:
            empty = df[c].isna() | df[c].str.strip().eq("")
            _bad_rows(empty, c, "empty (write 'not stated' when the source does not say)")
    for lo, hi, what in (("lower", "upper", "a band"), ("value_low", "value_high", "a range")):
        if lo in df and hi in df:
            _bad_rows(df[hi] <= df[lo], hi, f"{what} has {hi} <= {lo}")
    if "ci_low" in df and "ci_high" in df:
        _bad_rows(df["ci_low"].isna() ^ df["ci_high"].isna(), "ci_low", "one CI bound")
        _bad_rows(df["ci_high"] <= df["ci_low"], "ci_high", "ci_high <= ci_low")
        outside = (df["value"] < df["ci_low"]) | (df["value"] > df["ci_high"])
        _bad_rows(outside, "value", "value outside its CI")
    if "ci_level" in df:
        _bad_rows((df["ci_level"] <= 0) | (df["ci_level"] >= 1), "ci_level", "not in (0, 1)")
    for c in ("n", "se", "sd"):
        if c in df:
            _bad_rows(df[c] <= 0, c, "must be positive")
    df.attrs.update({"benchmark": kind, "path": str(p)})
    return df
