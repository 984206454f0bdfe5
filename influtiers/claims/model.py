"""What a claim is, what evaluating it gives, and the ledger's columns and verdict words.

The ledger schema is one list (:data:`LEDGER_COLUMNS`) with one set of verdict words
(:data:`VERDICTS`); every other module, the README and the JSON output use them.

Rows are keyed by (``claim_id``, ``dataset``, ``platform``, ``part``): ``part`` is empty
on a claim's headline row and names the part or reading otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Verdicts of tests on data.
DATA_VERDICTS = ("supported", "contradicted", "inconclusive", "not-testable")
#: Verdicts of point-estimate comparisons with published aggregates.
PUBLISHED_VERDICTS = ("consistent", "inconsistent")
#: The complete set of verdict words.
VERDICTS = (*DATA_VERDICTS, *PUBLISHED_VERDICTS, "descriptive", "error")

#: Evidence types.
POSTS = "posts"
PUBLISHED = "published aggregates"
ARITHMETIC = "article arithmetic"
DEFINITIONAL = "definitional"
SIMULATION = "simulation"

LEDGER_COLUMNS = [
    "claim_id",
    "title",
    "dataset",
    "platform",
    "part",
    "evidence",
    "verdict",
    "direction",
    "estimand",
    "estimate",
    "ci_low",
    "ci_high",
    "claimed",
    "band_low",
    "band_high",
    "p_value",
    "p_adjusted",
    "flags",
    "range_low",
    "range_high",
    "n_influencers",
    "n_posts",
    "rows_in",
    "accepted",
    "quarantined",
    "k",
    "tau2",
    "i2",
    "pi_low",
    "pi_high",
    "sources",
    "method",
    "definition",
    "scheme",
    "reason",
    "summary",
    "data_sha256",
    "run_id",
]
#: Text ledger columns that hold provenance (empty when unknown).
PROVENANCE_COLUMNS = ("data_sha256", "run_id")
#: Numeric ledger columns (NaN when empty).
NUMERIC_COLUMNS = (
    "estimate",
    "ci_low",
    "ci_high",
    "claimed",
    "band_low",
    "band_high",
    "p_value",
    "p_adjusted",
    "range_low",
    "range_high",
    "tau2",
    "i2",
    "pi_low",
    "pi_high",
)
#: Integer ledger columns (empty when unknown).
COUNT_COLUMNS = ("n_posts", "rows_in", "accepted", "quarantined", "k")


@dataclass(frozen=True)
class Claim:
    """One claim as data: what is claimed, where, how it is tested and decided.

    ``evaluator`` names a function in :data:`influtiers.claims.evaluators.EVALUATORS`;
    ``claimed`` is the number the article states (None where it states none).
    """

    id: str
    title: str
    statement: str
    articles: tuple[str, ...]
    cites: str
    metric: str
    unit: str
    comparison: str
    scheme: str | None
    test: str
    decision_rule: str
    evaluator: str
    claimed: float | None = None
    platform: str | None = None
    definition: str | None = None
    related: str = ""
    #: the kind of decision rule: band, directional, intersection-union, shape, parts,
    #: simulation, descriptive
    rule: str = "directional"
    #: with several platforms: a row per platform plus a platform fixed-effects row
    per_platform: bool = False
    #: the claim's parameters (e.g. the A/B test's size and lift)
    params: Mapping = field(default_factory=dict)

    @property
    def sources(self) -> list[dict]:
        """Citations with the original-language sentences (:mod:`influtiers.sources`)."""
        from ..sources import CLAIM_SOURCES

        return list(CLAIM_SOURCES.get(self.id, []))

    def describe(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "statement": self.statement,
            "articles": list(self.articles),
            "cites": self.cites,
            "related": self.related,
            "metric": self.metric,
            "unit": self.unit,
            "comparison": self.comparison,
            "scheme": self.scheme or "(the ledger's scheme)",
            "platform": self.platform or "all",
            "claimed": self.claimed,
            "rule": self.rule,
            "per_platform": self.per_platform,
            "params": dict(self.params),
            "test": self.test,
            "decision_rule": self.decision_rule,
            "sources": self.sources,
        }


@dataclass
class ClaimResult:
    """What evaluating a claim gives: one row (and its part rows) plus the results used."""

    verdict: str
    estimand: str = ""
    estimate: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    claimed: float = math.nan
    band_low: float = math.nan
    band_high: float = math.nan
    direction: str = ""
    p_value: float = math.nan
    flags: tuple[str, ...] = ()
    range_low: float = math.nan
    range_high: float = math.nan
    n_influencers: Mapping[str, int] = field(default_factory=dict)
    n_posts: int | None = None
    method: str = ""
    definition: str = ""
    scheme: str = ""
    reason: str = ""
    summary: str = ""
    evidence: str = POSTS
    part: str = ""
    details: Mapping = field(default_factory=dict)
    #: the StatResult (or PortfolioResult) objects the verdict rests on, by name
    results: Mapping[str, object] = field(default_factory=dict)
    #: part rows (each a ClaimResult with ``part`` set)
    parts: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")
        if self.direction not in ("", "overstated", "understated"):
            raise ValueError("direction must be overstated, understated or empty")
        self.flags = tuple(dict.fromkeys(str(f) for f in self.flags if f))


def as_float(x) -> float:
    """``float(x)``, or NaN when ``x`` is missing or not a number."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


__all__ = [
    "ARITHMETIC",
    "COUNT_COLUMNS",
    "Claim",
    "ClaimResult",
    "DATA_VERDICTS",
    "DEFINITIONAL",
    "LEDGER_COLUMNS",
    "NUMERIC_COLUMNS",
    "POSTS",
    "PROVENANCE_COLUMNS",
    "PUBLISHED",
    "PUBLISHED_VERDICTS",
    "SIMULATION",
    "VERDICTS",
    "as_float",
]
