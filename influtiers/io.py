"""Reading, column mapping, number parsing, validation and quarantine of post tables.

Everything a study reads goes through :func:`load_posts`. It accepts a DataFrame, a
file (CSV/TSV with any delimiter, Parquet, JSON Lines / JSON array), a directory in
a known dataset format (see :mod:`influtiers.adapters`) or a bundled dataset name,
maps the columns to the canonical posts table (:mod:`influtiers.schema`), parses
numbers as people write them (``1.2M``, ``3,4K``, ``12,345``), and validates every
row. Nothing is dropped silently: every input row is either accepted or
quarantined with one reason code, and ``rows_in == accepted + quarantined``.

Validation order (a rejected row carries the first rule that applies):

1. ``missing_account_id``  account_id empty
2. ``unparseable_number``  a numeric cell is not a number (missing is fine)
3. ``unparseable_date``    posted_at is not a date
4. ``unparseable_boolean`` sponsored is not true/false
5. ``negative_count``      followers, a count or cost < 0 (after ``-1`` = hidden in
   likes/comments/views)
6. ``missing_followers``   no follower count on the post (nor in the accounts table)
7. ``orphan_post``         followers needed from the accounts table, account not in it
8. ``zero_followers``      followers == 0
9. ``no_engagement``       none of the present likes/comments columns has a value
10. ``duplicate_post``     same (platform, account_id, post_id) accepted earlier

Row numbers (``row``) are 1-based data rows as the user sees them: the first row
after the header of a CSV is row 1; in JSON Lines the row is the line number; in a
DataFrame it is the position + 1.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"Username": ["a", "b", ""], "Followers": ["1.2K", "0", "5"],
...                    "n_likes": ["10", "3", "1"]})
>>> res = load_posts(df)
>>> res.report.rows_in, res.report.accepted, res.report.reasons
(3, 1, {'missing_account_id': 1, 'zero_followers': 1})
>>> res.posts["followers"].tolist()
[1200.0]
"""

from __future__ import annotations

import csv
import io as _io
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import schema
from .errors import DataError, DataFileNotFoundError

__all__ = [
    "DataError",
    "DataFileNotFoundError",
    "LoadResult",
    "ValidationReport",
    "ALIASES",
    "load_posts",
    "read_table",
    "parse_count",
    "unparseable_mask",
    "parse_dates",
    "parse_bool",
    "map_columns",
]


# ------------------------------------------------------------------ column names
#: Built-in aliases: normalised export name -> canonical column. Names are matched after
#: :func:`_norm_name` (lower case, runs of non-alphanumerics -> ``_``), so ``"Follower Count"``,
#: ``"follower-count"`` and ``"#Followers"`` (-> ``followers``) all match.
ALIASES: dict[str, str] = {}
_ALIAS_LISTS: dict[str, tuple[str, ...]] = {
    "account_id": (
        "account",
        "account_name",
        "username",
        "user_name",
        "user",
        "handle",
        "author",
        "author_name",
        "creator",
        "influencer",
        "influencer_name",
        "owner",
        "owner_username",
        "screen_name",
        "user_id",
        "channel",
        "channel_id",
        "channel_name",
        "profile",
    ),
    "followers": (
        "follower",
        "follower_count",
        "followers_count",
        "n_followers",
        "num_followers",
        "number_of_followers",
        "nb_followers",
        "subscribers",
        "subscriber_count",
        "subscribers_count",
        "fans",
        "fan_count",
        "audience",
        "audience_size",
    ),
    "likes": (
        "like",
        "like_count",
        "likes_count",
        "n_likes",
        "num_likes",
        "number_of_likes",
        "nb_likes",
        "hearts",
        "heart_count",
        "digg_count",
        "favorite_count",
        "favourites",
    ),
    "comments": (
        "comment",
        "comment_count",
        "comments_count",
        "n_comments",
        "num_comments",
        "number_of_comments",
        "nb_comments",
        "replies",
        "reply_count",
    ),
    "shares": (
        "share",
        "share_count",
        "shares_count",
        "n_shares",
        "num_shares",
        "retweets",
        "retweet_count",
        "reposts",
    ),
    "saves": (
        "save",
        "save_count",
        "saves_count",
        "n_saves",
        "num_saves",
        "saved",
        "bookmarks",
        "bookmark_count",
    ),
    "views": (
        "view",
        "view_count",
        "views_count",
        "n_views",
        "num_views",
        "plays",
        "play_count",
        "n_plays",
        "num_plays",
        "video_views",
        "video_view_count",
        "video_plays",
    ),
    "reach": ("reach_count", "unique_reach", "accounts_reached"),
    "impressions": ("impression", "impression_count", "impressions_count", "n_impressions"),
    "post_id": ("post", "id", "media_id", "shortcode", "video_id", "tweet_id", "postid"),
    "posted_at": (
        "timestamp",
        "date",
        "datetime",
        "time",
        "created_at",
        "create_time",
        "created_time",
        "creation_time",
        "taken_at",
        "taken_at_timestamp",
        "published_at",
        "publish_time",
        "post_date",
        "posted",
        "posted_on",
        "upload_date",
        "date_posted",
    ),
    "sponsored": (
        "is_sponsored",
        "is_ad",
        "ad",
        "ads",
        "paid",
        "is_paid",
        "paid_partnership",
        "branded_content",
        "sponsored_post",
        "is_branded",
    ),
    "brand": ("brand_name", "sponsor", "sponsor_name", "advertiser"),
    "cost": ("price", "fee", "spend", "cost_per_post", "post_cost"),
    "currency": ("cur", "currency_code"),
    "category": ("niche", "topic", "vertical", "content_category"),
    "country": ("country_code", "market", "location_country"),
    "platform": ("network", "social_network", "social_platform", "site"),
}
for _canon, _names in _ALIAS_LISTS.items():
    ALIASES[_canon] = _canon
    for _n in _names:
        ALIASES[_n] = _canon
#: Aliases that are too ambiguous in an accounts table (there ``id`` is the account).
_POST_ONLY_ALIASES = frozenset({"id", "post"})
_ROW_FIELDS = ("row", "reason", "column", "detail")


