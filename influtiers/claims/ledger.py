"""Running the registry on evidence, and the ledger it gives (one row per claim, dataset,
platform and part; columns :data:`~influtiers.claims.model.LEDGER_COLUMNS`)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..config import RELEASE_INFLUENCERS
from ..errors import NotTestable
from ..evidence.tables import release_freed_memory
from .context import FE, Context, not_testable_from
from .evaluators import EVALUATORS
from .model import (
    ARITHMETIC,
    COUNT_COLUMNS,
    DEFINITIONAL,
    LEDGER_COLUMNS,
    NUMERIC_COLUMNS,
    POSTS,
    PROVENANCE_COLUMNS,
    PUBLISHED,
    VERDICTS,
    Claim,
    ClaimResult,
)
from .registry import CLAIMS
from .rules import holm


def evaluate_claim(claim: Claim | str, ctx: Context) -> ClaimResult:
    """Evaluate one claim in isolation: a known data limitation becomes ``not-testable``
    with its reason; an unexpected exception becomes an ``error`` result carrying the
    message (the other claims are unaffected)."""
    claim = CLAIMS[claim] if isinstance(claim, str) else claim
    try:
        return EVALUATORS[claim.evaluator](ctx, claim)
    except NotTestable as e:
        return not_testable_from(e)
    except Exception as e:  # noqa: BLE001 - any bug in one claim stays in its row
        return ClaimResult("error", reason=f"{type(e).__name__}: {e}"[:500])


def platform_label(evidence) -> str:
    """The ledger's ``platform`` of a dataset's rows: its one platform, or ``all``."""
    plats = evidence.platforms
    return plats[0] if len(plats) == 1 else "all"


def result_rows(
    claim: Claim, res: ClaimResult, *, dataset: str, platform: str, accounting: Mapping
) -> list[dict]:
    """The headline row and the part rows of one claim's result."""
    rows = []
    for r in [res, *res.parts]:
        n = r.n_influencers or {}
        rows.append(
            {
                "claim_id": claim.id,
                "title": claim.title,
                "dataset": dataset,
                "platform": platform,
                "part": r.part,
                "evidence": r.evidence,
                "verdict": r.verdict,
                "direction": r.direction,
                "estimand": r.estimand,
                "estimate": r.estimate,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "claimed": r.claimed,
                "band_low": r.band_low,
                "band_high": r.band_high,
                "p_value": r.p_value,
                "p_adjusted": math.nan,
                "flags": "; ".join(r.flags),
                "range_low": r.range_low,
                "range_high": r.range_high,
                "n_influencers": "; ".join(f"{k}={v}" for k, v in n.items()),
                "n_posts": r.n_posts if r.n_posts is not None else pd.NA,
                "rows_in": accounting.get("rows_in", pd.NA),
                "accepted": accounting.get("accepted", pd.NA),
                "quarantined": accounting.get("quarantined", pd.NA),
                "k": pd.NA,
                "tau2": math.nan,
                "i2": math.nan,
                "pi_low": math.nan,
                "pi_high": math.nan,
                "sources": "",
                "method": r.method,
                "definition": r.definition,
                "scheme": r.scheme,
                "reason": r.reason,
                "summary": r.summary,
                "data_sha256": accounting.get("sha256") or "",
                "run_id": "",
            }
        )
    return rows


def scopes(claim: Claim, evidence) -> list[tuple[str, str | None]]:
    """The (platform label, context scope) rows of ``claim`` on ``evidence``: one row when
    the data have one platform (or the claim is not per platform), else a row per platform
    and, except for simulations, a row with platform fixed effects."""
    plats = evidence.platforms
    if claim.per_platform and len(plats) > 1:
        out = [(p, p) for p in plats]
        if claim.rule != "simulation":
            out.append((FE, FE))
        return out
    return [(platform_label(evidence), None)]


def evaluate(
    evidence,
    *,
    claims: Iterable[str] | None = None,
    **settings,
) -> list[tuple[Claim, str, ClaimResult]]:
    """Evaluate the registry's claims (or ``claims``) on one dataset's evidence: a
    (claim, platform label, result) triple per row scope."""
    ids = list(claims) if claims is not None else list(CLAIMS)
    unknown = [c for c in ids if c not in CLAIMS]
    if unknown:
        raise KeyError(f"unknown claim id(s) {', '.join(unknown)}; known: {', '.join(CLAIMS)}")
    ctx = Context(evidence, **settings)
    rows = [(CLAIMS[c], label, scope) for c in ids for label, scope in scopes(CLAIMS[c], evidence)]
    # each claim's tables are dropped after it: on millions of influencers the tables of
    # several claims at once would not fit beside the evidence (rebuilding them costs
    # 0.5 s of 16 s at 10M posts); an evidence read from a run also forgets its
    # influencer-and-flag table after each claim (3 claims read it: 1.4 GB at 2M
    # influencers, read again in 3 s)
    large = evidence.num_rows("influencers") >= RELEASE_INFLUENCERS
    out = []
    for i, (claim, label, scope) in enumerate(rows):
        out.append((claim, label, evaluate_claim(claim, ctx.with_scope(scope))))
        ctx.drop_tables()
        if i + 1 == len(rows) or rows[i + 1][0] is not claim:
            evidence.unload("by_sponsored")
        if large:
            release_freed_memory()
    return out


