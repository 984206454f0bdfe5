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

from dataclasses import dataclass

import pandas as pd

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
    "LoadResult",
    "ValidationReport",
    "load",
    "load_posts",
    "map_columns",
    "parse_bool",
    "parse_count",
    "parse_dates",
    "read_table",
    "unparseable_mask",
]


@dataclass
class LoadResult:
    """Compatibility result of :func:`load_posts` (temporary: callers move to :func:`load`).

    ``posts`` is the accepted posts as a pandas DataFrame; ``dataset`` stays open so that
    ``report.write_quarantine`` works.
    """

    posts: pd.DataFrame
    report: ValidationReport
    source: str
    adapter: str | None
    dataset: Dataset


def load_posts(source, *, accounts=None, mapping=None, adapter=None, strict=False) -> LoadResult:
    """Compatibility wrapper: :func:`load` then ``to_pandas()`` (temporary: removed when the
    lead switches callers to :func:`load`).

    >>> res = load_posts(pd.DataFrame({"account_id": ["a"], "followers": [5], "likes": [1]}))
    >>> res.posts["followers"].tolist(), res.report.accepted
    ([5.0], 1)
    """
    ds = load(source, accounts=accounts, mapping=mapping, adapter=adapter, strict=strict)
    return LoadResult(ds.to_pandas(), ds.report, ds.report.source, ds.adapter, ds)
