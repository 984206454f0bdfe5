"""The same evidence on DuckDB and Spark: the one SQL text in both dialects.

Spark tests run PySpark in local mode and are skipped when pyspark or a Java runtime is
not available.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from influtiers.evidence import build_evidence


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


# --- Spark -------------------------------------------------------------------------------


class SparkPosts:
    """Canonical posts as a Spark DataFrame, shaped like a Spark Dataset for the evidence."""

    engine = "spark"
    label = "spark posts"

    def __init__(self, spark, posts: pd.DataFrame) -> None:
        self.spark = spark
        self.columns = [str(c) for c in posts.columns]
        self.frame = spark.createDataFrame(posts.astype(object).where(posts.notna(), None))

    def relation(self):
        return self.frame


CASES = [
    {},
    {"trim": 0.2},
    {"trim": 0.0},
    {"definitions": ["er_views"]},
    {"ranked": ["er_followers"], "trimmed": []},
]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("kw", CASES, ids=lambda kw: ",".join(map(str, kw.values())) or "default")
def test_spark_evidence_equals_duckdb(spark, posts, kw):
    ref = build_evidence(posts, **kw)
    got = build_evidence(SparkPosts(spark, posts), **kw)
    for name in ("influencers", "by_sponsored"):
        assert_same(getattr(got, name), getattr(ref, name))
    d = (kw.get("definitions") or [None])[0]
    for scheme in (None, "mediakix-by-platform"):
        assert_same(got.table(d, scheme), ref.table(d, scheme))


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_followers_that_vary_take_the_median(spark, posts):
    varied = posts.assign(followers=posts["followers"] * np.tile([1.0, 1.1, 0.9], 200))
    ref = build_evidence(varied)
    got = build_evidence(SparkPosts(spark, varied))
    assert ref.influencers["followers_varies"].sum() > 0
    assert_same(got.influencers, ref.influencers)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_spark_dataset_end_to_end_equals_duckdb(spark, posts):
    """load(engine="spark") validates in Spark; the evidence pass runs the Spark SQL; the
    ledger the statistics give from it equals DuckDB's."""
    from influtiers.analysis import analyse
    from influtiers.load import load

    with load(posts, engine="duckdb") as d, load(posts, engine="spark", spark=spark) as s:
        assert s.report.to_dict()["reasons"] == d.report.to_dict()["reasons"]
        ed, es = build_evidence(d), build_evidence(s)
    assert_same(es.influencers, ed.influencers)
    a = analyse(ed, claims=["C04", "C05"], n_resamples=200)
    b = analyse(es, claims=["C04", "C05"], n_resamples=200)
    pd.testing.assert_frame_equal(
        a.ledger.drop(columns="dataset"), b.ledger.drop(columns="dataset")
    )


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_cli_claims_engine_spark_equals_duckdb(spark, posts, tmp_path, capsys):
    """``influtiers claims --engine spark`` (the command a user runs: validation and the
    evidence pass in Spark) prints the same ledger as the default DuckDB engine."""
    from influtiers.cli import main

    path = tmp_path / "posts.csv"
    posts.to_csv(path, index=False)
    out = {}
    for engine in ("duckdb", "spark"):
        cmd = ["claims", "--data", str(path), "--only", "C01,C05,C09,C19", "--format", "csv"]
        assert main([*cmd, "--engine", engine]) == 0
        out[engine] = capsys.readouterr()
    assert out["spark"].out == out["duckdb"].out
    ledger = pd.read_csv(io.StringIO(out["spark"].out))
    assert set(ledger["verdict"]) >= {"descriptive", "supported"}  # numbers, not only reasons
    assert ledger["estimate"].notna().sum() >= 8
    assert out["spark"].err == out["duckdb"].err and out["spark"].err.startswith("600 rows in =")
