"""The ``influtiers`` command.

Exit codes: 0 success; 2 bad input or usage (one line on stderr naming the file, row or
column, no traceback; also when no row of a dataset is usable); 1 a complete run or
ledger with claims that failed unexpectedly (``error`` rows) or failed studies (also
not-testable studies with ``--strict``), or an internal error; 130 interrupted (Ctrl-C:
one line, and the output folder is left as it was).

Every command that loads data prints the accounting line on stderr:
``N rows in = A accepted + Q quarantined``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ._version import __version__
from .cli_help import EPILOGS, HelpFormatter
from .config import CURRENCY, DEFAULT_SCHEME, MARGIN, SEED
from .errors import DataError, UnusableData, UsageError

#: Exceptions that mean "bad input" rather than "bug".
INPUT_ERRORS = (UsageError, DataError, FileNotFoundError, KeyError, ValueError, IsADirectoryError)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (the full usage is in ``--help``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


DATA_HELP = (
    "posts file (CSV, Parquet, JSON Lines), a directory in a known dataset format, or a "
    "bundled dataset name (demo)"
)


def _add_data_args(p: argparse.ArgumentParser) -> None:
    """``--data DATA`` (the positional ``DATA`` is kept as an alias) and the options that
    describe one dataset."""
    p.add_argument("data_pos", nargs="?", metavar="DATA", help=f"{DATA_HELP}; same as --data")
    p.add_argument("--data", dest="data_opt", metavar="DATA", help=DATA_HELP)
    p.add_argument("--accounts", help="accounts table joined to posts on account_id")
    p.add_argument("--mapping", help="YAML/JSON column mapping {your_name: canonical_name}")
    p.add_argument("--adapter", help="dataset format (default: detected)")
    _add_implausible(p)


def _add_implausible(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--quarantine-implausible",
        action="store_true",
        help="quarantine implausible rows (posts dated in the future, engagement rates above "
        "the platform's threshold) instead of only counting them",
    )


def load_options(args) -> dict:
    """The :func:`influtiers.load.load` keywords of the command's options."""
    return {
        "engine": getattr(args, "engine", "duckdb"),
        "memory_limit": getattr(args, "memory_limit", None),
        "temp_directory": getattr(args, "temp_directory", None),
        "quarantine_implausible": bool(getattr(args, "quarantine_implausible", False)),
    }


def one_dataset(args) -> None:
    """Set ``args.data`` from ``--data`` or the positional alias (one of them, once)."""
    pos, opt = getattr(args, "data_pos", None), getattr(args, "data_opt", None)
    if pos is not None and opt is not None and pos != opt:
        raise UsageError(f"two datasets given ({pos!r} and --data {opt!r}); give one")
    args.data = opt if opt is not None else pos
    if args.data is None:
        raise UsageError("a dataset is required: --data PATH (or --data demo)")


def _usable(ds, label: str | None = None) -> None:
    """Print the accounting line; raise :class:`UnusableData` when nothing is usable."""
    rep = ds.report
    if rep.accepted == 0:  # the one error line carries the accounting
        raise UnusableData(rep.unusable())
    _note((f"{label}: " if label else "") + rep.accounting())


# ---------------------------------------------------------------- schemes
FORMAT_HELP = "output format"


def _cfg_schemes(p):
    p.add_argument("--format", choices=("text", "json"), default="text", help=FORMAT_HELP)


def _run_schemes(args) -> int:
    from .tiers import DEFAULT_SCHEME, SCHEMES

    if args.format == "json":
        print(json.dumps([s.to_dict() for s in SCHEMES.values()], indent=2, default=str))
        return 0
    for name, s in SCHEMES.items():
        star = " (default)" if name == DEFAULT_SCHEME else ""
        src = ", ".join(str(x) for x in (s.source.publisher, s.source.year) if x)
        print(f"{s.describe()}{star}\n    source: {s.source.title} [{src}]")
    return 0


# ---------------------------------------------------------------- tiers
def _cfg_tiers(p):
    _add_data_args(p)
    p.add_argument(
        "--scheme", default=None, help=f"scheme name or file (default: {DEFAULT_SCHEME})"
    )
    p.add_argument(
        "--unit",
        choices=("influencer", "post"),
        default="influencer",
        help="count influencers or posts per tier",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help=FORMAT_HELP)


