"""Temporary compatibility shim: removed when the lead switches callers to ``load()``.

Everything moved to :mod:`influtiers.load`; this module re-exports what callers import.
"""

from .load import ALIASES as ALIASES
from .load import DataError as DataError
from .load import DataFileNotFoundError as DataFileNotFoundError
from .load import LoadResult as LoadResult
from .load import ValidationReport as ValidationReport
from .load import load_posts as load_posts
from .load import map_columns as map_columns
from .load import parse_bool, parse_count, parse_dates, read_table, unparseable_mask  # noqa: F401
