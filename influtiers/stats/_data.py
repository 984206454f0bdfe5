"""Internal helpers: pull groups out of an influencer table, prepare posts for GLMs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import get_definition, post_engagement, post_exposure
from ..tiers import get_scheme


def definition_label(frame: pd.DataFrame, definition=None) -> str:
    """The engagement definition label recorded on a table, or of ``definition``."""
    if definition is not None:
        return get_definition(definition).label
    lab = frame.attrs.get("definition_label")
    if lab:
        return str(lab)
    name = frame.attrs.get("definition")
    if name:
        try:
            return get_definition(name).label
        except KeyError:
            return str(name)
    return ""


def is_posts(frame: pd.DataFrame) -> bool:
    """True for a posts table (not an influencer table from :func:`influencer_table`)."""
    return frame.attrs.get("unit") != "influencer" and "n_posts" not in frame.columns


def group_values(
    table: pd.DataFrame, a, b, value: str, group: str = "tier"
) -> tuple[np.ndarray, np.ndarray, dict, dict]:
    """Finite values of ``value`` for groups ``a`` and ``b`` and their post counts."""
    if group not in table.columns:
        raise KeyError(f"the table has no {group!r} column")
    if value not in table.columns:
        raise KeyError(f"the table has no {value!r} column")
    g = table[group].astype("object")
    out = []
    posts = {}
    for lab in (a, b):
        rows = table.loc[(g == lab).to_numpy()]
        v = pd.to_numeric(rows[value], errors="coerce").to_numpy(dtype=float)
        ok = np.isfinite(v)
        out.append(v[ok])
        npost = rows["n_posts"].to_numpy()[ok].sum() if "n_posts" in rows else 0
        posts[str(lab)] = int(npost)
    sizes = {str(a): len(out[0]), str(b): len(out[1])}
    return out[0], out[1], sizes, posts


def per_value(table: pd.DataFrame, value: str) -> tuple[pd.Series, str]:
    """A per-influencer column; ``"likes per post"`` style names map to ``<count>_sum/_n``."""
    if value in table.columns:
        return pd.to_numeric(table[value], errors="coerce").astype(float), value
    if value.endswith(" per post"):
        c = value[: -len(" per post")].strip()
        if f"{c}_sum" in table and f"{c}_n" in table:
            n = table[f"{c}_n"].where(table[f"{c}_n"] > 0)
            return (table[f"{c}_sum"] / n).astype(float), value
    raise KeyError(f"the table has no {value!r} column (nor '<count>_sum'/'<count>_n')")


def prepare_posts(
    posts: pd.DataFrame, definition=None, *, scheme=None, group: str = "tier"
) -> pd.DataFrame:
    """Posts with ``engagement``, ``exposure``, ``cluster`` and the influencer's ``tier``.

    The tier is that of the influencer (median followers over its posts, as in
    :func:`influtiers.aggregate.influencer_table`), so an influencer never
    straddles two tiers. Posts without engagement or with non-positive exposure
    are dropped.
    """
    d = get_definition(definition)
    plat = (
        posts["platform"].astype("string").fillna("unknown")
        if "platform" in posts
        else pd.Series("unknown", index=posts.index, dtype="string")
    )
    cluster = plat + "\x1f" + posts["account_id"].astype("string")
    df = pd.DataFrame(
        {
            "cluster": cluster.to_numpy(),
            "platform": plat.to_numpy(),
            "followers": pd.to_numeric(posts["followers"], errors="coerce").to_numpy(float),
            "engagement": post_engagement(posts, d).to_numpy(),
            "exposure": post_exposure(posts, d).to_numpy(),
        }
    )
    if group != "tier" and group in posts:
        df[group] = posts[group].to_numpy()
    else:
        med = df.groupby("cluster", sort=False)["followers"].transform("median")
        s = get_scheme(scheme)
        df["tier"] = s.classify(med.to_numpy(), df["platform"].to_numpy())
    df = df[np.isfinite(df["engagement"]) & np.isfinite(df["exposure"])].reset_index(drop=True)
    return df
