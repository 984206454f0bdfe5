"""One value for a loaded, validated posts table: :class:`Dataset`, made by :func:`load`.

``Dataset.posts`` names a DuckDB *view* of exactly the accepted posts (canonical names and
types). It is lazy on purpose: on canonical Parquet it reads the files again at each scan,
with only the rules that rejected rows in this input and only the text cleaning that
changed a value here (both proven by the validation pass), so a later aggregation pays
little more than on the raw files and nothing is held in memory. Text inputs (CSV, JSON,
DataFrames, adapters) are parsed once into a staged DuckDB table (in a temporary database
file under ``temp_directory`` when one is given) and the view reads that table.
See ``bench/results/load.md`` for the measurements behind this choice.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

import pandas as pd

from .. import schema
from ..errors import DataError
from .validate import ValidationReport

__all__ = ["Background", "Dataset", "canonical_frame", "file_sha256", "frame_sha256"]


def file_sha256(paths: list[Path], root: Path | None = None) -> str:
    """sha256 of one file's bytes; of several files (or a directory ``root``): of the
    sorted relative paths and their hashes."""

    def one(p: Path) -> str:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            while block := fh.read(1 << 22):
                h.update(block)
        return h.hexdigest()

    if len(paths) == 1 and root is None:
        return one(paths[0])
    base = root
    items = []
    for p in paths:
        rel = str(p.relative_to(base)) if base is not None and p.is_relative_to(base) else str(p)
        items.append((rel, one(p)))
    h = hashlib.sha256()
    for rel, d in sorted(items):
        h.update(f"{rel}\t{d}\n".encode())
    return h.hexdigest()


def frame_sha256(df: pd.DataFrame) -> str:
    """sha256 of a DataFrame's content (column names, dtypes and values)."""
    h = hashlib.sha256()
    h.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return h.hexdigest()


class Background:
    """A value computed in a daemon thread (hashing overlaps validation)."""

    def __init__(self, fn) -> None:
        self._value: Any = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._value = fn()
            except BaseException as e:  # noqa: BLE001 (re-raised on access)
                self._error = e

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def get(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class Dataset:
    """A loaded and validated posts table (see :func:`influtiers.load.load`).

    Attributes
    ----------
    label : str
        File name, or the name given.
    source : object
        The source as given.
    paths : list of Path
        The input files (absolute, resolved); empty for a DataFrame.
    sha256 : str
        Input bytes (several files or a directory: sorted relative paths + hashes; a
        DataFrame: its content). Computed in the background while validating.
    synthetic : bool
        The bundled demo panel (or a file marked synthetic in its Parquet metadata).
    adapter : str or None
        Dataset format read by an adapter.
    engine : {"duckdb", "spark"}
    report : ValidationReport
    columns : tuple of str
        Canonical columns of the accepted posts.
    con : duckdb.DuckDBPyConnection
        The connection the dataset owns (DuckDB); ``posts`` names the view in it.
    spark : SparkSession
        The session (Spark).

    Examples
    --------
    >>> import pandas as pd
    >>> from influtiers.load import load
    >>> with load(pd.DataFrame({"user": ["a", "b"], "followers": ["1k", "0"],
    ...                         "likes": [3, 4]})) as ds:
    ...     ds.report.accepted, ds.columns, ds.con.sql(f"SELECT followers FROM {ds.posts}").fetchall()
    (1, ('account_id', 'followers', 'likes'), [(1000.0,)])
    """

    def __init__(
        self,
        *,
        label: str,
        source,
        paths: list[Path],
        sha256,
        synthetic: bool,
        adapter: str | None,
        engine: str,
        report: ValidationReport,
        columns: tuple[str, ...],
        con=None,
        spark=None,
        frame=None,
        cleanup=None,
    ) -> None:
        self.label = label
        self.source = source
        self.paths = list(paths)
        self._sha = sha256
        self.synthetic = bool(synthetic)
        self.adapter = adapter
        self.engine = engine
        self.report = report
        self.columns = tuple(columns)
        self.con = con
        self.spark = spark
        self.posts = "posts"
        self._frame = frame
        self._cleanup = cleanup
        self.closed = False

    @property
    def sha256(self) -> str:
        return self._sha.get() if isinstance(self._sha, Background) else self._sha

    def __repr__(self) -> str:
        r = self.report
        return (
            f"<Dataset {self.label!r} ({self.engine}): {r.accepted} accepted of {r.rows_in} rows,"
            f" {r.quarantined} quarantined>"
        )

    def _check_open(self) -> None:
        if self.closed:
            raise DataError(f"dataset {self.label!r} is closed")

    def relation(self):
        """The accepted posts: a DuckDB relation, or a Spark DataFrame."""
        self._check_open()
        if self.engine == "spark":
            return self._frame.drop("_file", "_row")
        return self.con.sql(f"SELECT * FROM {self.posts}")

    def to_pandas(self) -> pd.DataFrame:
        """The accepted posts as a canonical pandas DataFrame, in input order (small data
        and tests only)."""
        self._check_open()
        if self.engine == "spark":
            df = self._frame.orderBy("_file", "_row").drop("_file", "_row").toPandas()
            tz = self.spark.conf.get("spark.sql.session.timeZone", "UTC")
            if "posted_at" in df and df["posted_at"].dt.tz is None:
                df["posted_at"] = df["posted_at"].dt.tz_localize(tz).dt.tz_convert("UTC")
        else:
            df = self.con.sql(
                "SELECT * EXCLUDE (_file, _row) FROM _accepted ORDER BY _file, _row"
            ).df()
        return canonical_frame(df, self.columns)

    def quarantine(self, limit: int | None = None) -> pd.DataFrame:
        """The quarantined rows as a DataFrame (see :meth:`ValidationReport.write_quarantine`)."""
        self._check_open()
        return self.report.store.frame(limit)

    def close(self) -> None:
        """Release the engine (the DuckDB connection and temporary files)."""
        if self.closed:
            return
        self.closed = True
        if self.con is not None:
            self.con.close()
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def canonical_frame(df: pd.DataFrame, columns) -> pd.DataFrame:
    """``df`` with the canonical columns in order and the dtypes of :data:`schema.DTYPES`."""
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for c in columns:
        s = df[c].reset_index(drop=True)
        t = schema.DTYPES[c]
        if t.startswith("datetime64"):
            s = pd.to_datetime(s, utc=True).astype(t)
        elif t == "boolean":
            s = s.astype("boolean")
        elif t == "float64":
            s = pd.to_numeric(s).astype("float64")
        else:
            s = s.astype(object).where(s.notna(), None).astype("string")
        out[c] = s
    return out
