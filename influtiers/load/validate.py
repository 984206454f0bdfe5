"""Running the validation in DuckDB, and the :class:`ValidationReport`.

:func:`validate_duckdb` takes a staged relation (see :mod:`influtiers.load.validate_sql`)
and makes one pass over it that gives every count of the report exactly: rows per rule,
hidden counts, the first rows of each reason, and the hashes of the keys of the rows that
pass every other rule. Keys whose hash occurs twice are checked exactly (a second, filtered
pass with a window in file order); with no such hash there is no duplicate, and no window.
Up to :data:`EXPORT_MAX` rows the pass returns one small code and one hash per row, which
numpy counts and sorts (faster than a hash aggregate over distinct keys); above it, the
counts and the repeated hashes are aggregated in DuckDB, which spills to disk under a
``memory_limit``.

It then defines, in the connection, the views ``posts`` (the accepted posts, canonical
names and types), ``_accepted`` (the same with ``_file`` and ``_row``) and ``_quarantine``
(``file, row, reason, column, detail`` then the canonical values, in file order). They are
*specialised* by the pass: only the rules that rejected at least one row are evaluated, and
text is cleaned only in the columns where cleaning changed a value. The result is exactly the
same (a rule that never applies first never applies to a row no earlier rule took), at a
fraction of the cost of re-running every rule on every scan.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import schema
from ..csvsafe import neutralise_sql
from ..errors import DataError
from .validate_sql import (
    DUPLICATE,
    Layout,
    code_reason,
    lit,
    posts_sql,
    quarantine_sql,
    quote,
    ruled_sql,
    typed_stage_sql,
)

__all__ = ["EXPORT_MAX", "QUARANTINE_LEAD", "ValidationReport", "validate_duckdb"]

#: Up to this many rows (and 16 bytes a row within the memory budget) the validation pass
#: is counted in numpy (see the module doc).
EXPORT_MAX = 250_000_000
#: The first columns of a quarantine file.
QUARANTINE_LEAD = ("file", "row", "reason", "column", "detail")
_HIDDEN = ("likes", "comments", "views")
_TEXT = schema.STRING_COLUMNS


# ------------------------------------------------------------------ report
@dataclass
class ValidationReport:
    """What happened to every input row.

    ``rows_in == accepted + quarantined`` and ``quarantined == sum(reasons.values())``
    always (checked on construction). ``reasons`` counts rows per reason code of
    :data:`influtiers.schema.REASONS` (sorted by code); ``first_rows`` holds the first
    ``(file, row)`` of each reason (file is None for a single input). The rejected rows
    themselves stay in the engine (``store``): :meth:`write_quarantine` streams them to a
    file, and :attr:`quarantine` fetches them as a DataFrame (small data).
    """

    source: str
    rows_in: int
    accepted: int
    quarantined: int
    reasons: dict[str, int]
    first_rows: dict[str, list[tuple[str | None, int]]] = field(default_factory=dict)
    duplicates_removed: int = 0
    hidden_counts: dict[str, int] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    adapter: str | None = None
    notes: list[str] = field(default_factory=list)
    #: ledger flags the data call for (``account-level``, ``duplicate-rows``)
    flags: list[str] = field(default_factory=list)
    #: counted findings with examples (``implausible_date``, ``implausible_rate``,
    #: ``duplicate_rows``): ``{code: {"count": n, "examples": [...]}}``
    findings: dict[str, dict] = field(default_factory=dict)
    store: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rows_in != self.accepted + self.quarantined:
            raise AssertionError(
                f"row accounting broken: {self.rows_in} in != {self.accepted} accepted "
                f"+ {self.quarantined} quarantined"
            )
        if self.quarantined != sum(self.reasons.values()):
            raise AssertionError("quarantined rows != the sum of the reason counts")

    def accounting(self) -> str:
        """The accounting line every command prints: ``N rows in = A accepted + Q quarantined``.

        >>> ValidationReport("x", 3, 2, 1, {"zero_followers": 1}).accounting()
        '3 rows in = 2 accepted + 1 quarantined'
        """
        return f"{self.rows_in} rows in = {self.accepted} accepted + {self.quarantined} quarantined"

    def unusable(self) -> str:
        """Why nothing is usable, in one line: the accounting and the reasons.

        >>> ValidationReport("x.csv", 2, 0, 2, {"zero_followers": 2}).unusable()
        'x.csv: no usable rows: 2 rows in = 0 accepted + 2 quarantined (zero_followers 2)'
        """
        why = ", ".join(f"{k} {v}" for k, v in self.reasons.items())
        return f"{self.source}: no usable rows: {self.accounting()}" + (f" ({why})" if why else "")

    def examples(self, reason: str, n: int = 5) -> list[int]:
        """The first ``n`` source row numbers quarantined for ``reason``."""
        return [int(r) for _, r in self.first_rows.get(reason, [])[:n]]

    def example_text(self, reason: str, n: int = 3) -> list[str]:
        """``row 3`` or ``file row 3`` for the first ``n`` rows of ``reason``."""
        return [
            f"{f} row {r}" if f is not None else f"row {r}"
            for f, r in self.first_rows.get(reason, [])[:n]
        ]

    def summary(self) -> str:
        """Multi-line human-readable summary.

        Examples
        --------
        >>> from influtiers.load import load
        >>> import pandas as pd
        >>> with load(pd.DataFrame({"account_id": ["a", "a"], "followers": [10, 10],
        ...                         "post_id": [1, 1], "likes": [1, 2]})) as ds:
        ...     print(ds.report.summary())  # doctest: +NORMALIZE_WHITESPACE
        source: DataFrame (2 rows)
        rows in: 2   accepted: 1   quarantined: 1
          duplicate_post  1  the same (platform, account_id, post_id) appeared earlier
                             (e.g. row 2)
        """
        head = f"source: {self.source}" + (f" (adapter {self.adapter})" if self.adapter else "")
        lines = [
            head,
            f"rows in: {self.rows_in}   accepted: {self.accepted}   "
            f"quarantined: {self.quarantined}",
        ]
        width = max((len(k) for k in self.reasons), default=0)
        num_w = len(str(self.rows_in))
        for code, n in self.reasons.items():
            ex = self.example_text(code)
            more = ", ..." if n > len(ex) else ""
            lines.append(f"  {code:<{width}}  {n:>{num_w}}  {schema.REASONS.get(code, '')}")
            lines.append(" " * (width + 6 + num_w) + f"(e.g. {', '.join(ex)}{more})")
        for col, n in self.hidden_counts.items():
            lines.append(f"note: {n} hidden {col} count(s) (-1) read as missing")
        for note in self.notes:
            lines.append(f"note: {note}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: counts, reasons with descriptions and example rows, warnings."""
        return {
            "source": self.source,
            "adapter": self.adapter,
            "rows_in": int(self.rows_in),
            "accepted": int(self.accepted),
            "quarantined": int(self.quarantined),
            "reasons": {k: int(v) for k, v in self.reasons.items()},
            "reason_descriptions": {k: schema.REASONS.get(k, "") for k in self.reasons},
            "examples": {k: self.examples(k) for k in self.reasons},
            "duplicates_removed": int(self.duplicates_removed),
            "hidden_counts": {k: int(v) for k, v in self.hidden_counts.items()},
            "columns": {k: str(v) for k, v in self.columns.items()},
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "flags": list(self.flags),
            "findings": {k: dict(v) for k, v in self.findings.items()},
        }

    def write_quarantine(self, path) -> Path:
        """Stream the quarantined rows from the engine to ``path`` (``.parquet``/``.pq``,
        else CSV): ``file, row, reason, column, detail`` then the row's canonical values
        (parsed; a cell that could not be read is empty, its text is in ``detail``)."""
        if self.store is None:
            raise DataError("this report has no engine to read the quarantined rows from")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.store.write(path, self.quarantined)
        return path

    @property
    def quarantine(self) -> pd.DataFrame:
        """The quarantined rows as a DataFrame (small data and tests only)."""
        if self.store is None:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_LEAD})
        return self.store.frame()


