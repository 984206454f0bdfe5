"""The study notebooks: registry, the session object notebooks use, and execution.

Each study lives in ``notebooks/NN_slug.ipynb`` with a jupytext mirror
``notebooks/NN_slug.py`` (percent format) that keeps diffs reviewable. The ``.py``
mirror is the source; :func:`build` turns it into the executed notebook that is
committed and checked by nbval.

Notebooks stay thin: a ``parameters`` cell, then calls into :class:`StudySession`
and :mod:`influtiers` — no function definitions.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .analysis import Analysis, analyse
from .claims import CLAIMS, PUBLISHED, Context, Ledger, run_benchmark_ledger
from .config import CURRENCY, MARGIN, NOTEBOOK_DIR, REPO_ROOT, SEED
from .load import load
from .provenance import provenance
from .provenance import watermark as _watermark


@dataclass(frozen=True)
class Study:
    nn: str
    slug: str
    title: str
    claims: tuple[str, ...]
    version: str = "2.0"
    key_figure: str | None = None
    needs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.nn}_{self.slug}"

    @property
    def notebook(self) -> Path:
        return NOTEBOOK_DIR / f"{self.name}.ipynb"

    @property
    def mirror(self) -> Path:
        return NOTEBOOK_DIR / f"{self.name}.py"


STUDIES: dict[str, Study] = {
    s.nn: s
    for s in (
        Study(
            "00",
            "claims_overview",
            "All claims at a glance",
            tuple(CLAIMS),
            version="2.2",
            key_figure="00_claims_forest",
        ),
        Study(
            "01",
            "tier_definitions",
            "Tier definitions and who moves between them",
            ("C01", "C15"),
            version="2.2",
            key_figure="01_scheme_cutpoints",
        ),
        Study(
            "02",
            "published_benchmarks",
            "What the published figures imply",
            ("C02", "C04", "C05", "C16"),
            version="2.2",
            key_figure="02_benchmark_ratios",
        ),
        Study(
            "03",
            "engagement_parity",
            "Are micro and macro engagement rates about equal?",
            ("C02", "C03"),
            version="2.2",
            key_figure="03_parity_forest",
        ),
        Study(
            "04",
            "micro_lift",
            "Do people engage 60% more with micro-influencers?",
            ("C04",),
            version="2.2",
            key_figure="04_specification_curve",
        ),
        Study(
            "05",
            "engagement_curve",
            "Engagement against followers: decline and Goldilocks",
            ("C05", "C06", "C07"),
            version="2.2",
            key_figure="05_rate_curve",
        ),
        Study(
            "06",
            "cost_efficiency",
            "Prices, CPM and cost per engagement",
            ("C08", "C09", "C10", "C11"),
            version="2.2",
            key_figure="06_cost_per_engagement",
            needs=("cost",),
        ),
        Study(
            "07",
            "campaign_design",
            "A/B tests and budget risk",
            ("C12", "C13"),
            version="2.1",
            key_figure="07_power_curve",
        ),
        Study(
            "08",
            "sponsored_vs_organic",
            "The sponsored-post penalty by tier",
            ("C14",),
            key_figure="08_sponsored_penalty",
            needs=("sponsored",),
        ),
        Study(
            "09",
            "evidence_synthesis",
            "What all the evidence says: datasets, platforms and published studies",
            ("C02", "C03", "C04", "C05", "C06", "C14"),
            version="2.2",
            key_figure="09_synthesis_C04",
        ),
        Study(
            "10",
            "reach_prices_audiences",
            "Reach, prices and audiences",
            ("C17", "C18", "C19", "C20", "C21", "C22", "C23"),
            version="2.2",
            key_figure="10_dozens_and_hundreds",
        ),
    )
}
#: The study that reads every dataset of a run (and the published library) at once.
SYNTHESIS_STUDY = "09"


def get_study(nn: str) -> Study:
    nn = str(nn).zfill(2)[:2] if str(nn)[:2].isdigit() else str(nn)
    for s in STUDIES.values():
        if nn in (s.nn, s.slug, s.name):
            return s
    raise KeyError(f"unknown study {nn!r}; known: {', '.join(s.name for s in STUDIES.values())}")


class StudySession:
    """What a study notebook needs: the analysis (evidence, ledger and the results behind
    it), the validation summary, provenance, and saving figures.

    Parameters mirror the notebooks' ``parameters`` cell. With ``run_dir`` (a directory
    written by ``influtiers reproduce``) the session reads the evidence, ledger and
    results from it, and the run's settings apply; with ``run_dir=None`` it loads
    ``data`` once and calls :func:`influtiers.analysis.analyse`, the same function
    ``reproduce`` uses. Figures are written only when ``output_dir`` is given.
    """

    def __init__(
        self,
        study: str,
        *,
        data="demo",
        scheme=None,
        seed: int = SEED,
        margin: Sequence[float] = MARGIN,
        output_dir=None,
        accounts=None,
        mapping=None,
        run_dir=None,
        dataset: str | None = None,
        synthesis=None,
        definition: str | None = None,
        currency: str = CURRENCY,
    ) -> None:
        self.study = get_study(study)
        self.data = data
        self.output_dir = Path(output_dir) if output_dir else None
        self.synthesis = synthesis
        self.run_dir = Path(run_dir) if run_dir is not None else None
        t0 = time.perf_counter()
        if synthesis is not None:
            first = next(iter(synthesis.analyses.values()))
            self.analysis = first
            self.validation = {}
            st = first.settings
            scheme, seed, margin = st.get("scheme"), st.get("seed", seed), st.get("margin", margin)
            definition, currency = st.get("definition"), st.get("currency", currency)
        elif run_dir is not None:
            run = Path(run_dir)
            self.analysis = Analysis.read(run, label=dataset)
            vpath = run / "validation.json"
            self.validation = (
                json.loads(vpath.read_text(encoding="utf-8")) if vpath.exists() else {}
            )
            if dataset is not None:
                self.validation = self.validation.get("datasets", {}).get(dataset, {})
            st = self.analysis.settings
            scheme, seed, margin = st.get("scheme"), st.get("seed", seed), st.get("margin", margin)
            definition, currency = st.get("definition"), st.get("currency", currency)
        else:
            ds = load(data, accounts=accounts, mapping=mapping)
            try:
                self.validation = ds.report.to_dict()
                self.analysis = analyse(
                    ds,
                    scheme=scheme,
                    seed=seed,
                    margin=tuple(margin),
                    definition=definition,
                    currency=currency,
                )
            finally:
                ds.close()
        self.load_seconds = time.perf_counter() - t0
        #: the id of the run this session reads (recorded with each saved figure)
        self.run_id = (
            synthesis.settings.get("run_id")
            if synthesis is not None
            else self.analysis.settings.get("run_id")
        )
        self.scheme = scheme
        self.seed = int(seed)
        self.margin = tuple(float(m) for m in margin)
        self.evidence = self.analysis.evidence
        self.params = {
            "study": self.study.name,
            "data": str(data),
            "scheme": scheme,
            "seed": self.seed,
            "margin": list(self.margin),
            "accounts": None if accounts is None else str(accounts),
            "mapping": None if mapping is None else str(mapping),
            "run_dir": None if run_dir is None else "(run directory)",
            "dataset": dataset,
        }
        self.data_sha256 = (
            self.evidence.meta.get("sha256")
            if synthesis is None
            else "; ".join(
                f"{k}: {a.evidence.meta.get('sha256')}" for k, a in synthesis.analyses.items()
            )
        )
        self.ctx = Context(
            self.evidence,
            scheme=scheme,
            seed=self.seed,
            margin=self.margin,
            definition=definition,
            currency=currency,
        )

    # -- data --------------------------------------------------------------------
    @property
    def synthetic(self) -> bool:
        return bool(self.evidence.meta.get("synthetic"))

    def describe_data(self) -> str:
        """Rows in/accepted/quarantined and what the evidence holds (every source of a
        synthesis)."""
        if self.synthesis is not None:
            return self.describe_sources()
        v, inf = self.validation, self.evidence.frame(columns=["platform", "n_posts"])
        plats = ", ".join(
            f"{k} {v}" for k, v in inf.groupby("platform")["n_posts"].sum().sort_index().items()
        )
        lines = [
            f"data: {self.evidence.label}"
            + (" (SYNTHETIC demo panel: not real-world evidence)" if self.synthetic else ""),
            f"rows in {v.get('rows_in')}, accepted {v.get('accepted')}, "
            f"quarantined {v.get('quarantined')}",
            f"posts {int(inf['n_posts'].sum())}, influencers {len(inf)}; posts by platform: {plats}",
        ]
        if v.get("reasons"):
            lines.append(
                "quarantine reasons: " + ", ".join(f"{k} {n}" for k, n in v["reasons"].items())
            )
        return "\n".join(lines)

    def table(self, claim_id: str = "C04", **kw) -> pd.DataFrame:
        """The influencer table a claim uses (the claim's scheme, platform, selection)."""
        return self.ctx.table(CLAIMS[claim_id], **kw)

    def scheme_for(self, claim_id: str):
        return self.ctx.scheme_for(CLAIMS[claim_id])

    # -- claims ------------------------------------------------------------------
    def result(self, claim_id: str, name: str, **kw):
        """A result behind a ledger row (:meth:`influtiers.analysis.Analysis.result`)."""
        return self.analysis.result(claim_id, name, **kw)

    def has_result(self, claim_id: str, name: str, **kw) -> bool:
        return self.analysis.has_result(claim_id, name, **kw)

    def platforms(self, claim_id: str) -> list[str]:
        """The platforms of a claim's ledger rows (a platform, ``all`` or the fixed-effects
        row ``all (platform FE)``)."""
        return self.analysis.platforms(claim_id)

    def results(self, claim_id: str, name: str) -> dict:
        """``{platform: result}`` of one named result over a claim's rows."""
        return {
            p: self.result(claim_id, name, platform=p)
            for p in self.platforms(claim_id)
            if self.has_result(claim_id, name, platform=p)
        }

    def describe_sources(self) -> str:
        """The datasets (with their accounting) and published sources of a synthesis."""
        syn = self.synthesis
        lines = []
        for label, a in syn.analyses.items():
            m = a.evidence.meta
            synth = " (SYNTHETIC)" if m.get("synthetic") else ""
            lines.append(
                f"dataset {label}{synth}: rows in {m.get('rows_in')}, accepted "
                f"{m.get('accepted')}, quarantined {m.get('quarantined')}; "
                f"{a.evidence.num_rows('influencers')} influencers on {', '.join(a.evidence.platforms)}"
            )
        pub = syn.published
        if len(pub):
            lines.append(f"published library: {pub['dataset'].nunique()} sources, {len(pub)} rows")
        return "\n".join(lines)

    def ledger(self, claim_ids: Iterable[str] | None = None) -> Ledger:
        ids = list(claim_ids) if claim_ids is not None else list(self.study.claims)
        led = self.analysis.ledger if self.synthesis is None else self.synthesis.ledger
        return Ledger(led[led["claim_id"].isin(ids)].reset_index(drop=True))

    def published_ledger(self) -> Ledger:
        """The ledger's rows on published aggregates (``evidence`` = published aggregates):
        the run's, when it judged the published library (``--data benchmarks``), else
        judged here by :func:`~influtiers.claims.run_benchmark_ledger` (the function
        ``reproduce`` uses for them) with this session's margin."""
        if self.synthesis is not None:
            led = self.synthesis.ledger
        elif self.run_dir is not None:
            led = Ledger.from_rows(json.loads((self.run_dir / "claims.json").read_text("utf-8")))
        else:
            led = None
        if led is not None and (led["evidence"] == PUBLISHED).any():
            return Ledger(led[led["evidence"] == PUBLISHED].reset_index(drop=True))
        return run_benchmark_ledger(margin=self.margin)

    def claims_table(self, claim_ids: Iterable[str] | None = None, digits: int = 3) -> str:
        """The rounded claims table notebooks print, in ledger order (stable text for
        nbval): claim, platform (when the data have several), part, verdict and direction,
        estimate and 95% interval, title."""
        led = self.ledger(claim_ids)
        many = led["platform"].nunique() > 1
        several = led["dataset"].nunique() > 1
        width = max((len(str(d)) for d in led["dataset"]), default=0) - len("benchmarks: ")
        lines = []
        for _, r in led.iterrows():
            est = _num(r["estimate"], digits)
            ci = (
                f"[{_num(r['ci_low'], digits)}, {_num(r['ci_high'], digits)}]"
                if pd.notna(r["ci_low"])
                else ""
            )
            where = f"{r['platform']:<18} " if many else ""
            if several:
                ds = str(r["dataset"]).replace("benchmarks: ", "")
                where = f"{ds:<{max(width, 12)}} " + where
            part = f"{r['part']:<16}" if r["part"] else " " * 16
            verdict = r["verdict"] + (f" ({r['direction']})" if r["direction"] else "")
            lines.append(
                f"{r['claim_id']}  {where}{part} {verdict:<26} {est:>9} {ci:<22} {r['title']}"
                if not r["part"]
                else f"{r['claim_id']}  {where}{part} {verdict:<26} {est:>9} {ci}"
            )
            if r["verdict"] in ("not-testable", "error"):
                lines.append(f"     reason: {r['reason']}")
        return "\n".join(line.rstrip() for line in lines)

    # -- outputs -----------------------------------------------------------------
    def provenance(self) -> dict:
        rec = provenance(None, self.params)
        rec["data"] = self.evidence.label
        rec["data_sha256"] = self.data_sha256
        rec["synthetic"] = self.synthetic
        return rec

    def save(self, fig, data: pd.DataFrame, name: str) -> dict[str, str]:
        """Save a figure (PNG, SVG) and the numbers behind it (CSV) under ``output_dir``;
        without an ``output_dir`` nothing is written."""
        if self.output_dir is None:
            return {}
        from .figfiles import save_figure

        return save_figure(fig, name, data, self.output_dir, self.provenance(), run_id=self.run_id)

    def watermark(self) -> str:
        text = _watermark(None, self.params)
        text += f"\ndata sha256: {self.data_sha256}\nstudy {self.study.name} version {self.study.version}"
        return text + (f"\nrun id: {self.run_id}" if self.run_id else "")


def _num(x, digits: int) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return ""
    if pd.isna(x):
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def open_synthesis(
    *,
    run_dir=None,
    datasets=None,
    data="demo",
    mapping=None,
    accounts=None,
    scheme=None,
    seed: int = SEED,
    margin: Sequence[float] = MARGIN,
    benchmarks: bool = True,
):
    """What notebook 09 reads: the run directory's synthesis, or one built in memory from
    ``datasets`` (``["LABEL=PATH", ...]``), else from ``data`` (with ``mapping`` and
    ``accounts``; the default ``"demo"`` is the demo panel split by platform into two
    datasets), and the published library."""
    from .datasets import load_demo
    from .synthesis import Synthesis, analyse_all, parse_data_args

    if run_dir is not None:
        return Synthesis.read(run_dir)
    if datasets:
        specs = parse_data_args(datasets)
        bench = benchmarks or any(src == "benchmarks" for _, src in specs)
        items = [(label, load(src, label=label)) for label, src in specs if src != "benchmarks"]
    elif str(data) != "demo":
        bench = benchmarks
        items = [(None, load(data, mapping=mapping, accounts=accounts))]
        items = [(ds.label, ds) for _, ds in items]
    else:
        demo = load_demo()
        bench = benchmarks
        items = [
            (
                f"demo-{p}",
                load(demo[demo["platform"] == p].reset_index(drop=True), label=f"demo-{p}"),
            )
            for p in sorted(demo["platform"].unique())
        ]
    try:
        return analyse_all(items, benchmarks=bench, scheme=scheme, seed=seed, margin=tuple(margin))
    finally:
        for _, ds in items:
            ds.close()


# ------------------------------------------------------------------ execution
def execute(
    study: str | Study,
    output_path: str | Path,
    parameters: Mapping | None = None,
    *,
    kernel_name: str = "python3",
    progress: bool = False,
    cwd=None,
) -> Path:
    """Execute a study notebook with papermill, writing the executed copy to ``output_path``.

    The process working directory is never changed (papermill's ``cwd`` would
    ``os.chdir`` the whole process). ``cwd`` is the *kernel's* working directory: a run
    passes its run directory, so that the parameters can be paths relative to the run
    (``run_dir="."``, ``output_dir="figures"``) and no file records where the run was
    staged; the executed notebook then records its own path relative to ``cwd``."""
    import papermill as pm

    s = study if isinstance(study, Study) else get_study(study)
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = output_path.with_name(f".{output_path.name}.tmp.ipynb")
    # the kernel logs nothing to the terminal (its TCP warning; a traceback when Ctrl-C
    # stops the run mid-message): a study's own errors are in the notebook
    extra: dict = {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}
    if cwd is not None:
        extra["resources"] = {"metadata": {"path": str(cwd)}}
    # the kernel imports the same influtiers as this process, wherever its working folder
    here = str(Path(__file__).resolve().parents[1])
    old_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, old_path) if p)
    try:
        nb = pm.execute_notebook(
            str(s.notebook),
            str(tmp),
            parameters=dict(parameters or {}),
            kernel_name=kernel_name,
            progress_bar=progress,
            log_output=False,
            **extra,
        )
        if cwd is not None:
            import nbformat

            meta = nb.metadata.get("papermill", {})
            meta["output_path"] = output_path.relative_to(Path(cwd)).as_posix()
            meta["input_path"] = f"{s.name}.ipynb"
            nbformat.write(nb, str(tmp))
        tmp.replace(output_path)
    finally:
        tmp.unlink(missing_ok=True)
        if old_path is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old_path
    return output_path


