"""Generate large synthetic canonical posts tables as Parquet parts under ``bench/data/``.

Usage::

    python bench/gen_posts.py 1M 10M          # bench/data/posts_1M/part-00000.parquet, ...
    python bench/gen_posts.py 100M --part-rows 5000000

Each size is written once, in parts of ``--part-rows`` posts (default 5M), with
vectorised numpy/pyarrow and a seed per part; existing parts are skipped, so an
interrupted run resumes. Columns are the canonical ones (see
:mod:`influtiers.schema`) with realistic defects: hidden likes (missing, never
0), a few posts without platform, zero-follower accounts, sponsored posts with a
cost. Posts are not sorted by account (the harder case for an aggregation).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent / "data"
PLATFORMS = np.array(["instagram", "tiktok", "youtube"])
POSTS_PER_ACCOUNT = 50


def parse_size(s: str) -> int:
    s = s.strip().upper().replace("_", "")
    mult = {"K": 10**3, "M": 10**6, "B": 10**9}.get(s[-1:], 1)
    return int(float(s.rstrip("KMB")) * mult)


def label(n: int) -> str:
    for unit, m in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if n >= m and n % m == 0:
            return f"{n // m}{unit}"
    return str(n)


def accounts(n_accounts: int, seed: int) -> dict[str, np.ndarray]:
    """Account-level attributes, identical for every part of one size."""
    rng = np.random.default_rng([seed, 0])
    followers = np.floor(np.exp(rng.normal(9.5, 2.0, n_accounts)))  # ~13k median, heavy tail
    followers[rng.random(n_accounts) < 0.001] = 0.0  # zero-follower accounts
    platform = rng.integers(0, len(PLATFORMS), n_accounts)
    # engagement rate falls with size, log-normal across accounts
    base_rate = np.exp(rng.normal(-3.2, 0.6, n_accounts)) * (1 + followers) ** -0.1
    names = pc.binary_join_element_wise(
        "acc", pc.cast(pa.array(np.arange(n_accounts)), pa.string()), ""
    )
    return {"followers": followers, "platform": platform, "rate": base_rate, "names": names}


def part_table(acc: dict, start: int, rows: int, seed: int, part: int) -> pa.Table:
    rng = np.random.default_rng([seed, part + 1])
    n_acc = len(acc["followers"])
    a = rng.integers(0, n_acc, rows)
    followers = acc["followers"][a] * rng.normal(1.0, 0.01, rows).clip(0.9, 1.1)
    followers = np.floor(followers)
    expected = acc["rate"][a] * np.maximum(followers, 1.0)
    eng = rng.poisson(expected * rng.lognormal(0.0, 0.5, rows)).astype(np.float64)
    comments = np.floor(eng * rng.uniform(0.01, 0.08, rows))
    likes = eng - comments
    likes[rng.random(rows) < 0.02] = np.nan  # hidden like counts
    shares = np.floor(eng * rng.uniform(0.0, 0.05, rows))
    saves = np.floor(eng * rng.uniform(0.0, 0.05, rows))
    saves[rng.random(rows) < 0.5] = np.nan
    video = acc["platform"][a] > 0
    views = np.where(
        video, np.floor(np.maximum(followers, 1.0) * rng.lognormal(0.0, 1.0, rows)), np.nan
    )
    sponsored = rng.random(rows) < 0.1
    cost = np.where(sponsored, np.round(followers * 0.01 * rng.lognormal(0, 0.3, rows), 2), np.nan)
    plat_idx = acc["platform"][a].astype(np.int32)
    plat_valid = rng.random(rows) >= 0.001  # a few posts without platform
    platform = pa.DictionaryArray.from_arrays(
        pa.array(plat_idx, mask=~plat_valid), pa.array(PLATFORMS.tolist())
    )
    account_id = pc.take(acc["names"], pa.array(a))
    post_id = pc.cast(pa.array(np.arange(start, start + rows, dtype=np.int64)), pa.string())
    t0 = np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64)
    posted = t0 + rng.integers(0, 2 * 365 * 86400, rows)
    return pa.table(
        {
            "platform": platform,
            "account_id": account_id,
            "post_id": post_id,
            "posted_at": pa.array(posted, pa.timestamp("s", tz="UTC")),
            "followers": followers,
            "likes": likes,
            "comments": comments,
            "shares": shares,
            "saves": saves,
            "views": views,
            "sponsored": sponsored,
            "cost": cost,
        }
    )


def generate(n_posts: int, *, part_rows: int = 5_000_000, seed: int = 0, out: Path = DATA) -> Path:
    """Write ``n_posts`` posts as Parquet parts into ``out/posts_<label>/``; return that folder."""
    folder = Path(out) / f"posts_{label(n_posts)}"
    folder.mkdir(parents=True, exist_ok=True)
    n_accounts = max(100, n_posts // POSTS_PER_ACCOUNT)
    acc = None
    n_parts = -(-n_posts // part_rows)
    for part in range(n_parts):
        path = folder / f"part-{part:05d}.parquet"
        if path.exists():
            continue
        if acc is None:
            acc = accounts(n_accounts, seed)
        start = part * part_rows
        rows = min(part_rows, n_posts - start)
        t = time.perf_counter()
        table = part_table(acc, start, rows, seed, part)
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(table, tmp, compression="snappy", row_group_size=1 << 20)
        tmp.rename(path)
        print(f"{path} ({rows:,} posts, {time.perf_counter() - t:.1f}s)", file=sys.stderr)
    return folder


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sizes", nargs="+", help="number of posts, e.g. 1M 10M 100M")
    p.add_argument("--part-rows", type=parse_size, default=5_000_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=DATA)
    args = p.parse_args(argv)
    for s in args.sizes:
        print(generate(parse_size(s), part_rows=args.part_rows, seed=args.seed, out=args.out))


if __name__ == "__main__":
    main()
