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
# # 10 · Reach, prices and audiences
#
# **Question.** The articles make seven more claims about what bigger and smaller
# influencers cost, reach and offer: nano-influencers charge less than everyone else
# (000/003); one big post costs as much as dozens of micro posts (001) and matching its
# reach takes hundreds or thousands of micro-influencers (Jeremy Shih, in 002); reach per
# follower falls with size (001's footballer scenario); micro-influencers have niche
# audiences (all five articles), fewer ongoing brand deals (001) and partnerships that grow
# (001); and such results depend on the platform (002). What do the data say?
#
# **Claims ruled on:** C17, C18, C19, C20, C21, C22, C23.
#
# **Data and definitions.** The unit is the influencer. Prices: the influencer's mean
# price per priced post (analysis currency). Reach: reach per post, else impressions, else
# views (each platform's first present on 80% of its posts; followers never stand in).
# Niche: the unbiased Herfindahl index of the influencer's post categories (the chance that
# two of its posts share a category; audience interests are not in post data). Brand deals:
# distinct brands of its sponsored posts (decides C21) and its share of sponsored posts
# (reported); repeat partnerships: brand pairs with 2+ sponsored posts. Tier pairs are
# decided together with Holm's adjustment; "dozens" is read as at least 24 and "hundreds"
# as at least 200. With several platforms each claim has a row per platform and one with
# platform fixed effects; C23 compares the C02 and C04 contrasts between platforms.
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

from influtiers import claims, plots, plots_claims
from influtiers.studies import StudySession

s = StudySession(
    "10",
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
# ## C17 · Nano-influencers charge less than every other tier
# Price per post by tier, and nano's price relative to each other tier (ratio of geometric
# means, < 1: nano cheaper), per platform and within platforms.

# %%
fig, d = plots.tier_distribution(
    claims.cost_table(s.table("C17")),
    "cost_per_post",
    ylabel="mean price per priced post (analysis currency, log scale)",
    title="Price per post by tier",
)
s.save(fig, d, "10_price_by_tier")
plt.show()

# %%
fig, d = plots_claims.claim_forest(
    s.ledger(["C17"]),
    "C17",
    reference={"parity": 1.0},
    xlabel="price per post, nano / tier (ratio of geometric means, log scale)",
    title="C17: nano against every other tier (95% intervals; Holm decides)",
)
s.save(fig, d, "10_nano_price_ratios")
plt.show()

# %% [markdown]
# ## C18 · Dozens of micro posts for one big post; hundreds for its reach
# One macro (mega) post's price and reach in micro posts (ratio of tier medians), against
# the stated readings of "dozens" (24) and "hundreds" (200).

# %%
fig, d = plots_claims.claim_forest(
    s.ledger(["C18"]),
    "C18",
    reference={"dozens (24)": 24.0, "hundreds (200)": 200.0},
    xlabel="one big post / one micro post (ratio of tier medians, log scale)",
    title="C18: how many micro posts one big post is worth (95% intervals)",
)
s.save(fig, d, "10_dozens_and_hundreds")
plt.show()

# %% [markdown]
# ## C19 · Reach per follower falls as followers grow

# %%
fig, d = plots_claims.reach_curve(s.table("C19"))
s.save(fig, d, "10_reach_per_follower")
plt.show()

# %%
for r in s.ledger(["C19"]).itertuples():
    print(f"{r.platform}: {r.summary or r.reason}")

# %% [markdown]
# ## C20 · Micro-influencers have niche audiences
# The concentration of each influencer's posts over content categories, by tier, and micro
# relative to macro and mega (ratio of tier means, > 1: micro more niche).

# %%
fig, d = plots_claims.concentration_by_tier(s.table("C20"), s.evidence.categories)
s.save(fig, d, "10_category_concentration")
plt.show()

# %%
fig, d = plots_claims.claim_forest(
    s.ledger(["C20"]),
    "C20",
    reference={"parity": 1.0},
    xlabel="category concentration, micro / tier (ratio of tier means, log scale)",
    title="C20: micro against macro and mega (95% intervals)",
)
s.save(fig, d, "10_niche_ratios")
plt.show()

# %% [markdown]
# ## C21 · Micro-influencers have fewer ongoing brand deals
# Distinct sponsoring brands per influencer (decides) and the share of sponsored posts
# (reported), micro relative to macro and mega (< 1: micro fewer).

# %%
fig, d = plots_claims.brands_by_tier(s.table("C21"), s.evidence.brands)
s.save(fig, d, "10_brands_by_tier")
plt.show()

# %%
fig, d = plots_claims.claim_forest(
    s.ledger(["C21"]),
    "C21",
    reference={"parity": 1.0},
    xlabel="micro / tier (log scale)",
    title="C21: brand deals, micro against macro and mega (95% intervals)",
)
s.save(fig, d, "10_brand_load_ratios")
plt.show()

# %% [markdown]
# ## C22 · A micro-influencer's sponsored post grows into a partnership
# The share of brand-influencer pairs with more than one sponsored post, by tier (cluster
# bootstrap intervals), and micro relative to macro and mega (ratio of pooled shares).

# %%
shares = {
    f"{p} · {t}": s.result("C22", f"share {t}", platform=p)
    for p in s.platforms("C22")
    for t in ("nano", "micro", "macro", "mega")
    if s.has_result("C22", f"share {t}", platform=p)
}
fig, d = plots.forest(
    plots.stack_results(shares),
    colour_by=None,
    log=False,
    xlabel="share of brand pairs with 2+ sponsored posts (95% CI)",
    title="C22: repeat partnerships by tier",
)
s.save(fig, d, "10_repeat_shares")
plt.show()

# %%
for platform, r in s.results("C22", "macro").items():
    print(f"{platform}, micro / macro: {r.summary()}")

# %% [markdown]
# ## C23 · Results depend on the platform
# The micro / macro contrasts of C02 (median sponsored rate) and C04 (mean rate) on each
# platform relative to Instagram: 1 = the same contrast everywhere; above 1 = Instagram
# favours bigger accounts (002's direction). The shaded band is the equivalence margin.

# %%
fig, d = plots_claims.claim_forest(
    s.ledger(["C23"]),
    "C23",
    reference={"no platform difference": 1.0},
    band=tuple(s.margin),
    xlabel="(micro / macro on a platform) / (micro / macro on the reference platform)",
    title="C23: tier x platform interaction (95% intervals)",
)
s.save(fig, d, "10_platform_interaction")
plt.show()

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
