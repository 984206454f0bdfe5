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
# **Data and definitions.** The design of a brief A/B test across micro-influencers is
# estimated from the data, per platform: posts per influencer, the overdispersion of
# post engagement, and the between-influencer SD of log rates net of post noise. They
# drive one Monte Carlo simulation (half the influencers per brief), which gives the
# power, the power table and the minimum detectable lift. Portfolio risk draws
# influencers of the data for one budget (prices from `cost` where present, otherwise
# $100 per 10,000 followers).
#
# Study version 2.1 (see `notebooks/CHANGELOG.md`).

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
import pandas as pd

from influtiers import plots
from influtiers.claims import CLAIMS
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
    run_dir=run_dir,
    dataset=dataset,
)
print(s.describe_data())

# %%
ab = s.results("C12", "power")  # one simulation per platform, with its own design
for platform, r in ab.items():
    par = r.details["design_parameters"]
    print(f"{platform}: {r.summary()}")
    print(
        f"  {par['posts_per_influencer']} posts per influencer, overdispersion "
        f"{par['overdispersion']:.2f}, between-influencer SD {par['sd_between']:.2f}; "
        f"minimum detectable lift at 80% power {r.details['mde_80']:.2f}x"
    )

# %%
power = pd.concat(
    [pd.DataFrame(r.details["power_table"]).assign(platform=p) for p, r in ab.items()]
    or [pd.DataFrame(columns=["platform", "n_influencers", "true_lift", "power"])],
    ignore_index=True,
)
print(power.round(3).to_string(index=False) if len(power) else "no power table")

# %%
fig, d = plots.line(
    power.assign(
        lift=power["platform"].astype(str) + ", true lift " + power["true_lift"].astype(str) + "x"
    ),
    "n_influencers",
    "power",
    hue="lift",
    xlabel="influencers in the test (both arms)",
    ylabel="power (α = 0.05)",
    title="Power of a two-brief A/B test across micro-influencers",
    hline=CLAIMS["C12"].params["power"],
    logx=True,
)
s.save(fig, d, "07_power_curve")
plt.show()

# %% [markdown]
# ## One macro or many micro for the same budget (C13)
# The budget is the price of one typical macro post (median macro price in the data).

# %%
risk = s.result("C13", "portfolio") if s.has_result("C13", "portfolio") else None
budget = risk.budget if risk else float("nan")
print(risk.summary() if risk else s.claims_table(["C13"]))

# %%
fig, d = plots.histogram(
    risk.totals_frame() if risk else pd.DataFrame({"total_engagement": [], "strategy": []}),
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
