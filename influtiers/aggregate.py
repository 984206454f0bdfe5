"""Posts to the influencer table: the one step that grows with the data.

The aggregation is written once, as portable SQL (:func:`influencer_sql`), and
executed by an embedded DuckDB engine by default: on a pandas DataFrame (zero
copy), on Parquet/CSV files or globs (streamed, out of core), or on a DuckDB
relation. The statistics then work on the small influencer table this returns.

Influencer table (one row per ``by`` keys + ``platform`` + ``account_id``)
---------------------------------------------------------------------------
``platform, account_id`` (missing platform becomes ``"unknown"``), ``followers``
(median over the influencer's posts), ``tier`` (ordered categorical from the
scheme), ``n_posts``, ``n_sponsored``, ``<count>_sum`` and ``<count>_n`` (sum and
number of non-missing values) for every count column, ``cost_sum``, ``cost_n``,
``engagement_n``, ``engagement_mean``, ``engagement_median`` (absolute
engagement per post), ``n_rated`` (posts with engagement and positive exposure),
``engagement_rated_sum``, ``exposure_sum``, ``rate_mean``, ``rate_median``,
``rate_trimmed`` (mean after cutting ``floor(trim * n)`` posts at each end, as
:func:`scipy.stats.trim_mean`), ``rate_pooled`` (engagement_rated_sum /
exposure_sum). ``attrs`` carry the definition, trim and scheme.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"account_id": ["a", "a", "b"], "followers": [100.0, 100.0, 20000.0],
...                       "likes": [4.0, 8.0, 300.0], "comments": [1.0, 2.0, 0.0]})
>>> t = influencer_table(posts)
>>> t[["account_id", "tier", "n_posts", "rate_mean", "rate_pooled"]].to_string(index=False)
'account_id  tier  n_posts  rate_mean  rate_pooled\\n         a  nano        2     0.0750       0.0750\\n         b micro        1     0.0150       0.0150'
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .metrics import DEFAULT_TRIM, get_definition
from .schema import COUNT_COLUMNS
from .tiers import get_scheme

KEYS = ("platform", "account_id")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def influencer_sql(
    source: str,
    columns: Sequence[str],
    definition=None,
    *,
    trim: float = DEFAULT_TRIM,
    by: Sequence[str] = (),
) -> str:
    """The aggregation as one SQL statement over the table expression ``source``.

    Uses only portable SQL (window ``ROW_NUMBER``, ``MEDIAN``, ``FLOOR``) so the
    same text runs on DuckDB and Spark SQL. ``columns`` are the columns the source
    has; absent optional counts become NULL.
    """
    d = get_definition(definition)
    if not 0 <= trim < 0.5:
        raise ValueError("trim must be in [0, 0.5)")
    have = set(columns)
    missing_needed = [c for c in (*d.components, d.exposure) if c not in have]
    if missing_needed:
        raise KeyError(
            f"engagement definition {d.name!r} ({d.label}) needs column(s) "
            f"{', '.join(missing_needed)}, which the posts table does not have"
        )
    for c in ("account_id", "followers"):
        if c not in have:
            raise KeyError(f"the posts table needs a {c!r} column")

    def col(c: str) -> str:
        return f"CAST({_q(c)} AS DOUBLE)" if c in have else "CAST(NULL AS DOUBLE)"

    keys = [*by, *KEYS]
    kq = ", ".join(_q(k) for k in keys)
    plat = "COALESCE(CAST(platform AS VARCHAR), 'unknown')" if "platform" in have else "'unknown'"
    extra = ", ".join(_q(b) for b in by)
    sponsored = (
        "CASE WHEN sponsored THEN 1 ELSE 0 END" if "sponsored" in have else "CAST(0 AS INTEGER)"
    )
    eng = " + ".join(col(c) for c in d.components)
    expo = col(d.exposure)
    counts = list(dict.fromkeys([*COUNT_COLUMNS, "cost"]))
    base_cols = ", ".join(f"{col(c)} AS {_q(c)}" for c in counts)
    count_aggs = ",\n      ".join(
        f"SUM({_q(c)}) AS {_q(c + '_sum')}, COUNT({_q(c)}) AS {_q(c + '_n')}" for c in counts
    )
    return f"""
