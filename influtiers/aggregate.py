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
>>> t["account_id"].tolist(), t["tier"].tolist(), t["n_posts"].tolist()
(['a', 'b'], ['nano', 'micro'], [2, 1])
>>> t[["rate_mean", "rate_pooled"]].round(4).values.tolist()
[[0.075, 0.075], [0.015, 0.015]]
"""

from __future__ import annotations

import glob as _glob
import uuid
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .metrics import DEFAULT_TRIM, get_definition
from .schema import COUNT_COLUMNS
from .tiers import get_scheme

KEYS = ("platform", "account_id")
DIALECTS = ("duckdb", "spark")


def _quoter(dialect: str):
    if dialect == "spark":
        return lambda name: "`" + name.replace("`", "``") + "`"
    return lambda name: '"' + name.replace('"', '""') + '"'


def _q(name: str) -> str:
    return _quoter("duckdb")(name)


def influencer_sql(
    source: str,
    columns: Sequence[str],
    definition=None,
    *,
    trim: float = DEFAULT_TRIM,
    by: Sequence[str] = (),
    dialect: str = "duckdb",
    partition: tuple[int, int] | None = None,
) -> str:
    """The aggregation as one SQL statement over the table expression ``source``.

    Uses only portable SQL (window ``ROW_NUMBER``, ``MEDIAN``, ``FLOOR``,
    ``isnan``) so the same text runs on DuckDB and Spark SQL (>= 3.4, which has
    ``MEDIAN``); ``dialect`` (``"duckdb"`` or ``"spark"``) only switches
    identifier quoting and the string type name. ``columns`` are the columns
    the source has; absent optional counts become NULL and NaN counts are read
    as NULL (missing), never as values.

    One scan of the source, one aggregation. The per-influencer ranks of the
    rates (``ROW_NUMBER``) give both the trimmed mean and the median: on DuckDB
    this window is faster than the holistic ``MEDIAN`` aggregate it replaces
    (see ``bench/results/aggregate.md``), so it is used for every ``trim``.

    ``partition=(i, k)`` keeps only the influencers whose ``account_id`` hashes to
    ``i`` modulo ``k``: the ``k`` results are disjoint and together give the full
    table, each needing about ``1/k`` of the memory.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
    d = get_definition(definition)
    if not 0 <= trim < 0.5:
        raise ValueError("trim must be in [0, 0.5)")
    have = set(columns)
    for c in ("account_id", "followers"):
        if c not in have:
            raise KeyError(f"the posts table needs a {c!r} column")
    missing_needed = [c for c in dict.fromkeys((*d.components, d.exposure)) if c not in have]
    if missing_needed:
        raise KeyError(
            f"engagement definition {d.name!r} ({d.label}) needs column(s) "
            f"{', '.join(missing_needed)}, which the posts table does not have"
        )
    missing_by = [b for b in by if b not in have]
    if missing_by:
        raise KeyError(f"grouping column(s) {', '.join(missing_by)} not in the posts table")
    q = _quoter(dialect)
    text = "STRING" if dialect == "spark" else "VARCHAR"
    where = ""
    if partition is not None:
        i, k = (int(x) for x in partition)
        if not 0 <= i < k:
            raise ValueError(f"partition must be (i, k) with 0 <= i < k, got {partition!r}")
        h = f"hash(CAST({q('account_id')} AS {text}))"
        h = f"pmod({h}, {k})" if dialect == "spark" else f"({h} % {k})"
        where = f"\n  WHERE {h} = {i}"

    def col(c: str) -> str:
        # NaN is missing, never a value (NaN > 0 is true in both engines).
        if c not in have:
            return "CAST(NULL AS DOUBLE)"
        x = f"CAST({q(c)} AS DOUBLE)"
        return f"(CASE WHEN isnan({x}) THEN NULL ELSE {x} END)"

    keys = [*by, *KEYS]
    kq = ", ".join(q(k) for k in keys)
    plat = (
        f"COALESCE(CAST({q('platform')} AS {text}), 'unknown')"
        if "platform" in have
        else "'unknown'"
    )
    by_sel = "".join(f"{q(b)}, " for b in by)
    sponsored = (
        f"CASE WHEN {q('sponsored')} THEN 1 ELSE 0 END"
        if "sponsored" in have
        else "CAST(0 AS INTEGER)"
    )
    eng = " + ".join(col(c) for c in d.components)
    expo = col(d.exposure)
    counts = list(dict.fromkeys([*COUNT_COLUMNS, "cost"]))
    base_cols = ", ".join(f"{col(c)} AS {q(c)}" for c in counts)
    count_aggs = ",\n       ".join(
        f"SUM({q(c)}) AS {q(c + '_sum')}, COUNT({q(c)}) AS {q(c + '_n')}" for c in counts
    )
    # scipy.stats.trim_mean: cut int(trim * n) values at each end (float product).
    cut = f"FLOOR(CAST(nr AS DOUBLE) * CAST({float(trim)!r} AS DOUBLE))"
    trimmed = f"AVG(CASE WHEN rn > {cut} AND rn <= nr - {cut} THEN rate END)"
    # the same ranks give the median (mean of the middle one or two values)
    median = "AVG(CASE WHEN rn IN (FLOOR((nr + 1) / 2), FLOOR((nr + 2) / 2)) THEN rate END)"
    return f"""
WITH base AS (
  SELECT {by_sel}{plat} AS platform, CAST({q("account_id")} AS {text}) AS account_id,
         {col("followers")} AS followers, {base_cols},
         {sponsored} AS is_sponsored,
         ({eng}) AS engagement, {expo} AS exposure
  FROM {source}{where}
),
posts AS (
  SELECT *, CASE WHEN exposure > 0 THEN engagement / exposure END AS rate
  FROM base
),
ranked AS (
  SELECT *,
         ROW_NUMBER() OVER (PARTITION BY {kq} ORDER BY rate ASC NULLS LAST) AS rn,
         COUNT(rate) OVER (PARTITION BY {kq}) AS nr
  FROM posts
)
SELECT {kq}, COUNT(*) AS n_posts, MEDIAN(followers) AS followers,
       SUM(is_sponsored) AS n_sponsored,
       {count_aggs},
       COUNT(engagement) AS engagement_n, AVG(engagement) AS engagement_mean,
       MEDIAN(engagement) AS engagement_median,
       COUNT(rate) AS n_rated,
       SUM(CASE WHEN rate IS NOT NULL THEN engagement END) AS engagement_rated_sum,
       SUM(CASE WHEN rate IS NOT NULL THEN exposure END) AS exposure_sum,
       AVG(rate) AS rate_mean, {median} AS rate_median,
       {trimmed} AS rate_trimmed,
       SUM(CASE WHEN rate IS NOT NULL THEN engagement END)
         / SUM(CASE WHEN rate IS NOT NULL THEN exposure END) AS rate_pooled
FROM ranked
GROUP BY {kq}
ORDER BY {kq}
"""


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


