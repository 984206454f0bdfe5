"""The page's other sections as plain data: header, studies, validation, provenance."""

from __future__ import annotations

from collections.abc import Mapping

from ..provenance import sha256_file
from .figures import FOREST_FIGURE, key_figure
from .ledger import anchor, sources_summary
from .load import REPORT_NAME, RunData, inside


def header(data: RunData) -> dict:
    """Title, the synthetic-data note and what the run was made from."""
    items = data.data_items
    labels = data.labels
    sources = sources_summary(data.claims)
    names = labels or [str(d.get("label") or d.get("source") or "") for d in items]
    names = [n for n in names if n]
    title = "influtiers report"
    if names:
        title += ": " + ", ".join(names)
    if sources["published"]:
        title += " + the published library"
    synthetic = any(
        bool(d.get("synthetic")) or "demo" in str(d.get("source", "")).lower() for d in items
    )
    return {
        "title": title,
        "synthetic": synthetic,
        "datasets": [
            {
                "label": str(d.get("label") or d.get("source") or ""),
                "source": str(d.get("source", "") or ""),
                "sha256": str(d.get("sha256", "") or ""),
                "adapter": d.get("adapter"),
                "synthetic": bool(d.get("synthetic")),
            }
            for d in items
        ],
        "published": sources["published"],
        "pooled": sources["pooled"],
        "version": str(data.manifest.get("influtiers_version", "") or "unknown"),
        "commit": str(data.manifest.get("git_commit", "") or "unknown"),
        "several_sources": len(items) + bool(sources["published"]) > 1,
    }


def studies(data: RunData) -> tuple[list[tuple[str | None, list[dict]]], set[str]]:
    """``([(dataset label or None, studies)], figure stems shown as key figures)``."""
    shown: set[str] = set()
    claim_ids = {str(r.get("claim_id", "")) for r in data.claims}
    groups: dict[str | None, list[dict]] = {}
    for s in data.studies or []:
        if not isinstance(s, Mapping):
            continue
        nn, slug = str(s.get("nn", "")), str(s.get("slug", ""))
        status = str(s.get("status", "") or "")
        key = s.get("key_figure")
        figure, above = None, False
        if key:
            figure = key_figure(data, key)
            if not figure.get("missing"):
                stem = figure["rel"].rsplit(".", 1)[0]
                above = figure["name"] == FOREST_FIGURE
                if not above:
                    shown.add(stem)
        nb = s.get("notebook")
        nb_path = inside(data.run_dir, nb) if nb else None
        label = s.get("dataset") or None
        groups.setdefault(label, []).append(
            {
                "nn": nn,
                "slug": slug,
                "title": str(s.get("title", "") or slug),
                "status": status,
                "reason": str(s.get("reason", "") or ""),
                "summary": str(s.get("summary", "") or ""),
                "seconds": s.get("seconds"),
                "anchor": anchor("study", f"{label}_{nn}_{slug}" if label else f"{nn}_{slug}"),
                "claims": [
                    (str(c), anchor("claim", c) if str(c) in claim_ids else None)
                    for c in s.get("claims") or []
                ],
                "figure": figure,
                "figure_above": above,
                "notebook": str(nb) if nb else None,
                "notebook_ok": bool(nb and nb_path is not None and nb_path.is_file()),
            }
        )
    for stem in data.figures:
        if stem.rsplit("/", 1)[-1] == FOREST_FIGURE:
            shown.add(stem)
    return list(groups.items()), shown


def _count(val: Mapping, key: str) -> int | None:
    try:
        return int(val.get(key))
    except (TypeError, ValueError):
        return None


def validation(data: RunData) -> dict:
    """Rows in = accepted + quarantined, the reasons, per dataset with several."""
    val = data.validation
    if val is None:
        return {"missing": data.validation_msg or "validation.json is not in this run directory."}

    def one(v: Mapping) -> dict:
        rows_in, acc, qua = _count(v, "rows_in"), _count(v, "accepted"), _count(v, "quarantined")
        reasons = v.get("reasons") if isinstance(v.get("reasons"), Mapping) else {}
        desc = v.get("reason_descriptions")
        desc = desc if isinstance(desc, Mapping) else {}
        warnings = v.get("warnings") if isinstance(v.get("warnings"), list) else []
        return {
            "source": str(v.get("source", "") or ""),
            "rows_in": rows_in,
            "accepted": acc,
            "quarantined": qua,
            "balanced": None if None in (rows_in, acc, qua) else rows_in == (acc or 0) + (qua or 0),
            "duplicates_removed": v.get("duplicates_removed"),
            "reasons": [(str(k), n, str(desc.get(k, "") or "")) for k, n in reasons.items()],
            "warnings": [str(w) for w in warnings],
        }

    per = val.get("datasets") if isinstance(val.get("datasets"), Mapping) else {}
    q = data.run_dir / "quarantine.csv"
    return {
        "missing": None,
        "total": one(val),
        "datasets": [
            (str(label), one(v), f"evidence/{label}/quarantine.csv")
            for label, v in per.items()
            if isinstance(v, Mapping)
        ],
        "quarantine": "quarantine.csv" if q.is_file() else None,
        "quarantine_files": {
            str(label): (data.run_dir / "evidence" / str(label) / "quarantine.csv").is_file()
            for label in per
        },
    }


def provenance(data: RunData) -> dict:
    """Versions, data hashes, timings and every output file with its sha256, checked now."""
    m = data.manifest
    packages = m.get("packages") if isinstance(m.get("packages"), Mapping) else {}
    params = m.get("parameters") if isinstance(m.get("parameters"), Mapping) else {}
    timings = m.get("timings") if isinstance(m.get("timings"), Mapping) else {}
    files = m.get("files") if isinstance(m.get("files"), Mapping) else {}
    checked, changed = [], 0
    for rel, rec in files.items():
        rec = rec if isinstance(rec, Mapping) else {}
        sha = str(rec.get("sha256", "") or "")
        if rel == REPORT_NAME:
            check = "this page"
        else:
            p = inside(data.run_dir, rel)
            if p is None or not p.is_file():
                check, changed = "missing", changed + 1
            elif sha and sha256_file(p) == sha:
                check = "✓ matches"
            else:
                check, changed = "changed since the run", changed + 1
        checked.append({"rel": str(rel), "bytes": rec.get("bytes"), "sha256": sha, "check": check})
    return {
        "version": str(m.get("influtiers_version", "unknown")),
        "commit": str(m.get("git_commit", "unknown")),
        "created_by": str(m.get("created_by", "unknown")),
        "python": m.get("python"),
        "packages": [(str(k), str(v)) for k, v in packages.items()],
        "parameters": list(params.items()),
        "datasets": header(data)["datasets"],
        "timings": list(timings.items()),
        "files": checked,
        "changed": changed,
    }


__all__ = ["header", "provenance", "studies", "validation"]
