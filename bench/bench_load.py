"""How much ``load()`` costs on canonical Parquet, against a hand-written DuckDB query.

Usage::

    python bench/gen_posts.py 10M                  # once: bench/data/posts_10M/*.parquet
    python bench/bench_load.py                     # 10M, 3 repeats
    python bench/bench_load.py --data "bench/data/posts_100M/*.parquet" --repeat 1 \\
        --memory-limit 3GB --temp-directory bench/data/spill

Every measurement runs in a fresh Python process; the parent reads the child's peak RSS
(``ru_maxrss`` from ``os.wait4``) and the child reports the seconds of the measured step
(imports excluded). Cases:

* ``hand``: the hand-written query (``select account_id, any_value(followers), count(*),
  sum(likes), sum(comments), avg(rate), median(rate) from read_parquet(...) where
  followers > 0 group by account_id``) - the yardstick;
* ``load``: ``load(files)`` including the sha256 of the input (exact report, views ready);
* ``hand on posts``: the same query over ``ds.posts`` after ``load`` (its seconds only):
  what every later scan of the lazy view costs;
* ``load + hand on posts``: both, in one process (what a command that loads and
  aggregates once pays);
* ``sums on posts`` (``--cases``): a streaming scan of the view (count and sums), the cost
  of a later scan without a holistic aggregate;
* ``materialise`` / ``hand on table`` (``--cases``): the alternative design: copy the
  accepted posts into a compressed in-memory table after ``load``, and the query on it
  (seconds of that step; RSS of the whole process).

``--memory-limit``/``--temp-directory`` apply to ``load`` (the yardstick keeps DuckDB's
defaults: its ``median`` does not fit in a small memory limit at 100M).

The table prints seconds (minimum over repeats), peak RSS, the ratio to ``hand``, and the
CPU seconds of the step (all threads, ``time.process_time``) with their ratio: on a shared
machine the CPU ratio is the steadier of the two.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HAND = (
    "select account_id, any_value(followers), count(*), sum(likes), sum(comments), "
    "avg((likes+comments)/followers), median((likes+comments)/followers) "
    "from {src} where followers > 0 group by account_id"
)
SUMS = "select count(*), sum(followers), sum(likes), sum(comments) from {src}"
CASES = ("hand", "load", "hand on posts", "load + hand on posts")
#: Also available: "sums on posts" (a streaming scan of the view, no holistic aggregate).


def default_data() -> str:
    return str(HERE / "data" / "posts_10M" / "*.parquet")


def shown(path: str) -> str:
    """``path`` as printed in the results: relative to the repository when inside it."""
    p = os.path.abspath(path)
    return os.path.relpath(p, ROOT) if p.startswith(str(ROOT) + os.sep) else path


def child(case: str, data: str, opts: dict) -> None:
    """Run one case and print {"seconds": ...} on stdout."""
    import duckdb

    sys.path.insert(0, str(ROOT))
    from influtiers.load import load

    files = sorted(glob.glob(data))
    src = "read_parquet([" + ", ".join("'" + f + "'" for f in files) + "])"
    out: dict = {}
    if case == "hand":  # the yardstick runs with DuckDB's defaults (threads as given)
        con = duckdb.connect()
        if opts.get("threads"):
            con.execute(f"SET threads = {int(opts['threads'])}")
        t, c = time.perf_counter(), time.process_time()
        n = len(con.sql(HAND.format(src=src)).fetchall())
        out["seconds"], out["cpu"] = time.perf_counter() - t, time.process_time() - c
        out["groups"] = n
    else:
        t, c = time.perf_counter(), time.process_time()
        ds = load(files, **{k: v for k, v in opts.items() if v})
        sha = ds.sha256
        t_load, c_load = time.perf_counter() - t, time.process_time() - c
        out["rows_in"], out["reasons"], out["sha256"] = ds.report.rows_in, ds.report.reasons, sha
        t, c = time.perf_counter(), time.process_time()
        if case in ("materialise", "hand on table"):  # the alternative to the lazy view
            ds.con.execute("ATTACH ':memory:' AS m (COMPRESS)")
            ds.con.execute(f"CREATE TABLE m.posts AS SELECT * FROM {ds.posts}")
            t_mat, c_mat = time.perf_counter() - t, time.process_time() - c
            t, c = time.perf_counter(), time.process_time()
            if case == "hand on table":
                out["groups"] = len(ds.con.sql(HAND.format(src="m.posts")).fetchall())
            t_scan = time.perf_counter() - t if case == "hand on table" else t_mat
            c_scan = time.process_time() - c if case == "hand on table" else c_mat
        else:
            if case == "sums on posts":
                out["sums"] = ds.con.sql(SUMS.format(src=ds.posts)).fetchall()[0]
            elif case != "load":
                out["groups"] = len(ds.con.sql(HAND.format(src=ds.posts)).fetchall())
            t_scan, c_scan = time.perf_counter() - t, time.process_time() - c
        scans = ("hand on posts", "sums on posts", "materialise", "hand on table")
        out["seconds"] = t_load if case == "load" else t_scan if case in scans else t_load + t_scan
        out["cpu"] = c_load if case == "load" else c_scan if case in scans else c_load + c_scan
        ds.close()
    print(json.dumps(out))


def measure(case: str, data: str, opts: dict) -> tuple[float, float, dict]:
    cmd = [sys.executable, __file__, "--child", case, "--data", data, "--opts", json.dumps(opts)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{case}: child failed")
    res = json.loads(out.decode().strip().splitlines()[-1])
    return res["seconds"], usage.ru_maxrss / 1024, res


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=default_data())
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cases", default=",".join(CASES))
    p.add_argument("--memory-limit")
    p.add_argument("--temp-directory")
    p.add_argument("--threads", type=int)
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--opts", default="{}", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        child(a.child, a.data, json.loads(a.opts))
        return
    if not glob.glob(a.data):
        raise SystemExit(f"no files match {a.data}; run python bench/gen_posts.py 10M")
    opts = {
        "memory_limit": a.memory_limit,
        "temp_directory": a.temp_directory,
        "threads": a.threads,
    }
    cases = [c.strip() for c in a.cases.split(",")]
    best: dict[str, tuple[float, float, float]] = {}
    info: dict = {}
    for _ in range(a.repeat):
        for case in cases:  # interleaved, so that machine noise hits every case alike
            sec, rss, res = measure(case, a.data, opts)
            old = best.get(case, (sec, rss, res["cpu"]))
            best[case] = (min(sec, old[0]), max(rss, old[1]), min(res["cpu"], old[2]))
            info[case] = res
    print(
        f"data: {shown(a.data)} ({info.get('load', info.get('hand', {})).get('rows_in', '?')} rows)"
    )
    print(f"options: {json.dumps({k: v for k, v in opts.items() if v})}; repeats: {a.repeat}")
    hand, _, hand_cpu = best.get("hand", (float("nan"), 0, float("nan")))
    print(
        f"{'case':<24}{'seconds':>9}{'peak RSS MiB':>14}{'x hand':>8}{'CPU s':>8}{'CPU x hand':>11}"
    )
    for case in cases:
        sec, rss, cpu = best[case]
        print(
            f"{case:<24}{sec:>9.2f}{rss:>14.0f}{sec / hand:>8.2f}{cpu:>8.2f}{cpu / hand_cpu:>11.2f}"
        )
    if "load" in info:
        print(f"reasons: {info['load']['reasons']}")


if __name__ == "__main__":
    main()
