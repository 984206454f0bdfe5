"""Staging: raw chunks -> Arrow batches in the engine types, with the first parse failure.

A staged batch has ``_file`` (index of the input file), ``_row``, the canonical columns
present (``string``, ``float64``, ``timestamp[us, UTC]``, ``bool``; ``-1`` kept in the
hidden-sentinel columns, which the engine reads as missing and counts), and per row:
``_fail_reason``/``_fail_column``/``_fail_detail`` (the first cell that could not be read:
numbers in canonical column order, then the date, then the flag; the detail names the
input column and the value as written, e.g. ``Followers='abc'``) and ``_fmiss`` (how a
missing follower count was written). Adapter input adds ``_pre_reason``,
``_pre_column`` and ``_pre_detail``.

This module also reads the optional accounts table (small; read whole).

Examples
--------
>>> import pandas as pd
>>> from influtiers.load.read import FrameTable
>>> ch = next(FrameTable(pd.DataFrame({"user": ["a"], "Likes": ["lots"]})).chunks())
>>> b = stage_chunk(ch, {"account_id": "user", "likes": "Likes"}, 0)
>>> b.column("_fail_detail").to_pylist()
["Likes='lots'"]
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema
from ..errors import DataError, DataFileNotFoundError
from .columns import map_columns
from .money import money_arrow
from .parse import (
    ID_COLUMNS,
    UTC_US,
    bools_arrow,
    dates_arrow,
    numbers_arrow_ex,
    strings_arrow,
)
from .read import Chunk, FrameTable, TableFile, open_table
from .validate_sql import AccountsLayout

__all__ = [
    "FAIL_COLUMNS",
    "staged_columns",
    "PRE_COLUMNS",
    "Accounts",
    "arrow_type",
    "read_accounts",
    "sql_typed",
    "stage_chunk",
    "stage_schema",
]

FAIL_COLUMNS = ("_fail_reason", "_fail_column", "_fail_detail", "_fmiss")
PRE_COLUMNS = ("_pre_reason", "_pre_column", "_pre_detail")


def arrow_type(column: str) -> pa.DataType:
    """Engine type of a canonical column."""
    if column in schema.NUMERIC_COLUMNS:
        return pa.float64()
    if column in schema.DATETIME_COLUMNS:
        return UTC_US
    if column in schema.BOOL_COLUMNS:
        return pa.bool_()
    return pa.string()


def stage_schema(columns, *, pre: bool = False) -> pa.Schema:
    """Schema of staged batches holding the canonical ``columns``."""
    fields = [pa.field("_file", pa.int32()), pa.field("_row", pa.int64())]
    fields += [pa.field(c, arrow_type(c)) for c in schema.POST_COLUMNS if c in set(columns)]
    fields += [pa.field(c, pa.string()) for c in FAIL_COLUMNS]
    if pre:
        fields += [pa.field(c, pa.string()) for c in PRE_COLUMNS]
    return pa.schema(fields)


def sql_typed(column: str, typ: pa.DataType) -> bool:
    """Whether an input column of Arrow type ``typ`` needs no Python parse for ``column``."""
    if pa.types.is_dictionary(typ):
        typ = typ.value_type
    if column in schema.NUMERIC_COLUMNS:
        return pa.types.is_integer(typ) or pa.types.is_floating(typ)
    if column in schema.STRING_COLUMNS:
        return pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_integer(typ)
    if column in schema.DATETIME_COLUMNS:
        return pa.types.is_timestamp(typ) or pa.types.is_date(typ)
    return pa.types.is_boolean(typ)


def _values(v, idx: np.ndarray) -> list:
    """The raw Python values at positions ``idx`` (as read, for details)."""
    if isinstance(v, pa.Array | pa.ChunkedArray):
        return v.take(pa.array(idx, pa.int64())).to_pylist()
    return list(pd.Series(v).iloc[idx].astype(object))


def staged_columns(cmap, typed: bool = False) -> list[str]:
    """The canonical columns a staged batch of ``cmap`` holds: a price column brings a
    ``currency`` column (from the currency column, else from symbols such as ``$``)."""
    cols = list(cmap)
    if "cost" in cols and "currency" not in cols and not typed:
        cols.append("currency")
    return [c for c in schema.POST_COLUMNS if c in cols]


def stage_chunk(
    chunk: Chunk, cmap: dict, file_index, pre: dict | None = None, *, decimal: str = "."
) -> pa.RecordBatch:
    """Parse one chunk into a staged batch (see the module docstring).

    ``cmap`` maps canonical columns to the chunk's column names; ``file_index`` is the
    input file's index (an int, or one per row); ``pre`` holds the adapter's
    ``_pre_*`` arrays; ``decimal`` is the file's decimal separator (``","``: cells that
    could mean two numbers are ``ambiguous_number``). Prices (``$1,200``, ``USD 90``)
    give ``cost`` and ``currency``; a symbol that contradicts the currency column fails.
    """
    n = len(chunk)
    arrays: dict[str, pa.Array] = {
        "_file": pa.array(np.broadcast_to(np.asarray(file_index, dtype=np.int32), (n,))),
        "_row": pa.array(np.asarray(chunk.rows, dtype=np.int64)),
    }
    failed: dict[str, np.ndarray] = {}
    ambiguous: dict[str, np.ndarray] = {}
    symbol = None
    for c in schema.POST_COLUMNS:
        if c not in cmap:
            continue
        v = chunk.columns[cmap[c]]
        if c == "cost":
            arrays[c], symbol, failed[c], ambiguous[c] = money_arrow(v, decimal)
        elif c in schema.NUMERIC_COLUMNS:
            arrays[c], failed[c], ambiguous[c] = numbers_arrow_ex(v, c, decimal)
        elif c in schema.DATETIME_COLUMNS:
            arrays[c], failed[c] = dates_arrow(v)
        elif c in schema.BOOL_COLUMNS:
            arrays[c], failed[c] = bools_arrow(v)
        else:
            arrays[c] = strings_arrow(v, lower=c == "platform", ident=c in ID_COLUMNS)
    if symbol is not None:
        arrays["currency"], clash = _currencies(arrays.get("currency"), symbol)
        failed["cost"] |= clash
    reason = np.full(n, None, dtype=object)
    column = np.full(n, None, dtype=object)
    detail = np.full(n, None, dtype=object)
    done = np.zeros(n, dtype=bool)
    order = [c for c in schema.POST_COLUMNS if c in schema.NUMERIC_COLUMNS]
    order += [*schema.DATETIME_COLUMNS, *schema.BOOL_COLUMNS]
    codes = {c: "unparseable_number" for c in schema.NUMERIC_COLUMNS}
    codes.update(posted_at="unparseable_date", sponsored="unparseable_boolean")
    for c in order:
        if c not in failed:
            continue
        for mask, code in ((failed[c], codes[c]), (ambiguous.get(c), "ambiguous_number")):
            if mask is None:
                continue
            idx = np.flatnonzero(mask & ~done)
            if not len(idx):
                continue
            reason[idx], column[idx] = code, c
            name = cmap[c]
            detail[idx] = [f"{name}={v!r}" for v in _values(chunk.columns[name], idx)]
            done[idx] = True
    fmiss = np.full(n, None, dtype=object)
    if "followers" in arrays:
        idx = np.flatnonzero(
            ~arrays["followers"].is_valid().to_numpy(zero_copy_only=False) & ~failed["followers"]
        )
        if len(idx):
            name = cmap["followers"]
            fmiss[idx] = [f"{name}={v!r}" for v in _values(chunk.columns[name], idx)]
    for name, val in zip(FAIL_COLUMNS, (reason, column, detail, fmiss), strict=True):
        arrays[name] = pa.array(val, pa.string())
    if pre is not None:
        for name in PRE_COLUMNS:
            arrays[name] = pre[name]
    sch = stage_schema(arrays, pre=pre is not None)
    return pa.RecordBatch.from_arrays([arrays[f.name] for f in sch], schema=sch)


def _currencies(column: pa.Array | None, symbol: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The currency of each price: the currency column, else the price's symbol or code;
    a mask of the rows where both are given and differ."""
    sym = symbol.to_pylist()
    if column is None:
        return symbol, np.zeros(len(sym), dtype=bool)
    col = [None if v is None else str(v).strip().upper() for v in column.to_pylist()]
    clash = np.fromiter(
        (a is not None and b is not None and a != b for a, b in zip(col, sym, strict=True)),
        bool,
        len(sym),
    )
    return pa.array(
        [a if a is not None else b for a, b in zip(col, sym, strict=True)], pa.string()
    ), clash


