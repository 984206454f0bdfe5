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
# **Data and definitions.** The Mediakix design: sponsored posts (all posts, flagged
# `fallback-all-posts`, when the data have no sponsorship flag), tiers of
# `mediakix-2017` (micro 10k–100k, macro 100k+) unless `scheme` is set; the source
# studied Instagram only, and each platform gets its own row plus one with platform
# fixed effects. Unit: the influencer; rate = median over its sponsored posts of
# (likes + comments) / followers. C02: the band rule around a ratio of 1 (the margin
# `margin`): supported when the 90% interval lies inside it (TOST, statsmodels'
# `ttost_ind`), contradicted when the 95% interval lies outside. C03: one-sided tests
# of macro > micro per count, an intersection-union test.
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
    dataset=dataset,
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
tost = s.results("C02", "tost")  # one result per ledger row: platforms, fixed effects
for platform, r in tost.items():
    print(f"{platform}: {r.summary()}")
if not tost:
    print(s.claims_table(["C02"]))

# %% [markdown]
# ## Absolute engagement per post (C03)

# %%
abs_rows = {
    f"{platform}: {count} per post": r
    for count in ("likes", "comments", "reach")
    for platform, r in s.results("C03", count).items()
}
for name, r in abs_rows.items():
    print(f"{name}: {r.estimate:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]")

# %%
forest_rows = plots.stack_results(
    {f"C02 {p}: rate ratio micro/macro": r for p, r in tost.items()}
    | {f"C03 {v}, macro/micro": r for v, r in abs_rows.items()}
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