# ------------------------------------------------------------------ DuckDB
class DuckQuarantine:
    """Reads the ``_quarantine`` view of a DuckDB connection."""

    def __init__(self, con, view: str = "_quarantine") -> None:
        self.con, self.view = con, view

    def write(self, path: Path, expected: int) -> None:
        if path.suffix.lower() in (".parquet", ".pq"):
            sql, fmt = f"SELECT * FROM {self.view}", "parquet"
        else:  # CSV: formula-like text neutralised (numbers unchanged)
            rel = self.con.sql(f"SELECT * FROM {self.view} LIMIT 0")
            cols = [
                neutralise_sql(quote(c)) + f" AS {quote(c)}" if str(t) == "VARCHAR" else quote(c)
                for c, t in zip(rel.columns, rel.types, strict=True)
            ]
            sql, fmt = f"SELECT {', '.join(cols)} FROM {self.view}", "csv, HEADER true"
        self.con.execute(f"COPY ({sql}) TO {lit(str(path))} (FORMAT {fmt})")

    def frame(self, limit: int | None = None) -> pd.DataFrame:
        sql = f"SELECT * FROM {self.view}" + (f" LIMIT {int(limit)}" if limit else "")
        return self.con.sql(sql).df()


@dataclass
class Outcome:
    """What the validation pass found, by rule code."""

    counts: dict[int, int]
    hidden: dict[str, int]
    changed: set[str]
    first: dict[int, list[tuple[int, int]]]
    candidates: np.ndarray


