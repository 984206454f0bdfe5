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
# # 04 · Do people engage 60% more with micro-influencers?
#
# **Question.** Article 001 says users engage about 60% more with micro-influencer
# posts (citing the Digital Marketing Institute, whose figure traces to
# HelloSociety comparing micro campaigns with *average* campaigns, not macro).
# What is the micro/macro engagement-rate ratio, and how much does the answer
# depend on analytic choices?
#
# **Claims ruled on:** C04.
#
# **Data and definitions.** Unit: the influencer (the GLMs are fitted on each
# influencer's summed posts, exactly the post-level models clustered by influencer).
# Rate = (likes + comments) / followers unless the specification says otherwise.
# Methods: Poisson and negative-binomial GLM with offset log(exposure); cluster
# bootstrap of the ratio of tier means or medians of influencer rates; ratio of
# medians; with several platforms, PPML with platform fixed effects. The ledger
# decides with the ratio of tier means and the band rule: supported when the 90%
# interval lies inside 1.28–2.00 (1.60 / 1.25 to 1.60 × 1.25), contradicted when the
# 95% interval lies outside it.
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

from influtiers import plots, specification, stats
from influtiers.claims import CLAIMS
from influtiers.studies import StudySession

claimed = CLAIMS["C04"].claimed  # the +60% claim, from the registry
s = StudySession(
    "04",
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
# ## The rate ratio by each method

# %%
lift_results = {
    f"{platform}: {m}": r
    for m in ("lift", *stats.METHODS)
    for platform, r in s.results("C04", m).items()
}
for name, r in lift_results.items():
    print(f"{name:<40} {r.estimate:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]  {r.method[:60]}")

# %%
fig, d = plots.forest(
    plots.stack_results(lift_results),
    reference={"claimed +60%": claimed, "parity": 1.0},
    xlabel="micro / macro engagement-rate ratio ((likes + comments) / followers)",
    title="Micro lift by method (95% intervals)",
)
s.save(fig, d, "04_lift_methods")
plt.show()

# %% [markdown]
# ## Specification curve
# Every combination of tier scheme (with micro and macro tiers), engagement
# definition available in the data, and aggregation (mean / median / trimmed /
# sum ratio per influencer; over posts, sum / sum).

# %%
curve = specification.specification_curve(
    s.evidence, "micro", "macro", claimed=claimed, n_resamples=1000, seed=seed
)
summary = specification.summarise_curve(curve, claimed=claimed)
for k, v in summary.items():
    print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")

# %%
fig, d = plots.specification_curve(curve, claimed=claimed)
s.save(fig, d, "04_specification_curve")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