def build(studies: Iterable[str] | None = None, *, kernel_name: str = "python3") -> list[Path]:
    """Regenerate the committed notebooks from their jupytext mirrors and execute them in
    place with default parameters (used by developers, ``python -m influtiers.studies``)."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    out = []
    for nn in studies or STUDIES:
        s = get_study(nn)
        nb = jupytext.read(s.mirror)
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        NotebookClient(
            nb,
            kernel_name=kernel_name,
            timeout=600,
            resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        ).execute()
        clean_notebook(nb)
        nbformat.write(nb, s.notebook)
        out.append(s.notebook)
    return out


def clean_notebook(nb) -> None:
    """Normalise metadata so reruns do not churn: kernelspec ``python3``, no timestamps,
    cell ids by position (jupytext draws new random ones on every read)."""
    keep = {"kernelspec", "language_info", "jupytext"}
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in keep}
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    li = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": li.get("name", "python")}
    jt = nb.metadata.get("jupytext")
    if jt:
        nb.metadata["jupytext"] = {k: v for k, v in jt.items() if k in ("formats",)}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        md = cell.get("metadata", {})
        for k in ("execution", "papermill", "collapsed", "scrolled"):
            md.pop(k, None)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m influtiers.studies", description=build.__doc__)
    p.add_argument("studies", nargs="*", help="study numbers (default: all)")
    args = p.parse_args(argv)
    for path in build(args.studies or None):
        print(f"built {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
