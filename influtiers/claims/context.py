"""What the claims of one ledger share: the evidence, the settings, and small helpers.

:class:`Context` hands each evaluator the influencer table it needs (the claim's scheme,
platform and sponsorship selection, and definition), cached, from one
:class:`~influtiers.evidence.Evidence`. Evaluators never see posts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .. import config
from ..errors import NotTestable
from ..metrics import get_definition
from ..tiers import get_scheme
from .model import Claim, ClaimResult, as_float


class Context:
    """Evidence and settings shared by the claims of one ledger run.

    Parameters
    ----------
    evidence : Evidence
        The dataset's evidence tables.
    scheme : tier scheme for every claim (default: each claim's own).
    seed, margin, alpha, n_resamples : the defaults of :mod:`influtiers.config`.
    definition : engagement definition of the rate claims (default: each claim's own,
        else ``config.DEFINITION``).
    currency : the currency of the cost claims.
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
        self._tables: dict = {}

    def scheme_for(self, claim: Claim):
        if self.scheme_override is not None:
            return self.scheme_override
        return get_scheme(claim.scheme)

    def definition_for(self, claim: Claim):
        return get_definition(self.definition or claim.definition or config.DEFINITION)

    def table(
        self,
        claim: Claim,
        *,
        sponsored: bool | None = None,
        by_sponsored: bool = False,
        definition=None,
    ) -> pd.DataFrame:
        """The claim's influencer table; ``attrs["notes"]`` says what was selected.

        The claim's ``platform`` restricts the influencers when the data have it (else
        all platforms are used and the note says so). ``sponsored=True``/``False`` uses
        the influencers' sponsored / organic posts, falling back to all posts (with a
        note) when the data flag none.
        """
        d = get_definition(definition) if definition is not None else self.definition_for(claim)
        scheme = self.scheme_for(claim)
        key = (claim.platform, sponsored, by_sponsored, d.name, scheme.name)
        if key in self._tables:
            return self._tables[key]
        ev = self.evidence
        notes: list[str] = []
        platform = None
        if claim.platform:
            if claim.platform in ev.platforms:
                platform = claim.platform
                notes.append(f"{claim.platform} posts only")
            else:
                notes.append(f"no {claim.platform} posts: all platforms used")
        if sponsored is not None:
            kind = "sponsored" if sponsored else "organic"
            t = None
            if ev.has("sponsored"):
                t = ev.table(d, scheme, platform=platform, sponsored=sponsored)
            if t is not None and len(t):
                notes.append(f"{kind} posts only")
            else:
                notes.append(f"no {kind} posts flagged: all posts used")
                t = ev.table(d, scheme, platform=platform)
        else:
            t = ev.table(d, scheme, platform=platform, by_sponsored=by_sponsored)
        if t.empty:
            raise NotTestable("no influencers left after selection (" + "; ".join(notes) + ")")
        t.attrs["notes"] = notes
        self._tables[key] = t
        return t


def tier_counts(t: pd.DataFrame, groups: Sequence[str]) -> dict[str, int]:
    """Influencers per tier of ``groups`` in an influencer table."""
    vc = t["tier"].astype("string").value_counts()
    return {g: int(vc.get(g, 0)) for g in groups}


def from_stats(res, **kw) -> ClaimResult:
    """A ClaimResult with the common fields of a :mod:`influtiers.stats` result."""
    d = res.to_dict() if hasattr(res, "to_dict") else {}
    base = {
        "estimate": as_float(getattr(res, "estimate", d.get("estimate"))),
        "ci_low": as_float(getattr(res, "ci_low", d.get("ci_low"))),
        "ci_high": as_float(getattr(res, "ci_high", d.get("ci_high"))),
        "method": getattr(res, "method", d.get("method", "")),
        "summary": res.summary() if hasattr(res, "summary") else "",
        "flags": tuple(getattr(res, "flags", ()) or ()),
        "details": d,
    }
    base.update(kw)
    return ClaimResult(**base)


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


__all__ = ["Context", "from_stats", "need_tiers", "not_testable_from", "tier_counts"]
