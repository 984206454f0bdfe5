"""Engagement definitions and aggregation with the unit made explicit.

An *engagement definition* names what is counted (the numerator: likes +
comments by default, optionally shares and saves) and what it is divided by (the
exposure: followers, reach, impressions or views). Every figure and table in
influtiers says which definition it used (:attr:`EngagementDefinition.label`).

Units of aggregation
--------------------
* per post: :func:`post_rate` (one value per post: the reference definition that the
  evidence SQL of :mod:`influtiers.evidence` implements);
* per influencer: :meth:`influtiers.evidence.Evidence.table` gives, for each influencer,
  the mean, median and trimmed mean of its posts' rates and the sum ratio (summed
  engagement / summed exposure over its posts);
* per tier: :func:`tier_summary` over influencers (each influencer weighs once)
  or :func:`tier_sum_ratio` over posts (big posters weigh more).

Hidden counts stay missing: a post whose likes are hidden has no engagement and
no rate, and is left out of rates (never counted as 0).

Examples
--------
>>> import pandas as pd
>>> posts = pd.DataFrame({"account_id": ["a", "a", "b"], "followers": [100.0, 100.0, 1000.0],
...                       "likes": [4.0, None, 30.0], "comments": [1.0, 2.0, 0.0]})
>>> post_rate(posts).tolist()
[0.05, nan, 0.03]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import config

EXPOSURES = ("followers", "reach", "impressions", "views")
AGGREGATIONS = ("mean", "median", "trimmed", "sum_ratio")
DEFAULT_DEFINITION = config.DEFINITION


@dataclass(frozen=True)
class EngagementDefinition:
    """Engagement = sum of ``components``; rate = engagement / ``exposure``."""

    name: str
    components: tuple[str, ...] = ("likes", "comments")
    exposure: str = "followers"
    description: str = ""

    def __post_init__(self) -> None:
        if self.exposure not in EXPOSURES:
            raise ValueError(f"exposure must be one of {EXPOSURES}, got {self.exposure!r}")
        if not self.components:
            raise ValueError("an engagement definition needs at least one component")

    @property
    def label(self) -> str:
        """Human-readable formula, e.g. ``(likes + comments) / followers``."""
        num = " + ".join(self.components)
        if len(self.components) > 1:
            num = f"({num})"
        return f"{num} / {self.exposure}"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.components, self.exposure)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "components": list(self.components),
            "exposure": self.exposure,
            "label": self.label,
        }


DEFINITIONS: dict[str, EngagementDefinition] = {
    d.name: d
    for d in (
        EngagementDefinition(
            "er_followers",
            description="Engagement rate by followers: (likes + comments) / followers. "
            "The definition of Mediakix 2017, HypeAuditor and most tier benchmarks.",
        ),
        EngagementDefinition(
            "er_followers_all",
            ("likes", "comments", "shares", "saves"),
            description="All interactions by followers.",
        ),
        EngagementDefinition(
            "likes_followers", ("likes",), description="Like rate (Markerly 2016, Modash)."
        ),
        EngagementDefinition(
            "er_reach", exposure="reach", description="(likes + comments) / reach."
        ),
        EngagementDefinition(
            "er_impressions",
            exposure="impressions",
            description="(likes + comments) / impressions.",
        ),
        EngagementDefinition(
            "er_views", exposure="views", description="(likes + comments) / views (video)."
        ),
        EngagementDefinition(
            "er_views_all",
            ("likes", "comments", "shares"),
            "views",
            description="(likes + comments + shares) / views: the usual TikTok definition.",
        ),
    )
}


def get_definition(definition: str | EngagementDefinition | None = None) -> EngagementDefinition:
    """A registered definition by name, or the definition itself."""
    if definition is None:
        definition = DEFAULT_DEFINITION
    if isinstance(definition, EngagementDefinition):
        return definition
    try:
        return DEFINITIONS[definition]
    except KeyError:
        raise KeyError(
            f"unknown engagement definition {definition!r}; known: {', '.join(DEFINITIONS)}"
        ) from None


def usable_definition(available: Sequence[str], wanted=None) -> EngagementDefinition:
    """The definition to use on data whose evidence has the ``available`` definitions:
    ``wanted`` when given; else the default, or likes over followers when the default is
    not available (a likes-only export: the ``definition-fallback``).

    >>> usable_definition(["likes_followers"]).name, usable_definition(["er_followers"]).name
    ('likes_followers', 'er_followers')
    """
    if wanted is not None:
        return get_definition(wanted)
    d = get_definition(None)
    if d.name not in available and "likes_followers" in available:
        return get_definition("likes_followers")
    return d


def _need(posts: pd.DataFrame, cols: Sequence[str], definition: EngagementDefinition) -> None:
    missing = [c for c in cols if c not in posts.columns]
    if missing:
        raise KeyError(
            f"engagement definition {definition.name!r} ({definition.label}) needs column(s) "
            f"{', '.join(missing)}, which the posts table does not have"
        )


def post_engagement(posts: pd.DataFrame, definition=None) -> pd.Series:
    """Engagement per post: the sum of the definition's components (missing if any is missing)."""
    d = get_definition(definition)
    _need(posts, d.components, d)
    parts = [pd.to_numeric(posts[c], errors="coerce").astype("float64") for c in d.components]
    total = parts[0].copy()
    for p in parts[1:]:
        total = total + p  # NaN propagates: a hidden component hides the total
    return total.rename("engagement")