def _run_tiers(args) -> int:
    import pandas as pd

    from .load import load
    from .tiers import get_scheme

    one_dataset(args)
    scheme = get_scheme(args.scheme)
    opts = {**load_options(args), "engine": "duckdb"}
    with load(
        args.data, accounts=args.accounts, mapping=args.mapping, adapter=args.adapter, **opts
    ) as ds:
        _usable(ds)
        rep = ds.report
        plat = "platform" in ds.columns
        if args.unit == "influencer":  # one row per influencer: its median follower count
            keys = "platform, account_id" if plat else "account_id"
            src = f"SELECT {keys}, median(followers) AS followers FROM {ds.posts} GROUP BY ALL"
        else:
            src = f"SELECT * FROM {ds.posts}"
        cols = "platform, followers" if plat else "followers"
        tab = ds.con.sql(f"SELECT {cols}, count(*) AS n FROM ({src}) GROUP BY ALL").df()
    cat = scheme.classify(tab["followers"], tab["platform"] if plat else None)
    counts = tab["n"].groupby(pd.Series(cat), sort=False, dropna=False, observed=False).sum()
    counts = counts.reindex(pd.CategoricalIndex(cat.categories, ordered=True), fill_value=0)
    missing = int(tab["n"][pd.isna(cat)].sum())
    rows = [{"tier": str(k), "count": int(v)} for k, v in counts.items()]
    if missing:
        rows.append({"tier": "missing", "count": missing})
    total = sum(r["count"] for r in rows)
    acc = {"rows_in": rep.rows_in, "accepted": rep.accepted, "quarantined": rep.quarantined}
    if args.format == "json":
        rec = {"scheme": scheme.name, "unit": args.unit, "total": total, "tiers": rows, **acc}
        print(json.dumps(rec, indent=2))
    else:
        print(f"scheme {scheme.name}; unit: {args.unit}; {total} in total")
        for r in rows:
            share = r["count"] / total if total else 0.0
            print(f"  {r['tier']:<12} {r['count']:>9}  {share:6.1%}")
    return 0


# ---------------------------------------------------------------- validate
def _cfg_validate(p):
    _add_data_args(p)
    p.add_argument(
        "--quarantine",
        help="write quarantined rows with reasons to this CSV/Parquet (streamed from the "
        "engine; never one of the inputs)",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 2) if any row is quarantined")
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="engine that validates the rows (spark: a local Spark session)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help=FORMAT_HELP)


def _quarantine_target(path, inputs: Sequence) -> Path:
    """``--quarantine``: a file in a writable folder, never one of the inputs."""
    q = Path(path)
    if q.is_dir():
        raise UsageError(f"--quarantine {q} is a folder; give a file name (.csv or .parquet)")
    target = q.resolve()
    for p in inputs:
        if p is None or not isinstance(p, str | Path):
            continue
        p = Path(p)
        if not p.exists():
            continue
        clash = target == p.resolve() or (p.is_dir() and target.is_relative_to(p.resolve()))
        if clash:
            raise UsageError(f"--quarantine {q} would overwrite the input {p}; choose another file")
    try:
        q.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(
            f"--quarantine {q}: cannot create its folder ({e.strerror or e})"
        ) from None

    if not os.access(q.parent, os.W_OK):
        raise UsageError(f"--quarantine {q}: the folder {q.parent} is not writable")
    return q


def _run_validate(args) -> int:
    from .load import load

    one_dataset(args)
    target = None
    if args.quarantine:
        target = _quarantine_target(args.quarantine, [args.data, args.accounts, args.mapping])
    with load(
        args.data,
        accounts=args.accounts,
        mapping=args.mapping,
        adapter=args.adapter,
        strict=args.strict,
        **load_options(args),
    ) as ds:
        rep = ds.report
        if target is not None:
            if any(target.resolve() == p for p in ds.paths):
                raise UsageError(f"--quarantine {target} would overwrite an input; choose another")
            try:
                rep.write_quarantine(target)
            except Exception as e:  # the engine's I/O errors have their own types
                raise DataError(f"--quarantine {target}: cannot write it: {e}") from None
    if args.format == "json":
        print(json.dumps(rep.to_dict(), indent=2, default=str))
    else:
        print(rep.summary())
    if rep.accepted == 0:
        raise UnusableData(rep.unusable())
    _note(rep.accounting())
    return 0


