"""Validation at scale: the engine validator against the in-memory one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

# --- validation at scale (DuckDB) vs the in-memory validator --------------------------------


def defect_posts() -> pd.DataFrame:
    inf = float("inf")
    rows = [
        # platform, account_id, post_id, followers, likes, comments      expected reason
        ("instagram", "a", "1", 100.0, 10.0, 1.0),  # ok
        ("instagram", None, "2", 100.0, 10.0, 1.0),  # missing_account_id
        ("instagram", "  ", "3", 100.0, 10.0, 1.0),  # missing_account_id (blank)
        ("instagram", "n/a", "4", 100.0, 10.0, 1.0),  # ok: an id is missing only when empty
        ("instagram", "a", "5", inf, 10.0, 1.0),  # unparseable_number
        ("instagram", "a", "6", 100.0, -5.0, 1.0),  # negative_count
        ("instagram", "a", "7", np.nan, -5.0, 1.0),  # negative_count before missing_followers
        ("instagram", "a", "8", np.nan, 10.0, 1.0),  # missing_followers
        ("instagram", "a", "9", 0.0, 10.0, 1.0),  # zero_followers
        ("instagram", "a", "10", 100.0, np.nan, np.nan),  # no_engagement
        ("instagram", "a", "11", 100.0, -1.0, np.nan),  # -1 = hidden -> no_engagement
        ("instagram", "a", "12", 100.0, -1.0, 2.0),  # hidden likes, comments: ok
        ("instagram", "a", "1", 100.0, 11.0, 1.0),  # duplicate_post
        ("Instagram", "a", "1", 100.0, 12.0, 1.0),  # duplicate_post (platform case)
        ("tiktok", "a", "1", 100.0, 12.0, 1.0),  # ok: other platform
        ("instagram", "b", "20", 0.0, 1.0, 1.0),  # zero_followers (first occurrence) ...
        ("instagram", "b", "20", 50.0, 1.0, 1.0),  # ... so this one is accepted
        ("instagram", "b", None, 50.0, 1.0, 1.0),  # no post_id: never a duplicate
        ("instagram", "b", None, 50.0, 1.0, 1.0),
        (None, "c", "30", 50.0, 1.0, 1.0),  # missing platforms compare equal
        (None, "c", "30", 50.0, 1.0, 1.0),  # duplicate_post
    ]
    return pd.DataFrame(
        rows, columns=["platform", "account_id", "post_id", "followers", "likes", "comments"]
    )


EXPECTED = {
    "missing_account_id": 2,
    "unparseable_number": 1,
    "negative_count": 2,
    "missing_followers": 1,
    "zero_followers": 2,
    "no_engagement": 2,
    "duplicate_post": 3,
}


def test_load_validates_parquet_parts_and_csv_in_the_engine(tmp_path):
    from influtiers.load import load

    posts = defect_posts()
    d = tmp_path / "parts"
    d.mkdir()
    posts.iloc[:10].to_parquet(d / "part-0.parquet", index=False)
    posts.iloc[10:].to_parquet(d / "part-1.parquet", index=False)
    posts.to_csv(tmp_path / "posts.csv", index=False)
    for src in (str(d / "*.parquet"), tmp_path / "posts.csv"):
        q = tmp_path / "quarantine.parquet"
        with load(src) as ds:
            r = ds.report
            r.write_quarantine(q)
        assert r.reasons == EXPECTED, src
        assert r.rows_in == len(posts) == r.accepted + r.quarantined
        assert r.accepted == len(posts) - sum(EXPECTED.values())
        qt = pd.read_parquet(q)
        assert len(qt) == r.quarantined
        assert list(qt.columns[:3]) == ["file", "row", "reason"]
        assert qt["reason"].value_counts().to_dict() == EXPECTED
        dup_rows = qt.loc[qt.reason == "duplicate_post", "row"].tolist()
        # first occurrence kept; rows are 1-based data rows within their file
        assert dup_rows == ([3, 4, 11] if str(src).endswith("parquet") else [13, 14, 21])
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.parquet")


def test_engine_counts_match_dataframe_staging(tmp_path):
    from influtiers.load import load

    rng = np.random.default_rng(4)
    base = defect_posts()
    posts = base.iloc[rng.integers(0, len(base), 400)].reset_index(drop=True)
    posts["post_id"] = posts["post_id"].where(rng.random(400) < 0.5, None)
    posts.to_parquet(tmp_path / "p.parquet", index=False)
    with load(posts) as mem_ds, load(tmp_path / "p.parquet") as got_ds:
        mem, got = mem_ds.report, got_ds.report
        assert (got.rows_in, got.accepted, got.quarantined) == (
            mem.rows_in,
            mem.accepted,
            mem.quarantined,
        )
        assert got.reasons == mem.reasons
        assert sum(got.reasons.values()) == got.quarantined
        assert got.reasons["duplicate_post"] > 0
        pd.testing.assert_frame_equal(mem_ds.to_pandas(), got_ds.to_pandas())
