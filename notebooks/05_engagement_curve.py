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
# # 05 · Engagement against followers: decline and Goldilocks
#
# **Question.** Does the engagement rate fall as followers grow (articles 000, 003)?
# Do micro-influencers beat nano on absolute engagement per post? Is there a
# "Goldilocks zone" — an inverted U in absolute engagement (article 001; Wies,
# Bleier & Edeling 2023 found one peaking near 1M followers)?
#
# **Claims ruled on:** C05, C06, C07.
#
# **Data and definitions.** Engagement = likes + comments per post; rate = engagement
# / followers. C05 (a descriptive estimand: noise in reported followers alone bends it
# down) is decided by the influencer-level OLS of log mean engagement on log
# followers (CV3, t; rate elasticity = slope − 1); the PPML over posts (each
# influencer's summed posts, exactly the post-level model clustered by influencer) and
# the segments of at least 1k and 10k followers are reported, flagged
# `estimators-disagree` when they disagree. C07: a quadratic in log(followers) of
# engagement per post (PPML, CV3, t), the Lind–Mehlum test and the Fieller set of the
# turning point against the micro tier; with prices, also engagement per dollar.
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

from influtiers import plots, stats
from influtiers.studies import StudySession

s = StudySession(
    "05",
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

# %% [markdown]
# ## Does the rate fall with size? (C05)

# %%
table = s.table("C05")
for name in ("ols", "elasticity", "trend"):
    for platform, r in s.results("C05", name).items():
        print(f"{platform}, {name}: {r.summary()}")
el = s.result("C05", "elasticity") if s.has_result("C05", "elasticity") else None

# %%
fig, d = plots.binned_curve(
    table,
    "rate_median",
    ylabel="influencer median engagement rate\n(likes + comments) / followers",
    fits={
        "influencer-level OLS fit (C05)": stats.fitted_curve(
            el, table["followers"], rate=True, model="ols"
        ),
        "PPML fit over posts": stats.fitted_curve(el, table["followers"], rate=True),
    }
    if el
    else None,
    title="Engagement rate against followers",
)
s.save(fig, d, "05_rate_curve")
plt.show()

# %% [markdown]
# ## Absolute engagement per post (C06, C07)

# %%
for name in ("inverted_u", "cost_efficiency"):
    for platform, r in s.results("C07", name).items():
        print(f"{platform}, {name}: {r.summary()}")
iu = s.result("C07", "inverted_u") if s.has_result("C07", "inverted_u") else None

# %%
fig, d = plots.binned_curve(
    table,
    "engagement_mean",
    ylabel="mean likes + comments per post",
    fits={"quadratic PPML fit": stats.fitted_curve(iu, table["followers"])} if iu else None,
    vlines={"turning point": iu.estimate} if iu and iu.estimate == iu.estimate else None,
    title="Absolute engagement against followers",
)
s.save(fig, d, "05_absolute_curve")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
