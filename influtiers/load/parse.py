"""Parsing values as people write them: counts, dates, yes/no flags and ids.

The public functions take any sequence (a list, a pandas Series, an Arrow array) and are
vectorised; they are what :func:`influtiers.load.load` runs on each chunk of a text input.
The ``*_arrow`` variants return Arrow arrays in the engine types (``float64``,
``timestamp[us, UTC]``, ``bool``, ``string``) plus a numpy mask of the cells that are present
but could not be read; a typed Arrow input (numbers in a number column) takes a fast path
with no Python per cell.

Examples
--------
>>> parse_count(["1.2M", "3,4K", "N/A"]).tolist()
[1200000.0, 3400.0, nan]
>>> parse_strings([" a ", "N/A", "-", 7]).tolist()
['a', <NA>, '-', '7']
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema

__all__ = [
    "HIDDEN_SENTINEL_COLUMNS",
    "ID_COLUMNS",
    "ID_MISSING_TOKENS",
    "MISSING_TOKENS",
    "NO_PERCENT",
    "QUOTES",
    "WHITESPACE",
    "as_series",
    "bools_arrow",
    "combined",
    "dates_arrow",
    "is_arrow",
    "numbers_arrow",
    "numbers_arrow_ex",
    "parse_bool",
    "parse_count",
    "parse_dates",
    "parse_numbers",
    "parse_one",
    "parse_strings",
    "strings_arrow",
    "unparseable_mask",
]

#: Cell text (after ``strip().lower()``) that means "missing" in any column.
MISSING_TOKENS = frozenset(
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
#: In id and text columns a lone ``-`` is a value, not a missing marker.
ID_MISSING_TOKENS = MISSING_TOKENS - {"-"}
#: Quote and apostrophe characters stripped from both ends of a cell (paired or not) before
#: the missing-value check: ``N/A'`` and ``"12"`` are ``N/A`` and ``12``.
QUOTES = "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033"
#: Canonical columns that hold ids: missing only when empty (``NA`` is a user name).
ID_COLUMNS = ("account_id", "post_id")
#: Every character :meth:`str.strip` removes; the engines trim exactly this set too.
WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())
#: Columns in which ``-1`` is a scraper's "hidden" sentinel (-> missing).
HIDDEN_SENTINEL_COLUMNS = ("likes", "comments", "views")
#: Columns where a percentage makes no sense (a percentage there is unparseable).
NO_PERCENT = frozenset({"followers", *schema.COUNT_COLUMNS})

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUM = re.compile(r"([+-]?)([\d.,]*\d)(k|m|mm|mn|b|bn|%)?")
_MULT = {None: 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "%": 0.01}
_EPOCH_STR = re.compile(r"[+-]?\d+(?:\.\d+)?")
_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0", "x", "sponsored", "paid", "ad", "#ad"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0", "organic", "not sponsored"})
_NS_MIN = pd.Timestamp.min.tz_localize("UTC")
_NS_MAX = pd.Timestamp.max.tz_localize("UTC")
_DT = "datetime64[ns, UTC]"
UTC_US = pa.timestamp("us", tz="UTC")


# ------------------------------------------------------------------ helpers
def as_series(values) -> pd.Series:
    if isinstance(values, pd.Series):
        return values
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return pd.Series(values.to_pandas(), dtype=object) if len(values) else pd.Series([])
    return pd.Series(values)


def is_arrow(values) -> bool:
    return isinstance(values, pa.Array | pa.ChunkedArray)


def combined(values) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _grouped(num: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", num) is not None


def unquote(text: str) -> str:
    """Whitespace and quote characters stripped from both ends (paired or not).

    >>> unquote(" 'N/A' "), unquote("N/A'"), unquote('"12"')
    ('N/A', 'N/A', '12')
    """
    return text.strip().strip(QUOTES).strip()


def _decimal_comma(num: str) -> tuple[str | None, bool]:
    """A number of a decimal-comma file (``1.234,5``, ``15.000``, ``3,4``) in Python
    notation; ``(None, True)`` when the cell is ambiguous there (``1.5``, ``1,234.5``,
    ``1,234,567``)."""
    if "." in num and "," in num:
        int_part, dec = num.rsplit(",", 1) if num.rfind(",") > num.rfind(".") else (None, "")
        if int_part is None or not (_grouped(int_part, ".") and dec.isdigit()):
            return None, True
        return int_part.replace(".", "") + "." + dec, False
    if "," in num:
        if num.count(",") > 1:
            return None, True
        return num.replace(",", "."), False
    if "." in num:
        if not _grouped(num, "."):
            return None, True
        return num.replace(".", ""), False
    return num, False


def parse_one(text: str, decimal: str = ".") -> tuple[float, str]:
    """Parse one string: (value, kind) with kind 'missing', 'number', 'percent', 'bad' or
    'ambiguous' (``decimal=","``: a cell a decimal-comma file cannot mean unambiguously)."""
    t = unquote(text).lower()
    if t in MISSING_TOKENS:
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
    if decimal == ",":
        num, ambiguous = _decimal_comma(num)
        if ambiguous:
            return math.nan, "ambiguous"
    elif suf in ("k", "m", "mm", "mn", "b", "bn", "%") and re.fullmatch(r"\d+,\d{1,2}", num):
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


# ------------------------------------------------------------------ numbers
def _slow_numbers(
    obj: np.ndarray, idx: np.ndarray, out, failed, column, decimal=".", ambiguous=None
) -> None:
    """Cell by cell (cached per distinct text) for the positions ``idx``; ambiguous cells
    are marked in ``ambiguous`` (else in ``failed``)."""
    cache: dict[str, tuple[float, str]] = {}
    for i in idx:
        v = obj[i]
        if not isinstance(v, str):
            failed[i] = True  # a list, dict, ... in a numeric column
            continue
        if v not in cache:
            cache[v] = parse_one(v, decimal)
        val, kind = cache[v]
        if kind == "ambiguous" and ambiguous is not None:
            ambiguous[i] = True
            out[i] = np.nan
        elif kind in ("bad", "ambiguous") or (kind == "percent" and column in NO_PERCENT):
            failed[i] = True
            out[i] = np.nan
        else:
            out[i] = val


def parse_numbers(
    values, column: str | None = None, *, hidden: bool = True, decimal: str = ".", ambiguous=None
):
    """Vectorised parse: ``(float64 Series, bool Series of cells that are not numbers)``.

    ``hidden=False`` keeps the ``-1`` sentinel of ``likes``/``comments``/``views`` as ``-1``
    (the engines map it to missing and count it). ``decimal=","`` reads a decimal-comma
    file (``15.000`` is 15000, ``2,5`` is 2.5); its ambiguous cells are marked in the
    boolean array ``ambiguous`` when one is given (else they fail).
    """
    s = as_series(values)
    idx = s.index
    if len(s) == 0:
        return pd.Series([], index=idx, dtype="float64"), pd.Series([], index=idx, dtype=bool)
    if pd.api.types.is_bool_dtype(s.dtype):
        failed = s.notna().to_numpy(dtype=bool)
        out = np.full(len(s), np.nan)
    elif pd.api.types.is_numeric_dtype(s.dtype):
        out = s.astype("float64").to_numpy(copy=True, na_value=np.nan)
        failed = np.isinf(out)
        out[failed] = np.nan
    else:
        obj = s.astype(object)
        isna = pd.isna(obj).to_numpy()
        kind = pd.api.types.infer_dtype(obj, skipna=True)
        if kind in ("string", "empty", "floating", "integer", "mixed-integer-float"):
            is_bool = np.zeros(len(obj), dtype=bool)
        else:
            is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in obj), bool, len(obj))
        fast = pd.to_numeric(obj.where(~is_bool), errors="coerce").to_numpy("float64", copy=True)
        if decimal == ",":  # a plain cast reads 15.000 as 15: such cells go cell by cell
            sep = obj.map(lambda v: isinstance(v, str) and ("." in v or "," in v)).to_numpy(bool)
            fast[sep] = np.nan
        out = fast.copy()
        failed = np.isinf(out) | is_bool
        out[failed] = np.nan
        slow = np.isnan(fast) & ~isna & ~is_bool
        if slow.any():
            _slow_numbers(
                obj.to_numpy(), np.flatnonzero(slow), out, failed, column, decimal, ambiguous
            )
    if hidden and column in HIDDEN_SENTINEL_COLUMNS:
        out[out == -1] = np.nan
    return pd.Series(out, index=idx, dtype="float64"), pd.Series(failed, index=idx, dtype=bool)


def numbers_arrow(values, column: str | None = None) -> tuple[pa.Array, np.ndarray]:
    """Numbers as an Arrow ``float64`` array (missing -> null, ``-1`` kept) and a failure mask.

    Typed Arrow numbers pass through (infinite values fail); Arrow text is cast in C++ when
    every cell is a plain number and parsed cell by cell otherwise.

    >>> arr, bad = numbers_arrow(pa.array(["1.2k", "", "x", "-1"]), "likes")
    >>> arr.to_pylist(), bad.tolist()
    ([1200.0, None, None, -1.0], [False, False, True, False])
    """
    arr, failed, ambiguous = numbers_arrow_ex(values, column)
    return arr, failed | ambiguous


def numbers_arrow_ex(
    values, column: str | None = None, decimal: str = "."
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """:func:`numbers_arrow` with the decimal separator of the file (``","``: a
    decimal-comma file) and a separate mask of the cells that are ambiguous there.

    >>> arr, bad, amb = numbers_arrow_ex(pa.array(["15.000", "2,5", "1.5", "x"]), decimal=",")
    >>> arr.to_pylist(), bad.tolist(), amb.tolist()
    ([15000.0, 2.5, None, None], [False, False, False, True], [False, False, True, False])
    """
    none = np.zeros(len(values), dtype=bool)
    if is_arrow(values):
        arr = combined(values)
        t = arr.type
        if pa.types.is_dictionary(t):
            arr, t = arr.dictionary_decode(), t.value_type
        if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
            x = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
            failed = np.isinf(x)
            out = pa.array(np.where(failed, np.nan, x), pa.float64(), from_pandas=True)
            return out, failed, none
        plain = decimal == "." or not pc.any(pc.match_substring_regex(arr, r"[.,]")).as_py()
        if (pa.types.is_string(t) or pa.types.is_large_string(t)) and plain:
            blank = pc.equal(pc.utf8_length(arr), 0)
            text = pc.if_else(blank, pa.scalar(None, arr.type), arr)
            try:
                # writable: the cell-by-cell rules below may overwrite cells (without
                # a missing value the array would be Arrow's own, read-only, memory)
                x = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False, writable=True)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                x = None
            if x is not None:
                failed = np.zeros(len(x), dtype=bool)
                odd = np.flatnonzero(
                    ~np.isfinite(x) & text.is_valid().to_numpy(zero_copy_only=False)
                )
                if len(odd):  # nan/inf spelled out: the cell-by-cell rules decide
                    _slow_numbers(
                        np.asarray(text.to_pylist(), dtype=object), odd, x, failed, column
                    )
                return pa.array(x, pa.float64(), from_pandas=True), failed, none
    ambiguous = none.copy()
    vals, failed = parse_numbers(values, column, hidden=False, decimal=decimal, ambiguous=ambiguous)
    arr = pa.array(vals.to_numpy(), pa.float64(), from_pandas=True)
    return arr, failed.to_numpy(), ambiguous


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
    return parse_numbers(values, column)[0]


def unparseable_mask(values, *, column: str | None = None) -> pd.Series:
    """Boolean Series: True where a cell is present but not a number.

    A missing value (empty, ``N/A``, ...) is *not* unparseable.

    Examples
    --------
    >>> unparseable_mask(["12", "", "twelve", "1.2M", "2,5"]).tolist()
    [False, False, True, False, True]
    """
    return parse_numbers(values, column)[1]


# ------------------------------------------------------------------ dates
def _epoch_to_datetime(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Epoch numbers (s, ms, us or ns by magnitude) -> (UTC datetime array, failed)."""
    x = np.asarray(x, dtype="float64")
    ax = np.abs(x)
    div = np.select([ax < 1e11, ax < 1e14, ax < 1e17], [1.0, 1e3, 1e6], 1e9)
    sec = x / div
    failed = ~np.isnan(x) & ~(np.abs(sec) < 9.2e9)
    sec = np.where(failed | np.isnan(x), np.nan, sec)
    ns = pd.to_datetime(pd.Series(sec), unit="s", utc=True, errors="coerce")
    if ns.dt.tz is None:  # every value missing or out of range: pandas returns naive NaT
        ns = ns.dt.tz_localize("UTC")
    return ns.array, failed