def _norm_name(name: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def _clean_header(name: Any) -> str:
    """Header text as shown to users: whitespace (incl. quoted newlines) collapsed."""
    return re.sub(r"\s+", " ", str(name)).strip()


def _load_mapping(mapping) -> dict[str, str]:
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        out = dict(mapping)
    else:
        path = Path(mapping)
        if not path.exists():
            raise DataFileNotFoundError(f"mapping file not found: {path}")
        text = path.read_text(encoding="utf-8-sig")
        try:
            if path.suffix.lower() == ".json":
                out = json.loads(text)
            else:
                import yaml

                out = yaml.safe_load(text)
        except Exception as e:  # yaml.YAMLError, json.JSONDecodeError
            raise DataError(f"{path}: cannot read the column mapping: {e}") from None
        if not isinstance(out, Mapping):
            raise DataError(f"{path}: a column mapping must be {{your_column: canonical_column}}")
    bad = {k: v for k, v in out.items() if v not in schema.POST_COLUMNS}
    if bad:
        k, v = next(iter(bad.items()))
        raise DataError(
            f"column mapping: {k!r} -> {v!r}: {v!r} is not a canonical column "
            f"(one of {', '.join(schema.POST_COLUMNS)})"
        )
    return {str(k): str(v) for k, v in out.items()}


def map_columns(
    columns: Iterable, mapping: Mapping[str, str] | None = None, *, accounts: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Decide which input column supplies each canonical column.

    Parameters
    ----------
    columns : iterable
        The input column names.
    mapping : dict, optional
        ``{user_column: canonical_column}``; keys match case- and whitespace-insensitively
        and win over the built-in :data:`ALIASES`.
    accounts : bool
        Map an accounts table (``id`` is then not taken as a post id).

    Returns
    -------
    (dict, list of str)
        ``{canonical: input_column}`` and warnings (ambiguous or unused names).

    Examples
    --------
    >>> map_columns(["User Name", "Follower Count", "likes"])[0]
    {'account_id': 'User Name', 'followers': 'Follower Count', 'likes': 'likes'}
    """
    cols = list(columns)
    warnings: list[str] = []
    user = {_norm_name(k): v for k, v in (mapping or {}).items()}
    out: dict[str, Any] = {}
    how: dict[str, str] = {}
    for c in cols:
        key = _norm_name(c)
        if key in user:
            target, kind = user[key], "mapping"
        elif key in ALIASES and not (accounts and key in _POST_ONLY_ALIASES):
            target, kind = ALIASES[key], ("exact" if key == ALIASES[key] else "alias")
        else:
            continue
        rank = {"mapping": 0, "exact": 1, "alias": 2}
        if target in out:
            if rank[kind] < rank[how[target]]:
                warnings.append(f"column {out[target]!r} ignored: {c!r} supplies {target}")
                out[target], how[target] = c, kind
            else:
                warnings.append(f"column {c!r} ignored: {out[target]!r} supplies {target}")
            continue
        out[target], how[target] = c, kind
    unused = [k for k in (mapping or {}) if _norm_name(k) not in {_norm_name(c) for c in cols}]
    if unused and not accounts:
        warnings.append(f"mapping names columns that are not in the data: {', '.join(unused)}")
    return {k: out[k] for k in schema.POST_COLUMNS if k in out}, warnings


# ------------------------------------------------------------------ parsing
_MISSING_TOKENS = frozenset(
    {
        "",
        "n/a",
        "na",
        "-",
        "--",
        "—",
        "–",
        "#valor!",
        "#value!",
        "#n/a",
        "#div/0!",
        "null",
        "none",
        "nan",
        "nat",
        "<na>",
    }
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUM = re.compile(r"([+-]?)([\d.,]*\d)(k|m|mm|mn|b|bn|%)?")
_MULT = {None: 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "%": 0.01}
#: Columns in which ``-1`` is a scraper's "hidden" sentinel (-> missing).
HIDDEN_SENTINEL_COLUMNS = ("likes", "comments", "views")


def _grouped(num: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", num) is not None


def _parse_one(text: str) -> tuple[float, str]:
    """Parse one string: (value, kind) with kind 'missing', 'number', 'percent' or 'bad'."""
    t = text.strip().lower()
    if t in _MISSING_TOKENS:
        return math.nan, "missing"
    t = _SPACES.sub("", t)
    m = _NUM.fullmatch(t)
    if not m:
        try:
            v = float(t)
        except ValueError:
            return math.nan, "bad"
        return (v, "number") if math.isfinite(v) else (math.nan, "bad")
    sign, num, suf = m.groups()
    if suf in ("k", "m", "mm", "mn", "b", "bn", "%") and re.fullmatch(r"\d+,\d{1,2}", num):
        num = num.replace(",", ".")  # 3,4K: decimal comma before a suffix
    elif "," in num and "." in num:
        dec_sep = "," if num.rfind(",") > num.rfind(".") else "."
        thou = "." if dec_sep == "," else ","
        int_part, dec = num.rsplit(dec_sep, 1)
        if not (_grouped(int_part, thou) and dec.isdigit()):
            return math.nan, "bad"
        num = int_part.replace(thou, "") + "." + dec
    elif "," in num:
        if not _grouped(num, ","):
            return math.nan, "bad"  # 2,5 without a suffix is ambiguous
        num = num.replace(",", "")
    elif num.count(".") > 1:
        if not _grouped(num, "."):
            return math.nan, "bad"
        num = num.replace(".", "")
    try:
        v = float(num) * _MULT[suf]
    except ValueError:
        return math.nan, "bad"
    v = -v if sign == "-" else v
    return v, ("percent" if suf == "%" else "number")


def _as_series(values) -> pd.Series:
    return values if isinstance(values, pd.Series) else pd.Series(values)


def _parse_numeric(values, column: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Vectorised parse: (float64 values, bool mask of cells that are not numbers)."""
    s = _as_series(values)
    idx = s.index
    if len(s) == 0:
        return pd.Series([], index=idx, dtype="float64"), pd.Series([], index=idx, dtype=bool)
    if pd.api.types.is_bool_dtype(s.dtype):
        failed = s.notna().to_numpy(dtype=bool)
        out = np.full(len(s), np.nan)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        out = s.astype("float64").to_numpy(copy=True)
        failed = np.isinf(out)
        out[failed] = np.nan
    else:
        obj = s.astype(object)
        isna = pd.isna(obj).to_numpy()
        if pd.api.types.infer_dtype(obj, skipna=True) in (
            "string",
            "empty",
            "floating",
            "integer",
            "mixed-integer-float",
        ):
            is_bool = np.zeros(len(obj), dtype=bool)
        else:
            is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in obj), bool, len(obj))
        fast = pd.to_numeric(obj.where(~is_bool), errors="coerce").astype("float64").to_numpy()
        out = fast.copy()
        failed = np.isinf(out) | is_bool
        out[failed] = np.nan
        slow = np.isnan(fast) & ~isna & ~is_bool
        if slow.any():
            cache: dict[str, tuple[float, str]] = {}
            for i in np.flatnonzero(slow):
                v = obj.iat[i]
                if not isinstance(v, str):
                    failed[i] = True  # a list, dict, ... in a numeric column
                    continue
                if v not in cache:
                    cache[v] = _parse_one(v)
                val, kind = cache[v]
                if kind == "bad" or (kind == "percent" and column in _NO_PERCENT):
                    failed[i] = True
                else:
                    out[i] = val
    if column in HIDDEN_SENTINEL_COLUMNS:
        out[out == -1] = np.nan
    return pd.Series(out, index=idx, dtype="float64"), pd.Series(failed, index=idx, dtype=bool)


