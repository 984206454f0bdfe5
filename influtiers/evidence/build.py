"""Building the evidence: the SQL of :mod:`.sql` run in the dataset's engine."""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import config
from ..metrics import get_definition
from ..provenance import atomic_open
from .sql import (
    KEYS,
    RATE_SUM,
    SEP,
    available_definitions,
    brand_sql,
    category_sql,
    evidence_sql,
)
from .tables import Evidence, assemble, key_positions


@dataclass
class FrameSource:
    """A canonical posts DataFrame in a DuckDB connection of its own (used as it is)."""

    frame: pd.DataFrame
    label: str = "DataFrame"
    engine: str = "duckdb"
    posts: str = "posts_frame"

    def __post_init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.con.execute("SET enable_progress_bar = false")
        self.con.register(self.posts, self.frame)
        self.columns = [str(c) for c in self.frame.columns]

    def close(self) -> None:
        self.con.close()


def posts_source(data):
    """(dataset-like object, owned) for a Dataset or a canonical posts DataFrame."""
    if isinstance(data, pd.DataFrame):
        return FrameSource(data), True
    return data, False


def auto_partitions(ds, ranked: int = 2) -> int:
    """Hash partitions of the evidence pass on DuckDB (Spark spills on its own): one per
    ``config.PARTITION_ROWS`` accepted posts, for ``ranked`` = 2 rank statistics per
    influencer (the median followers and one definition's median rate: what
    ``influtiers claims`` builds), and proportionally more for more of them (each keeps
    every value of its group until the group is done: ``reproduce`` ranks every
    definition, with medians and trimmed means)."""
    rep = getattr(ds, "report", None)
    n = getattr(rep, "accepted", None)
    if getattr(ds, "engine", "duckdb") != "duckdb" or not n:
        return 1
    return max(1, math.ceil(int(n) * max(ranked, 2) / (2 * config.PARTITION_ROWS)))


