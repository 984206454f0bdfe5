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
from .config import REPORTS_DIR, SEED
from .datasets import resolve_bundled
from .load import load
from .provenance import atomic_write, provenance, sha256_file
from .report import build_report
from .studies import STUDIES, Study, execute, get_study


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
    if resolve_bundled(data) is not None:
        return str(data)
    return str(Path(data).resolve())


def _study_summary(study: Study, ledger) -> str:
    rows = ledger[ledger["claim_id"].isin(study.claims)]
    parts = [f"{r.claim_id} {r.verdict}" for r in rows.itertuples()]
    return "; ".join(parts)


def reproduce(
    data="demo",
    *,
    accounts=None,
    mapping=None,
    scheme=None,
    seed: int = SEED,
    out=None,
    only: Sequence[str] | None = None,
    jobs: int = 1,
    progress: bool = True,
    build_html: bool = True,
) -> RunResult:
    """Validate ``data``, evaluate the claims once, run the study notebooks on the result,
    and write a complete run directory."""
    from tqdm.auto import tqdm

    t_start = time.perf_counter()
    # absolute from the start: nothing later depends on the working directory
    out = Path(out).resolve() if out else REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    studies = [get_study(s) for s in only] if only else list(STUDIES.values())

    # 1. load and validate, once
    t0 = time.perf_counter()
    ds = load(data, accounts=accounts, mapping=mapping)
    rep = ds.report
    validation = rep.to_dict()
    atomic_write(out / "validation.json", json.dumps(validation, indent=2, default=str))
    atomic_write(out / "validation.txt", rep.summary() + "\n")
    if rep.quarantined:
        rep.write_quarantine(out / "quarantine.csv")
    timings["validate"] = time.perf_counter() - t0
    if rep.accepted == 0:
        ds.close()
        return RunResult(out, unusable=True, validation=validation)

    # 2. evidence (one SQL pass) and the ledger (each claim once), written once
    t0 = time.perf_counter()
    try:
        analysis = analyse(ds, scheme=scheme, seed=seed)
    finally:
        ds.close()
    analysis.write(out)
    ledger = analysis.ledger
    timings["claims"] = time.perf_counter() - t0

    # 3. notebooks
    params = {
        "data": _data_param(data),
        "run_dir": str(out),
        "scheme": scheme,
        "seed": seed,
        "output_dir": str(out / "figures"),
        "accounts": None if accounts is None else str(Path(accounts).resolve()),
        "mapping": None if mapping is None else str(Path(mapping).resolve()),
    }
    params = {k: v for k, v in params.items() if v is not None}

    entries_in = []
    for study in studies:
        entry = {
            "nn": study.nn,
            "slug": study.slug,
            "title": study.title,
            "claims": list(study.claims),
            "notebook": f"notebooks/{study.name}.ipynb",
            "key_figure": None,
            "status": "ok",
            "reason": "",
            "summary": _study_summary(study, ledger),
        }
        missing = _missing_needs(study, analysis.evidence)
        if missing:
            entry.update(
                status="not-testable", reason=f"the data have no {', '.join(missing)} column"
            )
            entry["notebook"] = None
        entries_in.append(entry)

    bar = tqdm(total=len(studies), desc="studies", unit="notebook", disable=not progress)
    results: dict[str, dict] = {}
    # cell-by-cell progress inside each notebook when they run one at a time
    work = [(e, str(out), params, progress and jobs == 1) for e in entries_in]
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
            results[entry["nn"]] = entry
            bar.set_postfix_str(f"{entry['nn']} {entry['status']}")
            bar.update()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    bar.close()
    entries = [results[s.nn] for s in studies]
    for e in entries:
        timings[f"{e['nn']}_{e['slug']}"] = e["seconds"]
    atomic_write(out / "studies.json", json.dumps(entries, indent=2))

    # 4. manifest, then the report
    timings["total"] = time.perf_counter() - t_start
    _write_manifest(out, data, analysis.evidence, params, timings)
    if build_html:
        build_report(out)
        _write_manifest(out, data, analysis.evidence, params, timings)
    return RunResult(
        out,
        studies=entries,
        ledger=ledger,
        seconds=time.perf_counter() - t_start,
        validation=validation,
    )


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
    fig = out / "figures" / f"{study.key_figure}.png"
    if study.key_figure and fig.exists() and entry["status"] == "ok":
        entry["key_figure"] = f"figures/{study.key_figure}.png"
    return entry


def _short_error(e: Exception) -> str:
    text = str(e).strip().splitlines()
    # papermill errors end with the notebook's exception line
    tail = [ln for ln in text if ln.strip()]
    return (tail[-1] if tail else type(e).__name__)[:300]


def _write_manifest(out: Path, data, evidence, params, timings) -> None:
    rec = provenance(None, params)
    rec["created_by"] = "influtiers reproduce"
    meta = evidence.meta
    rec["data"] = {
        "source": str(data),
        "label": meta.get("dataset"),
        "sha256": meta.get("sha256"),
        "adapter": meta.get("adapter"),
        "synthetic": bool(meta.get("synthetic")),
    }
    rec["timings"] = {k: round(v, 2) for k, v in timings.items()}
    files = {}
    for f in sorted(out.rglob("*")):
        if f.is_file() and f != out / "manifest.json" and not f.name.startswith("."):
            rel = f.relative_to(out).as_posix()
            files[rel] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
    rec["files"] = files
    atomic_write(out / "manifest.json", json.dumps(rec, indent=2, sort_keys=True, default=str))
