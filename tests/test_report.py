"""report.html: one self-contained, escaped page built from a run directory."""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import influtiers  # noqa: E402
from influtiers import provenance, report  # noqa: E402
from influtiers.claims import LEDGER_COLUMNS, VERDICTS  # noqa: E402
from influtiers.provenance import sha256_file  # noqa: E402

SHA = "ab" * 32
XSS = "<script>alert(1)</script>"
USER = "<b>x</b>&co"
NOT_TESTABLE_REASON = "the data have no cost column"
FAILED_REASON = "ZeroDivisionError: <boom> & bust"
FIGURES = ("03_parity_forest", "05_elasticity", "07_extra")
CITATION = """\
cff-version: 1.2.0
message: "Cite the software and the data sha256."
title: "influtiers: a test title"
type: software
authors:
  - name: "Test Author"
version: 0.1.0
date-released: 2026-11-25
license: MIT
"""


@functools.cache
def _figure_bytes(title: str, colour: str) -> tuple[bytes, bytes]:
    """PNG and SVG bytes of a small line plot (rendered once per session: matplotlib is slow)."""
    fig, ax = plt.subplots(figsize=(3, 2), dpi=60)
    ax.plot([0, 1, 2], [1, 3, 2], color=colour, linewidth=3)
    ax.set_title(title)
    out = []
    for fmt in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        out.append(buf.getvalue())
    plt.close(fig)
    return out[0], out[1]


def _png(path: Path, colour: str) -> None:
    png, svg = _figure_bytes(path.stem, colour)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    path.with_suffix(".svg").write_bytes(svg)
    path.with_suffix(".csv").write_text("x,y\n0,1\n1,3\n2,2\n")


