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
# # 00 · All claims at a glance
#
# **Question.** What do the data say about every claim the five articles make?
#
# **Claims ruled on:** C01–C16 (the whole ledger, `influtiers.claims`).
#
# **Data and definitions.** Each claim's operationalisation (metric, unit, tiers,
# scheme, test and decision rule) is in the ledger: `influtiers claims --data DATA`
# prints it, and the studies 01–08 work through each one. The unit of analysis is
# the influencer (posts are nested in influencers); engagement rate = (likes +
# comments) / followers unless a row says otherwise. Verdicts: supported,
# contradicted, inconclusive, not-testable (with a reason).
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
run_dir = None

# %%
import matplotlib.pyplot as plt

from influtiers import claims, plots
from influtiers.studies import StudySession

s = StudySession(
    "00",
    data=data,
    scheme=scheme,
    seed=seed,
    margin=margin,
    output_dir=output_dir,
    accounts=accounts,
    mapping=mapping,
    run_dir=run_dir,
)
print(s.describe_data())

# %% [markdown]
# ## What each claim says and how it is tested

# %%
for c in claims.CLAIMS.values():
    print(f"{c.id} {c.title}\n    test: {c.test}\n    rule: {c.decision_rule}")

# %% [markdown]
# ## The ledger on these data

# %%
ledger = s.ledger()
print(ledger.summary())

# %% [markdown]
# Every claim's estimate relative to what was claimed (estimate ÷ claimed value, so
# 1 = exactly as claimed), with its 95% interval where the test gives one. Claims
# without a numeric claimed value, or not testable here, are listed without a point.

# %%
fig, d = plots.claims_overview(claims.overview_frame(ledger))
s.save(fig, d, "00_claims_forest")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
