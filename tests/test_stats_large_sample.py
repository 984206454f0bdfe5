"""Large-sample intervals (no resampling) from ``config.LARGE_SAMPLE`` influencers per
group: jackknife-t for ratios of means, order-statistic SEs for ratios of medians, the
distribution-free interval of one median. Proven by simulation with known truth on skewed
influencer values (follower counts over a decade times lognormal rates), and checked
against the bootstrap they replace."""

import math

import numpy as np
import pytest

from influtiers.config import LARGE_SAMPLE
from influtiers.stats.bootstrap import bootstrap_ratio, se_log_median
from influtiers.stats.costs import median_ci, median_order_interval
from influtiers.stats.market import threshold_ratio

TRUE = 1.5


def _values(rng, n, scale=1.0):
    """Influencer values: followers log-uniform over a decade x lognormal rate (SD 0.8);
    ``scale`` multiplies the whole distribution, so means and medians share the ratio."""
    followers = np.exp(rng.uniform(np.log(10_000), np.log(100_000), n))
    return scale * followers * rng.lognormal(np.log(0.03), 0.8, n)


@pytest.mark.parametrize("na,nb", [(LARGE_SAMPLE, LARGE_SAMPLE), (LARGE_SAMPLE, 4 * LARGE_SAMPLE)])
def test_large_sample_intervals_cover_the_truth(na, nb):
    """1,000 simulated data sets per design: the 95% and 90% intervals of the ratio of
    means and of medians cover 1.5 at their level within 3.5 Monte Carlo SEs (0.024 and
    0.033). (2,000 data sets per design gave 0.946-0.955 / 0.898-0.903 for means and
    0.950-0.961 / 0.904-0.914 for medians at 2,000-5,000 vs 2,000-20,000.)"""
    rng = np.random.default_rng(20261126)
    reps = 1000
    hits = {"mean": [], "median": [], "mean90": [], "median90": []}
    for _ in range(reps):
        x, y = _values(rng, na, TRUE), _values(rng, nb)
        for stat in ("mean", "median"):
            b = bootstrap_ratio(x, y, stat=stat)
            assert b.n_resamples == 0 and len(b.replicates) == 0
            hits[stat].append(b.ci_low <= TRUE <= b.ci_high)
            hits[stat + "90"].append(b.ci90[0] <= TRUE <= b.ci90[1])
    for key, values in hits.items():
        level = 0.90 if key.endswith("90") else 0.95
        tol = 3.5 * math.sqrt(level * (1 - level) / reps)
        assert abs(np.mean(values) - level) <= tol, (key, np.mean(values))


def test_auto_switches_at_the_threshold():
    rng = np.random.default_rng(1)
    small, large = _values(rng, LARGE_SAMPLE - 1), _values(rng, LARGE_SAMPLE)
    assert bootstrap_ratio(small, large, n_resamples=200, seed=1).interval == "studentized-t"
    assert bootstrap_ratio(large, large * 1.1).interval == "jackknife-t"
    assert bootstrap_ratio(small, large, stat="median", n_resamples=200, seed=1).interval == "bca"
    assert bootstrap_ratio(large, large * 1.1, stat="median").interval == "order-statistic"


def test_large_sample_agrees_with_the_bootstrap_it_replaces():
    """At 2,000 per group the bootstrap intervals and the large-sample ones differ by less
    than 2% of the estimate at either end."""
    rng = np.random.default_rng(7)
    x, y = _values(rng, LARGE_SAMPLE, TRUE), _values(rng, LARGE_SAMPLE)
    for stat, boot in (("mean", "studentized-t"), ("median", "bca")):
        fast = bootstrap_ratio(x, y, stat=stat)
        slow = bootstrap_ratio(x, y, stat=stat, interval=boot, seed=3)
        assert fast.estimate == slow.estimate
        for a, b in ((fast.ci_low, slow.ci_low), (fast.ci_high, slow.ci_high)):
            assert abs(a - b) / fast.estimate < 0.02, (stat, fast, slow)
        assert fast.p_greater < 1e-6 and slow.p_greater < 1e-3


