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
            SparkSession.builder.master("local[2]")
            .appName("influtiers-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
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


def test_spark_missing_file(spark, tmp_path):
    with pytest.raises(FileNotFoundError):
        influencer_table(tmp_path / "nope.parquet", engine="spark", spark=spark)
