"""Subcommands beyond the data basics: ``claims``, ``run``, ``reproduce``, ``report``."""

from __future__ import annotations

import json
import sys

from .cli import register_command


# ------------------------------------------------------------------ claims
def _add_data_options(p, data_help: str, scheme_for: str) -> None:
    """The data, mapping, scheme and seed options shared by claims, run and reproduce."""
    p.add_argument("--data", default="demo", help=data_help)
    p.add_argument("--accounts", help="accounts table joined on account_id")
    p.add_argument("--mapping", help="column mapping file")
    p.add_argument(
        "--scheme",
        default=None,
        help=f"tier scheme for every {scheme_for} (default: each claim's own)",
    )
    p.add_argument("--seed", type=int, default=20261125)


def _cfg_claims(p):
    _add_data_options(p, "posts data, a dataset directory, 'demo' or 'benchmarks'", "claim")
    p.add_argument("--margin", type=float, nargs=2, default=(0.8, 1.25), metavar=("LOW", "HIGH"))
    p.add_argument("--only", help="comma-separated claim ids (e.g. C02,C04)")
    p.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table")


def _ledger_for(args):
    from . import claims

    only = (
        [c.strip().upper() for c in args.only.split(",")] if getattr(args, "only", None) else None
    )
    if args.data == "benchmarks":
        led = claims.run_benchmark_ledger()
        if only:
            led = led[led["claim_id"].isin(only)]
        return led
    return claims.run_ledger(
        args.data,
        scheme=args.scheme,
        seed=args.seed,
        margin=tuple(args.margin),
        claims=only,
        accounts=args.accounts,
        mapping=args.mapping,
    )


def _run_claims(args) -> int:
    from .claims import Ledger, ledger_records

    led = Ledger(_ledger_for(args))
    if args.format == "json":
        print(json.dumps(ledger_records(led), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(led.to_csv(index=False))
    elif args.format == "markdown":
        print(led.to_markdown_table())
    else:
        print(_ledger_text(led))
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
    many = led["dataset"].nunique() > 1
    for _, r in led.iterrows():
        ci = f"[{f(r['ci_low'])}, {f(r['ci_high'])}]" if f(r["ci_low"]) else ""
        where = f"  [{r['dataset']}]" if many else ""
        lines.append(
            f"{r['claim_id']}  {r['verdict']:<13} {f(r['estimate']):>9} {ci:<22} {r['title']}{where}"
        )
        detail = r["reason"] if r["verdict"] == "not-testable" else r["estimand"]
        if detail:
            lines.append(f"     {detail}")
    return "\n".join(lines)


# ------------------------------------------------------------------ run / reproduce
def _cfg_reproduce(p, single: bool = False):
    if single:
        p.add_argument("study", help="study number or name, e.g. 03")
    _add_data_options(p, "posts file, dataset directory, or bundled name (demo)", "study")
    p.add_argument(
        "--out", default=None, help="output directory (default: reports/ in the repository)"
    )
    if not single:
        p.add_argument("--only", help="comma-separated study numbers, e.g. 00,03")
        p.add_argument("--jobs", type=int, default=1, help="notebooks executed in parallel")
    p.add_argument(
        "--strict", action="store_true", help="exit non-zero if a study fails or is not testable"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


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
        data=args.data,
        accounts=args.accounts,
        mapping=args.mapping,
        scheme=args.scheme,
        seed=args.seed,
        out=args.out,
        only=only,
        jobs=getattr(args, "jobs", 1),
        progress=not args.no_progress,
    )
    print(result.summary())
    if result.unusable:
        return 2
    if args.strict and result.problems:
        return 1
    return 0


def _cfg_report(p):
    p.add_argument("run_dir", help="a directory written by 'influtiers reproduce'")


def _run_report(args) -> int:
    from .report import build_report

    path = build_report(args.run_dir)
    print(f"wrote {path}")
    return 0


register_command("claims", "run the claims ledger on a dataset", _cfg_claims, _run_claims)
register_command(
    "reproduce",
    "validate the data, run every study notebook, write figures, ledger, manifest and report.html",
    _cfg_reproduce,
    _run_reproduce,
)
register_command("run", "run one study notebook", _cfg_run, _run_run)
register_command("report", "rebuild report.html from a run directory", _cfg_report, _run_report)
