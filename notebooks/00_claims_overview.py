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
# comments) / followers unless a row says otherwise. Verdicts of tests on data:
# supported, contradicted (with a direction: overstated or understated), inconclusive,
# not-testable (with a reason); descriptive rows (definitions, the article's own
# arithmetic) are not data verdicts. With several platforms each claim has a row per
# platform and one with platform fixed effects. `p_adjusted` is Holm's adjustment over
# the data claims of one dataset and platform.
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

from influtiers import claims, plots
from influtiers.claims.table import rules_table
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
    dataset=dataset,
)
print(s.describe_data())

# %% [markdown]
# ## What each claim says and how it is tested

# %%
rules = rules_table(margin)
for r in rules.itertuples():
    band = f"; band {r.band}" if r.band else ""
    print(f"{r.id} {r.claim} [{r.rule}{band}]\n    estimand: {r.estimand}\n    test: {r.test}")
    print(f"    rule: {r.decision_rule}")

# %% [markdown]
# ## The ledger on these data

# %%
ledger = s.ledger()
print(ledger.summary())

# %% [markdown]
# The claims forest: every ledger row with a numeric comparison (an estimate against
# the number the article claims) relative to that number (estimate ÷ claimed value, so
# 1 = exactly as claimed), with its 95% interval. The other claims (directional claims
# without a number, definitions, the article's arithmetic, simulations without a claimed
# value, claims not testable here) are listed beside it by evidence type, with their
# headline verdicts (the platform fixed-effects row when there are several platforms).

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