WITH base AS (
  SELECT {extra + ", " if by else ""}{plat} AS platform, CAST(account_id AS VARCHAR) AS account_id,
         {col("followers")} AS followers, {base_cols},
         {sponsored} AS is_sponsored,
         ({eng}) AS engagement, {expo} AS exposure
  FROM {source}
),
rated AS (
  SELECT {kq}, engagement, exposure, engagement / exposure AS rate
  FROM base WHERE engagement IS NOT NULL AND exposure > 0
),
ranked AS (
  SELECT {kq}, rate,
         ROW_NUMBER() OVER (PARTITION BY {kq} ORDER BY rate) AS rn,
         COUNT(*) OVER (PARTITION BY {kq}) AS nr
  FROM rated
),
trimmed AS (
  SELECT {kq}, AVG(rate) AS rate_trimmed
  FROM ranked WHERE rn > FLOOR(nr * {trim!r}) AND rn <= nr - FLOOR(nr * {trim!r})
  GROUP BY {kq}
),
rates AS (
  SELECT {kq}, COUNT(*) AS n_rated, AVG(rate) AS rate_mean, MEDIAN(rate) AS rate_median,
         SUM(engagement) AS engagement_rated_sum, SUM(exposure) AS exposure_sum
  FROM rated GROUP BY {kq}
),
per_account AS (
  SELECT {kq}, COUNT(*) AS n_posts, MEDIAN(followers) AS followers,
      SUM(is_sponsored) AS n_sponsored,
      {count_aggs},
      COUNT(engagement) AS engagement_n, AVG(engagement) AS engagement_mean,
      MEDIAN(engagement) AS engagement_median
  FROM base GROUP BY {kq}
)
SELECT per_account.*, rates.n_rated, rates.engagement_rated_sum, rates.exposure_sum,
       rates.rate_mean, rates.rate_median, trimmed.rate_trimmed,
       rates.engagement_rated_sum / rates.exposure_sum AS rate_pooled
FROM per_account
LEFT JOIN rates USING ({kq})
LEFT JOIN trimmed USING ({kq})
ORDER BY {kq}
"""


def _duckdb_source(con, posts) -> tuple[str, list[str]]:
    """Register ``posts`` with DuckDB; return (table expression, its columns)."""
    import duckdb

    if isinstance(posts, pd.DataFrame):
        con.register("posts_df", posts)
        return "posts_df", list(posts.columns)
    if isinstance(posts, duckdb.DuckDBPyRelation):
        con.register("posts_rel", posts.arrow())
        return "posts_rel", list(posts.columns)
    paths = [str(p) for p in posts] if isinstance(posts, list | tuple) else [str(posts)]
    files: list[str] = []
    for p in paths:
        hits = sorted(_glob.glob(p)) if any(ch in p for ch in "*?[") else [p]
        if not hits or not all(Path(h).exists() for h in hits):
            raise FileNotFoundError(f"{p}: no such file")
        files.extend(hits)
    suffixes = {Path(f).suffix.lower() for f in files}
    lst = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    if suffixes <= {".parquet", ".pq"}:
        expr = f"read_parquet({lst}, union_by_name = true)"
    elif suffixes <= {".csv", ".tsv", ".txt"}:
        expr = f"read_csv({lst}, union_by_name = true, header = true)"
    else:
        raise ValueError(f"cannot aggregate files of type {sorted(suffixes)}; use Parquet or CSV")
    cols = [r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {expr}").fetchall()]
    return expr, cols


def influencer_table(
    posts,
    definition=None,
    *,
    scheme=None,
    trim: float = DEFAULT_TRIM,
    by: Sequence[str] = (),
    engine: str = "duckdb",
    spark=None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> pd.DataFrame:
    """Aggregate a canonical posts table to one row per influencer.

    Parameters
    ----------
    posts : DataFrame, path, glob, list of paths, or DuckDB relation
        Canonical posts (see :mod:`influtiers.schema`); files are Parquet or CSV.
        With ``engine="spark"`` a Spark DataFrame.
    definition : str or EngagementDefinition
        Engagement definition (default ``er_followers``).
    scheme : tier scheme name or object for the ``tier`` column (default scheme).
    trim : proportion cut at each end for ``rate_trimmed``.
    by : extra grouping columns (e.g. ``("sponsored",)``) kept in front of the keys.
    engine : ``"duckdb"`` (default, embedded) or ``"spark"``.
    """
    d = get_definition(definition)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        try:
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            if memory_limit:
                con.execute(f"SET memory_limit = '{memory_limit}'")
            src, cols = _duckdb_source(con, posts)
            out = con.sql(influencer_sql(src, cols, d, trim=trim, by=by)).df()
        finally:
            con.close()
    elif engine == "spark":
        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
        posts.createOrReplaceTempView("influtiers_posts")
        out = spark.sql(influencer_sql("influtiers_posts", posts.columns, d, trim=trim, by=by))
        out = out.toPandas()
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'duckdb' or 'spark'")
    return _finish(out, d, scheme, trim, by)


def _finish(out: pd.DataFrame, d, scheme, trim, by) -> pd.DataFrame:
    s = get_scheme(scheme)
    for c in out.columns:
        if c.endswith(("_n",)) or c in ("n_posts", "n_sponsored", "n_rated"):
            out[c] = pd.to_numeric(out[c]).fillna(0).astype("int64")
        elif c not in (*by, *KEYS):
            out[c] = pd.to_numeric(out[c]).astype("float64")
    out["platform"] = out["platform"].astype("string")
    out["account_id"] = out["account_id"].astype("string")
    out.insert(
        out.columns.get_loc("followers") + 1, "tier", s.classify(out["followers"], out["platform"])
    )
    out = out.sort_values([*by, *KEYS], kind="stable").reset_index(drop=True)
    out.attrs.update(
        {
            "definition": d.name,
            "definition_label": d.label,
            "trim": trim,
            "scheme": s.name,
            "unit": "influencer",
        }
    )
    return out
