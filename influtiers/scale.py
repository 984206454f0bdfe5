"""Validation and quarantine at scale: rules evaluated in DuckDB on Parquet/CSV files.

:func:`validate_files` is the out-of-core counterpart of the in-memory validator
(:func:`influtiers.io.load_posts`) for inputs that are *already canonical*:
canonical column names and numeric types (as written by ``load_posts`` or by a
pipeline). It streams the files through DuckDB, never loading them into pandas,
and gives the same counts with the same reason codes
(:data:`influtiers.schema.REASONS`). Every row gets the first rule that applies:

1. ``missing_account_id``  account_id empty (NULL, blank or a missing token)
2. ``unparseable_number``  a numeric value is infinite
3. ``negative_count``      followers, a count or cost < 0 (``-1`` in likes,
   comments or views is a scraper's "hidden" and counts as missing)
4. ``missing_followers``   followers missing (NULL or NaN)
5. ``zero_followers``      followers == 0
6. ``no_engagement``       none of the present likes/comments columns has a value
7. ``duplicate_post``      same (platform, account_id, post_id) as an accepted row
   earlier in file order (files in the order given, sorted within a glob)

Rules about parsing text (dates, booleans, number formats) and the accounts
join do not apply to typed data. ``rows_in == accepted + quarantined`` always.

Examples
--------
>>> import pandas as pd, tempfile, os
>>> d = tempfile.mkdtemp()
>>> pd.DataFrame({"account_id": ["a", "a", None], "post_id": ["1", "1", "2"],
...               "followers": [10.0, 10.0, 5.0], "likes": [1.0, 1.0, 2.0]}
...              ).to_parquet(os.path.join(d, "p.parquet"))
>>> r = validate_files(os.path.join(d, "p.parquet"))
>>> r["rows_in"], r["accepted"], r["quarantined"], r["reasons"]
(3, 1, 2, {'duplicate_post': 1, 'missing_account_id': 1})
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Sequence
from pathlib import Path

from .io import _MISSING_TOKENS
from .schema import ENGAGEMENT_ANY, NUMERIC_COLUMNS, POST_COLUMNS, REASONS

__all__ = ["validate_files", "validation_sql"]


def _expand(posts) -> list[str]:
    """Paths, globs or a list of them -> existing files (sorted within each glob)."""
    paths = [str(p) for p in posts] if isinstance(posts, list | tuple) else [str(posts)]
    if not paths:
        raise FileNotFoundError("no input files given")
    files: list[str] = []
    for p in paths:
        if Path(p).is_dir():
            hits = sorted(
                str(h) for h in Path(p).rglob("*") if h.suffix.lower() in _SUFFIXES and h.is_file()
            )
        elif any(ch in p for ch in "*?["):
            hits = sorted(_glob.glob(p, recursive=True))
        else:
            hits = [p]
        if not hits or not all(Path(h).is_file() for h in hits):
            raise FileNotFoundError(f"{p}: no such file")
        files.extend(hits)
    return files


_PARQUET = {".parquet", ".pq"}
_CSV = {".csv", ".tsv", ".txt"}
_SUFFIXES = _PARQUET | _CSV


def _file_kind(files: Sequence[str]) -> str:
    suffixes = {Path(f).suffix.lower() for f in files}
    if suffixes <= _PARQUET:
        return "parquet"
    if suffixes <= _CSV:
        return "csv"
    raise ValueError(f"cannot aggregate files of type {sorted(suffixes)}; use Parquet or CSV")


#: Text that means "missing" in an id column: the same tokens :mod:`influtiers.io` reads.
MISSING_TOKENS = tuple(sorted(_MISSING_TOKENS))
HIDDEN_SENTINEL_COLUMNS = ("likes", "comments", "views")
DUPLICATE_KEYS = ("platform", "account_id", "post_id")
ORDER = (
    "missing_account_id",
    "unparseable_number",
    "negative_count",
    "missing_followers",
    "zero_followers",
    "no_engagement",
    "duplicate_post",
)
assert set(ORDER) <= set(REASONS)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _source_sql(files: Sequence[str]) -> str:
    """All files as one table with ``_file`` (index in ``files``) and 1-based ``_row``."""
    parts = []
    kind = _file_kind(files)
    for i, f in enumerate(files):
        if kind == "parquet":
            parts.append(
                f"SELECT * EXCLUDE (file_row_number), {i} AS _file, "
                f"file_row_number + 1 AS _row FROM read_parquet({_lit(f)}, file_row_number = true)"
            )
        else:  # the CSV reader has no row numbers; insertion order is the file order
            parts.append(
                f"SELECT *, {i} AS _file, ROW_NUMBER() OVER () AS _row "
                f"FROM read_csv({_lit(f)}, header = true)"
            )
    return "(" + "\nUNION ALL BY NAME\n".join(parts) + ")"


def validation_sql(source: str, columns: Sequence[str]) -> str:
    """SQL adding a ``reason`` column (NULL = accepted) to the table expression ``source``.

    ``source`` must have ``_file`` and ``_row`` (file order) besides the posts columns.
    """
    have = set(columns)
    if "account_id" not in have:
        raise KeyError("the posts files need an 'account_id' column")
    if "followers" not in have:
        raise KeyError("the posts files need a 'followers' column (canonical, numeric)")
    eng = [c for c in ENGAGEMENT_ANY if c in have]
    if not eng:
        raise KeyError("the posts files need a likes or comments column")
    tokens = ", ".join(_lit(t) for t in MISSING_TOKENS)

    def text(c: str) -> str:
        s = f"TRIM(CAST({_q(c)} AS VARCHAR))"
        return f"CASE WHEN lower({s}) IN ({tokens}) THEN NULL ELSE {s} END"

    nums = [c for c in POST_COLUMNS if c in NUMERIC_COLUMNS and c in have]

    def num(c: str) -> str:
        x = f"CAST({_q(c)} AS DOUBLE)"
        hidden = f" WHEN {x} = -1 THEN NULL" if c in HIDDEN_SENTINEL_COLUMNS else ""
        return f"CASE WHEN isnan({x}) THEN NULL{hidden} ELSE {x} END"

    keys = [c for c in DUPLICATE_KEYS if c in have]
    key_exprs = {
        "platform": f"lower({text('platform')})",
        "account_id": text("account_id"),
        "post_id": text("post_id"),
    }
    inf = " OR ".join(f"isinf({_q('_n_' + c)})" for c in nums)
    neg = " OR ".join(f"{_q('_n_' + c)} < 0" for c in nums)
    none = " AND ".join(f"{_q('_n_' + c)} IS NULL" for c in eng)
    dup = "NULL"
    if "post_id" in keys:
        part = ", ".join(_q("_k_" + k) for k in keys)
        dup = (
            "CASE WHEN ROW_NUMBER() OVER (PARTITION BY reason IS NULL AND _k_post_id IS NOT NULL, "
            f"{part} ORDER BY _file, _row) > 1 AND reason IS NULL AND _k_post_id IS NOT NULL "
            "THEN 'duplicate_post' END"
        )
    return f"""
