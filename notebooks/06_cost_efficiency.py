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
# # 06 · Prices, CPM and cost per engagement
#
# **Question.** Article 001 (citing Forbes and Shopify) says a macro post costs over
# $10,000 and a micro feed post about $100; article 002 (Jeremy Shih of Mediakix)
# says CPM falls with influencer size, while 001 says micro campaigns are more
# cost-effective. And the article's own footballer-vs-DIY scenario: what does its
# arithmetic imply?
#
# **Claims ruled on:** C08, C09, C10, C11.
#
# **Data and definitions.** Prices are the `cost` of sponsored posts in the analysis
# currency (USD by default; posts in other currencies are counted, never summed); per
# influencer, the mean price of its priced posts. C08: the share of macro and mega
# priced posts over $10,000 and the micro median against $100. C09: CPM = price /
# impressions × 1,000 (reach, views, or followers as a flagged last resort). Cost per
# engagement = price / mean (likes + comments) per post. Shopify's published ranges
# are drawn as sensitivity bands. Needs a `cost` column.
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
from influtiers.studies import StudySession

s = StudySession(
    "06",
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

# %%
costs = claims.cost_table(s.table("C08"))
print(
    costs.groupby("tier", observed=True)[["cost_per_post", "cpm_followers", "cost_per_engagement"]]
    .median()
    .round(3)
    .to_string()
)

# %%
prices = benchmarks.load_benchmarks("prices")
fig, d = plots.price_by_tier(costs, prices[prices["source"].eq("Shopify 2023")])
s.save(fig, d, "06_price_by_tier")
plt.show()

# %%
fig, d = plots.tier_distribution(
    costs,
    "cost_per_engagement",
    ylabel="price per post / (likes + comments) per post (USD)",
    title="Cost per engagement by tier",
)
s.save(fig, d, "06_cost_per_engagement")
plt.show()

# %% [markdown]
# ## The article's scenario (C11)
# Footballer: 22M followers, 1.8M impressions; DIY micro-influencer: 35k followers,
# 20k impressions; prices as the article quotes ($10,000 and $100).

# %%
print(claims.scenario_audit().round(3).to_string(index=False))

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
