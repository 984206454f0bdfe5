"""The ledger as the page shows it: one card per claim, led by its plain sentences.

:func:`claim_cards` groups the ledger rows (``claims.csv``) by claim, in ledger order.
Each card has the sentences of its headline rows (:mod:`influtiers.report.sentences`),
the published and descriptive rows tallied by evidence type, the claim's decision rule
from the registry, and every row for the collapsible details.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..claims import CLAIMS
from ..claims.model import LEDGER_COLUMNS, PUBLISHED
from .sentences import (
    FE_PLATFORM,
    flags,
    headline_rows,
    number,
    row_kind,
    scope,
    sentence,
)

#: Verdicts in the order tallies show them (each data verdict next to its published twin).
DISPLAY_ORDER = (
    "supported",
    "consistent",
    "contradicted",
    "inconsistent",
    "inconclusive",
    "not-testable",
    "descriptive",
    "error",
)
#: Card groups, in page order: claims with a data verdict, then the others by evidence type.
DATA_GROUP = "data"


def anchor(prefix: str, key) -> str:
    """An element id: ``claim-C04``; characters outside ``[A-Za-z0-9_-]`` become ``_``."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", f"{prefix}-{key}")


def data_datasets(rows: Iterable[Mapping]) -> list[str]:
    """The datasets whose rows are tests on data (not published, not pooled)."""
    return list(dict.fromkeys(str(r.get("dataset", "")) for r in rows if row_kind(r) == "data"))


def where(row: Mapping, *, several: bool) -> str:
    """A row's place in the ledger: dataset (when it matters), platform and part."""
    ds = str(row.get("dataset", "") or "")
    kind = row_kind(row)
    bits = []
    if several or kind in ("published", "pooled"):
        bits.append(ds.replace("benchmarks: ", "published: ") if ds else "")
    platform = str(row.get("platform", "") or "")
    if platform:
        bits.append("all platforms (platform FE)" if platform == FE_PLATFORM else platform)
    if row.get("part"):
        bits.append(f"part: {row['part']}")
    return " · ".join(b for b in bits if b) or "—"


def tally(rows: Iterable[Mapping]) -> list[tuple[str, int]]:
    """``[(verdict, count)]`` in the order of the verdict words, unknown words last."""
    counts: dict[str, int] = {}
    for r in rows:
        v = str(r.get("verdict", "") or "")
        counts[v] = counts.get(v, 0) + 1
    order = {v: i for i, v in enumerate(DISPLAY_ORDER)}
    return sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))


def _others(rows: list[Mapping], heads: list[Mapping]) -> list[dict]:
    """Published and descriptive rows that are not the card's headline, by evidence type."""
    head_ids = {id(r) for r in heads}
    groups: dict[str, list[Mapping]] = {}
    for r in rows:
        if id(r) in head_ids or row_kind(r) not in ("published", "descriptive"):
            continue
        if r.get("part"):
            continue
        groups.setdefault(str(r.get("evidence", "") or "other"), []).append(r)
    out = []
    for evidence, rs in groups.items():
        names = list(
            dict.fromkeys(str(r.get("dataset", "")).replace("benchmarks: ", "") for r in rs)
        )
        out.append({"evidence": evidence, "tally": tally(rs), "sources": names, "n": len(rs)})
    return out


def pooled_inputs(pooled: Mapping | None) -> dict[tuple[str, str], list[tuple[str, float, float]]]:
    """``{(claim, part): [(source, estimate, weight)]}`` from ``pooled.json``."""
    out: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    for p in (pooled or {}).get("pooled") or []:
        if not isinstance(p, Mapping):
            continue
        srcs, eff, w = (list(p.get(k) or []) for k in ("sources", "effects", "weights"))
        eff, w = [number(x) for x in eff], [number(x) for x in w]
        if len(srcs) == len(eff) == len(w) and None not in eff + w:
            key = (str(p.get("claim_id", "")), str(p.get("part", "") or ""))
            out[key] = list(zip(map(str, srcs), eff, w, strict=True))
    return out


def claim_cards(
    rows: list[Mapping], *, several: bool | None = None, pooled: Mapping | None = None
) -> list[dict]:
    """One card per claim (ledger order). ``several``: the run has more than one dataset
    (default: inferred from the rows); ``pooled``: ``pooled.json`` (each pooled row's
    inputs and weights)."""
    if several is None:
        several = len(data_datasets(rows)) > 1
    inputs = pooled_inputs(pooled)
    by_claim: dict[str, list[Mapping]] = {}
    for r in rows:
        by_claim.setdefault(str(r.get("claim_id", "")), []).append(r)
    cards = []
    for cid, rs in by_claim.items():
        heads = headline_rows(rs)
        kinds = {row_kind(r) for r in heads}
        if kinds & {"data", "pooled"}:
            group = DATA_GROUP
        else:
            group = str(heads[0].get("evidence", "") or "other") if heads else "other"
        head_ids = {id(r) for r in heads}
        details = []
        for i, r in enumerate(rs, start=1):
            details.append(
                {
                    "row": {**dict.fromkeys(LEDGER_COLUMNS, ""), **r},
                    "anchor": anchor("row", f"{cid}-{i}"),
                    "where": where(r, several=several),
                    "kind": row_kind(r),
                    "headline": id(r) in head_ids,
                    "flags": flags(r),
                    "inputs": inputs.get((cid, str(r.get("part", "") or "")), [])
                    if row_kind(r) == "pooled"
                    else [],
                }
            )
        answers = [
            {
                "text": sentence(r),
                "verdict": str(r.get("verdict", "") or ""),
                "flags": flags(r),
                "scope": scope(r, several=several),
                "kind": row_kind(r),
            }
            for r in heads
        ]
        claim = CLAIMS.get(cid)
        cards.append(
            {
                "id": cid,
                "title": str(rs[0].get("title", "") or (claim.title if claim else "")),
                "anchor": anchor("claim", cid),
                "group": group,
                "answers": answers,
                "others": _others(rs, heads),
                "rows": details,
                "rule": claim.decision_rule if claim else "",
                "test": claim.test if claim else "",
                "statement": claim.statement if claim else "",
            }
        )
    return cards


def groups(cards: list[dict]) -> list[tuple[str, list[dict]]]:
    """``[(group, cards)]``: the data verdicts first, then by evidence type."""
    order: dict[str, list[dict]] = {DATA_GROUP: []}
    for c in cards:
        order.setdefault(c["group"], []).append(c)
    return [(g, cs) for g, cs in order.items() if cs]


def headline_tally(cards: list[dict]) -> list[tuple[str, int]]:
    """Verdicts of the sentences of the data group (what the page leads with)."""
    rows = [
        {"verdict": a["verdict"]} for c in cards if c["group"] == DATA_GROUP for a in c["answers"]
    ]
    return tally(rows)


def sources_summary(rows: list[Mapping]) -> dict:
    """What the ledger draws on: datasets, published sources, pooled claims."""
    published = list(
        dict.fromkeys(str(r.get("dataset", "")) for r in rows if r.get("evidence") == PUBLISHED)
    )
    pooled = list(
        dict.fromkeys(str(r.get("claim_id", "")) for r in rows if row_kind(r) == "pooled")
    )
    return {"datasets": data_datasets(rows), "published": published, "pooled": pooled}


__all__ = [
    "DATA_GROUP",
    "anchor",
    "claim_cards",
    "data_datasets",
    "groups",
    "headline_tally",
    "pooled_inputs",
    "sources_summary",
    "tally",
    "where",
]
