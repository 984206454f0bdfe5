""":func:`load`: any posts input -> one validated :class:`~influtiers.load.dataset.Dataset`.

Canonical Parquet (typed columns) is read by the engine directly: no Python touches a
row. Anything with text to parse (CSV/TSV, JSON, text columns in Parquet, DataFrames,
dataset adapters) is streamed in chunks through :mod:`influtiers.load.stage` into the
engine. Validation then runs in the engine (:mod:`influtiers.load.validate`).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from .. import schema
from ..errors import DataError, DataFileNotFoundError, UsageError
from .adapters import ADAPTERS, detect, get_adapter
from .bundled import SYNTHETIC_KEY, resolve_bundled
from .columns import load_mapping, map_columns
from .dataset import Background, Dataset, file_sha256, frame_sha256
from .describe import describe
from .read import Chunk, FrameTable, TableFile, expand_paths
from .spark import validate_spark
from .stage import (
    PRE_COLUMNS,
    read_accounts,
    sql_typed,
    stage_chunk,
    stage_schema,
    staged_columns,
)
from .validate import ValidationReport, memory_bytes, validate_duckdb
from .validate_sql import Layout, Plausibility, lit, quote

__all__ = ["ENGINES", "load"]

ENGINES = ("duckdb", "spark")


@dataclass
class Inputs:
    """A resolved source: how to read it and how to describe it."""

    desc: str
    label: str
    readers: list = field(default_factory=list)
    adapter: Any = None
    adapter_name: str | None = None
    paths: list[Path] = field(default_factory=list)
    files: list = field(default_factory=list)
    sha: Any = None
    synthetic: bool = False
    show_files: bool = False
    columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _is_synthetic(reader) -> bool:
    meta = getattr(reader, "key_value_metadata", None) or {}
    return meta.get(SYNTHETIC_KEY.encode(), b"").lower() == b"true"


def resolve_inputs(source, adapter: str | None, label: str | None) -> Inputs:
    """Open a source (DataFrame, file, list/glob/folder of files, dataset directory,
    bundled name) without reading its rows."""
    if isinstance(source, pd.DataFrame):
        if adapter:
            raise DataError("adapter= applies to files and directories, not to a DataFrame")
        r = FrameTable(source)
        df = r.df
        return Inputs(
            r.name,
            label or "DataFrame",
            [r],
            files=[None],
            columns=r.columns,
            sha=Background(lambda: frame_sha256(df)),
        )
    desc, bundled_name = None, None
    if isinstance(source, str) and not Path(source).exists():
        bundled = resolve_bundled(source)
        if bundled is not None:
            if not Path(bundled).exists():
                raise DataFileNotFoundError(
                    f"bundled dataset {source!r} is not available (expected at {bundled})"
                )
            desc, bundled_name, source = f"bundled:{source} ({bundled})", source, bundled
    single = isinstance(source, str | Path) and (
        Path(source).exists() or not any(ch in str(source) for ch in "*?[")
    )
    if single:
        path = Path(source)
        if not path.exists():
            raise DataFileNotFoundError(f"file not found: {path}")
        name = adapter or detect(path)
        if name is not None:
            ad = get_adapter(name)
            read = ad.read(path)
            root = path if path.is_dir() else path.parent
            files = sorted(p for p in root.rglob("*") if p.is_file()) if path.is_dir() else [path]
            return Inputs(
                desc or str(path),
                label or path.name,
                adapter=read,
                adapter_name=ad.name,
                paths=[p.resolve() for p in files],
                show_files=True,
                columns=list(read.columns),
                notes=read.notes,
                sha=Background(lambda: file_sha256(files, root if path.is_dir() else None)),
            )
        if path.is_dir():
            try:
                paths = expand_paths(path)
            except DataFileNotFoundError:
                raise DataError(
                    f"{path} is a directory but not in a known dataset format "
                    f"(known: {', '.join(ADAPTERS)}) and holds no table files; pass a file or adapter="
                ) from None
        else:
            paths = [path]
        lbl = label or bundled_name or path.name
    else:
        if adapter:
            raise DataError("adapter= applies to one file or directory, not to a list or glob")
        paths = expand_paths(source)
        lbl = label or (
            Path(str(source)).name if isinstance(source, str | Path) else f"{len(paths)} files"
        )
        desc = desc or (
            str(source) if isinstance(source, str | Path) else ", ".join(map(str, paths))
        )
    readers = [TableFile(p) for p in paths]
    columns = list(dict.fromkeys(c for r in readers for c in r.columns))
    warnings = [w for r in readers for w in r.warnings]
    notes = [n for r in readers for n in r.notes]
    root = paths[0].parent if len(paths) == 1 else None
    return Inputs(
        desc or str(paths[0]),
        lbl,
        readers,
        paths=[p.resolve() for p in paths],
        files=[str(p) for p in paths],
        show_files=len(paths) > 1,
        columns=columns,
        warnings=warnings,
        notes=notes,
        synthetic=bundled_name == "demo" or any(_is_synthetic(r) for r in readers),
        sha=Background(
            lambda: file_sha256(paths, None if len(paths) == 1 else _common_root(paths))
        ),
    )


def _common_root(paths: list[Path]) -> Path | None:
    try:
        return Path(os.path.commonpath([str(p.resolve().parent) for p in paths]))
    except ValueError:
        return None


def _check_required(inp: Inputs, cmap: dict, accounts) -> None:
    missing = [c for c in ("account_id",) if c not in cmap]
    if "followers" not in cmap and accounts is None:
        missing.append("followers")
    present = ", ".join(map(str, inp.columns)) or "(none)"
    if missing:
        raise DataError(
            f"{inp.desc}: missing required column(s) {', '.join(missing)}"
            + (" (or pass an accounts table)" if "followers" in missing else "")
            + f"; columns present: {present}"
        )
    if not any(c in cmap for c in schema.ENGAGEMENT_ANY):
        raise DataError(
            f"{inp.desc}: needs likes or comments (no such column); columns present: {present}"
        )


def _typed(inp: Inputs, cmap: dict, engine: str = "duckdb") -> bool:
    """Every input is Parquet and every mapped column is typed (no Python parse). Spark
    cannot read nanosecond timestamps: such files are staged (truncated to microseconds)."""
    if inp.adapter is not None or not inp.readers:
        return False
    for r in inp.readers:
        if r.kind != "parquet":
            return False
        for c, name in cmap.items():
            if name not in r.arrow_schema.names:
                continue
            typ = r.arrow_schema.field(name).type
            if not sql_typed(c, typ):
                return False
            if engine == "spark" and pa.types.is_timestamp(typ) and typ.unit == "ns":
                return False
    return True


def _staged(inp: Inputs, cmap: dict) -> Iterator[pa.RecordBatch]:
    """Staged batches of every input, in file order."""
    if inp.adapter is not None:
        index: dict[str, int] = {}
        ident = {c: c for c in cmap}
        for batch in inp.adapter.batches:
            names = batch.column("_file").to_pylist()
            for n in names:
                if n not in index:
                    index[n] = len(index)
                    inp.files.append(n)
            idx = [index[n] for n in names]
            chunk = Chunk({c: batch.column(c) for c in ident}, batch.column("_row").to_numpy())
            yield stage_chunk(chunk, ident, idx, {c: batch.column(c) for c in PRE_COLUMNS})
        return
    for i, r in enumerate(inp.readers):
        present = [n for n in dict.fromkeys(cmap.values()) if n in r.columns]
        for ch in r.chunks(columns=present):
            for n in cmap.values():
                if n not in ch.columns:
                    ch.columns[n] = pa.nulls(len(ch))
            yield stage_chunk(ch, cmap, i, decimal=r.decimal)


def _connect(memory_limit, temp_directory, threads):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = {lit(str(memory_limit))}")
    if temp_directory:
        Path(temp_directory).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = {lit(str(temp_directory))}")
    return con


def load(
    source,
    *,
    accounts=None,
    mapping=None,
    adapter: str | None = None,
    strict: bool = False,
    label: str | None = None,
    engine: str = "duckdb",
    spark=None,
    memory_limit: str | None = None,
    temp_directory=None,
    threads: int | None = None,
    quarantine_implausible: bool = False,
) -> Dataset:
    """Load, map, parse and validate a posts table, once.

    Parameters
    ----------
    source : DataFrame, path, glob, list of paths, or str
        A DataFrame; a CSV/TSV/Parquet/JSON Lines/JSON file; a list, glob or folder of
        such files (read in the order given, sorted within a glob or folder); a directory
        in a known dataset format (:mod:`influtiers.load.adapters`); or a bundled dataset
        name such as ``"demo"``.
    accounts : DataFrame or path, optional
        Accounts table joined on ``account_id`` (and ``platform`` when both have it) to
        supply ``followers`` (and ``category``/``country``) where the post lacks them.
        Follower counts on the post win.
    mapping : dict or path, optional
        ``{your_column: canonical_column}`` or a YAML/JSON file holding it. Applied before
        the built-in :data:`~influtiers.load.columns.ALIASES`.
    adapter : str, optional
        Dataset format name (default: detected for directories and known files).
    strict : bool
        Raise :class:`DataError` naming the first problems (up to 5) if any row would be
        quarantined.
    label : str, optional
        Name of the dataset (default: the file name).
    engine : {"duckdb", "spark"}
        Where the rows are validated and live afterwards.
    spark : SparkSession, optional
        The session for ``engine="spark"`` (default: a local one).
    memory_limit, temp_directory, threads
        DuckDB settings; with ``temp_directory`` parsed text is staged in a database
        file there (removed on :meth:`Dataset.close`), and DuckDB spills to it.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        Unreadable input; required columns missing (``account_id``; ``followers`` without
        an accounts table; at least one of ``likes``/``comments``); strict failures.

    Examples
    --------
    >>> posts = pd.DataFrame({"handle": ["a", "b"], "likes": ["1.2k", "x"]})
    >>> accts = pd.DataFrame({"account_id": ["a", "b"], "Followers": ["10K", "200"]})
    >>> with load(posts, accounts=accts) as ds:
    ...     ds.to_pandas()[["account_id", "followers", "likes"]].values.tolist(), ds.report.reasons
    ([['a', 10000.0, 1200.0]], {'unparseable_number': 1})
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    user_map = load_mapping(mapping)
    inp = resolve_inputs(source, adapter, label)
    cmap, w = map_columns(inp.columns, user_map)
    warnings = list(inp.warnings) + w
    ignored = [str(c) for c in inp.columns if c not in cmap.values()]
    if ignored and inp.adapter is None:
        shown = ", ".join(ignored[:8]) + (", ..." if len(ignored) > 8 else "")
        warnings.append(f"columns not used: {shown}")
    _check_required(inp, cmap, accounts)
    acc = read_accounts(accounts, user_map, list(cmap)) if accounts is not None else None
    if acc is not None:
        warnings += acc.warnings
    typed = _typed(inp, cmap, engine)
    # a day's tolerance: naive local times are read as UTC
    now = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    plaus = Plausibility(now=now)
    layout = Layout(
        columns=tuple(staged_columns(cmap, typed)),
        names=dict(cmap) if typed else {c: c for c in cmap},
        typed=typed,
        pre=inp.adapter is not None,
        accounts=None if acc is None else acc.layout,
        implausible=plaus if quarantine_implausible else None,
    )
    col_src = {k: str(v) for k, v in cmap.items()}
    if acc is not None and "followers" not in cmap:
        col_src["followers"] = f"{acc.name} (accounts)"
    if engine == "spark":
        fields, frame, spark, cleanup = validate_spark(
            spark, inp, layout, cmap, acc, typed, lambda: _staged(inp, cmap)
        )
        con = None
        view = f"_described_{uuid.uuid4().hex[:12]}"
        frame.createOrReplaceTempView(view)

        def run(sql: str) -> list:
            return [tuple(r) for r in spark.sql(sql).collect()]
    else:
        con, cleanup, fields = _run_duckdb(
            inp, layout, cmap, acc, typed, memory_limit, temp_directory, threads
        )
        frame, view = None, "_accepted"

        def run(sql: str) -> list:
            return con.execute(sql).fetchall()

    found = describe(
        run,
        layout,
        view,
        plausibility=plaus,
        quarantined=quarantine_implausible,
        files=inp.files,
        show_files=inp.show_files,
        dialect=engine,
    )
    if engine == "spark":
        spark.catalog.dropTempView(view)
    report = ValidationReport(
        source=inp.desc,
        columns=col_src,
        warnings=warnings + found.warnings,
        adapter=inp.adapter_name,
        notes=list(inp.notes) + found.notes,
        flags=found.flags,
        findings=found.findings,
        **fields,
    )
    ds = Dataset(
        label=inp.label,
        source=source,
        paths=inp.paths,
        sha256=inp.sha,
        synthetic=inp.synthetic,
        adapter=inp.adapter_name,
        engine=engine,
        report=report,
        columns=layout.out_columns,
        con=con,
        spark=spark if engine == "spark" else None,
        frame=frame,
        cleanup=cleanup,
    )
    if strict and report.quarantined:
        first = report.store.frame(5)
        ds.close()
        probs = []
        for r in first.to_dict("records"):
            loc = f"{r['file']} " if inp.show_files and isinstance(r.get("file"), str) else ""
            col = f", column {r['column']}" if r["column"] else ""
            probs.append(f"{loc}row {r['row']}{col}: {r['reason']} ({r['detail']})")
        raise DataError(
            f"{inp.desc}: {report.quarantined} of {report.rows_in} rows would be quarantined "
            f"({', '.join(f'{k} {v}' for k, v in report.reasons.items())}); first: "
            + "; ".join(probs)
        )
    return ds


