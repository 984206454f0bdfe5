"""One plain sentence per claim, from the claim's headline row of the ledger.

The headline row (:func:`headline_rows`) is the pooled row if there is one; else each
dataset's ``all (platform FE)`` row; else its ``all`` row or its only row. Published rows
(``evidence == "published aggregates"``) and descriptive rows (definitions, the
article's arithmetic) are listed by evidence type, not read as data verdicts
(:func:`row_kind`).

The wording is data (:data:`PHRASES`): per claim, what the estimate says (``finding``,
with ``{estimate}``) and what the claim is (``claim``, with ``{claimed}`` and ``{band}``),
and the scale the numbers are written on. The verdict's words come from
:data:`VERDICT_PHRASES`. Every value comes from the ledger columns (estimate, 95% interval,
claimed value and band, verdict, direction, reason).

>>> row = {"claim_id": "C04", "estimate": "1.17", "ci_low": "1.11", "ci_high": "1.25",
...        "claimed": "1.6", "verdict": "contradicted", "direction": "overstated"}
>>> sentence(row)
"Micro-influencers' engagement rate is 1.17x macro's (95% CI 1.11–1.25): the claimed 1.6x is contradicted (overstated)."
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..claims.model import ARITHMETIC, DEFINITIONAL, PUBLISHED

#: The platform label of a dataset's platform fixed-effects row.
FE_PLATFORM = "all (platform FE)"
#: The dataset label of pooled rows.
POOLED = "pooled"


@dataclass(frozen=True)
class Phrase:
    """How one claim's headline row is put into words.

    ``finding`` states the estimate (``{estimate}``, ``{estimand}``); ``claim`` names the
    claim as the subject of the verdict (``{claimed}``, ``{band}``, ``{title}``); ``scale`` writes the
    numbers: ``ratio`` (1.17x), ``number``, ``percent`` (a share: 0.47 -> 47%), ``money``
    ($111) or ``count``.
    """

    finding: str
    claim: str
    scale: str = "ratio"


#: Per claim: the sentence's wording (a table like the claims registry).
PHRASES: dict[str, Phrase] = {
    "C01": Phrase(
        "Up to {estimate} of influencers get a different tier under another article's scheme",
        "'tier cut-points differ between sources'",
        "percent",
    ),
    "C02": Phrase(
        "Micro-influencers' engagement rate is {estimate} macro's",
        "'about equal' (a ratio within {band})",
    ),
    "C03": Phrase(
        "Macro-influencers get {estimate} micro-influencers' likes per post",
        "'macro-influencers win on total likes, comments and reach'",
    ),
    "C04": Phrase(
        "Micro-influencers' engagement rate is {estimate} macro's", "the claimed {claimed}"
    ),
    "C05": Phrase(
        "The engagement rate's elasticity with respect to followers is {estimate}",
        "'engagement rate falls as followers grow'",
        "number",
    ),
    "C06": Phrase(
        "Micro-influencers get {estimate} nano-influencers' engagement per post",
        "'micro beats nano on absolute engagement per post'",
    ),
    "C07": Phrase(
        "The turning point of engagement per post is at {estimate} followers",
        "the Goldilocks zone (an inverted U peaking in the micro tier)",
        "count",
    ),
    "C08": Phrase(
        "The estimate is {estimate}",
        "the claim that a big influencer's post can cost over $10,000 and a micro feed post $100",
        "money",
    ),
    "C09": Phrase(
        "CPM's elasticity with respect to followers is {estimate}",
        "'CPM falls with influencer size'",
        "number",
    ),
    "C10": Phrase(
        "Micro-influencers' cost per engagement is {estimate} macro's",
        "'micro campaigns are more cost-effective'",
    ),
    "C11": Phrase(
        "In the article's scenario the micro post is cheaper per impression below {estimate} "
        "(the mega post at $10,000)",
        "'the footballer vs DIY scenario favours the micro-influencer'",
        "money",
    ),
    "C12": Phrase(
        "The simulated {estimand} is {estimate}",
        "the recommended 20-influencer A/B test (power of at least {claimed})",
        "percent",
    ),
    "C13": Phrase(
        "The macro plan's coefficient of variation of total engagement is {estimate} the "
        "micro plan's",
        "'one macro-influencer is all eggs in one basket'",
    ),
    "C14": Phrase(
        "Micro-influencers' sponsored-to-organic engagement ratio is {estimate} macro's",
        "'micro-influencers are more authentic' (a smaller sponsored-post penalty)",
    ),
    "C15": Phrase(
        "Nano-influencers are {estimate} as common as the next tier",
        "'by far the most common' (at least {claimed} as common)",
    ),
    "C16": Phrase(
        "The 2022 market size is {estimate} billion USD",
        "the claimed $16.4B",
        "number",
    ),
    # C17-C23 are decided by one pair or part of several: the estimand names it
    "C17": Phrase(
        "The {estimand} is {estimate}", "'nano-influencers charge less than every other tier'"
    ),
    "C18": Phrase("The {estimand} is {estimate}", "the claimed {claimed}"),
    "C19": Phrase(
        "The {estimand} is {estimate}", "'reach per follower falls as followers grow'", "number"
    ),
    "C20": Phrase("The {estimand} is {estimate}", "'micro-influencers have niche audiences'"),
    "C21": Phrase(
        "The {estimand} is {estimate}", "'micro-influencers have fewer ongoing brand deals'"
    ),
    "C22": Phrase(
        "The {estimand} is {estimate}",
        "'a micro-influencer's sponsored post grows into a partnership'",
    ),
    "C23": Phrase("The {estimand} is {estimate}", "'results depend on the platform'"),
}
#: Wording of a claim the table does not know (a claim added to the registry later).
GENERIC = Phrase("The estimate ({estimand}) is {estimate}", "{title}", "number")

#: Verdict -> the words after the claim ("the claimed 1.6x is contradicted").
VERDICT_PHRASES = {
    "supported": "is supported",
    "contradicted": "is contradicted",
    "inconclusive": "is inconclusive",
    "not-testable": "cannot be tested on these data",
    "consistent": "is consistent with the published figure",
    "inconsistent": "is inconsistent with the published figure",
    "descriptive": "is descriptive (not a data verdict)",
    "error": "could not be evaluated (error)",
}
#: Verdicts whose reason is part of the sentence when there is no estimate.
EXPLAINED = ("not-testable", "error", "contradicted", "supported", "inconclusive")
#: Evidence types read as descriptive, not as data verdicts.
DESCRIPTIVE_EVIDENCE = (DEFINITIONAL, ARITHMETIC)

MINUS = "−"


# ------------------------------------------------------------------ numbers
def number(value) -> float | None:
    """A ledger cell as a finite float, else ``None`` (empty, NaN, text)."""
    if value is None:
        return None
    try:
        v = float(str(value).strip())
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def significant(v: float, digits: int = 3, *, zeros: bool = True) -> str:
    """``v`` to ``digits`` significant figures, plainly (thousands separated, real minus);
    ``zeros=False`` drops trailing zeros (a claimed 1.6, not 1.60)."""
    if v == 0:
        return "0"
    if abs(v) >= 10**digits:
        text = f"{v:,.0f}"
    else:
        text = f"{v:#.{digits}g}".rstrip(".") if zeros else f"{v:.{digits}g}"
        if "e" in text:
            mant, exp = text.split("e")
            text = f"{mant}×10^{int(exp)}"
    return text.replace("-", MINUS)


def on_scale(v: float, scale: str, *, unit: bool = True, zeros: bool = True) -> str:
    """A number on a phrase's scale; ``unit=False`` leaves out a ratio's ``x``;
    ``zeros=False`` writes a stated number as stated (1.6x, 80%)."""
    if scale == "percent":
        return significant(v * 100, zeros=zeros) + "%"
    if scale == "money":
        text = f"${v:,.0f}" if abs(v) >= 100 else f"${v:,.2f}"
        return text.replace("$-", f"{MINUS}$")
    if scale == "count":
        return significant(v) if abs(v) < 1000 else f"{v:,.0f}"
    text = significant(v, zeros=zeros)
    return text + "x" if scale == "ratio" and unit else text


def interval(lo: float | None, hi: float | None, scale: str, level: str = "95% CI") -> str:
    """``95% CI 1.11–1.25`` (``to`` between negative bounds); empty without both bounds."""
    if lo is None or hi is None:
        return ""
    a, b = on_scale(lo, scale, unit=False), on_scale(hi, scale, unit=False)
    sep = " to " if (lo < 0 or hi < 0) else "–"
    return f"{level} {a}{sep}{b}"


# ------------------------------------------------------------------ rows
def row_kind(row: Mapping) -> str:
    """``pooled``, ``published``, ``descriptive`` or ``data`` (tests on a dataset)."""
    if str(row.get("dataset", "")) == POOLED:
        return "pooled"
    if str(row.get("evidence", "")) == PUBLISHED:
        return "published"
    if str(row.get("verdict", "")) == "descriptive" or row.get("evidence") in DESCRIPTIVE_EVIDENCE:
        return "descriptive"
    return "data"


def flags(row: Mapping) -> list[str]:
    return [f.strip() for f in str(row.get("flags", "") or "").split(";") if f.strip()]


def headline_rows(rows: Iterable[Mapping]) -> list[Mapping]:
    """The rows one claim's sentences are made from (see the module docstring).

    ``rows`` are one claim's ledger rows in ledger order. Descriptive rows are the
    headline of a claim that has nothing else; published rows only of a claim that has
    only published rows.
    """
    rows = list(rows)
    heads = [r for r in rows if not str(r.get("part", ""))]
    pooled = [r for r in rows if row_kind(r) == "pooled"]
    if pooled:
        return [r for r in pooled if not str(r.get("part", ""))] or pooled
    out: list[Mapping] = []
    for kind in ("data", "descriptive", "published"):
        for ds in dict.fromkeys(str(r.get("dataset", "")) for r in heads if row_kind(r) == kind):
            mine = [r for r in heads if row_kind(r) == kind and str(r.get("dataset", "")) == ds]
            fe = [r for r in mine if r.get("platform") == FE_PLATFORM]
            every = [r for r in mine if r.get("platform") in ("all", "")]
            out += fe[:1] or (mine if len(mine) == 1 else every[:1] or mine)
        if out:
            return out
    return out


# ------------------------------------------------------------------ sentences
def verdict_words(row: Mapping) -> str:
    verdict = str(row.get("verdict", "") or "").strip()
    words = VERDICT_PHRASES.get(verdict, f"is {verdict or 'without a verdict'}")
    direction = str(row.get("direction", "") or "").strip()
    return words + (f" ({direction})" if direction else "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def sentence(row: Mapping, phrase: Phrase | None = None) -> str:
    """The plain sentence of one ledger row (its claim's wording from :data:`PHRASES`)."""
    p = phrase or PHRASES.get(str(row.get("claim_id", "")), GENERIC)
    est = number(row.get("estimate"))
    lo, hi = number(row.get("ci_low")), number(row.get("ci_high"))
    claimed, blo, bhi = (number(row.get(c)) for c in ("claimed", "band_low", "band_high"))
    fields = {
        "estimate": on_scale(est, p.scale) if est is not None else "",
        "estimand": str(row.get("estimand", "") or "estimate"),
        "title": f"'{row['title']}'" if row.get("title") else "the claim",
        "claimed": (
            on_scale(claimed, p.scale, zeros=False) if claimed is not None else "the claimed value"
        ),
        "band": (
            f"{on_scale(blo, p.scale, unit=False, zeros=False)}–"
            f"{on_scale(bhi, p.scale, zeros=False)}"
            if blo is not None and bhi is not None
            else "the claim's band"
        ),
    }
    claim = p.claim.format(**fields)
    verdict = str(row.get("verdict", "") or "")
    if est is not None and verdict not in ("not-testable", "error"):
        ci = interval(lo, hi, p.scale)
        if not ci:
            rlo, rhi = number(row.get("range_low")), number(row.get("range_high"))
            ci = interval(rlo, rhi, p.scale, level="published range")
        finding = p.finding.format(**fields) + (f" ({ci})" if ci else "")
        return f"{finding}: {claim} {verdict_words(row)}."
    text = f"{_capital(claim)} {verdict_words(row)}"
    reason = str(row.get("reason", "") or "").strip().rstrip(".")
    if reason and verdict in EXPLAINED:
        text += f": {reason}"
    return text + "."


def scope(row: Mapping, *, several: bool) -> str:
    """Where a sentence's row comes from: ``pooled over 3 sources``, ``dataset ig``,
    ``tiktok``; empty for a single dataset's main row."""
    kind = row_kind(row)
    if kind == "pooled":
        sources = [x.strip() for x in str(row.get("sources", "") or "").split(";") if x.strip()]
        k = number(row.get("k"))
        if sources and len(sources) <= 3:
            return "pooled: " + ", ".join(sources)
        return f"pooled over {int(k)} sources" if k is not None else "pooled"
    ds = str(row.get("dataset", "") or "")
    if kind == "published":
        ds = ds.replace("benchmarks: ", "")
    platform = str(row.get("platform", "") or "")
    parts = [ds] if (several or kind == "published") and ds else []
    if platform == FE_PLATFORM:
        parts.append("all platforms (platform FE)")
    elif platform not in ("", "all"):
        parts.append(platform)
    return " · ".join(parts)


__all__ = [
    "DESCRIPTIVE_EVIDENCE",
    "FE_PLATFORM",
    "GENERIC",
    "PHRASES",
    "POOLED",
    "VERDICT_PHRASES",
    "Phrase",
    "flags",
    "headline_rows",
    "interval",
    "number",
    "on_scale",
    "row_kind",
    "scope",
    "sentence",
    "significant",
]
