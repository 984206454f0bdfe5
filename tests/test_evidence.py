"""Posts -> evidence: hand-computed values, a pandas oracle, input forms, exactness, errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from influtiers.evidence import build_evidence, evidence_sql, influencer_table
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
    assert a.n_rated == 4
    assert a.rated_sum == pytest.approx(102.0)
    assert a.exposure_sum == pytest.approx(500.0)
    assert a.rate_mean == pytest.approx((0.1 + 0.22 + 0.3 + 0.2) / 4)
    assert a.rate_median == pytest.approx((0.2 + 0.22) / 2)
    assert a.rate_trimmed == pytest.approx((0.2 + 0.22) / 2)  # floor(0.25 * 4) = 1 cut each end
    assert a.rate_sum_ratio == pytest.approx(102 / 500)
    # b: the zero-follower post has engagement but is not rated (exposure <= 0)
    assert b.engagement_n == 3 and b.n_rated == 2
    assert b.rated_sum == pytest.approx(12.0)
    assert b.exposure_sum == pytest.approx(100.0)
    assert b.rate_mean == b.rate_median == b.rate_trimmed == pytest.approx(0.12)
    assert b.rate_sum_ratio == pytest.approx(0.12)
    # c: everything hidden -> no engagement, no rate, missing (not 0) sums
    assert c.engagement_n == 0 and c.n_rated == 0
    for col in ("engagement_mean", "rated_sum", "exposure_sum"):
        assert math.isnan(c[col]), col
    for col in ("rate_mean", "rate_median", "rate_trimmed", "rate_sum_ratio"):
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
        "followers_varies",
        "n_sponsored",
        *[f"{c}{s}" for c in COUNT_COLUMNS for s in ("_sum", "_n")],
        "cost_sum",
        "cost_n",
        "cost_other_n",
        "cost_over_10000_n",
        *[
            f"{e}_priced_{s}"
            for e in ("followers", "reach", "impressions", "views")
            for s in ("sum", "n")
        ],
        "engagement_n",
        "engagement_sum",
        "engagement_sq_sum",
        "n_rated",
        "rated_sum",
        "exposure_sum",
        "rate_mean",
        "rate_median",
        "rate_trimmed",
        "engagement_mean",
        "rate_sum_ratio",
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
    # a post with unknown sponsorship is in neither group (it stays in the influencer table)
    assert t["sponsored"].notna().all()
    assert t["n_posts"].sum() == 8


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
    assert a.n_rated == 2 and a.rate_sum_ratio == pytest.approx(50 / 600)
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
    # an influencer's followers: the median over all its posts (also in rows split by a flag)
    fol = df.groupby(["platform", "account_id"])["followers"].median()
    for b in by:  # posts without the flag are in no group of it
        df = df[df[b].notna()]
    rows = []
    for k, g in df.groupby(keys, dropna=False, sort=True):
        rated = g[g["rate"].notna()]
        r = dict(zip(keys, k, strict=True))
        r.update(
            n_posts=len(g),
            followers=fol[(r["platform"], r["account_id"])],
            n_sponsored=g["is_spons"].sum(),
            likes_sum=g["likes"].sum(min_count=1),
            likes_n=g["likes"].count(),
            comments_sum=g["comments"].sum(min_count=1),
            comments_n=g["comments"].count(),
            shares_sum=g["shares"].sum(min_count=1),
            shares_n=g["shares"].count(),
            engagement_n=g["engagement"].count(),
            engagement_mean=g["engagement"].mean(),
            n_rated=len(rated),
            rated_sum=rated["engagement"].sum(min_count=1),
            exposure_sum=rated["followers"].sum(min_count=1),
            rate_mean=rated["rate"].mean(),
            rate_median=rated["rate"].median(),
            rate_trimmed=stats.trim_mean(rated["rate"], trim) if len(rated) else np.nan,
        )
        r["rate_sum_ratio"] = r["rated_sum"] / r["exposure_sum"]
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


def test_loaded_parquet_and_csv_equal_the_validated_frame(tmp_path):
    from influtiers.load import load

    posts = random_posts(5, n=2000)
    posts.to_parquet(tmp_path / "one.parquet")
    posts.to_csv(tmp_path / "posts.csv", index=False)
    with load(posts) as ds:
        ref = build_evidence(ds).table()
    for path in (tmp_path / "one.parquet", tmp_path / "posts.csv"):
        with load(path) as ds:
            assert_same(build_evidence(ds).table(), ref)


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
    import duckdb

    con = duckdb.connect()
    sql = evidence_sql(f"read_parquet('{tmp_path / 'nan.parquet'}')", t.column_names)
    r = con.sql(sql).df().iloc[0]
    assert r["likes_n"] == 1 and r["er_followers:engagement_n"] == 1
    assert r["er_followers:n_rated"] == 0 and math.isnan(r["er_followers:rate_mean"])
    assert r["followers_min"] == r["followers_max"] == 100.0


def test_hash_partitions_give_the_same_evidence():
    posts = random_posts(7, n=1500)
    ref = build_evidence(posts)
    got = build_evidence(posts, partitions=3)
    assert_same(got.influencers, ref.influencers)
    assert_same(got.by_sponsored, ref.by_sponsored)
    with pytest.raises(ValueError, match="partition"):
        evidence_sql("t", posts.columns, partition=(3, 3))


def test_auto_partitions_follow_the_accepted_posts(monkeypatch):
    """One hash partition per ``config.PARTITION_ROWS`` accepted posts (DuckDB), and the
    partitioned evidence is the evidence."""
    from influtiers import config
    from influtiers.evidence.build import auto_partitions
    from influtiers.load import load

    with load("demo") as ds:
        ref = build_evidence(ds)
        assert auto_partitions(ds) == 1
        monkeypatch.setattr(config, "PARTITION_ROWS", 10_000)
        assert auto_partitions(ds) == math.ceil(ds.report.accepted / 10_000) > 2
        # more rank statistics per influencer (medians, trimmed means): more partitions
        assert auto_partitions(ds, 6) == math.ceil(3 * ds.report.accepted / 10_000)
        got = build_evidence(ds)
    assert_same(got.influencers, ref.influencers)
    assert_same(got.by_sponsored, ref.by_sponsored)


def test_ranked_definitions_only_get_medians():
    posts = random_posts(8, n=800)
    full = build_evidence(posts)
    part = build_evidence(posts, ranked=["er_followers"])
    assert part.ranked == ["er_followers"] and full.ranked == full.definitions
    pd.testing.assert_frame_equal(part.table("er_followers"), full.table("er_followers"))
    other = [d for d in full.definitions if d != "er_followers"]
    assert other  # the random posts allow more than one definition
    for d in other:
        t = part.table(d)
        assert "rate_median" not in t and "rate_trimmed" not in t
        ref = full.table(d).drop(columns=["rate_median", "rate_trimmed"])
        pd.testing.assert_frame_equal(t, ref)
    # the sponsored split too
    pd.testing.assert_frame_equal(
        part.table("er_followers", by_sponsored=True),
        full.table("er_followers", by_sponsored=True),
    )
    # a ranked definition that is not trimmed gets MEDIAN: the same medians, no trimmed mean
    med = build_evidence(posts, ranked=["er_followers"], trimmed=[])
    assert med.trimmed == []
    for kw in ({}, {"by_sponsored": True}):
        t, ref = med.table("er_followers", **kw), full.table("er_followers", **kw)
        assert "rate_trimmed" not in t
        assert_same(t, ref.drop(columns="rate_trimmed"))
    with pytest.raises(ValueError, match="trimmed"):
        evidence_sql("t", posts.columns, ranked=["er_followers"], trimmed=["likes_followers"])


def test_claims_read_only_their_ranked_definitions():
    """The ledger of `influtiers claims` (evidence ranked for the claims' definitions only)
    equals the ledger on the full evidence."""
    from influtiers.analysis import analyse
    from influtiers.claims import ranked_definitions

    assert ranked_definitions() == ["er_followers", "likes_followers"]
    assert ranked_definitions(available=["likes_followers", "er_views"]) == ["likes_followers"]
    assert ranked_definitions(available=["er_followers", "likes_followers"]) == ["er_followers"]
    assert ranked_definitions("er_views") == ["er_views"]
    posts = random_posts(9, n=3000)
    ids = ["C02", "C04", "C05", "C14"]
    full = analyse(posts, claims=ids, n_resamples=200)
    part = analyse(posts, claims=ids, n_resamples=200, ranked="claims")
    assert part.evidence.ranked == ["er_followers"] and part.evidence.trimmed == []
    pd.testing.assert_frame_equal(part.ledger, full.ledger)


# --- errors --------------------------------------------------------------------------------


def test_definition_needs_missing_column(tmp_path):
    posts = hand_posts()
    with pytest.raises(KeyError, match=r"er_reach.*needs column\(s\) reach"):
        influencer_table(posts, "er_reach")
    with pytest.raises(KeyError, match="followers"):
        influencer_table(posts.drop(columns="followers"))
    with pytest.raises(KeyError, match="grouping"):
        evidence_sql("t", posts.columns, by=("brand",))
    # the evidence of every available definition; another one is not testable
    from influtiers.errors import NotTestable

    with pytest.raises(NotTestable, match="er_views"):
        build_evidence(posts).table("er_views")


def test_bad_arguments():
    posts = hand_posts()
    with pytest.raises(ValueError, match="trim"):
        influencer_table(posts, trim=0.5)
    with pytest.raises(ValueError, match="dialect"):
        evidence_sql("t", posts.columns, dialect="oracle")


def test_sql_is_one_statement_for_both_dialects():
    cols = hand_posts().columns
    duck = evidence_sql("t", cols, ["er_followers"])
    spark = evidence_sql("t", cols, ["er_followers"], dialect="spark")
    assert duck.count("SELECT") == spark.count("SELECT")
    assert "`account_id`" in spark and "STRING" in spark
    # one sorted list of rates per influencer and definition serves the median and the
    # trimmed mean (no window); MEDIAN only for the followers, and for a ranked definition
    # without a trimmed mean
    assert duck.count("list_sort(") == 1 and "array_sort(" in spark
    assert duck.count("MEDIAN(") == 1 and "OVER (" not in duck
    lean = evidence_sql("t", cols, ["er_followers"], trimmed=[], followers=False)
    assert "list_sort(" not in lean and lean.count("MEDIAN(") == 1


# --- exactness: post-level Poisson models = influencer-level models on the sums ----------


def post_level_cv3(X, y, mu, groups):
    """CV3 computed on posts: one-step leave-one-influencer-out over the cluster scores."""
    codes, _ = pd.factorize(groups)
    G = codes.max() + 1
    r = y - mu
    U = np.zeros((G, X.shape[1]))
    np.add.at(U, codes, X * r[:, None])
    Ag = np.zeros((G, X.shape[1], X.shape[1]))
    np.add.at(Ag, codes, np.einsum("ni,nj->nij", X * mu[:, None], X))
    A = Ag.sum(axis=0)
    d = np.linalg.solve(A[None] - Ag, U[:, :, None])[:, :, 0]
    return (G - 1) / G * d.T @ d


@pytest.fixture(scope="module")
def sim_posts():
    from influtiers.stats.simulate import simulate_posts

    posts, _ = simulate_posts(
        tiers={"micro": 40, "macro": 30}, tier_ratio={"micro": 1.4}, elasticity=-0.2, seed=3
    )
    return posts


def test_rate_model_post_level_equals_influencer_level(sim_posts):
    """Tier rate ratio: post-level GLM (offset log exposure, clustered, no correction) vs the
    influencer-level GLM on the sums (HC0), and the CV3 jackknife at both levels: 1e-8."""
    import statsmodels.api as sm

    from influtiers.stats.glm import poisson_fit

    posts = sim_posts
    t = influencer_table(posts)
    tier = dict(zip(t["account_id"], t["tier"].astype(str), strict=True))
    y = (posts["likes"] + posts["comments"]).to_numpy(float)
    is_micro = (posts["account_id"].map(tier) == "micro").to_numpy(float)
    X = np.column_stack([np.ones(len(y)), is_micro])
    off = np.log(posts["followers"].to_numpy(float))
    post = sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(posts["account_id"])[0], "use_correction": False},
    )
    Xi = np.column_stack([np.ones(len(t)), (t["tier"] == "micro").to_numpy(float)])
    inf = poisson_fit(t["rated_sum"].to_numpy(), Xi, np.log(t["exposure_sum"].to_numpy()))
    np.testing.assert_allclose(inf.params, post.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(inf.cov_hc0)), post.bse, rtol=1e-8)
    cv3_post = post_level_cv3(X, y, np.asarray(post.fittedvalues), posts["account_id"])
    np.testing.assert_allclose(inf.cov_cv3, cv3_post, rtol=1e-8, atol=1e-14)


def test_engagement_model_post_level_equals_influencer_level(sim_posts):
    """PPML of engagement per post on log followers (no post offset) vs the influencer model
    of summed engagement with offset log(posts): 1e-8."""
    import statsmodels.api as sm

    from influtiers.stats.glm import poisson_fit

    posts = sim_posts
    t = influencer_table(posts)
    y = (posts["likes"] + posts["comments"]).to_numpy(float)
    lf = np.log(posts["followers"].to_numpy(float))
    X = np.column_stack([np.ones(len(y)), lf, lf**2])
    post = sm.GLM(y, X, family=sm.families.Poisson()).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(posts["account_id"])[0], "use_correction": False},
    )
    li = np.log(t["followers"].to_numpy(float))
    Xi = np.column_stack([np.ones(len(t)), li, li**2])
    inf = poisson_fit(t["engagement_sum"].to_numpy(), Xi, np.log(t["engagement_n"].to_numpy()))
    np.testing.assert_allclose(inf.params, post.params, rtol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(inf.cov_hc0)), post.bse, rtol=1e-8)
    cv3_post = post_level_cv3(X, y, np.asarray(post.fittedvalues), posts["account_id"])
    np.testing.assert_allclose(inf.cov_cv3, cv3_post, rtol=1e-8)


@pytest.mark.parametrize("alpha_nb", [0.0, 0.7])
def test_cv3_closed_form_equals_the_stacked_solves(alpha_nb):
    """The O(G k) CV3 (Sherman-Morrison) equals the G stacked leave-one-out solves, for
    Poisson and NB2 weights and a design with platform dummies; a leverage-1 observation
    (one influencer alone in its dummy) falls back to the solves and their error."""
    from influtiers.stats.glm import cv3_cov, cv3_cov_stacked

    rng = np.random.default_rng(11)
    G = 400
    plat = rng.integers(0, 3, G)
    X = np.column_stack(
        [np.ones(G), rng.integers(0, 2, G), rng.normal(size=G), plat == 1, plat == 2]
    ).astype(float)
    mu = np.exp(X @ np.array([1.0, 0.3, -0.2, 0.1, 0.4]) + rng.normal(0, 0.3, G))
    y = rng.poisson(mu).astype(float)
    np.testing.assert_allclose(
        cv3_cov(X, y, mu, alpha_nb), cv3_cov_stacked(X, y, mu, alpha_nb), rtol=1e-9
    )
    X1 = np.column_stack([X, np.r_[1.0, np.zeros(G - 1)]])  # leverage 1 for influencer 0
    with pytest.raises(np.linalg.LinAlgError):
        cv3_cov(X1, y, mu, alpha_nb)


@pytest.mark.parametrize("alpha_nb", [0.0, 0.5])
@pytest.mark.parametrize("design", ["tiers+platforms", "curve"])
def test_lean_fit_equals_statsmodels(design, alpha_nb):
    """The O(n k)-memory IRLS that large fits use gives statsmodels' estimates (1e-7), for
    dummies with an offset and for a quadratic in log followers with no offset."""
    from influtiers.stats.glm import lean_fit, sm_fit

    rng = np.random.default_rng(5)
    n = 3000
    if design == "curve":
        lf = rng.uniform(np.log(1e3), np.log(1e7), n)
        X = np.column_stack([np.ones(n), lf, lf**2])
        off = np.log(rng.integers(1, 30, n).astype(float))
        beta = np.array([-4.0, 1.2, -0.03])
    else:
        plat = rng.integers(0, 3, n)
        X = np.column_stack([np.ones(n), rng.integers(0, 2, n), plat == 1, plat == 2])
        X = X.astype(float)
        off = np.log(rng.uniform(1e3, 1e6, n))
        beta = np.array([-3.5, 0.3, -0.2, 0.5])
    mu = np.exp(X @ beta + off) * rng.lognormal(0, 0.6, n)
    y = rng.poisson(mu).astype(float)
    b_sm, mu_sm = sm_fit(y, X, off, alpha_nb)
    b_lean, mu_lean = lean_fit(y, X, off, alpha_nb)
    np.testing.assert_allclose(b_lean, b_sm, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(mu_lean, mu_sm, rtol=1e-7)


def test_partitioned_evidence_survives_parquet_exactly(tmp_path):
    """The evidence assembled from three hash partitions (sorted, cast column by column)
    comes back from Parquet with the same order, dtypes and values, every table."""
    from influtiers.evidence import Evidence

    with load_demo() as ds:
        ev = build_evidence(ds, partitions=3)
    ev.write(tmp_path / "ev")
    assert_same_tables(Evidence.read(tmp_path / "ev"), ev)


def assert_same_tables(got, ref) -> None:
    """Every evidence table of ``got`` equals ``ref``'s: order, dtypes and values."""
    from influtiers.evidence.tables import TABLES

    for name in TABLES:
        a, b = getattr(got, name), getattr(ref, name)
        assert (a is None) == (b is None), name
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_streamed_evidence_equals_the_evidence_built_in_memory(tmp_path):
    """``out=`` streams three hash partitions into Parquet (sorted within each partition
    only); read back, every table, every dtype and every definition's table equal the
    evidence built in memory."""
    from influtiers.evidence import Evidence
    from influtiers.evidence.tables import TABLES

    with load_demo() as ds:
        ref = build_evidence(ds, partitions=3)
        got = build_evidence(ds, partitions=3, out=tmp_path / "ev")
    assert got.store is not None and got.meta == ref.meta
    assert sorted(p.name for p in (tmp_path / "ev").iterdir()) == sorted(
        [f"{n}.parquet" for n in TABLES if getattr(ref, n) is not None] + ["meta.json"]
    )
    # the streamed file is not sorted across partitions: the reader sorts it
    keys = pq.read_table(tmp_path / "ev" / "influencers.parquet", columns=["account_id"])
    ids = keys.column("account_id").to_pylist()
    assert ids != sorted(ids)
    for d in ref.definitions:
        for kw in (
            {},
            {"sponsored": True},
            {"sponsored": False},
            {"by_sponsored": True},
            {"platform": "tiktok"},
        ):
            pd.testing.assert_frame_equal(got.table(d, **kw), ref.table(d, **kw), check_exact=True)
    assert_same_tables(Evidence.read(tmp_path / "ev"), ref)


def test_read_evidence_loads_only_the_columns_used(tmp_path):
    from influtiers.evidence import Evidence

    with load_demo() as ds:
        ref = build_evidence(ds)
    ref.write(tmp_path / "ev")
    ev = Evidence.read(tmp_path / "ev")
    assert all(t is None for t in ev.tables.values())
    assert ev.num_rows("influencers") == len(ref.influencers)  # from the file's footer
    assert ev.has("sponsored") and all(t is None for t in ev.tables.values())
    assert ev.platforms == ref.platforms
    assert list(ev.tables["influencers"].columns) == ["platform"]
    # one flag's rows are read alone while the whole flag table is not held
    flagged = ev.table("er_followers", sponsored=True)
    assert ev.tables["by_sponsored"] is None and ev.tables[("by_sponsored", True)] is not None
    pd.testing.assert_frame_equal(flagged, ref.table("er_followers", sponsored=True))
    ev.unload("by_sponsored")
    assert ev.tables[("by_sponsored", True)] is None
    ev.table("er_followers")
    held = set(ev.tables["influencers"].columns)
    assert {c for c in held if ":" in c} == {
        c for c in ref.influencers.columns if c.startswith("er_followers:")
    }
    assert ev.tables["by_sponsored"] is None
    # writing a partly read evidence elsewhere copies every column
    ev.write(tmp_path / "copy")
    pd.testing.assert_frame_equal(Evidence.read(tmp_path / "copy").influencers, ref.influencers)
    ev.unload()
    assert all(t is None for t in ev.tables.values())
    pd.testing.assert_frame_equal(ev.influencers, ref.influencers, check_exact=True)


def test_streamed_evidence_is_complete_or_absent(tmp_path, monkeypatch):
    """An error in the middle of the stream leaves no half-written table."""
    from influtiers.evidence import build as build_mod

    calls = []

    def failing(out, influencers=None):
        calls.append(1)
        if len(calls) == 3:  # the second partition, after the first one was written
            raise RuntimeError("stop")
        return with_followers(out, influencers)

    with_followers = build_mod.with_followers
    monkeypatch.setattr(build_mod, "with_followers", failing)
    with load_demo() as ds, pytest.raises(RuntimeError, match="stop"):
        build_evidence(ds, partitions=2, out=tmp_path / "ev")
    assert not any(p.suffix == ".parquet" for p in (tmp_path / "ev").iterdir())
    assert not any((tmp_path / "ev").glob(".*.tmp"))


def load_demo():
    from influtiers.load import load

    return load("demo")


def test_evidence_round_trip(tmp_path, sim_posts):
    from influtiers.evidence import Evidence

    ev = build_evidence(sim_posts)
    ev.write(tmp_path / "ev")
    back = Evidence.read(tmp_path / "ev")
    assert back.meta == ev.meta
    assert_same(back.influencers, ev.influencers)
    assert_same(back.table(), ev.table())
    # deterministic bytes: two writes are identical
    ev.write(tmp_path / "ev2")
    for name in ("influencers.parquet", "by_sponsored.parquet", "meta.json"):
        assert (tmp_path / "ev" / name).read_bytes() == (tmp_path / "ev2" / name).read_bytes()


def split_posts(seed: int, constant_followers: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 1500
    posts = pd.DataFrame(
        {
            "platform": rng.choice(["instagram", "tiktok", None], n),
            "account_id": rng.choice([f"a{i}" for i in range(120)], n),
            "followers": rng.choice([1e3, 1e4, 5e4, np.nan], n, p=[0.3, 0.3, 0.3, 0.1]),
            "likes": np.where(rng.random(n) < 0.1, np.nan, rng.integers(0, 100, n)),
            "comments": rng.integers(0, 10, n).astype(float),
            "views": rng.random(n) * 1e4,
            "sponsored": pd.array(rng.choice([True, False, None], n), dtype="boolean"),
            "cost": np.where(rng.random(n) < 0.5, np.nan, rng.random(n) * 100),
        }
    )
    if constant_followers:
        posts["followers"] = posts.groupby("account_id")["followers"].transform("first")
    return posts


@pytest.mark.parametrize("constant_followers", [False, True])
@pytest.mark.parametrize("partitions", [1, 3])
def test_split_pass_equals_one_statement_per_table(constant_followers, partitions):
    """The flag-grouped sums added up, plus the ranks pass, give the tables one statement
    each gives (missing flags count for the influencer, not as a flag row); sums of
    non-integer values may differ in the last bits only."""
    import duckdb

    from influtiers.evidence.build import with_followers
    from influtiers.evidence.tables import assemble

    posts = split_posts(7, constant_followers)
    ev = build_evidence(posts, ranked=["er_followers", "er_views"], trimmed=["er_views"],
                        partitions=partitions)  # fmt: skip
    con = duckdb.connect()
    con.register("t", posts)
    kw = {"ranked": ["er_followers", "er_views"], "trimmed": ["er_views"]}

    def one(**more):
        out = con.sql(evidence_sql("t", list(posts.columns), **kw, **more)).arrow()
        return out.read_all() if hasattr(out, "read_all") else out

    inf = with_followers(assemble([one()]))
    flags = with_followers(assemble([one(by=("sponsored",), followers=False)], ("sponsored",)), inf)
    got = ev.tables["influencers"]
    assert list(got.columns) == list(inf.columns) and got.dtypes.equals(inf.dtypes)
    pd.testing.assert_frame_equal(got, inf, check_exact=False, rtol=1e-13)
    pd.testing.assert_frame_equal(ev.tables["by_sponsored"], flags)
    counts = [c for c in inf.columns if c.endswith(("_n", "n_rated", "n_posts", "n_sponsored"))]
    pd.testing.assert_frame_equal(got[counts], inf[counts])  # counts add up exactly
    assert (got["followers_varies"] == 1).any() != constant_followers


def test_add_up_and_in_order():
    from influtiers.evidence.build import add_up
    from influtiers.evidence.tables import in_order

    starts = np.array([0, 2, 3])
    x = pa.array([1.5, None, None, 2.0, None])
    assert add_up(x, starts).to_pylist() == [1.5, None, 2.0]  # a run of missing: missing
    assert add_up(pa.array([3, 4, 5, 6, 7]), starts).to_pylist() == [7, 5, 13]
    assert add_up(pa.array([3.0, 1.0, 9.0, None, 4.0]), starts, np.fmin).to_pylist() == [1, 9, 4]
    t = pa.table({"k": ["a", "a", "b", "b"], "j": ["x", "y", "a", "a"]})
    assert in_order(t, ["k", "j"]) and not in_order(t, ["j"])
    assert not in_order(pa.table({"k": ["b", "a"]}), ["k"])
    assert not in_order(pa.table({"k": ["a", None]}), ["k"])  # a missing key: sort to know
    assert in_order(pa.table({"k": ["a"]}), ["k"]) and in_order(t.slice(0, 0), ["k"])


def test_split_pass_with_empty_partitions_and_no_posts():
    """More hash partitions than influencers leaves some empty; no posts at all gives
    empty tables with the columns and dtypes of the others."""
    posts = split_posts(3, constant_followers=False).head(40)
    one, many = build_evidence(posts), build_evidence(posts, partitions=16)
    assert_same(many.influencers, one.influencers)
    assert_same(many.by_sponsored, one.by_sponsored)
    none = build_evidence(posts.iloc[:0])
    for name in ("influencers", "by_sponsored"):
        t, ref = none.tables[name], one.tables[name]
        assert t.empty and list(t.columns) == list(ref.columns)
        assert t.dtypes.astype(str).tolist() == ref.dtypes.astype(str).tolist()


def test_split_pass_missing_keys_spark_like_rows_and_nothing_to_rank():
    """A missing account id is a group of its own, as in one statement per table; rows
    that arrive as pandas frames with untyped (all-missing or empty) columns, as Spark's
    do, add up the same; with nothing to rank the second statement is not run."""
    import duckdb

    from influtiers.evidence import build
    from influtiers.evidence.sql import available_definitions

    posts = split_posts(5, constant_followers=True).head(60)
    posts.loc[[3, 7], "account_id"] = None
    con = duckdb.connect()
    con.register("t", posts)
    cols = list(posts.columns)
    defs = available_definitions(cols)
    sent: list[str] = []

    def arrow(sql):
        out = con.sql(sql).arrow()
        return out.read_all() if hasattr(out, "read_all") else out

    def spark_like(sql):  # spark_runner's shape: Python rows in a pandas frame
        sent.append(sql)
        rel = con.sql(sql)
        return pd.DataFrame(rel.fetchall(), columns=rel.columns)

    def statement(p, ranked=defs, **kw):
        return evidence_sql("t", cols, defs, ranked=ranked, trimmed=[], partition=p, **kw)

    def one(**kw):
        return arrow(evidence_sql("t", cols, defs, trimmed=[], **kw))

    ref = build.with_followers(build.assemble([one()]))
    for run in (arrow, spark_like):
        inf, flags = build.split_pass(run, statement, None)
        got = build.with_followers(build.assemble([inf]))
        assert got["account_id"].isna().sum() == ref["account_id"].isna().sum() > 0
        assert_same(got, ref)
    # an empty partition through the Spark-like route (every column untyped)
    inf, flags = build.split_pass(
        spark_like, lambda p, **kw: statement((0, 1), **kw) + " LIMIT 0", None
    )
    assert inf.num_rows == 0 and flags.num_rows == 0
    # constant followers and no ranked definition: one statement only
    sent.clear()
    inf, _ = build.split_pass(spark_like, lambda p, **kw: statement(p, ranked=[], **kw), None)
    assert len(sent) == 1 and inf.num_rows == len(ref)
    lean = build.with_followers(build.assemble([inf]))
    assert_same(
        lean[["account_id", "followers", "n_posts"]], ref[["account_id", "followers", "n_posts"]]
    )
