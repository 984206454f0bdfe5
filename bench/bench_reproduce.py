"""Time ``influtiers reproduce`` (the command a user runs) twice on the same data, and check
that the two runs give identical figure data (every ``figures/**/*.csv``) and an
identical ledger.

    python bench/bench_reproduce.py                       # the bundled demo (+ benchmarks)
    python bench/gen_kim.py                               # once
    python bench/bench_reproduce.py --data bench/data/kim_40k --label kim_40k

Targets (issue 10, 2 cores): demo 45 s or less; the 40k-post, 23k-influencer Kim-format
dataset 60 s or less. Each run is a fresh process (``python -m influtiers reproduce
--jobs N --no-progress --out TMP``); the table shows its wall time, CPU time (user +
system of the process and its notebook kernels) and the steps recorded in the run's
manifest. ``--out`` appends the table to a Markdown file. Run by hand, never by the tests.
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


def one_run(data: list[str], out: Path, jobs: int) -> dict:
    cmd = [sys.executable, "-m", "influtiers", "reproduce", "--out", str(out)]
    for d in data:
        cmd += ["--data", d]
    cmd += ["--jobs", str(jobs), "--no-progress"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"reproduce failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    man = json.loads((out / "manifest.json").read_text())
    figs = {
        str(p.relative_to(out)): sha256_file(p) for p in sorted((out / "figures").rglob("*.csv"))
    }
    return {
        "wall": wall,
        "cpu": cpu,
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
    ap.add_argument("--out", help="append the table to this Markdown file")
    args = ap.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(2):
            runs.append(one_run(args.data or [], Path(tmp) / f"run{i}", args.jobs))
    a, b = runs
    same_figs = a["figures"] == b["figures"]
    same_ledger = a["ledger"] == b["ledger"]
    load = os.getloadavg()[0]
    lines = [
        f"### reproduce on {args.label} (--jobs {args.jobs})",
        "",
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"1-minute load at the end {load:.1f}. "
        f"`python bench/bench_reproduce.py{''.join(' --data ' + d for d in args.data or [])} "
        f"--jobs {args.jobs}`",
        "",
        "| step | run 1 (s) | run 2 (s) |",
        "|---|---|---|",
    ]
    for k in a["timings"]:
        lines.append(f"| {k} | {a['timings'][k]:.1f} | {b['timings'].get(k, float('nan')):.1f} |")
    lines += [
        f"| **wall clock (the command)** | **{a['wall']:.1f}** | **{b['wall']:.1f}** |",
        f"| CPU (process and kernels) | {a['cpu']:.1f} | {b['cpu']:.1f} |",
        "",
        f"Figure data files compared: {len(a['figures'])}; identical across runs: {same_figs}.",
        f"Ledger (claims.csv) identical across runs: {same_ledger}.",
        f"Study status: {a['status']}",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as f:
            f.write("\n" + text)
    return 0 if same_figs and same_ledger else 1


if __name__ == "__main__":
    sys.exit(main())
