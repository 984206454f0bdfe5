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
# # 01 · Tier definitions and who moves between them
#
# **Question.** The articles draw nano, micro, macro and mega at different follower
# counts. How different are the published schemes, how many of the same accounts
# change tier between them, and does the micro/macro comparison move with the scheme?
#
# **Claims ruled on:** C01 (cut-points differ between sources), C15 (nano-influencers
# are by far the most common).
#
# **Data and definitions.** One row per influencer (the unit of analysis), built from
# the posts by `influtiers.evidence`; followers = median over the influencer's posts;
# tiers are half-open intervals `[lower, upper)`. Engagement rate = (likes + comments)
# / followers per post, summarised per influencer by the median of its posts.
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

from influtiers import plots, specification, tiers
from influtiers.claims import CLAIMS
from influtiers.studies import StudySession

s = StudySession(
    "01",
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
# ## Every shipped scheme on one axis
# Each row is a scheme (and platform, where the scheme is platform-specific).

# %%
for name in tiers.list_schemes():
    print(tiers.get_scheme(name).describe())

# %%
fig, d = plots.scheme_cutpoints([tiers.get_scheme(n) for n in tiers.list_schemes()])
s.save(fig, d, "01_scheme_cutpoints")
plt.show()

# %% [markdown]
# ## The same accounts under different schemes
# Rows: the default scheme (HighSocial 2024, articles 000 and 003); columns: the
# scheme of article 001 (Power Digital 2023) and Shopify's five tiers.

# %%
table = s.table("C01")
for other in ("powerdigital-2023", "shopify-2023", "mediakix-by-platform"):
    share = tiers.moved_share(table["followers"], "highsocial-2024", other, table["platform"])
    print(f"highsocial-2024 -> {other}: {share:.1%} of influencers change tier")

# %%
print(
    tiers.transition_table(
        table["followers"], "highsocial-2024", "shopify-2023", table["platform"]
    ).to_string()
)

# %% [markdown]
# ## Does the micro/macro comparison move with the scheme?
# Ratio of tier medians of influencer median rates (micro / macro), cluster
# bootstrap 95% interval (influencers resampled within tier).

# %%
sens = specification.scheme_sensitivity(s.evidence, "micro", "macro", n_resamples=1000, seed=seed)
print(sens.round(4).to_string(index=False))

# %%
fig, d = plots.forest(
    sens.assign(label=sens["scheme"]),
    estimate="ratio",
    colour_by=None,
    reference={"parity": 1.0, "claimed +60% (C04)": CLAIMS["C04"].claimed},
    band=tuple(margin),
    xlabel="micro / macro ratio of median engagement rates ((likes + comments) / followers)",
    title="The micro/macro comparison under each scheme",
)
s.save(fig, d, "01_scheme_sensitivity")
plt.show()

# %% [markdown]
# ## Tier shares (C15)
# Shares describe this sample, which is selected: they are not a census of accounts.

# %%
shares = tiers.tier_counts(table["followers"], s.scheme_for("C15"), table["platform"])
print((shares / shares.sum()).round(4).to_string())

# %%
fig, d = plots.bars(
    shares.rename("influencers").rename_axis("tier").reset_index(),
    "tier",
    "influencers",
    xlabel="tier",
    ylabel="influencers",
    title="Influencers per tier",
)
s.save(fig, d, "01_tier_shares")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
