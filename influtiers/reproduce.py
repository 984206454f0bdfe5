"""One command to reproduce everything: validate, run every study, write a citable run.

:func:`reproduce` writes to ``out`` (default ``reports/``)::

    manifest.json     every output file with sha256; input sha256; versions; parameters; timings
    validation.json   the validation report (rows in = accepted + quarantined), validation.txt
    quarantine.csv    quarantined rows with reason codes (when any)
    claims.csv/.md/.json   the claims ledger on the data
    studies.json      per study: status (ok / not-testable / failed), reason, key figure, summary
    notebooks/        the executed study notebooks
    figures/          PNG + SVG + CSV of every figure, with figures/manifest.json
    report.html       one self-contained page

Every file is written under a temporary name and renamed, so an interrupted run
never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import analyse
from .claims import run_benchmark_ledger
from .config import REPORTS_DIR, SEED
from .errors import UsageError
from .load import load
from .load.bundled import resolve_bundled
from .provenance import atomic_write, provenance, sha256_file
from .report import build_report
from .studies import STUDIES, SYNTHESIS_STUDY, Study, execute, get_study
from .synthesis import BENCHMARKS, combine


@dataclass
class RunResult:
    out: Path
    studies: list[dict] = field(default_factory=list)
    ledger: object = None
    unusable: bool = False
    seconds: float = 0.0
    validation: dict = field(default_factory=dict)

    @property
    def problems(self) -> list[dict]:
        return [s for s in self.studies if s["status"] != "ok"]

    def summary(self) -> str:
        if self.unusable:
            v = self.validation
            return (
                f"no usable rows: {v.get('rows_in', 0)} in, {v.get('accepted', 0)} accepted, "
                f"{v.get('quarantined', 0)} quarantined; see {self.out / 'validation.txt'}"
            )
        lines = [f"wrote {self.out} in {self.seconds:.1f} s"]
        for s in self.studies:
            extra = f": {s['reason']}" if s["status"] != "ok" else ""
            lines.append(f"  {s['nn']} {s['slug']:<22} {s['status']}{extra}")
        if self.ledger is not None:
            lines.append("  " + self.ledger.summary())
        report = self.out / "report.html"
        if report.exists():
            lines.append(f"  open {report}")
        return "\n".join(lines)


def _missing_needs(study: Study, evidence) -> list[str]:
    return [col for col in study.needs if not evidence.has(col)]


def _data_param(data) -> str:
    """Papermill parameter for the data: bundled names stay names, paths become absolute."""
    if isinstance(data, str) and (resolve_bundled(data) is not None or data == BENCHMARKS):
        return str(data)
    return str(Path(data).resolve())


def _study_summary(study: Study, ledger) -> str:
    rows = ledger[ledger["claim_id"].isin(study.claims) & (ledger["part"] == "")]
    parts = [f"{r.claim_id} {r.platform} {r.verdict}" for r in rows.itertuples()]
    return "; ".join(parts)


@dataclass(frozen=True)
class DataSpec:
    """One dataset of a run: its label, source, and the mapping and accounts bound to it."""

    label: str | None
    source: object
    mapping: object = None
    accounts: object = None


def _specs(data, accounts, mapping, datasets) -> tuple[list[DataSpec], bool]:
    """The run's datasets and whether the published library is in (``benchmarks``)."""
    specs = list(datasets) if datasets else [DataSpec(None, data, mapping, accounts)]
    bench = any(s.source == BENCHMARKS for s in specs)
    specs = [s for s in specs if s.source != BENCHMARKS]
    if not specs:
        raise UsageError("reproduce needs at least one dataset besides the published library")
    return specs, bench


