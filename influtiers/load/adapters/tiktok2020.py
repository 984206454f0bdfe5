"""UCLA DataRes "TikTok_Famous" video tables (November 2020).

One CSV, or a directory of CSV parts (found recursively; ``.csv`` in any case), with the
columns ``id, create_time, user_name, hashtags, song, video_length, n_likes, n_shares,
n_comments, n_plays, n_followers, n_total_likes, n_total_vids``. Known alternative names
of re-exported parts (``video_id``, ``username``, ``likes``, ``followers_count``, ...;
:data:`ALTERNATIVES`) are mapped to these. In a directory every CSV is read or named in
an error: a part that lacks a required column stops the load, naming the part.

Mapping: ``post_id = id``, ``posted_at = create_time`` (Unix seconds or a date
string), ``account_id = user_name``, ``likes = n_likes``, ``shares = n_shares``,
``comments = n_comments``, ``views = n_plays``, ``followers = n_followers`` (the
author's count at crawl time, rounded to three significant digits for large
accounts), ``platform = "tiktok"``.

A video id that appears more than once (in several parts, or in one) is kept once: the
first *usable* copy (an account, a positive follower count and likes or comments that read
as numbers), else the first copy; the others are quarantined as ``duplicate_post`` naming
the kept part and row. Accounts with 0 followers are quarantined ``zero_followers`` by the
normal validation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

from ...errors import DataError
from ..columns import norm_name
from ..parse import parse_numbers
from ..read import TableFile
from .base import AdapterRead

NAME = "tiktok2020"
CITATION = (
    "UCLA DataRes (2020). TikTok_Famous: videos of popular TikTok creators, "
    "scraped November 2020. UCLA DataRes research project dataset."
)
COLUMNS = (
    "id",
    "create_time",
    "user_name",
    "hashtags",
    "song",
    "video_length",
    "n_likes",
    "n_shares",
    "n_comments",
    "n_plays",
    "n_followers",
    "n_total_likes",
    "n_total_vids",
)
#: Columns a file must have to be read by this adapter.
REQUIRED = ("id", "create_time", "user_name", "n_likes", "n_comments", "n_followers")
RENAME = {
    "id": "post_id",
    "create_time": "posted_at",
    "user_name": "account_id",
    "n_likes": "likes",
    "n_shares": "shares",
    "n_comments": "comments",
    "n_plays": "views",
    "n_followers": "followers",
}
#: Alternative names (normalised, :func:`influtiers.load.columns.norm_name`) of the columns
#: in re-exported parts.
ALTERNATIVES = {
    "video_id": "id",
    "videoid": "id",
    "createtime": "create_time",
    "created_at": "create_time",
    "create_date": "create_time",
    "username": "user_name",
    "user": "user_name",
    "author": "user_name",
    "author_name": "user_name",
    "unique_id": "user_name",
    "likes": "n_likes",
    "like_count": "n_likes",
    "likes_count": "n_likes",
    "digg_count": "n_likes",
    "diggcount": "n_likes",
    "shares": "n_shares",
    "share_count": "n_shares",
    "sharecount": "n_shares",
    "comments": "n_comments",
    "comment_count": "n_comments",
    "commentcount": "n_comments",
    "plays": "n_plays",
    "play_count": "n_plays",
    "playcount": "n_plays",
    "views": "n_plays",
    "view_count": "n_plays",
    "followers": "n_followers",
    "followers_count": "n_followers",
    "follower_count": "n_followers",
    "fans": "n_followers",
    "fan_count": "n_followers",
}


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            row = next(csv.reader(fh), [])
    except csv.Error:  # not a delimited table: not a part
        return []
    return [c.strip() for c in row]


def _names(columns) -> dict[str, str]:
    """``{part column: TikTok_Famous column}`` of a part's header (exact names first, then
    :data:`ALTERNATIVES`)."""
    out: dict[str, str] = {}
    for c in columns:
        key = norm_name(c)
        target = key if key in COLUMNS else ALTERNATIVES.get(key)
        if target is not None and target not in out.values():
            out[str(c)] = target
    return out


def _is_part(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() == ".csv"
        and set(REQUIRED) <= set(_names(_header(path)).values())
    )


def _csv_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".csv")


def detect(path) -> bool:
    """True for a TikTok_Famous CSV, or a directory holding at least one.

    Examples
    --------
    >>> detect(Path("no/such.csv"))
    False
    """
    path = Path(path)
    if path.is_file():
        return _is_part(path)
    return path.is_dir() and any(_is_part(p) for p in _csv_files(path))


def _usable(ch, names: dict[str, str]) -> np.ndarray:
    """Rows a validation would accept as far as the adapter can tell: an account, a
    positive follower count, and likes or comments that read as numbers."""
    col = {v: k for k, v in names.items()}
    users = ch.columns[col["user_name"]].to_pylist()
    ok = np.array([bool(u and str(u).strip()) for u in users], dtype=bool)
    fol, bad = parse_numbers(ch.columns[col["n_followers"]].to_pylist(), "followers")
    ok &= (fol.to_numpy() > 0) & ~bad.to_numpy()
    eng = np.zeros(len(ok), dtype=bool)
    for c in ("n_likes", "n_comments"):
        v, bad = parse_numbers(ch.columns[col[c]].to_pylist(), "likes")
        eng |= (v.to_numpy() >= 0) & ~bad.to_numpy()
    return ok & eng


class TikTok2020Adapter:
    """Adapter for the UCLA DataRes TikTok_Famous video tables."""

    name = NAME
    description = "UCLA DataRes TikTok_Famous video table(s), November 2020 (CSV, one or parts)"
    citation = CITATION

    def detect(self, path) -> bool:
        """See :func:`detect`."""
        return detect(path)

    def read(self, path) -> AdapterRead:
        """Stream all parts (text values); repeated video ids are pre-quarantined."""
        path = Path(path)
        files = _csv_files(path)
        if not files:
            raise DataError(f"{path}: no TikTok_Famous CSV (needs columns {', '.join(REQUIRED)})")
        notes: list[str] = []
        tables = []
        for p in files:
            t = TableFile(p)
            notes += t.warnings + t.notes
            names = _names(t.columns)
            missing = [c for c in REQUIRED if c not in names.values()]
            if missing:
                raise DataError(
                    f"{p}: missing column(s) {', '.join(missing)} (a TikTok_Famous part needs "
                    f"{', '.join(REQUIRED)}); columns present: {', '.join(map(str, t.columns))}"
                )
            alt = {k: v for k, v in names.items() if k != v}
            if alt:
                notes.append(
                    f"{p.name}: columns " + ", ".join(f"{k} -> {v}" for k, v in alt.items())
                )
            rel = p.relative_to(path).as_posix() if path.is_dir() else p.name
            tables.append((t, rel, names))
        present = {v for _, _, names in tables for v in names.values()}
        columns = ("platform", *[v for k, v in RENAME.items() if k in present])
        return AdapterRead(self._batches(tables, columns, notes), columns, notes)

    def _keep(self, tables) -> dict[str, tuple[int, int]]:
        """The copy kept of each video id: ``{id: (part index, row)}`` (the first usable
        copy, else the first)."""
        first: dict[str, tuple[int, int, bool]] = {}
        for k, (t, _, names) in enumerate(tables):
            col = {v: c for c, v in names.items()}
            want = [col[c] for c in ("id", "user_name", "n_followers", "n_likes", "n_comments")]
            for ch in t.chunks(columns=want):
                usable = _usable(ch, names)
                for v, r, u in zip(
                    ch.columns[col["id"]].to_pylist(),
                    ch.rows.tolist(),
                    usable.tolist(),
                    strict=True,
                ):
                    vid = (v or "").strip()
                    if not vid:
                        continue
                    had = first.get(vid)
                    if had is None or (u and not had[2]):
                        first[vid] = (k, r, u)
        return {vid: (k, r) for vid, (k, r, _) in first.items()}

    def _batches(self, tables, columns, notes) -> Iterator[pa.RecordBatch]:
        keep = self._keep(tables)
        accounts: set = set()
        rows = dups = cross = 0
        for k, (t, rel, names) in enumerate(tables):
            col = {v: c for c, v in names.items()}
            use = {v: col[src] for src, v in RENAME.items() if src in col}
            for ch in t.chunks(columns=list(use.values())):
                n = len(ch)
                vids = ch.columns[use["post_id"]].to_pylist()
                users = ch.columns[use["account_id"]].to_pylist()
                reason: list = [None] * n
                detail: list = [None] * n
                for i, (v, r) in enumerate(zip(vids, ch.rows.tolist(), strict=True)):
                    vid = (v or "").strip()
                    kept = keep.get(vid)
                    if not vid or kept == (k, r):
                        accounts.add(users[i])
                        continue
                    where = tables[kept[0]][1]
                    reason[i] = "duplicate_post"
                    detail[i] = f"video id {vid} kept in {where} row {kept[1]}"
                    dups += 1
                    cross += kept[0] != k
                rows += n
                arrays = {"platform": pa.array(["tiktok"] * n, pa.string())}
                for canon, name in use.items():
                    arrays[canon] = ch.columns[name]
                arrays = {c: arrays.get(c, pa.nulls(n, pa.string())) for c in columns}
                arrays["_file"] = pa.array([rel] * n, pa.string())
                arrays["_row"] = pa.array(ch.rows, pa.int64())
                arrays["_pre_reason"] = pa.array(reason, pa.string())
                arrays["_pre_column"] = pa.array(
                    [None if x is None else "post_id" for x in reason], pa.string()
                )
                arrays["_pre_detail"] = pa.array(detail, pa.string())
                yield pa.RecordBatch.from_pydict(arrays)
        if dups:
            notes.append(
                f"{dups} repeated video id(s) removed ({cross} across parts); the first usable "
                "copy kept"
            )
        notes.insert(0, f"{len(tables)} part(s), {rows} rows, {len(accounts)} accounts")


ADAPTER = TikTok2020Adapter()
