"""Readers for public influencer datasets in their published formats.

An adapter turns a dataset directory (or file) into raw posts with canonical column
names; :func:`influtiers.io.load_posts` then applies the same parsing and validation
as to any other table, so every raw record (file or row) is accounted for.

Each adapter has ``name``, ``description``, ``citation``, ``detect(path) -> bool`` and
``read(path) -> (raw_posts, notes, pre_quarantine)`` where

* ``raw_posts`` is a DataFrame in canonical column names (values may still be text),
  optionally with ``_file`` (source file) and ``_row`` (1-based row in that file);
* ``notes`` is a list of human-readable remarks for the report;
* ``pre_quarantine`` is None or a DataFrame of records the adapter rejected itself,
  with columns ``file``, ``row``, ``reason`` (``unreadable_record``, ``duplicate_post``,
  ``orphan_post``, ...), ``column`` and ``detail``.

Examples
--------
>>> sorted(ADAPTERS)
['kim2020', 'tiktok2020']
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pandas as pd

from . import kim2020, tiktok2020

#: Columns of an adapter's ``pre_quarantine`` frame.
PRE_QUARANTINE_COLUMNS = ("file", "row", "reason", "column", "detail")


class Adapter(Protocol):
    """What every dataset adapter provides."""

    name: str
    description: str
    citation: str

    def detect(self, path: Path) -> bool: ...

    def read(self, path: Path) -> tuple[pd.DataFrame, list[str], pd.DataFrame | None]: ...


#: Registered adapters by name.
ADAPTERS: dict[str, Adapter] = {a.name: a for a in (kim2020.ADAPTER, tiktok2020.ADAPTER)}


def detect(path) -> str | None:
    """Name of the first adapter that recognises ``path``, or None.

    Examples
    --------
    >>> detect("no/such/place") is None
    True
    """
    path = Path(path)
    if not path.exists():
        return None
    for name, ad in ADAPTERS.items():
        try:
            if ad.detect(path):
                return name
        except OSError:
            continue
    return None


def get_adapter(name: str) -> Adapter:
    """The adapter called ``name``; :class:`~influtiers.io.DataError` if unknown."""
    try:
        return ADAPTERS[name]
    except KeyError:
        from ..io import DataError

        raise DataError(
            f"unknown dataset adapter {name!r} (known: {', '.join(ADAPTERS)})"
        ) from None