def _text(s: pd.Series) -> pa.Array:
    return pa.array(s.astype(object).where(s.notna(), None).tolist(), pa.string())


class Accounts:
    """The accounts table parsed to engine types, first row kept per key.

    ``table``: ``account_id``, ``platform`` (if present), ``followers``, ``_a_fail`` (why a
    follower count could not be read, naming the file and row), ``category``,
    ``country``; ``name``: how the table is shown; ``warnings``; ``layout`` for the SQL.
    """

    def __init__(self, table: pa.Table, name: str, warnings: list[str], layout) -> None:
        self.table, self.name, self.warnings, self.layout = table, name, warnings, layout


def read_accounts(accounts, mapping: dict, post_columns) -> Accounts:
    """Read, map and parse the accounts table; ``post_columns`` are the posts' canonical
    columns (the join uses ``platform`` when both tables have it)."""
    if isinstance(accounts, pd.DataFrame):
        reader: TableFile | FrameTable = FrameTable(accounts)
        name = "accounts table"
    else:
        from pathlib import Path

        path = Path(accounts)
        if not path.exists():
            raise DataFileNotFoundError(f"accounts file not found: {path}")
        reader = open_table(path)
        name = str(path)
    warnings = list(reader.warnings)
    cmap, w = map_columns(reader.columns, mapping, accounts=True)
    warnings += w
    missing = [c for c in ("account_id", "followers") if c not in cmap]
    if missing:
        raise DataError(
            f"{name}: missing required column(s) {', '.join(missing)} in the accounts table; "
            f"columns present: {', '.join(map(str, reader.columns))}"
        )
    keep = [c for c in schema.ACCOUNT_COLUMNS if c in cmap]
    parts = []
    for ch in reader.chunks():
        d: dict[str, object] = {"_arow": ch.rows}
        for c in keep:
            v = ch.columns[cmap[c]]
            if c == "followers":
                arr, bad, amb = numbers_arrow_ex(v, "followers", reader.decimal)
                bad = bad | amb
                d["followers"] = arr.to_numpy(zero_copy_only=False)
                det = np.full(len(ch), None, dtype=object)
                idx = np.flatnonzero(bad)
                vals = _values(v, idx)
                det[idx] = [
                    f"followers={x!r} in {name} row {r}"
                    for x, r in zip(vals, ch.rows[idx], strict=True)
                ]
                d["_a_fail"] = det
            else:
                d[c] = strings_arrow(v, lower=c == "platform", ident=c == "account_id").to_pandas()
        parts.append(pd.DataFrame(d))
    acc = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["_arow"])
    keys = [
        "account_id",
        *(["platform"] if "platform" in keep and "platform" in post_columns else []),
    ]
    acc = acc[acc["account_id"].notna()]
    dup = acc.duplicated(keys, keep="first")
    if dup.any():
        warnings.append(
            f"{name}: {int(dup.sum())} repeated account(s) (first kept), e.g. row "
            f"{int(acc.loc[dup, '_arow'].iloc[0])}"
        )
        acc = acc[~dup]
    fill = tuple(c for c in ("category", "country") if c in keep)
    cols = {c: _text(acc[c]) for c in keys}
    fol = acc["followers"].to_numpy(dtype=float)
    cols["followers"] = pa.array(fol, pa.float64(), from_pandas=True)
    cols["_a_fail"] = _text(acc["_a_fail"])
    for c in fill:
        cols[c] = _text(acc[c])
    table = pa.table(cols)
    return Accounts(table, name, warnings, AccountsLayout(keys=tuple(keys), fill=fill))
