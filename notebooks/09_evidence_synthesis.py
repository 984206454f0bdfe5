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
# # 09 · What all the evidence says
#
# **Question.** Across every dataset, platform and published study at hand, what does
# the evidence say about each claim, and how much does the answer depend on the
# platform and the source?
#
# **Claims ruled on:** C02, C03, C04, C05, C06, C14 (the claims with a comparable effect:
# log ratios, and C05's slope).
#
# **Data and definitions.** Each dataset is judged as in studies 03–08, with a row per
# platform. The pooled rows combine the per-platform rows of every dataset (never also
# their platform fixed-effects rows) and the published figures whose source reports an
# interval, an SE or SDs with n, by random-effects meta-analysis: Paule–Mandel `tau2`
# (statsmodels' `combine_effects`), the modified Knapp–Hartung interval (t with k − 1 df,
# never narrower than the standard random-effects interval), and a 95% prediction
# interval for a new dataset or source (k ≥ 3). Published figures without an interval
# are shown as hollow points beside the pooled estimate, never pooled. Only rows with the
# same estimand and definition are pooled. The verdict of a pooled row follows the
# claim's rule on the pooled intervals; `heterogeneous` flags a prediction interval that
# straddles the claim. Published sources keep their own tier cut-points.
#
# With `run_dir` the notebook reads a run of `influtiers reproduce`; without it, it
# builds the synthesis in memory from `datasets` (`["LABEL=PATH", ...]`), else from
# `data` (with `mapping` and `accounts`; the default, the synthetic demo panel, is split
# by platform into two datasets), and the published library.
#
# Study version 2.2 (see `notebooks/CHANGELOG.md`).

# %% tags=["parameters"]
data = "demo"
datasets = None
scheme = None
seed = 20261125
margin = [0.8, 1.25]
output_dir = None
accounts = None
mapping = None
run_dir = None

# %%
import matplotlib.pyplot as plt

from influtiers import plots_synthesis, synthesis
from influtiers.studies import StudySession, open_synthesis

syn = open_synthesis(
    run_dir=run_dir,
    datasets=datasets,
    data=data,
    mapping=mapping,
    accounts=accounts,
    scheme=scheme,
    seed=seed,
    margin=margin,
)
s = StudySession("09", data=data, output_dir=output_dir, synthesis=syn)
print(s.describe_data())

# %% [markdown]
# ## Each claim across the sources
# One row per dataset and platform (a point and its 95% interval), per published source
# (hollow points have no interval), and the pooled estimate (a diamond over its 95%
# interval, with the prediction interval as a thin line); the claim's band is shaded.

# %%
labels = {
    "C02": "micro / macro engagement-rate ratio (geometric means)",
    "C03": "macro / micro likes per post",
    "C04": "micro / macro engagement-rate ratio (means)",
    "C05": "rate elasticity w.r.t. followers (slope − 1)",
    "C06": "micro / nano engagement per post",
    "C14": "sponsored-post penalty, micro ÷ macro",
}
for cid, xlabel in labels.items():
    frame = syn.forest_frame(cid)
    fig, d = plots_synthesis.synthesis_forest(
        frame, xlabel=xlabel, title=f"{cid}: every source", log=cid != "C05"
    )
    s.save(fig, d, f"09_synthesis_{cid}")
    plt.show()

# %% [markdown]
# ## Heterogeneity
# `k` sources, the between-source variance `tau2` (on the log scale for ratios), `I2`
# (the share of the variation that is between sources, floored at 0) and the prediction
# interval (empty with two sources).

# %%
# NBVAL_CHECK_OUTPUT
het = plots_synthesis.heterogeneity_table(syn.ledger)
for r in het.itertuples():
    pi = f"[{r.pi_low:.3f}, {r.pi_high:.3f}]" if r.pi_low == r.pi_low else "(needs k >= 3)"
    print(
        f"{r.claim_id} {r.part or ''} k={r.k} estimate {r.estimate:.3f} "
        f"[{r.ci_low:.3f}, {r.ci_high:.3f}] tau2 {r.tau2:.4f} I2 {r.i2:.2f} PI {pi} {r.verdict}"
    )

# %% [markdown]
# ## In words

# %%
for _, row in syn.ledger[syn.ledger["dataset"] == synthesis.POOLED].iterrows():
    print(synthesis.narrative(row), end="\n\n")

# %% [markdown]
# ## Claims table

# %%
# NBVAL_CHECK_OUTPUT
print(s.claims_table())

# %%
# NBVAL_IGNORE_OUTPUT
print(s.watermark())
