"""Readers that stream a table in chunks: CSV/TSV, Parquet, JSON Lines, a JSON array, a
pandas DataFrame.

Every reader has ``columns`` (the names as users see them), ``warnings``, ``kind`` and
``chunks(size)``, which yields :class:`Chunk` values (the raw columns of up to ``size``
rows and their 1-based row numbers). Nothing is parsed here: CSV cells stay text and typed
Parquet columns keep their Arrow types.

CSV/TSV: the delimiter (``,`` ``;`` tab ``|``) is sniffed from the first 64 KiB, a UTF-8
byte-order mark is dropped, quoted newlines are allowed (in headers they become spaces),
blank lines are skipped, and a file that is not UTF-8 is read as cp1252 with a warning.
The row of a CSV cell is its data record (the first record after the header is row 1);
in JSON Lines it is the line number; in a JSON array the position of the object.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = p.write_text("\\ufeffa;b\\n1;2,5\\n")
>>> read_table(p).to_dict("records")
[{'a': '1', 'b': '2,5'}]
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import DataError, DataFileNotFoundError
from .columns import clean_header

__all__ = [
    "CHUNK_ROWS",
    "SUFFIX_KIND",
    "Chunk",
    "decimal_separator",
    "FrameTable",
    "TableFile",
    "expand_paths",
    "open_table",
    "read_table",
    "sniff_delimiter",
]

#: Rows per chunk of the Python parse.
CHUNK_ROWS = 262_144
SUFFIX_KIND = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".psv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
_SAMPLE = 65536


@dataclass
class Chunk:
    """Raw columns of consecutive rows (Arrow arrays or pandas Series) and their row numbers."""

    columns: dict[str, Any]
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def sniff_delimiter(sample: str, suffix: str = ".csv") -> str:
    """The delimiter among ``, ; TAB |`` that splits the sample into equal-width rows.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    default = "\t" if suffix in (".tsv", ".tab") else ("|" if suffix == ".psv" else ",")
    lines = sample.splitlines(keepends=True)
    if len(sample) >= _SAMPLE and len(lines) > 1:
        sample = "".join(lines[:-1])  # the last line may be cut
    best, best_score = default, (False, 1, False)
    for d in (",", ";", "\t", "|"):
        try:
            rows = [r for r in islice(csv.reader(io.StringIO(sample), delimiter=d), 50) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        widths = {len(r) for r in rows}
        score = (len(widths) == 1, len(rows[0]), d == default)
        if score > best_score:
            best, best_score = d, score
    return best


_DEC_COMMA = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?|[+-]?\d+,\d{1,2}")


def decimal_separator(sample: str, sep: str) -> str:
    """``","`` for a decimal-comma file: a ``;`` delimiter and cells such as ``2,5`` or
    ``15.000`` (European groupings); else ``"."``.

    >>> decimal_separator("a;b\\n15.000;2,5\\n", ";"), decimal_separator("a,b\\n1.5,2\\n", ",")
    (',', '.')
    """
    if sep != ";":
        return "."
    lines = sample.splitlines()[1:200]
    for row in csv.reader(lines, delimiter=";"):
        if any(_DEC_COMMA.fullmatch(cell.strip()) for cell in row):
            return ","
    return "."


def _unique(names: list[str]) -> list[str]:
    """Repeated names get ``.1``, ``.2`` (as pandas does)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}.{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


class _RecodeAsUtf8(io.RawIOBase):
    """A cp1252 or UTF-16 file re-encoded as UTF-8, streamed (for the Arrow CSV reader)."""

    def __init__(self, path: Path, encoding: str = "cp1252") -> None:
        self._fh = open(path, "rb")  # noqa: SIM115 (closed in close())
        self._dec = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf:
            raw = self._fh.read(1 << 20)
            if not raw:
                return 0
            self._buf = self._dec.decode(raw).encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _first_bad_utf8_line(path: Path) -> int | None:
    """Line of the first byte that is not UTF-8 (None if the file is UTF-8)."""
    dec = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            try:
                dec.decode(block)
            except UnicodeDecodeError as e:
                return lines + block[: e.start].count(b"\n")
            lines += block.count(b"\n")
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines
    return None


class TableFile:
    """One table file opened for streaming (see the module docstring)."""

    def __init__(self, path) -> None:
        path = Path(path)
        if not path.exists():
            raise DataFileNotFoundError(f"file not found: {path}")
        if path.is_dir():
            raise DataError(f"{path} is a directory, not a table file")
        self.path = path
        self.name = str(path)
        self.warnings: list[str] = []
        self.notes: list[str] = []
        #: the decimal separator of a delimited file ("," in a decimal-comma file)
        self.decimal = "."
        suffix = path.suffix.lower()
        kind = SUFFIX_KIND.get(suffix)
        if kind is None:
            if suffix in (".xlsx", ".xls"):
                raise DataError(f"{path}: Excel files are not read directly; save the sheet as CSV")
            kind = "csv"
        self.kind = kind
        self.num_rows: int | None = None
        self.arrow_schema: pa.Schema | None = None
        if kind == "parquet":
            try:
                meta = pq.ParquetFile(path)
            except Exception as e:
                raise DataError(f"{path}: cannot read Parquet: {e}") from None
            self.arrow_schema = meta.schema_arrow
            self.num_rows = meta.metadata.num_rows
            self.key_value_metadata = dict(meta.metadata.metadata or {})
            self.columns = list(self.arrow_schema.names)
            return
        self.key_value_metadata = {}
        with open(path, "rb") as fh:
            head = fh.read(_SAMPLE)
        if not head.strip():
            raise DataError(f"{path}: the file is empty")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self.encoding = "utf-16"
            text = head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
            self.notes.append(f"{path.name}: read as UTF-16 (byte-order mark)")
        elif b"\x00" in head:
            raise DataError(
                f"{path}: binary data (NUL bytes), not a text table; export it as CSV "
                "(UTF-8 or UTF-16 with a byte-order mark), JSON Lines or Parquet"
            )
        else:
            bad_line = _first_bad_utf8_line(path)
            self.encoding = "utf-8" if bad_line is None else "cp1252"
            if bad_line is not None:
                self.warnings.append(
                    f"{path}: not UTF-8 (first bad byte on line {bad_line}); read as cp1252"
                )
            text = head.decode("utf-8-sig" if bad_line is None else "cp1252", errors="replace")
        if kind == "json" and text.lstrip().startswith("["):
            self.kind = kind = "json-array"
            self._records = self._json_array()
            self.columns = list(dict.fromkeys(k for r in self._records for k in r))
            self.num_rows = len(self._records)
        elif kind in ("json", "jsonl"):
            self.kind = "jsonl"
            self.columns = self._json_lines_keys()
        else:
            if len(head) >= _SAMPLE and "\n" not in text and "\r" not in text:
                raise DataError(
                    f"{path}: line 1 is longer than {_SAMPLE // 1024} KiB: not a header line "
                    "of a delimited table"
                )
            self.sep = sniff_delimiter(text, suffix)
            try:
                header = next(csv.reader(io.StringIO(text), delimiter=self.sep), None)
            except csv.Error as e:
                raise DataError(f"{path}: line 1: {e}: not a delimited table") from None
            if not header:
                raise DataError(f"{path}: no header line")
            self.decimal = decimal_separator(text, self.sep)
            if self.decimal == ",":
                self.notes.append(
                    f"{path.name}: decimal commas (';' delimiter, cells like 2,5 or 15.000): "
                    "1.234,5 is read as 1234.5; cells that could mean two numbers are "
                    "quarantined as ambiguous_number"
                )
            self._raw_header = header
            self.columns = _unique([clean_header(c) for c in header])
            self.arrow_schema = pa.schema([(c, pa.string()) for c in self.columns])

    # ---------------------------------------------------------------- JSON
    def _enc(self) -> str:
        return {"utf-8": "utf-8-sig"}.get(self.encoding, self.encoding)

    def _text_lines(self) -> Iterator[tuple[int, str]]:
        enc = self._enc()
        with open(self.path, encoding=enc, errors="replace", newline="") as fh:
            yield from enumerate(fh, 1)

    def _json_lines_keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for n, line in self._text_lines():
            if not line.strip():
                continue
            r = self._json_line(n, line)
            keys.update(dict.fromkeys(r))
        return list(keys)

    def _json_line(self, n: int, line: str) -> dict:
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(
                f"{self.path}: line {n}: invalid JSON at column {e.colno}: {e.msg}"
            ) from None
        except RecursionError:
            raise DataError(f"{self.path}: line {n}: JSON nested too deeply to read") from None
        if not isinstance(r, dict):
            raise DataError(f"{self.path}: line {n}: not a JSON object")
        return r

    def _json_array(self) -> list[dict]:
        text = self.path.read_bytes().decode(self._enc(), errors="replace")
        try:
            recs = json.loads(text)
        except json.JSONDecodeError as e:
            raise DataError(
                f"{self.path}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
            ) from None
        except RecursionError:
            raise DataError(f"{self.path}: JSON nested too deeply to read") from None
        if not isinstance(recs, list):
            raise DataError(f"{self.path}: a JSON file must hold an array of objects")
        for i, r in enumerate(recs, 1):
            if not isinstance(r, dict):
                raise DataError(f"{self.path}: record {i} is not a JSON object")
        return recs

    def _records_chunk(self, recs: list[dict], rows: list[int]) -> Chunk:
        df = pd.DataFrame.from_records(recs, columns=self.columns)
        return Chunk({c: df[c] for c in self.columns}, np.asarray(rows, dtype=np.int64))

    # ---------------------------------------------------------------- chunks
    def chunks(self, size: int | None = None, columns: list[str] | None = None) -> Iterator[Chunk]:
        """Stream the file: chunks of up to ``size`` rows (default :data:`CHUNK_ROWS`; only
        ``columns`` if given)."""
        size = size or CHUNK_ROWS
        want = list(self.columns) if columns is None else list(columns)
        if self.kind == "parquet":
            yield from self._parquet_chunks(size, want)
        elif self.kind == "json-array":
            for i in range(0, len(self._records), size):
                part = self._records[i : i + size]
                yield self._records_chunk(part, list(range(i + 1, i + 1 + len(part))))
        elif self.kind == "jsonl":
            recs, rows = [], []
            for n, line in self._text_lines():
                if not line.strip():
                    continue
                recs.append(self._json_line(n, line))
                rows.append(n)
                if len(recs) == size:
                    yield self._records_chunk(recs, rows)
                    recs, rows = [], []
            if recs:
                yield self._records_chunk(recs, rows)
        else:
            yield from self._csv_chunks(size, want)

    def _parquet_chunks(self, size: int, want: list[str]) -> Iterator[Chunk]:
        start = 0
        for batch in pq.ParquetFile(self.path).iter_batches(batch_size=size, columns=want):
            n = batch.num_rows
            cols = {c: batch.column(c) for c in want}
            yield Chunk(cols, np.arange(start + 1, start + n + 1, dtype=np.int64))
            start += n

    def _csv_chunks(self, size: int, want: list[str]) -> Iterator[Chunk]:
        bad: list = []

        def on_bad_row(row) -> str:
            bad.append(row)
            return "error"

        source = (
            open(self.path, "rb")  # noqa: SIM115
            if self.encoding == "utf-8"
            else _RecodeAsUtf8(self.path, self.encoding)
        )
        names = [f"c{i}" for i in range(len(self.columns))]
        pos = {c: i for i, c in enumerate(self.columns)}
        try:
            reader = pacsv.open_csv(
                source,
                read_options=pacsv.ReadOptions(
                    use_threads=False, block_size=1 << 22, column_names=names, skip_rows=0
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.sep, newlines_in_values=True, invalid_row_handler=on_bad_row
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            start, first = 0, True
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                if first:  # the header record, read as data (names are ours)
                    batch, first = batch.slice(1), False
                for off in range(0, batch.num_rows, size):
                    part = batch.slice(off, size)
                    n = part.num_rows
                    cols = {c: part.column(pos[c]) for c in want}
                    yield Chunk(cols, np.arange(start + 1, start + n + 1, dtype=np.int64))
                    start += n
        except pa.ArrowInvalid as e:
            if bad:
                r = bad[0]
                line = f"line {r.number}: " if r.number is not None else ""
                raise DataError(
                    f"{self.path}: {line}{r.actual_columns} fields where the header has "
                    f"{r.expected_columns} (delimiter {self.sep!r}); quote values that contain it"
                ) from None
            raise DataError(f"{self.path}: cannot parse as delimited text: {e}") from None
        finally:
            source.close()


class FrameTable:
    """A pandas DataFrame read in chunks (its rows are numbered from 1)."""

    kind = "frame"
    path = None

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df.reset_index(drop=True)
        self.columns = list(self.df.columns)
        self.name = f"DataFrame ({len(self.df)} rows)"
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.decimal = "."
        self.num_rows = len(self.df)
        self.arrow_schema = None
        self.key_value_metadata: dict = {}

    def chunks(self, size: int | None = None, columns: list | None = None) -> Iterator[Chunk]:
        """Chunks of up to ``size`` rows (default :data:`CHUNK_ROWS`)."""
        size = size or CHUNK_ROWS
        want = list(self.columns) if columns is None else list(columns)
        for i in range(0, max(len(self.df), 1), size):
            part = self.df.iloc[i : i + size]
            if not len(part) and i:
                break
            yield Chunk({c: part[c] for c in want}, np.arange(i + 1, i + len(part) + 1))


def open_table(source) -> TableFile | FrameTable:
    """A reader for a DataFrame or a table file."""
    if isinstance(source, pd.DataFrame):
        return FrameTable(source)
    return TableFile(source)


def expand_paths(source) -> list[Path]:
    """Paths, globs (sorted), directories of table files (sorted) or a list of them -> files.

    >>> expand_paths([])
    Traceback (most recent call last):
    ...
    influtiers.errors.DataFileNotFoundError: no input files given
    """
    items = [source] if isinstance(source, str | Path) else list(source)
    if not items:
        raise DataFileNotFoundError("no input files given")
    out: list[Path] = []
    for item in items:
        text = str(item)
        p = Path(text)
        if p.is_dir():
            hits = sorted(
                h for h in p.rglob("*") if h.is_file() and h.suffix.lower() in SUFFIX_KIND
            )
        elif not p.exists() and any(ch in text for ch in "*?["):
            hits = sorted(Path(h) for h in glob.glob(text, recursive=True) if Path(h).is_file())
        else:
            hits = [p]
        if not hits:
            raise DataFileNotFoundError(f"file not found: {text} (no file matches)")
        for h in hits:
            if not h.exists():
                raise DataFileNotFoundError(f"file not found: {h}")
        out.extend(hits)
    return out


def read_table(path) -> pd.DataFrame:
    """Read a table file as it is (CSV/TSV values stay strings).

    CSV/TSV: the delimiter (``,`` ``;`` tab ``|``) is sniffed, a UTF-8 BOM is removed,
    quoted newlines are allowed (in headers they become spaces), non-UTF-8 text falls
    back to cp1252. Parquet keeps its types. ``.jsonl``/``.ndjson``/``.json``: JSON Lines
    (one object a line) or a JSON array of objects. For small files: the whole table is
    returned as one DataFrame.

    Raises
    ------
    DataError
        Naming the file and the line for malformed input.
    """
    t = TableFile(path)
    if t.kind == "parquet":
        return pq.read_table(t.path).to_pandas()
    parts = [
        pd.DataFrame(
            {
                c: (v.to_pandas() if isinstance(v, pa.ChunkedArray | pa.Array) else v.to_numpy())
                for c, v in ch.columns.items()
            }
        )
        for ch in t.chunks()
    ]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in t.columns})
    return pd.concat(parts, ignore_index=True)
