"""What the claims of one ledger share: the evidence, the settings, the scope, and helpers.

:class:`Context` hands each evaluator the influencer table it needs (the claim's scheme,
the scope's platform, the sponsorship selection, the definition), cached, from one
:class:`~influtiers.evidence.Evidence`. Evaluators never see posts.

A context has a *scope*: ``None`` (every influencer of the dataset), one platform, or
:data:`FE` (every influencer, compared within platforms: the platform fixed-effects row).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .. import config
from ..errors import NotTestable
from ..metrics import get_definition
from ..stats.fixed_effects import FE
from ..tiers import get_scheme
from .model import Claim, ClaimResult, as_float
from .registry import CLAIMS
from .rules import band, band_verdict, se_from_ci, tost_p

#: Flag codes (the ledger's ``flags`` column holds these words; details say more).
FLAG_CODES = (
    "small-sample",
    "fallback-all-posts",
    "circular",
    "selected-sample",
    "estimators-disagree",
    "definition-fallback",
    "heterogeneous",
    "derived-value",
    "low-confidence",
    "followers-proxy",
    "currency-mixed",
    "account-level",
    "duplicate-rows",
)


def ranked_definitions(definition=None, available=None, claims=None) -> list[str]:
    """The engagement definitions whose median rates the claims read (the evidence needs
    ranks for these only): ``definition``, or each claim's own and ``config.DEFINITION``;
    among ``available`` definitions (if given), with the likes-only fallback of
    :meth:`Context.definition_for`."""
    if definition is not None:
        return [get_definition(definition).name]
    chosen = [c.definition for c in (claims or CLAIMS).values() if c.definition]
    have = None if available is None else {get_definition(a).name for a in available}
    out = []
    for name in (*chosen, config.DEFINITION):
        d = get_definition(name)
        if have is None or d.name in have:
            use = [d.name] if have is not None else [d.name, "likes_followers"]
        else:
            use = ["likes_followers"] if d.exposure == "followers" else []
        if d.exposure != "followers":
            use = [d.name]
        for n in use:
            if n not in out and (have is None or n in have):
                out.append(n)
    return out


class Context:
    """Evidence, settings and scope shared by the claims of one ledger run.

    Parameters
    ----------
    evidence : Evidence
        The dataset's evidence tables.
    scheme : tier scheme for every claim (default: each claim's own).
    seed, margin, alpha, n_resamples : the defaults of :mod:`influtiers.config`.
    definition : engagement definition of the rate claims (default: each claim's own,
        else ``config.DEFINITION``; when its columns are missing, likes over followers is
        used and the rows are flagged ``definition-fallback``).
    currency : the currency of the cost claims.
    scope : ``None``, a platform name, or :data:`FE`.
    """

    def __init__(
        self,
        evidence,
        *,
        scheme=None,
        seed: int = config.SEED,
        margin: tuple[float, float] = config.MARGIN,
        alpha: float = config.ALPHA,
        n_resamples: int = config.N_RESAMPLES,
        definition: str | None = None,
        currency: str = config.CURRENCY,
        scope: str | None = None,
    ) -> None:
        self.evidence = evidence
        self.dataset = evidence.label
        self.scheme_override = None if scheme is None else get_scheme(scheme)
        self.seed = int(seed)
        self.margin = tuple(float(m) for m in margin)
        self.alpha = float(alpha)
        self.n_resamples = int(n_resamples)
        self.definition = definition
        self.currency = currency
        self.scope = scope
        self._tables: dict = {}

    def with_scope(self, scope: str | None) -> Context:
        """The same settings for another scope (tables are cached per scope)."""
        c = Context(
            self.evidence,
            scheme=self.scheme_override,
            seed=self.seed,
            margin=self.margin,
            alpha=self.alpha,
            n_resamples=self.n_resamples,
            definition=self.definition,
            currency=self.currency,
            scope=scope,
        )
        c._tables = self._tables
        return c

    def drop_tables(self) -> None:
        """Forget the cached tables (of every scope sharing this cache)."""
        self._tables.clear()

    @property
    def fixed_effects(self) -> bool:
        return self.scope == FE

    @property
    def platform(self) -> str | None:
        """The one platform of the scope (None for every platform)."""
        return None if self.scope in (None, FE) else self.scope

    def scheme_for(self, claim: Claim):
        if self.scheme_override is not None:
            return self.scheme_override
        return get_scheme(claim.scheme)

    def definition_for(self, claim: Claim):
        """The claim's engagement definition, with the likes-only fallback."""
        d = get_definition(self.definition or claim.definition or config.DEFINITION)
        have = self.evidence.definitions
        if d.name in have or not have:
            return d
        if self.definition is None and d.exposure == "followers" and "likes_followers" in have:
            return get_definition("likes_followers")
        return d

    def definition_flags(self, claim: Claim) -> tuple[str, ...]:
        d = get_definition(self.definition or claim.definition or config.DEFINITION)
        return ("definition-fallback",) if self.definition_for(claim).name != d.name else ()

    def followers_table(self, claim: Claim) -> pd.DataFrame:
        """One row per influencer of the scope with ``followers``, ``platform``, ``n_posts``
        and ``tier`` (the claim's scheme): for the claims about follower counts, which
        need no engagement column (C01, C15)."""
        src = self.evidence.frame(columns=["platform", "account_id", "followers", "n_posts"])
        if self.platform:
            src = src[(src["platform"] == self.platform).to_numpy()]
        if src.empty:
            raise NotTestable("no influencers (followers) in this scope")
        t = src[["platform", "account_id", "followers", "n_posts"]].reset_index(drop=True)
        scheme = self.scheme_for(claim)
        t.insert(3, "tier", scheme.classify(t["followers"].to_numpy(), t["platform"].to_numpy()))
        t.attrs.update(scheme=scheme.name, notes=[], flags=[], unit="influencer")
        return t

    def tier_bounds(self, claim: Claim, tier: str):
        """``(lower, upper)`` of ``tier`` in the claim's scheme on the scope's platform."""
        s = self.scheme_for(claim)
        t = next((x for x in s.tiers_for(self.platform) if x.name == tier), None)
        return None if t is None else (t.lower, t.upper)

    def table(
        self,
        claim: Claim,
        *,
        sponsored: bool | None = None,
        by_sponsored: bool = False,
        definition=None,
    ) -> pd.DataFrame:
        """The claim's influencer table in this scope.

        ``attrs["notes"]`` says what was selected and ``attrs["flags"]`` holds
        ``fallback-all-posts`` when ``sponsored=True``/``False`` found no flagged posts and
        every post was used, and ``definition-fallback`` when the definition fell back.
        """
        d = get_definition(definition) if definition is not None else self.definition_for(claim)
        scheme = self.scheme_for(claim)
        key = (self.scope, sponsored, by_sponsored, d.name, scheme.name)
        if key in self._tables:
            return self._tables[key]
        ev = self.evidence
        notes: list[str] = []
        flags: list[str] = list(self.definition_flags(claim)) if definition is None else []
        if self.platform:
            notes.append(f"{self.platform} only")
        elif self.fixed_effects:
            notes.append("every platform, compared within platforms (fixed effects)")
        if sponsored is not None:
            kind = "sponsored" if sponsored else "organic"
            t = None
            if ev.has("sponsored"):
                t = ev.table(d, scheme, platform=self.platform, sponsored=sponsored)
            if t is not None and len(t):
                notes.append(f"{kind} posts only")
            else:
                notes.append(f"no {kind} posts flagged: all posts used")
                flags.append("fallback-all-posts")
                t = ev.table(d, scheme, platform=self.platform)
        else:
            t = ev.table(d, scheme, platform=self.platform, by_sponsored=by_sponsored)
        if t.empty:
            raise NotTestable("no influencers left after selection (" + "; ".join(notes) + ")")
        t.attrs["notes"] = notes
        t.attrs["flags"] = flags
        self._tables[key] = t
        return t


# ------------------------------------------------------------------ helpers
def tier_counts(t: pd.DataFrame, groups: Sequence[str]) -> dict[str, int]:
    """Influencers per tier of ``groups`` in an influencer table."""
    vc = t["tier"].value_counts()  # categorical or text: no conversion of every row
    return {g: int(vc.get(g, 0)) for g in groups}


def flag_codes(flags) -> tuple[str, ...]:
    """The flag codes of free-text flags (``"small-sample: fewer than 30 ..."`` ->
    ``"small-sample"``); unknown texts are kept as they are."""
    out = []
    for f in flags or ():
        code = str(f).split(":", 1)[0].strip()
        out.append(code if code in FLAG_CODES else str(f))
    return tuple(dict.fromkeys(out))


def notes_of(t: pd.DataFrame) -> str:
    return "; ".join(t.attrs.get("notes", []))


def from_stats(res, **kw) -> ClaimResult:
    """A ClaimResult with the common fields of a :mod:`influtiers.stats` result."""
    d = res.to_dict() if hasattr(res, "to_dict") else {}
    base = {
        "estimate": as_float(getattr(res, "estimate", d.get("estimate"))),
        "ci_low": as_float(getattr(res, "ci_low", d.get("ci_low"))),
        "ci_high": as_float(getattr(res, "ci_high", d.get("ci_high"))),
        "method": getattr(res, "method", d.get("method", "")),
        "summary": res.summary() if hasattr(res, "summary") else "",
        "details": d,
    }
    flags = kw.pop("flags", ())
    base.update(kw)
    base["flags"] = flag_codes((*tuple(getattr(res, "flags", ()) or ()), *flags))
    return ClaimResult(**base)


def interval90(res) -> tuple[float, float]:
    """The 90% interval of a 95% result: ``details["ci90"]`` (from the same computation),
    else the interval a symmetric log-scale 95% interval implies."""
    ci90 = (getattr(res, "details", {}) or {}).get("ci90")
    if ci90 is not None:
        return float(ci90[0]), float(ci90[1])
    lo, hi, est = res.ci_low, res.ci_high, res.estimate
    se = se_from_ci(lo, hi, res.confidence)
    if not (math.isfinite(se) and est > 0):
        return math.nan, math.nan
    q = 1.6448536269514722
    return math.exp(math.log(est) - q * se), math.exp(math.log(est) + q * se)


def df_of(res) -> float | None:
    """The t degrees of freedom a result's interval used (None: normal or bootstrap)."""
    for src in (getattr(res, "statistic", {}) or {}, getattr(res, "details", {}) or {}):
        v = src.get("df")
        if v is not None and math.isfinite(float(v)):
            return float(v)
    return None


def apply_band(res, claimed: float, ctx: Context, **kw) -> ClaimResult:
    """The band rule on a ratio result: verdict, direction, band and the TOST p-value."""
    bnd = band(claimed, ctx.margin)
    ci90 = interval90(res)
    v, direction = band_verdict(ci90, (res.ci_low, res.ci_high), bnd)
    se = (getattr(res, "statistic", {}) or {}).get("se_log")
    if se is None or not math.isfinite(float(se)):
        se = se_from_ci(res.ci_low, res.ci_high, res.confidence, df_of(res))
    est = res.estimate
    p = tost_p(math.log(est), float(se), bnd, df_of(res)) if est > 0 else math.nan
    details = {**(res.to_dict() if hasattr(res, "to_dict") else {}), "ci90": list(ci90)}
    return from_stats(
        res,
        verdict=v,
        direction=direction,
        claimed=claimed,
        band_low=bnd[0],
        band_high=bnd[1],
        p_value=p,
        details=details,
        **kw,
    )


def need_tiers(tiers: Sequence[str], scheme) -> None:
    """Raise NotTestable when ``scheme`` lacks one of ``tiers``."""
    missing = [g for g in tiers if g not in scheme.tier_names]
    if missing:
        raise NotTestable(f"scheme {scheme.name} has no tier(s) {', '.join(missing)}")


def not_testable_from(exc: Exception) -> ClaimResult:
    """The not-testable result for a :class:`~influtiers.errors.NotTestable`."""
    code = getattr(exc, "reason", None)
    detail = getattr(exc, "detail", None) or (exc.args[0] if exc.args else "")
    if code and code != "NotTestable":
        return ClaimResult("not-testable", reason=f"{code}: {detail}" if detail else str(code))
    return ClaimResult("not-testable", reason=str(detail))


__all__ = [
    "FE",
    "FLAG_CODES",
    "Context",
    "apply_band",
    "df_of",
    "flag_codes",
    "from_stats",
    "interval90",
    "need_tiers",
    "not_testable_from",
    "notes_of",
    "tier_counts",
]
