"""Figure files: PNG, SVG and the CSV of the numbers drawn, written atomically and
recorded in the folder's ``manifest.json`` (under a lock: notebooks running in parallel
share it). Reruns with the same inputs give byte-identical files."""

from __future__ import annotations

import fcntl
import io
import json
import os
from collections.abc import Mapping
from pathlib import Path

import matplotlib
import pandas as pd

from .csvsafe import safe_csv
from .provenance import atomic_write, sha256_file


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)


def save_figure(
    fig,
    name: str,
    data: pd.DataFrame,
    output_dir: str | Path,
    provenance: Mapping | None = None,
    *,
    run_id: str | None = None,
) -> dict[str, str]:
    """Save ``fig`` as PNG and SVG and ``data`` as CSV; record them in ``manifest.json``.

    Returns the written paths. Files are written atomically; rerunning with the same
    inputs gives identical CSV, PNG and SVG bytes: the provenance in the image metadata
    holds nothing that changes between runs, and the run's id (``run_id``) is recorded in
    ``manifest.json`` only. Text cells of the CSV that a spreadsheet would run as a
    formula are neutralised (:func:`influtiers.csvsafe.safe_csv`).
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = slug(name)
    prov = dict(provenance or {})
    desc = json.dumps(prov, sort_keys=True, default=str)
    paths = {}
    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        bbox_inches="tight",
        metadata={
            "Software": f"influtiers {prov.get('influtiers_version', '')}",
            "Description": desc,
        },
    )
    paths["png"] = atomic_write(out / f"{name}.png", buf.getvalue())
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "influtiers"}):  # deterministic SVG ids
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Description": desc, "Creator": "influtiers"},
        )
    paths["svg"] = atomic_write(out / f"{name}.svg", buf.getvalue())
    paths["csv"] = atomic_write(out / f"{name}.csv", safe_csv(data, float_format="%.10g"))
    entry = {
        "files": {k: {"path": p.name, "sha256": sha256_file(p)} for k, p in paths.items()},
        "provenance": prov,
    }
    if run_id is not None:
        entry["run_id"] = run_id
    # notebooks running in parallel share the manifest: read-modify-write under a lock on
    # the folder, so no entry is lost
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        manifest_path = out / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        manifest[name] = entry
        atomic_write(manifest_path, json.dumps(manifest, indent=2, sort_keys=True, default=str))
    finally:
        os.close(fd)  # releases the lock
    return {k: str(p) for k, p in paths.items()}


__all__ = ["save_figure", "slug"]
