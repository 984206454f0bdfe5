import json

import numpy as np
import pytest
from statsmodels.stats.weightstats import ttost_ind

from influtiers.evidence import influencer_table
from influtiers.stats import InsufficientData, equivalence_test, equivalence_test_arrays
from influtiers.stats.simulate import simulate_posts


@pytest.mark.parametrize("usevar", ["pooled", "unequal"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tost_matches_statsmodels_exactly(seed, usevar):
    rng = np.random.default_rng(seed)
    x, y = rng.lognormal(-3.4, 0.7, 45), rng.lognormal(-3.5, 0.6, 38)
    r = equivalence_test_arrays(x, y, margin=(0.8, 1.25), usevar=usevar)
    p, (t1, p1, _), (t2, p2, _) = ttost_ind(x, y, 0.8, 1.25, usevar=usevar, transform=np.log)
    assert abs(r.p_value - p) < 1e-10
    assert abs(r.p_values["lower"] - p1) < 1e-10
    assert abs(r.p_values["upper"] - p2) < 1e-10
    assert abs(r.statistic["t_lower"] - t1) < 1e-10
    assert abs(r.statistic["t_upper"] - t2) < 1e-10
    # TOST rejects iff the (1 - 2 alpha) CI lies inside the margin
    assert (r.verdict == "equivalent") == (0.8 < r.ci_low and r.ci_high < 1.25)
    assert r.confidence == pytest.approx(0.9)
    assert r.estimate == pytest.approx(np.exp(np.log(x).mean() - np.log(y).mean()))


def test_verdicts_and_exclusion():
    rng = np.random.default_rng(5)
    same = equivalence_test_arrays(rng.lognormal(0, 0.3, 200), rng.lognormal(0, 0.3, 200))
    assert same.verdict == "equivalent"
    far = equivalence_test_arrays(rng.lognormal(1.0, 0.3, 200), rng.lognormal(0, 0.3, 200))
    assert far.verdict == "different" and far.ci_low > 1.25
    vague = equivalence_test_arrays(rng.lognormal(0.1, 1.5, 15), rng.lognormal(0, 1.5, 15))
    assert vague.verdict == "inconclusive"
    assert any("small-sample" in f for f in vague.flags)
    x = np.r_[rng.lognormal(0, 0.3, 40), 0.0, -1.0]
    r = equivalence_test_arrays(x, rng.lognormal(0, 0.3, 40), labels=("a", "b"))
    assert r.n_excluded == {"a": 2, "b": 0} and r.n_influencers == {"a": 40, "b": 40}
    assert any("non-positive" in f for f in r.flags)
    json.dumps(r.to_dict())
    assert "Verdict" in r.summary()


def test_small_groups_not_testable():
    with pytest.raises(InsufficientData) as e:
        equivalence_test_arrays(np.ones(9) * 0.02, np.ones(30) * 0.02)
    assert e.value.reason == "InsufficientData"
    r = equivalence_test_arrays(np.ones(9) * 0.02, np.ones(30), insufficient="return")
    assert r.verdict == "not-testable" and not r.testable


def test_tost_on_influencer_table():
    posts, _ = simulate_posts(tiers={"nano": 120, "micro": 120}, seed=3)
    t = influencer_table(posts)
    r = equivalence_test(t, "nano", "micro", value="rate_median")
    assert r.n_influencers == {"nano": 120, "micro": 120}
    assert sum(r.n_posts.values()) == len(posts)
    assert r.definition == "(likes + comments) / followers"
    assert r.verdict == "equivalent"


def _tost_rejections(ratio, n, reps, seed, sd=0.6):
    rng = np.random.default_rng(seed)
    rej = 0
    for _ in range(reps):
        x = np.exp(rng.normal(np.log(ratio), sd, n))
        y = np.exp(rng.normal(0.0, sd, n))
        rej += equivalence_test_arrays(x, y).verdict == "equivalent"
    return rej / reps


def test_tost_size_at_margin_and_power():
    # at the exact margin (true ratio 1.25) TOST must reject at most alpha:
    # 1000 replicates, MC SE = sqrt(.05 * .95 / 1000) = 0.69 pp; allow 3 SE.
    size = _tost_rejections(1.25, 40, 1000, seed=11)
    assert size <= 0.05 + 3 * 0.0069
    # power at a true ratio of 1 rises with n
    powers = [_tost_rejections(1.0, n, 300, seed=12) for n in (20, 60, 150)]
    assert powers[0] < powers[1] < powers[2]
    assert powers[2] > 0.8
