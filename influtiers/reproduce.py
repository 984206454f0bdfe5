"""One command to reproduce everything: validate, run every study, write a citable run.

:func:`reproduce` writes a run directory ``out`` (default ``reports/``)::

    manifest.json     every output file with sha256; input sha256; run id; versions;
                      parameters; timings
    validation.json   the validation report (rows in = accepted + quarantined), with the
                      input sha256 and the run id; validation.txt
    quarantine.csv    quarantined rows with reason codes (when any)
    claims.csv/.md/.json   the claims ledger on the data (every row names the input sha256
                      and the run id)
    studies.json      per study: status (ok / not-testable / failed), reason, key figure, summary
    notebooks/        the executed study notebooks
    figures/          PNG + SVG + CSV of every figure, with figures/manifest.json (each figure's
                      provenance and the run id)
    report.html       one self-contained page

The run never mixes with an earlier one (:mod:`influtiers.rundir`): it is written into
``<out>.staging-<pid>`` under a lock and swapped in only when complete, so an interrupt or
unusable data leaves the previous run untouched. Paths inside the run are relative to it
(the notebooks run with the run directory as their working directory).

Validation, the evidence pass and the claims run in a spawned process of their own that
writes its results into the run and exits before the notebooks start: the memory they
take (gigabytes at 100M posts, which allocators do not always hand back) is gone before
the notebook kernels take theirs. This process then reads the run (the ledger, and the
evidence a column at a time) like the notebooks do.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .analysis import analyse
from .claims import run_benchmark_ledger
from .config import CURRENCY, MAX_JOBS, REPORTS_DIR, SEED, SERIAL_INFLUENCERS
from .errors import Interrupted, RunDirError, UnusableData, UsageError
from .evidence import build_evidence
from .load import load
from .load.bundled import resolve_bundled
from .metrics import get_definition
from .provenance import atomic_write, provenance, sha256_file
from .report import build_report
from .rundir import RunDirectory, new_run_id
from .studies import STUDIES, SYNTHESIS_STUDY, Study, execute, get_study
from .synthesis import BENCHMARKS, Synthesis, combine
from .tiers import get_scheme


@dataclass
class RunResult:
    """What a run did: where it is, its studies, ledger and validation, and its run id."""

    out: Path
    studies: list[dict] = field(default_factory=list)
    ledger: object = None
    seconds: float = 0.0
    validation: dict = field(default_factory=dict)
    run_id: str = ""
    recovered: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[dict]:
        """Studies that are not ``ok`` (failed or not testable)."""
        return [s for s in self.studies if s["status"] != "ok"]

    @property
    def failed(self) -> list[dict]:
        """Studies that failed."""
        return [s for s in self.studies if s["status"] == "failed"]

    @property
    def errors(self) -> list[str]:
        """The claims whose evaluation failed unexpectedly (ledger rows ``error``)."""
        if self.ledger is None:
            return []
        err = self.ledger[self.ledger["verdict"] == "error"]
        return list(dict.fromkeys(err["claim_id"]))

    def summary(self) -> str:
        lines = [f"wrote {self.out} in {self.seconds:.1f} s (run {self.run_id})"]
        for s in self.studies:
            extra = f": {s['reason']}" if s["status"] != "ok" else ""
            where = f"{s['dataset']}/" if s.get("dataset") else ""
            lines.append(f"  {where}{s['nn']} {s['slug']:<22} {s['status']}{extra}")
        if self.ledger is not None:
            lines.append("  " + self.ledger.summary())
        report = self.out / "report.html"
        if report.exists():
            lines.append(f"  open {report}")
        return "\n".join(lines)


def default_jobs(influencers: int, cpus: int | None = None) -> int:
    """Notebooks run at once when ``jobs`` is not given: one per CPU, at most
    ``config.MAX_JOBS``, and one at a time when the largest dataset has
    ``config.SERIAL_INFLUENCERS`` influencers or more (each notebook kernel holds its own
    evidence tables: 3.2 GB for the largest study at 2M influencers).

    >>> default_jobs(23_000, cpus=2), default_jobs(23_000, cpus=16), default_jobs(2_000_000, cpus=16)
    (2, 4, 1)
    """
    if influencers >= SERIAL_INFLUENCERS:
        return 1
    return max(1, min(cpus or os.cpu_count() or 1, MAX_JOBS))


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
    definition: str | None = None,
    currency: str = CURRENCY,
    out=None,
    only: Sequence[str] | None = None,
    jobs: int | None = 1,
    progress: bool = True,
    build_html: bool = True,
    log: Callable[[str], None] | None = None,
) -> RunResult:
    """Validate the data, evaluate the claims once, run the study notebooks on the result,
    and write a complete run directory.

    ``data``/``accounts``/``mapping`` name one dataset; ``datasets`` several
    (:class:`DataSpec`; ``source="benchmarks"`` adds the published library). With one
    dataset the run directory holds ``evidence/``, ``results.json`` and
    ``notebooks/NN_*.ipynb``; with several, each dataset has ``evidence/<label>/``,
    ``figures/<label>/`` and ``notebooks/<label>/``, and the ledger, ``pooled.json`` and
    the synthesis notebook (09) cover them all. ``load_options`` go to
    :func:`influtiers.load.load` (``engine``, ``memory_limit``, ``temp_directory``,
    ``quarantine_implausible``). ``definition`` and ``currency`` are the claims'
    engagement definition and analysis currency. ``log`` receives one accounting line
    per dataset as soon as it is validated. ``jobs`` notebooks run at once, each in a
    process of its own; ``None`` chooses :func:`default_jobs` from the evidence (and
    logs the choice when the data's size forces one at a time).

    ``out`` must be absent, empty or an influtiers run directory; the run replaces it
    only when complete (:class:`influtiers.rundir.RunDirectory`).

    Raises
    ------
    UnusableData
        A dataset has no usable row (``out`` is left as it was, and the message says so).
    Interrupted
        Ctrl-C (``out`` is left as it was, and the message says so).
    RunDirError
        ``out`` is not a folder a run may replace, or another run is writing to it.
    """
    t_start = time.perf_counter()
    # absolute from the start: nothing later depends on the working directory
    out = Path(out).resolve() if out else REPORTS_DIR
    timings: dict[str, float] = {}
    specs, bench = _specs(data, accounts, mapping, datasets)
    selected = (_selected(only, synthesis=False), _selected(only, synthesis=True))
    if scheme is not None:  # bad settings stop the run before anything is read or written
        get_scheme(scheme)
    if definition is not None:
        get_definition(definition)
    for sp in specs:  # replacing the run would delete an input kept inside it
        for src in (sp.source, sp.mapping, sp.accounts):
            if isinstance(src, str | Path) and Path(src).exists():
                if Path(src).resolve().is_relative_to(out):
                    raise RunDirError(
                        f"--out {out} holds the input {src}: a new run replaces "
                        "the folder as a whole; move the input or choose another --out"
                    )
    with RunDirectory(out) as rd:
        try:
            result = _run(
                rd,
                specs,
                bench,
                selected,
                timings,
                t_start,
                log=log,
                load_options=load_options or {},
                scheme=scheme,
                seed=seed,
                definition=definition,
                currency=currency,
                jobs=jobs,
                progress=progress,
                build_html=build_html,
            )
            rd.commit()
        except KeyboardInterrupt:
            raise Interrupted(rd.untouched()) from None
    result.out = out
    result.recovered = rd.recovered
    result.seconds = time.perf_counter() - t_start
    return result


def _run(
    rd,
    specs,
    bench,
    selected,
    timings,
    t_start,
    *,
    log,
    load_options,
    scheme,
    seed,
    definition,
    currency,
    jobs,
    progress,
    build_html,
) -> RunResult:
    """The work of :func:`reproduce` inside its staging folder ``rd.staging``."""
    from tqdm.auto import tqdm

    stage = rd.staging
    several = len(specs) > 1
    run_id = new_run_id()
    # 1-2. validate, evidence and ledger, in a process of their own: the run directory
    # gets everything, and the memory they take (gigabytes at 100M posts, which an
    # allocator does not always hand back) leaves with that process before the notebooks
    # start
    t0 = time.perf_counter()
    job = {
        "stage": stage,
        "specs": specs,
        "bench": bench,
        "run_id": run_id,
        "untouched": rd.untouched(),
        "load_options": load_options,
        "scheme": scheme,
        "seed": seed,
        "definition": definition,
        "currency": currency,
    }
    phase = _in_child_process(_evaluate_into, job, log)
    synth = Synthesis.read(stage)  # the evidence stays on disk, read a column at a time
    analyses, ledger = synth.analyses, synth.ledger
    validation, shas = phase["validation"], phase["shas"]
    timings["validate"] = phase["validate"]
    timings["claims"] = time.perf_counter() - t0 - phase["validate"]

    # 3. notebooks: the studies per dataset, the synthesis once; paths relative to the run
    common = {"scheme": scheme, "seed": seed, "run_dir": "."}
    entries_in = []
    for sp, (label, a) in zip(specs, analyses.items(), strict=True):
        params = {
            **common,
            "data": _data_param(sp.source),
            "output_dir": f"figures/{label}" if several else "figures",
            "accounts": None if sp.accounts is None else str(Path(sp.accounts).resolve()),
            "mapping": None if sp.mapping is None else str(Path(sp.mapping).resolve()),
            "dataset": label if several else None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        sub = f"notebooks/{label}/" if several else "notebooks/"
        figs = f"figures/{label}/" if several else "figures/"
        for study in selected[0]:
            entries_in.append(
                _entry(study, a.ledger, a.evidence, sub, figs, params, label if several else None)
            )
    for study in selected[1]:
        params = {**common, "output_dir": "figures"}
        e = _entry(study, ledger, None, "notebooks/", "figures/", params, None)
        if len(specs) + bench < 2:
            e.update(
                status="not-testable",
                notebook=None,
                reason="needs two or more sources (add --data benchmarks or a dataset)",
            )
        entries_in.append(e)
    if jobs is None:
        most = max(a.evidence.num_rows("influencers") for a in analyses.values())
        jobs = default_jobs(most)
        if jobs < default_jobs(0) and log is not None:  # the data's size decided
            log(
                f"studies run one at a time: {most:,} influencers (each notebook holds its "
                "tables; --jobs to choose)"
            )
    entries = _run_studies(entries_in, stage, jobs, progress, tqdm, None if progress else log)
    for e in entries:
        timings[f"{_key(e)}_{e['slug']}"] = e["seconds"]
    atomic_write(stage / "studies.json", json.dumps(entries, indent=2))

    # 4. manifest, then the report (which reads the manifest), then the final manifest
    timings["total"] = time.perf_counter() - t_start
    man = {
        "scheme": scheme,
        "seed": seed,
        "definition": definition,
        "currency": currency,
        "run_id": run_id,
    }
    _write_manifest(stage, specs, analyses, shas, man, timings)
    if build_html:
        build_report(stage)
        _write_manifest(stage, specs, analyses, shas, man, timings)
    return RunResult(rd.out, studies=entries, ledger=ledger, validation=validation, run_id=run_id)


def _evaluate_into(
    stage: Path,
    specs,
    bench: bool,
    run_id: str,
    untouched: str,
    *,
    load_options,
    scheme,
    seed,
    definition,
    currency,
    log=None,
) -> dict:
    """Steps 1 and 2 of a run, written into ``stage``: load and validate each dataset
    once (``validation.*``, ``quarantine.csv``), stream its evidence (the evidence SQL, every
    definition: ``evidence/``), evaluate each claim once and combine the ledgers
    (``claims.*``, ``results.json``, ``pooled.json``). Returns the validation record, the
    inputs' sha256 and the validation seconds."""
    several = len(specs) > 1
    t0 = time.perf_counter()
    loaded, reports = [], {}
    try:
        for sp in specs:
            ds = load(
                sp.source, accounts=sp.accounts, mapping=sp.mapping, label=sp.label, **load_options
            )
            loaded.append(ds)
            reports[ds.label] = ds.report
            if ds.report.accepted == 0:  # the one error line carries the accounting
                raise UnusableData(f"{ds.report.unusable()}; {untouched}")
            if log is not None:
                log((f"{ds.label}: " if several else "") + ds.report.accounting())
        shas = {ds.label: ds.sha256 for ds in loaded}
        validation = _write_validation(stage, reports, shas, run_id, several)
        seconds = time.perf_counter() - t0
        # the evidence SQL for each, every definition, streamed into the run: never held whole
        evidence = {}
        for ds in loaded:
            ev_dir = stage / "evidence" / (ds.label if several else "")
            evidence[ds.label] = build_evidence(ds, currency=currency, out=ev_dir)
            ds.close()  # the engine's memory goes before the statistics start
    finally:
        for ds in loaded:
            ds.close()
    analyses = {
        label: analyse(ev, scheme=scheme, seed=seed, definition=definition, currency=currency)
        for label, ev in evidence.items()
    }
    settings = {
        "scheme": scheme,
        "seed": seed,
        "definition": definition,
        "currency": currency,
        "run_id": run_id,
    }
    for a in analyses.values():
        a.settings["run_id"] = run_id
        a.ledger["run_id"] = run_id
    published = run_benchmark_ledger() if bench else None
    synth = combine(analyses, published, settings=settings)
    synth.ledger["run_id"] = run_id
    synth.write(stage)
    return {"validation": validation, "shas": shas, "validate": seconds}


def _in_child_process(func: Callable[..., dict], job: dict, log=None) -> dict:
    """``func(**job, log=...)`` in a fresh (spawned) process: its log lines reach ``log``
    as they come, its exception is raised here, and Ctrl-C (which the child ignores)
    stops it. A child the system kills (out of memory) is an error that says so. A job
    that cannot cross to another process (a Spark session in ``load_options``) runs in
    this one."""
    try:
        pickle.dumps(job)
    except Exception:
        return func(**job, log=log)
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(func, job, send, log is not None))
    proc.start()
    send.close()
    try:
        while True:
            try:
                kind, value = receive.recv()
            except EOFError:
                proc.join()
                code = proc.exitcode
                why = (
                    f"killed by signal {-code} (out of memory?)"
                    if code is not None and code < 0
                    else f"exit status {code}"
                )
                raise RuntimeError(
                    f"the validation and claims process stopped without a result: {why}"
                ) from None
            if kind == "log":
                log(value)
            elif kind == "error":
                raise value
            else:
                return value
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
        receive.close()


