"""Engagement definitions, the aggregation units and hidden counts, on hand-computed examples."""

import math

import numpy as np
import pandas as pd
import pytest

from influtiers import config
from influtiers.evidence import influencer_table
from influtiers.metrics import (
    DEFINITIONS,
    EngagementDefinition,
    get_definition,
    post_engagement,
    post_exposure,
    post_rate,
    tier_sum_ratio,
    tier_summary,
)

NAN = float("nan")

# One post with every count and every exposure, computed by hand:
#   likes 40, comments 10, shares 5, saves 5
#   followers 1000, reach 500, impressions 800, views 2000
ONE_POST = pd.DataFrame(
    {
        "account_id": ["a"],
        "followers": [1000.0],
        "reach": [500.0],
        "impressions": [800.0],
        "views": [2000.0],
        "likes": [40.0],
        "comments": [10.0],
        "shares": [5.0],
        "saves": [5.0],
    }
)

# name -> (engagement, exposure, rate), by hand
EXPECTED = {
    "er_followers": (50.0, 1000.0, 0.05),  # (40 + 10) / 1000
    "er_followers_all": (60.0, 1000.0, 0.06),  # (40 + 10 + 5 + 5) / 1000
    "likes_followers": (40.0, 1000.0, 0.04),  # 40 / 1000
    "er_reach": (50.0, 500.0, 0.1),  # 50 / 500
    "er_impressions": (50.0, 800.0, 0.0625),  # 50 / 800
    "er_views": (50.0, 2000.0, 0.025),  # 50 / 2000
    "er_views_all": (55.0, 2000.0, 0.0275),  # (40 + 10 + 5) / 2000
}


def test_every_registered_definition_has_a_hand_computed_case():
    # a new definition must get a hand-computed case here
    assert set(DEFINITIONS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_definition_on_hand_example(name):
    eng, exp_, rate = EXPECTED[name]
    assert post_engagement(ONE_POST, name).tolist() == [pytest.approx(eng)]
    assert post_exposure(ONE_POST, name).tolist() == [pytest.approx(exp_)]
    assert post_rate(ONE_POST, name).tolist() == [pytest.approx(rate)]
    # the definition object works as well as its name
    assert post_rate(ONE_POST, DEFINITIONS[name]).tolist() == [pytest.approx(rate)]


def test_default_definition_is_er_followers():
    assert get_definition().name == "er_followers"
    assert post_rate(ONE_POST).tolist() == [pytest.approx(0.05)]


def test_unknown_definition_name_raises_keyerror_listing_known():
    with pytest.raises(KeyError, match="er_nonsense") as e:
        get_definition("er_nonsense")
    assert "er_followers" in str(e.value)


def test_hidden_counts_stay_missing_never_zero():
    posts = pd.DataFrame(
        {
            "account_id": ["a", "a", "a", "a"],
            "followers": [100.0, 100.0, 100.0, 100.0],
            "likes": [4.0, NAN, 6.0, 0.0],
            "comments": [1.0, 2.0, NAN, 0.0],
            "shares": [1.0, 1.0, 1.0, NAN],
            "saves": [0.0, 0.0, 0.0, 0.0],
        }
    )
    eng = post_engagement(posts)
    # post 1: hidden likes -> no engagement (not 2); post 2: hidden comments -> none (not 6)
    assert eng.iloc[0] == 5.0
    assert eng.iloc[1:3].isna().all()
    assert eng.iloc[3] == 0.0  # a real zero stays zero
    rate = post_rate(posts)
    assert rate.iloc[0] == pytest.approx(0.05)
    assert rate.iloc[1:3].isna().all()
    assert rate.iloc[3] == 0.0
    # a component only one definition uses hides only that definition's value
    all_ = post_rate(posts, "er_followers_all")
    assert all_.iloc[0] == pytest.approx(0.06)  # (4 + 1 + 1 + 0) / 100
    assert all_.iloc[1:].isna().all()


def test_hidden_counts_given_as_none_or_text_are_missing():
    posts = pd.DataFrame(
        {"followers": [100, 100, 100], "likes": [None, "n/a", 10], "comments": [1, 1, 0]}
    )
    assert post_rate(posts).isna().tolist() == [True, True, False]
    assert post_rate(posts).iloc[2] == pytest.approx(0.1)


@pytest.mark.parametrize("bad", [0.0, -5.0, NAN])
def test_nonpositive_or_missing_exposure_gives_missing_rate(bad):
    posts = pd.DataFrame({"followers": [bad, 200.0], "likes": [10.0, 10.0], "comments": [0.0, 0.0]})
    assert np.isnan(post_exposure(posts).iloc[0])
    assert np.isnan(post_rate(posts).iloc[0])  # never inf, never a negative rate
    assert post_rate(posts).iloc[1] == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("name", "absent"),
    [
        ("er_reach", "reach"),
        ("er_impressions", "impressions"),
        ("er_views", "views"),
        ("er_followers_all", "shares"),
        ("er_views_all", "shares"),
    ],
)
def test_definition_needing_absent_column_raises_keyerror_naming_it(name, absent):
    posts = ONE_POST.drop(columns=[absent])
    is_exposure = absent == DEFINITIONS[name].exposure
    # the rate needs every column; engagement only the components, exposure only the exposure
    needers = (post_rate, post_exposure if is_exposure else post_engagement)
    for f in needers:
        with pytest.raises(KeyError, match=absent):
            f(posts, name)
    # the other half does not need the absent column
    other = post_engagement if is_exposure else post_exposure
    assert other(posts, name).notna().all()
    with pytest.raises(KeyError, match=absent):
        influencer_table(posts, name)


