"""The engine side of load(): typed Parquet read by the engine, Python staging in chunks,
specialised views, the duplicate rule, spilling settings, the Dataset value, and Spark
giving the same reason codes and counts as DuckDB.

Spark tests run PySpark in local mode and are skipped when pyspark or Java is missing.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from influtiers.errors import DataError
from influtiers.load import load, read, validate
from influtiers.load.bundled import DEMO_PATH

INF = float("inf")


def defect_posts() -> pd.DataFrame:
    """One row per rule (typed values, as a pipeline would write them)."""
    rows = [
        # platform, account_id, post_id, followers, likes, comments      expected reason
        ("instagram", "a", "1", 100.0, 10.0, 1.0),  # ok
        ("instagram", None, "2", 100.0, 10.0, 1.0),  # missing_account_id
        ("instagram", "  ", "3", 100.0, 10.0, 1.0),  # missing_account_id (blank)
        ("instagram", "n/a", "4", 100.0, 10.0, 1.0),  # ok: an id is missing only when empty
        ("instagram", "a", "5", INF, 10.0, 1.0),  # unparseable_number
        ("instagram", "a", "6", 100.0, -5.0, 1.0),  # negative_count
        ("instagram", "a", "7", np.nan, -5.0, 1.0),  # negative_count before missing_followers
        ("instagram", "a", "8", np.nan, 10.0, 1.0),  # missing_followers
        ("instagram", "a", "9", 0.0, 10.0, 1.0),  # zero_followers
        ("instagram", "a", "10", 100.0, np.nan, np.nan),  # no_engagement
        ("instagram", "a", "11", 100.0, -1.0, np.nan),  # -1 = hidden -> no_engagement
        ("instagram", "a", "12", 100.0, -1.0, 2.0),  # hidden likes, comments: ok
        ("instagram", "a", "1", 100.0, 11.0, 1.0),  # duplicate_post
        ("Instagram", " a\u00a0", "1", 100.0, 12.0, 1.0),  # duplicate_post (case, spaces)
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


def summary(ds) -> tuple:
    r = ds.report
    q = ds.quarantine()
    return (
        (r.rows_in, r.accepted, r.quarantined, r.reasons, r.hidden_counts),
        q[["row", "reason", "column", "detail"]].to_dict("records"),
        ds.to_pandas(),
    )


# ------------------------------------------------------------------ typed Parquet vs staging
def test_typed_parquet_fast_path_equals_python_staging(tmp_path):
    df = defect_posts()
    df.to_parquet(tmp_path / "p.parquet", index=False)
    with load(tmp_path / "p.parquet") as fast, load(df) as slow:
        assert fast.report.reasons == EXPECTED
        assert "_staged" not in fast.con.sql("SELECT table_name FROM duckdb_tables()").df().values
        a, b = summary(fast), summary(slow)
        assert a[0] == b[0] and a[1] == b[1]
        pd.testing.assert_frame_equal(a[2], b[2])
        q = fast.quarantine().set_index("row")
        assert q.loc[5, "detail"] == "followers=inf" and q.loc[6, "detail"] == "likes=-5"
        assert q.loc[14, "detail"] == "same post as row 1" and q.loc[8, "detail"] == "followers=nan"
    assert fast.report.hidden_counts == {"likes": 2}


def test_specialised_view_reads_raw_columns_when_cleaning_changes_nothing(tmp_path):
    clean = pd.DataFrame(
        {
            "account_id": ["a", "b"],
            "post_id": ["1", "2"],
            "followers": [10.0, 0.0],
            "likes": [1.0, 2.0],
        }
    )
    clean.to_parquet(tmp_path / "clean.parquet")
    dirty = clean.assign(account_id=[" a ", "b"])
    dirty.to_parquet(tmp_path / "dirty.parquet")
    with load(tmp_path / "clean.parquet") as c, load(tmp_path / "dirty.parquet") as d:
        view_c = c.con.sql("SELECT sql FROM duckdb_views() WHERE view_name = '_ruled'").fetchall()
        view_d = d.con.sql("SELECT sql FROM duckdb_views() WHERE view_name = '_ruled'").fetchall()
        assert "trim" not in view_c[0][0] and "trim" in view_d[0][0]
        # only the rule that fired (zero followers, code 42) is evaluated
        assert "THEN (42)" in view_c[0][0] and "THEN (2)" not in view_c[0][0]
        pd.testing.assert_frame_equal(c.to_pandas(), d.to_pandas())
        assert c.report.reasons == d.report.reasons == {"zero_followers": 1}


def test_aggregate_pass_equals_numpy_pass(tmp_path, monkeypatch):
    df = defect_posts()
    df.to_parquet(tmp_path / "p.parquet", index=False)
    with load(tmp_path / "p.parquet") as ds:
        ref = summary(ds)
    monkeypatch.setattr(validate, "EXPORT_MAX", 0)  # the DuckDB aggregate route
    with load(tmp_path / "p.parquet") as ds:
        got = summary(ds)
    assert got[0] == ref[0] and got[1] == ref[1]
    pd.testing.assert_frame_equal(got[2], ref[2])


def test_duplicates_match_a_pandas_reference(tmp_path):
    rng = np.random.default_rng(7)
    n = 5000
    df = pd.DataFrame(
        {
            "platform": rng.choice(["instagram", "tiktok", None], n),
            "account_id": rng.choice([f"u{i}" for i in range(40)], n),
            "post_id": rng.choice([str(i) for i in range(300)] + [None], n),
            "followers": rng.choice([0.0, 10.0, 1000.0], n),
            "likes": rng.integers(0, 50, n).astype(float),
        }
    )
    df.to_parquet(tmp_path / "p.parquet", index=False)
    ok = df["followers"] > 0
    keys = ["platform", "account_id", "post_id"]
    elig = df[ok & df["post_id"].notna()]
    dup = elig.fillna({"platform": "\0"}).duplicated(keys, keep="first")
    want_rows = (elig.index[dup.to_numpy()] + 1).tolist()
    with load(tmp_path / "p.parquet") as ds:
        q = ds.quarantine()
        assert q.loc[q.reason == "duplicate_post", "row"].tolist() == want_rows
        assert ds.report.reasons == {
            "duplicate_post": len(want_rows),
            "zero_followers": int((~ok).sum()),
        }
        assert ds.report.examples("duplicate_post") == want_rows[:5]
        assert len(ds.to_pandas()) == n - len(want_rows) - int((~ok).sum())


# ------------------------------------------------------------------ chunked text staging
def test_chunk_boundaries_do_not_change_anything(tmp_path, monkeypatch):
    df = defect_posts().astype(object)
    csv = tmp_path / "p.csv"
    df.to_csv(csv, index=False)
    jl = tmp_path / "p.jsonl"
    jl.write_text("\n".join(df.to_json(orient="records", lines=True).splitlines()) + "\n")
    ref = {}
    for src in (csv, jl, df):
        with load(src) as ds:
            ref[id(src)] = summary(ds)
    monkeypatch.setattr(read, "CHUNK_ROWS", 4)
    for src in (csv, jl, df):
        with load(src) as ds:
            got = summary(ds)
        assert got[0] == ref[id(src)][0] and got[1] == ref[id(src)][1]
        pd.testing.assert_frame_equal(got[2], ref[id(src)][2])
    assert ref[id(csv)][0][3] == EXPECTED


def test_csv_messy_numbers_and_row_numbers_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "CHUNK_ROWS", 2)
    f = tmp_path / "m.csv"
    f.write_text(
        "user;Followers;likes;id\nann;1,2K;5;p1\nbob;abc;1;p2\ncid;3 400;2;p3\n\nann;1.2k;5;p1\n"
    )
    with load(f) as ds:
        q = ds.quarantine()
        assert q["row"].tolist() == [2, 4] and q["detail"].tolist() == [
            "Followers='abc'",
            "same post as row 1",
        ]
        assert ds.to_pandas()["followers"].tolist() == [1200.0, 3400.0]


# ------------------------------------------------------------------ files, settings, value
def test_glob_of_parts_numbers_rows_per_file(tmp_path):
    df = defect_posts()
    d = tmp_path / "parts"
    d.mkdir()
    df.iloc[:10].to_parquet(d / "part-0.parquet", index=False)
    df.iloc[10:].to_parquet(d / "part-1.parquet", index=False)
    for src in (str(d / "*.parquet"), d, [d / "part-0.parquet", d / "part-1.parquet"]):
        with load(src) as ds:
            assert ds.report.reasons == EXPECTED
            q = ds.quarantine()
            dup = q[q.reason == "duplicate_post"]
            assert dup["row"].tolist() == [3, 4, 11]
            assert dup["file"].str.endswith("part-1.parquet").all()
            assert dup["detail"].iloc[0].endswith("part-0.parquet)")
            assert len(ds.paths) == 2 and all(p.is_absolute() for p in ds.paths)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.parquet")
    with pytest.raises(FileNotFoundError):
        load(str(tmp_path / "none-*.parquet"))


def test_temp_directory_staging_and_settings(tmp_path):
    df = defect_posts()
    tmp = tmp_path / "spill"
    with load(df, memory_limit="500MB", temp_directory=tmp, threads=1) as ds:
        assert ds.con.sql("SELECT current_setting('threads')").fetchall()[0][0] == 1
        files = list(tmp.glob("influtiers-stage-*.duckdb"))
        assert len(files) == 1
        assert ds.report.reasons == EXPECTED
    assert not list(tmp.glob("influtiers-stage-*"))


def test_dataset_value(tmp_path):
    p = tmp_path / "posts.parquet"
    defect_posts().to_parquet(p, index=False)
    with load(p, label="mine") as ds:
        assert ds.label == "mine" and ds.source == p and ds.paths == [p.resolve()]
        assert ds.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
        assert ds.engine == "duckdb" and ds.adapter is None and not ds.synthetic
        assert ds.columns == ("platform", "account_id", "post_id", "followers", "likes", "comments")
        rel = ds.relation()
        assert rel.columns == list(ds.columns)
        n = ds.con.sql(f"SELECT count(*) FROM {ds.posts}").fetchall()[0][0]
        assert n == ds.report.accepted == len(ds.to_pandas())
        assert "accepted" in repr(ds)
    assert ds.closed
    a, b = load(defect_posts()), load(defect_posts().copy())
    assert a.sha256 == b.sha256 and a.label == "DataFrame"
    a.close(), b.close()


@pytest.mark.skipif(not DEMO_PATH.exists(), reason="demo panel not built")
def test_demo_is_synthetic():
    with load("demo") as ds:
        assert ds.synthetic and ds.label == "demo" and ds.report.accepted > 0


def test_strict_names_files_for_parts(tmp_path):
    d = tmp_path / "parts"
    d.mkdir()
    defect_posts().iloc[:3].to_parquet(d / "a.parquet", index=False)
    with pytest.raises(DataError, match=r"a\.parquet row 2, column account_id: missing_account_id"):
        load([d / "a.parquet", d / "a.parquet"], strict=True)


# ------------------------------------------------------------------ Spark


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore:The copy keyword is deprecated")
def test_spark_same_reasons_counts_and_posts(spark, tmp_path):
    df = defect_posts()
    df.to_parquet(tmp_path / "p.parquet", index=False)
    text = df.assign(posted_at=["2020-01-01T10:00:00.1234567Z"] * len(df), sponsored="no")
    text.loc[3, "posted_at"] = "never"
    text.to_csv(tmp_path / "p.csv", index=False)
    for src in (tmp_path / "p.parquet", tmp_path / "p.csv"):
        with load(src) as duck, load(src, engine="spark", spark=spark) as sp:
            assert sp.engine == "spark" and sp.con is None
            a, b = summary(duck), summary(sp)
            assert a[0] == b[0], src
            assert a[1] == b[1], src
            pd.testing.assert_frame_equal(a[2], b[2])
            assert sp.relation().count() == sp.report.accepted
            sp.report.write_quarantine(tmp_path / "q.parquet")
            sp.report.write_quarantine(tmp_path / "q.csv")
            assert pd.read_parquet(tmp_path / "q.parquet")["row"].tolist() == [
                r["row"] for r in a[1]
            ]
            assert pd.read_csv(tmp_path / "q.csv")["row"].tolist() == [r["row"] for r in a[1]]
    # microseconds: the 7th decimal is gone
    with load(tmp_path / "p.csv", engine="spark", spark=spark) as sp:
        ts = sp.to_pandas()["posted_at"].iloc[0]
        assert ts == pd.Timestamp("2020-01-01T10:00:00.123456Z")


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore:The copy keyword is deprecated")
def test_spark_accounts_and_adapter(spark, tmp_path):
    from pathlib import Path

    tiktok = Path(__file__).parent / "fixtures" / "tiktok2020_mini"
    with load(tiktok) as duck, load(tiktok, engine="spark", spark=spark) as sp:
        assert summary(duck)[0] == summary(sp)[0] and summary(duck)[1] == summary(sp)[1]
    p = pd.DataFrame({"account_id": ["a", "b", "z"], "likes": [1, 2, 3]})
    acc = pd.DataFrame({"account_id": ["a", "b"], "followers": ["1k", "many"]})
    with load(p, accounts=acc) as duck, load(p, accounts=acc, engine="spark", spark=spark) as sp:
        assert summary(duck)[1] == summary(sp)[1]
        assert sp.report.reasons == {"orphan_post": 1, "unparseable_number": 1}


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore:The copy keyword is deprecated")
def test_spark_nanosecond_parquet_and_plausibility(spark, tmp_path):
    """Typed Parquet with nanosecond timestamps (Spark cannot read them) is staged at
    microseconds; the plausibility findings and --quarantine-implausible match DuckDB."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ts = pd.to_datetime(
        ["2020-01-01 10:00:00.123456789", "2100-01-01 00:00:00", "2020-01-02"],
        utc=True,
        format="ISO8601",
    )
    t = pa.table(
        {
            "platform": ["instagram", "instagram", "tiktok"],
            "account_id": ["a", "b", "c"],
            "post_id": ["1", "2", "3"],
            "posted_at": pa.array(ts, pa.timestamp("ns", "UTC")),
            "followers": [100.0, 100.0, 100.0],
            "likes": [5.0, 500.0, 1500.0],
        }
    )
    pq.write_table(t, tmp_path / "ns.parquet")
    assert pq.ParquetFile(tmp_path / "ns.parquet").schema_arrow.field("posted_at").type.unit == "ns"
    for implausible in (False, True):
        kw = {"quarantine_implausible": implausible}
        with (
            load(tmp_path / "ns.parquet", **kw) as duck,
            load(tmp_path / "ns.parquet", engine="spark", spark=spark, **kw) as sp,
        ):
            assert duck.report.reasons == sp.report.reasons
            assert duck.report.findings == sp.report.findings
            if implausible:
                assert sp.report.reasons == {"implausible_date": 1, "implausible_rate": 1}
            else:
                assert sp.report.findings["implausible_date"]["count"] == 1
                assert sp.report.findings["implausible_rate"]["examples"][0].startswith("row 2")
                first = sp.to_pandas()["posted_at"].iloc[0]
                assert first == pd.Timestamp("2020-01-01 10:00:00.123456", tz="UTC")


def test_rules_follow_schema_reason_order():
    from influtiers import schema
    from influtiers.load.validate_sql import (
        AccountsLayout,
        Layout,
        Plausibility,
        code_reason,
        rules,
    )

    lay = Layout(
        columns=tuple(c for c in schema.POST_COLUMNS if c != "category"),
        pre=True,
        accounts=AccountsLayout(fill=("category",)),
        implausible=Plausibility(now="2030-01-01 00:00:00"),
    )
    order = []
    for code, _ in rules(lay):
        reason = code_reason(code if code != 1 else 100)  # 1: the adapter's own verdict
        if code != 1 and reason not in order:
            order.append(reason)
    assert order == [r for r in schema.REASON_ORDER if r != "duplicate_post"]
