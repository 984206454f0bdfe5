"""Render the page from the Jinja2 templates in ``influtiers/report/templates``.

Autoescaping is on for every template (:func:`environment`), so every value from the
run's files is escaped unless a template says otherwise; the only unescaped inserts are
the package's own stylesheet and check script, whose sha256 the Content-Security-Policy
names. Numbers are formatted by the filters registered here (``num``, ``count``,
``seconds``, ``bytes``, ``href``).
"""

from __future__ import annotations

import base64
import hashlib
import math
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..provenance import atomic_write
from . import sections
from .cite import citation, default_citation_path
from .figures import FOREST_FIGURE, forest_figures, gallery
from .ledger import claim_cards, groups, headline_tally
from .load import REPORT_NAME, read_run

#: Verdict -> (symbol, css class). Colours (in the CSS) are from the Okabe-Ito
#: colour-blind-safe palette; the verdict is always written out in text too.
VERDICT_STYLE = {
    "supported": ("✓", "v-supported"),
    "contradicted": ("✗", "v-contradicted"),
    "inconclusive": ("?", "v-inconclusive"),
    "not-testable": ("–", "v-nottestable"),
    "consistent": ("≈", "v-supported"),
    "inconsistent": ("≠", "v-contradicted"),
    "descriptive": ("i", "v-nottestable"),
    "error": ("!", "v-contradicted"),
}
STATUS_STYLE = {
    "ok": ("✓", "v-supported"),
    "not-testable": ("–", "v-nottestable"),
    "failed": ("✗", "v-contradicted"),
}
#: Headings of the ledger's card groups.
GROUP_TITLES = {
    "data": "Tested on the data",
    "definitional": "Descriptive: definitions (not data verdicts)",
    "article arithmetic": "Descriptive: the article's own arithmetic (not data verdicts)",
    "published aggregates": "Published aggregates only (not data verdicts)",
}


# ------------------------------------------------------------------ filters
def num(value, digits: int = 4) -> str:
    """A ledger cell as text (``digits`` significant figures); empty -> em dash."""
    s = "" if value is None else str(value).strip()
    if s == "" or s.lower() in ("nan", "<na>", "none", "null"):
        return "—"
    try:
        v = float(s)
    except ValueError:
        return s
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.{digits}g}"


def count(value) -> str:
    """An integer with thousands separators; empty -> em dash."""
    s = "" if value is None else str(value).strip()
    try:
        v = float(s)
    except ValueError:
        return s if s and s.lower() not in ("nan", "<na>", "none") else "—"
    if not math.isfinite(v):
        return "—"
    return f"{int(v):,}" if v == int(v) else s


def seconds(value) -> str:
    try:
        return f"{float(value):,.2f} s"
    except (TypeError, ValueError):
        return str(value)


def size(value) -> str:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return "—" if value is None else str(value)
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"


def href(rel) -> str:
    """A safe relative link: percent-encoded (so never ``javascript:``); escaped by Jinja."""
    return quote(str(rel), safe="/")


# ------------------------------------------------------------------ environment
@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("influtiers.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(num=num, count=count, seconds=seconds, bytes=size, href=href)
    env.globals.update(
        verdict_style=VERDICT_STYLE,
        status_style=STATUS_STYLE,
        group_titles=GROUP_TITLES,
        forest_name=FOREST_FIGURE,
    )
    return env


@cache
def asset(name: str) -> str:
    """A file shipped in ``templates/`` (the stylesheet, the check script), as text."""
    return resources.files("influtiers.report").joinpath("templates", name).read_text("utf-8")


def csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def csp() -> str:
    """Nothing may load: images only from ``data:``, the page's own style and script by hash."""
    return (
        f"default-src 'none'; img-src data:; style-src '{csp_hash(asset('report.css'))}'; "
        f"script-src '{csp_hash(asset('check.js'))}'; base-uri 'none'; form-action 'none'"
    )


def verdict_badge(verdict) -> Markup:
    """A coloured badge that also spells the verdict out (accessible without colour)."""
    return environment().get_template("macros.html.j2").module.badge(verdict)


# ------------------------------------------------------------------ the page
def context(run_dir, citation_path=None) -> dict:
    """Everything the templates show, as plain data."""
    data = read_run(run_dir)
    head = sections.header(data)
    several = True if len(data.labels) > 1 else None  # else: several datasets in the ledger
    cards = claim_cards(data.claims, several=several, pooled=data.pooled)
    study_groups, shown = sections.studies(data)
    return {
        "head": head,
        "ledger": {
            "cards": cards,
            "groups": groups(cards),
            "tally": headline_tally(cards),
            "n_rows": len(data.claims),
        },
        "forest": forest_figures(data),
        "studies": study_groups,
        "studies_msg": data.studies_msg if data.studies is None else "",
        "gallery": gallery(data, shown),
        "has_figures": (data.run_dir / "figures").is_dir(),
        "validation": sections.validation(data),
        "provenance": sections.provenance(data),
        "cite": citation(data, Path(citation_path) if citation_path else None),
        "csp": csp(),
        "css": Markup(asset("report.css")),
        "script": Markup(asset("check.js")),
    }


def render_report(run_dir: str | Path, *, citation_path: str | Path | None = None) -> str:
    """The report page for ``run_dir`` as an HTML string (nothing is written).

    Raises ``FileNotFoundError`` naming ``manifest.json`` or ``claims.csv`` if either
    is missing; every other input is optional and its section says when it is absent.
    """
    if citation_path is None:
        citation_path = default_citation_path()
    page = environment().get_template("page.html.j2").render(**context(run_dir, citation_path))
    return page if page.endswith("\n") else page + "\n"


def build_report(run_dir: str | Path, *, citation_path: str | Path | None = None) -> Path:
    """Write ``run_dir/report.html`` (atomically) and return its path.

    ``citation_path`` defaults to the repository's ``CITATION.cff``; if it is absent the
    "How to cite" block still gives the version and the data sha256.
    """
    page = render_report(run_dir, citation_path=citation_path)
    path = atomic_write(Path(run_dir) / REPORT_NAME, page)
    try:  # mkstemp makes the file owner-only; a report is meant to be shared
        path.chmod(0o644)
    except OSError:  # pragma: no cover - e.g. a read-only or foreign-owned mount
        pass
    return path


__all__ = [
    "GROUP_TITLES",
    "STATUS_STYLE",
    "VERDICT_STYLE",
    "build_report",
    "context",
    "csp",
    "environment",
    "render_report",
    "verdict_badge",
]
