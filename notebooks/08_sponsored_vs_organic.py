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
# # 08 · The sponsored-post penalty by tier
#
# **Question.** Articles 001 and 004 say micro-influencers are more authentic. One
# measurable consequence: their audiences should punish sponsored posts less. Is
# the sponsored-post engagement penalty smaller for micro than for macro?
#
# **Claims ruled on:** C14.
#
# **Data and definitions.** Within each influencer with both sponsored and organic
# posts: the ratio of its median sponsored rate to its median organic rate
# ((likes + comments) / followers). The tier penalty is the geometric mean of those
# within-influencer ratios; micro and macro are compared by Welch's t-test on the
# log ratios. Needs a `sponsored` flag.
#
# Study version 2.0 (see `notebooks/CHANGELOG.md`).

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
    "08",
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
by_sp = s.table("C14", by_sponsored=True)
pen = stats.sponsored_penalty_by_tier(by_sp)
print(
    pen[["tier", "n_influencers", "estimate", "ci_low", "ci_high"]].round(3).to_string(index=False)
)

# %%
fig, d = plots.forest(
    pen.assign(label=pen["tier"].astype(str)),
    colour_by=None,
    reference={"no penalty": 1.0},
    xlabel="sponsored / organic engagement rate within influencer (geometric mean)",
    title="Sponsored-post penalty by tier (95% intervals)",
)
s.save(fig, d, "08_sponsored_penalty")
plt.show()

# %%
for platform, r in s.results("C14", "penalty").items():
    print(f"{platform}: {r.summary()}")

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
