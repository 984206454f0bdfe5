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
# # 03 · Are micro and macro engagement rates about equal?
#
# **Question.** Mediakix (2017, 742 sponsored Instagram posts, quoted in article
# 002) reported micro 2.75% vs macro 2.65% and called them about equal. Does that
# hold on these data, as an equivalence test rather than a glance at two averages?
# And do macro-influencers win on absolute likes, comments and reach per post?
#
# **Claims ruled on:** C02 (parity), C03 (macro totals).
#
# **Data and definitions.** The Mediakix design: sponsored Instagram posts (all posts
# or all platforms when the data lack a sponsorship flag or Instagram, as the ledger
# notes), tiers of `mediakix-2017` (micro 10k–100k, macro 100k+) unless `scheme` is
# set. Unit: the influencer; rate = median over its sponsored posts of (likes +
# comments) / followers. TOST on log rates (ratio of geometric means, margin
# `margin`, α = 0.05; 90% interval), cross-checked against statsmodels' `ttost_ind`.
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

from influtiers import plots
from influtiers.studies import StudySession

s = StudySession(
    "03",
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

# %%
table = s.table("C02", sponsored=True)
print("; ".join(table.attrs["notes"]))
print(
    table.groupby("tier", observed=True)["rate_median"]
    .agg(["count", "median"])
    .round(4)
    .to_string()
)

# %%
fig, d = plots.tier_distribution(
    table,
    "rate_median",
    ylabel="influencer median engagement rate\n(likes + comments) / followers",
    title="Sponsored posts: engagement rate by tier",
)
s.save(fig, d, "03_rates_by_tier")
plt.show()

# %% [markdown]
# ## Equivalence test (C02)

# %%
tost = s.result("C02", "tost") if s.has_result("C02", "tost") else None
print(tost.summary() if tost else s.claims_table(["C02"]))

# %% [markdown]
# ## Absolute engagement per post (C03)

# %%
abs_rows = {
    f"{count} per post": s.result("C03", count)
    for count in ("likes", "comments", "reach")
    if s.has_result("C03", count)
}
for name, r in abs_rows.items():
    print(f"{name}: {r.estimate:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}] {r.verdict}")

# %%
forest_rows = plots.stack_results(
    ({"C02 rate ratio micro/macro (90% CI, TOST)": tost} if tost else {})
    | {f"C03 {v} macro/micro": r for v, r in abs_rows.items()}
)
fig, d = plots.forest(
    forest_rows,
    reference={"parity": 1.0},
    band=tuple(margin),
    xlabel="ratio (log scale)",
    title="Micro vs macro: rates and absolute engagement",
)
s.save(fig, d, "03_parity_forest")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
