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
from pathlib import Path

import numpy as np
import pandas as pd

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
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        row = next(csv.reader(fh), [])
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

    def read(self, path) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None]:
        """Read all parts: (raw posts, notes, pre-quarantine of repeated video ids)."""
        from ..io import DataError, _read_file

        path = Path(path)
        parts = _parts(path)
        if not parts:
            raise DataError(f"{path}: no TikTok_Famous CSV (needs columns {', '.join(REQUIRED)})")
        notes: list[str] = []
        frames = []
        for p in parts:
            df, rows, warn = _read_file(p)
            notes += warn
            missing = [c for c in REQUIRED if c not in df.columns]
            if missing:
                raise DataError(
                    f"{p}: missing column(s) {', '.join(missing)}; "
                    f"columns present: {', '.join(map(str, df.columns))}"
                )
            keep = {k: v for k, v in RENAME.items() if k in df.columns}
            out = df[list(keep)].rename(columns=keep)
            out.insert(0, "platform", "tiktok")
            out["_file"] = str(p.relative_to(path)) if path.is_dir() else p.name
            out["_row"] = rows
            frames.append(out)
        raw = pd.concat(frames, ignore_index=True)
        vid = raw["post_id"].astype("string").str.strip()
        has = vid.notna() & (vid != "")
        dup = has & vid.duplicated(keep="first")
        dup = dup.to_numpy(dtype=bool)
        pre = None
        if dup.any():
            first = (
                raw.loc[has.to_numpy()]
                .assign(_vid=vid[has])
                .drop_duplicates("_vid")
                .set_index("_vid")
            )
            d = raw.loc[dup].copy()
            where = first.loc[vid[dup].to_numpy(), ["_file", "_row"]].to_numpy()
            d["detail"] = [
                f"video id {v} already in {f} row {r}"
                for v, (f, r) in zip(vid[dup], where, strict=True)
            ]
            cross = int(sum(f != cf for f, (cf, _) in zip(d["_file"], where, strict=True)))
            d = d.rename(columns={"_file": "file", "_row": "row"})
            d["reason"], d["column"] = "duplicate_post", "post_id"
            pre = d.reset_index(drop=True)
            notes.append(
                f"{int(dup.sum())} repeated video id(s) removed ({cross} across parts); "
                "first occurrence kept"
            )
            raw = raw.loc[~dup].reset_index(drop=True)
        n_acc = raw["account_id"].nunique()
        notes.insert(0, f"{len(parts)} part(s), {len(raw) + int(dup.sum())} rows, {n_acc} accounts")
        raw["_row"] = np.asarray(raw["_row"], dtype=int)
        return raw, notes, pre


ADAPTER = TikTok2020Adapter()
