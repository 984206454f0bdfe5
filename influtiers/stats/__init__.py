"""Statistics engine: tests of claims about influencer tiers.

The unit of analysis is the influencer. Tiers are compared on one row per
influencer (the influencer table of :func:`influtiers.evidence.influencer_table`),
or posts are modelled with cluster-robust standard errors by influencer. Every
random step takes a ``seed``. Every test returns a :class:`StatResult` (estimate,
interval, statistics, group sizes, definition, method, unit, flags, verdict,
``summary()``, ``to_dict()``); groups under 10 influencers raise
:class:`InsufficientData` (or return a ``not-testable`` result with
``insufficient="return"``), under 30 they are flagged.

=============================  ===========================================================
equivalence_test(_arrays)      TOST on the log scale (ratio of geometric means)
rate_ratio                     lift of tier A over B: GLM (Poisson/NB, clustered) or bootstrap
claimed_lift_verdict           is a claimed lift inside the interval?
compare_lift_methods           every lift method side by side
absolute_ratio                 ratio of absolute engagement per post, one-sided verdict
elasticity                     PPML slope of engagement on log followers (+ OLS second opinion)
inverted_u                     quadratic in log followers, Lind-Mehlum test, turning point
tier_trend                     rank correlation across ordered tiers + adjacent pairs
minimum_detectable_lift        analytic design: smallest detectable lift
simulate_ab_power              Monte Carlo power of a brief A/B test (randomised or paired)
portfolio_risk                 macro vs many micro influencers for one budget
median_ci, cost_elasticity     prices: median with bootstrap CI; log-log price elasticity
sponsored_penalty(_by_tier)    within-influencer sponsored/organic ratios by tier
fitted_curve                   fitted curve of an elasticity / inverted-U result
power_table                    simulated power over test sizes and lifts
simulate_posts                 simulated posts with known truth (:mod:`.simulate`)
ratio_of_sums                  ratio of tier shares (sum / sum) or means (PPML of sums, CV3, t)
threshold_ratio, threshold_p   a tier ratio against a stated threshold ("dozens")
tier_platform_interaction      a tier contrast on one platform relative to another
simpson_concentration          unbiased Herfindahl of each influencer's post categories
=============================  ===========================================================
"""

from .bootstrap import BootstrapRatio, bootstrap_ratio
from .costs import cost_elasticity, median_ci
from .equivalence import equivalence_test, equivalence_test_arrays
from .lift import (
    METHODS,
    absolute_ratio,
    absolute_ratio_table,
    claimed_lift_verdict,
    compare_lift_methods,
    glm_rate_ratio,
    rate_ratio,
)
from .market import (
    ratio_of_sums,
    simpson_concentration,
    threshold_p,
    threshold_ratio,
    tier_platform_interaction,
)
from .portfolio import PortfolioResult, portfolio_risk
from .power import (
    between_influencer_sd,
    minimum_detectable_lift,
    power_table,
    simulate_ab_power,
)
from .regression import elasticity, fitted_curve, inverted_u
from .results import MIN_GROUP, SMALL_GROUP, InsufficientData, StatResult
from .simulate import simulate_posts
from .sponsored import sponsored_penalty, sponsored_penalty_by_tier, within_influencer_ratios
from .trend import tier_trend

__all__ = [
    "METHODS",
    "MIN_GROUP",
    "SMALL_GROUP",
    "BootstrapRatio",
    "InsufficientData",
    "PortfolioResult",
    "portfolio_risk",
    "StatResult",
    "absolute_ratio",
    "absolute_ratio_table",
    "between_influencer_sd",
    "cost_elasticity",
    "fitted_curve",
    "median_ci",
    "power_table",
    "ratio_of_sums",
    "simpson_concentration",
    "threshold_p",
    "threshold_ratio",
    "tier_platform_interaction",
    "sponsored_penalty",
    "sponsored_penalty_by_tier",
    "within_influencer_ratios",
    "bootstrap_ratio",
    "claimed_lift_verdict",
    "compare_lift_methods",
    "elasticity",
    "equivalence_test",
    "equivalence_test_arrays",
    "glm_rate_ratio",
    "inverted_u",
    "minimum_detectable_lift",
    "rate_ratio",
    "simulate_ab_power",
    "simulate_posts",
    "tier_trend",
]
