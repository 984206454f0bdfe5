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
# # 07 · A/B tests and budget risk
#
# **Question.** Article 001 suggests testing two briefs across about 20
# micro-influencers, and warns that one macro-influencer puts all eggs in one
# basket. How much power does a 20-influencer test have, and how risky is one macro
# versus many micro-influencers for the same budget?
#
# **Claims ruled on:** C12, C13.
#
# **Data and definitions.** The between-influencer spread of log engagement rates
# in the micro tier is estimated from the data and drives a Monte Carlo power
# simulation (randomised: half the influencers per brief; paired: each influencer
# posts both briefs). Portfolio risk resamples influencers and their posts from the
# data for one budget (prices from `cost` where present, otherwise $100 per 10,000
# followers).
#
# Study version 1.0 (see `notebooks/CHANGELOG.md`).

# %% tags=["parameters"]
data = "demo"
scheme = None
seed = 20261125
margin = [0.8, 1.25]
output_dir = None
accounts = None
mapping = None

# %%
import matplotlib.pyplot as plt

from influtiers import claims, plots, stats
from influtiers.studies import StudySession

s = StudySession(
    "07",
    data=data,
    scheme=scheme,
    seed=seed,
    margin=margin,
    output_dir=output_dir,
    accounts=accounts,
    mapping=mapping,
)
print(s.describe_data())

# %%
table = s.table("C12")
sd_log = stats.between_influencer_sd(table, "micro")
print(f"between-influencer SD of log engagement rate (micro): {sd_log:.3f}")

# %%
power = stats.power_table(
    sd_log=sd_log, n_influencers=(10, 20, 40, 80, 160), lifts=(1.1, 1.2, 1.6), n_sims=400, seed=seed
)
print(power.round(3).to_string(index=False))

# %%
fig, d = plots.line(
    power.assign(lift="true lift " + power["true_lift"].astype(str) + "x"),
    "n_influencers",
    "power",
    hue="lift",
    xlabel="influencers in the test (both arms)",
    ylabel="power (α = 0.05)",
    title="Power of a two-brief A/B test across micro-influencers",
    hline=0.8,
    logx=True,
)
s.save(fig, d, "07_power_curve")
plt.show()

# %% [markdown]
# ## One macro or many micro for the same budget (C13)
# The budget is the price of one typical macro post (median macro price in the data).

# %%
budget = claims.portfolio_budget(table)
risk = stats.portfolio_risk(table, budget, n_macro=1, seed=seed, n_sims=5000, insufficient="return")
print(risk.summary())

# %%
fig, d = plots.histogram(
    risk.totals_frame(),
    "total_engagement",
    hue="strategy",
    logx=True,
    xlabel="total engagement of the campaign (likes + comments)",
    title=f"Simulated campaign totals for a ${budget:,.0f} budget (one typical macro post)",
)
s.save(fig, d, "07_portfolio_risk")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
