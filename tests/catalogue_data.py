"""Inputs of the bad-input catalogue (tests/test_catalogue.py): small files written into a
test's temporary folder, and an independent count of the rows each input holds."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

FIXTURES = Path(__file__).parent / "fixtures"
KIM = FIXTURES / "kim2020_mini"
TIKTOK = FIXTURES / "tiktok2020_mini"


# ------------------------------------------------------------------ independent counting
def _decode(raw: bytes) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def count_rows(path: Path) -> int:
    """The records an input holds, counted without influtiers: data records of a delimited
    file (blank lines skipped), objects of JSON, rows of Parquet, post files of a Kim
    dataset, records of every CSV part of a TikTok folder."""
    path = Path(path)
    if path.is_dir():
        if (path / "influencers.txt").exists():
            posts = next(p for p in (path / "posts", path / "info") if p.is_dir())
            return sum(1 for p in posts.rglob("*") if p.is_file() and p.suffix.lower() == ".info")
        return sum(count_rows(p) for p in path.rglob("*") if p.suffix.lower() == ".csv")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    text = _decode(path.read_bytes())
    if suffix in (".jsonl", ".ndjson"):
        return sum(1 for line in text.splitlines() if line.strip())
    if suffix == ".json":
        return len(json.loads(text))
    first = text.splitlines()[0] if text else ""
    delim = max((",", ";", "\t", "|"), key=first.count)
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) if r]
    return max(len(rows) - 1, 0)


# ------------------------------------------------------------------ builders
def write(d: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = Path(d) / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text.encode(encoding))
    return p


def panel(
    n_influencers: int = 40,
    posts: int = 3,
    seed: int = 1,
    *,
    comments: bool = True,
    followers=None,
    extra=None,
) -> str:
    """CSV text of a small posts panel: account_id, post_id, followers, likes[, comments]."""
    rng = np.random.default_rng(seed)
    head = ["account_id", "post_id", "followers", "likes"] + (["comments"] if comments else [])
    if extra:
        head += list(extra)
    lines = [",".join(head)]
    for i in range(n_influencers):
        f = followers(i) if followers else int(10 ** rng.uniform(3, 6.5))
        for k in range(posts):
            rate = rng.uniform(0.01, 0.08)
            likes = int(f * rate)
            row = [f"user{i}", f"p{i}_{k}", str(f), str(likes)]
            if comments:
                row.append(str(int(likes * 0.05)))
            if extra:
                row += [extra[c](i, k) for c in extra]
            lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def kim_copy(d: Path) -> Path:
    out = Path(d) / "kim"
    shutil.copytree(KIM, out)
    return out


def kim_post(out: Path, rel: str, shortcode: str, owner: str, owner_id: str, **kw) -> None:
    doc = {
        "shortcode": shortcode,
        "owner": {"username": owner, "id": owner_id},
        "taken_at_timestamp": 1546300800,
        "is_video": False,
        "edge_media_preview_like": {"count": kw.get("likes", 100)},
        "edge_media_to_parent_comment": {"count": 5},
        "edge_media_to_sponsor_user": {"edges": []},
    }
    doc.update(kw.get("doc", {}))
    p = out / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(doc), encoding="utf-8")


def tiktok_copy(d: Path) -> Path:
    out = Path(d) / "tt"
    shutil.copytree(TIKTOK, out)
    return out


TT_HEAD = (
    "id,create_time,user_name,hashtags,song,video_length,n_likes,n_shares,n_comments,"
    "n_plays,n_followers,n_total_likes,n_total_vids"
)


def parquet_bad_types(d: Path) -> Path:
    p = Path(d) / "bad.parquet"
    t = pa.table(
        {
            "account_id": pa.array([[1], [2]]),
            "followers": pa.array([{"a": 1}, {"a": 2}]),
            "likes": [1, 2],
        }
    )
    pq.write_table(t, p)
    return p


def run_directory(d: Path, name: str = "run") -> Path:
    """A folder that looks like a run directory (an influtiers manifest, a ledger)."""
    out = Path(d) / name
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"created_by": "influtiers reproduce"}))
    (out / "claims.csv").write_text("claim_id,verdict\nC01,descriptive\n")
    return out