#: Columns where a percentage makes no sense (a percentage there is unparseable).
_NO_PERCENT = frozenset({"followers", *schema.COUNT_COLUMNS})


def parse_count(values, *, column: str | None = None) -> pd.Series:
    """Parse human-written counts into a float Series (missing -> NaN).

    Understands ``1.2M``, ``475.8m``, ``2.5k``, ``1B``, ``3,4K`` (comma as the decimal
    separator when followed by 1-2 digits and a K/M/B suffix), ``12,345``, ``1 234``,
    ``1.234.567``, ``1.234,5``, ``1e5`` and ``1.39%`` (-> 0.0139). ``N/A``, ``NA``,
    ``-``, ``#VALOR!``, ``#VALUE!``, ``#N/A``, ``#DIV/0!``, ``null``, ``None`` and empty
    are missing. Unparseable cells are NaN too: use :func:`unparseable_mask` to find them.

    Parameters
    ----------
    values : sequence or Series
        Strings and/or numbers.
    column : str, optional
        Canonical column the values belong to. In ``likes``, ``comments`` and ``views``
        a ``-1`` is a scraper's "hidden" sentinel and becomes missing; in ``followers``
        and count columns a percentage is unparseable.

    Examples
    --------
    >>> parse_count(["1.2M", "3,4K", "12,345", "1 234", "1.39%", "N/A", "-1"]).tolist()
    [1200000.0, 3400.0, 12345.0, 1234.0, 0.0139, nan, -1.0]
    >>> parse_count(["-1", "7"], column="likes").tolist()
    [nan, 7.0]
    """
    return _parse_numeric(values, column)[0]


def unparseable_mask(values, *, column: str | None = None) -> pd.Series:
    """Boolean Series: True where a cell is present but not a number.

    A missing value (empty, ``N/A``, ...) is *not* unparseable.

    Examples
    --------
    >>> unparseable_mask(["12", "", "twelve", "1.2M", "2,5"]).tolist()
    [False, False, True, False, True]
    """
    return _parse_numeric(values, column)[1]