def _code_sql(layout: Layout, typed: bool) -> str:
    parts = ["COALESCE(_rc, 0)"]
    for i, c in enumerate(_HIDDEN):
        if c in layout.columns:
            parts.append(f"CASE WHEN {c} = -1 THEN {256 << i} ELSE 0 END")
    if typed:
        for i, c in enumerate(_TEXT):
            if c in layout.columns:
                parts.append(f"CASE WHEN _chg_{c} THEN {2048 << i} ELSE 0 END")
    return "(" + " + ".join(parts) + ")::INTEGER"


def _key_sql(layout: Layout) -> str:
    keys = [k for k in ("platform", "account_id", "post_id") if k in layout.out_columns]
    return "hash(" + ", ".join(f"_v_{k}" for k in keys) + ")"


class _Tally:
    """Streams the per-row codes of the validation pass (numpy per batch).

    ``h`` holds the key hash of a row that passes every rule (duplicate candidates) and the
    position ``(file << shift) | row`` of a rejected row (its first rows per rule).
    """

    def __init__(self, shift: int) -> None:
        self.shift = shift
        self.counts = np.zeros(256, dtype=np.int64)
        self.hidden = np.zeros(3, dtype=np.int64)
        self.bits = 0
        self.first: dict[int, np.ndarray] = {}
        self.hashes: list[np.ndarray] = []

    def add(self, batch) -> None:
        code = batch.column("code").to_numpy(zero_copy_only=False)
        if not len(code):
            return
        rc = code & 255
        self.counts += np.bincount(rc, minlength=256)
        for i in range(3):
            self.hidden[i] += np.count_nonzero(code & (256 << i))
        self.bits |= int(np.bitwise_or.reduce(code))
        h = batch.column("h")
        valid = h.is_valid().to_numpy(zero_copy_only=False)
        h = h.fill_null(0).to_numpy(zero_copy_only=False)  # uint64 (nulls would make floats)
        ok = rc == 0
        self.hashes.append(h[ok & valid].astype(np.uint64, copy=False))
        rej = np.flatnonzero(~ok)
        for k in np.unique(rc[rej]):
            pos = np.sort(h[rej[rc[rej] == k]].astype(np.uint64))[:5]
            old = self.first.get(int(k))
            self.first[int(k)] = pos if old is None else np.sort(np.r_[old, pos])[:5]

    def first_rows(self) -> dict[int, list[tuple[int, int]]]:
        mask = (1 << self.shift) - 1
        return {
            k: [(int(v) >> self.shift, int(v) & mask) for v in pos] for k, pos in self.first.items()
        }

    def candidates(self) -> np.ndarray:
        if not self.hashes:
            return np.zeros(0, dtype=np.uint64)
        h = np.concatenate(self.hashes)
        self.hashes = []
        h.sort()
        return np.unique(h[1:][h[1:] == h[:-1]])


