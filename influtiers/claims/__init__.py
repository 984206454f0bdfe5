"""The claims ledger: every article claim as a stated, testable hypothesis.

The registry (:data:`CLAIMS`, plain data in :mod:`.registry`) says what each claim
states, where it comes from, how it is tested and the decision rule; the evaluators
(:mod:`.evaluators`) compute each claim once from a dataset's evidence
(:mod:`influtiers.evidence`); :func:`run_ledger` gives one row per claim, dataset,
platform and part (:data:`LEDGER_COLUMNS`); :func:`run_benchmark_ledger` judges the
claims that published aggregates speak to.

Examples
--------
>>> from influtiers.claims import CLAIMS
>>> CLAIMS["C02"].title
'Micro and macro engagement rates are about equal'
"""

from .context import Context, ranked_definitions
from .eval_costs import SCENARIO_C11, cost_table, portfolio_budget, scenario_audit
from .evaluators import EVALUATORS
from .ledger import (
    Ledger,
    evaluate,
    evaluate_claim,
    headline_mask,
    ledger_records,
    overview_frame,
    run_ledger,
)
from .model import (
    ARITHMETIC,
    DATA_VERDICTS,
    LEDGER_COLUMNS,
    POSTS,
    PUBLISHED,
    VERDICTS,
    Claim,
    ClaimResult,
)
from .published import benchmark_slopes, benchmark_tier_ratios, run_benchmark_ledger
from .registry import CLAIMS

__all__ = [
    "ARITHMETIC",
    "CLAIMS",
    "DATA_VERDICTS",
    "EVALUATORS",
    "LEDGER_COLUMNS",
    "POSTS",
    "PUBLISHED",
    "SCENARIO_C11",
    "VERDICTS",
    "Claim",
    "ClaimResult",
    "Context",
    "Ledger",
    "benchmark_slopes",
    "benchmark_tier_ratios",
    "cost_table",
    "evaluate",
    "evaluate_claim",
    "ledger_records",
    "headline_mask",
    "overview_frame",
    "portfolio_budget",
    "ranked_definitions",
    "run_benchmark_ledger",
    "run_ledger",
    "scenario_audit",
]
