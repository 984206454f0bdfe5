"""The ``influtiers`` command.

Exit codes: 0 success, 2 bad input or usage (one message on stderr, no
traceback), 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from ._version import __version__
from .errors import UsageError


#: Exceptions that mean "bad input" rather than "bug".
def _input_errors() -> tuple[type[BaseException], ...]:
    from .io import DataError

    return (UsageError, DataError, FileNotFoundError, KeyError, ValueError, IsADirectoryError)


COMMANDS: dict[str, tuple[Callable, Callable, str]] = {}


def register_command(name: str, help: str, configure: Callable, run: Callable) -> None:
    """Add a subcommand: ``configure(parser)`` adds its arguments, ``run(args)`` returns the exit code."""
    COMMANDS[name] = (configure, run, help)


def _add_data_args(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "data",
        nargs=None if required else "?",
        default=None if required else "demo",
        help="posts file (CSV, Parquet, JSON Lines), a directory in a known dataset format, "
        "or a bundled dataset name (demo)",
    )
    p.add_argument("--accounts", help="accounts table joined to posts on account_id")
    p.add_argument("--mapping", help="YAML/JSON column mapping {your_name: canonical_name}")
    p.add_argument("--adapter", help="dataset format (default: detected)")


# ---------------------------------------------------------------- schemes
def _cfg_schemes(p):
    p.add_argument("--format", choices=("text", "json"), default="text")


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
    p.add_argument("--scheme", default=None, help="scheme name or file (default highsocial-2024)")
    p.add_argument(
        "--unit",
        choices=("influencer", "post"),
        default="influencer",
        help="count influencers (default) or posts per tier",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _run_tiers(args) -> int:
    import pandas as pd

    from .load import load
    from .tiers import get_scheme

    scheme = get_scheme(args.scheme)
    with load(args.data, accounts=args.accounts, mapping=args.mapping, adapter=args.adapter) as ds:
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
    if args.format == "json":
        print(
            json.dumps(
                {"scheme": scheme.name, "unit": args.unit, "total": total, "tiers": rows}, indent=2
            )
        )
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
        help="write quarantined rows with reasons to this CSV/Parquet (streamed from the engine)",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 2) if any row is quarantined")
    p.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="engine that validates the rows (default duckdb; spark: a local Spark session)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")


def _run_validate(args) -> int:
    from .load import load

    with load(
        args.data,
        accounts=args.accounts,
        mapping=args.mapping,
        adapter=args.adapter,
        strict=args.strict,
        engine=args.engine,
    ) as ds:
        rep = ds.report
        if args.quarantine:
            rep.write_quarantine(args.quarantine)
    if args.format == "json":
        print(json.dumps(rep.to_dict(), indent=2, default=str))
    else:
        print(rep.summary())
    return 0 if rep.accepted > 0 else 2


_BUILTIN = {
    "schemes": (_cfg_schemes, _run_schemes, "list the named tier schemes"),
    "tiers": (_cfg_tiers, _run_tiers, "count accounts (or posts) per tier in a dataset"),
    "validate": (_cfg_validate, _run_validate, "load and validate a dataset; print the report"),
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="influtiers",
        description="Test claims about influencer tiers on post-level data.",
    )
    p.add_argument("--version", action="version", version=f"influtiers {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    for name, (configure, run, help_) in {**_BUILTIN, **COMMANDS}.items():
        sp = sub.add_parser(name, help=help_, description=help_)
        configure(sp)
        sp.set_defaults(_run=run)
    return p


def _load_extensions() -> None:
    """Import modules that register more subcommands (claims, reproduce, ...)."""
    import importlib

    for mod in ("influtiers.commands",):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise


def main(argv: Sequence[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 2 on usage errors, 0 on --help
        return int(e.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except _input_errors() as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"influtiers {args.command}: error: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as e:  # an internal error: say so, keep the traceback short
        print(
            f"influtiers {args.command}: internal error: {type(e).__name__}: {e}", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
