"""One self-contained HTML page for a run directory written by ``influtiers reproduce``.

:func:`build_report` reads ``manifest.json``, ``claims.csv``, ``studies.json``,
``validation.json`` and ``figures/`` from a run directory and writes
``report.html`` next to them (atomically: a temporary name, then a rename).

The page needs no network: figures are embedded as base64 ``data:`` URIs, CSS is
inline, there are no external scripts or fonts, and a Content-Security-Policy
forbids loading anything else. Links to notebooks, SVG/CSV figure files and
``quarantine.csv`` are relative, so the page works when the run directory is
moved or archived. Every piece of text that comes from the run's files is
HTML-escaped.

Examples
--------
>>> from influtiers.report import verdict_badge
>>> verdict_badge("supported")
'<span class="badge v-supported" title="verdict: supported"><span aria-hidden="true">✓</span> supported</span>'
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote

from . import provenance as _prov

__all__ = ["build_report", "default_citation_path", "render_report", "verdict_badge"]

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

# A tiny script that records, after load, that every image decoded and how many
# ledger rows were laid out (used by the browser test; the page works without it).
_CHECK_SCRIPT = (
    "(function(){function mark(){"
    "var im=document.images;for(var i=0;i<im.length;i++){"
    "im[i].setAttribute('data-ok',(im[i].complete&&im[i].naturalWidth>0)?'1':'0');}"
    "var t=document.getElementById('ledger-table');"
    "if(t&&t.tBodies.length){var n=0,r=t.tBodies[0].rows;"
    "for(var j=0;j<r.length;j++){if(r[j].getBoundingClientRect().height>0){n++;}}"
    "t.setAttribute('data-rendered-rows',String(n));}"
    "document.documentElement.setAttribute('data-checked','1');}"
    "if(document.readyState==='complete'){mark();}else{window.addEventListener('load',mark);}"
    "})();"
)
_CHECK_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_CHECK_SCRIPT.encode()).digest()).decode()
_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    f"script-src 'sha256-{_CHECK_SCRIPT_HASH}'; base-uri 'none'; form-action 'none'"
)

_CSS = """
:root { --fg:#1a1a1a; --muted:#555; --line:#d0d0d0; --bg:#fff; --panel:#f6f6f4; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 1200px; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
header { border-bottom: 2px solid var(--fg); margin-bottom: 1.5rem; padding-bottom: 1rem; }
h1 { margin: 0 0 .5rem; font-size: 1.8rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { margin-bottom: .25rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em;
              overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.table-wrap { overflow-x: auto; }
#ledger-table { font-size: .9em; }
#ledger-table td.estimand { min-width: 11rem; }
#ledger-table small { display: block; line-height: 1.3; color: var(--muted); margin-top: .2rem; }
#ledger-table td:last-child { min-width: 14rem; }
#ledger-table td:nth-child(2) { min-width: 9rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
.note { border-left: 6px solid #E69F00; background: #fdf3dc; padding: .6rem 1rem; margin: 1rem 0; }
.warn { border-left: 6px solid #D55E00; background: #fbe3d6; padding: .6rem 1rem; margin: 1rem 0; }
.missing { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; border: 2px solid;
         font-weight: 600; font-size: .85em; white-space: nowrap; color: #000; }
.v-supported { background: #d4e9f7; border-color: #0072B2; }
.v-contradicted { background: #f9dccb; border-color: #D55E00; }
.v-inconclusive { background: #fcefcf; border-color: #E69F00; }
.v-nottestable { background: #e8e8e8; border-color: #6e6e6e; }
.v-other { background: #fff; border-color: #000; }
.study { border: 1px solid var(--line); border-radius: .4rem; padding: .5rem 1rem 1rem; margin: 1rem 0;
         background: #fff; }
figure { margin: .75rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
figcaption { color: var(--muted); font-size: .9em; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
details summary { cursor: pointer; font-weight: 600; }
pre { background: var(--panel); padding: .75rem; overflow-x: auto; white-space: pre-wrap; }
.counts { display: flex; gap: .5rem; flex-wrap: wrap; margin: .5rem 0; }
nav.toc a { margin-right: 1rem; }
@media print { .study { break-inside: avoid; } details { display: block; } }
"""


# --------------------------------------------------------------------- helpers
def _e(value) -> str:
    """HTML-escape anything (``None`` -> empty string)."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return html.escape(str(value), quote=True)


def _href(rel: str) -> str:
    """A safe relative link: percent-encoded path (so no ``javascript:``), then escaped."""
    return _e(quote(str(rel), safe="/"))


def _anchor(prefix: str, key) -> str:
    return _e(f"{prefix}-{key}".replace(" ", "_"))


def _num(value, digits: int = 4) -> str:
    """A number from a CSV cell, as text (4 significant figures); empty -> em dash."""
    if value is None:
        return "—"
    s = str(value).strip()
    if s == "" or s.lower() in ("nan", "<na>", "none", "null"):
        return "—"
    try:
        v = float(s)
    except ValueError:
        return _e(s)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    return _e(f"{v:.{digits}g}")


def _int(value) -> str:
    s = "" if value is None else str(value).strip()
    try:
        v = float(s)
    except ValueError:
        return _e(s) if s and s.lower() not in ("nan", "<na>") else "—"
    if not math.isfinite(v):
        return "—"
    return f"{int(v):,}" if v == int(v) else _e(s)


def _seconds(value) -> str:
    try:
        return f"{float(value):,.2f} s"
    except (TypeError, ValueError):
        return _e(value)


def _bytes(value) -> str:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return _e(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return _e(value)  # pragma: no cover


def verdict_badge(verdict, styles: Mapping[str, tuple[str, str]] = VERDICT_STYLE) -> str:
    """A coloured badge that also spells the verdict out (accessible without colour)."""
    v = "" if verdict is None else str(verdict).strip()
    symbol, cls = styles.get(v, ("•", "v-other"))
    label = v or "unknown"
    return (
        f'<span class="badge {cls}" title="verdict: {_e(label)}">'
        f'<span aria-hidden="true">{symbol}</span> {_e(label)}</span>'
    )


def _status_badge(status) -> str:
    s = "" if status is None else str(status).strip()
    symbol, cls = STATUS_STYLE.get(s, ("•", "v-other"))
    return (
        f'<span class="badge {cls}" title="status: {_e(s or "unknown")}">'
        f'<span aria-hidden="true">{symbol}</span> {_e(s or "unknown")}</span>'
    )


def _inside(run_dir: Path, rel) -> Path | None:
    """``run_dir / rel`` if it stays inside the run directory, else ``None``."""
    if not rel or not isinstance(rel, str):
        return None
    try:
        p = (run_dir / rel).resolve()
        p.relative_to(run_dir.resolve())
    except (ValueError, OSError):
        return None
    return p


def _data_uri(path: Path) -> str | None:
    mime = IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _figure(run_dir: Path, rel, caption: str = "") -> str:
    """An embedded figure, or a note saying why it is not shown."""
    p = _inside(run_dir, rel)
    if p is None:
        return f'<p class="missing">figure path {_e(rel)} is outside the run directory; not embedded.</p>'
    if not p.is_file():
        return f'<p class="missing">figure {_e(rel)} is missing from the run directory.</p>'
    uri = _data_uri(p)
    if uri is None:
        return f'<p class="missing">figure {_e(rel)} is not an image type the page embeds.</p>'
    alt = caption or Path(str(rel)).stem
    cap = f"{_e(caption)} — " if caption else ""
    return (
        f'<figure><img src="{uri}" alt="{_e(alt)}" loading="eager" decoding="sync">'
        f"<figcaption>{cap}<code>{_e(rel)}</code></figcaption></figure>"
    )


def _read_json(path: Path):
    """Parsed JSON, or ``(None, message)`` if the file is missing or unreadable."""
    if not path.is_file():
        return None, f"{path.name} is not in this run directory."
    try:
        return json.loads(path.read_text(encoding="utf-8")), ""
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, f"{path.name} could not be read: {e}"


def _read_claims(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [dict(r) for r in csv.DictReader(f)]


def _kv(items: Iterable[tuple[str, str]]) -> str:
    """A definition list; values must already be HTML."""
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="kv">{rows}</dl>'


def _json_value(v) -> str:
    if isinstance(v, str):
        return f"<code>{_e(v)}</code>"
    return f"<code>{_e(json.dumps(v, sort_keys=True, default=str))}</code>"


def default_citation_path() -> Path:
    """The repository's ``CITATION.cff``, next to the package (``influtiers/../CITATION.cff``)."""
    # this module lives in the package directory, so its grandparent is the repository
    return Path(__file__).resolve().parents[1] / "CITATION.cff"


# --------------------------------------------------------------------- sections
def _header(manifest: Mapping, claims: list[dict], run_dir: Path) -> str:
    data = manifest.get("data") or {}
    if not isinstance(data, Mapping):
        data = {"source": str(data)}
    source = str(data.get("source", "") or "")
    datasets = sorted({r.get("dataset", "") for r in claims if r.get("dataset")})
    params = manifest.get("parameters") or {}
    items = [
        ("dataset", _e(source) if source else '<span class="missing">not recorded</span>'),
    ]
    if datasets and datasets != [source]:
        items.append(("ledger dataset(s)", _e(", ".join(datasets))))
    if data.get("adapter"):
        items.append(("adapter", _e(data["adapter"])))
    items += [
        ("data sha256", f'<code class="sha">{_e(data.get("sha256", "not recorded"))}</code>'),
        (
            "influtiers",
            f"{_e(manifest.get('influtiers_version', 'unknown'))} "
            f"(git <code>{_e(manifest.get('git_commit', 'unknown'))}</code>)",
        ),
        ("created by", _e(manifest.get("created_by", "unknown"))),
    ]
    if isinstance(params, Mapping) and params:
        items += [(f"parameter: {k}", _json_value(v)) for k, v in params.items()]
    synthetic = bool(data.get("synthetic")) or "demo" in source.lower()
    note = ""
    if synthetic:
        note = (
            '<p class="note" role="note"><strong>Synthetic demo data.</strong> These results '
            "come from the synthetic demo panel bundled with influtiers, not from real "
            "influencer posts. They show what the analysis does; they say nothing about real "
            "influencers and must not be cited as evidence about any claim.</p>"
        )
    title = f"influtiers report: {source}" if source else "influtiers report"
    return (
        f"<header><h1>{_e(title)}</h1>{note}{_kv(items)}"
        '<nav class="toc" aria-label="sections"><a href="#ledger">Claims ledger</a>'
        '<a href="#studies">Studies</a><a href="#figures">All figures</a>'
        '<a href="#validation">Validation</a><a href="#provenance">Provenance</a>'
        '<a href="#cite">How to cite</a></nav></header>'
    )


def _n_cell(r: Mapping) -> str:
    """Sample sizes: influencers per group and posts."""
    parts = []
    if r.get("n_influencers"):
        parts.append(f"{_e(r['n_influencers'])} influencers")
    posts = _int(r.get("n_posts"))
    if posts != "—":
        parts.append(f"{posts} posts")
    return "<br>".join(parts) or "—"


def _ledger(claims: list[dict], source: str = "") -> str:
    counts: dict[str, int] = {}
    for r in claims:
        counts[r.get("verdict", "")] = counts.get(r.get("verdict", ""), 0) + 1
    order = [v for v in VERDICT_STYLE if v in counts] + [
        v for v in counts if v not in VERDICT_STYLE
    ]
    summary = "".join(f"<span>{verdict_badge(v)} × {counts[v]}</span>" for v in order)
    datasets = {r.get("dataset", "") for r in claims}
    show_dataset = len(datasets) > 1 or (datasets and datasets != {source})
    cols = ["claim", "title", "verdict"]
    cols += ["dataset"] if show_dataset else []
    cols += ["estimand", "estimate", "95% CI", "claimed", "evidence", "n", "summary / reason"]
    head = "<tr>" + "".join(f"<th scope='col'>{_e(c)}</th>" for c in cols) + "</tr>"
    rows = []
    seen: dict[str, int] = {}
    for r in claims:
        cid = r.get("claim_id", "")
        seen[cid] = seen.get(cid, 0) + 1
        # a claim judged on several datasets has several rows: ids stay unique
        anchor = _anchor("claim", cid if seen[cid] == 1 else f"{cid}-{seen[cid]}")
        lo, hi = _num(r.get("ci_low")), _num(r.get("ci_high"))
        ci = "—" if lo == "—" and hi == "—" else f"[{lo}, {hi}]"
        text = _e(r.get("summary", ""))
        reason = r.get("reason", "")
        if reason:
            label = "Reason: " if r.get("verdict") == "not-testable" else ""
            text += (" " if text else "") + f"<em>{label}{_e(reason)}</em>"
        method = r.get("method", "")
        estimand = _e(r.get("estimand", ""))
        if method:
            estimand += f'<small title="method">{_e(method)}</small>'
        dataset = f"<td>{_e(r.get('dataset', ''))}</td>" if show_dataset else ""
        rows.append(
            f'<tr id="{anchor}">'
            f"<th scope='row'>{_e(cid)}</th>"
            f"<td>{_e(r.get('title', ''))}</td>"
            f"<td>{verdict_badge(r.get('verdict'))}</td>{dataset}"
            f'<td class="estimand">{estimand}</td>'
            f'<td class="num">{_num(r.get("estimate"))}</td>'
            f'<td class="num">{ci}</td>'
            f'<td class="num">{_num(r.get("claimed"))}</td>'
            f"<td>{_e(r.get('evidence', ''))}</td>"
            f"<td>{_n_cell(r)}</td>"
            f"<td>{text}</td></tr>"
        )
    body = "".join(rows) or (
        f'<tr><td colspan="{len(cols)}" class="missing">claims.csv has no rows.</td></tr>'
    )
    n_claims = len({r.get("claim_id", "") for r in claims})
    what = (
        f"{len(claims)} ledger rows on {n_claims} claims"
        if n_claims != len(claims)
        else (f"{len(claims)} claims")
    )
    return (
        '<section id="ledger"><h2>Claims ledger</h2>'
        f'<p>{what}.</p><div class="counts">{summary}</div>'
        "<p>Estimates and interval bounds are shown to 4 significant figures; the full "
        'values are in <a href="claims.csv">claims.csv</a>.</p>'
        f'<div class="table-wrap"><table id="ledger-table" data-rows="{len(claims)}">'
        '<caption class="missing">'
        "Verdicts per claim: supported, contradicted, inconclusive or not-testable.</caption>"
        f"<thead>{head}</thead><tbody>{body}</tbody></table></div></section>"
    )


def _studies(run_dir: Path, studies, msg: str, claim_ids: set[str]) -> tuple[str, set[str]]:
    """The studies section and the set of figure paths it embedded."""
    shown: set[str] = set()
    if studies is None:
        return (
            f'<section id="studies"><h2>Studies</h2><p class="missing">{_e(msg)}</p></section>',
            shown,
        )
    if not isinstance(studies, list):
        return (
            '<section id="studies"><h2>Studies</h2><p class="missing">studies.json is not a '
            "list of studies.</p></section>",
            shown,
        )
    parts = []
    for s in studies:
        if not isinstance(s, Mapping):
            continue
        nn, slug = s.get("nn", ""), s.get("slug", "")
        status = str(s.get("status", "") or "")
        reason = s.get("reason", "") or ""
        claim_links = []
        for c in s.get("claims") or []:
            if str(c) in claim_ids:
                claim_links.append(f'<a href="#{_anchor("claim", c)}">{_e(c)}</a>')
            else:
                claim_links.append(_e(c))
        claims_html = ", ".join(claim_links) or '<span class="missing">none</span>'
        if status == "not-testable":
            state = (
                f'<p class="note">not testable on this data: {_e(reason or "no reason given")}</p>'
            )
        elif status == "failed":
            state = f'<p class="warn">the study failed: {_e(reason or "no reason given")}</p>'
        elif reason:
            state = f"<p>{_e(reason)}</p>"
        else:
            state = ""
        summary = s.get("summary") or ""
        summary_html = f"<p>{_e(summary)}</p>" if summary else ""
        key = s.get("key_figure")
        if key:
            fig = _figure(run_dir, key, caption=f"key figure: {s.get('title', slug)}")
            p = _inside(run_dir, key)
            if p is not None and p.is_file():
                shown.add(p.relative_to(run_dir.resolve()).as_posix())
        elif status == "ok":
            fig = '<p class="missing">this study has no key figure.</p>'
        else:
            fig = ""
        nb = s.get("notebook")
        nb_path = _inside(run_dir, nb) if nb else None
        if nb and nb_path is not None and nb_path.is_file():
            nb_html = f'<p>Executed notebook: <a href="{_href(nb)}">{_e(nb)}</a></p>'
        elif nb:
            nb_html = f'<p class="missing">notebook {_e(nb)} is not in the run directory.</p>'
        else:
            nb_html = '<p class="missing">no executed notebook for this study.</p>'
        secs = s.get("seconds")
        secs_html = f" · {_seconds(secs)}" if secs is not None else ""
        parts.append(
            f'<article class="study" id="{_anchor("study", f"{nn}_{slug}")}">'
            f"<h3>{_e(nn)} · {_e(s.get('title', slug))}</h3>"
            f"<p>Status: {_status_badge(status)}{secs_html} · claims: {claims_html}</p>"
            f"{state}{summary_html}{fig}{nb_html}</article>"
        )
    body = "".join(parts) or '<p class="missing">studies.json lists no studies.</p>'
    return f'<section id="studies"><h2>Studies</h2>{body}</section>', shown


def _gallery(run_dir: Path, shown: set[str]) -> str:
    """Every figure under ``figures/`` (one image per figure name, PNG preferred)."""
    fig_dir = run_dir / "figures"
    if not fig_dir.is_dir():
        return (
            '<section id="figures"><h2>All figures</h2><p class="missing">figures/ is not in '
            "this run directory.</p></section>"
        )
    stems: dict[str, dict[str, Path]] = {}
    for f in sorted(fig_dir.rglob("*")):
        if f.is_file() and not f.name.startswith("."):
            rel_stem = f.relative_to(run_dir).with_suffix("").as_posix()
            stems.setdefault(rel_stem, {})[f.suffix.lower()] = f
    items = []
    for files in stems.values():
        img = next(
            (files[s] for s in (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp") if s in files),
            None,
        )
        if img is None:
            continue
        rel = img.relative_to(run_dir).as_posix()
        links = " · ".join(
            f'<a href="{_href(p.relative_to(run_dir).as_posix())}">{_e(suffix.lstrip(".").upper())}</a>'
            for suffix, p in sorted(files.items())
            if suffix in (".png", ".svg", ".csv", ".pdf")
        )
        if rel in shown:
            body = f"<p><code>{_e(rel)}</code> — shown above as a study's key figure.</p>"
        else:
            body = _figure(run_dir, rel)
        items.append(f'<div class="fig-item">{body}<p>Files: {links}</p></div>')
    if not items:
        content = '<p class="missing">figures/ holds no images.</p>'
    else:
        content = f'<div class="gallery">{"".join(items)}</div>'
    return (
        '<section id="figures"><h2>All figures</h2><p>Each figure is saved as PNG and SVG with '
        f"the data it draws as CSV (links are relative to this page).</p>{content}</section>"
    )


def _validation(run_dir: Path, val, msg: str) -> str:
    head = '<section id="validation"><h2>Validation</h2>'
    if val is None or not isinstance(val, Mapping):
        text = msg or "validation.json does not hold a validation report."
        return f'{head}<p class="missing">{_e(text)}</p></section>'

    def count(k):
        try:
            return int(val.get(k))
        except (TypeError, ValueError):
            return None

    rows_in, acc, qua = count("rows_in"), count("accepted"), count("quarantined")
    fmt = lambda n: "—" if n is None else f"{n:,}"  # noqa: E731
    balance = ""
    if None not in (rows_in, acc, qua):
        if rows_in == acc + qua:
            balance = f"<p>Rows in = accepted + quarantined: {fmt(rows_in)} = {fmt(acc)} + {fmt(qua)} ✓</p>"
        else:
            balance = (
                f'<p class="warn">Rows in ({fmt(rows_in)}) ≠ accepted ({fmt(acc)}) + '
                f"quarantined ({fmt(qua)}): the validation report does not balance.</p>"
            )
    items = [
        ("source", _e(val.get("source", ""))),
        ("rows in", fmt(rows_in)),
        ("accepted", fmt(acc)),
        ("quarantined", fmt(qua)),
    ]
    if val.get("duplicates_removed") is not None:
        items.append(("duplicates removed", _e(val.get("duplicates_removed"))))
    reasons = val.get("reasons") or {}
    desc = val.get("reason_descriptions") or {}
    if isinstance(reasons, Mapping) and reasons:
        r_rows = "".join(
            f"<tr><td><code>{_e(k)}</code></td><td class='num'>{_int(v)}</td>"
            f"<td>{_e(desc.get(k, '') if isinstance(desc, Mapping) else '')}</td></tr>"
            for k, v in reasons.items()
        )
        reasons_html = (
            "<table><thead><tr><th scope='col'>reason</th><th scope='col'>rows</th>"
            f"<th scope='col'>meaning</th></tr></thead><tbody>{r_rows}</tbody></table>"
        )
    else:
        reasons_html = "<p>No rows were quarantined for any reason.</p>"
    q = run_dir / "quarantine.csv"
    if q.is_file():
        q_html = '<p>Quarantined rows: <a href="quarantine.csv">quarantine.csv</a>.</p>'
    elif qua:
        q_html = '<p class="missing">quarantine.csv is not in this run directory.</p>'
    else:
        q_html = "<p>Nothing was quarantined, so there is no quarantine.csv.</p>"
    warnings = val.get("warnings") or []
    w_html = ""
    if isinstance(warnings, list) and warnings:
        w_html = "<h3>Warnings</h3><ul>" + "".join(f"<li>{_e(w)}</li>" for w in warnings) + "</ul>"
    return f"{head}{_kv(items)}{balance}<h3>Quarantine reasons</h3>{reasons_html}{q_html}{w_html}</section>"


def _provenance(run_dir: Path, manifest: Mapping) -> str:
    data = manifest.get("data") or {}
    if not isinstance(data, Mapping):
        data = {"source": str(data)}
    items = [
        ("influtiers version", _e(manifest.get("influtiers_version", "unknown"))),
        ("git commit", f"<code>{_e(manifest.get('git_commit', 'unknown'))}</code>"),
        ("created by", _e(manifest.get("created_by", "unknown"))),
    ]
    if manifest.get("python"):
        items.append(("python", _e(manifest["python"])))
    packages = manifest.get("packages")
    if isinstance(packages, Mapping) and packages:
        items.append(("packages", _e(", ".join(f"{k} {v}" for k, v in packages.items()))))
    items += [
        ("input data", _e(data.get("source", "not recorded"))),
        ("input sha256", f'<code class="sha">{_e(data.get("sha256", "not recorded"))}</code>'),
    ]
    timings = manifest.get("timings") or {}
    if isinstance(timings, Mapping) and timings:
        t_rows = "".join(
            f"<tr><td>{_e(k)}</td><td class='num'>{_seconds(v)}</td></tr>"
            for k, v in timings.items()
        )
        t_html = (
            "<h3>Timings</h3><table><thead><tr><th scope='col'>step</th><th scope='col'>time</th>"
            f"</tr></thead><tbody>{t_rows}</tbody></table>"
        )
    else:
        t_html = '<p class="missing">The manifest records no timings.</p>'
    files = manifest.get("files") or {}
    if isinstance(files, Mapping) and files:
        f_rows = []
        changed = 0
        for rel, rec in files.items():
            rec = rec if isinstance(rec, Mapping) else {}
            sha = rec.get("sha256", "")
            if rel == REPORT_NAME:
                check = "this page"
            else:
                p = _inside(run_dir, rel)
                if p is None or not p.is_file():
                    check, changed = "missing", changed + 1
                elif sha and _prov.sha256_file(p) == sha:
                    check = "✓ matches"
                else:
                    check, changed = "changed since the run", changed + 1
            f_rows.append(
                f"<tr><td><code>{_e(rel)}</code></td><td class='num'>{_bytes(rec.get('bytes'))}</td>"
                f"<td><code>{_e(sha)}</code></td><td>{_e(check)}</td></tr>"
            )
        warn = (
            f'<p class="warn">{changed} file(s) listed in the manifest are missing or changed '
            "since the run.</p>"
            if changed
            else ""
        )
        f_html = (
            f"{warn}<details><summary>Every output file with its sha256 ({len(files)} files)</summary>"
            "<table><thead><tr><th scope='col'>file</th><th scope='col'>size</th>"
            "<th scope='col'>sha256</th><th scope='col'>check now</th></tr></thead>"
            f"<tbody>{''.join(f_rows)}</tbody></table></details>"
        )
    else:
        f_html = '<p class="missing">The manifest lists no output files.</p>'
    return (
        f'<section id="provenance"><h2>Provenance</h2>{_kv(items)}{t_html}<h3>Output files</h3>'
        f'{f_html}<p>The full record is in <a href="manifest.json">manifest.json</a>.</p></section>'
    )


def _load_citation(path: Path | None) -> tuple[dict | None, str]:
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


def _author_names(cff: Mapping) -> list[str]:
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


def _cite(manifest: Mapping, citation_path: Path | None) -> str:
    data = manifest.get("data") or {}
    if not isinstance(data, Mapping):
        data = {}
    sha = str(data.get("sha256", "") or "not recorded")
    source = str(data.get("source", "") or "")
    run_version = str(manifest.get("influtiers_version", "") or "")
    commit = str(manifest.get("git_commit", "") or "unknown")
    cff, why = _load_citation(citation_path)
    head = '<section id="cite"><h2>How to cite</h2>'
    if cff is None:
        version = run_version or "unknown"
        text = (
            f"influtiers (version {version}, git {commit}) [software]. "
            f"Data: {source or 'not recorded'}, sha256 {sha}."
        )
        return (
            f'{head}<p class="missing">No citation metadata ({_e(why)}); cite at least the '
            f"software version and the data sha256:</p><pre>{_e(text)}</pre></section>"
        )
    title = str(cff.get("title", "influtiers"))
    authors = _author_names(cff) or ["The influtiers developers"]
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
        + f" Results computed on {source or 'data'} with sha256 {sha}."
    )
    key = "influtiers" + (year or "") + "_" + version.replace(".", "_")
    bib_fields = [
        ("title", title),
        ("author", " and ".join(authors)),
        ("version", version),
        ("year", year),
        ("url", url or ""),
        ("note", f"git {commit}; data {source} sha256 {sha}"),
    ]
    bib = f"@software{{{key},\n" + "".join(f"  {k} = {{{v}}},\n" for k, v in bib_fields if v) + "}"
    cff_version = str(cff.get("version", "") or "")
    mismatch = ""
    if run_version and cff_version and cff_version != run_version:
        mismatch = (
            f'<p class="warn">This run was made with influtiers {_e(run_version)}; the '
            f"CITATION.cff found describes version {_e(cff_version)}. Cite the run's version.</p>"
        )
    message = cff.get("message")
    msg_html = f"<p>{_e(message)}</p>" if message else ""
    lic = cff.get("license")
    lic_html = f"<p>License: {_e(lic)}.</p>" if lic else ""
    return (
        f"{head}{msg_html}{mismatch}<pre class='citation'>{_e(text)}</pre>"
        f"<details open><summary>BibTeX</summary><pre>{_e(bib)}</pre></details>{lic_html}</section>"
    )


# --------------------------------------------------------------------- public API
def render_report(run_dir: str | Path, *, citation_path: str | Path | None = None) -> str:
    """The report page for ``run_dir`` as an HTML string (nothing is written).

    Raises ``FileNotFoundError`` naming ``manifest.json`` or ``claims.csv`` if either
    is missing; every other input is optional and its section says when it is absent.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise FileNotFoundError(f"run directory {run_dir} does not exist")
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
    claims = _read_claims(run_dir / "claims.csv")
    studies, s_msg = _read_json(run_dir / "studies.json")
    validation, v_msg = _read_json(run_dir / "validation.json")
    if citation_path is None:
        citation_path = default_citation_path()

    claim_ids = {r.get("claim_id", "") for r in claims}
    studies_html, shown = _studies(run_dir, studies, s_msg, claim_ids)
    data = manifest.get("data") if isinstance(manifest.get("data"), Mapping) else {}
    title = (
        f"influtiers report: {data.get('source', '')}"
        if data.get("source")
        else "influtiers report"
    )
    body = "".join(
        [
            _header(manifest, claims, run_dir),
            _ledger(claims, str(data.get("source", "") or "")),
            studies_html,
            _gallery(run_dir, shown),
            _validation(run_dir, validation, v_msg),
            _provenance(run_dir, manifest),
            _cite(manifest, Path(citation_path) if citation_path else None),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="influtiers {_e(manifest.get("influtiers_version", ""))}">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
        f"<body><main>{body}</main><script>{_CHECK_SCRIPT}</script></body></html>\n"
    )


def build_report(run_dir: str | Path, *, citation_path: str | Path | None = None) -> Path:
    """Write ``run_dir/report.html`` (atomically) and return its path.

    ``citation_path`` defaults to the repository's ``CITATION.cff``; if it is absent the
    "How to cite" block still gives the version and the data sha256.
    """
    page = render_report(run_dir, citation_path=citation_path)
    path = _prov.atomic_write(Path(run_dir) / REPORT_NAME, page)
    try:  # mkstemp makes the file owner-only; a report is meant to be shared
        path.chmod(0o644)
    except OSError:  # pragma: no cover - e.g. a read-only or foreign-owned mount
        pass
    return path
