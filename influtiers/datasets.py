"""Bundled data: published benchmark figures and the synthetic demo panel.

Paths are resolved from the package (``data/`` next to the ``influtiers``
package in a source checkout or editable install), never typed by users.
"""

from __future__ import annotations

from pathlib import Path

#: The repository's ``data/`` folder.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_PATH = DATA_DIR / "demo" / "panel.parquet"
BENCHMARKS_DIR = DATA_DIR / "benchmarks"

#: Bundled post-level datasets by name.
BUNDLED_POSTS = {"demo": DEMO_PATH}


def resolve_bundled(name) -> Path | None:
    """Path of a bundled posts dataset called ``name``, or None if it is not one."""
    if isinstance(name, str) and name in BUNDLED_POSTS:
        return BUNDLED_POSTS[name]
    return None