def build_evidence(
    data,
    *,
    definitions: Sequence[str] | None = None,
    trim: float = config.TRIM,
    currency: str | None = config.CURRENCY,
    partitions: int | None = None,
    ranked: Sequence[str] | None = None,
    trimmed: Sequence[str] | None = None,
    out=None,
) -> Evidence:
    """Aggregate the accepted posts of ``data`` into an :class:`Evidence`.

    ``data`` is a :class:`~influtiers.load.Dataset` (its accepted posts), or a canonical
    posts DataFrame, used as it is: validate untrusted data with
    :func:`influtiers.load.load` first.

    The statements run in the dataset's engine (DuckDB or Spark); the results are small
    (one row per influencer). ``partitions`` (DuckDB) aggregates the influencers in that
    many disjoint hash partitions of ``account_id``, bounding memory on very large inputs
    (default: one per ``config.PARTITION_ROWS`` accepted posts, more with more rank
    statistics: :func:`auto_partitions`).

    ``ranked`` are the definitions that get the median rate (default: every definition),
    ``trimmed`` those that get the trimmed-mean rate too (default: the ranked ones).
    These are the costliest part of the pass; the claims need only the median of the
    analysis definition (see :func:`influtiers.claims.ranked_definitions`).

    ``out`` streams the tables into that folder instead (Parquet and ``meta.json``, as
    :meth:`Evidence.write` lays them out), one hash partition at a time, so the evidence
    is never held whole; the Evidence returned reads them from there when used
    (:meth:`Evidence.read`). ``influtiers reproduce`` builds every definition this way.
    """
    ds, owned = posts_source(data)
    try:
        cols = [c for c in ds.columns]
        defs = list(definitions) if definitions is not None else available_definitions(cols)
        rk = defs if ranked is None else [d for d in defs if d in _names(ranked)]
        tr = rk if trimmed is None else [d for d in rk if d in _names(trimmed)]
        dialect = "spark" if ds.engine == "spark" else "duckdb"
        run = spark_runner(ds) if dialect == "spark" else duckdb_runner(ds)
        src = run.source
        k = int(partitions or auto_partitions(ds, 1 + len(rk) + len(tr)))
        parts = [None] if k <= 1 else [(i, k) for i in range(k)]

        def statement(p, **kw) -> str:
            return evidence_sql(
                src,
                cols,
                defs,
                trim=trim,
                currency=currency,
                dialect=dialect,
                partition=p,
                ranked=rk,
                trimmed=tr,
                **kw,
            )

        def released(table):
            if dialect == "duckdb":  # the Arrow results' blocks went back to DuckDB's pool
                release_memory(ds.con)
            return table

        if "sponsored" not in cols:

            def tables(parts):
                return with_followers(released(assemble([run(statement(p)) for p in parts]))), None
        else:

            def tables(parts):
                pairs = [split_pass(run, statement, p) for p in parts]
                inf = with_followers(released(assemble([i for i, _ in pairs])))
                flags = [f for _, f in pairs]
                del pairs
                flags = assemble(flags, ("sponsored",), drop_missing=True)
                return inf, with_followers(released(flags), inf)

        flagged = "sponsored" in cols
        if out is None:
            influencers, by_sponsored = tables(parts)
        else:  # a partition's flag rows are those of its influencers: both stream together
            influencers = by_sponsored = None
            d = Path(out)
            with (
                ParquetSink(d / "influencers.parquet") as inf_sink,
                ParquetSink(d / "by_sponsored.parquet" if flagged else None) as flag_sink,
            ):
                for p in parts:
                    inf, flag = tables([p])
                    if flagged:
                        flag_sink.write(flag)
                    inf_sink.write(inf)
                    del inf, flag
        cat = category_sql(src, cols, dialect=dialect)
        brand = brand_sql(src, cols, dialect=dialect)
        categories = assemble([run(cat)]) if cat else None
        brands = assemble([run(brand)]) if brand else None
    finally:
        if owned:
            ds.close()
        pa.default_memory_pool().release_unused()  # the key joins' and casts' freed blocks
    rep = getattr(ds, "report", None)
    meta = {
        "dataset": getattr(ds, "label", "data"),
        "source": None if getattr(ds, "source", None) is None else str(ds.source),
        "adapter": getattr(ds, "adapter", None),
        "sha256": getattr(ds, "sha256", None),
        "synthetic": bool(getattr(ds, "synthetic", False)),
        "rows_in": None if rep is None else int(rep.rows_in),
        "accepted": None if rep is None else int(rep.accepted),
        "quarantined": None if rep is None else int(rep.quarantined),
        "engine": ds.engine,
        "definitions": defs,
        "ranked": rk,
        "trimmed": tr,
        "columns": cols,
        "trim": float(trim),
        "currency": currency,
        "unit": "influencer",
    }
    if getattr(rep, "flags", None):  # what the data are (account-level, duplicate rows)
        meta["data_flags"] = list(rep.flags)
    ev = Evidence(influencers, by_sponsored, categories, brands, meta)
    if out is None:
        return ev
    ev.write(out)  # categories, brands and meta.json beside the streamed tables
    return Evidence.read(out)


class ParquetSink:
    """A Parquet file written one evidence table part at a time (atomically: the file
    appears complete, or not at all); ``path=None`` writes nothing."""

    def __init__(self, path) -> None:
        self.path = path
        self.writer = None

    def __enter__(self) -> ParquetSink:
        if self.path is not None:
            self.file_cm = atomic_open(self.path)
            self.file = self.file_cm.__enter__()
        return self

    def write(self, part: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(part, preserve_index=False).replace_schema_metadata(None)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.file, table.schema, compression="zstd")
        self.writer.write_table(table.cast(self.writer.schema))

    def __exit__(self, *exc) -> None:
        if self.path is None:
            return
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.file_cm.__exit__(*exc)


