"""Prices as written: ``$1,200``, ``€350``, ``USD 90``, ``90 usd`` into an amount and an ISO
currency (:func:`parse_money`), column-wise into Arrow (:func:`money_arrow`)."""

from __future__ import annotations

import math
import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .parse import (
    MISSING_TOKENS,
    as_series,
    combined,
    is_arrow,
    numbers_arrow_ex,
    parse_one,
    unquote,
)

#: Currency symbols (and prefixed dollars) and the ISO 4217 code they stand for.
CURRENCY_SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "r$": "BRL",
    "c$": "CAD",
    "a$": "AUD",
    "₩": "KRW",
    "₺": "TRY",
    "₽": "RUB",
    "₱": "PHP",
    "₦": "NGN",
}
#: ISO 4217 codes recognised next to an amount (``USD 90``, ``90 eur``).
CURRENCY_CODES = frozenset(
    "USD EUR GBP JPY CNY INR BRL CAD AUD CHF SEK NOK DKK ISK PLN CZK HUF RON BGN UAH RUB TRY "
    "MXN ARS CLP COP PEN UYU ZAR NGN KES GHS EGP MAD SAR AED QAR KWD ILS KRW SGD HKD TWD THB "
    "IDR MYR PHP VND NZD PKR BDT LKR".split()
)
_SYM = "|".join(re.escape(k) for k in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
_MONEY_HINT = "[A-Za-z" + "".join(k for k in CURRENCY_SYMBOLS if len(k) == 1) + "]"
_MONEY = re.compile(
    rf"^(?P<pre>{_SYM}|[a-z]{{3}}(?![a-z]))?\s*(?P<num>.*?)\s*(?P<post>{_SYM}|[a-z]{{3}})?$"
)


def parse_money(text: str, decimal: str = ".") -> tuple[float, str | None, str]:
    """One price as written: ``(amount, ISO currency or None, kind)`` with the kinds of
    :func:`parse_one`. ``$1,200``, ``€350``, ``USD 90``, ``90 usd`` and ``1.2k EUR`` carry
    their currency; a bare number has none.

    >>> parse_money("$1,200"), parse_money("€350"), parse_money("USD 90"), parse_money("12")
    ((1200.0, 'USD', 'number'), (350.0, 'EUR', 'number'), (90.0, 'USD', 'number'), (12.0, None, 'number'))
    """
    t = unquote(text).lower()
    m = _MONEY.match(t) if t not in MISSING_TOKENS else None
    cur = None
    if m and (m.group("pre") or m.group("post")) and not (m.group("pre") and m.group("post")):
        sym = m.group("pre") or m.group("post")
        code = CURRENCY_SYMBOLS.get(sym, sym.upper())
        if code in CURRENCY_CODES:
            if not m.group("num"):
                return math.nan, None, "bad"  # a currency and no amount
            cur, t = code, m.group("num")
    value, kind = parse_one(t, decimal)
    return value, (cur if kind == "number" else None), kind


def money_arrow(values, decimal: str = "."):
    """Prices as Arrow ``float64`` amounts and ``string`` currencies (from a symbol or code
    in the cell, else null), with masks of failed and ambiguous cells. Typed numbers pass
    through with no currency.

    >>> amt, cur, bad, amb = money_arrow(pa.array(["$1,200", "€350", "USD 90", "12", "x"]))
    >>> amt.to_pylist(), cur.to_pylist(), bad.tolist()
    ([1200.0, 350.0, 90.0, 12.0, None], ['USD', 'EUR', 'USD', None, None], [False, False, False, False, True])
    """
    n = len(values)
    if is_arrow(values):
        arr = combined(values)
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        text = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
        if not text or not pc.any(pc.match_substring_regex(arr, _MONEY_HINT)).as_py():
            # numbers only (no symbol, no letters): the fast path of plain numbers
            x, failed, amb = numbers_arrow_ex(arr, "cost", decimal)
            return x, pa.nulls(n, pa.string()), failed, amb
        obj = np.asarray(arr.to_pylist(), dtype=object)
    else:
        obj = as_series(values).astype(object).to_numpy()
    amount = np.full(n, np.nan)
    cur = np.full(n, None, dtype=object)
    failed = np.zeros(n, dtype=bool)
    amb = np.zeros(n, dtype=bool)
    cache: dict[str, tuple[float, str | None, str]] = {}
    for i, v in enumerate(obj):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if isinstance(v, bool | np.bool_) or not isinstance(v, str | int | float | np.number):
            failed[i] = True
            continue
        if not isinstance(v, str):
            amount[i] = float(v) if math.isfinite(float(v)) else np.nan
            failed[i] = not math.isfinite(float(v))
            continue
        if v not in cache:
            cache[v] = parse_money(v, decimal)
        val, c, kind = cache[v]
        if kind == "ambiguous":
            amb[i] = True
        elif kind in ("bad", "percent"):
            failed[i] = True
        else:
            amount[i], cur[i] = val, c
    return (
        pa.array(amount, pa.float64(), from_pandas=True),
        pa.array(cur, pa.string()),
        failed,
        amb,
    )


__all__ = ["CURRENCY_CODES", "CURRENCY_SYMBOLS", "money_arrow", "parse_money"]