def memory_bytes(limit) -> int:
    """Bytes of a DuckDB-style memory limit (``"3GB"``, ``"500MiB"``); no limit: a quarter
    of the machine's memory.

    >>> memory_bytes("1.5GB"), memory_bytes("2GiB")
    (1500000000, 2147483648)
    """
    if not limit:
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4
        except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
            return 4 << 30
    m = re.fullmatch(r"\s*([\d.]+)\s*([kmgt]?i?b?)\s*", str(limit).lower())
    if not m:
        raise ValueError(f"cannot read the memory limit {limit!r}")
    unit = m.group(2).rstrip("b")
    power = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}[unit.rstrip("i")]
    return int(float(m.group(1)) * (1024 if unit.endswith("i") else 1000) ** power)


def _pass(
    con, layout: Layout, ruled: str, typed: bool, n_rows: int, n_files: int, budget: int
) -> Outcome:
    """The one validation pass (see the module doc). ``budget``: bytes the numpy route may
    hold (8 per row); above it the counts and repeated hashes are aggregated in DuckDB."""
    code, key = _code_sql(layout, typed), _key_sql(layout)
    eligible = "_rc IS NULL AND _v_post_id IS NOT NULL" if "post_id" in layout.columns else "FALSE"
    shift = max(int(n_rows), 1).bit_length()
    if (max(n_files, 1) << shift) >= (1 << 63):  # pragma: no cover - 2**31 files of 2**31 rows
        raise DataError(f"too many input files ({n_files}) to number their rows")
    pos = f"(CAST(_file AS UBIGINT) << {shift}) | CAST(_row AS UBIGINT)"
    if n_rows <= min(EXPORT_MAX, budget // 16):
        rel = con.sql(
            f"SELECT {code} AS code, CASE WHEN {eligible} THEN {key} "
            f"WHEN _rc IS NOT NULL THEN {pos} END AS h FROM ({ruled}) x"
        )
        tally = _Tally(shift)
        for batch in _batches(rel, 1 << 20):
            tally.add(batch)
        counts = {k: int(v) for k, v in enumerate(tally.counts) if v}
        hidden = dict(zip(_HIDDEN, map(int, tally.hidden), strict=True))
        bits, first, cand = tally.bits, tally.first_rows(), tally.candidates()
    else:
        rows = con.sql(
            "SELECT code & 255 AS rc, count(*), "
            + ", ".join(f"count(*) FILTER (WHERE code & {256 << i} > 0)" for i in range(3))
            + f", bit_or(code), min(CASE WHEN _rc IS NOT NULL THEN {pos} END, 5) "
            f"FROM (SELECT *, {code} AS code FROM ({ruled}) x) GROUP BY ALL"
        ).fetchall()
        counts, hidden, first, bits = {}, dict.fromkeys(_HIDDEN, 0), {}, 0
        mask = (1 << shift) - 1
        for rc, n, h0, h1, h2, b, ids in rows:
            counts[int(rc)] = int(n)
            for c, k in zip(_HIDDEN, (h0, h1, h2), strict=True):
                hidden[c] += int(k)
            bits |= int(b)
            if rc:
                first[int(rc)] = [(int(v) >> shift, int(v) & mask) for v in ids or []]
        cand = np.asarray(
            [
                r[0]
                for r in con.sql(
                    f"SELECT {key} AS h FROM ({ruled}) x WHERE {eligible} "
                    "GROUP BY ALL HAVING count(*) > 1"
                ).fetchall()
            ],
            dtype=np.uint64,
        )
    changed = {c for i, c in enumerate(_TEXT) if bits & (2048 << i)}
    hidden = {c: k for c, k in hidden.items() if k}
    return Outcome(counts, hidden, changed, first, cand)


def _batches(rel, size: int):
    """Arrow record batches of a relation (DuckDB 1.x and 2.x)."""
    fn = getattr(rel, "to_arrow_reader", None) or rel.fetch_record_batch
    return fn(size)


def _arrow(rel):
    for name in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        fn = getattr(rel, name, None)
        if fn is not None:
            out = fn()
            return out.read_all() if hasattr(out, "read_all") else out
    raise RuntimeError("this DuckDB cannot return Arrow tables")


def validate_duckdb(
    con,
    layout: Layout,
    staged: str,
    *,
    typed: bool,
    files: list[str | None],
    show_files: bool,
    n_rows: int,
    budget: int | None = None,
) -> dict:
    """Validate the staged relation ``staged`` (SQL) in ``con``; define the views.

    ``typed``: ``staged`` is the raw typed input (checked and cleaned in SQL by
    :func:`~influtiers.load.validate_sql.typed_stage_sql`). ``files`` are the file names by
    index (shown in the quarantine when ``show_files``); ``n_rows`` the number of rows;
    ``budget`` the bytes the pass may hold in numpy (default: :func:`memory_bytes`).
    Returns the report fields.
    """
    budget = memory_bytes(None) if budget is None else budget
    import pyarrow as pa

    con.register("_files_src", pa.table({"_file": list(range(len(files))), "file": files}))
    con.execute("CREATE OR REPLACE TEMP TABLE _files AS SELECT * FROM _files_src")
    con.unregister("_files_src")
    full = typed_stage_sql(layout, staged, flags=True) if typed else staged
    out = _pass(con, layout, ruled_sql(layout, full), typed, n_rows, len(files), budget)
    fired = {c for c, n in out.counts.items() if c}
    stage_min = typed_stage_sql(layout, staged, clean=out.changed) if typed else staged
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _ruled AS {ruled_sql(layout, stage_min, codes=fired)}"
    )
    n_dup = 0
    if len(out.candidates):
        con.register("_cand_src", pa.table({"h": pa.array(out.candidates, pa.uint64())}))
        keys = ", ".join(
            f"_v_{k}" for k in ("platform", "account_id", "post_id") if k in layout.out_columns
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _dups AS SELECT d._file, d._row, d._first_row, "
            "f.file AS _first_name FROM (SELECT _file, _row, "
            "row_number() OVER w AS rn, first_value(_file) OVER w AS _first_file, "
            "first_value(_row) OVER w AS _first_row FROM _ruled WHERE _rc IS NULL AND "
            f"_v_post_id IS NOT NULL AND {_key_sql(layout)} IN (SELECT h FROM _cand_src) "
            f"WINDOW w AS (PARTITION BY {keys} ORDER BY _file, _row)) d "
            "LEFT JOIN _files f ON f._file = d._first_file WHERE d.rn > 1"
        )
        con.unregister("_cand_src")
        n_dup = con.execute("SELECT count(*) FROM _dups").fetchall()[0][0]
    if not n_dup:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _dups (_file INTEGER, _row BIGINT, "
            "_first_row BIGINT, _first_name VARCHAR)"
        )
    accepted_sql = posts_sql(
        layout, "SELECT * FROM _ruled", keep_order=True, exclude="_dups" if n_dup else None
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW _accepted AS {accepted_sql}")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW posts AS SELECT * EXCLUDE (_file, _row) FROM _accepted"
    )
    qsql = quarantine_sql(layout, "_ruled", "_dups", "_files", show_files=show_files)
    con.execute(f"CREATE OR REPLACE TEMP VIEW _quarantine AS {qsql}")
    counts = dict(out.counts)
    if n_dup:
        counts[0] -= n_dup
        counts[DUPLICATE] = n_dup
        firsts = con.sql("SELECT _file, _row FROM _dups ORDER BY _file, _row LIMIT 5").fetchall()
        out.first[DUPLICATE] = [(int(f), int(r)) for f, r in firsts]
    rows_in = sum(counts.values())
    reasons: dict[str, int] = {}
    merged: dict[str, list] = {}
    for code in sorted(c for c in counts if c):
        reason = code_reason(code)
        reasons[reason] = reasons.get(reason, 0) + counts[code]
        merged.setdefault(reason, []).extend(out.first.get(code, []))
    first_rows = {
        k: [(files[f] if show_files else None, r) for f, r in sorted(v)[:5]]
        for k, v in merged.items()
    }
    return {
        "rows_in": rows_in,
        "accepted": counts.get(0, 0),
        "quarantined": rows_in - counts.get(0, 0),
        "reasons": dict(sorted(reasons.items())),
        "first_rows": first_rows,
        "duplicates_removed": reasons.get("duplicate_post", 0),
        "hidden_counts": {c: out.hidden[c] for c in _HIDDEN if c in out.hidden},
        "store": DuckQuarantine(con),
    }


def dumps(obj) -> str:
    """JSON text of a report dict (for logs)."""
    return json.dumps(obj, indent=2, default=str)