def run_ledger(evidence, *, claims: Iterable[str] | None = None, **settings) -> Ledger:
    """The ledger of one dataset's evidence (see :func:`evaluate` for the settings)."""
    evaluated = evaluate(evidence, claims=claims, **settings)
    return Ledger.from_results(evaluated, evidence)


#: Rules whose headline rows enter the multiplicity family (tests on data with a p-value).
TESTED_RULES = ("band", "directional", "intersection-union", "shape")


def adjust(ledger: pd.DataFrame) -> pd.DataFrame:
    """Fill ``p_adjusted``: Holm over the data claims' headline rows of one dataset and
    platform (posts evidence, a tested rule, a verdict of a test, a p-value)."""
    rules = {c.id: c.rule for c in CLAIMS.values()}
    fam = (
        (ledger["evidence"] == POSTS)
        & (ledger["part"] == "")
        & ledger["claim_id"].map(rules).isin(TESTED_RULES)
        & ledger["verdict"].isin(("supported", "contradicted", "inconclusive"))
        & np.isfinite(ledger["p_value"].astype(float))
    )
    out = ledger.copy()
    out["p_adjusted"] = np.nan
    for _, idx in out[fam].groupby(["dataset", "platform"]).groups.items():
        out.loc[idx, "p_adjusted"] = holm(out.loc[idx, "p_value"].to_numpy(float))
    return out


class Ledger(pd.DataFrame):
    """A DataFrame of ledger rows with a few presentation helpers."""

    @property
    def _constructor(self):
        return Ledger

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Ledger:
        df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
        for c in NUMERIC_COLUMNS:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        for c in COUNT_COLUMNS:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
        for c in PROVENANCE_COLUMNS:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
        return cls(df)

    @classmethod
    def from_results(cls, evaluated, evidence) -> Ledger:
        """The rows of evaluated claims on ``evidence``; each carries the dataset's
        accounting and sha256, and the data flags of ``meta["data_flags"]`` (e.g.
        ``account-level``, ``duplicate-rows``) on its rows judged on posts."""
        meta = evidence.meta
        acc = {k: meta[k] for k in ("rows_in", "accepted", "quarantined", "sha256") if k in meta}
        data_flags = [str(f) for f in meta.get("data_flags") or ()]
        rows = []
        for claim, platform, res in evaluated:
            rows += result_rows(
                claim, res, dataset=evidence.label, platform=platform, accounting=acc
            )
        if data_flags:
            for r in rows:
                if r["evidence"] == POSTS:
                    have = [f for f in r["flags"].split("; ") if f]
                    r["flags"] = "; ".join(dict.fromkeys([*have, *data_flags]))
        return cls(adjust(cls.from_rows(rows)))

    @property
    def errors(self) -> Ledger:
        """The rows whose claim failed unexpectedly (verdict ``error``)."""
        return Ledger(self[self["verdict"] == "error"])

    def summary(self) -> str:
        counts = self["verdict"].value_counts()
        head = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS if counts.get(v, 0))
        ds = list(self["dataset"].unique())
        where = ds[0] if len(ds) == 1 else f"{len(ds)} datasets"
        return f"{len(self)} rows ({self['claim_id'].nunique()} claims) on {where}: {head}"

    def records(self) -> list[dict]:
        return ledger_records(self)

    def to_records_json(self) -> str:
        return json.dumps(ledger_records(self), indent=2, ensure_ascii=False)

    def to_markdown_table(self) -> str:
        cols = [
            "claim_id",
            "title",
            "verdict",
            "estimate",
            "ci_low",
            "ci_high",
            "claimed",
            "evidence",
        ]
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for _, r in self.iterrows():
            lines.append("| " + " | ".join(_fmt(r[c]) for c in cols) + " |")
        return "\n".join(lines)

    def compact(self, digits: int = 3) -> pd.DataFrame:
        """The key columns, rounded: what notebooks print."""
        cols = ["claim_id", "verdict", "estimate", "ci_low", "ci_high", "claimed"]
        out = pd.DataFrame(self[cols]).copy()
        for c in ("estimate", "ci_low", "ci_high", "claimed"):
            out[c] = out[c].astype(float).round(digits)
        return out


