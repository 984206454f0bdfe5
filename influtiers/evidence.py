"""Posts to evidence: the one step that grows with the data, as one SQL definition.

:func:`build_evidence` runs :func:`evidence_sql` once per evidence table on the accepted
posts of a :class:`~influtiers.load.Dataset` (DuckDB by default, the same text on Spark)
and returns an :class:`Evidence`: small pandas tables, one row per influencer, that every
claim, notebook and figure reads. Nothing after this step touches posts.

Evidence tables
---------------
``influencers`` (one row per ``platform``, ``account_id``; a missing platform is
``"unknown"``):
``followers`` (median over the influencer's posts: followers are taken as constant
within an influencer, and its median is used where they vary), ``followers_varies``,
``n_posts``, ``n_sponsored``, ``<count>_sum`` and ``<count>_n`` (sum and number of
non-missing values) of every count column, ``cost_sum``/``cost_n`` (posts priced in the
analysis currency, or with no currency), ``cost_other_n`` (posts priced in another
currency), ``cost_over_<t>_n`` (priced posts over each price of
``config.PRICE_THRESHOLDS``), ``<exposure>_priced_sum``/``_priced_n`` (exposure of the priced posts), and
for every engagement definition ``d`` whose columns the data have:

=========================  =====================================================
``d:engagement_n``         posts with engagement (every component present)
``d:engagement_sum``       sum of engagement over those posts
``d:engagement_sq_sum``    sum of squared engagement (post-level dispersion)
``d:n_rated``              posts with engagement and positive exposure
``d:rated_sum``            engagement summed over the rated posts
``d:exposure_sum``         exposure summed over the rated posts
``d:rate_mean``            mean of the rated posts' rates
``d:rate_median``          median rate (the middle one or two ranks)
``d:rate_trimmed``         trimmed mean: ``floor(trim * n)`` rates cut at each end,
                           as :func:`scipy.stats.trim_mean`
=========================  =====================================================

``by_sponsored``: the same, keyed by ``sponsored`` too (posts without the flag are left
out). ``categories``: posts per influencer and content category. ``brands``: sponsored
posts per influencer and brand.

Exactness
---------
A post-level Poisson model whose regressors are constant within an influencer (tier,
platform, log followers) has the same estimates and cluster-robust covariance as the
influencer-level model on these sums: a rate model (post offset ``log exposure``) is
the influencer model of ``d:rated_sum`` with offset ``log(d:exposure_sum)``; an
engagement model with no post offset is the model of ``d:engagement_sum`` with offset
``log(d:engagement_n)``. ``tests/test_evidence.py`` checks this to 1e-8.

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"account_id": ["a", "a", "b"], "followers": [100.0, 100.0, 20000.0],
...                       "likes": [4.0, 8.0, 300.0], "comments": [1.0, 2.0, 0.0]})
>>> ev = build_evidence(posts)
>>> t = ev.table()
>>> t["account_id"].tolist(), t["tier"].tolist(), t["n_posts"].tolist()
(['a', 'b'], ['nano', 'micro'], [2, 1])
>>> t[["rate_mean", "rate_sum_ratio"]].round(4).values.tolist()
[[0.075, 0.075], [0.015, 0.015]]
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .errors import NotTestable
from .metrics import DEFINITIONS, EXPOSURES, get_definition
from .schema import COUNT_COLUMNS
from .tiers import get_scheme

KEYS = ("platform", "account_id")
DIALECTS = ("duckdb", "spark")
#: Per-definition statistics (column ``f"{definition}:{stat}"``).
DEFINITION_STATS = (
    "engagement_n",
    "engagement_sum",
    "engagement_sq_sum",
    "n_rated",
    "rated_sum",
    "exposure_sum",
    "rate_mean",
    "rate_median",
    "rate_trimmed",
)
TABLES = ("influencers", "by_sponsored", "categories", "brands")
SEP = ":"


def quoter(dialect: str):
    """Identifier quoting of ``dialect``: ``"x"`` (DuckDB) or ```x``` (Spark)."""
    if dialect == "spark":
        return lambda name: "`" + name.replace("`", "``") + "`"
    return lambda name: '"' + name.replace('"', '""') + '"'


def available_definitions(columns: Iterable[str], candidates=None) -> list[str]:
    """Engagement definitions whose components and exposure are all among ``columns``."""
    have = set(columns)
    out = []
    for name in candidates or DEFINITIONS:
        d = get_definition(name)
        if all(c in have for c in d.columns):
            out.append(d.name)
    return out


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def evidence_sql(
    source: str,
    columns: Sequence[str],
    definitions: Sequence[str] | None = None,
    *,
    trim: float = config.TRIM,
    by: Sequence[str] = (),
    currency: str | None = config.CURRENCY,
    dialect: str = "duckdb",
    partition: tuple[int, int] | None = None,
) -> str:
    """The posts -> influencer aggregation as one SQL statement over ``source``.

    Portable SQL (window ``ROW_NUMBER``, ``MEDIAN``, ``FLOOR``, ``isnan``): the same text
    runs on DuckDB and Spark SQL (>= 3.4, which has ``MEDIAN``); ``dialect`` only switches
    identifier quoting and the string type. ``columns`` are the canonical columns the
    source has; absent counts are NULL and NaN is read as missing, never as a value.
    ``definitions`` default to every definition the columns allow. ``partition=(i, k)``
    keeps the influencers whose ``account_id`` hashes to ``i`` modulo ``k``.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
    if not 0 <= trim < 0.5:
        raise ValueError("trim must be in [0, 0.5)")
    have = set(columns)
    for c in ("account_id", "followers"):
        if c not in have:
            raise KeyError(f"the posts table needs a {c!r} column")
    defs = list(definitions) if definitions is not None else available_definitions(have)
    for name in defs:
        d = get_definition(name)
        missing = [c for c in d.columns if c not in have]
        if missing:
            raise KeyError(
                f"engagement definition {d.name!r} ({d.label}) needs column(s) "
                f"{', '.join(missing)}, which the posts table does not have"
            )
    missing_by = [b for b in by if b not in have]
    if missing_by:
        raise KeyError(f"grouping column(s) {', '.join(missing_by)} not in the posts table")
    q = quoter(dialect)
    text = "STRING" if dialect == "spark" else "VARCHAR"

    def num(c: str) -> str:
        if c not in have:
            return "CAST(NULL AS DOUBLE)"
        x = f"CAST({q(c)} AS DOUBLE)"
        return f"(CASE WHEN isnan({x}) THEN NULL ELSE {x} END)"

    where = []
    for b in by:
        where.append(f"{q(b)} IS NOT NULL")
    if partition is not None:
        i, k = (int(v) for v in partition)
        if not 0 <= i < k:
            raise ValueError(f"partition must be (i, k) with 0 <= i < k, got {partition!r}")
        h = f"hash(CAST({q('account_id')} AS {text}))"
        h = f"pmod({h}, {k})" if dialect == "spark" else f"({h} % {k})"
        where.append(f"{h} = {i}")
    where_sql = ("\n  WHERE " + " AND ".join(where)) if where else ""
    plat = (
        f"COALESCE(CAST({q('platform')} AS {text}), 'unknown')"
        if "platform" in have
        else "'unknown'"
    )
    sponsored = f"CASE WHEN {q('sponsored')} THEN 1 ELSE 0 END" if "sponsored" in have else "0"
    counts = list(COUNT_COLUMNS)
    if "cost" in have and "currency" in have and currency:
        cur = f"UPPER(TRIM(CAST({q('currency')} AS {text})))"
        in_cur = f"({q('currency')} IS NULL OR {cur} = {_literal(currency.upper())})"
        cost = f"(CASE WHEN {in_cur} THEN {num('cost')} END)"
        cost_other = f"(CASE WHEN NOT {in_cur} THEN {num('cost')} END)"
    else:
        cost, cost_other = num("cost"), "CAST(NULL AS DOUBLE)"
    # engagement per component set (definitions that share components share it)
    comp_sets: dict[tuple[str, ...], str] = {}
    for name in defs:
        comp_sets.setdefault(get_definition(name).components, f"e{len(comp_sets)}")
    base = [f"{num(c)} AS {q(c)}" for c in counts]
    base += [f"{cost} AS cost", f"{cost_other} AS cost_other"]
    for comps, alias in comp_sets.items():
        base.append(f"({' + '.join(num(c) for c in comps)}) AS {alias}")
    rate_cols = []
    for j, name in enumerate(defs):
        d = get_definition(name)
        e = comp_sets[d.components]
        x = num(d.exposure)
        rate_cols.append(
            f"CASE WHEN {x} > 0 AND {e} IS NOT NULL THEN {x} END AS x{j}, "
            f"CASE WHEN {x} > 0 AND {e} IS NOT NULL THEN {e} / {x} END AS r{j}"
        )
    keys = [*by, *KEYS]
    kq = ", ".join(q(k) for k in keys)
    inner = [
        "COUNT(*) AS n_posts",
        "MIN(followers) AS followers_min",
        "MAX(followers) AS followers_max",
        "SUM(is_sponsored) AS n_sponsored",
    ]
    for c in counts:
        inner.append(f"SUM({q(c)}) AS {q(c + '_sum')}, COUNT({q(c)}) AS {q(c + '_n')}")
    inner.append("SUM(cost) AS cost_sum, COUNT(cost) AS cost_n, COUNT(cost_other) AS cost_other_n")
    over = [f"cost_over_{int(p)}_n" for p in config.PRICE_THRESHOLDS]
    for p, name in zip(config.PRICE_THRESHOLDS, over, strict=True):
        inner.append(f"COUNT(CASE WHEN cost > {float(p)!r} THEN 1 END) AS {name}")
    for e in EXPOSURES:
        src = "followers" if e == "followers" else q(e)
        inner.append(
            f"SUM(CASE WHEN cost IS NOT NULL THEN {src} END) AS {q(e + '_priced_sum')}, "
            f"COUNT(CASE WHEN cost IS NOT NULL THEN {src} END) AS {q(e + '_priced_n')}"
        )
    outer = [kq, "n_posts", "followers_min", "followers_max", "n_sponsored"]
    outer += [f"{q(c + '_sum')}, {q(c + '_n')}" for c in counts]
    outer.append("cost_sum, cost_n, cost_other_n")
    outer += over
    outer += [f"{q(e + '_priced_sum')}, {q(e + '_priced_n')}" for e in EXPOSURES]
    t = float(trim)
    for j, name in enumerate(defs):
        e = comp_sets[get_definition(name).components]
        p = name + SEP
        inner += [
            f"COUNT({e}) AS {q(p + 'engagement_n')}",
            f"SUM({e}) AS {q(p + 'engagement_sum')}",
            f"SUM({e} * {e}) AS {q(p + 'engagement_sq_sum')}",
            f"COUNT(r{j}) AS {q(p + 'n_rated')}",
            f"SUM(CASE WHEN r{j} IS NOT NULL THEN {e} END) AS {q(p + 'rated_sum')}",
            f"SUM(x{j}) AS {q(p + 'exposure_sum')}",
            f"AVG(r{j}) AS {q(p + 'rate_mean')}",
            # the rated posts' rates, sorted: the median and the trimmed mean read them
            f"array_sort(collect_list(r{j})) AS l{j}"
            if dialect == "spark"
            else f"list_sort(list(r{j}) FILTER (WHERE r{j} IS NOT NULL)) AS l{j}",
        ]
        n = q(p + "n_rated")
        lo = f"CAST(FLOOR(({n} + 1) / 2) AS INT)"
        hi = f"CAST(FLOOR(({n} + 2) / 2) AS INT)"
        # scipy.stats.trim_mean: cut int(trim * n) values at each end (float product)
        cut = f"CAST(FLOOR(CAST({n} AS DOUBLE) * CAST({t!r} AS DOUBLE)) AS INT)"
        if dialect == "spark":
            med = f"(element_at(l{j}, {lo}) + element_at(l{j}, {hi})) / 2"
            kept = f"slice(l{j}, {cut} + 1, {n} - 2 * {cut})"
            trimmed = (
                f"aggregate({kept}, CAST(0 AS DOUBLE), (acc, v) -> acc + v) / ({n} - 2 * {cut})"
            )
        else:
            med = f"(l{j}[{lo}] + l{j}[{hi}]) / 2"
            trimmed = f"list_avg(list_slice(l{j}, {cut} + 1, {n} - {cut}))"
        outer += [
            *(q(p + s) for s in DEFINITION_STATS[:3]),
            *(q(p + s) for s in DEFINITION_STATS[3:7]),
            f"CASE WHEN {n} > 0 THEN {med} END AS {q(p + 'rate_median')}",
            f"CASE WHEN {n} > 0 THEN {trimmed} END AS {q(p + 'rate_trimmed')}",
        ]
    by_sel = "".join(f"{q(b)}, " for b in by)
    rates = "".join(f",\n         {r}" for r in rate_cols)
    inner_sql = ",\n         ".join(inner)
    outer_sql = ",\n       ".join(outer)
    return f"""
WITH base AS (
  SELECT {by_sel}{plat} AS platform, CAST({q("account_id")} AS {text}) AS account_id,
         {num("followers")} AS followers, {sponsored} AS is_sponsored,
         {", ".join(base)}
  FROM {source}{where_sql}
),
rated AS (
  SELECT *{rates}
  FROM base
),
agg AS (
  SELECT {kq},
         {inner_sql}
  FROM rated
  GROUP BY {kq}
)
SELECT {outer_sql}
FROM agg
ORDER BY {kq}
"""