def _child_main(func, job: dict, send, logging: bool) -> None:  # pragma: no cover - child
    _ignore_sigint()
    try:
        log = (lambda text: send.send(("log", text))) if logging else None
        send.send(("done", func(**job, log=log)))
    except BaseException as e:  # every error goes to the parent, which raises it
        send.send(("error", _portable(e)))
    finally:
        send.close()


def _portable(e: BaseException) -> BaseException:
    """``e`` in a form that crosses to the parent process: itself when it pickles both
    ways (with the child's traceback as a note), else a builtin error with its text."""
    e.add_note("".join(traceback.format_exception(e)).rstrip())
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:
        kind = MemoryError if type(e).__name__ == "OutOfMemoryException" else RuntimeError
        return kind(f"{type(e).__name__}: {e}")


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_studies(entries_in, stage: Path, jobs: int, progress: bool, tqdm, log=None) -> list[dict]:
    """Execute the studies (in worker processes when ``jobs > 1``; an interrupt stops
    them all); without progress bars, ``log`` gets one line per study with its time."""
    bar = tqdm(total=len(entries_in), desc="studies", unit="notebook", disable=not progress)
    results: dict[str, dict] = {}
    # cell-by-cell progress inside each notebook when they run one at a time
    work = [(e, str(stage), e.pop("_params"), progress and jobs == 1) for e in entries_in]
    pool = None
    jobs = min(int(jobs), len(work))  # no idle worker processes
    if jobs <= 1:
        done = map(_run_study, work)
    else:  # processes, not threads: no state (working directory, ...) is shared
        ctx = multiprocessing.get_context("spawn")
        pool = ctx.Pool(int(jobs), initializer=_ignore_sigint)
        done = pool.imap(_run_study, work)
    try:
        for entry in done:
            results[_key(entry)] = entry
            bar.set_postfix_str(f"{entry['nn']} {entry['status']}")
            bar.update()
            if log is not None:
                log(
                    f"  {entry['nn']} {entry['slug']:<28} {entry['status']:<13} "
                    f"{entry['seconds']:6.1f} s"
                )
        if pool is not None:
            pool.close()
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    finally:
        if pool is not None:
            pool.join()
        bar.close()
    return [results[_key(e)] for e in entries_in]


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


