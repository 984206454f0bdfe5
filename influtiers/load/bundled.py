"""Bundled post-level datasets, by name.

>>> resolve_bundled("demo") == DEMO_PATH, resolve_bundled("other")
(True, None)
"""

from __future__ import annotations

from pathlib import Path

from ..config import DEMO_PATH

__all__ = ["BUNDLED_POSTS", "DEMO_PATH", "SYNTHETIC_KEY", "resolve_bundled"]

#: Bundled post-level datasets by name.
BUNDLED_POSTS: dict[str, Path] = {"demo": DEMO_PATH}
#: Parquet key-value metadata key that marks a synthetic table (value ``true``).
SYNTHETIC_KEY = "influtiers.synthetic"


def resolve_bundled(name) -> Path | None:
    """Path of a bundled posts dataset called ``name``, or None if it is not one."""
    if isinstance(name, str) and name in BUNDLED_POSTS:
        return BUNDLED_POSTS[name]
    return None