def post_exposure(posts: pd.DataFrame, definition=None) -> pd.Series:
    """Exposure per post (followers, reach, ...); non-positive values become missing."""
    d = get_definition(definition)
    _need(posts, (d.exposure,), d)
    x = pd.to_numeric(posts[d.exposure], errors="coerce").astype("float64")
    return x.where(x > 0).rename("exposure")


def post_rate(posts: pd.DataFrame, definition=None) -> pd.Series:
    """Engagement rate per post (missing where engagement or exposure is missing or exposure <= 0)."""
    return (post_engagement(posts, definition) / post_exposure(posts, definition)).rename("rate")


def _rate_column(how: str) -> str:
    if how not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {how!r}")
    return f"rate_{how}"


def tier_summary(
    influencers: pd.DataFrame,
    how: str = "median",
    *,
    stat: str = "median",
    by: str | Sequence[str] = "tier",
) -> pd.DataFrame:
    """Per-tier statistics over influencers (each influencer weighs once).

    ``how`` picks the influencer-level rate (``mean``/``median``/``trimmed``/``sum_ratio``
    of its posts); ``stat`` the tier-level statistic over influencers
    (``median``, ``mean`` or ``gmean``: geometric mean of positive rates).
    """
    col = _rate_column(how)
    by = [by] if isinstance(by, str) else list(by)
    funcs = {
        "median": "median",
        "mean": "mean",
        "gmean": lambda s: float(np.exp(np.log(s[s > 0]).mean())) if (s > 0).any() else np.nan,
    }
    if stat not in funcs:
        raise ValueError(f"stat must be one of {tuple(funcs)}, got {stat!r}")
    g = influencers.groupby(by, observed=True, dropna=False)
    out = g[col].agg(funcs[stat]).rename("rate").to_frame()
    out["n_influencers"] = g[col].count()
    out["n_posts"] = g["n_rated"].sum() if "n_rated" in influencers else np.nan
    out["unit"] = "influencer"
    out["aggregation"] = f"{stat} over influencers of per-influencer {how} rate"
    return out.reset_index()


def tier_sum_ratio(influencers: pd.DataFrame, *, by: str | Sequence[str] = "tier") -> pd.DataFrame:
    """Per-tier rate over posts: summed engagement / summed exposure of the tier's rated
    posts (big posters and big accounts weigh more), from an influencer table's sums."""
    by = [by] if isinstance(by, str) else list(by)
    rated = influencers.assign(_rated=(influencers["n_rated"] > 0).astype("int64"))
    # every tier of the scheme appears (an empty tier has a missing rate, not 0)
    g = rated.groupby(by, observed=False, dropna=False)
    out = pd.DataFrame(
        {
            "rate": g["rated_sum"].sum(min_count=1) / g["exposure_sum"].sum(min_count=1),
            "n_posts": g["n_rated"].sum(),
            "n_influencers": g["_rated"].sum(),
        }
    )
    out["unit"] = "post"
    out["aggregation"] = "over posts (sum / sum): summed engagement / summed exposure"
    return out.reset_index()
