"""Reading, parsing, mapping, validation and quarantine (influtiers.io)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influtiers import schema
from influtiers.io import (
    DataError,
    DataFileNotFoundError,
    LoadResult,
    ValidationReport,
    load_posts,
    map_columns,
    parse_bool,
    parse_count,
    parse_dates,
    read_table,
    unparseable_mask,
)


def posts(**cols) -> pd.DataFrame:
    base = {"account_id": ["a"], "followers": ["100"], "likes": ["1"], "comments": ["1"]}
    base.update(cols)
    n = max(len(v) for v in base.values())
    return pd.DataFrame({k: (v * n if len(v) == 1 else v) for k, v in base.items()})


# ------------------------------------------------------------------ parse_count
@pytest.mark.parametrize(
    "text, value",
    [
        ("1.2M", 1_200_000),
        ("1,2M", 1_200_000),
        ("3,4K", 3_400),
        ("3,45k", 3_450),
        ("475.8m", 475_800_000),
        ("12,345", 12_345),
        ("1,234,567", 1_234_567),
        ("12,345K", 12_345_000),
        ("1 234", 1_234),
        ("1\u00a0234\u202f567", 1_234_567),
        ("1.234.567", 1_234_567),
        ("1.234,5", 1_234.5),
        ("1,234.5", 1_234.5),
        ("2.5k", 2_500),
        ("1B", 1e9),
        ("1.5 bn", 1.5e9),
        ("1.39%", 0.0139),
        ("1,39%", 0.0139),
        ("42", 42),
        (" 42 ", 42),
        ("+7", 7),
        ("0.5", 0.5),
        ("1e5", 100_000),
        ("-1", -1),
        ("-20", -20),
    ],
)
def test_parse_count_forms(text, value):
    got = parse_count([text]).iloc[0]
    assert got == pytest.approx(value)
    assert not unparseable_mask([text]).iloc[0]


@pytest.mark.parametrize(
    "text",
    ["", "  ", "N/A", "NA", "n/a", "-", "#VALOR!", "#VALUE!", "#N/A", "#DIV/0!", "null",
     "None", "nan", None, np.nan],
)  # fmt: skip
def test_parse_count_missing_is_not_unparseable(text):
    assert math.isnan(parse_count([text]).iloc[0])
    assert not unparseable_mask([text]).iloc[0]


@pytest.mark.parametrize("text", ["abc", "12 likes", "2,5", "1,23,4", "1.2.3", "inf", "K", "1..2"])
def test_parse_count_unparseable(text):
    assert math.isnan(parse_count([text]).iloc[0])
    assert unparseable_mask([text]).iloc[0]


def test_parse_count_hidden_sentinel_only_in_like_comment_view_columns():
    for col in ("likes", "comments", "views"):
        assert math.isnan(parse_count(["-1"], column=col).iloc[0])
    for col in ("followers", "shares", None):
        assert parse_count(["-1"], column=col).iloc[0] == -1
    assert parse_count(["-2"], column="likes").iloc[0] == -2


def test_parse_count_percent_not_a_count():
    assert unparseable_mask(["5%"], column="likes").iloc[0]
    assert not unparseable_mask(["5%"]).iloc[0]


def test_parse_count_numeric_and_mixed_inputs():
    s = pd.Series([1, 2.5, np.nan, np.inf], index=[10, 11, 12, 13])
    out = parse_count(s)
    assert list(out.index) == [10, 11, 12, 13]
    assert out.iloc[:2].tolist() == [1.0, 2.5]
    assert unparseable_mask(s).tolist() == [False, False, False, True]
    mixed = pd.Series([3, "1.2k", None, True, [1]], dtype=object)
    assert parse_count(mixed).iloc[:2].tolist() == [3.0, 1200.0]
    assert unparseable_mask(mixed).tolist() == [False, False, False, True, True]
    assert parse_count([]).dtype == "float64"


# ------------------------------------------------------------------ dates and flags
def test_parse_dates_forms():
    d, bad = parse_dates(
        ["2020-11-06T22:20:19Z", "1604701219", "1604701219000", "2020-11-06 23:20:19+01:00",
         "Nov 6, 2020", "", "N/A", "yesterday"]
    )  # fmt: skip
    assert str(d.dtype) == "datetime64[ns, UTC]"
    assert d.iloc[0] == d.iloc[1] == d.iloc[2] == d.iloc[3]
    assert d.iloc[4] == pd.Timestamp("2020-11-06", tz="UTC")
    assert bad.tolist() == [False] * 7 + [True]
    assert d.iloc[5:].isna().all()
    num, bad = parse_dates(pd.Series([1604701219, np.nan]))
    assert num.iloc[0] == pd.Timestamp("2020-11-06 22:20:19", tz="UTC") and not bad.any()
    naive, _ = parse_dates(pd.Series(pd.to_datetime(["2020-01-01"])))
    assert naive.iloc[0] == pd.Timestamp("2020-01-01", tz="UTC")
    mixed, bad = parse_dates(pd.Series([1604701219, "2020-01-01", None, 3.5e20], dtype=object))
    assert mixed.iloc[1] == pd.Timestamp("2020-01-01", tz="UTC")
    assert bad.tolist() == [False, False, False, True]


def test_parse_bool():
    v, bad = parse_bool(["yes", "No", "TRUE", "0", "", None, True, "maybe"])
    assert v.iloc[:4].tolist() == [True, False, True, False]
    assert v.iloc[4:7].tolist()[:2] == [pd.NA, pd.NA] and v.iloc[6]
    assert bad.tolist() == [False] * 7 + [True]


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
    rep = load_posts(REASON_CASES[code]).report
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (2, 1, 1)
    assert rep.reasons == {code: 1}
    q = rep.quarantine
    assert q["row"].tolist() == [2] and q["reason"].tolist() == [code]
    assert set(q.columns) >= {"row", "reason", "column", "detail"}
    assert code in schema.REASONS


def test_orphan_post_and_accounts_join():
    p = pd.DataFrame(
        {"user": ["a", "b", "c", "d"], "likes": ["1", "2", "3", "4"],
         "followers": ["", "", "", "7"]}
    )  # fmt: skip
    accts = pd.DataFrame({"username": ["a", "b", "d"], "Follower Count": ["10K", "", "9"],
                          "category": ["food", "art", "x"]})  # fmt: skip
    res = load_posts(p, accounts=accts)
    rep = res.report
    assert rep.reasons == {"missing_followers": 1, "orphan_post": 1}
    q = rep.quarantine.set_index("row")
    assert q.loc[2, "reason"] == "missing_followers" and q.loc[3, "reason"] == "orphan_post"
    got = res.posts.set_index("account_id")
    assert got.loc["a", "followers"] == 10_000  # from accounts
    assert got.loc["d", "followers"] == 7  # post-level followers win
    assert got.loc["a", "category"] == "food"


def test_accounts_join_on_platform_and_bad_account_values(tmp_path):
    p = pd.DataFrame(
        {"account_id": ["a", "a", "b"], "platform": ["Instagram", "TikTok", "tiktok"],
         "likes": [1, 2, 3]}
    )  # fmt: skip
    acc_file = tmp_path / "accounts.csv"
    acc_file.write_text(
        "account_id,platform,followers\na,instagram,100\na,tiktok,5000\nb,tiktok,many\n"
    )
    res = load_posts(p, accounts=acc_file)
    assert res.posts["followers"].tolist() == [100.0, 5000.0]
    assert res.posts["platform"].tolist() == ["instagram", "tiktok"]
    q = res.report.quarantine
    assert q["reason"].tolist() == ["unparseable_number"]
    assert "accounts.csv row 3" in q["detail"].iloc[0]


def test_accounts_missing_columns_error(tmp_path):
    acc = tmp_path / "acc.csv"
    acc.write_text("name,size\na,1\n")
    with pytest.raises(DataError, match=r"acc\.csv.*account_id, followers.*name, size"):
        load_posts(posts(), accounts=acc)


def test_first_reason_wins_in_documented_order():
    df = posts(account_id=["a", ""], likes=["1", "xyz"], followers=["1", "0"])
    rep = load_posts(df).report
    assert rep.reasons == {"missing_account_id": 1}
    df = posts(likes=["1", "xyz"], posted_at=["2020-01-01", "never"], followers=["5", "-1"])
    assert load_posts(df).report.reasons == {"unparseable_number": 1}


def test_duplicate_keeps_first_valid_and_respects_platform():
    df = posts(
        post_id=["p1", "p1", "p1", "p1"],
        platform=["x", "x", "y", "x"],
        followers=["0", "10", "10", "10"],
    )
    rep = load_posts(df).report
    assert rep.reasons == {"duplicate_post": 1, "zero_followers": 1}
    q = rep.quarantine.set_index("row")
    assert q.loc[4, "reason"] == "duplicate_post" and "row 2" in q.loc[4, "detail"]
    assert rep.duplicates_removed == 1


def test_hidden_likes_are_missing_not_negative():
    rep = load_posts(posts(likes=["-1", "5"], comments=["2", "1"])).report
    assert rep.accepted == 2 and rep.hidden_counts == {"likes": 1}
    res = load_posts(posts(followers=["-1"]))
    assert res.report.reasons == {"negative_count": 1}


def test_no_engagement_with_only_likes_column():
    df = pd.DataFrame({"account_id": ["a", "b"], "followers": [1, 2], "likes": [3, None]})
    assert load_posts(df).report.reasons == {"no_engagement": 1}


# ------------------------------------------------------------------ errors
def test_missing_required_columns_error_names_file_and_columns(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("handle,likes\na,1\n")
    with pytest.raises(DataError, match=r"p\.csv: missing required column\(s\) followers.*"
                       r"columns present: handle, likes"):  # fmt: skip
        load_posts(f)
    g = tmp_path / "q.csv"
    g.write_text("followers,likes\n1,1\n")
    with pytest.raises(DataError, match="account_id"):
        load_posts(g)


def test_needs_likes_or_comments():
    with pytest.raises(DataError, match="needs likes or comments"):
        load_posts(pd.DataFrame({"account_id": ["a"], "followers": [1], "shares": [1]}))


def test_strict_names_row_and_column(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("account_id,followers,likes\na,10,1\nb,10,oops\nc,0,1\n")
    with pytest.raises(DataError) as e:
        load_posts(f, strict=True)
    msg = str(e.value)
    assert "s.csv" in msg and "row 2, column likes: unparseable_number" in msg
    assert "likes='oops'" in msg and "row 3, column followers: zero_followers" in msg
    assert load_posts(posts(), strict=True).report.accepted == 1


def test_missing_file_and_unknown_directory(tmp_path):
    with pytest.raises(DataFileNotFoundError, match="nope.csv"):
        load_posts(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError):
        load_posts(str(tmp_path / "nope.csv"))
    with pytest.raises(DataError, match="not in a known dataset format"):
        load_posts(tmp_path)
    with pytest.raises(DataError, match="unknown dataset adapter"):
        load_posts(tmp_path, adapter="nosuch")


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
    res = load_posts(f)
    assert res.posts["followers"].tolist() == [1200.0, 5.0]
    assert res.report.columns["followers"] == "Follower count"
    t = tmp_path / "x.tsv"
    t.write_text("account_id\tfollowers\tlikes\na\t1 234\t5\n")
    assert load_posts(t).posts["followers"].iloc[0] == 1234
    p = tmp_path / "x.txt"
    p.write_text("account_id|followers|likes\na|10|5\n")
    assert load_posts(p).report.accepted == 1


def test_read_latin1_falls_back_with_warning(tmp_path):
    f = tmp_path / "l.csv"
    f.write_bytes("account_id,followers,likes\nJosé,10,1\n".encode("cp1252"))
    res = load_posts(f)
    assert res.posts["account_id"].iloc[0] == "José"
    assert any("cp1252" in w for w in res.report.warnings)


def test_read_parquet_jsonl_and_json_array(tmp_path):
    df = pd.DataFrame({"account_id": ["a", "b"], "followers": [10, 20], "likes": [1.0, None],
                       "comments": [0, 2]})  # fmt: skip
    df.to_parquet(tmp_path / "p.parquet")
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps(r) for r in df.to_dict("records")))
    (tmp_path / "p.json").write_text(json.dumps(df.to_dict("records")))
    for name in ("p.parquet", "p.jsonl", "p.json"):
        res = load_posts(tmp_path / name)
        assert res.report.accepted == 2, name
        assert res.posts["followers"].tolist() == [10.0, 20.0]


def test_jsonl_rows_are_line_numbers(tmp_path):
    f = tmp_path / "p.ndjson"
    f.write_text('{"account_id":"a","followers":1,"likes":1}\n\n{"account_id":"","likes":1}\n')
    q = load_posts(f).report.quarantine
    assert q["row"].tolist() == [3]


# ------------------------------------------------------------------ mapping
def test_aliases_case_and_whitespace_insensitive():
    cols = [" Username ", "FOLLOWER_COUNT", "like_count", "num_comments", "video_views",
            "is_sponsored", "timestamp"]  # fmt: skip
    cmap, _ = map_columns(cols)
    assert cmap == {
        "account_id": " Username ", "posted_at": "timestamp", "followers": "FOLLOWER_COUNT",
        "likes": "like_count", "comments": "num_comments", "views": "video_views",
        "sponsored": "is_sponsored",
    }  # fmt: skip
    cmap, warn = map_columns(["likes", "n_likes", "Followers", "plays", "is_ad", "date"])
    assert cmap["likes"] == "likes" and any("n_likes" in w for w in warn)
    assert cmap["views"] == "plays" and cmap["sponsored"] == "is_ad"


def test_mapping_dict_and_yaml_and_json(tmp_path):
    df = pd.DataFrame({"Creator Handle": ["a"], "Audience Size": ["2k"], "Hearts": ["5"],
                       "Notes": ["x"]})  # fmt: skip
    m = {"creator handle": "account_id", "Audience Size": "followers"}
    res = load_posts(df, mapping=m)
    assert res.posts[["account_id", "followers", "likes"]].values.tolist() == [["a", 2000, 5]]
    y = tmp_path / "m.yaml"
    y.write_text("Creator Handle: account_id\nAudience Size: followers\n")
    assert load_posts(df, mapping=y).report.accepted == 1
    j = tmp_path / "m.json"
    j.write_text(json.dumps(m))
    assert load_posts(df, mapping=j).report.accepted == 1
    with pytest.raises(DataError, match="not a canonical column"):
        load_posts(df, mapping={"Notes": "note"})
    with pytest.raises(DataFileNotFoundError):
        load_posts(df, mapping=tmp_path / "none.yaml")


def test_mapping_wins_over_alias():
    df = pd.DataFrame({"followers": ["1"], "true_followers": ["50"], "account_id": ["a"],
                       "likes": ["1"]})  # fmt: skip
    res = load_posts(df, mapping={"true_followers": "followers"})
    assert res.posts["followers"].iloc[0] == 50


# ------------------------------------------------------------------ result and report
def test_posts_schema_and_order():
    df = posts(
        platform=["Instagram"], post_id=["1"], posted_at=["2020-01-01"], sponsored=["no"],
        brand=["b"], cost=["$"], views=["1.2K"],
    )  # fmt: skip
    res = load_posts(df)
    assert isinstance(res, LoadResult) and res.adapter is None
    assert res.report.reasons == {"unparseable_number": 1}
    res = load_posts(df.assign(cost="100"))
    cols = list(res.posts.columns)
    assert cols == [c for c in schema.POST_COLUMNS if c in cols]
    for c in cols:
        assert str(res.posts[c].dtype) == str(pd.Series(dtype=schema.DTYPES[c]).dtype), c
    assert res.posts["platform"].iloc[0] == "instagram"
    assert res.posts.index.tolist() == [0]


def test_report_summary_dict_and_quarantine_files(tmp_path):
    df = posts(account_id=["a", "", "c", "a"], likes=["1", "1", "x", "2"], post_id=["1"] * 4)
    df["reason"] = "user column called reason"
    rep = load_posts(df).report
    assert isinstance(rep, ValidationReport)
    text = rep.summary()
    assert "rows in: 4" in text and "accepted: 1" in text and "quarantined: 3" in text
    assert "duplicate_post" in text and "row 4" in text
    d = rep.to_dict()
    json.dumps(d)
    assert d["rows_in"] == 4 and d["reasons"] == {
        "duplicate_post": 1, "missing_account_id": 1, "unparseable_number": 1
    }  # fmt: skip
    assert list(d["reasons"]) == sorted(d["reasons"])
    assert "reason (input)" in rep.quarantine.columns
    rep.write_quarantine(tmp_path / "q.csv")
    back = pd.read_csv(tmp_path / "q.csv")
    assert back["row"].tolist() == [2, 3, 4]
    rep.write_quarantine(tmp_path / "q.parquet")
    assert len(pd.read_parquet(tmp_path / "q.parquet")) == 3


def test_report_invariant_is_checked():
    with pytest.raises(AssertionError):
        ValidationReport("x", 3, 1, 1, {"a": 1}, pd.DataFrame({"reason": ["a"]}))


def test_empty_input():
    df = pd.DataFrame({"account_id": [], "followers": [], "likes": []})
    rep = load_posts(df).report
    assert (rep.rows_in, rep.accepted, rep.quarantined) == (0, 0, 0)


def test_bundled_name(tmp_path, monkeypatch):
    from influtiers import datasets

    f = tmp_path / "panel.parquet"
    posts().to_parquet(f)
    monkeypatch.setitem(datasets.BUNDLED_POSTS, "tiny", f)
    res = load_posts("tiny")
    assert res.report.accepted == 1 and "bundled:tiny" in res.source
    monkeypatch.setitem(datasets.BUNDLED_POSTS, "gone", tmp_path / "gone.parquet")
    with pytest.raises(DataError, match="bundled dataset 'gone'"):
        load_posts("gone")


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
    ),  # fmt: skip
    st.integers(-3, 10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=6),
)
COLS = ["account_id", "username", "followers", "Follower Count", "likes", "n_likes", "comments",
        "views", "post_id", "platform", "date", "is_ad", "other"]  # fmt: skip


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
        res = load_posts(df)
    except DataError as e:
        assert "missing required" in str(e) or "needs likes or comments" in str(e)
        return
    rep, p = res.report, res.posts
    assert rep.rows_in == n == rep.accepted + rep.quarantined
    assert len(p) == rep.accepted and len(rep.quarantine) == rep.quarantined
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