def _write_validation(out: Path, reports: dict, shas: dict, run_id: str, several: bool) -> dict:
    """validation.json (and .txt, quarantine.csv): one report, or with several datasets
    the sums plus each dataset's report (its quarantine under ``evidence/<label>/``). Each
    report names its input's sha256; the file names the run id."""
    if not several:
        ((label, rep),) = reports.items()
        validation = {**rep.to_dict(), "sha256": shas[label], "run_id": run_id}
        atomic_write(out / "validation.txt", rep.summary() + "\n")
        if rep.quarantined:
            rep.write_quarantine(out / "quarantine.csv")
    else:
        per = {label: {**rep.to_dict(), "sha256": shas[label]} for label, rep in reports.items()}
        validation = {
            "source": "several datasets: " + ", ".join(per),
            **{
                k: sum(int(r[k]) for r in per.values())
                for k in ("rows_in", "accepted", "quarantined")
            },
            "reasons": {},
            "sha256": dict(shas),
            "run_id": run_id,
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
    """Execute one study notebook (in a worker process when ``jobs > 1``), with the run
    directory as the kernel's working directory."""
    entry, out_s, params, progress = job
    entry = dict(entry)
    out = Path(out_s)
    study = get_study(entry["nn"])
    t = time.perf_counter()
    if entry["status"] == "ok":
        try:
            execute(study, out / entry["notebook"], params, progress=progress, cwd=out)
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


def _write_manifest(out: Path, specs, analyses, shas, params, timings) -> None:
    rec = provenance(None, params)
    rec["created_by"] = "influtiers reproduce"
    rec["run_id"] = params["run_id"]
    items = []
    for sp, (label, a) in zip(specs, analyses.items(), strict=True):
        meta = a.evidence.meta
        items.append(
            {
                "source": str(sp.source),
                "label": label,
                "sha256": shas[label],
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


__all__ = ["DataSpec", "RunResult", "default_jobs", "reproduce"]
