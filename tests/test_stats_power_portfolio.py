import json

import numpy as np
import pytest
from statsmodels.stats.power import TTestIndPower

from influtiers.evidence import influencer_table
from influtiers.stats import (
    minimum_detectable_lift,
    portfolio_risk,
    simulate_ab_power,
    simulate_posts,
)


def test_minimum_detectable_lift_inverts_power():
    lift = minimum_detectable_lift(30, sd_log=0.5)
    d = np.log(lift) / 0.5
    assert TTestIndPower().power(d, nobs1=30, alpha=0.05) == pytest.approx(0.8, abs=1e-4)
    assert minimum_detectable_lift(120, sd_log=0.5) < lift
    assert minimum_detectable_lift(30, sd_log=0.5, design="paired") < lift


def test_simulated_power_matches_analytic_and_rises():
    # Poisson posts with large counts: log influencer rates have SD ~ sd_log
    lift = minimum_detectable_lift(40, sd_log=0.5)
    r = simulate_ab_power(80, lift, sd_log=0.5, overdispersion=0.0, n_sims=2000, seed=1)
    assert abs(r.estimate - 0.8) < 3 * r.details["mc_se"] + 0.02
    null = simulate_ab_power(40, 1.0, n_sims=2000, seed=2)
    assert abs(null.estimate - 0.05) < 3 * np.sqrt(0.05 * 0.95 / 2000)
    p = [simulate_ab_power(n, 1.3, n_sims=1000, seed=3).estimate for n in (10, 40, 160)]
    assert p[0] < p[1] < p[2]
    paired = simulate_ab_power(40, 1.3, design="paired", n_sims=1000, seed=3)
    assert paired.estimate > p[1]
    again = simulate_ab_power(40, 1.3, design="paired", n_sims=1000, seed=3)
    assert again.estimate == paired.estimate
    json.dumps(paired.to_dict())


def test_portfolio_risk():
    posts, _ = simulate_posts(tiers={"micro": 200, "macro": 60}, seed=1)
    t = influencer_table(posts)
    r = portfolio_risk(t, 20_000, target=20_000, n_sims=4000, seed=1)
    tab = r.table.set_index("tier")
    assert tab.loc["micro", "cv"] < tab.loc["macro", "cv"]
    assert (tab["mean_spend"] <= 20_000).all()
    assert tab.loc["micro", "mean_n_influencers"] > tab.loc["macro", "mean_n_influencers"]
    r2 = portfolio_risk(t, 20_000, target=20_000, n_sims=4000, seed=1)
    assert r2.table.equals(r.table)
    one = portfolio_risk(t, 20_000, n_macro=1, n_sims=2000, seed=2)
    assert one.table.loc[0, "mean_n_influencers"] == 1
    assert 0 <= one.table.loc[0, "p_below_target"] <= 1
    # the record round-trips (the run directory stores it as JSON)
    from influtiers.stats import PortfolioResult

    back = PortfolioResult.from_dict(json.loads(json.dumps(one.to_dict())))
    assert back.summary() == one.summary() and back.cv_ratio(seed=1) == one.cv_ratio(seed=1)
    t2 = t.drop(columns=["cost_sum", "cost_n"])
    r3 = portfolio_risk(t2, 20_000, n_sims=500, seed=1, price_per_post=lambda f: 0.02 * f)
    assert any("price_per_post" in f for f in r3.flags)
    json.dumps(r.to_dict())
    assert "Budget 20,000" in r.summary()


def test_simulator_is_seeded_and_canonical():
    a, ta = simulate_posts(50, seed=3)
    b, tb = simulate_posts(50, seed=3)
    assert a.equals(b)
    assert {"account_id", "followers", "likes", "comments", "platform"} <= set(a.columns)
    t = influencer_table(a)
    assert len(t) == 50
    od, _ = simulate_posts(200, overdispersion=2.0, sd_influencer=0.0, seed=1)
    po, _ = simulate_posts(200, overdispersion=0.0, sd_influencer=0.0, seed=1)
    cv = [influencer_table(p)["rate_mean"].std() for p in (od, po)]
    assert cv[0] > cv[1]
