"""Validation in Spark: the same rules (:mod:`influtiers.load.validate_sql`, Spark dialect),
the same reason codes and counts as in DuckDB.

Typed Parquet is read by Spark directly (row numbers from ``_metadata.row_index``). Text
inputs are parsed in Python in chunks (as for DuckDB) and staged as a temporary Parquet
file that Spark reads, so they are never collected in the driver; timestamps are staged at
microseconds (Spark's precision). Duplicates are found with a window in file order.
The accepted posts are a Spark DataFrame (lazy; the duplicate rows are materialised with a
local checkpoint so that later scans do not repeat the window).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import uuid
from functools import reduce
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..csvsafe import neutralise
from .stage import stage_schema
from .validate_sql import (
    DUPLICATE,
    code_reason,
    posts_sql,
    quarantine_sql,
    quote,
    ruled_sql,
    typed_stage_sql,
)

__all__ = ["SparkQuarantine", "spark_session", "validate_spark"]

_HIDDEN = ("likes", "comments", "views")


def spark_session(spark=None):
    """``spark``, or a local session (UTC, no UI)."""
    if spark is not None:
        return spark
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[*]")
        .appName("influtiers")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkQuarantine:
    """Reads the quarantined rows of a Spark validation."""

    def __init__(self, spark, sql: str) -> None:
        self.spark, self.sql = spark, sql

    def frame(self, limit: int | None = None) -> pd.DataFrame:
        df = self.spark.sql(self.sql)
        if limit:
            df = df.limit(int(limit))
        return df.toPandas()

    def write(self, path: Path, expected: int) -> None:
        """Stream in file order (``toLocalIterator``) to Parquet or CSV."""
        df = self.spark.sql(self.sql)
        names = df.columns
        rows = df.toLocalIterator()
        if path.suffix.lower() not in (".parquet", ".pq"):
            with open(path, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(names)
                for r in rows:
                    w.writerow(["" if v is None else neutralise(v) for v in r])
            return
        schema = pa.schema([(f.name, _arrow_type(f.dataType)) for f in df.schema.fields])
        with pq.ParquetWriter(path, schema) as writer:
            batch: list = []
            for r in rows:
                batch.append(r)
                if len(batch) >= 65536:
                    writer.write_table(_table(batch, names, schema))
                    batch = []
            writer.write_table(_table(batch, names, schema))


def _arrow_type(t) -> pa.DataType:
    name = type(t).__name__
    return {
        "StringType": pa.string(),
        "DoubleType": pa.float64(),
        "FloatType": pa.float64(),
        "LongType": pa.int64(),
        "IntegerType": pa.int64(),
        "BooleanType": pa.bool_(),
        "TimestampType": pa.timestamp("us", tz="UTC"),
    }.get(name, pa.string())


def _table(rows: list, names: list[str], schema: pa.Schema) -> pa.Table:
    cols = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    return pa.table({n: pa.array(cols[n], schema.field(n).type) for n in names}, schema=schema)


def _typed_source(spark, inp, cmap, tag: str) -> str:
    from pyspark.sql import functions as F

    parts = []
    wanted = list(dict.fromkeys(cmap.values()))
    for i, p in enumerate(inp.paths):
        df = spark.read.parquet(str(p))
        cols = [F.col(quote(n, "spark")) for n in wanted if n in df.columns]
        df = df.select(
            F.lit(i).cast("int").alias("_file"),
            (F.col("_metadata.row_index") + 1).alias("_row"),
            *cols,
        )
        parts.append(df)
    raw = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), parts)
    raw.createOrReplaceTempView(f"_raw_{tag}")
    return f"_raw_{tag}"


def validate_spark(spark, inp, layout, cmap, acc, typed, batches) -> tuple:
    """Validate in Spark; returns (report fields, accepted DataFrame with ``_file`` and
    ``_row``, the session, a cleanup function)."""
    spark = spark_session(spark)
    tag = uuid.uuid4().hex[:12]
    tmp = Path(tempfile.mkdtemp(prefix="influtiers-spark-"))

    def cleanup() -> None:
        for v in ("raw", "staged", "accounts", "ruled", "dups", "files"):
            spark.catalog.dropTempView(f"_{v}_{tag}")
        shutil.rmtree(tmp, ignore_errors=True)

    try:
        if typed:
            staged = typed_stage_sql(layout, _typed_source(spark, inp, cmap, tag), "spark")
        else:
            path = tmp / "staged.parquet"
            with pq.ParquetWriter(path, stage_schema(layout.columns, pre=layout.pre)) as w:
                for b in batches():
                    w.write_batch(b)
            spark.read.parquet(str(path)).createOrReplaceTempView(f"_staged_{tag}")
            staged = f"SELECT * FROM _staged_{tag}"
        if acc is not None:
            pq.write_table(acc.table, tmp / "accounts.parquet")
            spark.read.parquet(str(tmp / "accounts.parquet")).createOrReplaceTempView(
                f"_accounts_{tag}"
            )
        files = inp.files
        spark.createDataFrame(
            [(i, f) for i, f in enumerate(files)], "_file INT, file STRING"
        ).createOrReplaceTempView(f"_files_{tag}")
        ruled = ruled_sql(layout, staged, "spark", accounts_table=f"_accounts_{tag}")
        spark.sql(ruled).createOrReplaceTempView(f"_ruled_{tag}")
        fields, accepted = _count(spark, layout, tag, inp)
    except BaseException:
        cleanup()
        raise
    return fields, accepted, spark, cleanup


def _count(spark, layout, tag: str, inp) -> tuple:
    hid = [c for c in _HIDDEN if c in layout.columns]
    sums = "".join(f", sum(CASE WHEN {c} = -1 THEN 1 ELSE 0 END) AS h_{c}" for c in hid)
    rows = spark.sql(
        f"SELECT COALESCE(_rc, 0) AS rc, count(*) AS n{sums} FROM _ruled_{tag} GROUP BY 1"
    ).collect()
    counts = {int(r["rc"]): int(r["n"]) for r in rows}
    hidden = {c: sum(int(r[f"h_{c}"] or 0) for r in rows) for c in hid}
    firsts = spark.sql(
        f"SELECT _rc, _file, _row FROM (SELECT _rc, _file, _row, row_number() OVER "
        f"(PARTITION BY _rc ORDER BY _file, _row) AS rn FROM _ruled_{tag} WHERE _rc IS NOT NULL) "
        "WHERE rn <= 5"
    ).collect()
    first: dict[int, list] = {}
    for r in firsts:
        first.setdefault(int(r["_rc"]), []).append((int(r["_file"]), int(r["_row"])))
    n_dup = 0
    if "post_id" in layout.columns:
        keys = ", ".join(
            f"_v_{k}" for k in ("platform", "account_id", "post_id") if k in layout.out_columns
        )
        dups = spark.sql(
            "SELECT d._file, d._row, d._first_row, f.file AS _first_name FROM (SELECT _file, _row, "
            "row_number() OVER w AS rn, first_value(_file) OVER w AS _first_file, "
            f"first_value(_row) OVER w AS _first_row FROM _ruled_{tag} WHERE _rc IS NULL AND "
            f"_v_post_id IS NOT NULL WINDOW w AS (PARTITION BY {keys} ORDER BY _file, _row)) d "
            f"LEFT JOIN _files_{tag} f ON f._file = d._first_file WHERE d.rn > 1"
        ).localCheckpoint()
        n_dup = dups.count()
        if n_dup:
            dups.createOrReplaceTempView(f"_dups_{tag}")
            first[DUPLICATE] = [
                (int(r["_file"]), int(r["_row"]))
                for r in dups.orderBy("_file", "_row").limit(5).collect()
            ]
    if not n_dup:
        spark.createDataFrame(
            [], "_file INT, _row BIGINT, _first_row BIGINT, _first_name STRING"
        ).createOrReplaceTempView(f"_dups_{tag}")
    if n_dup:
        counts[0] = counts.get(0, 0) - n_dup
        counts[DUPLICATE] = n_dup
    accepted = spark.sql(
        posts_sql(
            layout,
            f"SELECT * FROM _ruled_{tag}",
            "spark",
            keep_order=True,
            exclude=f"_dups_{tag}" if n_dup else None,
        )
    )
    qsql = quarantine_sql(
        layout,
        f"_ruled_{tag}",
        f"_dups_{tag}",
        f"_files_{tag}",
        show_files=inp.show_files,
        dialect="spark",
    )
    rows_in = sum(counts.values())
    reasons: dict[str, int] = {}
    first_rows: dict[str, list] = {}
    for code in sorted(c for c in counts if c):
        reason = code_reason(code)
        reasons[reason] = reasons.get(reason, 0) + counts[code]
        first_rows.setdefault(reason, []).extend(first.get(code, []))
    files = inp.files
    for reason, lst in first_rows.items():
        first_rows[reason] = [(files[f] if inp.show_files else None, r) for f, r in sorted(lst)[:5]]
    return {
        "rows_in": rows_in,
        "accepted": counts.get(0, 0),
        "quarantined": rows_in - counts.get(0, 0),
        "reasons": dict(sorted(reasons.items())),
        "first_rows": first_rows,
        "duplicates_removed": reasons.get("duplicate_post", 0),
        "hidden_counts": {c: k for c, k in hidden.items() if k},
        "store": SparkQuarantine(spark, qsql),
    }, accepted