def _to_ns(parsed: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cast parsed UTC datetimes to nanoseconds; out-of-range values -> NaT and flagged."""
    oob = (parsed.notna() & ((parsed < _NS_MIN) | (parsed > _NS_MAX))).to_numpy(dtype=bool)
    if oob.any():
        parsed = parsed.mask(oob)
    return parsed.astype(_DT), oob


def _parse_text_dates(ts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Date strings to UTC (ISO 8601 first, then mixed formats); returns the parsed values
    and a mask of the ones that failed or fall outside the nanosecond range."""
    parsed = pd.to_datetime(ts, utc=True, format="ISO8601", errors="coerce")
    rest = parsed.isna().to_numpy()
    if rest.any():
        parsed[rest] = pd.to_datetime(ts[rest], utc=True, format="mixed", errors="coerce")
    bad = parsed.isna().to_numpy()
    parsed, oob = _to_ns(parsed)
    return parsed, bad | oob


def _parse_date_strings(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised :func:`parse_dates` for a column of strings."""
    t = s.astype("string").str.strip().str.strip(QUOTES).str.strip()
    missing = (t.isna() | t.str.lower().isin(list(MISSING_TOKENS))).to_numpy(dtype=bool)
    is_num = t.str.fullmatch(_EPOCH_STR.pattern).fillna(False).to_numpy(dtype=bool) & ~missing
    num = pd.to_numeric(t.where(is_num), errors="coerce").to_numpy(dtype="float64")
    is_epoch = is_num & (np.abs(num) >= 1e8)
    out = pd.Series(pd.NaT, index=s.index, dtype=_DT)
    failed = np.zeros(len(s), dtype=bool)
    if is_epoch.any():
        vals, bad = _epoch_to_datetime(num[is_epoch])
        out[is_epoch] = pd.Series(vals).astype(_DT).array
        failed[np.flatnonzero(is_epoch)[bad]] = True
    text = ~missing & ~is_epoch
    if text.any():
        parsed, bad = _parse_text_dates(t[text])
        out[text] = parsed.array
        failed[np.flatnonzero(text)[bad]] = True
    return out, pd.Series(failed, index=s.index)


def _parse_mixed_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cell by cell for an object column mixing numbers, strings and timestamps."""
    obj = s.astype(object).to_numpy()
    failed = np.zeros(len(s), dtype=bool)
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
            t = unquote(v)
            if t.lower() in MISSING_TOKENS:
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
        parsed, bad = _parse_text_dates(pd.Series(list(texts.values())))
        for p, v, b in zip(pos, parsed, bad, strict=True):
            result[p] = v
            failed[p] = b
    res = pd.to_datetime(pd.Series(result, index=s.index), utc=True)
    res, oob = _to_ns(res)
    return res, pd.Series(failed | oob, index=s.index)


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
    s = as_series(values)
    idx = s.index
    none = pd.Series(np.zeros(len(s), dtype=bool), index=idx)
    if len(s) == 0:
        return pd.Series(pd.NaT, index=idx, dtype=_DT), none
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").astype(_DT), none
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.dt.tz_localize("UTC").astype(_DT), none
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        vals, failed = _epoch_to_datetime(s.to_numpy(dtype="float64", na_value=np.nan))
        return pd.Series(vals, index=idx).astype(_DT), pd.Series(failed, index=idx)
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return _parse_date_strings(s)
    return _parse_mixed_dates(s)


def dates_arrow(values) -> tuple[pa.Array, np.ndarray]:
    """Dates as Arrow ``timestamp[us, UTC]`` (truncated to microseconds) and a failure mask.

    >>> arr, bad = dates_arrow(pa.array(["2020-01-02", "x", None]))
    >>> [str(v) for v in arr.to_pylist()], bad.tolist()
    (['2020-01-02 00:00:00+00:00', 'None', 'None'], [False, True, False])
    """
    if is_arrow(values):
        arr = combined(values)
        if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
            if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
                arr = arr.cast(pa.timestamp(arr.type.unit, tz="UTC"))
            elif pa.types.is_date(arr.type):
                arr = arr.cast(pa.timestamp("us"))
            out = pc.cast(arr.cast(pa.timestamp(arr.type.unit)), pa.timestamp("us"), safe=False)
            return out.cast(UTC_US), np.zeros(len(arr), dtype=bool)
    vals, failed = parse_dates(values)
    ns = pa.array(vals.astype(_DT).array.asi8, pa.int64(), mask=vals.isna().to_numpy())
    us = pc.divide(ns, 1000)  # integer division truncates
    return us.cast(pa.timestamp("us")).cast(UTC_US), failed.to_numpy(dtype=bool)


# ------------------------------------------------------------------ flags
def parse_bool(values) -> tuple[pd.Series, pd.Series]:
    """Parse yes/no flags: ``(boolean Series with <NA>, failed mask)``.

    Examples
    --------
    >>> v, bad = parse_bool(["yes", "FALSE", "", 1, "maybe"])
    >>> v.tolist(), bad.tolist()
    ([True, False, <NA>, True, <NA>], [False, False, False, False, True])
    """
    s = as_series(values)
    idx = s.index
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), pd.Series(np.zeros(len(s), dtype=bool), index=idx)
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        t = s.astype("string").str.strip().str.strip(QUOTES).str.strip().str.lower()
        true = t.isin(list(_TRUE)).to_numpy(dtype=bool)
        false = t.isin(list(_FALSE)).to_numpy(dtype=bool)
        missing = (t.isna() | t.isin(list(MISSING_TOKENS))).to_numpy(dtype=bool)
        out = pd.Series(pd.NA, index=idx, dtype="boolean")
        out[true] = True
        out[false] = False
        return out, pd.Series(~(true | false | missing), index=idx, dtype=bool)
    out = np.full(len(s), pd.NA, dtype=object)
    failed = np.zeros(len(s), dtype=bool)
    for i, v in enumerate(s.astype(object)):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, bool | np.bool_):
            out[i] = bool(v)
            continue
        t = unquote(str(v)).lower()
        if t in _TRUE:
            out[i] = True
        elif t in _FALSE:
            out[i] = False
        elif t not in MISSING_TOKENS:
            failed[i] = True
    return pd.Series(out, index=idx, dtype="boolean"), pd.Series(failed, index=idx, dtype=bool)


