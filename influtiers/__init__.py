"""influtiers: test what is claimed about influencer tiers, on your own data.

Modules
-------
tiers      named, sourced tier schemes and classification
schema     the canonical posts table and quarantine reason codes
load       load once: readers, column mapping, parsing, validation in the engine, quarantine,
           dataset adapters (Kim et al. 2020 Instagram, UCLA DataRes TikTok 2020) -> Dataset
metrics    engagement definitions and aggregation units
aggregate  posts -> influencer table (one SQL definition, DuckDB or Spark)
stats      equivalence, lift, elasticity, inverted U, trend, power, portfolio risk
claims     the claims ledger
datasets   bundled data: published benchmarks and the synthetic demo panel
plots      figures with one style
provenance hashes, versions and manifests
"""

from ._version import __version__

__all__ = ["__version__"]