def test_labels():
    assert DEFINITIONS["er_followers"].label == "(likes + comments) / followers"
    assert DEFINITIONS["likes_followers"].label == "likes / followers"  # one part: no brackets
    assert DEFINITIONS["er_views_all"].label == "(likes + comments + shares) / views"
    assert (
        DEFINITIONS["er_followers_all"].label == "(likes + comments + shares + saves) / followers"
    )
    assert DEFINITIONS["er_reach"].label == "(likes + comments) / reach"
    custom = EngagementDefinition("x", ("saves",), "impressions")
    assert custom.label == "saves / impressions"
    assert custom.to_dict() == {
        "name": "x",
        "components": ["saves"],
        "exposure": "impressions",
        "label": "saves / impressions",
    }
    assert custom.columns == ("saves", "impressions")


def test_invalid_definitions_are_rejected():
    with pytest.raises(ValueError, match="exposure"):
        EngagementDefinition("bad", exposure="likes")
    with pytest.raises(ValueError, match="component"):
        EngagementDefinition("bad", components=())


# ---------------------------------------------------------------- per influencer
def _influencer_posts() -> pd.DataFrame:
    # influencer a (nano in highsocial-2024: median followers 1000)
    #   post  followers  likes  comments  rate
    #   1     1000       10     0         0.01
    #   2     1000       15     5         0.02
    #   3     1000       40     0         0.04
    #   4     1000       50     0         0.05
    #   5     2000       400    0         0.20
    #   6     1000       NaN    3         hidden likes: no rate (not 0.003)
    #   7     0          30     0         zero exposure: no rate
    # influencer b (micro: followers 50,000), rates 0.01, 0.02, 0.04, 0.09
    rows_a = [
        (1000, 10, 0),
        (1000, 15, 5),
        (1000, 40, 0),
        (1000, 50, 0),
        (2000, 400, 0),
        (1000, NAN, 3),
        (0, 30, 0),
    ]
    rows_b = [(50_000, 500, 0), (50_000, 1000, 0), (50_000, 2000, 0), (50_000, 4500, 0)]
    rows = [("a", *r) for r in rows_a] + [("b", *r) for r in rows_b]
    return pd.DataFrame(rows, columns=["account_id", "followers", "likes", "comments"]).astype(
        {"followers": "float64", "likes": "float64", "comments": "float64"}
    )


