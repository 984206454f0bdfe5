"""Posts -> influencer table: hand-computed values, a pandas oracle, input forms, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from influtiers.aggregate import influencer_sql, influencer_table
from influtiers.schema import COUNT_COLUMNS

NAN = float("nan")


def hand_posts() -> pd.DataFrame:
    """Three influencers whose every output value is worked out by hand below."""
    return pd.DataFrame(
        {
            "platform": ["instagram"] * 5 + [None] * 3 + ["youtube"],
            "account_id": ["a"] * 5 + ["b"] * 3 + ["c"],
            "post_id": [f"p{i}" for i in range(9)],
            "followers": [100.0, 100.0, 100.0, 100.0, 200.0, 0.0, 50.0, 50.0, 150_000.0],
            "likes": [10.0, 20.0, NAN, 30.0, 40.0, 5.0, 5.0, 5.0, NAN],
            "comments": [0.0, 2.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, NAN],
            "sponsored": pd.array(
                [True, False, False, True, None, False, False, True, True], dtype="boolean"
            ),
            "cost": [50.0, NAN, NAN, 70.0, NAN, NAN, NAN, NAN, 900.0],
        }
    )


def row(t: pd.DataFrame, account: str, **keys) -> pd.Series:
    m = t["account_id"] == account
    for k, v in keys.items():
        m &= t[k] == v if v is not None else t[k].isna()
    assert m.sum() == 1, (account, keys)
    return t[m].iloc[0]


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    return influencer_table(hand_posts(), trim=0.25)


def test_hand_keys_and_counts(hand):
    assert list(hand["account_id"]) == ["a", "b", "c"]  # sorted by platform, account
    assert list(hand["platform"]) == ["instagram", "unknown", "youtube"]  # missing -> unknown
    a, b, c = (row(hand, x) for x in "abc")
    assert (a.n_posts, b.n_posts, c.n_posts) == (5, 3, 1)
    assert (a.n_sponsored, b.n_sponsored, c.n_sponsored) == (2, 1, 1)  # missing is not sponsored
    assert (a.followers, b.followers, c.followers) == (100.0, 50.0, 150_000.0)  # medians
    assert (a.likes_sum, a.likes_n, a.comments_sum, a.comments_n) == (100.0, 4, 3.0, 5)
    assert (b.likes_sum, b.likes_n) == (15.0, 3)
    # hidden counts stay missing: the sum of only-missing values is NaN, never 0
    assert math.isnan(c.likes_sum) and c.likes_n == 0
    assert (a.cost_sum, a.cost_n, b.cost_n, c.cost_sum) == (120.0, 2, 0, 900.0)
    assert math.isnan(b.cost_sum)


def test_hand_engagement_and_rates(hand):
    a, b, c = (row(hand, x) for x in "abc")
    # a: engagement 10, 22, NaN (hidden likes), 30, 40 over followers 100, 100, -, 100, 200
    assert a.engagement_n == 4
    assert a.engagement_mean == pytest.approx(25.5)
    assert a.engagement_median == pytest.approx(26.0)
    assert a.n_rated == 4
    assert a.engagement_rated_sum == pytest.approx(102.0)
    assert a.exposure_sum == pytest.approx(500.0)
    assert a.rate_mean == pytest.approx((0.1 + 0.22 + 0.3 + 0.2) / 4)
    assert a.rate_median == pytest.approx((0.2 + 0.22) / 2)
    assert a.rate_trimmed == pytest.approx((0.2 + 0.22) / 2)  # floor(0.25 * 4) = 1 cut each end
    assert a.rate_pooled == pytest.approx(102 / 500)
    # b: the zero-follower post has engagement but is not rated (exposure <= 0)
    assert b.engagement_n == 3 and b.n_rated == 2
    assert b.engagement_rated_sum == pytest.approx(12.0)
    assert b.exposure_sum == pytest.approx(100.0)
    assert b.rate_mean == b.rate_median == b.rate_trimmed == pytest.approx(0.12)
    assert b.rate_pooled == pytest.approx(0.12)
    # c: everything hidden -> no engagement, no rate, missing (not 0) sums
    assert c.engagement_n == 0 and c.n_rated == 0
    for col in ("engagement_mean", "engagement_median", "engagement_rated_sum", "exposure_sum"):
        assert math.isnan(c[col]), col
    for col in ("rate_mean", "rate_median", "rate_trimmed", "rate_pooled"):
        assert math.isnan(c[col]), col


def test_absent_optional_columns_are_nan_sums_and_zero_counts(hand):
    for col in ("shares", "saves", "views", "reach", "impressions"):
        assert hand[f"{col}_sum"].isna().all(), col
        assert (hand[f"{col}_n"] == 0).all(), col
        assert hand[f"{col}_n"].dtype == "int64"


def test_output_columns_and_attrs(hand):
    expected = [
        "platform",
        "account_id",
        "n_posts",
        "followers",
        "tier",
        "n_sponsored",
        *[f"{c}{s}" for c in (*COUNT_COLUMNS, "cost") for s in ("_sum", "_n")],
        "engagement_n",
        "engagement_mean",
        "engagement_median",
        "n_rated",
        "engagement_rated_sum",
        "exposure_sum",
        "rate_mean",
        "rate_median",
        "rate_trimmed",
        "rate_pooled",
    ]
    assert list(hand.columns) == expected
    assert hand.attrs["definition"] == "er_followers"
    assert hand.attrs["trim"] == 0.25 and hand.attrs["unit"] == "influencer"
    assert hand.attrs["scheme"] == "highsocial-2024"


def test_tier_column_default_and_platform_specific_scheme():
    posts = hand_posts()
    t = influencer_table(posts)
    assert dict(zip(t["account_id"], t["tier"].astype(str), strict=True)) == {
        "a": "nano",
        "b": "below",  # 50 followers < 100
        "c": "macro",
    }
    assert t["tier"].cat.ordered
    # 150k followers: macro on Instagram, micro on YouTube (macro from 250k there)
    posts.loc[posts.account_id == "a", "followers"] = 150_000.0
    m = influencer_table(posts, scheme="mediakix-by-platform")
    assert row(m, "a").tier == "macro" and row(m, "c").tier == "micro"
    assert row(m, "b").tier == "below"
    assert m.attrs["scheme"] == "mediakix-by-platform"


def test_by_sponsored_grouping():
    t = influencer_table(hand_posts(), by=("sponsored",), trim=0.25)
    assert list(t.columns[:3]) == ["sponsored", "platform", "account_id"]
    a_true = row(t, "a", sponsored=True)
    assert a_true.n_posts == 2 and a_true.n_rated == 2
    assert a_true.rate_mean == pytest.approx((0.1 + 0.3) / 2)
    a_false = row(t, "a", sponsored=False)
    assert (
        a_false.n_posts == 2 and a_false.n_rated == 1 and a_false.rate_mean == pytest.approx(0.22)
    )
    # the post with unknown sponsorship keeps its own group, with its rate
    a_na = row(t, "a", sponsored=None)
    assert a_na.n_posts == 1 and a_na.rate_mean == pytest.approx(0.2)
    assert t["n_posts"].sum() == 9


def test_trimmed_matches_scipy_on_ranks():
    rng = np.random.default_rng(3)
    n = 23
    rates = rng.lognormal(-3, 1, n)
    rates[:4] = rates[4]  # ties at the cut
    posts = pd.DataFrame(
        {"account_id": "x", "followers": 1000.0, "likes": rates * 1000, "comments": 0.0}
    )
    for trim in (0.0, 0.1, 0.2, 0.3, 0.45):
        t = influencer_table(posts, trim=trim)
        assert t.rate_trimmed[0] == pytest.approx(stats.trim_mean(rates, trim), rel=1e-12)


def test_other_definitions():
    posts = hand_posts().assign(views=[200.0, 0.0, 100.0, NAN, 400.0, 10.0, 10.0, 10.0, 5.0])
    t = influencer_table(posts, "er_views")
    a = row(t, "a")
    # rated a posts: (10/200, 30/NaN no, 40/400); 22/0 not rated; NaN engagement not rated
    assert a.n_rated == 2 and a.rate_pooled == pytest.approx(50 / 600)
    assert t.attrs["definition"] == "er_views"
    lk = influencer_table(posts, "likes_followers")
    assert row(lk, "a").engagement_n == 4 and row(lk, "a").engagement_mean == pytest.approx(25.0)


# --- pandas oracle on random data ----------------------------------------------------------


def random_posts(seed: int, n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    acc = rng.integers(0, 120, n)
    fol = np.exp(rng.normal(8, 2, 120)).round()
    fol[:3] = 0.0
    likes = rng.poisson(50, n).astype(float)
    likes[rng.random(n) < 0.1] = np.nan
    comments = rng.poisson(3, n).astype(float)
    comments[rng.random(n) < 0.05] = np.nan
    plat = np.array(["instagram", "tiktok", "youtube"], dtype=object)[acc % 3]
    plat[rng.random(n) < 0.05] = None
    spons = pd.array(rng.random(n) < 0.3, dtype="boolean")
    spons[rng.random(n) < 0.05] = pd.NA
    return pd.DataFrame(
        {
            "platform": plat,
            "account_id": [f"u{i}" for i in acc],
            "post_id": [f"p{i}" for i in range(n)],
            "followers": fol[acc] * rng.uniform(0.98, 1.02, n).round(3),
            "likes": likes,
            "comments": comments,
            "shares": np.where(rng.random(n) < 0.5, rng.poisson(2, n), np.nan),
            "sponsored": spons,
        }
    )


def oracle(posts: pd.DataFrame, trim: float, by=()) -> pd.DataFrame:
    """The influencer table computed the slow, obvious way with pandas."""
    df = posts.copy()
    df["platform"] = df["platform"].astype("string").fillna("unknown")
    df["engagement"] = df["likes"] + df["comments"]
    exposure = df["followers"].where(df["followers"] > 0)
    df["rate"] = df["engagement"] / exposure
    df["is_spons"] = df["sponsored"].fillna(False).astype(int)
    keys = [*by, "platform", "account_id"]
    rows = []
    for k, g in df.groupby(keys, dropna=False, sort=True):
        rated = g[g["rate"].notna()]
        r = dict(zip(keys, k, strict=True))
        r.update(
            n_posts=len(g),
            followers=g["followers"].median(),
            n_sponsored=g["is_spons"].sum(),
            likes_sum=g["likes"].sum(min_count=1),
            likes_n=g["likes"].count(),
            comments_sum=g["comments"].sum(min_count=1),
            comments_n=g["comments"].count(),
            shares_sum=g["shares"].sum(min_count=1),
            shares_n=g["shares"].count(),
            engagement_n=g["engagement"].count(),
            engagement_mean=g["engagement"].mean(),
            engagement_median=g["engagement"].median(),
            n_rated=len(rated),
            engagement_rated_sum=rated["engagement"].sum(min_count=1),
            exposure_sum=rated["followers"].sum(min_count=1),
            rate_mean=rated["rate"].mean(),
            rate_median=rated["rate"].median(),
            rate_trimmed=stats.trim_mean(rated["rate"], trim) if len(rated) else np.nan,
        )
        r["rate_pooled"] = r["engagement_rated_sum"] / r["exposure_sum"]
        rows.append(r)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed,trim,by", [(0, 0.1, ()), (1, 0.2, ()), (2, 0.1, ("sponsored",))])
def test_matches_pandas_oracle(seed, trim, by):
    posts = random_posts(seed)
    got = influencer_table(posts, trim=trim, by=by)
    exp = oracle(posts, trim, by)
    keys = [*by, "platform", "account_id"]
    got = got.sort_values(keys).reset_index(drop=True)
    exp = exp.sort_values(keys).reset_index(drop=True)
    assert len(got) == len(exp)
    for k in keys:
        assert got[k].astype(object).tolist() == exp[k].astype(object).tolist()
    for c in exp.columns.difference(keys):
        np.testing.assert_allclose(
            got[c].to_numpy(float), exp[c].to_numpy(float), rtol=1e-9, equal_nan=True, err_msg=c
        )


# --- input forms ---------------------------------------------------------------------------


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, check_dtype=False)


def test_dataframe_parquet_glob_csv_identical(tmp_path):
    posts = random_posts(5, n=2000)
    ref = influencer_table(posts)
    posts.to_parquet(tmp_path / "one.parquet")
    parts = tmp_path / "parts"
    parts.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(posts)), 4)):
        posts.iloc[chunk].to_parquet(parts / f"part-{i}.parquet")
    posts.to_csv(tmp_path / "posts.csv", index=False)
    assert_same(influencer_table(tmp_path / "one.parquet"), ref)
    assert_same(influencer_table(str(parts / "*.parquet")), ref)
    assert_same(influencer_table(sorted(parts.glob("*.parquet"))), ref)
    assert_same(influencer_table(parts), ref)  # a directory of parts
    assert_same(influencer_table(tmp_path / "posts.csv"), ref)
    import duckdb

    assert_same(influencer_table(duckdb.read_parquet(str(tmp_path / "one.parquet"))), ref)


def test_nan_stored_in_parquet_is_missing(tmp_path):
    # pyarrow from numpy keeps NaN as a value (not null); it must still count as missing
    t = pa.table(
        {
            "account_id": ["a", "a"],
            "followers": np.array([100.0, np.nan]),
            "likes": np.array([np.nan, 5.0]),
            "comments": np.array([1.0, 1.0]),
        }
    )
    assert t["likes"].null_count == 0
    pq.write_table(t, tmp_path / "nan.parquet")
    r = influencer_table(tmp_path / "nan.parquet").iloc[0]
    assert r.likes_n == 1 and r.engagement_n == 1 and r.n_rated == 0
    assert r.followers == 100.0 and math.isnan(r.rate_mean)


def test_threads_and_memory_limit(tmp_path):
    posts = random_posts(6, n=500)
    ref = influencer_table(posts)
    got = influencer_table(
        posts, threads=1, memory_limit="500MB", temp_directory=str(tmp_path / "spill")
    )
    assert_same(got, ref)


def test_hash_partitions_give_the_same_table(tmp_path):
    posts = random_posts(7, n=1500)
    posts.to_parquet(tmp_path / "p.parquet")
    for by in ((), ("sponsored",)):
        ref = influencer_table(posts, by=by)
        got = influencer_table(tmp_path / "p.parquet", by=by, partitions=3, memory_limit="1GB")
        assert_same(got, ref)
    with pytest.raises(ValueError, match="partition"):
        influencer_sql("t", posts.columns, partition=(3, 3))


# --- errors --------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        influencer_table(tmp_path / "nope.parquet")
    with pytest.raises(FileNotFoundError):
        influencer_table(str(tmp_path / "*.parquet"))


def test_unsupported_file_type(tmp_path):
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ValueError, match="Parquet or CSV"):
        influencer_table(tmp_path / "x.json")


def test_definition_needs_missing_column(tmp_path):
    posts = hand_posts()
    with pytest.raises(KeyError, match=r"er_reach.*needs column\(s\) reach"):
        influencer_table(posts, "er_reach")
    posts.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(KeyError, match="needs column"):
        influencer_table(tmp_path / "p.parquet", "er_views")
    with pytest.raises(KeyError, match="followers"):
        influencer_table(posts.drop(columns="followers"))
    with pytest.raises(KeyError, match="grouping"):
        influencer_table(posts, by=("brand",))


def test_bad_arguments():
    posts = hand_posts()
    with pytest.raises(ValueError, match="trim"):
        influencer_table(posts, trim=0.5)
    with pytest.raises(ValueError, match="engine"):
        influencer_table(posts, engine="polars")
    with pytest.raises(ValueError, match="dialect"):
        influencer_sql("t", posts.columns, dialect="oracle")


def test_sql_is_one_statement_for_both_dialects():
    cols = hand_posts().columns
    duck = influencer_sql("t", cols)
    spark = influencer_sql("t", cols, dialect="spark")
    assert duck.count("SELECT") == spark.count("SELECT")
    assert "MEDIAN(" in spark and "`account_id`" in spark and "STRING" in spark
    # one sort per influencer (ranks of the rates) serves the median and the trimmed mean
    assert duck.count("ROW_NUMBER") == 1 and "MEDIAN(rate)" not in duck
