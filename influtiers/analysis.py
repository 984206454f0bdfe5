"""Dataset -> evidence -> ledger: the one function that evaluates the claims.

:func:`analyse` is what ``influtiers claims``, ``influtiers reproduce`` and every study
notebook call: it builds the evidence tables once (the evidence SQL, in the dataset's engine)
and evaluates each claim once. :meth:`Analysis.write` puts the evidence (Parquet), the
ledger (``claims.csv``/``.md``/``.json``) and the results behind it (``results.json``)
into a run directory; :meth:`Analysis.read` gives them back, so a notebook shows the
numbers of the ledger, never a recomputation.

Examples
--------
>>> a = analyse("demo", claims=["C02"])
>>> a.ledger.loc[0, ["claim_id", "verdict"]].tolist()
['C02', 'supported']
>>> a.result("C02", "tost", platform="instagram").test
'equivalence'
>>> a.platforms("C02")
['instagram', 'tiktok', 'all (platform FE)']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .claims import Ledger, evaluate, ranked_definitions
from .claims.ledger import platform_label
from .csvsafe import safe_csv
from .evidence import Evidence, available_definitions, build_evidence
from .provenance import atomic_write
from .stats import PortfolioResult, StatResult
from .stats.fixed_effects import FE


def result_key(claim_id: str, platform: str = "", part: str = "") -> str:
    """The key of a ledger row's results in :attr:`Analysis.results`."""
    return "|".join((claim_id, platform, part))


@dataclass
class Analysis:
    """The evidence, the ledger and the results behind each ledger row of one dataset."""

    evidence: Evidence
    ledger: Ledger
    results: dict[str, dict[str, object]] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    @property
    def dataset(self) -> str:
        return self.evidence.label

    def platforms(self, claim_id: str) -> list[str]:
        """The ``platform`` labels of a claim's headline rows, in ledger order."""
        led = self.ledger
        rows = led[(led["claim_id"] == claim_id) & (led["part"] == "")]
        return list(dict.fromkeys(rows["platform"]))

    def result(self, claim_id: str, name: str, *, platform: str | None = None, part: str = ""):
        """One result (a StatResult or PortfolioResult) behind a ledger row.

        Without ``platform``: the claim's headline row (the platform fixed-effects row when
        there is one, else its only row, else its first platform's row)."""
        if platform is not None:
            plats = [platform]
        else:
            plats = self.platforms(claim_id)
            plats = sorted(plats, key=lambda p: (p != FE, p != platform_label(self.evidence)))
        for plat in plats:
            named = self.results.get(result_key(claim_id, plat, part), {})
            if name in named:
                return named[name]
        have = sorted(
            {n for p in plats for n in self.results.get(result_key(claim_id, p, part), {})}
        )
        raise KeyError(
            f"no result {name!r} for {claim_id} {part or ''} on {', '.join(plats) or 'no row'} "
            f"(has: {', '.join(have) or 'none'})"
        )

    def has_result(self, claim_id: str, name: str, **kw) -> bool:
        try:
            self.result(claim_id, name, **kw)
        except KeyError:
            return False
        return True

    # -- persistence --------------------------------------------------------------
    def write(self, run_dir, *, label: str | None = None) -> list[Path]:
        """Write the analysis into ``run_dir``.

        One dataset (``label=None``): ``evidence/``, ``claims.csv``, ``claims.md``,
        ``claims.json`` and ``results.json``. One of several (``label``): its evidence and
        results under ``evidence/<label>/`` (the combined ledger is the synthesis's)."""
        d = Path(run_dir)
        ev_dir = d / "evidence" if label is None else d / "evidence" / label
        out = self.evidence.write(ev_dir)
        if label is None:
            out.append(atomic_write(d / "claims.csv", safe_csv(self.ledger)))
            out.append(atomic_write(d / "claims.md", self.ledger.to_markdown_table() + "\n"))
            out.append(atomic_write(d / "claims.json", self.ledger.to_records_json() + "\n"))
        rec = {
            "settings": self.settings,
            "results": {
                key: {name: _result_record(r) for name, r in named.items()}
                for key, named in self.results.items()
            },
        }
        text = json.dumps(rec, indent=1, sort_keys=True, allow_nan=False)
        where = d / "results.json" if label is None else ev_dir / "results.json"
        out.append(atomic_write(where, text + "\n"))
        return out

    @classmethod
    def read(cls, run_dir, *, label: str | None = None) -> Analysis:
        """The analysis :meth:`write` put into ``run_dir`` (``label``: one of several)."""
        d = Path(run_dir)
        ev_dir = d / "evidence" if label is None else d / "evidence" / label
        if not (ev_dir / "meta.json").exists():
            raise FileNotFoundError(
                f"{ev_dir}: no evidence (is {d} a run directory"
                + (f" with a dataset {label!r}?)" if label else "?)")
            )
        evidence = Evidence.read(ev_dir)
        rows = json.loads((d / "claims.json").read_text(encoding="utf-8"))
        ledger = Ledger.from_rows(rows)
        # the run's ledger may also hold other datasets', published and pooled rows
        ledger = Ledger(ledger[ledger["dataset"] == evidence.label].reset_index(drop=True))
        res_path = d / "results.json" if label is None else ev_dir / "results.json"
        rec = json.loads(res_path.read_text(encoding="utf-8"))
        results = {
            key: {name: _result_from(r) for name, r in named.items()}
            for key, named in rec["results"].items()
        }
        return cls(evidence, ledger, results, rec.get("settings", {}))


