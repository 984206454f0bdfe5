import json

import numpy as np
import pytest

from influtiers.evidence import influencer_table
from influtiers.stats import InsufficientData, elasticity, inverted_u, tier_trend
from influtiers.stats.simulate import fast_rates, simulate_posts


def test_elasticity_recovers_slope_and_ols_agrees():
    posts, truth = simulate_posts(400, elasticity=-0.4, seed=1)
    r = elasticity(influencer_table(posts))
    assert r.ci_low < truth["engagement_slope"] < r.ci_high
    assert r.verdict == "supported"
    assert r.details["rate_elasticity"] == pytest.approx(r.estimate - 1)
    lo, hi = r.details["ols"]["ci"]
    assert lo < truth["engagement_slope"] < hi
    r2 = elasticity(fast_rates(posts))  # the same sums, computed another way
    assert r2.unit == "influencer" and r2.estimate == pytest.approx(r.estimate, rel=1e-9)
    json.dumps(r.to_dict())
    posts, _ = simulate_posts(400, elasticity=0.3, seed=2)
    assert elasticity(influencer_table(posts)).verdict == "contradicted"


# 300 replicates: MC SE of a 95% coverage = 1.26 pp; band 95% +- 3 SE.
@pytest.mark.slow
def test_elasticity_coverage():
    hits = []
    for i in range(300):
        posts, truth = simulate_posts(
            150, elasticity=-0.3, posts_per_influencer=(5, 15), price_per_follower=None, seed=i
        )
        r = elasticity(fast_rates(posts))
        hits.append(r.ci_low <= truth["engagement_slope"] <= r.ci_high)
    assert 0.912 <= np.mean(hits) <= 0.988, np.mean(hits)


@pytest.mark.slow
def test_lind_mehlum_finds_planted_inverted_u_and_rarely_a_false_one():
    found, false = [], []
    for i in range(100):
        posts, truth = simulate_posts(
            200, elasticity=-0.5, quadratic=-0.2, price_per_follower=None, seed=i
        )
        r = inverted_u(fast_rates(posts))
        found.append(r.verdict == "inverted-u")
        if i < 10:
            f_lo, f_hi = r.details["fieller"]
            assert r.ci_low < truth["engagement_turning_followers"] * 3
            assert f_lo < f_hi
    for i in range(200):
        posts, _ = simulate_posts(200, elasticity=-0.5, price_per_follower=None, seed=1000 + i)
        false.append(inverted_u(fast_rates(posts)).verdict == "inverted-u")
    assert np.mean(found) >= 0.9
    # monotone truth: LM size is at most alpha (here far below); MC SE(0.05) = 1.5 pp at 200
    assert np.mean(false) <= 0.05


def test_inverted_u_variants():
    posts, truth = simulate_posts(300, elasticity=-0.5, quadratic=-0.2, seed=4)
    t = influencer_table(posts)
    for kw in ({"method": "ols"}, {"method": "ppml"}):
        r = inverted_u(t, **kw)
        assert r.verdict == "inverted-u", kw
        assert r.ci_low < truth["engagement_turning_followers"] < r.ci_high
    mono, _ = simulate_posts(300, elasticity=-0.2, seed=5)
    assert inverted_u(influencer_table(mono)).verdict == "monotone"
    r = inverted_u(t, response="rate")
    assert r.details["response"] == "rate"


def test_tier_trend():
    posts, _ = simulate_posts(
        tiers={"nano": 60, "micro": 60, "macro": 60, "mega": 5},
        tier_ratio={"nano": 2.0, "micro": 1.4},
        seed=8,
    )
    t = influencer_table(posts)
    r = tier_trend(t)
    assert r.verdict == "supported" and r.estimate < 0 and r.ci_high < 0
    assert r.details["order"] == ["nano", "micro", "macro"]
    assert any("'mega' dropped" in f for f in r.flags)
    assert all(p["p_adj"] >= p["p_raw"] for p in r.details["pairs"])
    rk = tier_trend(t, method="kendall", pairwise="welch-log", adjust="fdr_bh")
    assert rk.verdict == "supported"
    flat, _ = simulate_posts(tiers={"nano": 60, "micro": 60}, seed=9)
    assert tier_trend(influencer_table(flat)).verdict == "inconclusive"
    with pytest.raises(InsufficientData):
        tier_trend(t, order=["nano", "mega"])
    json.dumps(r.to_dict())
