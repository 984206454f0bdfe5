"""Provenance: what produced a number (data hash, versions, commit, parameters).

Every saved figure, table and run manifest carries a :func:`provenance` record, so
a cited figure can be traced to the exact data and code.

Examples
--------
>>> rec = provenance(params={"seed": 1})
>>> sorted(rec)[:4]
['git_commit', 'influtiers_version', 'packages', 'parameters']
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform as _platform
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

import pandas as pd

from ._version import __version__
from .config import REPO_ROOT

PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "duckdb", "pyarrow")


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_data(data) -> str:
    """sha256 of a dataset: a file's bytes, a directory's files (sorted relative paths and
    their hashes), or a DataFrame's content (column names, dtypes and row hashes)."""
    if isinstance(data, pd.DataFrame):
        h = hashlib.sha256()
        h.update(json.dumps([[str(c), str(t)] for c, t in data.dtypes.items()]).encode())
        h.update(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())
        return h.hexdigest()
    p = Path(data)
    if p.is_dir():
        h = hashlib.sha256()
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            h.update(f.relative_to(p).as_posix().encode() + b"\0" + sha256_file(f).encode())
        return h.hexdigest()
    return sha256_file(p)


def git_commit(root: str | Path = REPO_ROOT) -> str:
    """The commit of the source checkout (with ``-dirty`` when it has changes), or ``unknown``."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if sha.returncode != 0:
            return "unknown"
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return sha.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def package_versions(names=PACKAGES) -> dict[str, str]:
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def provenance(data=None, params: Mapping | None = None, *, data_label: str | None = None) -> dict:
    """A JSON-safe provenance record for outputs computed from ``data`` with ``params``."""
    rec = {
        "influtiers_version": __version__,
        "git_commit": git_commit(),
        "python": _platform.python_version(),
        "packages": package_versions(),
        "parameters": {k: jsonable(v) for k, v in (params or {}).items()},
    }
    if data is not None:
        rec["data"] = data_label or (
            str(data) if not isinstance(data, pd.DataFrame) else "DataFrame"
        )
        rec["data_sha256"] = sha256_data(data)
    return rec


def jsonable(v):
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    if isinstance(v, Mapping):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    return str(v)


_UMASK_LOCK = threading.Lock()


def file_mode() -> int:
    """The mode a new file gets under the process umask (``0o666 & ~umask``)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_open(path: str | Path):
    """A binary file to write ``path`` through: it is written under a temporary name in
    the same folder and renamed when the block ends without error, so an interrupted run
    never leaves a half-written file under the final name. The file follows the umask (as
    ``open`` would make it), not the owner-only mode of a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` through :func:`atomic_open`."""
    with atomic_open(path) as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return Path(path)


def atomic_copy(src: str | Path, path: str | Path) -> Path:
    """Copy the file ``src`` to ``path`` through :func:`atomic_open`, in chunks."""
    with open(src, "rb") as fin, atomic_open(path) as f:
        shutil.copyfileobj(fin, f, 1 << 20)
    return Path(path)


def watermark(data=None, params: Mapping | None = None) -> str:
    """Text for a notebook's closing provenance cell."""
    rec = provenance(data, params)
    lines = [
        f"influtiers {rec['influtiers_version']} (git {rec['git_commit']})",
        f"python {rec['python']}; " + ", ".join(f"{k} {v}" for k, v in rec["packages"].items()),
    ]
    if "data_sha256" in rec:
        lines.append(f"data: {rec['data']} sha256 {rec['data_sha256']}")
    lines.append("parameters: " + json.dumps(rec["parameters"], sort_keys=True))
    return "\n".join(lines)
