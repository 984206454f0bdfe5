"""Figures on the page: each embedded once, its alt text stating its finding from the
ledger, its caption giving its provenance.

A figure belongs to claims: the claim ids in its name (``09_synthesis_C04``), else the
``claim_id`` column of the CSV saved with it (the claims forest), else its study's claims
(``studies.json``). Its alt text gives, per claim, the verdict and the estimate of the
headline row for the figure's dataset (``figures/<label>/``), else of the claim.
Its caption gives the study, the dataset and the provenance recorded in
``figures/manifest.json`` (data and its sha256, influtiers version, git commit, seed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .ledger import anchor
from .load import (
    IMAGE_PREFERENCE,
    LINKED_SUFFIXES,
    RunData,
    data_uri,
    inside,
    read_csv_column,
)
from .sentences import headline_rows, interval, number, row_kind, significant

#: The claims forest's figure name (notebook 00's key figure).
FOREST_FIGURE = "00_claims_forest"
_CLAIM_ID = re.compile(r"C\d{2}")


def _stem_parts(rel_stem: str) -> tuple[str | None, str]:
    """``("ig", "03_parity_forest")`` for ``figures/ig/03_parity_forest``."""
    parts = rel_stem.split("/")
    label = parts[1] if len(parts) > 2 and parts[0] == "figures" else None
    return label, parts[-1]


def _study_for(data: RunData, name: str, label: str | None) -> Mapping | None:
    nn = name.split("_", 1)[0]
    for s in data.studies or []:
        if isinstance(s, Mapping) and str(s.get("nn", "")) == nn:
            if (s.get("dataset") or None) == label:
                return s
    return None


def figure_claims(data: RunData, rel_stem: str, files: Mapping[str, Path]) -> tuple[list, list]:
    """``(claim ids the figure shows, claim ids listed beside it)`` (see the module doc)."""
    label, name = _stem_parts(rel_stem)
    known = list(dict.fromkeys(str(r.get("claim_id", "")) for r in data.claims))
    named = [c for c in _CLAIM_ID.findall(name) if c in known]
    if named:
        return list(dict.fromkeys(named)), []
    if ".csv" in files:
        ids = read_csv_column(files[".csv"], "claim_id")
        if ids:
            shown = read_csv_column(files[".csv"], "shown") or ["forest"] * len(ids)
            drawn = [c for c, s in zip(ids, shown, strict=False) if s == "forest"]
            listed = [c for c, s in zip(ids, shown, strict=False) if s != "forest"]
            drawn = list(dict.fromkeys(c for c in drawn if c in known))
            return drawn, [c for c in dict.fromkeys(listed) if c in known and c not in drawn]
    study = _study_for(data, name, label)
    if study is not None:
        return [c for c in (str(x) for x in study.get("claims") or []) if c in known], []
    return [], []


def finding(data: RunData, claim_id: str, label: str | None, *, overall: bool = False) -> str:
    """``C04 contradicted (overstated), estimate 1.16 (95% CI 1.09 to 1.24)`` for the claim's
    headline rows in the dataset ``label`` (the run's only dataset when ``None``), else (and
    with ``overall``, for a figure of one claim across sources) its headline rows over every
    source (the pooled row when there is one)."""
    rows = [r for r in data.claims if r.get("claim_id") == claim_id]
    mine = [r for r in rows if row_kind(r) in ("data", "descriptive")]
    datasets = list(dict.fromkeys(str(r.get("dataset", "")) for r in mine))
    if label is None and len(datasets) == 1:
        label = datasets[0]
    heads = [] if overall else headline_rows([r for r in mine if r.get("dataset") == label])
    if not heads:
        heads = headline_rows(rows)
    texts = []
    for r in heads:
        verdict = str(r.get("verdict", "") or "no verdict")
        if r.get("direction"):
            verdict += f" ({r['direction']})"
        where = str(r.get("platform", "") or "")
        where = f" on {where}" if where not in ("", "all", "all (platform FE)") else ""
        if row_kind(r) == "pooled":
            where = " pooled"
        est = number(r.get("estimate"))
        if est is None:
            texts.append(f"{claim_id}{where} {verdict}, no estimate")
            continue
        lo, hi = number(r.get("ci_low")), number(r.get("ci_high"))
        ci = interval(lo, hi, "number")
        texts.append(
            f"{claim_id}{where} {verdict}, estimate {significant(est)}"
            + (f" ({ci.replace('–', ' to ')})" if ci else "")
        )
    return "; ".join(texts) or f"{claim_id}: no ledger row"


def _provenance(data: RunData, rel_stem: str) -> list[tuple[str, str]]:
    folder, _, name = rel_stem.rpartition("/")
    rec = (data.figure_manifests.get(folder) or {}).get(name)
    if not isinstance(rec, Mapping):
        return []
    prov = rec.get("provenance") if isinstance(rec.get("provenance"), Mapping) else {}
    params = prov.get("parameters") if isinstance(prov.get("parameters"), Mapping) else {}
    out = []
    if prov.get("data"):
        out.append(("data", str(prov["data"])))
    if prov.get("data_sha256"):
        out.append(("data sha256", str(prov["data_sha256"])))
    if params.get("study"):
        out.append(("notebook", str(params["study"])))
    if params.get("seed") is not None:
        out.append(("seed", str(params["seed"])))
    if params.get("scheme"):
        out.append(("scheme", str(params["scheme"])))
    if prov.get("influtiers_version"):
        out.append(("influtiers", str(prov["influtiers_version"])))
    if prov.get("git_commit"):
        out.append(("git", str(prov["git_commit"])))
    files = rec.get("files") if isinstance(rec.get("files"), Mapping) else {}
    png = files.get("png") if isinstance(files.get("png"), Mapping) else {}
    if png.get("sha256"):
        out.append(("PNG sha256", str(png["sha256"])))
    if prov.get("synthetic"):
        out.append(("note", "synthetic demo data"))
    return out


def figure_item(data: RunData, rel_stem: str, files: Mapping[str, Path]) -> dict:
    """Everything the templates need to show one figure."""
    run_dir = data.run_dir
    img = next((files[s] for s in IMAGE_PREFERENCE if s in files), None)
    label, name = _stem_parts(rel_stem)
    study = _study_for(data, name, label)
    drawn, listed = figure_claims(data, rel_stem, files)
    title = f"Figure {name}"
    if study is not None:
        title += f", study {study.get('nn', '')} ({study.get('title', '')})"
    if label:
        title += f", dataset {label}"
    alt = title + "."
    if drawn:
        named = bool(_CLAIM_ID.search(name))  # one claim across sources: its overall headline
        alt += " Ledger: " + "; ".join(finding(data, c, label, overall=named) for c in drawn)
        alt += "."
    if listed:
        alt += f" Listed beside it without a numeric comparison: {', '.join(listed)}."
    return {
        "rel": img.relative_to(run_dir).as_posix() if img is not None else rel_stem,
        "name": name,
        "label": label,
        "uri": data_uri(img) if img is not None else None,
        "alt": alt,
        "claims": [(c, anchor("claim", c)) for c in drawn],
        "provenance": _provenance(data, rel_stem),
        "study": study,
        "missing": None,
        "links": [
            (s.lstrip(".").upper(), p.relative_to(run_dir).as_posix())
            for s, p in sorted(files.items())
            if s in LINKED_SUFFIXES
        ],
    }


def key_figure(data: RunData, rel) -> dict:
    """A study's key figure (a path from studies.json), or why it is not shown."""
    p = inside(data.run_dir, rel)
    if p is None:
        return {"missing": f"figure path {rel} is outside the run directory; not embedded."}
    if not p.is_file():
        return {"missing": f"figure {rel} is missing from the run directory."}
    if data_uri(p) is None:
        return {"missing": f"figure {rel} is not an image type the page embeds."}
    rel_stem = p.relative_to(data.run_dir.resolve()).with_suffix("").as_posix()
    files = data.figures.get(rel_stem) or {p.suffix.lower(): p}
    return figure_item(data, rel_stem, files)


def gallery(data: RunData, shown: set[str]) -> list[dict]:
    """Every figure under ``figures/`` not shown elsewhere on the page (one image each)."""
    items = []
    for rel_stem, files in data.figures.items():
        if not any(s in files for s in IMAGE_PREFERENCE) or rel_stem in shown:
            continue
        items.append(figure_item(data, rel_stem, files))
    return items


def forest_figures(data: RunData) -> list[dict]:
    """The claims forest of each dataset (notebook 00's key figure)."""
    return [
        figure_item(data, rel_stem, files)
        for rel_stem, files in data.figures.items()
        if rel_stem.rsplit("/", 1)[-1] == FOREST_FIGURE
        and any(s in files for s in IMAGE_PREFERENCE)
    ]


__all__ = [
    "FOREST_FIGURE",
    "figure_claims",
    "figure_item",
    "finding",
    "forest_figures",
    "gallery",
    "key_figure",
]
