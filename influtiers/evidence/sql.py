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
#: The per-definition statistics that need each influencer's rates ranked (the median for
#: the ``ranked`` definitions, the trimmed mean for the ``trimmed`` ones: they are the
#: costliest part of the pass).
RANK_STATS = ("rate_median", "rate_trimmed")
TABLES = ("influencers", "by_sponsored", "categories", "brands")
SEP = ":"
#: What :func:`evidence_sql` computes (``part``): everything, the summable part, the ranks.
PARTS = ("all", "sums", "ranks")
#: The per-definition sum of rates of ``part="sums"`` (from which ``rate_mean`` is rebuilt).
RATE_SUM = "rate_sum"


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
    trimmed: Sequence[str] | None = None,
    followers: bool = True,
    part: str = "all",
    missing_groups: bool = False,
) -> str:
    """The posts -> influencer aggregation as one SQL statement over ``source``.

    Portable SQL (``list``/``collect_list`` and their sort, ``FLOOR``, ``isnan``): the
    same text runs on DuckDB and Spark SQL (>= 3.4); ``dialect`` only switches identifier
    quoting, the string type and the list functions. ``columns`` are the canonical
    columns the source has; absent counts are NULL and NaN is read as missing, never as a
    value. ``definitions`` default to every definition the columns allow; ``ranked``
    (default: all of them) are those that also get the median rate, ``trimmed`` (default:
    the ranked ones) the trimmed-mean rate too. A trimmed definition gets both from each
    influencer's sorted list of rates; a ranked one that is not trimmed gets ``MEDIAN``,
    which costs less than the list. ``by`` adds grouping columns (their missing
    values left out). ``followers`` adds each group's median follower count
    (``followers``; with ``followers_min``/``followers_max`` always). ``partition=(i, k)``
    keeps the influencers whose ``account_id`` hashes to ``i`` modulo ``k``.

    ``part`` splits the statement in two (:func:`influtiers.evidence.build_evidence` runs
    both): ``"sums"`` leaves out ``followers``, adds each definition's sum of rates
    (``rate_sum``) and orders the rows by the keys first (``by`` last), so that each
    influencer's groups are adjacent and add up; ``"ranks"`` has only the keys,
    ``n_posts`` and the rank statistics (``followers`` and the ranked definitions'
    medians and trimmed means), none of the other columns above. ``missing_groups`` keeps the rows whose ``by`` columns are missing, as groups
    of their own.
    """
    if dialect not in DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {DIALECTS}")
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}; use one of {PARTS}")
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
    trimmed_set = ranked_set if trimmed is None else {get_definition(r).name for r in trimmed}
    if not trimmed_set <= ranked_set:
        raise ValueError("every trimmed definition must be ranked too")
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

    where = [] if missing_groups else [f"{q(b)} IS NOT NULL" for b in by]
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
        x = "followers" if d.exposure == "followers" else q(d.exposure)  # cleaned in base
        rate_cols.append(
            f"CASE WHEN {x} > 0 AND {e} IS NOT NULL THEN {x} END AS x{j}, "
            f"CASE WHEN {x} > 0 AND {e} IS NOT NULL THEN {e} / {x} END AS r{j}"
        )
    # (alias, aggregate, argument); LIST collects an influencer's rates
    aggs: list[tuple[str, str, str]] = [
        ("n_posts", "COUNT", "*"),
        ("followers_min", "MIN", "followers"),
        ("followers_max", "MAX", "followers"),
        ("n_sponsored", "SUM", "is_sponsored"),
    ]
    outer = ["n_posts", "followers_min", "followers_max", "n_sponsored"]
    if followers and part != "sums":
        aggs.append(("followers", "MEDIAN", "followers"))
        outer.insert(1, "followers")
    ranks = ["followers"] if followers and part != "sums" else []
    null = "CAST(NULL AS DOUBLE)"

    def add(alias: str, func: str, arg: str, present: bool = True, absent: str = "0") -> None:
        """An aggregate, or (for a column the source lacks) its constant value: an
        aggregate of a constant still costs a pass over every post."""
        if present:
            aggs.append((alias, func, arg))
            outer.append(alias)
        else:
            outer.append(f"{absent} AS {alias}")

    for c in counts:
        add(q(c + "_sum"), "SUM", q(c), c in have, null)
        add(q(c + "_n"), "COUNT", q(c), c in have)
    has_cost = "cost" in have
    add("cost_sum", "SUM", "cost", has_cost, null)
    add("cost_n", "COUNT", "cost", has_cost)
    add("cost_other_n", "COUNT", "cost_other", has_cost and "currency" in have and bool(currency))
    for p in config.PRICE_THRESHOLDS:
        add(f"cost_over_{int(p)}_n", "COUNT", f"CASE WHEN cost > {float(p)!r} THEN 1 END", has_cost)
    for e in EXPOSURES:
        src = "followers" if e == "followers" else q(e)
        ok = has_cost and (e == "followers" or e in have)
        add(q(e + "_priced_sum"), "SUM", f"CASE WHEN cost IS NOT NULL THEN {src} END", ok, null)
        add(q(e + "_priced_n"), "COUNT", f"CASE WHEN cost IS NOT NULL THEN {src} END", ok)
    # engagement statistics once per component set, named per definition in the outer query
    for e in comp_sets.values():
        aggs += [(f"{e}_n", "COUNT", e), (f"{e}_sum", "SUM", e), (f"{e}_sq", "SUM", f"{e} * {e}")]
    t = float(trim)
    lists: list[str] = []
    medians: list[str] = []
    counted: list[str] = []  # the rated posts' counts the sorted lists are read with
    for j, name in enumerate(defs):
        e = comp_sets[get_definition(name).components]
        p = name + SEP
        aggs += [
            (f"n{j}", "COUNT", f"r{j}"),
            (f"s{j}", "SUM", f"CASE WHEN r{j} IS NOT NULL THEN {e} END"),
            (f"x{j}", "SUM", f"x{j}"),
            (f"rs{j}", "SUM", f"r{j}"),
        ]
        outer += [
            f"{e}_n AS {q(p + 'engagement_n')}",
            f"{e}_sum AS {q(p + 'engagement_sum')}",
            f"{e}_sq AS {q(p + 'engagement_sq_sum')}",
            f"n{j} AS {q(p + 'n_rated')}",
            f"s{j} AS {q(p + 'rated_sum')}",
            f"x{j} AS {q(p + 'exposure_sum')}",
            f"CASE WHEN n{j} > 0 THEN rs{j} / n{j} END AS {q(p + 'rate_mean')}",
        ]
        if part == "sums":
            outer.append(f"rs{j} AS {q(p + RATE_SUM)}")
        if name not in ranked_set:
            continue
        n = f"n{j}"
        if name not in trimmed_set:
            aggs.append((f"md{j}", "MEDIAN", f"r{j}"))
            medians.append(f"md{j}")
            outer.append(f"md{j} AS {q(p + 'rate_median')}")
            ranks.append(outer[-1])
            continue
        # the rated posts' rates, sorted once: the median and the trimmed mean read them
        aggs.append((f"l{j}", "LIST", f"r{j}"))
        lists.append(f"l{j}")
        lo = f"CAST(FLOOR(({n} + 1) / 2) AS INT)"
        hi = f"CAST(FLOOR(({n} + 2) / 2) AS INT)"
        # scipy.stats.trim_mean: cut int(trim * n) values at each end (float product)
        cut = f"CAST(FLOOR(CAST({n} AS DOUBLE) * CAST({t!r} AS DOUBLE)) AS INT)"
        if dialect == "spark":
            med = f"(element_at(l{j}, {lo}) + element_at(l{j}, {hi})) / 2"
            kept = f"slice(l{j}, {cut} + 1, {n} - 2 * {cut})"
            trimmed_mean = (
                f"aggregate({kept}, CAST(0 AS DOUBLE), (acc, v) -> acc + v) / ({n} - 2 * {cut})"
            )
        else:
            med = f"(l{j}[{lo}] + l{j}[{hi}]) / 2"
            trimmed_mean = f"list_avg(list_slice(l{j}, {cut} + 1, {n} - {cut}))"
        outer += [
            f"CASE WHEN {n} > 0 THEN {med} END AS {q(p + 'rate_median')}",
            f"CASE WHEN {n} > 0 THEN {trimmed_mean} END AS {q(p + 'rate_trimmed')}",
        ]
        ranks += outer[-2:]
        counted.append(n)
    if part == "ranks":  # the keys and the rank statistics, and the aggregates they read
        used = {"n_posts", *lists, *medians, *counted}
        used |= {"followers"} if "followers" in ranks else set()
        aggs = [a for a in aggs if a[0] in used]
        outer = ["n_posts", *ranks]

    def aggregate(alias: str, func: str, arg: str) -> str:
        if func == "LIST":
            if dialect == "spark":
                return f"collect_list({arg}) AS {alias}"  # collect_list skips NULLs
            return f"list({arg}) FILTER (WHERE {arg} IS NOT NULL) AS {alias}"
        return f"{func}({arg}) AS {alias}"

    sort = "array_sort" if dialect == "spark" else "list_sort"
    names = [a[0] for a in aggs]
    sorted_sel = ", ".join(f"{sort}({a}) AS {a}" if a in lists else a for a in names)
    rates = "".join(f",\n         {r}" for r in rate_cols)
    sel_keys = ", ".join(q(k) for k in (*by, *KEYS))
    # "sums" rows come influencer by influencer (their flags next to each other)
    order = ", ".join(q(k) for k in (*KEYS, *by)) if part == "sums" else sel_keys
    inner_sql = ",\n         ".join(aggregate(*a) for a in aggs)
    outer_sql = ",\n       ".join(outer)
    by_sel = "".join(f"{q(b)}, " for b in by)
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
  SELECT {sel_keys},
         {inner_sql}
  FROM rated
  GROUP BY {sel_keys}
),
sorted AS (
  SELECT {sel_keys}, {sorted_sel}
  FROM agg
)
SELECT {sel_keys},
       {outer_sql}
FROM sorted
ORDER BY {order}
"""


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
