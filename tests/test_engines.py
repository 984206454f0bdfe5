"""The same aggregation on every engine and input form gives the same influencer table.

Spark tests run PySpark in local mode and are skipped when pyspark or a Java
runtime is not available.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from influtiers.aggregate import influencer_table


def small_posts(seed: int = 11, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    acc = rng.integers(0, 40, n)
    fol = np.exp(rng.normal(9, 2, 40)).round()
    fol[0] = 0.0
    likes = rng.poisson(80, n).astype(float)
    likes[rng.random(n) < 0.1] = np.nan
    comments = rng.poisson(4, n).astype(float)
    plat = np.array(["instagram", "youtube", "tiktok"], dtype=object)[acc % 3]
    plat[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "platform": plat,
            "account_id": [f"u{i:02d}" for i in acc],
            "followers": fol[acc],
            "likes": likes,
            "comments": comments,
            "views": np.where(acc % 3 > 0, rng.poisson(5000, n), np.nan),
            "sponsored": rng.random(n) < 0.2,
            "cost": np.where(rng.random(n) < 0.1, rng.uniform(10, 500, n).round(2), np.nan),
        }
    )


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_float_dtype(x):
            np.testing.assert_allclose(x.to_numpy(), y.to_numpy(), rtol=1e-9, equal_nan=True)
        else:
            assert x.astype(object).tolist() == y.astype(object).tolist(), c


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return small_posts()


@pytest.fixture(scope="module")
def parquet(posts, tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("parts")
    for i, idx in enumerate(np.array_split(np.arange(len(posts)), 3)):
        posts.iloc[idx].to_parquet(d / f"part-{i}.parquet", index=False)
    return str(d / "*.parquet")


CASES = [
    {},
    {"trim": 0.2, "scheme": "mediakix-by-platform"},
    {"trim": 0.0},
    {"definition": "er_views"},
    {"by": ("sponsored",)},
]


@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(map(str, kw.values())) or "default")
def test_duckdb_dataframe_equals_parquet(posts, parquet, kw):
    assert_same(influencer_table(posts, **kw), influencer_table(parquet, **kw))


# --- Spark -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for Spark")
    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
    try:
        session = (
            SparkSession.builder.master("local[1]")
            .appName("influtiers-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
            # tiny data: compiling whole-stage code costs more than it saves
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
    except Exception as e:  # pragma: no cover - depends on the machine's Java
        pytest.skip(f"cannot start Spark: {e}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(map(str, kw.values())) or "default")
def test_spark_parquet_equals_duckdb(spark, posts, parquet, kw):
    ref = influencer_table(posts, **kw)
    assert_same(influencer_table(parquet, engine="spark", spark=spark, **kw), ref)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_dataframe_inputs(spark, posts, parquet):
    ref = influencer_table(posts)
    sdf = spark.read.parquet(*sorted(__import__("glob").glob(parquet)))
    assert_same(influencer_table(sdf, engine="spark", spark=spark), ref)
    # a pandas DataFrame (NaN counts stay missing on Spark too)
    assert_same(influencer_table(posts, engine="spark", spark=spark), ref)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_csv(spark, posts, tmp_path):
    posts.to_csv(tmp_path / "posts.csv", index=False)
    ref = influencer_table(tmp_path / "posts.csv")
    assert_same(influencer_table(tmp_path / "posts.csv", engine="spark", spark=spark), ref)
    assert_same(ref, influencer_table(posts))


def test_spark_missing_file(spark, tmp_path):
    with pytest.raises(FileNotFoundError):
        influencer_table(tmp_path / "nope.parquet", engine="spark", spark=spark)


# --- validation in the engine (load) vs staging a DataFrame ---------------------------------


def defect_posts() -> pd.DataFrame:
    inf = float("inf")
    rows = [
        # platform, account_id, post_id, followers, likes, comments      expected reason
        ("instagram", "a", "1", 100.0, 10.0, 1.0),  # ok
        ("instagram", None, "2", 100.0, 10.0, 1.0),  # missing_account_id
        ("instagram", "  ", "3", 100.0, 10.0, 1.0),  # missing_account_id (blank)
        ("instagram", "n/a", "4", 100.0, 10.0, 1.0),  # missing_account_id (token)
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
    "missing_account_id": 3,
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