def split_pass(run, statement, partition) -> tuple[pa.Table, pa.Table]:
    """(influencers, influencer-and-flag rows: missing flags too) of one partition, from
    two statements: one grouped by influencer and sponsored flag (missing flags as a group
    of their own) with every summable statistic and the flag rows' ranks, added up into
    the influencers' sums; one with each influencer's ranks only (its median followers
    only where they vary).

    Sums, counts and extremes add up over disjoint groups; medians and trimmed means do
    not. This costs less than one statement for the influencers and one for the flags (at
    10M posts, 4.5-4.8 s instead of 5.9-6.4 s): the ranks are the dear part. Sums of
    non-integer values may differ from a single pass's in the last bits (another order of
    addition). With nothing to rank (no ranked definition, followers constant within
    every influencer) the second statement is not run.
    """
    flags = run(
        statement(partition, by=("sponsored",), followers=False, part="sums", missing_groups=True)
    )
    if not isinstance(flags, pa.Table):  # Spark's rows
        flags = pa.Table.from_pandas(flags, preserve_index=False)
    k0, k1 = (text_keys(flags.column(k)) for k in KEYS)
    same = pc.and_(same_keys(k0[1:], k0[:-1]), same_keys(k1[1:], k1[:-1]))
    starts = np.flatnonzero(np.r_[len(k0) > 0, ~same.to_numpy(zero_copy_only=False)])
    del same
    lo = add_up(flags.column("followers_min"), starts, np.fmin)
    hi = add_up(flags.column("followers_max"), starts, np.fmax)
    varies = bool(np.any(pc.fill_null(pc.less(lo, hi), False).to_numpy(zero_copy_only=False)))
    ranked = [
        n for n in flags.column_names if n.endswith((SEP + "rate_median", SEP + "rate_trimmed"))
    ]
    n_posts = add_up(flags.column("n_posts"), starts)
    keys = {KEYS[0]: k0.take(starts), KEYS[1]: k1.take(starts)}
    ranks = None
    if varies or ranked:  # else there is nothing to rank: no second statement
        ranks = run(statement(partition, followers=varies, part="ranks"))
        if not isinstance(ranks, pa.Table):
            ranks = pa.Table.from_pandas(ranks, preserve_index=False)
        n_ranked = pc.cast(ranks.column("n_posts"), pa.int64())
        checks = [same_keys(text_keys(ranks.column(k)), keys[k]) for k in KEYS]
        agree = ranks.num_rows == len(starts) and all(  # (all of nothing: null, not False)
            pc.all(c).as_py() is not False for c in [*checks, pc.equal(n_ranked, n_posts)]
        )
        if not agree:
            raise RuntimeError(  # pragma: no cover - both group the same posts in one order
                "the evidence pass's two statements disagree on the influencers"
            )
    cols: dict[str, pa.Array] = dict(keys)
    for n in flags.column_names:
        if n in KEYS or n == "sponsored" or n.endswith(SEP + RATE_SUM):
            continue
        if n in ranked:
            cols[n] = ranks.column(n)
        elif n.endswith(SEP + "rate_mean"):
            p = n[: -len("rate_mean")]
            k = cols[p + "n_rated"]  # added up already: it comes before rate_mean
            rs = add_up(flags.column(p + RATE_SUM), starts)
            cols[n] = pc.if_else(pc.greater(k, 0), pc.divide(rs, pc.cast(k, pa.float64())), None)
        else:
            cols[n] = {"followers_min": lo, "followers_max": hi, "n_posts": n_posts}.get(n)
            if cols[n] is None:
                cols[n] = add_up(flags.column(n), starts)
    cols["followers"] = ranks.column("followers") if varies else lo
    influencers = pa.table(cols)
    keep = [n for n in flags.column_names if not n.endswith(SEP + RATE_SUM)]
    return influencers, flags.select(keep)


