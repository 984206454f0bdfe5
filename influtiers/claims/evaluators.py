"""The evaluator functions by name: the registry (:mod:`.registry`) refers to them by
these names, so the registry stays a plain data table."""

from __future__ import annotations

from collections.abc import Callable

from . import eval_audience, eval_costs, eval_market, eval_rates, eval_sample

EVALUATORS: dict[str, Callable] = {
    "tier_schemes": eval_sample.tier_schemes,
    "parity": eval_rates.parity,
    "absolute_macro": eval_rates.absolute_macro,
    "lift": eval_rates.lift,
    "rate_decline": eval_rates.rate_decline,
    "micro_vs_nano": eval_rates.micro_vs_nano,
    "goldilocks": eval_rates.goldilocks,
    "prices": eval_costs.prices,
    "cpm": eval_costs.cpm,
    "cost_per_engagement": eval_costs.cost_per_engagement,
    "scenario": eval_costs.scenario,
    "ab_power": eval_sample.ab_power,
    "portfolio": eval_costs.portfolio,
    "sponsored_penalty": eval_rates.sponsored_penalty,
    "nano_share": eval_sample.nano_share,
    "market_size": eval_sample.market_size,
    "nano_cheaper": eval_market.nano_cheaper,
    "many_micro": eval_market.many_micro,
    "reach_per_follower": eval_market.reach_per_follower,
    "niche": eval_audience.niche,
    "brand_load": eval_audience.brand_load,
    "repeat_partners": eval_audience.repeat_partners,
    "platform_dependence": eval_audience.platform_dependence,
}

__all__ = ["EVALUATORS"]
