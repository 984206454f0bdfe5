"""How to cite a run: the software (from ``CITATION.cff``), its version and commit, and the
sha256 of every dataset it ran on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .load import RunData


def default_citation_path() -> Path:
    """The repository's ``CITATION.cff``, next to the package (``influtiers/../CITATION.cff``)."""
    # this module lives in influtiers/report/, so the repository is three levels up
    return Path(__file__).resolve().parents[2] / "CITATION.cff"


def load_citation(path: Path | None) -> tuple[dict | None, str]:
    """``(CITATION.cff as a dict, "")`` or ``(None, why not)``; never raises."""
    if path is None:
        return None, "no CITATION.cff given"
    path = Path(path)
    if not path.is_file():
        return None, f"{path.name} not found"
    try:
        import yaml

        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception as e:  # a broken CITATION.cff must not stop the report
        return None, f"{path.name} could not be read: {type(e).__name__}"
    if not isinstance(cff, dict):
        return None, f"{path.name} is not a mapping"
    return cff, ""


def author_names(cff: Mapping) -> list[str]:
    names = []
    for a in cff.get("authors") or []:
        if not isinstance(a, Mapping):
            continue
        if a.get("name"):
            names.append(str(a["name"]))
        else:
            full = " ".join(str(a[k]) for k in ("given-names", "family-names") if a.get(k))
            if full:
                names.append(full)
    return names


def citation(data: RunData, citation_path: Path | None) -> dict:
    """The citation text, a BibTeX entry, and warnings (plain strings)."""
    items = data.data_items
    data_text = (
        "; ".join(
            f"{d.get('label') or d.get('source') or 'data'} sha256 {d.get('sha256') or 'not recorded'}"
            for d in items
        )
        or "data not recorded"
    )
    m = data.manifest
    run_version = str(m.get("influtiers_version", "") or "")
    commit = str(m.get("git_commit", "") or "unknown")
    cff, why = load_citation(citation_path)
    if cff is None:
        text = (
            f"influtiers (version {run_version or 'unknown'}, git {commit}) [software]. "
            f"Data: {data_text}."
        )
        return {"missing": why, "text": text}
    title = str(cff.get("title", "influtiers"))
    authors = author_names(cff) or ["The influtiers developers"]
    version = run_version or str(cff.get("version", "") or "unknown")
    year = str(cff.get("date-released", ""))[:4]
    url = (
        cff.get("doi")
        and f"https://doi.org/{cff['doi']}"
        or cff.get("url")
        or cff.get("repository-code")
    )
    text = (
        f"{' and '.join(authors)}{f' ({year})' if year else ''}. {title}. "
        f"Version {version} (git {commit}) [software]."
        + (f" {url}." if url else "")
        + f" Results computed on {data_text}."
    )
    key = "influtiers" + (year or "") + "_" + version.replace(".", "_")
    fields = [
        ("title", title),
        ("author", " and ".join(authors)),
        ("version", version),
        ("year", year),
        ("url", url or ""),
        ("note", f"git {commit}; data {data_text}"),
    ]
    bib = f"@software{{{key},\n" + "".join(f"  {k} = {{{v}}},\n" for k, v in fields if v) + "}"
    cff_version = str(cff.get("version", "") or "")
    return {
        "missing": None,
        "text": text,
        "bib": bib,
        "message": str(cff.get("message", "") or ""),
        "license": str(cff.get("license", "") or ""),
        "mismatch": (run_version, cff_version)
        if run_version and cff_version and cff_version != run_version
        else None,
    }


__all__ = ["author_names", "citation", "default_citation_path", "load_citation"]