def test_se_log_median_matches_the_asymptotic_formula():
    """For lognormal(0, s) the log median's SE is ``1 / (2 f(m) sqrt(n)) / m`` with f the
    density at the median m = 1: ``s sqrt(2 pi) / (2 sqrt(n))``."""
    rng = np.random.default_rng(3)
    n, s = 40_000, 0.8
    got = np.mean([se_log_median(rng.lognormal(0, s, n)) for _ in range(20)])
    assert got == pytest.approx(s * math.sqrt(2 * math.pi) / (2 * math.sqrt(n)), rel=0.03)
    assert math.isnan(se_log_median(np.zeros(100)))


def test_median_order_interval_is_distribution_free():
    """Coverage of the 95% interval of a median is at least 95% - 2 MC SE for a skewed
    distribution at n = 25 (it is exact by construction, conservative by discreteness)."""
    rng = np.random.default_rng(11)
    true_median = math.exp(0.0)
    hits = [
        lo <= true_median <= hi
        for lo, hi in (median_order_interval(rng.lognormal(0, 1.5, 25)) for _ in range(2000))
    ]
    assert np.mean(hits) >= 0.95 - 2 * math.sqrt(0.05 * 0.95 / 2000)


def test_median_ci_large_sample_uses_order_statistics():
    rng = np.random.default_rng(5)
    x = _values(rng, LARGE_SAMPLE)
    r = median_ci(x)
    assert r.details["interval"] == "order-statistic"
    assert (r.ci_low, r.ci_high) == median_order_interval(x)
    assert r.ci_low < r.details["ci90"][0] < r.estimate < r.details["ci90"][1] < r.ci_high
    assert "bootstrap" in median_ci(x[:200]).method


@pytest.mark.parametrize("factor", [0.8, 1.0, 1.25])
def test_threshold_ratio_large_sample_p_values_dual_to_the_interval(factor):
    rng = np.random.default_rng(9)
    x, y = _values(rng, LARGE_SAMPLE, 12.0), _values(rng, LARGE_SAMPLE)
    r = threshold_ratio(x, y, 12.0 * factor)
    lo90, hi90 = r.details["ci90"]
    assert (r.p_values["at_least"] < 0.05) == (lo90 > 12.0 * factor)
    assert (r.p_values["below"] < 0.05) == (hi90 < 12.0 * factor)
    assert "no resampling" in r.method


@pytest.mark.parametrize("n", [LARGE_SAMPLE, LARGE_SAMPLE + 1])
def test_order_statistic_median_draws_match_the_brute_force_bootstrap(n):
    """Bootstrap medians of a large group are drawn from the order statistics of uniforms
    (no resample built). Even and odd sizes, on tied, skewed values: the draws have the
    distribution of medians of real resamples (two-sample KS test, 4,000 each), and of
    the exact law of the odd-size median, P(median < s_k) = P(Bin(n, k / n) >= m)."""
    from scipy import stats as st

    from influtiers.stats.bootstrap import resample_median_order, resample_stat

    rng = np.random.default_rng(7)
    x = np.round(_values(rng, n) / 50)  # heavy ties
    fast = resample_stat(x, "median", 4000, np.random.default_rng(1))
    assert np.array_equal(fast, resample_median_order(x, 4000, np.random.default_rng(1)))
    brute = np.median(x[np.random.default_rng(2).integers(0, n, (4000, n))], axis=1)
    assert st.ks_2samp(fast, brute).pvalue > 0.001
    assert abs(fast.mean() - brute.mean()) < 4 * brute.std() / math.sqrt(1000)
    if n % 2:  # median < s[k] iff at least m = (n + 1) / 2 draws land below index k
        s = np.sort(x)
        for side in ("left", "right"):  # the first index of the median's value, and past it
            k = int(np.searchsorted(s, np.median(x), side=side))
            p_exact = st.binom.sf((n + 1) // 2 - 1, n, k / n)
            se = math.sqrt(p_exact * (1 - p_exact) / len(fast))
            assert 0.01 < p_exact < 0.99
            assert abs(np.mean(fast < s[k]) - p_exact) < 4 * se


def test_small_groups_keep_the_brute_force_median_stream():
    """Below ``config.LARGE_SAMPLE`` the medians come from built resamples (the stream the
    committed small-sample numbers depend on)."""
    from influtiers.stats.bootstrap import resample_stat

    x = _values(np.random.default_rng(3), 101)
    got = resample_stat(x, "median", 50, np.random.default_rng(4))
    idx = np.random.default_rng(4).integers(0, 101, size=(50, 101), dtype=np.int32)
    assert np.array_equal(got, np.median(x[idx], axis=1))
