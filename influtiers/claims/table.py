"""The registry as tables people read: every claim's estimand, test, band and decision rule.

:func:`rules_table` is generated from :data:`~influtiers.claims.registry.CLAIMS`; the
README's claims table and notebook 00 print it (a test checks that the README's copy is
current: ``python -m influtiers.claims.table`` prints the Markdown to paste).
"""

from __future__ import annotations

import pandas as pd

from .. import config
from .registry import CLAIMS
from .rules import band


def rules_table(margin=config.MARGIN) -> pd.DataFrame:
    """One row per claim: id, title, articles, estimand, test, band, rule kind, decision rule."""
    rows = []
    for c in CLAIMS.values():
        if c.claimed is not None and c.rule == "band":
            lo, hi = band(c.claimed, margin)
            bnd = f"{lo:g} to {hi:g} (claimed {c.claimed:g})"
        elif c.claimed is not None:
            bnd = f"claimed {c.claimed:g}"
        else:
            bnd = ""
        rows.append(
            {
                "id": c.id,
                "claim": c.title,
                "articles": ", ".join(c.articles),
                "estimand": f"{c.metric}; {c.comparison}",
                "test": c.test,
                "band": bnd,
                "rule": c.rule + (", per platform + fixed effects" if c.per_platform else ""),
                "decision_rule": c.decision_rule,
            }
        )
    return pd.DataFrame(rows)


def rules_markdown(margin=config.MARGIN) -> str:
    """:func:`rules_table` as a Markdown table (the README's claims table)."""
    t = rules_table(margin)
    cols = ["id", "claim", "articles", "estimand", "test", "band", "decision_rule"]
    head = "| " + " | ".join(c.replace("_", " ") for c in cols) + " |"
    lines = [head, "|" + "---|" * len(cols)]
    for _, r in t.iterrows():
        lines.append("| " + " | ".join(str(r[c]).replace("|", "/") for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a developer's helper
    print(rules_markdown())
