"""UCLA DataRes "TikTok_Famous" video tables (November 2020).

One CSV, or a directory of CSV parts, with the columns ``id, create_time, user_name,
hashtags, song, video_length, n_likes, n_shares, n_comments, n_plays, n_followers,
n_total_likes, n_total_vids``.

Mapping: ``post_id = id``, ``posted_at = create_time`` (Unix seconds or a date
string), ``account_id = user_name``, ``likes = n_likes``, ``shares = n_shares``,
``comments = n_comments``, ``views = n_plays``, ``followers = n_followers`` (the
author's count at crawl time, rounded to three significant digits for large
accounts), ``platform = "tiktok"``.

A video id that appears again (in a later part, or later in the same part) is
quarantined as ``duplicate_post`` naming where it was first seen; accounts with 0
followers are quarantined ``zero_followers`` by the normal validation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ...errors import DataError
from ..read import TableFile
from .base import AdapterRead

NAME = "tiktok2020"
CITATION = (
    "UCLA DataRes (2020). TikTok_Famous: videos of popular TikTok creators, "
    "scraped November 2020. UCLA DataRes research project dataset."
)
COLUMNS = (
    "id", "create_time", "user_name", "hashtags", "song", "video_length", "n_likes",
    "n_shares", "n_comments", "n_plays", "n_followers", "n_total_likes", "n_total_vids",
)  # fmt: skip
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


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            row = next(csv.reader(fh), [])
    except csv.Error:  # not a delimited table: not a part
        return []
    return [c.strip() for c in row]


def _is_part(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".csv" and set(REQUIRED) <= set(_header(path))


def _parts(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.csv") if _is_part(p))


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
    return path.is_dir() and bool(_parts(path))


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
        parts = _parts(path)
        if not parts:
            raise DataError(f"{path}: no TikTok_Famous CSV (needs columns {', '.join(REQUIRED)})")
        notes: list[str] = []
        tables = []
        for p in parts:
            t = TableFile(p)
            notes += t.warnings
            missing = [c for c in REQUIRED if c not in t.columns]
            if missing:
                raise DataError(
                    f"{p}: missing column(s) {', '.join(missing)}; "
                    f"columns present: {', '.join(map(str, t.columns))}"
                )
            rel = str(p.relative_to(path)) if path.is_dir() else p.name
            tables.append((t, rel))
        columns = (
            "platform",
            *[v for k, v in RENAME.items() if any(k in t.columns for t, _ in tables)],
        )
        return AdapterRead(self._batches(tables, columns, notes), columns, notes)

    def _batches(self, tables, columns, notes) -> Iterator[pa.RecordBatch]:
        seen: dict[str, tuple[str, int]] = {}
        accounts: set = set()
        rows = dups = cross = 0
        for t, rel in tables:
            keep = {k: v for k, v in RENAME.items() if k in t.columns}
            for ch in t.chunks(columns=list(keep)):
                n = len(ch)
                vids = ch.columns["id"].to_pylist()
                users = ch.columns["user_name"].to_pylist()
                reason: list = [None] * n
                detail: list = [None] * n
                for i, (v, r) in enumerate(zip(vids, ch.rows.tolist(), strict=True)):
                    vid = v.strip()
                    if not vid:
                        accounts.add(users[i])
                        continue
                    if vid in seen:
                        f, fr = seen[vid]
                        reason[i], detail[i] = (
                            "duplicate_post",
                            f"video id {vid} already in {f} row {fr}",
                        )
                        dups += 1
                        cross += f != rel
                    else:
                        seen[vid] = (rel, r)
                        accounts.add(users[i])
                rows += n
                arrays = {"platform": pa.array(["tiktok"] * n, pa.string())}
                for k, v in keep.items():
                    arrays[v] = ch.columns[k]
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
                f"{dups} repeated video id(s) removed ({cross} across parts); first occurrence kept"
            )
        notes.insert(0, f"{len(tables)} part(s), {rows} rows, {len(accounts)} accounts")


ADAPTER = TikTok2020Adapter()
