"""What adapters emit: Arrow batches of canonical columns with ``_file``, ``_row`` and the
adapter's pre-quarantine verdict (``_pre_reason``, ``_pre_column``, ``_pre_detail``).

Examples
--------
>>> b = record_batch([{"account_id": "a", "likes": 3, "_file": "x", "_row": 1}], ["account_id", "likes"])
>>> b.schema.names
['account_id', 'likes', '_file', '_row', '_pre_reason', '_pre_column', '_pre_detail']
>>> str(b.schema.field("likes").type)
'int64'
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

__all__ = ["PRE_QUARANTINE_COLUMNS", "AdapterRead", "arrow_values", "record_batch"]

#: Columns of a pre-quarantined record besides its values.
PRE_QUARANTINE_COLUMNS = ("_file", "_row", "_pre_reason", "_pre_column", "_pre_detail")


@dataclass
class AdapterRead:
    """An adapter's output (see :mod:`influtiers.load.adapters`)."""

    batches: Iterator[pa.RecordBatch]
    columns: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


def arrow_values(values: Sequence) -> pa.Array:
    """Values as read from JSON: int64 or float64 when they are all numbers (``True`` is
    not), ``bool`` when all flags, else text (``str(v)``); ``None`` stays null."""
    present = [v for v in values if v is not None]
    if all(isinstance(v, bool) for v in present) and present:
        return pa.array(values, pa.bool_())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        try:
            return pa.array(values, pa.int64())
        except (OverflowError, pa.ArrowInvalid):
            pass
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pa.array(values, pa.float64())
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def record_batch(records: list[dict], columns: Sequence[str]) -> pa.RecordBatch:
    """A batch of ``columns`` + ``_file``, ``_row`` and the ``_pre_*`` columns."""
    arrays = {c: arrow_values([r.get(c) for r in records]) for c in columns}
    arrays["_file"] = pa.array([r["_file"] for r in records], pa.string())
    arrays["_row"] = pa.array([r["_row"] for r in records], pa.int64())
    for c in PRE_QUARANTINE_COLUMNS[2:]:
        arrays[c] = pa.array([r.get(c) for r in records], pa.string())
    return pa.RecordBatch.from_pydict(arrays)
