"""The :class:`Evidence` value: the evidence tables of one dataset, and their Parquet form."""

from __future__ import annotations

import ctypes
import gc
import io
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import config
from ..errors import NotTestable
from ..metrics import get_definition
from ..provenance import atomic_copy, atomic_write
from ..schema import COUNT_COLUMNS
from ..tiers import get_scheme
from .sql import DEFINITION_STATS, KEYS, SEP, TABLES

INT_COLUMNS = ("n_posts", "n_sponsored", "followers_varies", "cost_n", "cost_other_n")


def _is_count(c: str) -> bool:
    return c in INT_COLUMNS or c.endswith(("_n", "n_rated", "n_sponsored"))


def _column(name: str, arr: pa.ChunkedArray, by: Sequence[str]):
    """One evidence column from Arrow: keys and text as ``string``, the flag as
    ``boolean``, counts as int64 (missing = 0), everything else float64 (missing = NaN)."""
    if name in (*KEYS, "category", "brand"):
        return arr.to_pandas().astype("string").array
    if name == "sponsored" and "sponsored" in by:
        return pd.array(arr.to_pandas(), dtype="boolean")
    if name in by:
        return arr.to_pandas().array
    if _is_count(name) or name == "n_posts":
        if _is_count(name):
            arr = pc.fill_null(arr, 0)
        return pc.cast(arr, pa.int64()).to_numpy()
    return pc.cast(arr, pa.float64()).to_numpy()  # nulls are NaN


def sort_order(tbl: pa.Table, by: Sequence[str] = ()):
    """The row order of an evidence table: by ``by``, then the keys (None: no key, or the
    rows are in that order already)."""
    keys = [k for k in (*by, *KEYS) if k in tbl.column_names]
    if not keys or in_order(tbl, keys):
        return None
    return pc.sort_indices(tbl, sort_keys=[(k, "ascending") for k in keys])


def in_order(tbl: pa.Table, keys: Sequence[str]) -> bool:
    """Whether the rows of ``tbl`` are sorted by ``keys`` as :func:`pyarrow.compute.sort_indices`
    sorts them (ascending; a missing key: not known to be). The evidence statements order
    their rows already, so that one pass over the keys usually saves a sort."""
    if tbl.num_rows < 2:
        return True
    before = tie = None  # rows i < i + 1 so far; rows equal on the keys so far
    for k in keys:
        col = tbl.column(k)
        x, y = col.slice(0, len(col) - 1), col.slice(1)
        lt, eq = pc.fill_null(pc.less(x, y), False), pc.fill_null(pc.equal(x, y), False)
        before = lt if before is None else pc.or_(before, pc.and_(tie, lt))
        tie = eq if tie is None else pc.and_(tie, eq)
    return bool(pc.all(pc.or_(before, tie)).as_py())


def assemble(
    parts: Sequence, by: Sequence[str] = (), *, drop_missing: bool = False
) -> pd.DataFrame:
    """The evidence table of the concatenated ``parts`` (Arrow tables, or DataFrames):
    sorted by ``by`` and the keys, with the dtypes of :func:`_column`. One column at a time:
    each source column is sorted, converted and released before the next, so the peak is
    the table plus one column (a concat, a sort and dtype casts of pandas frames each
    copied the whole table: 2.5 GB at 100M posts). ``drop_missing`` leaves out the rows
    with a missing ``by`` value."""
    tables = [
        p if isinstance(p, pa.Table) else pa.Table.from_pandas(p, preserve_index=False)
        for p in parts
    ]
    tbl = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    del tables, parts
    order = sort_order(tbl, by)
    if drop_missing and by:  # leave out the rows missing a ``by`` value
        ok = [pc.is_valid(tbl.column(b)) for b in by]
        ok = pc.and_(*ok) if len(ok) > 1 else ok[0]
        if not pc.all(ok).as_py():
            order = pa.array(np.arange(tbl.num_rows)) if order is None else order
            order = order.filter(ok.take(order))

    def columns():
        nonlocal tbl
        while tbl.num_columns:
            name, arr = tbl.column_names[0], tbl.column(0)
            tbl = tbl.remove_column(0)
            yield name, arr

    return sorted_frame(columns(), order, by)


def sorted_frame(columns, order, by: Sequence[str] = ()) -> pd.DataFrame:
    """A DataFrame of ``columns`` (``(name, Arrow array)`` pairs, consumed one at a time)
    put in ``order`` and given the dtypes of :func:`_column`; each source column is
    released before the next is made."""
    pool = pa.default_memory_pool()
    out = {}
    for name, arr in columns:
        out[name] = _column(name, arr if order is None else arr.take(order), by)
        del arr
        pool.release_unused()  # Arrow's allocator keeps freed memory otherwise
    return pd.DataFrame(out, copy=False)