# ------------------------------------------------------------------ claims
class _DataAction(argparse.Action):
    """``--data``: one dataset per use; ``--mapping``/``--accounts`` after it bind to it."""

    def __call__(self, parser, ns, values, option_string=None):
        specs = list(getattr(ns, "data_specs", None) or [])
        specs.append({"data": values, "mapping": None, "accounts": None})
        ns.data_specs = specs


class _BindAction(argparse.Action):
    """``--mapping``/``--accounts``: bound to the ``--data`` before them (before any
    ``--data``: to the first one)."""

    def __call__(self, parser, ns, values, option_string=None):
        specs = list(getattr(ns, "data_specs", None) or [])
        if specs:
            specs[-1] = {**specs[-1], self.dest: values}
            ns.data_specs = specs
        else:
            pending = dict(getattr(ns, "data_pending", None) or {})
            pending[self.dest] = values
            ns.data_pending = pending


def _add_data_options(p, data_help: str, scheme_for: str) -> None:
    """The data, mapping, scheme, definition, currency, seed and engine options shared by
    claims, run and reproduce."""
    from .metrics import DEFINITIONS

    p.add_argument(
        "--data", action=_DataAction, dest="data_specs", metavar="[LABEL=]DATA", help=data_help
    )
    p.add_argument(
        "--accounts",
        action=_BindAction,
        dest="accounts",
        help="accounts table joined on account_id (binds to the --data before it)",
    )
    p.add_argument(
        "--mapping",
        action=_BindAction,
        dest="mapping",
        help="column mapping file (binds to the --data before it)",
    )
    p.add_argument(
        "--scheme",
        default=None,
        help=f"tier scheme for every {scheme_for} (default: each claim's own)",
    )
    p.add_argument(
        "--definition",
        choices=list(DEFINITIONS),
        default=None,
        help="engagement definition of the rate claims (default: each claim's own; when the "
        "data lack its columns, likes over followers, flagged definition-fallback)",
    )
    p.add_argument(
        "--currency",
        default=CURRENCY,
        type=lambda s: str(s).strip().upper(),
        help="analysis currency of the cost claims; prices in other currencies are "
        "counted, never summed with these",
    )
    p.add_argument("--seed", type=int, default=SEED, help="seed of every random step")
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="engine of validation and the evidence pass (spark: local[*] unless a session "
        "is active); the statistics run locally on the small evidence tables",
    )
    p.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 3GB (spills to disk)")
    p.add_argument("--temp-directory", help="where DuckDB spills and stages (default: system)")
    _add_implausible(p)


def data_specs(args, default=("demo",)) -> list:
    """The command's datasets as :class:`influtiers.reproduce.DataSpec` values (labels
    from ``LABEL=PATH``, else the file name; ``benchmarks`` adds the published library)."""
    from .reproduce import DataSpec
    from .synthesis import parse_data_args

    specs = list(getattr(args, "data_specs", None) or [])
    if not specs:
        specs = [{"data": d, "mapping": None, "accounts": None} for d in default]
    pending = getattr(args, "data_pending", None) or {}
    if pending:
        specs[0] = {**specs[0], **{k: v for k, v in pending.items() if specs[0].get(k) is None}}
    parsed = parse_data_args([s["data"] for s in specs])
    single = len(specs) == 1
    return [
        DataSpec(
            None if single and "=" not in s["data"] else label, src, s["mapping"], s["accounts"]
        )
        for (label, src), s in zip(parsed, specs, strict=True)
    ]


def _cfg_claims(p):
    _add_data_options(
        p,
        "posts data (a file, a dataset directory, or 'demo'), optionally LABEL=DATA; repeat "
        "for several datasets (pooled rows are added); 'benchmarks' adds the published "
        "library (default: demo)",
        "claim",
    )
    p.add_argument(
        "--margin",
        type=float,
        nargs=2,
        default=MARGIN,
        metavar=("LOW", "HIGH"),
        help="equivalence band of the parity claim (C02), as a ratio",
    )
    p.add_argument("--only", help="comma-separated claim ids (e.g. C02,C04; default: all)")
    p.add_argument(
        "--format", choices=("table", "csv", "json", "markdown"), default="table", help=FORMAT_HELP
    )