def reproduce(
    data="demo",
    *,
    accounts=None,
    mapping=None,
    datasets: Sequence[DataSpec] | None = None,
    load_options: dict | None = None,
    scheme=None,
    seed: int = SEED,
    out=None,
    only: Sequence[str] | None = None,
    jobs: int = 1,
    progress: bool = True,
    build_html: bool = True,
) -> RunResult:
    """Validate the data, evaluate the claims once, run the study notebooks on the result,
    and write a complete run directory.

    ``data``/``accounts``/``mapping`` name one dataset; ``datasets`` several
    (:class:`DataSpec`; ``source="benchmarks"`` adds the published library). With one
    dataset the run directory holds ``evidence/``, ``results.json`` and
    ``notebooks/NN_*.ipynb``; with several, each dataset has ``evidence/<label>/``,
    ``figures/<label>/`` and ``notebooks/<label>/``, and the ledger, ``pooled.json`` and
    the synthesis notebook (09) cover them all. ``load_options`` go to
    :func:`influtiers.load.load` (``engine``, ``memory_limit``, ``temp_directory``).
    """
    from tqdm.auto import tqdm

    t_start = time.perf_counter()
    # absolute from the start: nothing later depends on the working directory
    out = Path(out).resolve() if out else REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    specs, bench = _specs(data, accounts, mapping, datasets)
    several = len(specs) > 1

    # 1. load and validate each dataset, once
    t0 = time.perf_counter()
    loaded, reports = [], {}
    try:
        for sp in specs:
            ds = load(sp.source, accounts=sp.accounts, mapping=sp.mapping, label=sp.label,
                      **(load_options or {}))  # fmt: skip
            loaded.append(ds)
            reports[ds.label] = ds.report
        validation = _write_validation(out, reports, several)
        timings["validate"] = time.perf_counter() - t0
        if any(r.accepted == 0 for r in reports.values()):
            return RunResult(out, unusable=True, validation=validation)
        # 2. evidence (one SQL pass each) and the ledger (each claim once), written once
        t0 = time.perf_counter()
        analyses = {ds.label: analyse(ds, scheme=scheme, seed=seed) for ds in loaded}
    finally:
        for ds in loaded:
            ds.close()
    published = run_benchmark_ledger() if bench else None
    synth = combine(analyses, published, settings={"scheme": scheme, "seed": seed})
    synth.write(out)
    ledger = synth.ledger
    timings["claims"] = time.perf_counter() - t0

    # 3. notebooks: the studies per dataset, the synthesis once
    common = {"scheme": scheme, "seed": seed, "run_dir": str(out)}
    entries_in = []
    for sp, (label, a) in zip(specs, analyses.items(), strict=True):
        params = {
            **common,
            "data": _data_param(sp.source),
            "output_dir": str(out / "figures" / label) if several else str(out / "figures"),
            "accounts": None if sp.accounts is None else str(Path(sp.accounts).resolve()),
            "mapping": None if sp.mapping is None else str(Path(sp.mapping).resolve()),
            "dataset": label if several else None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        sub = f"notebooks/{label}/" if several else "notebooks/"
        figs = f"figures/{label}/" if several else "figures/"
        for study in _selected(only, synthesis=False):
            entries_in.append(_entry(study, a.ledger, a.evidence, sub, figs, params,
                                     label if several else None))  # fmt: skip
    for study in _selected(only, synthesis=True):
        params = {**common, "output_dir": str(out / "figures")}
        e = _entry(study, ledger, None, "notebooks/", "figures/", params, None)
        if len(specs) + bench < 2:
            e.update(status="not-testable", notebook=None,
                     reason="needs two or more sources (add --data benchmarks or a dataset)")  # fmt: skip
        entries_in.append(e)

    bar = tqdm(total=len(entries_in), desc="studies", unit="notebook", disable=not progress)
    results: dict[str, dict] = {}
    # cell-by-cell progress inside each notebook when they run one at a time
    work = [(e, str(out), e.pop("_params"), progress and jobs == 1) for e in entries_in]
    if int(jobs) <= 1:
        done = map(_run_study, work)
        pool = None
    else:  # processes, not threads: no state (working directory, ...) is shared
        pool = ProcessPoolExecutor(
            max_workers=int(jobs), mp_context=multiprocessing.get_context("spawn")
        )
        done = pool.map(_run_study, work)
    try:
        for entry in done:
            results[_key(entry)] = entry
            bar.set_postfix_str(f"{entry['nn']} {entry['status']}")
            bar.update()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    bar.close()
    entries = [results[_key(e)] for e in entries_in]
    for e in entries:
        timings[f"{_key(e)}_{e['slug']}"] = e["seconds"]
    atomic_write(out / "studies.json", json.dumps(entries, indent=2))

    # 4. manifest, then the report
    timings["total"] = time.perf_counter() - t_start
    _write_manifest(out, specs, analyses, common, timings)
    if build_html:
        build_report(out)
        _write_manifest(out, specs, analyses, common, timings)
    return RunResult(
        out,
        studies=entries,
        ledger=ledger,
        seconds=time.perf_counter() - t_start,
        validation=validation,
    )


def _selected(only, *, synthesis: bool) -> list[Study]:
    studies = [get_study(s) for s in only] if only else list(STUDIES.values())
    return [s for s in studies if (s.nn == SYNTHESIS_STUDY) == synthesis]


def _key(entry: dict) -> str:
    return f"{entry['dataset']}/{entry['nn']}" if entry.get("dataset") else entry["nn"]


def _entry(study, ledger, evidence, sub, figs, params, dataset) -> dict:
    entry = {
        "nn": study.nn,
        "slug": study.slug,
        "title": study.title,
        "dataset": dataset,
        "claims": list(study.claims),
        "notebook": f"{sub}{study.name}.ipynb",
        "figures": figs,
        "key_figure": None,
        "status": "ok",
        "reason": "",
        "summary": _study_summary(study, ledger),
        "_params": params,
    }
    missing = _missing_needs(study, evidence) if evidence is not None else []
    if missing:
        entry.update(status="not-testable", reason=f"the data have no {', '.join(missing)} column")
        entry["notebook"] = None
    return entry


def _write_validation(out: Path, reports: dict, several: bool) -> dict:
    """validation.json (and .txt, quarantine.csv): one report, or with several datasets
    the sums plus each dataset's report (its quarantine under ``evidence/<label>/``)."""
    if not several:
        (rep,) = reports.values()
        validation = rep.to_dict()
        atomic_write(out / "validation.txt", rep.summary() + "\n")
        if rep.quarantined:
            rep.write_quarantine(out / "quarantine.csv")
    else:
        per = {label: rep.to_dict() for label, rep in reports.items()}
        validation = {
            "source": "several datasets: " + ", ".join(per),
            **{
                k: sum(int(r[k]) for r in per.values())
                for k in ("rows_in", "accepted", "quarantined")
            },  # fmt: skip
            "reasons": {},
            "datasets": per,
        }
        for label, rep in reports.items():
            if rep.quarantined:
                rep.write_quarantine(out / "evidence" / label / "quarantine.csv")
        text = "\n\n".join(f"[{label}]\n{rep.summary()}" for label, rep in reports.items())
        atomic_write(out / "validation.txt", text + "\n")
    atomic_write(out / "validation.json", json.dumps(validation, indent=2, default=str))
    return validation


def _run_study(job: tuple[dict, str, dict, bool]) -> dict:
    """Execute one study notebook (in a worker process when ``jobs > 1``)."""
    entry, out_s, params, progress = job
    entry = dict(entry)
    out = Path(out_s)
    study = get_study(entry["nn"])
    t = time.perf_counter()
    if entry["status"] == "ok":
        try:
            execute(study, out / entry["notebook"], params, progress=progress)
        except Exception as e:  # a failing study is reported, the run goes on
            entry.update(status="failed", reason=_short_error(e))
    entry["seconds"] = round(time.perf_counter() - t, 2)
    fig = out / entry.get("figures", "figures/") / f"{study.key_figure}.png"
    if study.key_figure and fig.exists() and entry["status"] == "ok":
        entry["key_figure"] = f"{entry.get('figures', 'figures/')}{study.key_figure}.png"
    return entry


def _short_error(e: Exception) -> str:
    text = str(e).strip().splitlines()
    # papermill errors end with the notebook's exception line
    tail = [ln for ln in text if ln.strip()]
    return (tail[-1] if tail else type(e).__name__)[:300]


def _write_manifest(out: Path, specs, analyses, params, timings) -> None:
    rec = provenance(None, params)
    rec["created_by"] = "influtiers reproduce"
    items = []
    for sp, a in zip(specs, analyses.values(), strict=True):
        meta = a.evidence.meta
        items.append(
            {
                "source": str(sp.source),
                "label": meta.get("dataset"),
                "sha256": meta.get("sha256"),
                "adapter": meta.get("adapter"),
                "synthetic": bool(meta.get("synthetic")),
            }
        )
    rec["data"] = items[0] if len(items) == 1 else {"datasets": items}
    rec["timings"] = {k: round(v, 2) for k, v in timings.items()}
    files = {}
    for f in sorted(out.rglob("*")):
        if f.is_file() and f != out / "manifest.json" and not f.name.startswith("."):
            rel = f.relative_to(out).as_posix()
            files[rel] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
    rec["files"] = files
    atomic_write(out / "manifest.json", json.dumps(rec, indent=2, sort_keys=True, default=str))