def _result_record(r) -> dict:
    kind = "portfolio" if isinstance(r, PortfolioResult) else "stat"
    return {"kind": kind, **r.to_dict()}


def _result_from(rec: Mapping):
    rec = dict(rec)
    kind = rec.pop("kind", "stat")
    return PortfolioResult.from_dict(rec) if kind == "portfolio" else StatResult.from_dict(rec)


def evidence_options(definitions, ranked, definition, columns) -> dict:
    """``build_evidence``'s ``definitions``/``ranked``/``trimmed`` for ``analyse``."""
    defs = None if definitions is None else list(definitions)
    if ranked != "claims":
        return {"definitions": defs, "ranked": ranked}
    avail = available_definitions(columns) if defs is None else defs
    # the claims read one definition's sums and medians, never a trimmed mean (and
    # MEDIAN costs less than a sorted list); a chosen definition the data cannot compute
    # is left out, and its claims say so (not-testable, naming the column)
    need = [d for d in ranked_definitions(definition, avail) if d in avail]
    return {"definitions": need, "ranked": need, "trimmed": []}


def analyse(
    data,
    *,
    scheme=None,
    seed: int = config.SEED,
    margin: tuple[float, float] = config.MARGIN,
    alpha: float = config.ALPHA,
    n_resamples: int = config.N_RESAMPLES,
    definition: str | None = None,
    currency: str = config.CURRENCY,
    claims: Iterable[str] | None = None,
    definitions: Iterable[str] | None = None,
    accounts=None,
    mapping=None,
    engine: str = "duckdb",
    ranked: Iterable[str] | str | None = None,
) -> Analysis:
    """Evaluate the claims on ``data``: a :class:`~influtiers.load.Dataset`, an
    :class:`~influtiers.evidence.Evidence`, or anything :func:`influtiers.load.load`
    reads (a path, a bundled name, a DataFrame; loaded with ``accounts``/``mapping``).

    ``definitions`` are the engagement definitions whose evidence is built (default:
    every definition the data allow); the claims use ``definition`` (default: each
    claim's own, else ``config.DEFINITION``). ``ranked`` are the definitions that get
    median and trimmed-mean rates (default: all). ``ranked="claims"`` builds only what the
    claims read: the definition of :func:`~influtiers.claims.ranked_definitions`, with its
    median and no trimmed mean (``influtiers claims`` does this: the per-influencer ranks
    are the costliest part of the evidence pass).
    """
    if isinstance(data, Evidence):
        evidence = data
    else:
        owned = False
        if not hasattr(data, "report"):
            from .load import load

            data = load(data, accounts=accounts, mapping=mapping, engine=engine)
            owned = True
        try:
            evidence = build_evidence(
                data,
                currency=currency,
                **evidence_options(definitions, ranked, definition, data.columns),
            )
        finally:
            if owned:
                data.close()
    settings = {
        "scheme": None if scheme is None else str(getattr(scheme, "name", scheme)),
        "seed": int(seed),
        "margin": [float(m) for m in margin],
        "alpha": float(alpha),
        "n_resamples": int(n_resamples),
        "definition": definition,
        "currency": currency,
    }
    evaluated = evaluate(
        evidence,
        claims=claims,
        scheme=scheme,
        seed=seed,
        margin=margin,
        alpha=alpha,
        n_resamples=n_resamples,
        definition=definition,
        currency=currency,
    )
    ledger = Ledger.from_results(evaluated, evidence)
    results = {}
    for claim, plat, res in evaluated:
        for r in [res, *res.parts]:
            if r.results:
                results[result_key(claim.id, plat, r.part)] = dict(r.results)
    return Analysis(evidence, ledger, results, settings)


__all__ = ["Analysis", "analyse", "result_key"]