def _ledger_for(args):
    from .claims import run_benchmark_ledger
    from .load import load
    from .synthesis import BENCHMARKS, analyse_all
    from .tiers import get_scheme

    only = (
        [c.strip().upper() for c in args.only.split(",")] if getattr(args, "only", None) else None
    )
    if args.scheme is not None:  # a bad scheme stops before any data is read
        get_scheme(args.scheme)
    specs = data_specs(args)
    bench = any(s.source == BENCHMARKS for s in specs)
    specs = [s for s in specs if s.source != BENCHMARKS]
    if not specs:
        led = run_benchmark_ledger(margin=tuple(args.margin))
        return led[led["claim_id"].isin(only)] if only else led
    loaded = []
    try:
        for s in specs:
            ds = load(
                s.source,
                accounts=s.accounts,
                mapping=s.mapping,
                label=s.label,
                **load_options(args),
            )
            loaded.append((s.label, ds))
            _usable(ds, s.label if len(specs) > 1 else None)
        labelled = [(label or ds.label, ds) for label, ds in loaded]
        syn = analyse_all(
            labelled,
            benchmarks=bench,
            scheme=args.scheme,
            seed=args.seed,
            margin=tuple(args.margin),
            claims=only,
            ranked="claims",
            definition=args.definition,
            currency=args.currency,
        )
    finally:
        for _, ds in loaded:
            ds.close()
    led = syn.ledger
    return led[led["claim_id"].isin(only)] if only else led


def _run_claims(args) -> int:
    from .claims import Ledger, ledger_records

    led = Ledger(_ledger_for(args))
    if args.format == "json":
        print(json.dumps(ledger_records(led), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        from .csvsafe import safe_csv

        sys.stdout.write(safe_csv(led))
    elif args.format == "markdown":
        print(led.to_markdown_table())
    else:
        print(_ledger_text(led))
    errors = list(dict.fromkeys(led.loc[led["verdict"] == "error", "claim_id"]))
    if errors:
        _note(
            f"influtiers claims: {len(errors)} claim(s) failed unexpectedly "
            f"({', '.join(errors)}): see the error rows of the ledger"
        )
        return 1
    return 0


def _ledger_text(led) -> str:
    import math

    def f(x):
        try:
            x = float(x)
        except (TypeError, ValueError):
            return ""
        if math.isnan(x):
            return ""
        return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"

    lines = [led.summary(), ""]
    several = led["dataset"].nunique() > 1
    plats = led["platform"].nunique() > 1
    for _, r in led.iterrows():
        ci = f"[{f(r['ci_low'])}, {f(r['ci_high'])}]" if f(r["ci_low"]) else ""
        where = (
            "  ["
            + ", ".join(
                x
                for x in (
                    r["dataset"] if several else "",
                    r["platform"] if plats else "",
                    r["part"],
                )
                if x
            )
            + "]"
        )
        where = "" if where == "  []" else where
        verdict = r["verdict"] + (f" ({r['direction']})" if r["direction"] else "")
        lines.append(
            f"{r['claim_id']}  {verdict:<26} {f(r['estimate']):>9} {ci:<22} {r['title']}{where}"
        )
        detail = r["reason"] if r["verdict"] in ("not-testable", "error") else r["estimand"]
        if detail and not r["part"]:
            lines.append(f"     {detail}")
    return "\n".join(lines)


# ------------------------------------------------------------------ run / reproduce
def _cfg_reproduce(p, single: bool = False):
    if single:
        p.add_argument("study", help="study number or name, e.g. 03")
    _add_data_options(
        p,
        "posts file, dataset directory, or bundled name, optionally LABEL=DATA; repeat for "
        "several datasets; 'benchmarks' adds the published library (default: demo "
        "and benchmarks)",
        "study",
    )
    p.add_argument(
        "--out",
        default=None,
        help="output folder: absent, empty, or an earlier run (replaced only when this run "
        "is complete; default: reports/ in the repository)",
    )
    if not single:
        p.add_argument("--only", help="comma-separated study numbers, e.g. 00,03 (default: all)")
        p.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="notebooks executed in parallel, each in its own process (default: the "
            "number of CPUs, at most 4; one at a time when a dataset has 500,000 "
            "influencers or more, as each notebook holds its tables)",
        )
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 also when a study is not testable (failed studies always exit 1)",
    )
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bars (they show only on a terminal; otherwise one line "
        "per study with its time)",
    )


def _cfg_run(p):
    _cfg_reproduce(p, single=True)