def _fmt(v) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else f"{v:.4g}"
    if v is pd.NA or v is None:
        return ""
    return str(v).replace("|", "/").replace("\n", " ")


def ledger_records(df: pd.DataFrame) -> list[dict]:
    """JSON-safe rows (NaN and NA become None)."""
    out = []
    for rec in pd.DataFrame(df).to_dict(orient="records"):
        clean = {}
        for k, v in rec.items():
            if v is pd.NA or v is None:
                v = None
            elif isinstance(v, float) and not math.isfinite(v):
                v = None
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.floating):
                v = float(v) if math.isfinite(v) else None
            clean[k] = v
        out.append(clean)
    return out


def headline_mask(ledger: pd.DataFrame) -> pd.Series:
    """Which rows head their claim: the pooled rows if there are any; else per dataset
    the ``all (platform FE)`` row, else its ``all`` row or its only row (every platform
    row when there are several and neither); descriptive rows only for a claim with
    nothing else, published rows only for a claim with only published rows."""
    d = pd.DataFrame(ledger)
    kind = pd.Series(
        np.select(
            [
                d["dataset"] == "pooled",
                d["evidence"] == PUBLISHED,
                (d["verdict"] == "descriptive") | d["evidence"].isin((DEFINITIONAL, ARITHMETIC)),
            ],
            ["pooled", "published", "descriptive"],
            "data",
        ),
        index=d.index,
    )
    top = d["part"].astype(str) == ""
    head = pd.Series(False, index=d.index)
    for _, g in d.groupby("claim_id", sort=False):
        pooled = g[kind[g.index] == "pooled"]
        if len(pooled):
            head[pooled.index[top[pooled.index]] if top[pooled.index].any() else pooled.index] = (
                True
            )
            continue
        for want in ("data", "descriptive", "published"):
            rows = g[(kind[g.index] == want) & top[g.index]]
            for _, one in rows.groupby("dataset", sort=False):
                fe, every = one[one["platform"] == FE], one[one["platform"].isin(("all", ""))]
                pick = (
                    fe[:1]
                    if len(fe)
                    else one
                    if len(one) == 1
                    else every[:1]
                    if len(every)
                    else one
                )
                head[pick.index] = True
            if len(rows):
                break
    return head


def overview_frame(ledger: pd.DataFrame) -> pd.DataFrame:
    """Ledger rows for the claims forest: ``relative`` = estimate ÷ claimed (and the
    interval likewise) on tests of data where both are positive numbers (a numeric
    comparison: ``shown = "forest"``); the headline rows of the other claims are listed
    beside it by evidence type (``shown = "listed"``); other rows are not shown."""
    d = pd.DataFrame(ledger).copy().reset_index(drop=True)
    est, lo, hi, cl = (
        pd.to_numeric(d[c], errors="coerce") for c in ("estimate", "ci_low", "ci_high", "claimed")
    )
    data_row = ~d["evidence"].isin((PUBLISHED, DEFINITIONAL, ARITHMETIC)) & (
        d["verdict"] != "descriptive"
    )
    ok = data_row & (cl > 0) & (est > 0) & np.isfinite(cl)
    d["relative"] = (est / cl).where(ok)
    d["rel_low"] = (lo / cl).where(ok & (lo > 0))
    d["rel_high"] = (hi / cl).where(ok & (hi > 0))
    short = d["title"].astype(str).map(lambda t: t if len(t) <= 40 else t[:39].rstrip() + "…")
    where = d["platform"].astype(str).where(~d["platform"].isin(("", "all")), "")
    where = where.str.replace(FE, "platform FE", regex=False)
    several = d.loc[data_row, "dataset"].nunique() > 1
    where = (d["dataset"].astype(str) + " " + where).str.strip() if several else where
    where = (where + " " + d["part"].astype(str)).str.strip()
    d["label"] = d["claim_id"] + " " + short + np.where(where != "", " · " + where, "")
    plotted = d.groupby("claim_id")["relative"].transform(lambda s: s.notna().any())
    d["shown"] = np.where(ok, "forest", np.where(~plotted & headline_mask(d), "listed", ""))
    cols = [
        "claim_id",
        "label",
        "evidence",
        "platform",
        "part",
        "verdict",
        "direction",
        "estimate",
        "ci_low",
        "ci_high",
        "claimed",
        "relative",
        "rel_low",
        "rel_high",
        "shown",
    ]
    return d[cols]


__all__ = [
    "TESTED_RULES",
    "Ledger",
    "adjust",
    "scopes",
    "evaluate",
    "evaluate_claim",
    "headline_mask",
    "ledger_records",
    "overview_frame",
    "platform_label",
    "result_rows",
    "run_ledger",
]