_EPOCH_STR = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _epoch_to_datetime(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Epoch numbers (s, ms, us or ns by magnitude) -> (datetime64[ns] array, failed)."""
    x = np.asarray(x, dtype="float64")
    ax = np.abs(x)
    div = np.select([ax < 1e11, ax < 1e14, ax < 1e17], [1.0, 1e3, 1e6], 1e9)
    sec = x / div
    failed = ~np.isnan(x) & ~(np.abs(sec) < 9.2e9)
    sec = np.where(failed | np.isnan(x), np.nan, sec)
    ns = pd.to_datetime(pd.Series(sec), unit="s", utc=True, errors="coerce")
    return ns.to_numpy(), failed


def parse_dates(values) -> tuple[pd.Series, pd.Series]:
    """Parse dates to UTC: ``(datetime64[ns, UTC] Series, failed mask)``.

    Numbers (and digit strings >= 1e8) are Unix epochs in s, ms, us or ns (by
    magnitude); strings are ISO 8601 or any format pandas understands; naive times are
    taken as UTC; missing tokens give NaT (not a failure).

    Examples
    --------
    >>> d, bad = parse_dates(["2020-11-06T22:20:19Z", "1604701219", "", "soon"])
    >>> d.dt.strftime("%Y-%m-%d").tolist(), bad.tolist()
    (['2020-11-06', '2020-11-06', nan, nan], [False, False, False, True])
    """
    s = _as_series(values)
    idx = s.index
    dtype = "datetime64[ns, UTC]"
    out = pd.Series(pd.NaT, index=idx, dtype=dtype)
    failed = np.zeros(len(s), dtype=bool)
    if len(s) == 0:
        return out, pd.Series(failed, index=idx)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").astype(dtype), pd.Series(failed, index=idx)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.dt.tz_localize("UTC").astype(dtype), pd.Series(failed, index=idx)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        vals, failed = _epoch_to_datetime(s.to_numpy(dtype="float64", na_value=np.nan))
        return pd.Series(vals, index=idx).astype(dtype), pd.Series(failed, index=idx)
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return _parse_date_strings(s, dtype)
    obj = s.astype(object).to_numpy()
    result = np.full(len(s), pd.NaT, dtype=object)
    texts: dict[int, str] = {}
    epochs: dict[int, float] = {}
    for i, v in enumerate(obj):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT or v is pd.NA:
            continue
        if isinstance(v, bool | np.bool_):
            failed[i] = True
        elif isinstance(v, int | float | np.integer | np.floating):
            epochs[i] = float(v)
        elif isinstance(v, pd.Timestamp):
            result[i] = v.tz_localize("UTC") if v.tzinfo is None else v.tz_convert("UTC")
        elif isinstance(v, str):
            t = v.strip()
            if t.lower() in _MISSING_TOKENS:
                continue
            if _EPOCH_STR.fullmatch(t) and abs(float(t)) >= 1e8:
                epochs[i] = float(t)
            else:
                texts[i] = t
        else:
            failed[i] = True
    if epochs:
        pos = np.fromiter(epochs, int, len(epochs))
        vals, bad = _epoch_to_datetime(np.fromiter(epochs.values(), float, len(epochs)))
        for p, v, b in zip(pos, vals, bad, strict=True):
            result[p] = pd.NaT if b else pd.Timestamp(v)
            failed[p] = b
    if texts:
        pos = np.fromiter(texts, int, len(texts))
        parsed, bad = _parse_text_dates(pd.Series(list(texts.values())), dtype)
        for p, v, b in zip(pos, parsed, bad, strict=True):
            result[p] = v
            failed[p] = b
    res = pd.to_datetime(pd.Series(result, index=idx), utc=True)
    res, oob = _to_ns(res, dtype)
    failed |= oob
    return res, pd.Series(failed, index=idx)


_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")


def _to_ns(parsed: pd.Series, dtype: str) -> tuple[pd.Series, np.ndarray]:
    """Cast parsed UTC datetimes to nanoseconds; out-of-range values -> NaT and flagged."""
    oob = (parsed.notna() & ((parsed < _NS_MIN) | (parsed > _NS_MAX))).to_numpy(dtype=bool)
    if oob.any():
        parsed = parsed.mask(oob)
    return parsed.astype(dtype), oob


def _parse_text_dates(ts: pd.Series, dtype: str) -> tuple[pd.Series, np.ndarray]:
    """Date strings to UTC (ISO 8601 first, then mixed formats); returns the parsed values
    and a mask of the ones that failed or fall outside the nanosecond range."""
    parsed = pd.to_datetime(ts, utc=True, format="ISO8601", errors="coerce")
    rest = parsed.isna().to_numpy()
    if rest.any():
        parsed[rest] = pd.to_datetime(ts[rest], utc=True, format="mixed", errors="coerce")
    bad = parsed.isna().to_numpy()
    parsed, oob = _to_ns(parsed, dtype)
    return parsed, bad | oob


def _parse_date_strings(s: pd.Series, dtype: str) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_dates` for a column of strings."""
    t = s.astype("string").str.strip()
    missing = (t.isna() | t.str.lower().isin(list(_MISSING_TOKENS))).to_numpy(dtype=bool)
    is_num = t.str.fullmatch(_EPOCH_STR.pattern).fillna(False).to_numpy(dtype=bool) & ~missing
    num = pd.to_numeric(t.where(is_num), errors="coerce").to_numpy(dtype="float64")
    is_epoch = is_num & (np.abs(num) >= 1e8)
    out = pd.Series(pd.NaT, index=s.index, dtype=dtype)
    failed = np.zeros(len(s), dtype=bool)
    if is_epoch.any():
        vals, bad = _epoch_to_datetime(num[is_epoch])
        out[is_epoch] = pd.Series(vals).astype(dtype).array
        failed[np.flatnonzero(is_epoch)[bad]] = True
    text = ~missing & ~is_epoch
    if text.any():
        parsed, bad = _parse_text_dates(t[text], dtype)
        out[text] = parsed.array
        failed[np.flatnonzero(text)[bad]] = True
    return out, pd.Series(failed, index=s.index)


_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "x", "sponsored", "paid", "ad", "#ad"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "organic", "not sponsored"})