def _duckdb_file_expr(files: Sequence[str], **options) -> str:
    lst = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"
    opts = "".join(f", {k} = {str(v).lower()}" for k, v in options.items())
    if _file_kind(files) == "parquet":
        return f"read_parquet({lst}, union_by_name = true{opts})"
    return f"read_csv({lst}, union_by_name = true, header = true{opts})"


def _duckdb_source(con, posts) -> tuple[str, list[str]]:
    """Register ``posts`` with DuckDB; return (table expression, its columns)."""
    import duckdb

    if isinstance(posts, pd.DataFrame):
        con.register("posts_df", posts)
        return "posts_df", [str(c) for c in posts.columns]
    if isinstance(posts, duckdb.DuckDBPyRelation):
        con.register("posts_rel", posts.arrow())
        return "posts_rel", list(posts.columns)
    expr = _duckdb_file_expr(_expand(posts))
    cols = [r[0] for r in con.sql(f"DESCRIBE SELECT * FROM {expr}").fetchall()]
    return expr, cols


def _spark_frame(spark, posts):
    """A Spark DataFrame from a Spark DataFrame, pandas DataFrame, or Parquet/CSV paths."""
    if isinstance(posts, pd.DataFrame):
        return spark.createDataFrame(posts)
    if hasattr(posts, "createOrReplaceTempView"):
        return posts
    paths = [str(p) for p in posts] if isinstance(posts, list | tuple) else [str(posts)]
    # remote paths (s3a://, hdfs://, abfss://, ...) and their globs are Spark's to resolve
    if any("://" in p for p in paths):
        files = paths
        csv = all(Path(p).suffix.lower() in _CSV for p in paths)
    else:
        files = _expand(paths)
        csv = _file_kind(files) == "csv"
    if not csv:
        return spark.read.option("mergeSchema", "true").parquet(*files)
    return spark.read.csv(files, header=True, inferSchema=True)


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
    temp_directory: str | None = None,
    partitions: int | None = None,
) -> pd.DataFrame:
    """Aggregate a canonical posts table to one row per influencer.

    Parameters
    ----------
    posts : DataFrame, path, glob, directory, list of paths, or DuckDB relation
        Canonical posts (see :mod:`influtiers.schema`); files are Parquet or CSV.
        With ``engine="spark"`` also a Spark DataFrame.
    definition : str or EngagementDefinition
        Engagement definition (default ``er_followers``).
    scheme : tier scheme name or object for the ``tier`` column (default scheme).
    trim : proportion cut at each end for ``rate_trimmed`` (``0``: the mean).
    by : extra grouping columns (e.g. ``("sponsored",)``) kept in front of the keys.
    engine : ``"duckdb"`` (default, embedded) or ``"spark"`` (``spark``: a
        SparkSession, default the active or a new local one).
    threads, memory_limit, temp_directory : DuckDB settings (e.g. ``"3GB"``);
        over the memory limit DuckDB spills to ``temp_directory``.
    partitions : DuckDB only: aggregate the influencers in this many disjoint
        hash partitions of ``account_id``, one query each (the source is scanned
        once per partition). Bounds memory on very large inputs, e.g. 100M posts
        in under 4 GiB with ``partitions=8, memory_limit="3GB"``; same result.
    """
    d = get_definition(definition)
    by = tuple(by)
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        try:
            try:
                con.execute("SET enable_progress_bar = false")
            except duckdb.Error:  # in Jupyter without ipywidgets no bar is drawn anyway
                pass
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            if memory_limit:
                con.execute(f"SET memory_limit = '{memory_limit}'")
                con.execute("SET preserve_insertion_order = false")
            if temp_directory:
                con.execute(f"SET temp_directory = '{str(temp_directory).replace(chr(39), '')}'")
            src, cols = _duckdb_source(con, posts)
            k = int(partitions or 1)
            if k < 1:
                raise ValueError("partitions must be >= 1")
            parts = [None] if k == 1 else [(i, k) for i in range(k)]
            frames = [
                con.sql(influencer_sql(src, cols, d, trim=trim, by=by, partition=p)).df()
                for p in parts
            ]
            out = frames[0] if k == 1 else pd.concat(frames, ignore_index=True)
        finally:
            con.close()
    elif engine == "spark":
        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
        sdf = _spark_frame(spark, posts)
        view = f"influtiers_posts_{uuid.uuid4().hex}"
        sdf.createOrReplaceTempView(view)
        try:
            sql = influencer_sql(view, sdf.columns, d, trim=trim, by=by, dialect="spark")
            out = _spark_to_pandas(spark.sql(sql))
        finally:
            spark.catalog.dropTempView(view)
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'duckdb' or 'spark'")
    return _finish(out, d, scheme, trim, by)


def _spark_to_pandas(sdf) -> pd.DataFrame:
    """Collect a (small) Spark result as pandas without depending on Spark's pandas converter."""
    rows = sdf.collect()
    return pd.DataFrame([r.asDict() for r in rows], columns=sdf.columns)


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