def is_base(column: str) -> bool:
    """Whether an evidence column belongs to no engagement definition (keys, followers,
    counts, sums, prices)."""
    return SEP not in column


def release_freed_memory() -> None:
    """Hand memory freed by Python, Arrow and numpy back to the system (allocators keep
    it for reuse: after the statistics at 2M influencers, about 0.3 GB)."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    try:  # glibc only
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class EvidenceStore:
    """Evidence tables written to a folder (:meth:`Evidence.write`, or streamed by
    :func:`influtiers.evidence.write_evidence`), read a few columns at a time.

    Rows come back sorted by the keys whatever their order in the file (a file streamed
    from hash partitions is sorted within each partition only), with the dtypes of
    :func:`assemble`; each table's order is computed once, from its key columns."""

    def __init__(self, directory) -> None:
        self.directory = Path(directory)
        self.files = {
            name: self.directory / f"{name}.parquet"
            for name in TABLES
            if (self.directory / f"{name}.parquet").exists()
        }
        self.metadata = {name: pq.read_metadata(f) for name, f in self.files.items()}
        self.orders: dict[str, object] = {}

    def has(self, name: str) -> bool:
        return name in self.files

    def columns(self, name: str) -> list[str]:
        return list(self.metadata[name].schema.names) if name in self.files else []

    def num_rows(self, name: str) -> int:
        return int(self.metadata[name].num_rows) if name in self.files else 0

    def order(self, name: str, flag: bool | None = None):
        """Positions in the file of table ``name``'s rows, sorted by its keys; with
        ``flag`` (``by_sponsored``), of the rows with that sponsored flag only."""
        key = name if flag is None else (name, bool(flag))
        if key not in self.orders:
            by = by_of(name)
            keys = [k for k in (*by, *KEYS) if k in self.columns(name)]
            tbl = pq.read_table(self.files[name], columns=keys)
            order = sort_order(tbl, by)
            if flag is not None:
                if order is None:
                    order = pa.array(np.arange(tbl.num_rows))
                order = order.filter(pc.equal(tbl.column("sponsored").take(order), bool(flag)))
            self.orders[key] = order
            del tbl
            pa.default_memory_pool().release_unused()
        return self.orders[key]

    def read(
        self, name: str, columns: Sequence[str] | None = None, flag: bool | None = None
    ) -> pd.DataFrame:
        """``columns`` (default: all) of table ``name``, sorted by its keys (``flag``:
        the rows with that sponsored flag only). One column is decoded at a time: reading
        them together held the Arrow table beside the frame (a peak of 1.7 GB for a frame
        of 0.55 GB at 2M influencers; 0.7 GB this way)."""
        cols = self.columns(name) if columns is None else list(columns)
        with pq.ParquetFile(self.files[name]) as f:
            pairs = ((c, f.read(columns=[c]).column(0)) for c in cols)
            return sorted_frame(pairs, self.order(name, flag), by_of(name))