WITH typed AS (
  SELECT *, {", ".join(f"{num(c)} AS {_q('_n_' + c)}" for c in nums)},
         {", ".join(f"{key_exprs[k]} AS {_q('_k_' + k)}" for k in keys)}
  FROM {source}
),
ruled AS (
  SELECT *, CASE
      WHEN _k_account_id IS NULL THEN 'missing_account_id'
      WHEN {inf} THEN 'unparseable_number'
      WHEN {neg} THEN 'negative_count'
      WHEN _n_followers IS NULL THEN 'missing_followers'
      WHEN _n_followers = 0 THEN 'zero_followers'
      WHEN {none} THEN 'no_engagement'
    END AS reason
  FROM typed
)
SELECT * EXCLUDE (reason), COALESCE(reason, {dup}) AS reason
FROM ruled
"""


def validate_files(
    paths,
    *,
    quarantine_path=None,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
) -> dict:
    """Validate canonical Parquet/CSV posts files in DuckDB; optionally write the quarantine.

    Parameters
    ----------
    paths : path, glob, directory or list of them (Parquet or CSV, canonical columns).
    quarantine_path : where to write the rejected rows as Parquet (DuckDB ``COPY``):
        ``file``, ``row`` (1-based data row within the file), ``reason``, then the
        input columns.

    Returns
    -------
    dict with ``rows_in``, ``accepted``, ``quarantined``, ``reasons`` (code -> count,
    codes of :data:`influtiers.schema.REASONS`), ``files`` and, when written,
    ``quarantine_path``.
    """
    import duckdb

    files = _expand(paths)
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            con.execute(f"SET memory_limit = {_lit(memory_limit)}")
        if temp_directory:
            con.execute(f"SET temp_directory = {_lit(str(temp_directory))}")
        src = _source_sql(files)
        cols = [r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {src}").fetchall()]
        data_cols = [c for c in cols if c not in ("_file", "_row")]
        sql = validation_sql(src, cols)
        counts = dict(con.sql(f"SELECT reason, COUNT(*) FROM ({sql}) GROUP BY reason").fetchall())
        accepted = int(counts.pop(None, 0))
        reasons = {str(k): int(v) for k, v in sorted(counts.items())}
        quarantined = sum(reasons.values())
        out = {
            "rows_in": accepted + quarantined,
            "accepted": accepted,
            "quarantined": quarantined,
            "reasons": reasons,
            "files": len(files),
        }
        if quarantine_path is not None:
            qpath = Path(quarantine_path)
            qpath.parent.mkdir(parents=True, exist_ok=True)
            names = ", ".join(_lit(f) for f in files)
            body = ", ".join(_q(c) for c in data_cols)
            written = con.execute(
                f"COPY (SELECT list_extract([{names}], _file + 1) AS file, _row AS row, reason, "
                f"{body} FROM ({sql}) WHERE reason IS NOT NULL ORDER BY _file, _row) "
                f"TO {_lit(str(qpath))} (FORMAT parquet)"
            ).fetchall()
            if written and int(written[0][0]) != quarantined:
                raise RuntimeError(f"quarantine wrote {written[0][0]} rows, expected {quarantined}")
            out["quarantine_path"] = str(qpath)
    finally:
        con.close()
    return out
