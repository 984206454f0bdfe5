"""TEMPORARY load shim on main (replaced by the load package of branch ``load``).

``load()`` returns a Dataset-like value backed by :func:`influtiers.io.load_posts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..io import load_posts


@dataclass
class Dataset:
    label: str
    source: str
    paths: tuple
    sha256: str
    synthetic: bool
    adapter: str | None
    report: object
    columns: tuple
    frame: pd.DataFrame = field(repr=False)
    engine: str = "duckdb"
    posts: str = "accepted_posts"
    con: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        import duckdb

        self.con = duckdb.connect()
        self.con.register(self.posts, self.frame)

    def relation(self):
        return self.con.table(self.posts)

    def to_pandas(self) -> pd.DataFrame:
        return self.frame.copy()

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def load(source, *, accounts=None, mapping=None, adapter=None, strict=False, label=None,
         engine="duckdb", spark=None, memory_limit=None, temp_directory=None, threads=None):  # fmt: skip
    from ..datasets import resolve_bundled
    from ..provenance import sha256_data

    res = load_posts(source, accounts=accounts, mapping=mapping, adapter=adapter, strict=strict)
    if isinstance(source, pd.DataFrame):
        paths, sha, name = (), sha256_data(res.posts), "DataFrame"
    else:
        p = resolve_bundled(source) or Path(source)
        paths, sha, name = (str(Path(p).resolve()),), sha256_data(p), Path(str(source)).name
    return Dataset(
        label=label or name,
        source=str(source) if not isinstance(source, pd.DataFrame) else "DataFrame",
        paths=paths,
        sha256=sha,
        synthetic=str(source) == "demo",
        adapter=res.adapter,
        report=res.report,
        columns=tuple(res.posts.columns),
        frame=res.posts,
    )