def median_followers_sql(source: str, keys_view: str, columns: Sequence[str], *,
                         by: Sequence[str] = (), dialect: str = "duckdb") -> str:  # fmt: skip
    """Median followers of the influencers listed in ``keys_view`` (those whose follower
    count varies between posts; for the others it is their one value)."""
    q = quoter(dialect)
    text = "STRING" if dialect == "spark" else "VARCHAR"
    keys = [*by, *KEYS]
    plat = (
        f"COALESCE(CAST(p.{q('platform')} AS {text}), 'unknown')"
        if "platform" in columns
        else "'unknown'"
    )
    acc = f"CAST(p.{q('account_id')} AS {text})"
    expr = {"platform": plat, "account_id": acc, **{b: f"p.{q(b)}" for b in by}}
    on = " AND ".join(f"{expr[k]} = v.{q(k)}" for k in keys)
    sel = ", ".join(f"{expr[k]} AS {q(k)}" for k in keys)
    grp = ", ".join(str(i + 1) for i in range(len(keys)))
    x = f"CAST(p.{q('followers')} AS DOUBLE)"
    return (
        f"SELECT {sel}, MEDIAN(CASE WHEN isnan({x}) THEN NULL ELSE {x} END) AS followers "
        f"FROM {source} p JOIN {keys_view} v ON {on} GROUP BY {grp}"
    )