def make_fake_run(root: Path, *, source: str = "demo", citation: bool = True) -> Path:
    """A small but complete run directory, with hostile text in every data-driven field."""
    run = root / "run"
    run.mkdir(parents=True)
    for name, colour in zip(FIGURES, ("#0072B2", "#D55E00", "#009E73"), strict=True):
        _png(run / "figures" / f"{name}.png", colour)
    figure_provenance = {
        "data": source,
        "data_sha256": SHA,
        "git_commit": "0123456789abcdef0123456789abcdef01234567",
        "influtiers_version": "0.1.0",
        "parameters": {"study": "03_engagement_parity", "seed": 7, "scheme": USER},
    }
    (run / "figures" / "manifest.json").write_text(
        json.dumps({"03_parity_forest": {"files": {}, "provenance": figure_provenance}})
    )

    rows = []
    for i, verdict in enumerate(VERDICTS):
        row = dict.fromkeys(LEDGER_COLUMNS, "")
        row.update(
            claim_id=f"C0{i + 1}",
            title=f"Claim {i + 1} about {USER}",
            dataset=source,
            evidence="posts",
            verdict=verdict,
            estimand="ratio micro/macro",
            estimate=1.23456789 if verdict != "not-testable" else float("nan"),
            ci_low=0.9876543 if verdict != "not-testable" else float("nan"),
            ci_high=1.5 if verdict != "not-testable" else float("nan"),
            claimed=1.6,
            n_influencers="micro=12; macro=8",
            n_posts=240 if verdict != "not-testable" else pd.NA,
            method="TOST",
            summary=f"{XSS} summary {i + 1} for {USER}",
            reason=NOT_TESTABLE_REASON if verdict == "not-testable" else "",
        )
        rows.append(row)
    pd.DataFrame(rows, columns=LEDGER_COLUMNS).to_csv(run / "claims.csv", index=False)
    (run / "claims.md").write_text("| claim_id |\n|---|\n")

    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (run / "notebooks").mkdir()
    (run / "notebooks" / "03_engagement_parity.ipynb").write_text(json.dumps(nb))
    (run / "notebooks" / "05_elasticity.ipynb").write_text(json.dumps(nb))
    studies = [
        {
            "nn": "03",
            "slug": "engagement_parity",
            "title": "Engagement parity",
            "claims": ["C01", "C02"],
            "status": "ok",
            "reason": "",
            "notebook": "notebooks/03_engagement_parity.ipynb",
            "key_figure": "figures/03_parity_forest.png",
            "summary": f"Parity study summary {XSS}",
            "seconds": 1.5,
        },
        {
            "nn": "05",
            "slug": "elasticity",
            "title": "Elasticity",
            "claims": ["C03"],
            "status": "ok",
            "reason": "",
            "notebook": "notebooks/05_elasticity.ipynb",
            "key_figure": "figures/05_elasticity.png",
            "summary": "Elasticity summary.",
            "seconds": 2.0,
        },
        {
            "nn": "09",
            "slug": "cost",
            "title": "Cost per engagement",
            "claims": ["C04"],
            "status": "not-testable",
            "reason": NOT_TESTABLE_REASON,
            "notebook": None,
            "key_figure": None,
            "summary": "",
            "seconds": 0.0,
        },
        {
            "nn": "10",
            "slug": "broken",
            "title": "A study that failed",
            "claims": ["C99"],
            "status": "failed",
            "reason": FAILED_REASON,
            "notebook": "notebooks/10_broken.ipynb",
            "key_figure": None,
            "summary": "",
            "seconds": 0.3,
        },
    ]
    (run / "studies.json").write_text(json.dumps(studies, indent=2))
    validation = {
        "source": source,
        "rows_in": 250,
        "accepted": 240,
        "quarantined": 10,
        "reasons": {"negative_count": 7, "missing_followers": 3},
        "reason_descriptions": {"negative_count": f"a count below zero {USER}"},
        "duplicates_removed": 0,
        "warnings": [f"account {USER} has one post"],
    }
    (run / "validation.json").write_text(json.dumps(validation))
    (run / "quarantine.csv").write_text("account_id,reason\nx,negative_count\n")

    files = {}
    for f in sorted(run.rglob("*")):
        if f.is_file():
            rel = f.relative_to(run).as_posix()
            files[rel] = {"sha256": sha256_file(f), "bytes": f.stat().st_size}
    manifest = {
        "influtiers_version": "0.1.0",
        "git_commit": "0123456789abcdef0123456789abcdef01234567",
        "created_by": "influtiers reproduce",
        "python": "3.11.9",
        "packages": {"pandas": "3.1.1"},
        "parameters": {"data": source, "seed": 7, "scheme": f"{USER}"},
        "data": {"source": source, "sha256": SHA, "adapter": None},
        "timings": {"validate": 0.12, "03_engagement_parity": 1.5, "total": 4.2},
        "files": files,
    }
    (run / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if citation:
        (root / "CITATION.cff").write_text(CITATION)
    return run


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    p.close()
    return p


@pytest.fixture
def run(tmp_path) -> Path:
    return make_fake_run(tmp_path)


@pytest.fixture
def page(run, tmp_path) -> str:
    out = report.build_report(run, citation_path=tmp_path / "CITATION.cff")
    assert out == run / "report.html"
    return out.read_text(encoding="utf-8")


def _section(page: str, sid: str) -> str:
    m = re.search(rf'<section id="{sid}"[^>]*>(.*?)</section>', page, re.S)
    assert m, f"no section {sid}"
    return m.group(1)


def _card(page: str, claim_id: str) -> str:
    m = re.search(rf'<article class="claim" id="claim-{claim_id}"[^>]*>(.*?)</article>', page, re.S)
    assert m, f"no card for {claim_id}"
    return m.group(1)


def test_page_has_every_claim_with_badge_and_numbers(page):
    ledger = _section(page, "ledger")
    for i, verdict in enumerate(VERDICTS):
        card = _card(ledger, f"C0{i + 1}")
        assert f'title="verdict: {verdict}"' in card  # badge carries the word, not just colour
        assert card.count('class="answer"') == 1  # one plain sentence per claim
        assert card.count("<tbody>") == 1 and card.count('<tr id="row-') == 1
    n = len(VERDICTS)
    assert f'<section id="ledger" data-rows="{n}" data-claims="{n}"' in page
    assert "1.235" in ledger and "[0.9877, 1.5]" in ledger and "1.6" in ledger
    assert len(re.findall(r'<tr id="row-', ledger)) == len(VERDICTS)
    assert "micro=12; macro=8 influencers<br>240 posts" in ledger
    # the sentence states estimate, interval, claimed value and verdict in words
    c02 = html.unescape(_card(ledger, "C02"))
    assert (
        "Micro-influencers' engagement rate is 1.23x macro's (95% CI 0.988–1.50): 'about "
        "equal' (a ratio within the claim's band) is contradicted." in c02
    )
    c04 = html.unescape(_card(ledger, "C04"))
    assert f"The claimed 1.6x cannot be tested on these data: {NOT_TESTABLE_REASON}." in c04


def test_every_figure_embedded_and_nothing_external(page, run):
    for name in FIGURES:
        b64 = base64.b64encode((run / "figures" / f"{name}.png").read_bytes()).decode()
        assert f"data:image/png;base64,{b64}" in page, name
        assert f'href="figures/{name}.svg"' in page
    tags = _parse(page)
    srcs = [a.get("src") for t, a in tags.tags if "src" in a]
    assert srcs and all(s.startswith("data:") for s in srcs)
    assert len([t for t, _ in tags.tags if t == "img"]) == len(FIGURES)
    assert not [t for t, _ in tags.tags if t in ("link", "iframe", "object", "embed")]
    for a in (a for _, a in tags.tags if "href" in a):
        assert not re.match(r"^(https?:|//|javascript:)", a["href"], re.I), a["href"]
    low = page.lower()
    assert 'src="http' not in low and "@import" not in low and "url(" not in low
    (csp,) = [a["content"] for t, a in tags.tags if t == "meta" and "http-equiv" in a]
    assert "default-src 'none'" in csp and "img-src data:;" in csp  # nothing can load


def test_data_text_is_escaped(page):
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;&amp;co" in page
    assert "&lt;boom&gt; &amp; bust" in page
    tags = _parse(page)
    assert [t for t, _ in tags.tags].count("script") == 1  # only the page's own check script
    assert "b" not in {t for t, _ in tags.tags}  # the username did not become markup


def test_inline_script_is_allowed_by_its_csp_hash(page):
    tags = _parse(page)
    (script,) = tags.scripts
    (csp,) = [a["content"] for t, a in tags.tags if t == "meta" and "http-equiv" in a]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_studies_sections(page):
    studies = _section(page, "studies")
    assert f"not testable on this data: {NOT_TESTABLE_REASON}" in studies
    assert "the study failed: ZeroDivisionError: &lt;boom&gt; &amp; bust" in studies
    assert 'href="notebooks/03_engagement_parity.ipynb"' in studies
    assert "notebook notebooks/10_broken.ipynb is not in the run directory" in studies
    assert 'href="#claim-C01"' in studies and "C99" in studies
    assert "Parity study summary &lt;script&gt;" in studies
    for nn in ("03", "05", "09", "10"):
        assert f'id="study-{nn}_' in studies


def test_header_demo_note_validation_and_provenance(page, run):
    header = page.split("</header>")[0]
    assert "Synthetic demo data" in header
    assert "0.1.0" in header and "0123456789ab" in header and 'href="#provenance"' in header
    val = _section(page, "validation")
    assert "250 = 240 + 10" in val
    assert "negative_count" in val and "missing_followers" in val
    assert 'href="quarantine.csv"' in val
    prov = _section(page, "provenance")
    assert SHA in prov and "<details" in prov
    assert "seed" in prov and "&lt;b&gt;x&lt;/b&gt;&amp;co" in prov  # parameters, escaped
    for rel, rec in json.loads((run / "manifest.json").read_text())["files"].items():
        assert rel in prov and rec["sha256"] in prov
    assert "✓ matches" in prov and "changed since the run" not in prov
    assert "03_engagement_parity" in prov and "4.20 s" in prov


def test_page_leads_with_answers_and_ends_with_provenance(page):
    """Answers first, then the claims forest and the studies; provenance and citing last."""
    order = [m.group(1) for m in re.finditer(r'<section id="([a-z]+)"', page)]
    assert order == ["ledger", "forest", "studies", "figures", "validation", "provenance", "cite"]
    # nothing but the header comes before the first answer
    first = page.index('class="answer"')
    assert page.index("</header>") < first < page.index('<section id="forest"')


def test_citation_block(page):
    cite = _section(page, "cite")
    assert "influtiers: a test title" in cite and "Test Author" in cite
    assert "Version 0.1.0" in cite and SHA in cite and "@software{" in cite


def test_citation_fallbacks(run, tmp_path):
    page = report.render_report(run, citation_path=tmp_path / "nope.cff")
    cite = _section(page, "cite")
    assert "nope.cff not found" in cite and "0.1.0" in cite and SHA in cite
    (tmp_path / "bad.cff").write_text("title: [unclosed\n")
    cite = _section(report.render_report(run, citation_path=tmp_path / "bad.cff"), "cite")
    assert "could not be read" in cite and SHA in cite


def test_default_citation_is_the_repository_file(run):
    path = report.default_citation_path()
    assert path == Path(influtiers.__file__).resolve().parents[1] / "CITATION.cff"
    cite = _section(report.render_report(run), "cite")
    if path.is_file():
        assert "influtiers" in cite and SHA in cite and "@software{" in cite
    else:  # installed without the repository: still cites version and data
        assert "0.1.0" in cite and SHA in cite


def test_not_demo_has_no_demo_note(tmp_path):
    run = make_fake_run(tmp_path, source="/data/kim2020")
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert "Synthetic demo data" not in page and "/data/kim2020" in page


def test_atomic_write_leaves_no_temp_files(run, tmp_path):
    report.build_report(run, citation_path=tmp_path / "CITATION.cff")
    report.build_report(run, citation_path=tmp_path / "CITATION.cff")
    assert not [p.name for p in run.iterdir() if p.name.startswith(".report.html")]
    assert (run / "report.html").stat().st_mode & 0o777 == 0o644


def test_failed_rename_keeps_old_report(run, tmp_path, monkeypatch):
    (run / "report.html").write_text("OLD")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(provenance.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        report.build_report(run, citation_path=tmp_path / "CITATION.cff")
    assert (run / "report.html").read_text() == "OLD"
    assert not [p.name for p in run.iterdir() if p.name.startswith(".report.html")]


def test_failure_midway_through_writing_keeps_old_report(run, tmp_path, writes_fail_midway):
    (run / "report.html").write_text("OLD")
    with pytest.raises(OSError, match="no space"):
        report.build_report(run, citation_path=tmp_path / "CITATION.cff")
    assert (run / "report.html").read_text() == "OLD"
    assert not [p.name for p in run.iterdir() if p.name.startswith(".report.html")]


@pytest.mark.parametrize("name", ["manifest.json", "claims.csv"])
def test_missing_required_file_names_it(run, name):
    (run / "report.html").write_text("OLD")
    (run / name).unlink()
    with pytest.raises(FileNotFoundError, match=re.escape(name)):
        report.build_report(run)
    assert (run / "report.html").read_text() == "OLD"


def test_missing_run_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        report.build_report(tmp_path / "nowhere")


def test_missing_optional_files_are_reported_not_fatal(run, tmp_path):
    for name in ("studies.json", "validation.json", "quarantine.csv"):
        (run / name).unlink()
    for f in (run / "figures").iterdir():
        f.unlink()
    (run / "figures").rmdir()
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert "studies.json is not in this run directory" in page
    assert "validation.json is not in this run directory" in page
    assert "figures/ is not in this run directory" in page
    prov = _section(page, "provenance")
    assert "missing or changed" in prov and "missing" in prov


def test_quarantine_link_absent_when_nothing_quarantined(run, tmp_path):
    (run / "quarantine.csv").unlink()
    val = json.loads((run / "validation.json").read_text())
    val.update(rows_in=240, quarantined=0, reasons={})
    (run / "validation.json").write_text(json.dumps(val))
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    v = _section(page, "validation")
    assert 'href="quarantine.csv"' not in v and "no quarantine.csv" in v


def test_unbalanced_validation_is_flagged(run, tmp_path):
    val = json.loads((run / "validation.json").read_text())
    val["rows_in"] = 999
    (run / "validation.json").write_text(json.dumps(val))
    v = _section(report.render_report(run, citation_path=tmp_path / "CITATION.cff"), "validation")
    assert "does not balance" in v


def test_key_figure_outside_run_is_not_embedded(run, tmp_path):
    secret = tmp_path / "secret.png"
    _png(secret, "black")
    studies = json.loads((run / "studies.json").read_text())
    studies[0]["key_figure"] = "../secret.png"
    studies[1]["key_figure"] = "figures/missing.png"
    studies[1]["notebook"] = "javascript:alert(1)"
    (run / "studies.json").write_text(json.dumps(studies))
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert base64.b64encode(secret.read_bytes()).decode() not in page
    assert "outside the run directory" in page
    assert "figures/missing.png is missing" in page
    assert 'href="javascript:' not in page


def test_changed_output_file_is_flagged(run, tmp_path):
    (run / "claims.md").write_text("tampered\n")
    prov = _section(
        report.render_report(run, citation_path=tmp_path / "CITATION.cff"), "provenance"
    )
    assert "changed since the run" in prov


def test_svg_only_figure_is_embedded(run, tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    (run / "figures" / "11_vector.svg").write_text(svg)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() in page


def test_real_ledger_columns_round_trip(run, tmp_path):
    """claims.csv as written by pandas (NaN -> empty, <NA> -> empty) renders dashes."""
    df = pd.read_csv(run / "claims.csv")
    assert list(df.columns) == LEDGER_COLUMNS
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    row = re.search(r"<tr id=\"row-C04-1\"[^>]*>(.*?)</tr>", _card(page, "C04"), re.S).group(1)
    assert "—" in row and NOT_TESTABLE_REASON in row


def test_claim_on_several_datasets_keeps_ids_unique(run, tmp_path):
    df = pd.read_csv(run / "claims.csv", keep_default_na=False)
    extra = df.iloc[[0]].assign(
        dataset="benchmarks: Markerly 2016",
        evidence="published aggregates",
        verdict="inconsistent",
        summary=f"published {XSS}",
    )
    pd.concat([df, extra]).to_csv(run / "claims.csv", index=False)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    ids = [a["id"] for _, a in _parse(page).tags if "id" in a]
    assert len(ids) == len(set(ids))
    card = _card(page, "C01")
    assert 'id="row-C01-1"' in card and 'id="row-C01-2"' in card
    assert f'data-rows="{len(VERDICTS) + 1}"' in page
    # the published row is listed by evidence type, not read as the claim's data verdict
    assert card.count('class="answer"') == 1 and 'title="verdict: supported"' in card
    assert 'class="others"' in card and "published: Markerly 2016" in card
    assert "Markerly 2016." in html.unescape(card.split('class="others"')[1])


def test_single_dataset_rows_do_not_repeat_its_name(page):
    ledger = _section(page, "ledger")
    cells = re.findall(r'<th scope="row" data-label="row">(.*?)<small>', ledger)
    assert len(cells) == len(VERDICTS) and not [c for c in cells if "demo" in c]


def test_several_datasets_without_a_pooled_row_give_a_sentence_each(run, tmp_path):
    df = pd.read_csv(run / "claims.csv", keep_default_na=False)
    other = df.iloc[[0]].assign(dataset=f"other {USER}", verdict="inconclusive")
    pd.concat([df, other]).to_csv(run / "claims.csv", index=False)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    card = _card(page, "C01")
    answers = re.findall(r'<p class="answer">(.*?)</p>', card, re.S)
    assert len(answers) == 2
    assert '<span class="scope">demo</span>' in answers[0] and "verdict: supported" in answers[0]
    assert "other &lt;b&gt;x&lt;/b&gt;&amp;co" in answers[1] and "inconclusive" in answers[1]
    # with several datasets every ledger row names its dataset
    cells = re.findall(r'<th scope="row" data-label="row">(.*?)<small>', page)
    assert all(c.startswith(("demo", "other")) for c in cells), cells