def test_influencer_rates_hand_example():
    t = influencer_table(_influencer_posts(), trim=0.2).set_index("account_id")
    a, b = t.loc["a"], t.loc["b"]
    # a: rated posts 1-5 only
    assert a["n_posts"] == 7
    assert a["n_rated"] == 5
    assert a["followers"] == 1000.0  # median of 1000 x5, 2000, 0
    assert a["tier"] == "nano"
    # mean = (0.01 + 0.02 + 0.04 + 0.05 + 0.20) / 5 = 0.32 / 5 = 0.064
    assert a["rate_mean"] == pytest.approx(0.064)
    # median of 0.01, 0.02, 0.04, 0.05, 0.20 = 0.04
    assert a["rate_median"] == pytest.approx(0.04)
    # trim 0.2 of 5 -> cut floor(1.0) = 1 at each end: (0.02 + 0.04 + 0.05) / 3
    assert a["rate_trimmed"] == pytest.approx(0.11 / 3)
    # pooled = (10 + 20 + 40 + 50 + 400) / (4 * 1000 + 2000) = 520 / 6000
    # (the hidden-likes post is out of numerator AND denominator: not 520 / 7000)
    assert a["rated_sum"] == pytest.approx(520.0)
    assert a["exposure_sum"] == pytest.approx(6000.0)
    assert a["rate_sum_ratio"] == pytest.approx(520 / 6000)
    # the hidden post still counts as a post, but its likes are not a 0
    assert a["likes_n"] == 6
    assert a["likes_sum"] == pytest.approx(10 + 15 + 40 + 50 + 400 + 30)

    # b: mean = 0.16 / 4 = 0.04; median (even n) = (0.02 + 0.04) / 2 = 0.03;
    # trim 0.2 of 4 -> cut floor(0.8) = 0: trimmed = mean; pooled = 8000 / 200000 = 0.04
    assert b["tier"] == "micro"
    assert b["n_rated"] == 4
    assert b["rate_mean"] == pytest.approx(0.04)
    assert b["rate_median"] == pytest.approx(0.03)
    assert b["rate_trimmed"] == pytest.approx(0.04)
    assert b["rate_sum_ratio"] == pytest.approx(0.04)

    assert t.attrs["definition"] == "er_followers"
    assert t.attrs["definition_label"] == "(likes + comments) / followers"
    assert t.attrs["trim"] == 0.2


def test_influencer_rates_trim_zero_and_default():
    posts = _influencer_posts()
    t0 = influencer_table(posts, trim=0).set_index("account_id")
    # trim 0: trimmed mean is the mean, and the median is still the median
    assert t0.loc["a", "rate_trimmed"] == pytest.approx(0.064)
    assert t0.loc["a", "rate_median"] == pytest.approx(0.04)
    assert t0.loc["b", "rate_median"] == pytest.approx(0.03)
    # default trim 0.1 of 5 -> floor(0.5) = 0: nothing cut
    td = influencer_table(posts).set_index("account_id")
    assert td.attrs["trim"] == config.TRIM == 0.1
    assert td.loc["a", "rate_trimmed"] == pytest.approx(0.064)


def test_influencer_with_only_hidden_posts_has_no_rate():
    posts = pd.DataFrame(
        {
            "account_id": ["h", "h", "ok"],
            "followers": [500.0, 500.0, 500.0],
            "likes": [NAN, NAN, 5.0],
            "comments": [1.0, 2.0, 0.0],
        }
    )
    t = influencer_table(posts).set_index("account_id")
    assert t.loc["h", "n_rated"] == 0
    for c in ("rate_mean", "rate_median", "rate_trimmed", "rate_sum_ratio"):
        assert math.isnan(t.loc["h", c]), c  # not 0
    assert t.loc["ok", "rate_sum_ratio"] == pytest.approx(0.01)


# ---------------------------------------------------------------- per tier
def _tier_posts() -> pd.DataFrame:
    # highsocial-2024: nano 100-10k, micro 10k-100k; likes are the engagement (comments 0)
    # nano:  n1 followers 1000, likes 50 and 30 (rates 0.05, 0.03 -> mean 0.04)
    #        n2 followers 2000, likes 20 (rate 0.01)
    #        n3 followers 5000, likes 500 (rate 0.10)
    # micro: m1 followers 20000, likes 2000 (rate 0.10)
    #        m2 followers 20000, likes 200 x3 (rate 0.01) + one post with hidden likes
    rows = [
        ("n1", 1000, 50),
        ("n1", 1000, 30),
        ("n2", 2000, 20),
        ("n3", 5000, 500),
        ("m1", 20_000, 2000),
        ("m2", 20_000, 200),
        ("m2", 20_000, 200),
        ("m2", 20_000, 200),
        ("m2", 20_000, NAN),
    ]
    d = pd.DataFrame(rows, columns=["account_id", "followers", "likes"])
    return d.assign(followers=d["followers"].astype(float), comments=0.0)