def parse_bool(values) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no flags: ``(boolean Series with <NA>, failed mask)``.

    Examples
    --------
    >>> v, bad = parse_bool(["yes", "FALSE", "", 1, "maybe"])
    >>> v.tolist(), bad.tolist()
    ([True, False, <NA>, True, <NA>], [False, False, False, False, True])
    """
    s = _as_series(values)
    out = np.full(len(s), pd.NA, dtype=object)
    failed = np.zeros(len(s), dtype=bool)
    for i, v in enumerate(s.astype(object)):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, bool | np.bool_):
            out[i] = bool(v)
            continue
        t = str(v).strip().lower()
        if t in _TRUE:
            out[i] = True
        elif t in _FALSE:
            out[i] = False
        elif t in _MISSING_TOKENS:
            continue
        else:
            failed[i] = True
    return (
        pd.Series(out, index=s.index, dtype="boolean"),
        pd.Series(failed, index=s.index, dtype=bool),
    )


def _parse_string(values) -> pd.Series:
    s = _as_series(values)
    if pd.api.types.is_float_dtype(s.dtype):
        # ids stored as floats (NaN forces float) would print as "123.0"
        whole = s.dropna()
        if len(whole) and np.all(np.mod(whole, 1) == 0):
            s = s.astype("Int64")
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        s = s.astype(object).where(s.notna(), None)
        s = s.map(lambda v: None if v is None else str(v), na_action="ignore")
    s = s.astype("string").str.strip()
    return s.mask(s.str.lower().isin(list(_MISSING_TOKENS - {"-"})) | (s == ""))


# ------------------------------------------------------------------ reading
_SUFFIX_KIND = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".psv": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json",
}  # fmt: skip


def _sniff_delimiter(sample: str, suffix: str) -> str:
    default = "\t" if suffix in (".tsv", ".tab") else ("|" if suffix == ".psv" else ",")
    lines = sample.splitlines(keepends=True)
    if len(sample) >= 65536 and len(lines) > 1:
        sample = "".join(lines[:-1])  # the last line may be cut
    best, best_score = default, (False, 1, False)
    for d in (",", ";", "\t", "|"):
        try:
            rows = [r for r in islice(csv.reader(_io.StringIO(sample), delimiter=d), 50) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        widths = {len(r) for r in rows}
        score = (len(widths) == 1, len(rows[0]), d == default)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_file(path: Path) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """Read one table file: (raw frame, 1-based row numbers, warnings)."""
    if not path.exists():
        raise DataFileNotFoundError(f"file not found: {path}")
    if path.is_dir():
        raise DataError(f"{path} is a directory, not a table file")
    suffix = path.suffix.lower()
    kind = _SUFFIX_KIND.get(suffix)
    warnings: list[str] = []
    if kind is None:
        if suffix in (".xlsx", ".xls"):
            raise DataError(f"{path}: Excel files are not read directly; save the sheet as CSV")
        kind = "csv"
    if kind == "parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as e:
            raise DataError(f"{path}: cannot read Parquet: {e}") from None
        df = df.reset_index(drop=True)
        return df, np.arange(1, len(df) + 1), warnings
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        warnings.append(f"{path}: not UTF-8 (first bad byte on line {line}); read as cp1252")
        text = raw.decode("cp1252", errors="replace")
    if kind == "json" and text.lstrip().startswith("["):
        try:
            recs = json.loads(text)
        except json.JSONDecodeError as e:
            raise DataError(
                f"{path}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
            ) from None
        for i, r in enumerate(recs, 1):
            if not isinstance(r, dict):
                raise DataError(f"{path}: record {i} is not a JSON object")
        return pd.DataFrame.from_records(recs), np.arange(1, len(recs) + 1), warnings
    if kind in ("json", "jsonl"):
        recs, rows = [], []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(
                    f"{path}: line {n}: invalid JSON at column {e.colno}: {e.msg}"
                ) from None
            if not isinstance(r, dict):
                raise DataError(f"{path}: line {n}: not a JSON object")
            recs.append(r)
            rows.append(n)
        return pd.DataFrame.from_records(recs), np.asarray(rows, dtype=int), warnings
    sep = _sniff_delimiter(text[:65536], suffix)
    try:
        df = pd.read_csv(
            _io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
            skip_blank_lines=True,
        )  # fmt: skip
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m:
            raise DataError(
                f"{path}: line {m.group(2)}: {m.group(3)} fields where the header has "
                f"{m.group(1)} (delimiter {sep!r}); quote values that contain it"
            ) from None
        raise DataError(f"{path}: cannot parse as delimited text: {e}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no header line") from None
    df.columns = [_clean_header(c) for c in df.columns]
    return df, np.arange(1, len(df) + 1), warnings


def read_table(path) -> pd.DataFrame:
    """Read a table file as it is (CSV/TSV values stay strings).

    CSV/TSV: the delimiter (``,`` ``;`` tab ``|``) is sniffed, a UTF-8 BOM is removed,
    quoted newlines are allowed (in headers they become spaces), non-UTF-8 text falls
    back to cp1252. Parquet keeps its types. ``.jsonl``/``.ndjson``/``.json``: JSON Lines
    (one object a line) or a JSON array of objects.

    Raises
    ------
    DataError
        Naming the file and the line for malformed input.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("\\ufeffa;b\\n1;2,5\\n")
    >>> read_table(p).to_dict("records")
    [{'a': '1', 'b': '2,5'}]
    """
    return _read_file(Path(path))[0]


def _read_accounts(accounts, mapping: dict[str, str]) -> tuple[pd.DataFrame, str, list[str]]:
    """Canonical accounts table with raw followers text and row numbers."""
    if isinstance(accounts, pd.DataFrame):
        raw, rows, warn, name = accounts.reset_index(drop=True), None, [], "accounts table"
        rows = np.arange(1, len(raw) + 1)
    else:
        path = Path(accounts)
        if not path.exists():
            raise DataFileNotFoundError(f"accounts file not found: {path}")
        raw, rows, warn = _read_file(path)
        name = str(path)
    cmap, w = map_columns(raw.columns, mapping, accounts=True)
    warn += w
    missing = [c for c in ("account_id", "followers") if c not in cmap]
    if missing:
        raise DataError(
            f"{name}: missing required column(s) {', '.join(missing)} in the accounts table; "
            f"columns present: {', '.join(map(str, raw.columns))}"
        )
    acc = pd.DataFrame({c: raw[cmap[c]] for c in cmap if c in schema.ACCOUNT_COLUMNS})
    acc["account_id"] = _parse_string(acc["account_id"])
    if "platform" in acc:
        acc["platform"] = _parse_string(acc["platform"]).str.lower()
    acc["_row"] = rows
    keys = ["account_id", *(["platform"] if "platform" in acc else [])]
    acc = acc[acc["account_id"].notna()]
    dup = acc.duplicated(keys, keep="first")
    if dup.any():
        warn.append(
            f"{name}: {int(dup.sum())} repeated account(s) (first kept), e.g. row "
            f"{int(acc.loc[dup, '_row'].iloc[0])}"
        )
        acc = acc[~dup]
    return acc.reset_index(drop=True), name, warn


# ------------------------------------------------------------------ report
@dataclass
class ValidationReport:
    """What happened to every input row.

    ``rows_in == accepted + quarantined`` always (checked on construction).
    ``quarantine`` holds the rejected rows as read plus ``row`` (source row number),
    ``reason`` (a code from :data:`influtiers.schema.REASONS`), ``column`` and
    ``detail``; adapters add ``file``.
    """

    source: str
    rows_in: int
    accepted: int
    quarantined: int
    reasons: dict[str, int]
    quarantine: pd.DataFrame
    duplicates_removed: int = 0
    hidden_counts: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    adapter: str | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.rows_in == self.accepted + self.quarantined, (
            f"row accounting broken: {self.rows_in} in != {self.accepted} accepted "
            f"+ {self.quarantined} quarantined"
        )
        assert self.quarantined == len(self.quarantine) == sum(self.reasons.values())

    def examples(self, reason: str, n: int = 5) -> list[int]:
        """The first ``n`` source row numbers quarantined for ``reason``."""
        q = self.quarantine
        if not len(q):
            return []
        return [int(r) for r in q.loc[q["reason"] == reason, "row"].head(n)]

    def _example_text(self, reason: str, n: int = 3) -> list[str]:
        q = self.quarantine
        sel = q.loc[q["reason"] == reason].head(n)
        if "file" in q:
            return [f"{f} row {r}" for f, r in zip(sel["file"], sel["row"], strict=True)]
        return [f"row {r}" for r in sel["row"]]

    def summary(self) -> str:
        """Multi-line human-readable summary.

        Examples
        --------
        >>> import pandas as pd
        >>> r = load_posts(pd.DataFrame({"account_id": ["a", "a"], "followers": [10, 10],
        ...                              "post_id": [1, 1], "likes": [1, 2]})).report
        >>> print(r.summary())  # doctest: +NORMALIZE_WHITESPACE
        source: DataFrame (2 rows)
        rows in: 2   accepted: 1   quarantined: 1
          duplicate_post  1  the same (platform, account_id, post_id) appeared earlier
                             (e.g. row 2)
        """
        head = f"source: {self.source}" + (f" (adapter {self.adapter})" if self.adapter else "")
        lines = [
            head,
            f"rows in: {self.rows_in}   accepted: {self.accepted}   "
            f"quarantined: {self.quarantined}",
        ]
        width = max((len(k) for k in self.reasons), default=0)
        num_w = len(str(self.rows_in))
        for code, n in self.reasons.items():
            ex = self._example_text(code)
            more = ", ..." if n > len(ex) else ""
            lines.append(f"  {code:<{width}}  {n:>{num_w}}  {schema.REASONS.get(code, '')}")
            lines.append(" " * (width + 6 + num_w) + f"(e.g. {', '.join(ex)}{more})")
        for col, n in self.hidden_counts.items():
            lines.append(f"note: {n} hidden {col} count(s) (-1) read as missing")
        for note in self.notes:
            lines.append(f"note: {note}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: counts, reasons with descriptions and example rows, warnings."""
        return {
            "source": self.source,
            "adapter": self.adapter,
            "rows_in": int(self.rows_in),
            "accepted": int(self.accepted),
            "quarantined": int(self.quarantined),
            "reasons": {k: int(v) for k, v in self.reasons.items()},
            "reason_descriptions": {k: schema.REASONS.get(k, "") for k in self.reasons},
            "examples": {k: self.examples(k) for k in self.reasons},
            "duplicates_removed": int(self.duplicates_removed),
            "hidden_counts": {k: int(v) for k, v in self.hidden_counts.items()},
            "columns": {k: str(v) for k, v in self.columns.items()},
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def write_quarantine(self, path) -> Path:
        """Write the quarantined rows to ``path`` (``.parquet``/``.pq`` or else CSV)."""
        path = Path(path)
        q = self.quarantine
        if path.suffix.lower() in (".parquet", ".pq"):
            q = q.copy()
            for c in q.columns:
                if q[c].dtype == object:
                    q[c] = q[c].map(lambda v: v if v is None or isinstance(v, str) else str(v))
            q.to_parquet(path, index=False)
        else:
            q.to_csv(path, index=False)
        return path


@dataclass
class LoadResult:
    """Output of :func:`load_posts`: the canonical ``posts`` and the ``report``."""

    posts: pd.DataFrame
    report: ValidationReport
    source: str
    adapter: str | None = None


# ------------------------------------------------------------------ sources
def _describe_frame(df: pd.DataFrame) -> str:
    return f"DataFrame ({len(df)} rows)"


def _read_source(source, adapter: str | None):
    """-> raw, row numbers, files (or None), description, adapter, warnings, notes, pre_q."""
    if isinstance(source, pd.DataFrame):
        if adapter:
            raise DataError("adapter= applies to files and directories, not to a DataFrame")
        raw = source.reset_index(drop=True)
        return raw, np.arange(1, len(raw) + 1), None, _describe_frame(raw), None, [], [], None
    desc = None
    if isinstance(source, str) and not Path(source).exists():
        from .datasets import resolve_bundled

        bundled = resolve_bundled(source)
        if bundled is not None:
            if not Path(bundled).exists():
                raise DataFileNotFoundError(
                    f"bundled dataset {source!r} is not available (expected at {bundled})"
                )
            desc = f"bundled:{source} ({bundled})"
            source = bundled
    path = Path(source)
    if not path.exists():
        raise DataFileNotFoundError(f"file not found: {path}")
    from . import adapters as _adapters

    name = adapter or _adapters.detect(path)
    if name is None and path.is_dir():
        raise DataError(
            f"{path} is a directory but not in a known dataset format "
            f"(known: {', '.join(_adapters.ADAPTERS)}); pass a file or adapter="
        )
    if name is not None:
        ad = _adapters.get_adapter(name)
        raw, notes, pre_q = ad.read(path)
        raw = raw.reset_index(drop=True)
        rows = raw["_row"].to_numpy() if "_row" in raw else np.arange(1, len(raw) + 1)
        files = raw["_file"].astype(str).to_numpy() if "_file" in raw else None
        raw = raw.drop(columns=[c for c in ("_row", "_file") if c in raw])
        return raw, rows, files, desc or str(path), ad.name, [], list(notes), pre_q
    raw, rows, warn = _read_file(path)
    return raw, rows, None, desc or str(path), None, warn, [], None


# ------------------------------------------------------------------ validation
def load_posts(
    source,
    *,
    accounts=None,
    mapping=None,
    adapter: str | None = None,
    strict: bool = False,
) -> LoadResult:
    """Load, map, parse and validate a posts table.

    Parameters
    ----------
    source : DataFrame, path or str
        A DataFrame; a CSV/TSV/Parquet/JSON Lines file; a directory in a known dataset
        format (:mod:`influtiers.adapters`); or a bundled dataset name such as ``"demo"``.
    accounts : DataFrame or path, optional
        Accounts table joined on ``account_id`` (and ``platform`` when both have it) to
        supply ``followers`` (and ``category``/``country``) where the post lacks them.
        Follower counts on the post win.
    mapping : dict or path, optional
        ``{your_column: canonical_column}`` or a YAML/JSON file holding it. Applied before
        the built-in :data:`ALIASES` (case/whitespace-insensitive).
    adapter : str, optional
        Dataset format name (default: detected for directories and known files).
    strict : bool
        Raise :class:`DataError` naming the first problems (up to 5) if any row would be
        quarantined.

    Returns
    -------
    LoadResult
        ``posts`` (canonical columns and dtypes) and ``report``.

    Raises
    ------
    DataError
        Unreadable input; required columns missing (``account_id``; ``followers`` without
        an accounts table; at least one of ``likes``/``comments``); strict failures.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({"handle": ["a", "b"], "likes": ["1.2k", "x"]})
    >>> accts = pd.DataFrame({"account_id": ["a", "b"], "Followers": ["10K", "200"]})
    >>> res = load_posts(posts, accounts=accts)
    >>> res.posts[["account_id", "followers", "likes"]].values.tolist()
    [['a', 10000.0, 1200.0]]
    >>> res.report.reasons
    {'unparseable_number': 1}
    """
    user_map = _load_mapping(mapping)
    raw, rows, files, desc, adapter_name, warnings, notes, pre_q = _read_source(source, adapter)
    warnings = list(warnings)
    cmap, w = map_columns(raw.columns, user_map)
    warnings += w
    ignored = [str(c) for c in raw.columns if c not in cmap.values()]
    if ignored and adapter_name is None:
        shown = ", ".join(ignored[:8]) + (", ..." if len(ignored) > 8 else "")
        warnings.append(f"columns not used: {shown}")
    where = desc
    missing_req = [c for c in ("account_id",) if c not in cmap]
    if "followers" not in cmap and accounts is None:
        missing_req.append("followers")
    if missing_req:
        raise DataError(
            f"{where}: missing required column(s) {', '.join(missing_req)}"
            + (" (or pass an accounts table)" if "followers" in missing_req else "")
            + f"; columns present: {', '.join(map(str, raw.columns)) or '(none)'}"
        )
    if not any(c in cmap for c in schema.ENGAGEMENT_ANY):
        raise DataError(
            f"{where}: needs likes or comments (no such column); "
            f"columns present: {', '.join(map(str, raw.columns))}"
        )

    n = len(raw)
    reason = np.full(n, "", dtype=object)
    rcol = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)

    def flag(mask, code: str, column: str, det) -> None:
        m = np.asarray(mask, dtype=bool) & (reason == "")
        if not m.any():
            return
        reason[m] = code
        rcol[m] = column
        if callable(det):  # built only when needed: it is a Python loop over all rows
            det = det()
        detail[m] = det[m] if isinstance(det, np.ndarray) else det

    def shown(col: str) -> np.ndarray:
        """Per-row detail text: the input column name and the value as read."""
        vals = raw[cmap[col]].astype(object).to_numpy()
        return np.array([f"{cmap[col]}={v!r}" for v in vals], dtype=object)

    out: dict[str, pd.Series] = {}
    # 1. account_id
    acct = _parse_string(raw[cmap["account_id"]])
    out["account_id"] = acct
    flag(acct.isna(), "missing_account_id", "account_id", "account_id is empty")
    for c in ("post_id", "brand", "currency", "category", "country"):
        if c in cmap:
            out[c] = _parse_string(raw[cmap[c]])
    if "platform" in cmap:
        out["platform"] = _parse_string(raw[cmap["platform"]]).str.lower()
    # 2. numbers
    hidden: dict[str, int] = {}
    num_fail: dict[str, np.ndarray] = {}
    for c in schema.NUMERIC_COLUMNS:
        if c in cmap:
            vals, bad = _parse_numeric(raw[cmap[c]], c)
            if c in HIDDEN_SENTINEL_COLUMNS:
                pre = _parse_numeric(raw[cmap[c]])[0]
                k = int(((pre == -1) & vals.isna()).sum())
                if k:
                    hidden[c] = k
            out[c] = vals.reset_index(drop=True)
            num_fail[c] = bad.to_numpy()
    # accounts join
    orphan = np.zeros(n, dtype=bool)
    acc_detail = np.full(n, "", dtype=object)
    if accounts is not None:
        acc, acc_name, w = _read_accounts(accounts, user_map)
        warnings += w
        keys = ["account_id"]
        if "platform" in out and "platform" in acc:
            keys.append("platform")
        left = pd.DataFrame({k: out[k] for k in keys})
        left["_pos"] = np.arange(n)
        a_f, a_bad = _parse_numeric(acc["followers"], "followers")
        right = acc[keys].copy()
        right["_af"], right["_abad"], right["_arow"] = a_f.to_numpy(), a_bad.to_numpy(), acc["_row"]
        right["_araw"] = acc["followers"].astype(object).to_numpy()
        for c in ("category", "country"):
            if c in acc:
                right["_" + c] = _parse_string(acc[c]).to_numpy()
        j = left.merge(right, on=keys, how="left", sort=False).sort_values("_pos")
        assert len(j) == n  # accounts were de-duplicated on the keys
        found = j["_arow"].notna().to_numpy()
        post_f = out.get("followers", pd.Series(np.nan, index=range(n)))
        post_bad = num_fail.get("followers", np.zeros(n, dtype=bool))
        need = post_f.isna().to_numpy() & ~post_bad
        af = j["_af"].to_numpy(dtype="float64")
        out["followers"] = pd.Series(np.where(need, af, post_f.to_numpy()), dtype="float64")
        abad = need & j["_abad"].fillna(False).to_numpy(dtype=bool)
        num_fail["followers"] = post_bad | abad
        arow = j["_arow"].to_numpy()
        araw = j["_araw"].to_numpy()
        for i in np.flatnonzero(abad):
            acc_detail[i] = f"followers={araw[i]!r} in {acc_name} row {int(arow[i])}"
        orphan = need & ~found & acct.notna().to_numpy()
        for c in ("category", "country"):
            if "_" + c in j:
                filled = pd.Series(j["_" + c].to_numpy(), dtype="string")
                out[c] = out[c].fillna(filled) if c in out else filled
        if "followers" not in cmap:
            cmap_followers_from = acc_name
        else:
            cmap_followers_from = None
    else:
        cmap_followers_from = None
    for c in schema.POST_COLUMNS:  # first failing numeric column in canonical order
        if c in num_fail:

            def det(c=c):
                base = shown(c) if c in cmap else np.full(n, "", dtype=object)
                return np.where(acc_detail != "", acc_detail, base) if c == "followers" else base

            flag(num_fail[c], "unparseable_number", c, det)
    # 3. dates, 4. flags
    if "posted_at" in cmap:
        d, bad = parse_dates(raw[cmap["posted_at"]])
        out["posted_at"] = d.reset_index(drop=True)
        flag(bad.to_numpy(), "unparseable_date", "posted_at", lambda: shown("posted_at"))
    if "sponsored" in cmap:
        b, bad = parse_bool(raw[cmap["sponsored"]])
        out["sponsored"] = b.reset_index(drop=True)
        flag(bad.to_numpy(), "unparseable_boolean", "sponsored", lambda: shown("sponsored"))
    # 5. negative
    for c in schema.POST_COLUMNS:
        if c in schema.NUMERIC_COLUMNS and c in out:
            neg = (out[c] < 0).to_numpy()
            flag(neg, "negative_count", c, lambda c=c: np.array([f"{c}={v:g}" for v in out[c]]))
    # 6.-8. followers
    fol = out["followers"].to_numpy(dtype="float64")
    flag(
        np.isnan(fol) & ~orphan,
        "missing_followers",
        "followers",
        (lambda: shown("followers")) if "followers" in cmap else "no followers column",
    )
    flag(orphan, "orphan_post", "account_id", "account_id not in the accounts table")
    flag(fol == 0, "zero_followers", "followers", "followers=0")
    # 9. engagement
    eng = [c for c in schema.ENGAGEMENT_ANY if c in out]
    none = np.logical_and.reduce([out[c].isna().to_numpy() for c in eng])
    flag(none, "no_engagement", "/".join(eng), f"{' and '.join(eng)} missing")
    # 10. duplicates among rows that pass everything else
    dups = 0
    if "post_id" in out:
        keys = [k for k in ("platform", "account_id", "post_id") if k in out]
        kf = pd.DataFrame({k: out[k] for k in keys})
        ok = (reason == "") & kf["post_id"].notna().to_numpy()
        sub = kf[ok]
        dmask = sub.duplicated(keep="first").to_numpy()
        if dmask.any():
            first = sub.drop_duplicates(keep="first").reset_index()
            first = first.rename(columns={"index": "_first"})
            m = sub.reset_index().merge(first, on=keys, how="left")
            full = np.zeros(n, dtype=bool)
            pos = np.flatnonzero(ok)[dmask]
            full[pos] = True
            det = np.full(n, "", dtype=object)
            firsts = m["_first"].to_numpy()[dmask]
            for p, f in zip(pos, firsts, strict=True):
                det[p] = f"same post as row {rows[f]}" + (
                    f" ({files[f]})" if files is not None else ""
                )
            dups = int(dmask.sum())
            flag(full, "duplicate_post", "post_id", det)

    # -------- assemble
    rejected = reason != ""
    q = raw.loc[rejected].copy()
    q.columns = [f"{c} (input)" if c in (*_ROW_FIELDS, "file") else c for c in q.columns]
    extra = {"row": rows[rejected].astype(int)}
    if files is not None:
        extra["file"] = files[rejected]
    extra.update(reason=reason[rejected], column=rcol[rejected], detail=detail[rejected])
    q = q.assign(**extra)
    if pre_q is not None and len(pre_q):
        q = pd.concat([pre_q, q], ignore_index=True, sort=False)
    q = q.reset_index(drop=True)
    lead = [c for c in ("file", "row", "reason", "column", "detail") if c in q]
    q = q[lead + [c for c in q.columns if c not in lead]]
    if len(q) == 0:
        q = pd.DataFrame({c: pd.Series(dtype=object) for c in ("row", *_ROW_FIELDS[1:])})

    posts = pd.DataFrame(
        {c: out[c].reset_index(drop=True) for c in schema.POST_COLUMNS if c in out}
    )
    posts = posts.loc[~rejected].reset_index(drop=True)
    for c in posts.columns:
        posts[c] = posts[c].astype(schema.DTYPES[c])
    counts = q["reason"].value_counts() if len(q) else pd.Series(dtype=int)
    reasons = {str(k): int(v) for k, v in sorted(counts.items())}
    if pre_q is not None and len(pre_q):
        dups += int((pre_q["reason"] == "duplicate_post").sum())
    col_src = {k: str(v) for k, v in cmap.items()}
    if cmap_followers_from:
        col_src["followers"] = f"{cmap_followers_from} (accounts)"
    pre_n = 0 if pre_q is None else len(pre_q)
    report = ValidationReport(
        source=desc,
        rows_in=n + pre_n,
        accepted=len(posts),
        quarantined=len(q),
        reasons=reasons,
        quarantine=q,
        duplicates_removed=dups,
        hidden_counts=hidden,
        columns=col_src,
        warnings=warnings,
        adapter=adapter_name,
        notes=notes,
    )
    if strict and report.quarantined:
        probs = []
        for _, r in q.head(5).iterrows():
            loc = f"{r['file']} " if "file" in q and isinstance(r.get("file"), str) else ""
            col = f", column {r['column']}" if r["column"] else ""
            probs.append(f"{loc}row {r['row']}{col}: {r['reason']} ({r['detail']})")
        raise DataError(
            f"{desc}: {report.quarantined} of {report.rows_in} rows would be quarantined "
            f"({', '.join(f'{k} {v}' for k, v in reasons.items())}); first: " + "; ".join(probs)
        )
    return LoadResult(posts=posts, report=report, source=desc, adapter=adapter_name)