def category_sql(source: str, columns: Sequence[str], *, dialect: str = "duckdb") -> str | None:
    """Posts per influencer and content category (None without a ``category`` column)."""
    if "category" not in columns:
        return None
    q = quoter(dialect)
    text = "STRING" if dialect == "spark" else "VARCHAR"
    plat = (
        f"COALESCE(CAST({q('platform')} AS {text}), 'unknown')"
        if "platform" in columns
        else "'unknown'"
    )
    return (
        f"SELECT {plat} AS platform, CAST({q('account_id')} AS {text}) AS account_id, "
        f"CAST({q('category')} AS {text}) AS category, COUNT(*) AS n_posts FROM {source} "
        f"WHERE {q('category')} IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )


def brand_sql(source: str, columns: Sequence[str], *, dialect: str = "duckdb") -> str | None:
    """Sponsored posts per influencer and brand (None without ``brand``/``sponsored``)."""
    if "brand" not in columns or "sponsored" not in columns:
        return None
    q = quoter(dialect)
    text = "STRING" if dialect == "spark" else "VARCHAR"
    plat = (
        f"COALESCE(CAST({q('platform')} AS {text}), 'unknown')"
        if "platform" in columns
        else "'unknown'"
    )
    return (
        f"SELECT {plat} AS platform, CAST({q('account_id')} AS {text}) AS account_id, "
        f"CAST({q('brand')} AS {text}) AS brand, COUNT(*) AS n_sponsored FROM {source} "
        f"WHERE {q('brand')} IS NOT NULL AND {q('sponsored')} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )


# ------------------------------------------------------------------ the Evidence value
_INT_COLUMNS = ("n_posts", "n_sponsored", "followers_varies", "cost_n", "cost_other_n")


def _finish(out: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    for c in out.columns:
        if c in (*by, *KEYS, "category", "brand"):
            continue
        if c in _INT_COLUMNS or c.endswith(("_n", "n_rated", "n_sponsored")):
            out[c] = pd.to_numeric(out[c]).fillna(0).astype("int64")
        elif c == "n_posts":
            out[c] = pd.to_numeric(out[c]).astype("int64")
        else:
            out[c] = pd.to_numeric(out[c]).astype("float64")
    for c in (*KEYS, "category", "brand"):
        if c in out:
            out[c] = out[c].astype("string")
    if "sponsored" in by:
        out["sponsored"] = out["sponsored"].astype("boolean")
    return out.sort_values([*by, *KEYS], kind="stable").reset_index(drop=True)


@dataclass
class Evidence:
    """The evidence tables of one dataset (see the module docstring)."""

    influencers: pd.DataFrame
    by_sponsored: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    brands: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)

    @property
    def definitions(self) -> list[str]:
        return list(self.meta.get("definitions", []))

    @property
    def label(self) -> str:
        return str(self.meta.get("dataset", "data"))

    @property
    def platforms(self) -> list[str]:
        return sorted(self.influencers["platform"].dropna().unique().tolist())

    @property
    def columns(self) -> list[str]:
        """The canonical posts columns the dataset had."""
        return list(self.meta.get("columns", []))

    def has(self, column: str) -> bool:
        """Whether the posts had ``column`` with at least one value."""
        if column in ("account_id", "followers"):
            return True
        if column in COUNT_COLUMNS or column == "cost":
            return bool((self.influencers[f"{column}_n"] > 0).any())
        if column == "sponsored":
            return self.by_sponsored is not None and len(self.by_sponsored) > 0
        if column == "category":
            return self.categories is not None and len(self.categories) > 0
        if column == "brand":
            return self.brands is not None and len(self.brands) > 0
        return column in self.columns

    def table(
        self,
        definition=None,
        scheme=None,
        *,
        platform: str | Sequence[str] | None = None,
        sponsored: bool | None = None,
        by_sponsored: bool = False,
    ) -> pd.DataFrame:
        """One row per influencer with the rates of ``definition`` and its ``tier``.

        ``platform`` keeps those platforms; ``sponsored=True``/``False`` uses only the
        influencers' sponsored / organic posts; ``by_sponsored=True`` keeps both (one row
        per influencer and flag). Raises :class:`~influtiers.errors.NotTestable` when the
        definition's columns are not in the data.
        """
        d = get_definition(definition)
        if d.name not in self.definitions:
            need = ", ".join(d.columns)
            raise NotTestable(
                f"engagement definition {d.name} ({d.label}) needs {need}, which the data "
                f"do not all have (available: {', '.join(self.definitions) or 'none'})"
            )
        if sponsored is not None or by_sponsored:
            if self.by_sponsored is None or self.by_sponsored.empty:
                raise NotTestable("no sponsorship flag (sponsored) in the data")
            src = self.by_sponsored
            if sponsored is not None:
                src = src[(src["sponsored"] == sponsored).fillna(False).to_numpy()]
        else:
            src = self.influencers
        if platform is not None:
            plats = [platform] if isinstance(platform, str) else list(platform)
            src = src[src["platform"].isin(plats).to_numpy()]
        p = d.name + SEP
        generic = [c for c in src.columns if SEP not in c]
        t = src[generic].copy()
        for s in DEFINITION_STATS:
            t[s] = src[p + s].to_numpy()
        t["engagement_mean"] = t["engagement_sum"] / t["engagement_n"].where(t["engagement_n"] > 0)
        t["rate_sum_ratio"] = t["rated_sum"] / t["exposure_sum"].where(t["exposure_sum"] > 0)
        sch = get_scheme(scheme)
        tier = sch.classify(t["followers"].to_numpy(), t["platform"].to_numpy())
        t.insert(int(t.columns.get_loc("followers")) + 1, "tier", tier)
        t = t.reset_index(drop=True)
        t.attrs.update(
            definition=d.name,
            definition_label=d.label,
            trim=self.meta.get("trim", config.TRIM),
            scheme=sch.name,
            unit="influencer",
            dataset=self.label,
            currency=self.meta.get("currency"),
        )
        return t

    # -- persistence ----------------------------------------------------------------
    def write(self, directory) -> list[Path]:
        """Write the tables as Parquet and ``meta.json`` into ``directory``."""
        from .provenance import atomic_write

        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        for name in TABLES:
            t = getattr(self, name)
            if t is None:
                continue
            buf = _parquet_bytes(t)
            out.append(atomic_write(d / f"{name}.parquet", buf))
        out.append(
            atomic_write(d / "meta.json", json.dumps(self.meta, indent=2, sort_keys=True) + "\n")
        )
        return out

    @classmethod
    def read(cls, directory) -> Evidence:
        """The evidence written by :meth:`write`."""
        d = Path(directory)
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        tables = {}
        for name in TABLES:
            p = d / f"{name}.parquet"
            tables[name] = _finish(pd.read_parquet(p), _by_of(name)) if p.exists() else None
        return cls(meta=meta, **tables)


def _by_of(name: str) -> tuple[str, ...]:
    return ("sponsored",) if name == "by_sponsored" else ()


def _parquet_bytes(t: pd.DataFrame) -> bytes:
    """Deterministic Parquet bytes (no pandas metadata, which records library versions)."""
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(t, preserve_index=False)
    table = table.replace_schema_metadata(None)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


# ------------------------------------------------------------------ building it
@dataclass
class _Frame:
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


def _posts_source(data):
    """(dataset-like object, owned) for a Dataset or a canonical posts DataFrame."""
    if isinstance(data, pd.DataFrame):
        return _Frame(data), True
    return data, False


def build_evidence(
    data,
    *,
    definitions: Sequence[str] | None = None,
    trim: float = config.TRIM,
    currency: str | None = config.CURRENCY,
    partitions: int | None = None,
) -> Evidence:
    """Aggregate the accepted posts of ``data`` into an :class:`Evidence`.

    ``data`` is a :class:`~influtiers.load.Dataset` (its accepted posts), or a canonical
    posts DataFrame, used as it is: validate untrusted data with
    :func:`influtiers.load.load` first.

    The statements run in the dataset's engine (DuckDB or Spark); the results are small
    (one row per influencer). ``partitions`` (DuckDB) aggregates the influencers in that
    many disjoint hash partitions of ``account_id``, bounding memory on very large inputs.
    """
    ds, owned = _posts_source(data)
    try:
        cols = [c for c in ds.columns]
        defs = list(definitions) if definitions is not None else available_definitions(cols)
        by_sp = ("sponsored",) if "sponsored" in cols else None
        dialect = "spark" if ds.engine == "spark" else "duckdb"
        run = _spark_runner(ds) if dialect == "spark" else _duckdb_runner(ds)
        src = run.source
        k = int(partitions or 1)
        parts = [None] if k <= 1 else [(i, k) for i in range(k)]

        def agg(by):
            frames = [
                run(evidence_sql(src, cols, defs, trim=trim, by=by, currency=currency,
                                 dialect=dialect, partition=p))
                for p in parts
            ]  # fmt: skip
            out = pd.concat(frames, ignore_index=True) if k > 1 else frames[0]
            return _finish(_with_followers(out, by, src, cols, run, dialect), by)

        influencers = agg(())
        by_sponsored = agg(by_sp) if by_sp else None
        cat = category_sql(src, cols, dialect=dialect)
        brand = brand_sql(src, cols, dialect=dialect)
        categories = _finish(run(cat)) if cat else None
        brands = _finish(run(brand)) if brand else None
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
        "columns": cols,
        "trim": float(trim),
        "currency": currency,
        "unit": "influencer",
    }
    return Evidence(influencers, by_sponsored, categories, brands, meta)


def _with_followers(out: pd.DataFrame, by, src: str, cols, run, dialect: str) -> pd.DataFrame:
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


def _duckdb_runner(ds):
    def run(sql: str) -> pd.DataFrame:
        return ds.con.sql(sql).df()

    run.source = ds.posts
    run.register = lambda name, df: ds.con.register(name, df)
    return run


def _spark_runner(ds):
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


def rate_columns(table: pd.DataFrame) -> list[str]:
    """The influencer-level rate columns of a table from :meth:`Evidence.table`."""
    return [c for c in ("rate_mean", "rate_median", "rate_trimmed", "rate_sum_ratio") if c in table]


__all__ = [
    "DEFINITION_STATS",
    "Evidence",
    "available_definitions",
    "brand_sql",
    "build_evidence",
    "category_sql",
    "evidence_sql",
    "influencer_table",
    "rate_columns",
]