def text_keys(column) -> pa.Array:
    """A key column as one Arrow array; all-missing keys (typed ``null``, as Spark's
    empty or all-None columns arrive) as text."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return arr.cast(pa.string()) if pa.types.is_null(arr.type) else arr


def same_keys(a: pa.Array, b: pa.Array) -> pa.Array:
    """Element-wise key equality in which two missing keys are the same key (SQL groups
    them together)."""
    both_missing = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(pc.fill_null(pc.equal(a, b), False), both_missing)


def add_up(column, starts: np.ndarray, how=np.add) -> pa.Array:
    """The values of ``column`` added up (or their ``np.fmin``/``np.fmax``) over the runs
    of rows that begin at ``starts``; missing values are left out, and a run with none
    gives a missing value. Integers (counts) add up exactly, as int64."""
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    integral = pa.types.is_integer(arr.type) or (
        pa.types.is_decimal(arr.type) and arr.type.scale == 0  # DuckDB's HUGEINT sums
    )
    if not len(starts):  # no rows (an empty hash partition)
        return pa.array([], pa.int64() if integral and how is np.add else pa.float64())
    valid = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    none = np.add.reduceat(valid.astype(np.int64), starts) == 0
    if how is np.add and integral:
        v = pc.fill_null(pc.cast(arr, pa.int64()), 0).to_numpy()
        return pa.array(np.add.reduceat(v, starts), pa.int64(), mask=none)
    v = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)  # missing: NaN
    if how is np.add:
        v = np.where(valid, v, 0.0)
    return pa.array(how.reduceat(v, starts), pa.float64(), mask=none)


def _names(definitions) -> set[str]:
    return {get_definition(d).name for d in definitions}


def with_followers(out: pd.DataFrame, influencers: pd.DataFrame | None = None) -> pd.DataFrame:
    """``followers`` (the median over the influencer's posts: its one count where it does
    not vary) and ``followers_varies``, after ``n_posts``. Rows split by a flag take their
    influencer's (``influencers``): a tier belongs to the influencer, not to its posts."""
    lo, hi = out.pop("followers_min"), out.pop("followers_max")
    if influencers is None:
        fol = out.pop("followers").to_numpy(dtype="float64", na_value=float("nan"))
        vary = (lo < hi).to_numpy(dtype=bool, na_value=False).astype("int64")
    else:
        pos = key_positions(out, influencers)  # every flag row has its influencer
        fol = influencers["followers"].to_numpy(float)[pos]
        vary = influencers["followers_varies"].to_numpy()[pos]
    at = int(out.columns.get_loc("n_posts")) + 1
    out.insert(at, "followers", fol)
    out.insert(at + 1, "followers_varies", vary)
    return out


def release_memory(con) -> None:
    """Make DuckDB give back the blocks it keeps after a query. Its buffer pool holds freed
    memory up to the memory limit (0.5 GB after a 10M-post aggregation, 2 GB at 100M), under
    the tables Python builds next; lowering the limit for a moment evicts them."""
    import duckdb

    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    try:
        con.execute("SET memory_limit = '64MB'")
    except duckdb.Error:  # more than that still in use: keep what is
        pass
    finally:
        con.execute(f"SET memory_limit = '{limit}'")


def duckdb_runner(ds):
    def run(sql: str):
        out = ds.con.sql(sql).arrow()
        out = out.read_all() if hasattr(out, "read_all") else out  # a reader from DuckDB 1.4
        release_memory(ds.con)
        return out

    run.source = ds.posts
    return run


def spark_runner(ds):
    view = f"influtiers_posts_{uuid.uuid4().hex}"
    ds.relation().createOrReplaceTempView(view)

    def run(sql: str) -> pd.DataFrame:
        sdf = ds.spark.sql(sql)
        return pd.DataFrame([r.asDict() for r in sdf.collect()], columns=sdf.columns)

    run.source = view
    return run


def influencer_table(
    posts,
    definition=None,
    *,
    scheme=None,
    trim: float = config.TRIM,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """One row per influencer of canonical ``posts`` (a DataFrame or a Dataset): a shortcut
    for ``build_evidence(posts).table(definition, scheme)`` (``by=("sponsored",)`` gives
    one row per influencer and flag)."""
    d = get_definition(definition)
    ev = build_evidence(posts, definitions=[d.name], trim=trim)
    if tuple(by) == ("sponsored",):
        return ev.table(d, scheme, by_sponsored=True)
    if tuple(by):
        raise ValueError("by= takes ('sponsored',) only")
    return ev.table(d, scheme)
