"""Readers for public influencer datasets in their published formats.

An adapter turns a dataset directory (or file) into raw posts with canonical column
names, streamed as Arrow record batches; :func:`influtiers.load.load` then applies the same
parsing and validation as to any other table, so every raw record (file or row) is
accounted for.

Each adapter has ``name``, ``description``, ``citation``, ``detect(path) -> bool`` and
``read(path) -> AdapterRead`` where ``AdapterRead`` holds

* ``batches``: an iterator of Arrow record batches with canonical columns (values may
  still be text), ``_file`` (the source file, relative to the dataset), ``_row`` (1-based
  row in that file) and the adapter's own verdict on records it rejects before validation:
  ``_pre_reason`` (``unreadable_record``, ``duplicate_post``, ``orphan_post``, ...; null
  for the records it passes on), ``_pre_column`` and ``_pre_detail``;
* ``columns``: the canonical columns of the batches;
* ``notes``: human-readable remarks for the report, complete once ``batches`` is exhausted.

Examples
--------
>>> sorted(ADAPTERS)
['kim2020', 'tiktok2020']
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ...errors import DataError
from .base import PRE_QUARANTINE_COLUMNS, AdapterRead
from .kim2020 import ADAPTER as KIM2020
from .tiktok2020 import ADAPTER as TIKTOK2020

__all__ = ["ADAPTERS", "PRE_QUARANTINE_COLUMNS", "Adapter", "AdapterRead", "detect", "get_adapter"]


class Adapter(Protocol):
    """What every dataset adapter provides."""

    name: str
    description: str
    citation: str

    def detect(self, path: Path) -> bool: ...

    def read(self, path: Path) -> AdapterRead: ...


#: Registered adapters by name.
ADAPTERS: dict[str, Adapter] = {a.name: a for a in (KIM2020, TIKTOK2020)}


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
    """The adapter called ``name``; :class:`~influtiers.errors.DataError` if unknown."""
    try:
        return ADAPTERS[name]
    except KeyError:
        raise DataError(
            f"unknown dataset adapter {name!r} (known: {', '.join(ADAPTERS)})"
        ) from None
