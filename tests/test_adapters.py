"""Dataset adapters (influtiers.load.adapters) on small fixtures in the published formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from influtiers.errors import DataError
from influtiers.load import adapters, load

FIXTURES = Path(__file__).parent / "fixtures"
KIM = FIXTURES / "kim2020_mini"
TIKTOK = FIXTURES / "tiktok2020_mini"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


class Loaded:
    """What a test looks at after load() (the dataset is closed)."""

    def __init__(self, ds) -> None:
        self.report, self.adapter = ds.report, ds.adapter
        self.posts, self.quarantine = ds.to_pandas(), ds.quarantine()


def load_posts(source, **kw) -> Loaded:
    with load(source, **kw) as ds:
        return Loaded(ds)


def test_registry_and_detection():
    assert set(adapters.ADAPTERS) == {"kim2020", "tiktok2020"}
    for ad in adapters.ADAPTERS.values():
        assert ad.name and ad.description and ad.citation
    assert adapters.detect(KIM) == "kim2020"
    assert adapters.detect(TIKTOK) == "tiktok2020"
    assert adapters.detect(TIKTOK / "part1.csv") == "tiktok2020"
    assert adapters.detect(KIM / "posts") is None
    assert adapters.detect(KIM / "influencers.txt") == "kim2020"
    assert adapters.detect(FIXTURES / "nothing-here") is None


def test_kim2020_fixture_exact_counts():
    res = load_posts(KIM)
    rep = res.report
    assert res.adapter == rep.adapter == "kim2020"
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (9, 6, 3)
    assert rep.reasons == {"orphan_post": 1, "unreadable_record": 1, "zero_followers": 1}
    q = res.quarantine.set_index("reason")
    assert q.loc["unreadable_record", "file"] == "posts/bob-2003.info"
    assert "invalid JSON" in q.loc["unreadable_record", "detail"]
    assert q.loc["orphan_post", "file"] == "posts/erin-5001.info"
    assert q.loc["zero_followers", "file"] == "posts/dave-4001.info"
    assert rep.hidden_counts == {"likes": 1}
    assert any("4 accounts" in n and "1 without" in n for n in rep.notes)
    p = res.posts.set_index("post_id")
    assert set(p["platform"]) == {"instagram"}
    assert p.loc["Aa1003", "sponsored"] and p.loc["Aa1003", "brand"] == "acmecosmetics"
    assert p["sponsored"].sum() == 1
    assert p.loc["Aa1002", "views"] == 15000 and pd.isna(p.loc["Aa1001", "views"])
    assert p.loc["Bb2001", "comments"] == 40  # older format: edge_media_to_comment
    assert pd.isna(p.loc["Bb2002", "likes"]) and p.loc["Bb2002", "comments"] == 120
    assert p.loc["Aa1004", "account_id"] == "alice"  # renamed owner kept under file name
    assert p.loc["Bb2001", "followers"] == 2_500_000 and p.loc["Aa1001", "category"] == "fashion"
    assert p.loc["Aa1001", "posted_at"] == pd.Timestamp("2019-01-01", tz="UTC")
    assert str(p["posted_at"].dtype) == "datetime64[ns, UTC]"


def test_kim2020_strict_and_info_folder(tmp_path):
    with pytest.raises(DataError, match="posts/bob-2003.info row 1"):
        load_posts(KIM, strict=True)
    d = tmp_path / "kim"
    shutil.copytree(KIM, d)
    (d / "posts").rename(d / "info")
    for f in ("bob-2003", "erin-5001", "dave-4001"):
        (d / "info" / f"{f}.info").unlink()
    res = load_posts(d, strict=True)
    assert res.report.accepted == 6


def test_kim2020_bad_header(tmp_path):
    d = tmp_path / "kim"
    shutil.copytree(KIM, d)
    (d / "influencers.txt").write_text("Username\tWhatever\n====\nx\ty\n")
    with pytest.raises(DataError, match=r"influencers\.txt.*#Followers"):
        load_posts(d, adapter="kim2020")


def test_kim2020_parse_media_fallbacks():
    from influtiers.load.adapters.kim2020 import parse_media

    m = parse_media(
        {"id": "77", "edge_liked_by": {"count": 3}, "is_video": True, "video_view_count": 10}
    )
    assert (m["post_id"], m["likes"], m["comments"], m["views"]) == ("77", 3, None, 10)
    assert m["sponsored"] is False


def test_tiktok2020_fixture_exact_counts():
    res = load_posts(TIKTOK)
    rep = res.report
    assert rep.adapter == "tiktok2020"
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (7, 5, 2)
    assert rep.reasons == {"duplicate_post": 1, "zero_followers": 1}
    assert rep.duplicates_removed == 1
    q = res.quarantine.set_index("reason")
    assert q.loc["duplicate_post", "file"] == "part2.csv" and q.loc["duplicate_post", "row"] == 1
    assert "part1.csv row 3" in q.loc["duplicate_post", "detail"]
    assert q.loc["zero_followers", "row"] == 2
    p = res.posts.set_index("post_id")
    assert set(p["platform"]) == {"tiktok"}
    assert p.loc["7000000000000000001", "views"] == 4353
    assert p.loc["7000000000000000004", "posted_at"] == pd.Timestamp("2020-11-01 12:00", tz="UTC")
    assert p.loc["7000000000000000001", "posted_at"] == pd.Timestamp(1604701219, unit="s", tz="UTC")
    assert list(p["followers"].unique()) == [2_000_000, 86_400]


def test_tiktok2020_single_file_and_missing_column(tmp_path):
    res = load_posts(TIKTOK / "part1.csv")
    assert res.adapter == "tiktok2020" and res.report.accepted == 4
    bad = tmp_path / "videos.csv"
    bad.write_text("id,create_time,user_name,n_likes\n1,1604701219,a,5\n")
    with pytest.raises(DataError, match=r"videos\.csv.*n_comments.*columns present"):
        load_posts(bad, adapter="tiktok2020")


def test_adapter_output_contract():
    for name, path in (("kim2020", KIM), ("tiktok2020", TIKTOK)):
        read = adapters.ADAPTERS[name].read(path)
        assert isinstance(read, adapters.AdapterRead) and isinstance(read.notes, list)
        batches = list(read.batches)
        assert batches and all(isinstance(b, pa.RecordBatch) for b in batches)
        t = pa.Table.from_batches(batches)
        assert {"_file", "_row", "account_id", "platform"} <= set(t.column_names)
        assert set(adapters.PRE_QUARANTINE_COLUMNS) <= set(t.column_names)
        assert set(read.columns) <= set(t.column_names)
        pre = t.filter(t.column("_pre_reason").is_valid())
        assert pre.num_rows > 0  # each fixture has records the adapter rejects itself
        assert set(pre.column("_pre_reason").to_pylist()) <= {
            "unreadable_record",
            "duplicate_post",
            "orphan_post",
        }
        assert read.notes and "accounts" in read.notes[0]  # complete once read


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="real-format samples not available")
@pytest.mark.parametrize("name", ["kim2020", "tiktok2020"])
def test_real_samples_nothing_lost(name):
    path = SAMPLES / name
    if not path.is_dir():
        pytest.skip(f"{path} absent")
    res = load_posts(path)
    rep = res.report
    assert res.adapter == name
    if name == "kim2020":
        n_in = len(list((path / "posts").glob("*.info")))
    else:
        n_in = sum(len(pd.read_csv(f, dtype=str)) for f in path.rglob("*.csv"))
    assert rep.rows_in == n_in == rep.accepted + rep.quarantined
    assert rep.accepted > 0.9 * n_in
    json.dumps(rep.to_dict())