def _run_run(args) -> int:
    args.only = args.study
    args.jobs = 1
    return _run_reproduce(args)


def _run_reproduce(args) -> int:
    from .reproduce import reproduce

    only = [s.strip() for s in args.only.split(",")] if getattr(args, "only", None) else None
    result = reproduce(
        datasets=data_specs(args, default=("demo", "benchmarks")),
        load_options=load_options(args),
        scheme=args.scheme,
        seed=args.seed,
        definition=args.definition,
        currency=args.currency,
        out=args.out,
        only=only,
        jobs=getattr(args, "jobs", None),  # None: reproduce decides from the data
        progress=not args.no_progress and sys.stderr.isatty(),
        log=_note,
    )
    for what in result.recovered:
        _note(f"influtiers {args.command}: note: {what} (left by an interrupted run)")
    print(result.summary())
    problems = []
    if result.errors:
        problems.append(
            f"{len(result.errors)} claim(s) failed unexpectedly ({', '.join(result.errors)})"
        )
    if result.failed:
        problems.append(
            f"{len(result.failed)} stud(ies) failed ({', '.join(s['nn'] for s in result.failed)})"
        )
    untestable = [s["nn"] for s in result.studies if s["status"] == "not-testable"]
    if args.strict and untestable:
        problems.append(
            f"--strict: {len(untestable)} stud(ies) not testable ({', '.join(untestable)})"
        )
    if problems:
        _note(
            f"influtiers {args.command}: the run is complete in {result.out}, but "
            + "; ".join(problems)
        )
        return 1
    return 0


def _cfg_report(p):
    p.add_argument("run_dir", help="a directory written by 'influtiers reproduce'")


def _run_report(args) -> int:
    from .report import build_report
    from .rundir import check_run_files, record_file

    check_run_files(args.run_dir)
    path = build_report(args.run_dir)
    record_file(args.run_dir, path.name)  # the manifest keeps matching every file
    print(f"wrote {path}")
    return 0


COMMANDS: dict[str, tuple[Callable, Callable, str]] = {
    "schemes": (_cfg_schemes, _run_schemes, "list the named tier schemes"),
    "tiers": (_cfg_tiers, _run_tiers, "count accounts (or posts) per tier in a dataset"),
    "validate": (_cfg_validate, _run_validate, "load and validate a dataset; print the report"),
    "claims": (_cfg_claims, _run_claims, "run the claims ledger on a dataset"),
    "reproduce": (
        _cfg_reproduce,
        _run_reproduce,
        "validate the data, evaluate the claims, run every study notebook, write figures, "
        "ledger, manifest and report.html",
    ),
    "run": (_cfg_run, _run_run, "run one study notebook"),
    "report": (_cfg_report, _run_report, "rebuild report.html from a run directory"),
}


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="influtiers",
        description="Test claims about influencer tiers on post-level data.",
    )
    p.add_argument("--version", action="version", version=f"influtiers {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (configure, run, help_) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_, description=help_, epilog=EPILOGS.get(name))
        configure(sp)
        sp.set_defaults(_run=run)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    command = "command"
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:  # argparse: 2 on usage errors, 0 on --help
            return int(e.code or 0)
        if not getattr(args, "_run", None):
            parser.print_help()
            print("influtiers: error: a command is required", file=sys.stderr)
            return 2
        command = args.command
        return _dispatch(args)
    except KeyboardInterrupt as e:
        how = str(e) if e.args else ""
        print(f"influtiers {command}: interrupted" + (f"; {how}" if how else ""), file=sys.stderr)
        return 130


def _dispatch(args) -> int:
    try:
        return int(args._run(args) or 0)
    except INPUT_ERRORS as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        text = " ".join(str(msg).split())  # one line, whatever the message holds
        print(f"influtiers {args.command}: error: {text}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as e:  # an internal error: say so, keep the traceback short
        text = " ".join(str(e).split())
        if isinstance(e, MemoryError) or type(e).__name__ == "OutOfMemoryException":
            print(
                f"influtiers {args.command}: out of memory: {text.split(' Possible')[0]} "
                "(raise --memory-limit, give --temp-directory a disk with room, or "
                "lower influtiers.config.PARTITION_ROWS for more, smaller hash partitions)",
                file=sys.stderr,
            )
            return 1
        print(
            f"influtiers {args.command}: internal error: {type(e).__name__}: {text}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
