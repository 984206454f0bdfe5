"""The posts -> evidence SQL: one statement per evidence table, the same text on DuckDB
and Spark SQL (only identifier quoting and the string type differ)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .. import config
from ..metrics import DEFINITIONS, EXPOSURES, get_definition
from ..schema import COUNT_COLUMNS

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
#: The per-definition statistics that need each influencer's rates sorted (computed for
#: the ``ranked`` definitions only: the sort is the costliest part of the pass).
RANK_STATS = ("rate_median", "rate_trimmed")
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


def sql_literal(s: str) -> str:
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
    ranked: Sequence[str] | None = None,
) -> str:
    """The posts -> influencer aggregation as one SQL statement over ``source``.

    Portable SQL (window ``ROW_NUMBER``, ``MEDIAN``, ``FLOOR``, ``isnan``): the same text
    runs on DuckDB and Spark SQL (>= 3.4, which has ``MEDIAN``); ``dialect`` only switches
    identifier quoting and the string type. ``columns`` are the canonical columns the
    source has; absent counts are NULL and NaN is read as missing, never as a value.
    ``definitions`` default to every definition the columns allow; ``ranked`` (default: all
    of them) are those that also get the median and trimmed-mean rate, from each
    influencer's sorted rates. ``partition=(i, k)`` keeps the influencers whose
    ``account_id`` hashes to ``i`` modulo ``k``.
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
    ranked_set = set(defs if ranked is None else (get_definition(r).name for r in ranked))
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
        in_cur = f"({q('currency')} IS NULL OR {cur} = {sql_literal(currency.upper())})"
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
        ]
        outer += [q(p + s) for s in DEFINITION_STATS if s not in RANK_STATS]
        if name not in ranked_set:
            continue
        # the rated posts' rates, sorted: the median and the trimmed mean read them
        inner.append(
            f"array_sort(collect_list(r{j})) AS l{j}"
            if dialect == "spark"
            else f"list_sort(list(r{j}) FILTER (WHERE r{j} IS NOT NULL)) AS l{j}"
        )
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
