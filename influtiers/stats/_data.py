"""Helpers shared by the tests: pull groups and values out of an influencer table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..metrics import get_definition


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