def test_tier_summary_each_influencer_weighs_once():
    infl = influencer_table(_tier_posts())
    med = tier_summary(infl, "mean", stat="median").set_index("tier")
    # nano influencer means 0.04, 0.01, 0.10 -> median 0.04; micro 0.10, 0.01 -> 0.055
    assert med.loc["nano", "rate"] == pytest.approx(0.04)
    assert med.loc["micro", "rate"] == pytest.approx(0.055)
    assert med.loc["nano", "n_influencers"] == 3
    assert med.loc["micro", "n_influencers"] == 2
    assert med.loc["nano", "n_posts"] == 4  # rated posts
    assert med.loc["micro", "n_posts"] == 4  # the hidden post is not rated
    assert set(med["unit"]) == {"influencer"}
    assert med.loc["nano", "aggregation"] == "median over influencers of per-influencer mean rate"

    mean = tier_summary(infl, "mean", stat="mean").set_index("tier")
    # nano (0.04 + 0.01 + 0.10) / 3 = 0.05; micro (0.10 + 0.01) / 2 = 0.055
    assert mean.loc["nano", "rate"] == pytest.approx(0.05)
    assert mean.loc["micro", "rate"] == pytest.approx(0.055)

    g = tier_summary(infl, "mean", stat="gmean").set_index("tier")
    # nano (0.04 * 0.01 * 0.10) ** (1/3) = (4e-5) ** (1/3); micro sqrt(0.10 * 0.01)
    assert g.loc["nano", "rate"] == pytest.approx(4e-5 ** (1 / 3))
    assert g.loc["micro", "rate"] == pytest.approx(math.sqrt(0.001))

    # per-influencer pooled: n1 = 80 / 2000 = 0.04 as well; a different "how" picks its column
    pooled_infl = tier_summary(infl, "sum_ratio", stat="mean").set_index("tier")
    assert pooled_infl.loc["nano", "rate"] == pytest.approx(0.05)


def test_tier_sum_ratio_posts_weigh_by_size_and_differs_from_influencer_unit():
    out = tier_sum_ratio(influencer_table(_tier_posts())).set_index("tier")
    # nano: (50 + 30 + 20 + 500) / (1000 + 1000 + 2000 + 5000) = 600 / 9000
    assert out.loc["nano", "rate"] == pytest.approx(600 / 9000)
    # micro: (2000 + 3 * 200) / (4 * 20000) = 2600 / 80000 = 0.0325; the post with hidden
    # likes is out of the numerator and the denominator (not 2600 / 100000)
    assert out.loc["micro", "rate"] == pytest.approx(0.0325)
    assert out.loc["nano", "n_posts"] == 4
    assert out.loc["micro", "n_posts"] == 4
    assert set(out["unit"]) == {"post"}
    # the two units disagree on this example: per-influencer median says nano < micro
    # (0.04 < 0.055), pooled over posts says nano > micro (0.0667 > 0.0325)
    summ = tier_summary(influencer_table(_tier_posts()), "mean").set_index("tier")
    assert summ.loc["nano", "rate"] < summ.loc["micro", "rate"]
    assert out.loc["nano", "rate"] > out.loc["micro", "rate"]


def test_tier_sum_ratio_excludes_nonpositive_exposure_and_keeps_empty_tiers_missing():
    posts = _tier_posts()
    extra = pd.DataFrame(
        {"account_id": ["z"], "followers": [0.0], "likes": [10.0], "comments": [0.0]}
    )
    out = tier_sum_ratio(influencer_table(pd.concat([posts, extra], ignore_index=True))).set_index(
        "tier"
    )
    assert out.loc["below", "n_posts"] == 0  # followers 0 is "below", but has no rate
    assert math.isnan(out.loc["below", "rate"])
    assert math.isnan(out.loc["macro", "rate"])  # no posts: missing, not 0
    assert out.loc["nano", "rate"] == pytest.approx(600 / 9000)


def test_tier_summary_rejects_unknown_aggregation_and_stat():
    infl = influencer_table(_tier_posts())
    with pytest.raises(ValueError, match="aggregation"):
        tier_summary(infl, "mode")
    with pytest.raises(ValueError, match="stat"):
        tier_summary(infl, "mean", stat="max")
