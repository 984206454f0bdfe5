"""Time posts -> influencer aggregation at scale; print ratios and peak memory.

Usage::

    python bench/gen_posts.py 1M 10M
    python bench/bench_aggregate.py 1M 10M            # writes bench/results/aggregate.md
    python bench/bench_aggregate.py 100M --memory-limit 3GB --repeat 1

Measurements (each in its own subprocess; peak RSS of that process from
``os.wait4``, seconds = best of ``--repeat`` runs of the operation only):

* ``influtiers``      ``influencer_table(glob)`` (default trim 0.1: needs a per-influencer sort)
* ``influtiers_trim0`` ``influencer_table(glob, trim=0)`` (no trimmed mean, no sort)
* ``handwritten``     the minimal DuckDB SQL an expert would write for the same
  sums/counts/means/medians per account (no trimmed mean)
* ``pandas``          ``pd.read_parquet`` + ``groupby().agg`` (sizes <= 10M only)
* ``end_to_end``      aggregation + the statistics that follow on the influencer
  table: :func:`influtiers.stats.equivalence_test` (nano vs micro, TOST on
  ``rate_median``) and :func:`influtiers.stats.rate_ratio` (micro vs macro,
  bootstrap of means, 2,000 resamples); ``tier_summary`` if ``influtiers.stats``
  is not importable.

Ratios: influtiers/handwritten, pandas/influtiers, stats/aggregation.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_posts import DATA, label, parse_size  # noqa: E402

RESULTS = HERE / "results"
KINDS = ("influtiers", "influtiers_trim0", "handwritten", "end_to_end", "pandas")
COUNTS = ("likes", "comments", "shares", "saves", "views", "reach", "impressions", "cost")


def handwritten_sql(glob: str) -> str:
    have = ("likes", "comments", "shares", "saves", "views", "cost")
    sums = ", ".join(f"sum({c}), count({c})" for c in have)
    return f"""
    SELECT coalesce(platform, 'unknown') AS platform, account_id, count(*) AS n_posts,
           median(followers) AS followers, count_if(sponsored) AS n_sponsored, {sums},
           count(e) AS engagement_n, avg(e) AS engagement_mean, median(e) AS engagement_median,
           count(r) AS n_rated, sum(e) FILTER (r IS NOT NULL) AS engagement_rated_sum,
           sum(followers) FILTER (r IS NOT NULL) AS exposure_sum,
           avg(r) AS rate_mean, median(r) AS rate_median,
           sum(e) FILTER (r IS NOT NULL) / sum(followers) FILTER (r IS NOT NULL) AS rate_pooled
    FROM (SELECT *, likes + comments AS e,
                 CASE WHEN followers > 0 THEN (likes + comments) / followers END AS r
          FROM read_parquet('{glob}'))
    GROUP BY ALL
    """


def run_pandas(glob: str):
    import numpy as np
    import pandas as pd

    cols = ["platform", "account_id", "followers", "sponsored", *COUNTS[:5], "cost"]
    df = pd.read_parquet(Path(glob).parent, columns=cols)
    df["platform"] = df["platform"].astype("string").fillna("unknown")
    df["account_id"] = df["account_id"].astype("string")
    df["e"] = df["likes"] + df["comments"]
    df["r"] = df["e"] / df["followers"].where(df["followers"] > 0)
    ok = df["r"].notna()
    df["e_rated"] = df["e"].where(ok)
    df["x_rated"] = df["followers"].where(ok)
    agg = {c: ["sum", "count"] for c in (*COUNTS[:5], "cost")}
    agg.update(
        {
            "followers": ["size", "median"],
            "sponsored": "sum",
            "e": ["count", "mean", "median"],
            "r": ["count", "mean", "median"],
            "e_rated": "sum",
            "x_rated": "sum",
        }
    )
    out = df.groupby(["platform", "account_id"], observed=True, sort=False).agg(agg)
    out[("rate_pooled", "")] = out[("e_rated", "sum")] / out[("x_rated", "sum")].replace(0, np.nan)
    return out


def stats_on(table) -> str:
    try:
        from influtiers.stats import equivalence_test, rate_ratio
    except ImportError:
        from influtiers.metrics import tier_summary

        tier_summary(table)
        return "tier_summary"
    equivalence_test(table, "nano", "micro", value="rate_median", insufficient="return")
    rate_ratio(
        table,
        "micro",
        "macro",
        method="bootstrap-mean",
        n_resamples=2000,
        seed=0,
        insufficient="return",
    )
    return "equivalence_test(nano, micro) + rate_ratio(micro, macro, bootstrap-mean, 2000)"


def measure(
    kind: str, glob: str, threads: int, memory_limit: str | None, tmp: str, partitions: int = 1
) -> dict:
    """One measurement, run inside the child process."""
    opts = {"threads": threads, "memory_limit": memory_limit, "temp_directory": tmp}
    opts["partitions"] = partitions
    t = time.perf_counter()
    info: dict = {}
    if kind in ("influtiers", "influtiers_trim0", "end_to_end"):
        from influtiers.aggregate import influencer_table

        trim = 0.0 if kind == "influtiers_trim0" else 0.1
        table = influencer_table(glob, trim=trim, **opts)
        info["rows_out"] = len(table)
        if kind == "end_to_end":
            info["seconds_aggregation"] = time.perf_counter() - t
            t2 = time.perf_counter()
            info["stats"] = stats_on(table)
            info["seconds_stats"] = time.perf_counter() - t2
    elif kind == "handwritten":
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET threads = {threads}")
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
            con.execute("SET preserve_insertion_order = false")
        con.execute(f"SET temp_directory = '{tmp}'")
        info["rows_out"] = len(con.sql(handwritten_sql(glob)).df())
    elif kind == "pandas":
        info["rows_out"] = len(run_pandas(glob))
    else:
        raise ValueError(kind)
    info["seconds"] = time.perf_counter() - t
    return info


def spawn(kind: str, glob: str, args) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--measure",
        kind,
        "--glob",
        glob,
        "--threads",
        str(args.threads),
    ]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    cmd += ["--partitions", str(args.partitions)]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:  # e.g. out of memory: report it, do not hide it
        print(f"  {kind} FAILED (status {status})", file=sys.stderr)
        info = {"seconds": float("nan"), "failed": True, "rows_out": 0}
        info["seconds_until_failure"] = time.perf_counter() - t
    else:
        info = json.loads(out.strip().splitlines()[-1])
    info["peak_rss_mib"] = ru.ru_maxrss / 1024  # Linux: KiB
    return info


def best(runs: list[dict]) -> dict:
    ok = [r for r in runs if not r.get("failed")] or runs
    b = dict(min(ok, key=lambda r: r["seconds"]))
    b["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    b["all_seconds"] = [round(r["seconds"], 3) for r in runs]
    return b


def bench(n: int, args) -> dict:
    folder = DATA / f"posts_{label(n)}"
    if not folder.exists():
        raise SystemExit(f"{folder} missing: run python bench/gen_posts.py {label(n)}")
    glob = str(folder / "*.parquet")
    print(f"{label(n)} posts ({glob})", file=sys.stderr)
    if args.warm:
        spawn("handwritten", glob, args)  # warm the page cache
    r = {"size": label(n), "posts": n}
    kinds = [k for k in args.kinds.split(",") if k != "pandas" or n <= args.pandas_max]
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(args.repeat):  # round robin, so background load hits every kind alike
        for k in kinds:
            runs[k].append(spawn(k, glob, args))
            print(f"  {k:17s} {runs[k][-1]['seconds']:.2f}s", file=sys.stderr)
    for k in kinds:
        r[k] = best(runs[k])
    r["load_avg_1min_end"] = os.getloadavg()[0]
    return r


NA = "n/a"


def ratio(a, b, key_a="seconds", key_b="seconds", digits=2) -> str:
    if not a or not b or a.get("failed") or b.get("failed"):
        return NA
    return f"{a[key_a] / b[key_b]:.{digits}f}"


def secs(x) -> str:
    if not x:
        return NA
    if x.get("failed"):
        return f"failed after {x['seconds_until_failure']:.0f}"
    return f"{x['seconds']:.2f}"


def fmt_table(rows: list[dict]) -> str:
    cols = [
        "posts",
        "influencers",
        "influtiers s",
        "trim=0 s",
        "handwritten s",
        "pandas s",
        "aggregation + stats s",
        "influtiers / handwritten",
        "trim=0 / handwritten",
        "pandas / influtiers",
        "stats / aggregation",
        "peak RSS MiB: influtiers / trim=0 / handwritten / pandas / end-to-end",
    ]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        it, t0, hw, e2e, pd_ = (r.get(k) for k in KINDS)
        na = NA

        cells = [
            r["size"],
            f"{it['rows_out']:,}" if it else na,
            *(secs(x) for x in (it, t0, hw, pd_)),
            f"{e2e['seconds_aggregation']:.2f} + {e2e['seconds_stats']:.2f}" if e2e else na,
            ratio(it, hw),
            ratio(t0, hw),
            ratio(pd_, it, digits=1),
            ratio(e2e, e2e, "seconds_stats", "seconds_aggregation"),
            " / ".join(f"{x['peak_rss_mib']:.0f}" if x else na for x in (it, t0, hw, pd_, e2e)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sizes", nargs="*", default=["1M", "10M"])
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 3GB")
    p.add_argument("--pandas-max", type=parse_size, default=10_000_000)
    p.add_argument("--kinds", default="influtiers,handwritten,end_to_end,pandas")
    p.add_argument("--partitions", type=int, default=1, help="influencer_table(partitions=)")
    p.add_argument("--no-warm", dest="warm", action="store_false", help="skip the warm-up run")
    p.add_argument("--out", type=Path, default=RESULTS / "aggregate.md")
    p.add_argument("--measure", help=argparse.SUPPRESS)
    p.add_argument("--glob", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    tmp = str(DATA / "duckdb_tmp")
    if args.measure:
        info = measure(
            args.measure, args.glob, args.threads, args.memory_limit, tmp, args.partitions
        )
        print(json.dumps(info))
        return
    rows = [bench(parse_size(s), args) for s in args.sizes]
    table = fmt_table(rows)
    stats_kind = (rows[0].get("end_to_end") or {}).get("stats", "not run")
    import duckdb
    import pandas as pd

    meta = (
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, pandas {pd.__version__}; threads={args.threads}, "
        f"memory_limit={args.memory_limit}, partitions={args.partitions}, best of {args.repeat} (round robin). "
        f"1-min load average at the end: "
        f"{', '.join(format(r['load_avg_1min_end'], '.1f') for r in rows)} "
        f"(other jobs shared the 2 cores). Statistics: {stats_kind}."
    )
    print(table)
    print(meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = f"## {' / '.join(r['size'] for r in rows)} posts\n\n{table}\n\n{meta}\n"
    with open(args.out, "a") as f:
        f.write(text + "\n")
    (args.out.with_suffix(".json")).open("a").write(json.dumps(rows) + "\n")


if __name__ == "__main__":
    main()
