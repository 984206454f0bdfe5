"""Read a run directory (written by ``influtiers reproduce``) into plain data.

Nothing here formats HTML: :func:`read_run` returns a :class:`RunData` of dicts, lists and
strings, and says what was missing or unreadable. Paths taken from the run's own files
are only followed when they stay inside the run directory (:func:`inside`).
"""

from __future__ import annotations

import base64
import csv
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

#: The page's file name in the run directory.
REPORT_NAME = "report.html"

#: Images embedded in the page, by file suffix.
IMAGE_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
#: Which file of a figure is embedded, in order of preference.
IMAGE_PREFERENCE = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
#: Files of a figure the page links to.
LINKED_SUFFIXES = (".png", ".svg", ".csv", ".pdf")


@dataclass
class RunData:
    """Everything the report shows, as read from the run directory."""

    run_dir: Path
    manifest: dict
    claims: list[dict[str, str]]
    studies: list | None = None
    studies_msg: str = ""
    validation: dict | None = None
    validation_msg: str = ""
    pooled: dict | None = None
    #: ``{figure directory (relative, e.g. "figures/ig"): figures/manifest.json content}``
    figure_manifests: dict[str, dict] = field(default_factory=dict)

    @property
    def data_items(self) -> list[dict]:
        """The manifest's datasets: one dict each (``source``, ``label``, ``sha256``, ...)."""
        data = self.manifest.get("data") or {}
        if not isinstance(data, dict):
            return [{"source": str(data)}]
        if isinstance(data.get("datasets"), list):
            return [d if isinstance(d, dict) else {"source": str(d)} for d in data["datasets"]]
        return [data] if data else []

    @cached_property
    def figures(self) -> dict[str, dict[str, Path]]:
        """:func:`figure_files` of the run directory."""
        return figure_files(self.run_dir)

    @property
    def labels(self) -> list[str]:
        """Dataset labels of a run with several datasets (empty with one)."""
        if isinstance(self.pooled, dict) and isinstance(self.pooled.get("datasets"), list):
            labels = [str(x) for x in self.pooled["datasets"]]
            if len(labels) > 1:
                return labels
        items = self.data_items
        if len(items) > 1:
            return [str(d.get("label") or d.get("source") or "") for d in items]
        return []


def inside(run_dir: Path, rel) -> Path | None:
    """``run_dir / rel`` if it stays inside the run directory, else ``None``."""
    if not rel or not isinstance(rel, str):
        return None
    try:
        p = (run_dir / rel).resolve()
        p.relative_to(run_dir.resolve())
    except (ValueError, OSError):
        return None
    return p


def data_uri(path: Path) -> str | None:
    """The file as a ``data:`` URI, or ``None`` if it is not an image the page embeds."""
    mime = IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def read_json(path: Path):
    """``(parsed JSON, "")``, or ``(None, message)`` if the file is missing or unreadable."""
    if not path.is_file():
        return None, f"{path.name} is not in this run directory."
    try:
        return json.loads(path.read_text(encoding="utf-8")), ""
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, f"{path.name} could not be read: {e}"


def read_claims(path: Path) -> list[dict[str, str]]:
    """claims.csv as a list of rows (every value a string; empty for missing)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: (v or "") for k, v in r.items() if k is not None} for r in csv.DictReader(f)]


def read_csv_column(path: Path, column: str, limit: int = 10_000) -> list[str] | None:
    """The values of one column of a (figure data) CSV, or ``None`` if it has no such column."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or column not in reader.fieldnames:
                return None
            out = []
            for i, r in enumerate(reader):
                if i >= limit:
                    break
                out.append(r.get(column) or "")
            return out
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def figure_files(run_dir: Path) -> dict[str, dict[str, Path]]:
    """``{figure stem relative to the run ("figures/ig/03_x"): {suffix: path}}``, sorted."""
    fig_dir = run_dir / "figures"
    stems: dict[str, dict[str, Path]] = {}
    if not fig_dir.is_dir():
        return stems
    for f in sorted(fig_dir.rglob("*")):
        if f.is_file() and not f.name.startswith(".") and f.name != "manifest.json":
            rel_stem = f.relative_to(run_dir).with_suffix("").as_posix()
            stems.setdefault(rel_stem, {})[f.suffix.lower()] = f
    return stems


def read_run(run_dir: str | Path) -> RunData:
    """Read a run directory. Raises ``FileNotFoundError`` naming ``manifest.json`` or
    ``claims.csv`` if either is missing, ``ValueError`` if the manifest is not a JSON
    object; every other file is optional (its message says why it is absent)."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run directory {run_dir} does not exist")
    run_dir = run_dir.resolve()
    for required in ("manifest.json", "claims.csv"):
        if not (run_dir / required).is_file():
            raise FileNotFoundError(
                f"{required} not found in run directory {run_dir}: "
                "run 'influtiers reproduce' to write a complete run directory"
            )
    try:
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"manifest.json in {run_dir} is not valid JSON: {e}") from e
    if not isinstance(manifest, dict):
        raise ValueError(f"manifest.json in {run_dir} is not a JSON object")
    studies, s_msg = read_json(run_dir / "studies.json")
    if studies is not None and not isinstance(studies, list):
        studies, s_msg = None, "studies.json is not a list of studies."
    validation, v_msg = read_json(run_dir / "validation.json")
    if validation is not None and not isinstance(validation, dict):
        validation, v_msg = None, "validation.json does not hold a validation report."
    pooled, _ = read_json(run_dir / "pooled.json")
    fig_manifests = {}
    if (run_dir / "figures").is_dir():
        for m in sorted((run_dir / "figures").rglob("manifest.json")):
            rec, _ = read_json(m)
            if isinstance(rec, dict):
                fig_manifests[m.parent.relative_to(run_dir).as_posix()] = rec
    return RunData(
        run_dir=run_dir,
        manifest=manifest,
        claims=read_claims(run_dir / "claims.csv"),
        studies=studies,
        studies_msg=s_msg,
        validation=validation,
        validation_msg=v_msg,
        pooled=pooled if isinstance(pooled, dict) else None,
        figure_manifests=fig_manifests,
    )


__all__ = [
    "IMAGE_PREFERENCE",
    "IMAGE_TYPES",
    "LINKED_SUFFIXES",
    "REPORT_NAME",
    "RunData",
    "data_uri",
    "figure_files",
    "inside",
    "read_claims",
    "read_csv_column",
    "read_json",
    "read_run",
]
