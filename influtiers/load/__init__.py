"""Load posts once: read, map columns, parse, validate in the engine -> one :class:`Dataset`.

Modules: :mod:`~influtiers.load.read` (streaming readers), :mod:`~influtiers.load.columns`
(aliases and mappings), :mod:`~influtiers.load.parse` (messy numbers, dates, flags, ids),
:mod:`~influtiers.load.stage` (chunks -> Arrow), :mod:`~influtiers.load.validate_sql`
(the rules as SQL), :mod:`~influtiers.load.validate` (running them; the report),
:mod:`~influtiers.load.dataset` (:class:`Dataset`), :mod:`~influtiers.load.loader`
(:func:`load`), :mod:`~influtiers.load.bundled` (``demo``), :mod:`~influtiers.load.adapters`
(published dataset formats).

Every input row is either accepted or quarantined with one reason code
(:data:`influtiers.schema.REASON_ORDER`, the first rule that applies), and
``rows_in == accepted + quarantined``.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"Username": ["a", "b", ""], "Followers": ["1.2K", "0", "5"],
...                    "n_likes": ["10", "3", "1"]})
>>> with load(df) as ds:
...     r = ds.report
...     (r.rows_in, r.accepted, r.reasons), ds.to_pandas()["followers"].tolist()
((3, 1, {'missing_account_id': 1, 'zero_followers': 1}), [1200.0])
"""

from __future__ import annotations

from ..errors import DataError, DataFileNotFoundError
from .columns import ALIASES, map_columns
from .dataset import Dataset
from .loader import load
from .parse import parse_bool, parse_count, parse_dates, unparseable_mask
from .read import read_table
from .validate import ValidationReport

__all__ = [
    "ALIASES",
    "DataError",
    "DataFileNotFoundError",
    "Dataset",
    "ValidationReport",
    "load",
    "map_columns",
    "parse_bool",
    "parse_count",
    "parse_dates",
    "read_table",
    "unparseable_mask",
]
