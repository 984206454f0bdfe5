# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · What the published figures imply
#
# **Question.** Before any post-level data: what do the published benchmark tables
# themselves say about micro/macro parity, the "+60%" micro lift, the decline of
# engagement rate with size and the market size?
#
# **Claims ruled on:** C02, C04, C05, C16 (on published aggregates; the same claims
# on post-level data are in studies 03–05).
#
# **Data and definitions.** `data/benchmarks/` (see its README): published tier
# averages, each row marked `seen` = primary (read in the source) or quoted (read
# only where another publication quotes it). Published aggregates have no
# intervals, so verdicts follow point-estimate rules stated in each row; the
# denominators differ between sources (followers, impressions, views) and the
# `metric` column says which. These rows are judgements of the *published
# figures*, not of your data.
#
# Study version 2.2 (see `notebooks/CHANGELOG.md`).

# %% tags=["parameters"]
data = "demo"
scheme = None
seed = 20261125
margin = [0.8, 1.25]
output_dir = None
accounts = None
mapping = None
run_dir = None
dataset = None

# %%
import matplotlib.pyplot as plt

from influtiers import benchmarks, claims, plots
from influtiers.claims import CLAIMS
from influtiers.studies import StudySession

s = StudySession(
    "02",
    data=data,
    scheme=scheme,
    seed=seed,
    margin=margin,
    output_dir=output_dir,
    accounts=accounts,
    mapping=mapping,
    run_dir=run_dir,
    dataset=dataset,
)
print(s.describe_data())
er = benchmarks.load_benchmarks("engagement_rates")
print(
    f"{len(er)} published engagement-rate figures from {er['source'].nunique()} sources; "
    f"seen: {er['seen'].value_counts().to_dict()}"
)

# %% [markdown]
# ## Published rates by follower band
# Each line is one source's series (same metric); the x position is the band's
# geometric midpoint.

# %%
fig, d = plots.benchmark_rates(er)
s.save(fig, d, "02_benchmark_rates")
plt.show()

# %% [markdown]
# ## Implied micro/macro ratios (C02, C04)
# Micro bands lie within 10k–100k followers, macro bands start in 100k–1M.

# %%
ratios = claims.benchmark_tier_ratios(er)
print(
    ratios[["source", "micro_bands", "macro_bands", "micro", "macro", "ratio", "seen"]]
    .round(4)
    .to_string(index=False)
)

# %%
fig, d = plots.forest(
    ratios.assign(label=ratios["source"] + " (" + ratios["metric"].str.split(":").str[0] + ")"),
    estimate="ratio",
    low="ratio",
    high="ratio",
    colour_by=None,
    reference={"parity": 1.0, "claimed +60%": CLAIMS["C04"].claimed},
    band=tuple(margin),
    xlabel="implied micro / macro engagement-rate ratio (published point estimates)",
    title="Published figures against the parity margin and the +60% claim",
)
s.save(fig, d, "02_benchmark_ratios")
plt.show()

# %% [markdown]
# ## Does the published rate fall with size? (C05)

# %%
slopes = claims.benchmark_slopes(er)
print(slopes.round(3).to_string(index=False))

# %% [markdown]
# ## Market size (C16)

# %%
ms = benchmarks.load_benchmarks("market_size")
fig, d = plots.line(
    ms.assign(series=ms["projected"].map({True: "projected", False: "reported"})),
    "figure_year",
    "value",
    hue="series",
    xlabel="year",
    ylabel="global influencer marketing market (billion USD)",
    title="Influencer Marketing Hub series (quoted by Statista)",
)
s.save(fig, d, "02_market_size")
plt.show()

# %% [markdown]
# ## The benchmark ledger
# One row per claim and source; `evidence` = published aggregates.

# %%
# NBVAL_CHECK_OUTPUT
bench = s.published_ledger()  # the run's published rows, else judged as reproduce does
for r in bench.itertuples():
    print(f"{r.claim_id}  {r.verdict:<13} {r.estimate:>9.3f}  {r.dataset}")

# %% [markdown]
# ## Claims table on the chosen data
# The same claims judged on post-level data (see studies 03–05).

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