class Evidence:
    """The evidence tables of one dataset (see the module docstring).

    Built in memory (:func:`~influtiers.evidence.build_evidence`), or read from a folder
    (:meth:`read`): then each table is read when first used, with only the columns used
    (the base columns, and those of each definition asked for; the attributes
    ``influencers`` and ``by_sponsored`` read every column). At 2M influencers the tables
    of every definition hold about 4 GB; one definition's about 0.6 GB.
    """

    def __init__(
        self,
        influencers: pd.DataFrame | None = None,
        by_sponsored: pd.DataFrame | None = None,
        categories: pd.DataFrame | None = None,
        brands: pd.DataFrame | None = None,
        meta: dict | None = None,
        *,
        store: EvidenceStore | None = None,
    ) -> None:
        self.tables: dict = {
            "influencers": influencers,
            "by_sponsored": by_sponsored,
            "categories": categories,
            "brands": brands,
        }
        self.meta = {} if meta is None else meta
        self.store = store

    def __repr__(self) -> str:
        where = f", read from {self.store.directory}" if self.store is not None else ""
        return f"Evidence({self.label!r}, definitions={self.definitions}{where})"

    def frame(
        self,
        name: str = "influencers",
        definition=None,
        columns: Sequence[str] | None = None,
        *,
        flag: bool | None = None,
    ) -> pd.DataFrame | None:
        """Table ``name`` as held, with at least ``columns`` (default: its base columns,
        :func:`is_base`) and, given ``definition``, that definition's columns: an
        evidence read from a folder reads what is missing on first use and keeps it. Use
        this rather than the attributes where those columns suffice. ``flag``
        (``by_sponsored`` only): the rows with that sponsored flag, a view of the held
        table, or (read from a folder, the table not held) those rows read alone."""
        st = self.store
        whole = self.tables[name]
        if flag is not None and (st is None or whole is not None):
            src = self.frame(name, definition, columns)
            return rows(src, (src["sponsored"] == flag).fillna(False).to_numpy())
        if st is None or not st.has(name):
            return whole
        key = name if flag is None else (name, bool(flag))
        t = self.tables.get(key)
        have = st.columns(name)
        want = [c for c in have if is_base(c)] if columns is None else list(columns)
        if definition is not None:
            p = get_definition(definition).name + SEP
            want += [c for c in have if c.startswith(p)]
        missing = [c for c in dict.fromkeys(want) if c in have and (t is None or c not in t)]
        if missing:
            extra = st.read(name, missing, flag)
            if t is None:
                t = self.tables[key] = extra
            else:
                for c in missing:
                    t[c] = extra.pop(c).to_numpy()
        return t

    def full(self, name: str) -> pd.DataFrame | None:
        """Table ``name`` with every column (read in full from the folder, if from one)."""
        st = self.store
        if st is None or not st.has(name):
            return self.tables[name]
        t = self.frame(name, columns=st.columns(name))
        if list(t.columns) != st.columns(name):  # the file's order
            t = self.tables[name] = t[st.columns(name)]
        return t

    influencers = property(lambda self: self.full("influencers"), doc="One row per influencer.")
    by_sponsored = property(
        lambda self: self.full("by_sponsored"), doc="One row per influencer and flag."
    )
    categories = property(lambda self: self.full("categories"), doc="Posts per category.")
    brands = property(lambda self: self.full("brands"), doc="Sponsored posts per brand.")

    def unload(self, *names: str) -> None:
        """Forget the tables ``names`` (default: all) read so far: an evidence read from
        a folder reads them again when used; one built in memory keeps them."""
        if self.store is None:
            return
        names = names or TABLES
        dropped = [
            k
            for k, t in self.tables.items()
            if t is not None and (k if isinstance(k, str) else k[0]) in names
        ]
        for key in dropped:
            self.tables[key] = None
            self.store.orders.pop(key, None)
        if dropped:
            release_freed_memory()

    def num_rows(self, name: str) -> int:
        """Rows of table ``name`` (0 when absent), without reading it."""
        t = self.tables[name]
        if t is None and self.store is not None:
            return self.store.num_rows(name)
        return 0 if t is None else len(t)

    @property
    def definitions(self) -> list[str]:
        return list(self.meta.get("definitions", []))

    @property
    def ranked(self) -> list[str]:
        """The definitions with median rates (see ``build_evidence``)."""
        return list(self.meta.get("ranked", self.definitions))

    @property
    def trimmed(self) -> list[str]:
        """The definitions with trimmed-mean rates (see ``build_evidence``)."""
        return list(self.meta.get("trimmed", self.ranked))

    @property
    def label(self) -> str:
        return str(self.meta.get("dataset", "data"))

    @property
    def platforms(self) -> list[str]:
        plat = self.frame(columns=["platform"])["platform"]
        return sorted(plat.dropna().unique().tolist())

    @property
    def columns(self) -> list[str]:
        """The canonical posts columns the dataset had."""
        return list(self.meta.get("columns", []))

    def has(self, column: str) -> bool:
        """Whether the posts had ``column`` with at least one value."""
        if column in ("account_id", "followers"):
            return True
        if column in COUNT_COLUMNS or column == "cost":
            n = f"{column}_n"
            return bool((self.frame(columns=[n])[n] > 0).any())
        if column == "sponsored":
            return self.num_rows("by_sponsored") > 0
        if column == "category":
            return self.num_rows("categories") > 0
        if column == "brand":
            return self.num_rows("brands") > 0
        return column in self.columns

    def table(
        self,
        definition=None,
        scheme=None,
        *,
        platform: str | Sequence[str] | None = None,
        sponsored: bool | None = None,
        by_sponsored: bool = False,
    ) -> pd.DataFrame:
        """One row per influencer with the rates of ``definition`` and its ``tier``
        (``rate_median`` only for the :attr:`ranked` definitions, ``rate_trimmed`` for the
        :attr:`trimmed` ones).

        ``platform`` keeps those platforms; ``sponsored=True``/``False`` uses only the
        influencers' sponsored / organic posts; ``by_sponsored=True`` keeps both (one row
        per influencer and flag). Raises :class:`~influtiers.errors.NotTestable` when the
        definition's columns are not in the data.
        """
        d = get_definition(definition)
        if d.name not in self.definitions:
            need = ", ".join(d.columns)
            raise NotTestable(
                f"engagement definition {d.name} ({d.label}) needs {need}, which the data "
                f"do not all have (available: {', '.join(self.definitions) or 'none'})"
            )
        if sponsored is not None or by_sponsored:
            if not self.num_rows("by_sponsored"):
                raise NotTestable("no sponsorship flag (sponsored) in the data")
            src = self.frame("by_sponsored", d, flag=None if by_sponsored else sponsored)
        else:
            src = self.frame("influencers", d)
        if platform is not None:
            plats = [platform] if isinstance(platform, str) else list(platform)
            src = rows(src, src["platform"].isin(plats).to_numpy())
        p = d.name + SEP
        generic = [c for c in src.columns if is_base(c)]
        # no .copy(): under copy-on-write (pandas 3) the selection shares the evidence's
        # columns until one is modified; a copy here cost 0.5 GB per table at 2M influencers
        t = src[generic]
        for s in DEFINITION_STATS:
            if p + s in src:  # the rank statistics exist for the ranked definitions only
                t[s] = src[p + s].to_numpy()
        t["engagement_mean"] = t["engagement_sum"] / t["engagement_n"].where(t["engagement_n"] > 0)
        t["rate_sum_ratio"] = t["rated_sum"] / t["exposure_sum"].where(t["exposure_sum"] > 0)
        sch = get_scheme(scheme)
        tier = sch.classify(t["followers"].to_numpy(), t["platform"])
        t.insert(int(t.columns.get_loc("followers")) + 1, "tier", tier)
        t = t.reset_index(drop=True)
        t.attrs.update(
            definition=d.name,
            definition_label=d.label,
            trim=self.meta.get("trim", config.TRIM),
            scheme=sch.name,
            unit="influencer",
            dataset=self.label,
            currency=self.meta.get("currency"),
        )
        return t

    # -- persistence ----------------------------------------------------------------
    def write(self, directory) -> list[Path]:
        """Write the tables as Parquet and ``meta.json`` into ``directory`` (an evidence
        read from a folder copies its files: every column, read or not)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        st = self.store
        for name in TABLES:
            if st is not None and st.has(name):
                src = st.files[name]
                if src.resolve() != (d / src.name).resolve():
                    atomic_copy(src, d / src.name)
                out.append(d / src.name)
                continue
            t = self.tables[name]
            if t is None:
                continue
            out.append(atomic_write(d / f"{name}.parquet", parquet_bytes(t)))
        out.append(
            atomic_write(d / "meta.json", json.dumps(self.meta, indent=2, sort_keys=True) + "\n")
        )
        return out

    @classmethod
    def read(cls, directory) -> Evidence:
        """The evidence written into ``directory`` (:meth:`write`,
        :func:`~influtiers.evidence.write_evidence`); its tables are read when used."""
        d = Path(directory)
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        return cls(meta=meta, store=EvidenceStore(d))


def rows(t: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """``t[mask]``; a view when the selected rows are contiguous. The tables are sorted by
    their keys (flag, platform, account), so a platform's or a flag's rows are one block:
    a slice shares the evidence's columns where a mask would copy all of them (0.65 GB for
    the sponsored rows at 2M influencers)."""
    idx = np.flatnonzero(mask)
    if len(idx) and idx[-1] - idx[0] + 1 == len(idx):
        return t.iloc[idx[0] : idx[-1] + 1]
    return t[mask]


def key_positions(rows_of: pd.DataFrame, within: pd.DataFrame, keys=KEYS) -> np.ndarray:
    """The position in ``within`` of each row of ``rows_of`` with the same ``keys`` (-1:
    none; ``within``'s keys are unique). An exact hash lookup of the joined key texts
    (Arrow): no index of either table is built."""

    def joined(t):
        parts = (pc.cast(pa.Array.from_pandas(t[k].astype("string")), pa.string()) for k in keys)
        return pc.binary_join_element_wise(*parts, "\x1f")

    at = pc.index_in(joined(rows_of), value_set=joined(within))
    return pc.fill_null(at, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def by_of(name: str) -> tuple[str, ...]:
    return ("sponsored",) if name == "by_sponsored" else ()


def parquet_bytes(t: pd.DataFrame) -> bytes:
    """Deterministic Parquet bytes (no pandas metadata, which records library versions)."""
    table = pa.Table.from_pandas(t, preserve_index=False)
    table = table.replace_schema_metadata(None)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    return buf.getvalue()


def rate_columns(table: pd.DataFrame) -> list[str]:
    """The influencer-level rate columns of a table from :meth:`Evidence.table`."""
    return [c for c in ("rate_mean", "rate_median", "rate_trimmed", "rate_sum_ratio") if c in table]
