"""``influtiers claims`` end to end on large canonical Parquet, against the hand-written
DuckDB query of issue 10, in the same run.

Usage::

    python bench/gen_posts.py 10M                       # once: bench/data/posts_10M/*.parquet
    python bench/bench_claims.py                        # 10M, 2 repeats
    python bench/bench_claims.py --data "bench/data/posts_100M/*.parquet" --repeat 1 \\
        --memory-limit 3GB --temp-directory bench/data/spill

Every case runs in a fresh process; the parent takes its wall time, its CPU time (user +
system, all threads, from ``os.wait4``) and its peak RSS (``ru_maxrss``). Cases:

* ``hand``: a Python process that imports DuckDB and runs the yardstick query
  (``select account_id, any_value(followers), count(*), sum(likes), sum(comments),
  avg((likes+comments)/followers), median((likes+comments)/followers) from
  read_parquet(...) where followers > 0 group by account_id``); the query's own seconds
  are printed too (``hand query``);
* ``claims``: the command a user runs, ``python -m influtiers claims --data DATA
  --format csv`` (output discarded): imports, load and validation, the evidence pass,
  every claim's statistics, the ledger;
* ``stages`` (``--cases``): the same work in one process, timed per stage (imports, load,
  evidence, claims) to show where the time goes;
* ``floor`` (``--cases``): what any ``claims`` command must do before its own work, in one
  process: import the statistics stack (``influtiers.claims``), load and validate the posts
  (``influtiers.load.load``, the validation every input gets), and run the yardstick query
  over the accepted posts. No evidence beyond the yardstick's, no statistics: its ratio
  to ``hand`` is a lower bound on the ``claims`` ratio.

The ratios divide by the ``hand`` process (and, in the last column, by the query alone).
On a shared machine the CPU ratio is the steadier one. Writes nothing unless ``--out``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
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
CASES = ("hand", "claims")


def default_data() -> str:
    return str(HERE / "data" / "posts_10M" / "*.parquet")


def shown(path: str) -> str:
    """``path`` as printed in the results: relative to the repository when inside it."""
    p = os.path.abspath(path)
    return os.path.relpath(p, ROOT) if p.startswith(str(ROOT) + os.sep) else path


def hand_child(data: str) -> None:
    import duckdb

    files = sorted(glob.glob(data))
    src = "read_parquet([" + ", ".join("'" + f + "'" for f in files) + "])"
    con = duckdb.connect()
    t = time.perf_counter()
    n = len(con.sql(HAND.format(src=src)).fetchall())
    print(json.dumps({"query_seconds": time.perf_counter() - t, "groups": n}))


def stages_child(data: str, opts: dict) -> None:
    t0 = time.perf_counter()
    import resource

    from influtiers.analysis import analyse, evidence_options
    from influtiers.evidence import build_evidence
    from influtiers.load import load

    def peak() -> float:  # MiB so far
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    out = {"imports": time.perf_counter() - t0}
    rss = {"imports": peak()}
    t = time.perf_counter()
    ds = load(sorted(glob.glob(data)), **opts)
    out["load"] = time.perf_counter() - t
    rss["load"] = peak()
    t = time.perf_counter()
    ev = build_evidence(ds, **evidence_options(None, "claims", None, ds.columns))
    out["evidence"] = time.perf_counter() - t
    rss["evidence"] = peak()
    ds.close()
    t = time.perf_counter()
    analyse(ev)
    out["claims"] = time.perf_counter() - t
    rss["claims"] = peak()
    out["peak_rss_mib"] = rss
    print(json.dumps(out))


def floor_child(data: str, opts: dict) -> None:
    t0 = time.perf_counter()
    import influtiers.claims  # noqa: F401 - the statistics stack every claim needs
    from influtiers.load import load

    out = {"imports": time.perf_counter() - t0}
    t = time.perf_counter()
    ds = load(sorted(glob.glob(data)), **opts)
    out["load"] = time.perf_counter() - t
    t = time.perf_counter()
    ds.con.sql(HAND.format(src=ds.posts)).fetchall()
    out["query"] = time.perf_counter() - t
    ds.close()
    print(json.dumps(out))


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout's last line) of ``cmd`` in a fresh process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}...: failed with status {status}")
    last = (out.decode().strip().splitlines() or [""])[-1]
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, last


def command(case: str, data: str, opts: dict) -> list[str]:
    me = [sys.executable, __file__, "--data", data, "--opts", json.dumps(opts)]
    if case == "hand":
        return [*me, "--child", "hand"]
    if case in ("stages", "floor"):
        return [*me, "--child", case]
    cli = [sys.executable, "-m", "influtiers", "claims", "--data", data, "--format", "csv"]
    if opts.get("memory_limit"):
        cli += ["--memory-limit", opts["memory_limit"]]
    if opts.get("temp_directory"):
        cli += ["--temp-directory", opts["temp_directory"]]
    return cli


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=default_data(), help="a Parquet glob or directory")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--cases", default=",".join(CASES), help="hand, claims, stages, floor")
    p.add_argument("--memory-limit")
    p.add_argument("--temp-directory")
    p.add_argument("--out", help="append the table to this Markdown file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--opts", default="{}", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    data = a.data
    if Path(data).is_dir():
        data = str(Path(data) / "*.parquet")
    if a.child == "hand":
        return hand_child(data)
    if a.child == "stages":
        return stages_child(data, json.loads(a.opts))
    if a.child == "floor":
        return floor_child(data, json.loads(a.opts))
    if not glob.glob(data):
        raise SystemExit(f"no files match {data}; run python bench/gen_posts.py 10M")
    given = {"memory_limit": a.memory_limit, "temp_directory": a.temp_directory}
    opts = {k: v for k, v in given.items() if v}
    cases = [c.strip() for c in a.cases.split(",")]
    best: dict[str, list[float]] = {}
    extra: dict[str, dict] = {}
    for _ in range(a.repeat):
        for case in cases:  # interleaved, so that machine noise hits every case alike
            wall, cpu, rss, last = run(command(case, data, opts))
            old = best.get(case, [wall, cpu, rss])
            best[case] = [min(wall, old[0]), min(cpu, old[1]), max(rss, old[2])]
            if case in ("hand", "stages", "floor"):
                rec = json.loads(last)
                prev = extra.get(case, {})
                extra[case] = {
                    k: min(v, prev.get(k, v)) if isinstance(v, float) else v for k, v in rec.items()
                }
    load = os.getloadavg()[0]
    lines = [
        f"data: {shown(data)}; options: {json.dumps(opts)}; repeats: {a.repeat} (best of); "
        f"{os.cpu_count()} CPUs, {platform.python_version()}; 1-minute load at the end {load:.1f}",
        "",
        "| case | wall s | CPU s | peak RSS MiB | wall x hand | CPU x hand | wall x hand query |",
        "|---|---|---|---|---|---|---|",
    ]
    hw, hc = best.get("hand", [float("nan")] * 2)[:2]
    hq = extra.get("hand", {}).get("query_seconds", float("nan"))
    if "hand" in best:
        lines.append(f"| hand query (inside the process) | {hq:.2f} | | | | | 1.00 |")
    for case in cases:
        w, c, r = best[case]
        ratios = f"{w / hw:.2f} | {c / hc:.2f} | {w / hq:.2f}"
        lines.append(f"| {case} | {w:.2f} | {c:.2f} | {r:.0f} | {ratios} |")
    if "floor" in extra:
        f = extra["floor"]
        lines += ["", "floor (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in f.items())]
    if "stages" in extra:
        s = extra["stages"]
        rss = s.pop("peak_rss_mib", {})
        lines += ["", "stages (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in s.items())]
        if rss:
            lines += [
                "peak RSS after each stage (MiB): "
                + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())
            ]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
