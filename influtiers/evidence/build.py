"""Building the evidence: the SQL of :mod:`.sql` run in the dataset's engine."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .. import config
from ..metrics import get_definition
from .sql import (
    KEYS,
    available_definitions,
    brand_sql,
    category_sql,
    evidence_sql,
    median_followers_sql,
)
from .tables import Evidence, finish


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


def build_evidence(
    data,
    *,
    definitions: Sequence[str] | None = None,
    trim: float = config.TRIM,
    currency: str | None = config.CURRENCY,
    partitions: int | None = None,
    ranked: Sequence[str] | None = None,
) -> Evidence:
    """Aggregate the accepted posts of ``data`` into an :class:`Evidence`.

    ``data`` is a :class:`~influtiers.load.Dataset` (its accepted posts), or a canonical
    posts DataFrame, used as it is: validate untrusted data with
    :func:`influtiers.load.load` first.

    The statements run in the dataset's engine (DuckDB or Spark); the results are small
    (one row per influencer). ``partitions`` (DuckDB) aggregates the influencers in that
    many disjoint hash partitions of ``account_id``, bounding memory on very large inputs.

    ``ranked`` are the definitions that get the median and trimmed-mean rates (default:
    every definition). They need each influencer's rates sorted, the costliest part of
    the pass; the claims need only the analysis definition (see
    :func:`influtiers.claims.ranked_definitions`).
    """
    ds, owned = posts_source(data)
    try:
        cols = [c for c in ds.columns]
        defs = list(definitions) if definitions is not None else available_definitions(cols)
        rk = defs if ranked is None else [d for d in defs if d in _names(ranked)]
        by_sp = ("sponsored",) if "sponsored" in cols else None
        dialect = "spark" if ds.engine == "spark" else "duckdb"
        run = spark_runner(ds) if dialect == "spark" else duckdb_runner(ds)
        src = run.source
        k = int(partitions or 1)
        parts = [None] if k <= 1 else [(i, k) for i in range(k)]

        def agg(by):
            frames = [
                run(evidence_sql(src, cols, defs, trim=trim, by=by, currency=currency,
                                 dialect=dialect, partition=p, ranked=rk))
                for p in parts
            ]  # fmt: skip
            out = pd.concat(frames, ignore_index=True) if k > 1 else frames[0]
            return finish(with_followers(out, by, src, cols, run, dialect), by)

        influencers = agg(())
        by_sponsored = agg(by_sp) if by_sp else None
        cat = category_sql(src, cols, dialect=dialect)
        brand = brand_sql(src, cols, dialect=dialect)
        categories = finish(run(cat)) if cat else None
        brands = finish(run(brand)) if brand else None
    finally:
        if owned:
            ds.close()
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
        "columns": cols,
        "trim": float(trim),
        "currency": currency,
        "unit": "influencer",
    }
    return Evidence(influencers, by_sponsored, categories, brands, meta)


def _names(definitions) -> set[str]:
    return {get_definition(d).name for d in definitions}


def with_followers(out: pd.DataFrame, by, src: str, cols, run, dialect: str) -> pd.DataFrame:
    """``followers``: the influencer's one follower count, or its median over posts where
    the count varies (computed for those influencers only)."""
    keys = [*by, *KEYS]
    lo, hi = out.pop("followers_min"), out.pop("followers_max")
    vary = (lo < hi).to_numpy()
    fol = lo.to_numpy(dtype="float64", na_value=float("nan")).copy()
    if vary.any():
        view = f"influtiers_vary_{uuid.uuid4().hex}"
        run.register(view, out.loc[vary, keys].reset_index(drop=True))
        med = run(median_followers_sql(src, view, cols, by=by, dialect=dialect))
        idx = pd.MultiIndex.from_frame(out[keys].astype("string"))
        m = pd.Series(med["followers"].to_numpy(float),
                      index=pd.MultiIndex.from_frame(med[keys].astype("string")))  # fmt: skip
        pos = idx.get_indexer(m.index)
        fol[pos] = m.to_numpy()
    pos = int(out.columns.get_loc("n_posts")) + 1
    out.insert(pos, "followers", fol)
    out.insert(pos + 1, "followers_varies", vary.astype("int64"))
    return out


def duckdb_runner(ds):
    def run(sql: str) -> pd.DataFrame:
        return ds.con.sql(sql).df()

    run.source = ds.posts
    run.register = lambda name, df: ds.con.register(name, df)
    return run


def spark_runner(ds):
    view = f"influtiers_posts_{uuid.uuid4().hex}"
    ds.relation().createOrReplaceTempView(view)

    def run(sql: str) -> pd.DataFrame:
        sdf = ds.spark.sql(sql)
        return pd.DataFrame([r.asDict() for r in sdf.collect()], columns=sdf.columns)

    def register(name: str, df: pd.DataFrame) -> None:
        ds.spark.createDataFrame(df).createOrReplaceTempView(name)

    run.source = view
    run.register = register
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
