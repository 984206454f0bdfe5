"""Loading and validation (influtiers.load.load): reasons, accounts, readers, mapping, report.

Every test runs :func:`load` and reads the result through the :class:`Dataset` API
(``to_pandas()``, ``report``, ``quarantine()``); see ``test_load_engine.py`` for the engine
side (typed Parquet fast path, specialised views, chunking, spilling, Spark).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influtiers import schema
from influtiers.errors import DataError, DataFileNotFoundError
from influtiers.load import Dataset, ValidationReport, load, map_columns, read_table


@dataclass
class Loaded:
    posts: pd.DataFrame
    report: ValidationReport
    quarantine: pd.DataFrame
    source: str
    adapter: str | None


def run(source, **kw) -> Loaded:
    """load(), then everything a test looks at, then close."""
    with load(source, **kw) as ds:
        assert isinstance(ds, Dataset)
        return Loaded(ds.to_pandas(), ds.report, ds.quarantine(), ds.report.source, ds.adapter)


def posts(**cols) -> pd.DataFrame:
    base = {"account_id": ["a"], "followers": ["100"], "likes": ["1"], "comments": ["1"]}
    base.update(cols)
    n = max(len(v) for v in base.values())
    return pd.DataFrame({k: (v * n if len(v) == 1 else v) for k, v in base.items()})


# ------------------------------------------------------------------ reasons
REASON_CASES = {
    "missing_account_id": posts(account_id=["a", "  "]),
    "unparseable_number": posts(likes=["1", "lots"]),
    "unparseable_date": posts(posted_at=["2020-01-01", "31/31/2020"]),
    "unparseable_boolean": posts(sponsored=["yes", "perhaps"]),
    "negative_count": posts(comments=["1", "-5"]),
    "missing_followers": posts(followers=["10", "N/A"]),
    "zero_followers": posts(followers=["10", "0"]),
    "no_engagement": posts(likes=["1", ""], comments=["1", "-"]),
    "duplicate_post": posts(post_id=["p1", "p1"]),
}


@pytest.mark.parametrize("code", sorted(REASON_CASES))
def test_each_reason_on_second_row(code):
    res = run(REASON_CASES[code])
    rep = res.report
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (2, 1, 1)
    assert rep.reasons == {code: 1} and rep.examples(code) == [2]
    q = res.quarantine
    assert q["row"].tolist() == [2] and q["reason"].tolist() == [code]
    assert set(q.columns) >= {"row", "reason", "column", "detail"}
    assert code in schema.REASONS


def test_orphan_post_and_accounts_join():
    p = pd.DataFrame(
        {
            "user": ["a", "b", "c", "d"],
            "likes": ["1", "2", "3", "4"],
            "followers": ["", "", "", "7"],
        }
    )
    accts = pd.DataFrame(
        {
            "username": ["a", "b", "d"],
            "Follower Count": ["10K", "", "9"],
            "category": ["food", "art", "x"],
        }
    )
    res = run(p, accounts=accts)
    rep = res.report
    assert rep.reasons == {"missing_followers": 1, "orphan_post": 1}
    q = res.quarantine.set_index("row")
    assert q.loc[2, "reason"] == "missing_followers" and q.loc[3, "reason"] == "orphan_post"
    assert q.loc[2, "detail"] == "followers=''"  # how the post wrote it
    assert q.loc[3, "column"] == "account_id"
    got = res.posts.set_index("account_id")
    assert got.loc["a", "followers"] == 10_000  # from accounts
    assert got.loc["d", "followers"] == 7  # post-level followers win
    assert got.loc["a", "category"] == "food"


def test_accounts_join_on_platform_and_bad_account_values(tmp_path):
    p = pd.DataFrame(
        {
            "account_id": ["a", "a", "b"],
            "platform": ["Instagram", "TikTok", "tiktok"],
            "likes": [1, 2, 3],
        }
    )
    acc_file = tmp_path / "accounts.csv"
    acc_file.write_text(
        "account_id,platform,followers\na,instagram,100\na,tiktok,5000\nb,tiktok,many\n"
    )
    res = run(p, accounts=acc_file)
    assert res.posts["followers"].tolist() == [100.0, 5000.0]
    assert res.posts["platform"].tolist() == ["instagram", "tiktok"]
    q = res.quarantine
    assert q["reason"].tolist() == ["unparseable_number"]
    assert "accounts.csv row 3" in q["detail"].iloc[0]


def test_accounts_missing_columns_error(tmp_path):
    acc = tmp_path / "acc.csv"
    acc.write_text("name,size\na,1\n")
    with pytest.raises(DataError, match=r"acc\.csv.*account_id, followers.*name, size"):
        run(posts(), accounts=acc)


def test_first_reason_wins_in_documented_order():
    df = posts(account_id=["a", ""], likes=["1", "xyz"], followers=["1", "0"])
    rep = run(df).report
    assert rep.reasons == {"missing_account_id": 1}
    df = posts(likes=["1", "xyz"], posted_at=["2020-01-01", "never"], followers=["5", "-1"])
    assert run(df).report.reasons == {"unparseable_number": 1}


def test_duplicate_keeps_first_valid_and_respects_platform():
    df = posts(
        post_id=["p1", "p1", "p1", "p1"],
        platform=["x", "x", "y", "x"],
        followers=["0", "10", "10", "10"],
    )
    res = run(df)
    rep = res.report
    assert rep.reasons == {"duplicate_post": 1, "zero_followers": 1}
    q = res.quarantine.set_index("row")
    assert q.loc[4, "reason"] == "duplicate_post" and "row 2" in q.loc[4, "detail"]
    assert rep.duplicates_removed == 1


def test_hidden_likes_are_missing_not_negative():
    rep = run(posts(likes=["-1", "5"], comments=["2", "1"])).report
    assert rep.accepted == 2 and rep.hidden_counts == {"likes": 1}
    res = run(posts(followers=["-1"]))
    assert res.report.reasons == {"negative_count": 1}


def test_no_engagement_with_only_likes_column():
    df = pd.DataFrame({"account_id": ["a", "b"], "followers": [1, 2], "likes": [3, None]})
    assert run(df).report.reasons == {"no_engagement": 1}


# ------------------------------------------------------------------ errors
def test_missing_required_columns_error_names_file_and_columns(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("handle,likes\na,1\n")
    with pytest.raises(
        DataError,
        match=r"p\.csv: missing required column\(s\) followers.*"
        r"columns present: handle, likes",
    ):
        run(f)
    g = tmp_path / "q.csv"
    g.write_text("followers,likes\n1,1\n")
    with pytest.raises(DataError, match="account_id"):
        run(g)


def test_needs_likes_or_comments():
    with pytest.raises(DataError, match="needs likes or comments"):
        run(pd.DataFrame({"account_id": ["a"], "followers": [1], "shares": [1]}))


def test_strict_names_row_and_column(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("account_id,followers,likes\na,10,1\nb,10,oops\nc,0,1\n")
    with pytest.raises(DataError) as e:
        run(f, strict=True)
    msg = str(e.value)
    assert "s.csv" in msg and "row 2, column likes: unparseable_number" in msg
    assert "likes='oops'" in msg and "row 3, column followers: zero_followers" in msg
    assert run(posts(), strict=True).report.accepted == 1


def test_missing_file_and_unknown_directory(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="nope.csv"):
        run(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError):
        run(str(tmp_path / "nope.csv"))
    with pytest.raises(DataError, match="not in a known dataset format"):
        run(tmp_path)
    with pytest.raises(DataError, match="unknown dataset adapter"):
        run(tmp_path, adapter="nosuch")


def test_jsonl_bad_line(tmp_path):
    f = tmp_path / "p.jsonl"
    f.write_text('{"account_id": "a", "followers": 1, "likes": 2}\n\n{"account_id": \n')
    with pytest.raises(DataError, match=r"p\.jsonl: line 3: invalid JSON"):
        read_table(f)


def test_ragged_csv_names_line(tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("account_id,followers,likes\na,1,2\nb,1,2,3,4\n")
    with pytest.raises(DataError, match=r"r\.csv: line 3"):
        read_table(f)


# ------------------------------------------------------------------ readers
def test_read_csv_variants(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes('\ufeff"Follower\ncount";Username;Likes\n"1,2K";ann;"3\n"\n5;bob;1\n'.encode())
    df = read_table(f)
    assert list(df.columns) == ["Follower count", "Username", "Likes"]
    assert df["Follower count"].tolist() == ["1,2K", "5"]
    res = run(f)
    assert res.posts["followers"].tolist() == [1200.0, 5.0]
    assert res.report.columns["followers"] == "Follower count"
    t = tmp_path / "x.tsv"
    t.write_text("account_id\tfollowers\tlikes\na\t1 234\t5\n")
    assert run(t).posts["followers"].iloc[0] == 1234
    p = tmp_path / "x.txt"
    p.write_text("account_id|followers|likes\na|10|5\n")
    assert run(p).report.accepted == 1


def test_read_latin1_falls_back_with_warning(tmp_path):
    f = tmp_path / "l.csv"
    f.write_bytes("account_id,followers,likes\nJosé,10,1\n".encode("cp1252"))
    res = run(f)
    assert res.posts["account_id"].iloc[0] == "José"
    assert any("cp1252" in w for w in res.report.warnings)


def test_read_parquet_jsonl_and_json_array(tmp_path):
    df = pd.DataFrame(
        {"account_id": ["a", "b"], "followers": [10, 20], "likes": [1.0, None], "comments": [0, 2]}
    )
    df.to_parquet(tmp_path / "p.parquet")
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(r) for r in df.to_dict("records")))
    (tmp_path / "p.json").write_text(json.dumps(df.to_dict("records")))
    for name in ("p.parquet", "p.jsonl", "p.json"):
        res = run(tmp_path / name)
        assert res.report.accepted == 2, name
        assert res.posts["followers"].tolist() == [10.0, 20.0]


def test_jsonl_rows_are_line_numbers(tmp_path):
    f = tmp_path / "p.ndjson"
    f.write_text('{"account_id":"a","followers":1,"likes":1}\n\n{"account_id":"","likes":1}\n')
    q = run(f).quarantine
    assert q["row"].tolist() == [3]


# ------------------------------------------------------------------ mapping
def test_aliases_case_and_whitespace_insensitive():
    cols = [
        " Username ",
        "FOLLOWER_COUNT",
        "like_count",
        "num_comments",
        "video_views",
        "is_sponsored",
        "timestamp",
    ]
    cmap, _ = map_columns(cols)
    assert cmap == {
        "account_id": " Username ",
        "posted_at": "timestamp",
        "followers": "FOLLOWER_COUNT",
        "likes": "like_count",
        "comments": "num_comments",
        "views": "video_views",
        "sponsored": "is_sponsored",
    }
    cmap, warn = map_columns(["likes", "n_likes", "Followers", "plays", "is_ad", "date"])
    assert cmap["likes"] == "likes" and any("n_likes" in w for w in warn)
    assert cmap["views"] == "plays" and cmap["sponsored"] == "is_ad"


def test_mapping_dict_and_yaml_and_json(tmp_path):
    df = pd.DataFrame(
        {"Creator Handle": ["a"], "Audience Size": ["2k"], "Hearts": ["5"], "Notes": ["x"]}
    )
    m = {"creator handle": "account_id", "Audience Size": "followers"}
    res = run(df, mapping=m)
    assert res.posts[["account_id", "followers", "likes"]].values.tolist() == [["a", 2000, 5]]
    y = tmp_path / "m.yaml"
    y.write_text("Creator Handle: account_id\nAudience Size: followers\n")
    assert run(df, mapping=y).report.accepted == 1
    j = tmp_path / "m.json"
    j.write_text(json.dumps(m))
    assert run(df, mapping=j).report.accepted == 1
    with pytest.raises(DataError, match="not a canonical column"):
        run(df, mapping={"Notes": "note"})
    with pytest.raises(DataFileNotFoundError):
        run(df, mapping=tmp_path / "none.yaml")


def test_mapping_wins_over_alias():
    df = pd.DataFrame(
        {"followers": ["1"], "true_followers": ["50"], "account_id": ["a"], "likes": ["1"]}
    )
    res = run(df, mapping={"true_followers": "followers"})
    assert res.posts["followers"].iloc[0] == 50


# ------------------------------------------------------------------ result and report
def test_posts_schema_and_order():
    df = posts(
        platform=["Instagram"],
        post_id=["1"],
        posted_at=["2020-01-01"],
        sponsored=["no"],
        brand=["b"],
        cost=["$"],
        views=["1.2K"],
    )
    res = run(df)
    assert res.adapter is None
    assert res.report.reasons == {"unparseable_number": 1}
    res = run(df.assign(cost="100"))
    cols = list(res.posts.columns)
    assert cols == [c for c in schema.POST_COLUMNS if c in cols]
    for c in cols:
        assert str(res.posts[c].dtype) == str(pd.Series(dtype=schema.DTYPES[c]).dtype), c
    assert res.posts["platform"].iloc[0] == "instagram"
    assert res.posts.index.tolist() == [0]


def test_report_summary_dict_and_quarantine_files(tmp_path):
    df = posts(account_id=["a", "", "c", "a"], likes=["1", "1", "x", "2"], post_id=["1"] * 4)
    df["reason"] = "user column called reason"
    with load(df) as ds:
        rep = ds.report
        assert isinstance(rep, ValidationReport)
        text = rep.summary()
        assert "rows in: 4" in text and "accepted: 1" in text and "quarantined: 3" in text
        assert "duplicate_post" in text and "row 4" in text
        d = rep.to_dict()
        json.dumps(d)
        assert d["rows_in"] == 4 and d["reasons"] == {
            "duplicate_post": 1,
            "missing_account_id": 1,
            "unparseable_number": 1,
        }
        assert list(d["reasons"]) == sorted(d["reasons"])
        assert d["examples"] == {
            "duplicate_post": [4],
            "missing_account_id": [2],
            "unparseable_number": [3],
        }
        # a user column called "reason" does not clobber ours (it is not canonical: not kept)
        q = ds.quarantine()
        assert list(q.columns[:5]) == ["file", "row", "reason", "column", "detail"]
        assert q["reason"].tolist() == [
            "missing_account_id",
            "unparseable_number",
            "duplicate_post",
        ]
        assert "same post as row 1" == q["detail"].iloc[2]
        rep.write_quarantine(tmp_path / "q.csv")
        back = pd.read_csv(tmp_path / "q.csv")
        assert back["row"].tolist() == [2, 3, 4]
        assert back["detail"].tolist()[:2] == ["account_id is empty", "likes='x'"]
        rep.write_quarantine(tmp_path / "sub" / "q.parquet")
        pq_back = pd.read_parquet(tmp_path / "sub" / "q.parquet")
        assert len(pq_back) == 3 and pq_back["reason"].tolist() == back["reason"].tolist()
    with pytest.raises(DataError, match="closed"):
        ds.to_pandas()


def test_report_invariant_is_checked():
    with pytest.raises(AssertionError):
        ValidationReport("x", 3, 1, 1, {"a": 1})
    with pytest.raises(AssertionError):
        ValidationReport("x", 3, 1, 2, {"a": 1})
    assert ValidationReport("x", 3, 1, 2, {"a": 2}).quarantine.empty


def test_empty_input():
    df = pd.DataFrame({"account_id": [], "followers": [], "likes": []})
    res = run(df)
    rep = res.report
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (0, 0, 0)
    assert res.posts.empty and list(res.posts.columns) == ["account_id", "followers", "likes"]


def test_bundled_name(tmp_path, monkeypatch):
    from influtiers.load import bundled as datasets

    f = tmp_path / "panel.parquet"
    posts().to_parquet(f)
    monkeypatch.setitem(datasets.BUNDLED_POSTS, "tiny", f)
    res = run("tiny")
    assert res.report.accepted == 1 and "bundled:tiny" in res.source
    monkeypatch.setitem(datasets.BUNDLED_POSTS, "gone", tmp_path / "gone.parquet")
    with pytest.raises(DataError, match="bundled dataset 'gone'"):
        run("gone")


# ------------------------------------------------------------------ property
MESSY = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "N/A",
            "-",
            "-1",
            "0",
            "1.2K",
            "3,4K",
            "12,345",
            "abc",
            "#VALOR!",
            "-7",
            "1.39%",
            " 5 ",
            "1e3",
            "2,5",
        ]
    ),
    st.integers(-3, 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=6),
)
COLS = [
    "account_id",
    "username",
    "followers",
    "Follower Count",
    "likes",
    "n_likes",
    "comments",
    "views",
    "post_id",
    "platform",
    "date",
    "is_ad",
    "other",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cols=st.lists(st.sampled_from(COLS), min_size=1, max_size=7, unique=True),
    n=st.integers(0, 12),
    data=st.data(),
)
def test_property_rows_accounted_and_schema_holds(cols, n, data):
    df = pd.DataFrame(
        {c: data.draw(st.lists(MESSY, min_size=n, max_size=n), label=c) for c in cols},
        dtype=object,
    )
    try:
        res = run(df)
    except DataError as e:
        assert "missing required" in str(e) or "needs likes or comments" in str(e)
        return
    rep, p = res.report, res.posts
    assert rep.rows_in == n == rep.accepted + rep.quarantined
    assert len(p) == rep.accepted and len(res.quarantine) == rep.quarantined
    assert res.quarantine["reason"].value_counts().to_dict() == rep.reasons
    assert sum(rep.reasons.values()) == rep.quarantined
    assert set(rep.reasons) <= set(schema.REASONS)
    assert p["account_id"].notna().all() and (p["account_id"].str.strip() != "").all()
    assert (p["followers"] > 0).all() and np.isfinite(p["followers"]).all()
    for c in schema.COUNT_COLUMNS:
        if c in p:
            assert not (p[c] < 0).any()
    eng = [c for c in schema.ENGAGEMENT_ANY if c in p]
    assert p[eng].notna().any(axis=1).all()
    if "post_id" in p:
        keys = [k for k in ("platform", "account_id", "post_id") if k in p]
        sub = p[p["post_id"].notna()]
        assert not sub.duplicated(keys).any()
    for c in p.columns:
        assert str(p[c].dtype) == str(pd.Series(dtype=schema.DTYPES[c]).dtype)
