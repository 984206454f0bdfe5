"""The :class:`Evidence` value: the evidence tables of one dataset, and their Parquet form."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import config
from ..errors import NotTestable
from ..metrics import get_definition
from ..provenance import atomic_write
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


def assemble(parts: Sequence, by: Sequence[str] = ()) -> pd.DataFrame:
    """The evidence table of the concatenated ``parts`` (Arrow tables, or DataFrames):
    sorted by ``by`` and the keys, with the dtypes of :func:`_column`. One column at a
    time: each source column is sorted, converted and released before the next, so the
    peak is the table plus one column (a concat, a sort and dtype casts of pandas frames
    each copied the whole table: 2.5 GB at 100M posts)."""
    tables = [
        p if isinstance(p, pa.Table) else pa.Table.from_pandas(p, preserve_index=False)
        for p in parts
    ]
    tbl = pa.concat_tables(tables, promote_options="permissive") if len(tables) > 1 else tables[0]
    del tables, parts
    keys = [k for k in (*by, *KEYS) if k in tbl.column_names]
    order = pc.sort_indices(tbl, sort_keys=[(k, "ascending") for k in keys]) if keys else None
    pool = pa.default_memory_pool()
    cols = {}
    while tbl.num_columns:
        name, arr = tbl.column_names[0], tbl.column(0)
        tbl = tbl.remove_column(0)
        cols[name] = _column(name, arr if order is None else arr.take(order), by)
        del arr
        pool.release_unused()  # Arrow's allocator keeps freed memory otherwise
    return pd.DataFrame(cols, copy=False)


@dataclass
class Evidence:
    """The evidence tables of one dataset (see the module docstring)."""

    influencers: pd.DataFrame
    by_sponsored: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    brands: pd.DataFrame | None = None
    meta: dict = field(default_factory=dict)

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
        return sorted(self.influencers["platform"].dropna().unique().tolist())

    @property
    def columns(self) -> list[str]:
        """The canonical posts columns the dataset had."""
        return list(self.meta.get("columns", []))

    def has(self, column: str) -> bool:
        """Whether the posts had ``column`` with at least one value."""
        if column in ("account_id", "followers"):
            return True
        if column in COUNT_COLUMNS or column == "cost":
            return bool((self.influencers[f"{column}_n"] > 0).any())
        if column == "sponsored":
            return self.by_sponsored is not None and len(self.by_sponsored) > 0
        if column == "category":
            return self.categories is not None and len(self.categories) > 0
        if column == "brand":
            return self.brands is not None and len(self.brands) > 0
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
            if self.by_sponsored is None or self.by_sponsored.empty:
                raise NotTestable("no sponsorship flag (sponsored) in the data")
            src = self.by_sponsored
            if sponsored is not None:
                src = rows(src, (src["sponsored"] == sponsored).fillna(False).to_numpy())
        else:
            src = self.influencers
        if platform is not None:
            plats = [platform] if isinstance(platform, str) else list(platform)
            src = rows(src, src["platform"].isin(plats).to_numpy())
        p = d.name + SEP
        generic = [c for c in src.columns if SEP not in c]
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
        """Write the tables as Parquet and ``meta.json`` into ``directory``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        for name in TABLES:
            t = getattr(self, name)
            if t is None:
                continue
            buf = parquet_bytes(t)
            out.append(atomic_write(d / f"{name}.parquet", buf))
        out.append(
            atomic_write(d / "meta.json", json.dumps(self.meta, indent=2, sort_keys=True) + "\n")
        )
        return out

    @classmethod
    def read(cls, directory) -> Evidence:
        """The evidence written by :meth:`write`."""
        d = Path(directory)
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        tables = {}
        for name in TABLES:
            p = d / f"{name}.parquet"
            tables[name] = assemble([pq.read_table(p)], by_of(name)) if p.exists() else None
        return cls(meta=meta, **tables)


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