def bools_arrow(values) -> tuple[pa.Array, np.ndarray]:
    """Flags as an Arrow ``bool`` array and a failure mask (typed booleans pass through).

    >>> arr, bad = bools_arrow(["yes", "no", "?"])
    >>> arr.to_pylist(), bad.tolist()
    ([True, False, None], [False, False, True])
    """
    if is_arrow(values) and pa.types.is_boolean(values.type):
        return combined(values), np.zeros(len(values), dtype=bool)
    vals, failed = parse_bool(values)
    arr = pa.array(vals.to_numpy(dtype=object, na_value=None), pa.bool_())
    return arr, failed.to_numpy(dtype=bool)


# ------------------------------------------------------------------ ids and text
def parse_strings(values, *, lower: bool = False, ident: bool = False) -> pd.Series:
    """Ids and text: stripped ``string`` Series; missing tokens (after stripping quotes)
    -> ``<NA>`` (``-`` is kept). An id (``ident=True``: ``account_id``, ``post_id``) is
    missing only when it is empty: ``NA``, ``null`` or ``None`` are names.

    Whole floats print as integers (ids stored as floats would otherwise read ``123.0``).

    >>> parse_strings([1.0, 2.0, None]).tolist()
    ['1', '2', <NA>]
    >>> parse_strings(["NA", "'n/a'", ""]).tolist(), parse_strings(["NA", ""], ident=True).tolist()
    ([<NA>, <NA>, <NA>], ['NA', <NA>])
    """
    s = as_series(values)
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.dropna()
        if len(whole) and np.all(np.mod(whole, 1) == 0):
            s = s.astype("Int64")
    if pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty"):
        s = s.astype(object).where(s.notna(), None)
        s = s.map(lambda v: None if v is None else str(v), na_action="ignore")
    s = s.astype("string").str.strip()
    if ident:
        s = s.mask(s == "")
    else:
        bare = s.str.strip(QUOTES).str.strip().str.lower()
        s = s.mask(bare.isin(list(ID_MISSING_TOKENS)) | (s == ""))
    return s.str.lower() if lower else s


def strings_arrow(values, *, lower: bool = False, ident: bool = False) -> pa.Array:
    """Ids and text as an Arrow ``string`` array, cleaned as :func:`parse_strings`.

    >>> strings_arrow(pa.array([" A ", "n/a", "-"]), lower=True).to_pylist()
    ['a', None, '-']
    >>> strings_arrow(pa.array([" null ", ""]), ident=True).to_pylist()
    ['null', None]
    """
    if is_arrow(values):
        arr = combined(values)
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
            arr = pc.utf8_trim(arr.cast(pa.string()), characters=WHITESPACE)
            low = pc.utf8_lower(arr)
            if ident:
                gone = pc.equal(pc.utf8_length(arr), 0)
            else:
                bare = pc.utf8_trim(pc.utf8_trim(low, characters=QUOTES), characters=WHITESPACE)
                gone = pc.is_in(bare, value_set=pa.array(sorted(ID_MISSING_TOKENS)))
            return pc.if_else(gone, pa.scalar(None, pa.string()), low if lower else arr)
        if pa.types.is_integer(arr.type):
            return arr.cast(pa.string())
    s = parse_strings(values, lower=lower, ident=ident)
    return pa.array(s.to_numpy(dtype=object, na_value=None), pa.string())