def _run_duckdb(inp, layout, cmap, acc, typed, memory_limit, temp_directory, threads):
    con = _connect(memory_limit, temp_directory, threads)
    cleanup = None
    try:
        if acc is not None:
            con.register("_accounts_src", acc.table)
            con.execute("CREATE TEMP TABLE _accounts AS SELECT * FROM _accounts_src")
            con.unregister("_accounts_src")
        if typed:
            files = "[" + ", ".join(lit(str(p)) for p in inp.paths) + "]"
            names = ", ".join(quote(n) for n in dict.fromkeys(cmap.values()))
            staged = (
                f"(SELECT CAST(file_index AS INTEGER) AS _file, file_row_number + 1 AS _row, {names} "
                f"FROM read_parquet({files}, union_by_name = true, file_row_number = true))"
            )
            n_rows = sum(r.num_rows for r in inp.readers)
        else:
            db = "temp"
            if temp_directory:
                path = Path(temp_directory) / f"influtiers-stage-{uuid.uuid4().hex}.duckdb"
                con.execute(f"ATTACH {lit(str(path))} AS stage")
                db = "stage"

                def cleanup(path=path) -> None:
                    for p in (path, path.with_suffix(".duckdb.wal")):
                        p.unlink(missing_ok=True)

            reader = pa.RecordBatchReader.from_batches(
                stage_schema(layout.columns, pre=inp.adapter is not None), _staged(inp, cmap)
            )
            con.register("_staged_src", reader)
            con.execute(
                f"CREATE {'TEMP ' if db == 'temp' else ''}TABLE {db}._staged AS SELECT * FROM _staged_src"
            )
            con.unregister("_staged_src")
            staged = f"(SELECT * FROM {db}._staged)"
            n_rows = con.execute(f"SELECT count(*) FROM {db}._staged").fetchall()[0][0]
        fields = validate_duckdb(
            con,
            layout,
            staged,
            typed=typed,
            files=inp.files,
            show_files=inp.show_files,
            n_rows=n_rows,
            budget=memory_bytes(memory_limit),
        )
    except BaseException:
        con.close()
        if cleanup is not None:
            cleanup()
        raise
    return con, cleanup, fields
