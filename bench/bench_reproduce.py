"""Time ``influtiers reproduce`` (the command a user runs) twice on the same data, and check
that the two runs give identical figure data (every ``figures/**/*.csv``) and an
identical ledger.

    python bench/bench_reproduce.py                       # the bundled demo (+ benchmarks)
    python bench/gen_kim.py                               # once
    python bench/bench_reproduce.py --data bench/data/kim_40k --label kim_40k
    python bench/bench_reproduce.py --data "bench/data/posts_100M" --label 100M --runs 1 \
        --jobs 1 --option=--memory-limit=3GB --option=--temp-directory=bench/data/spill

Targets (issue 10, 2 cores): demo 45 s or less; the 40k-post, 23k-influencer Kim-format
dataset 60 s or less. Each run is a fresh process (``python -m influtiers reproduce
--jobs N --no-progress --out TMP``); the table shows its wall time, CPU time (user +
system of the process and its notebook kernels) and the steps recorded in the run's
manifest, and the peak memory of the command, sampled every 0.25 s from ``/proc``: the
resident set (RSS) of its whole process tree (the command, its study workers and notebook
kernels) summed, of its largest process, and the proportional set size (PSS) summed, which
counts shared pages once; then which processes made up the peak, and each one's peak. ``--out`` appends the table to a Markdown file. Run by hand,
never by the tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from influtiers.provenance import sha256_file  # noqa: E402


def tree_sizes(pid: int) -> dict[int, tuple[str, int, int]]:
    """``{pid: (name, RSS bytes, PSS bytes)}`` of ``pid`` and its descendants (Linux
    /proc). PSS (proportional set size) splits shared pages between the processes that map
    them, so its sum is the memory the tree takes; summed RSS counts shared pages (Python,
    numpy, Arrow, DuckDB libraries) once per process."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    todo, out = [pid], {}
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/statm") as f:
                rss = int(f.read().split()[1]) * page
            with open(f"/proc/{p}/cmdline", "rb") as f:
                argv = f.read().decode(errors="replace").split("\0")
            pss = rss
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss = int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
        out[p] = (process_name(argv), rss, pss)
    return out


def process_name(argv: list[str]) -> str:
    """A short name for a process of the tree: the command, a kernel, or a spawned process
    (the validation and claims phase, a study worker, multiprocessing's tracker)."""
    text = " ".join(a for a in argv if a)
    if "ipykernel" in text:
        return "kernel"
    if "influtiers" in text and "reproduce" in text:
        return "command"
    if "multiprocessing" in text or "spawn_main" in text:
        return "spawned"
    return os.path.basename(argv[0]) if argv and argv[0] else "?"


def one_run(data: list[str], out: Path, jobs: int, options: list[str]) -> dict:
    cmd = [sys.executable, "-m", "influtiers", "reproduce", "--out", str(out)]
    for d in data:
        cmd += ["--data", d]
    cmd += ["--jobs", str(jobs), "--no-progress", *options]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    peak_sum = peak_one = peak_pss = 0
    at_peak: list[str] = []
    per_process: dict[int, tuple[str, int]] = {}  # pid: (name, peak RSS)
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
        while proc.poll() is None:
            sizes = tree_sizes(proc.pid)
            for p, (name, rss, _) in sizes.items():
                per_process[p] = (name, max(rss, per_process.get(p, (name, 0))[1]))
            total = sum(v[1] for v in sizes.values())
            pss = sum(v[2] for v in sizes.values())
            peak_one = max([peak_one, *(v[1] for v in sizes.values())])
            if pss > peak_pss:
                peak_pss = pss
                at_peak = [f"{n} {r / 2**20:.0f}/{q / 2**20:.0f}" for n, r, q in sizes.values()]
            peak_sum = max(peak_sum, total)
            time.sleep(0.25)
        wall = time.perf_counter() - t0
        log.seek(0)
        text = log.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"reproduce failed ({proc.returncode}):\n{text[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    man = json.loads((out / "manifest.json").read_text())
    figs = {
        str(p.relative_to(out)): sha256_file(p) for p in sorted((out / "figures").rglob("*.csv"))
    }
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_tree_mib": peak_sum / 2**20,
        "peak_process_mib": peak_one / 2**20,
        "peak_pss_mib": peak_pss / 2**20,
        "at_peak": at_peak,
        "per_process": sorted(
            ((n, r / 2**20) for n, r in per_process.values()), key=lambda x: -x[1]
        ),
        "timings": man.get("timings", {}),
        "figures": figs,
        # the ledger without its run id (which differs between runs by design)
        "ledger": hashlib.sha256(
            pd.read_csv(out / "claims.csv", dtype=str, keep_default_na=False)
            .drop(columns=["run_id"], errors="ignore")
            .to_csv(index=False)
            .encode()
        ).hexdigest(),
        "status": {
            (s.get("dataset") or "") + s["nn"]: s["status"]
            for s in json.loads((out / "studies.json").read_text())
        },
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", action="append", help="as reproduce's --data (default: its own)")
    ap.add_argument("--label", default="demo", help="a name for the data in the table")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=2, choices=(1, 2), help="2 compares the runs")
    ap.add_argument(
        "--option", action="append", default=[], help="a reproduce option, e.g. --option=--jobs=1"
    )
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            runs.append(one_run(args.data or [], Path(tmp) / f"run{i}", args.jobs, args.option))
    a, b = runs[0], runs[-1]
    same_figs = a["figures"] == b["figures"]
    same_ledger = a["ledger"] == b["ledger"]
    load = os.getloadavg()[0]
    lines = [
        f"### reproduce on {args.label} (--jobs {args.jobs})",
        "",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"1-minute load at the end {load:.1f}. "
        f"`python bench/bench_reproduce.py{''.join(' --data ' + d for d in args.data or [])} "
        f"--jobs {args.jobs}{''.join(' --option=' + o for o in args.option)}"
        f"{' --runs 1' if args.runs == 1 else ''}`",
        "",
        "| step | run 1 (s) | run 2 (s) |",
        "|---|---|---|",
    ]
    for k in a["timings"]:
        lines.append(f"| {k} | {a['timings'][k]:.1f} | {b['timings'].get(k, float('nan')):.1f} |")
    lines += [
        f"| **wall clock (the command)** | **{a['wall']:.1f}** | **{b['wall']:.1f}** |",
        f"| CPU (process and kernels) | {a['cpu']:.1f} | {b['cpu']:.1f} |",
        f"| peak RSS, process tree summed (MiB) | {a['peak_tree_mib']:.0f} | "
        f"{b['peak_tree_mib']:.0f} |",
        f"| peak RSS, largest process (MiB) | {a['peak_process_mib']:.0f} | "
        f"{b['peak_process_mib']:.0f} |",
        f"| peak PSS, process tree summed (MiB) | {a['peak_pss_mib']:.0f} | "
        f"{b['peak_pss_mib']:.0f} |",
        "",
        "Run 1, at the tree's peak PSS (process RSS/PSS, MiB): " + "; ".join(a["at_peak"]) + ".",
        "Run 1, peak RSS of each process (MiB): "
        + ", ".join(f"{n} {r:.0f}" for n, r in a["per_process"])
        + ".",
        "",
    ]
    if args.runs == 2:
        lines += [
            f"Figure data files compared: {len(a['figures'])}; identical across runs: {same_figs}.",
            f"Ledger (claims.csv) identical across runs: {same_ledger}.",
        ]
    else:
        lines.append("One run (columns 1 and 2 are the same run).")
    lines.append(f"Study status: {a['status']}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0 if same_figs and same_ledger else 1


if __name__ == "__main__":
    sys.exit(main())
