"""What report.html says: plain sentences from headline rows, alt text from the ledger,
a print stylesheet, templates with autoescaping shipped as package data."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import influtiers
from influtiers import report
from influtiers.claims import CLAIMS, LEDGER_COLUMNS, headline_mask
from influtiers.claims.model import ARITHMETIC, DEFINITIONAL, PUBLISHED
from influtiers.report import ledger as report_ledger
from influtiers.report import render, sentences
from influtiers.report.sentences import headline_rows, sentence, significant

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "influtiers" / "report" / "templates"
FE = "all (platform FE)"


def row(**kw) -> dict:
    r = dict.fromkeys(LEDGER_COLUMNS, "")
    r.update(dataset="d", platform="all", evidence="posts", verdict="supported")
    r.update({k: "" if v is None else str(v) for k, v in kw.items()})
    return r


# ---------------------------------------------------------------- sentences
def test_the_issues_example_sentence():
    r = row(
        claim_id="C04",
        estimate=1.17,
        ci_low=1.11,
        ci_high=1.25,
        claimed=1.6,
        band_low=1.28,
        band_high=2.0,
        verdict="contradicted",
        direction="overstated",
    )
    assert sentence(r) == (
        "Micro-influencers' engagement rate is 1.17x macro's (95% CI 1.11–1.25): "
        "the claimed 1.6x is contradicted (overstated)."
    )


def test_every_registry_claim_gets_a_sentence():
    """C01-C23 have their own wording; a claim the table does not know yet gets the generic
    wording with its title."""
    assert {f"C{i:02d}" for i in range(1, 24)} <= set(sentences.PHRASES) <= set(CLAIMS)
    for cid, claim in CLAIMS.items():
        r = row(
            claim_id=cid,
            estimate=0.5,
            ci_low=0.25,
            ci_high=0.75,
            claimed=claim.claimed,
            verdict="inconclusive",
            estimand="the estimand",
            title=claim.title,
        )
        text = sentence(r)
        assert "{" not in text and "}" not in text, (cid, text)
        assert text.endswith("is inconclusive."), (cid, text)
        assert "0.25" in text or "25.0%" in text or "$0.25" in text, (cid, text)
        if claim.claimed is not None and "{claimed}" in sentences.PHRASES[cid].claim:
            assert (
                sentences.on_scale(claim.claimed, sentences.PHRASES[cid].scale, zeros=False) in text
            )


def test_sentences_without_an_estimate_give_the_reason():
    r = row(claim_id="C16", verdict="not-testable", reason="market size is not in post data")
    assert sentence(r) == (
        "The claimed $16.4B cannot be tested on these data: market size is not in post data."
    )
    r = row(claim_id="C07", verdict="contradicted", reason="monotone: both end slopes agree")
    assert sentence(r).startswith("The Goldilocks zone (an inverted U peaking in the micro tier)")
    assert sentence(r).endswith("is contradicted: monotone: both end slopes agree.")
    unknown = row(
        claim_id="C99",
        estimate=-0.5,
        ci_low=-0.7,
        ci_high=-0.3,
        estimand="a slope",
        title="Slopes fall",
    )
    assert sentence(unknown) == (
        "The estimate (a slope) is −0.500 (95% CI −0.700 to −0.300): 'Slopes fall' is supported."
    )


def test_numbers_are_written_on_the_claims_scale():
    assert significant(1.1) == "1.10" and significant(-0.1044) == "−0.104"
    assert significant(25180.97) == "25,181" and significant(1.6, zeros=False) == "1.6"
    assert sentences.on_scale(0.467, "percent") == "46.7%"
    assert sentences.on_scale(111.11, "money") == "$111"
    assert sentences.interval(0.65, 1.85, "ratio") == "95% CI 0.650–1.85"
    assert sentences.interval(-0.15, 0.06, "number") == "95% CI −0.150 to 0.0600"
    assert sentences.interval(None, 1.0, "ratio") == ""


# ---------------------------------------------------------------- headline rows
def test_headline_is_the_pooled_row_else_fixed_effects_else_the_only_row():
    ig = row(claim_id="C02", dataset="ig", platform="instagram", estimate=1.1)
    tt_a = row(claim_id="C02", dataset="tt", platform="tiktok", estimate=1.2)
    tt_b = row(claim_id="C02", dataset="tt", platform="youtube", estimate=1.3)
    tt_fe = row(claim_id="C02", dataset="tt", platform=FE, estimate=1.25)
    part = row(claim_id="C02", dataset="tt", platform=FE, part="likes", estimate=9)
    pub = row(claim_id="C02", dataset="benchmarks: X", evidence=PUBLISHED, verdict="consistent")
    pooled = row(claim_id="C02", dataset="pooled", platform="all", estimate=1.2, k=3)
    assert headline_rows([ig, tt_a, tt_b, tt_fe, part, pub, pooled]) == [pooled]
    # several datasets and no pooled row: one sentence per dataset (its FE row, its only row)
    assert headline_rows([ig, tt_a, tt_b, tt_fe, part, pub]) == [ig, tt_fe]
    # published rows are not data verdicts: listed by evidence type, not the headline
    cards = report_ledger.claim_cards([ig, tt_a, tt_b, tt_fe, part, pub])
    (card,) = cards
    assert [a["text"] for a in card["answers"]] == [sentence(ig), sentence(tt_fe)]
    assert [a["scope"] for a in card["answers"]] == [
        "ig · instagram",
        "tt · all platforms (platform FE)",
    ]
    assert card["others"] == [
        {"evidence": PUBLISHED, "tally": [("consistent", 1)], "sources": ["X"], "n": 1}
    ]
    assert len(card["rows"]) == 6 and sum(d["headline"] for d in card["rows"]) == 2


def test_descriptive_and_published_only_claims_are_grouped_by_evidence_type():
    rows = [
        row(claim_id="C01", evidence=DEFINITIONAL, verdict="descriptive", estimate=0.4),
        row(claim_id="C11", evidence=ARITHMETIC, verdict="descriptive", estimate=111),
        row(
            claim_id="C16",
            dataset="benchmarks: IMH",
            evidence=PUBLISHED,
            verdict="consistent",
            estimate=16.4,
            claimed=16.4,
        ),
        row(claim_id="C05", platform=FE, estimate=-0.1, ci_low=-0.12, ci_high=-0.08),
    ]
    cards = report_ledger.claim_cards(rows)
    groups = [(g, [c["id"] for c in cs]) for g, cs in report_ledger.groups(cards)]
    assert groups == [
        ("data", ["C05"]),
        (DEFINITIONAL, ["C01"]),
        (ARITHMETIC, ["C11"]),
        (PUBLISHED, ["C16"]),
    ]
    assert report_ledger.headline_tally(cards) == [("supported", 1)]  # data verdicts only


def test_report_and_claims_forest_agree_on_headline_rows():
    """influtiers.report (plain rows) and influtiers.claims.headline_mask (a DataFrame) pick
    the same headline rows."""
    rows = [
        row(claim_id="C01", evidence=DEFINITIONAL, verdict="descriptive"),
        row(claim_id="C02", platform="instagram"),
        row(claim_id="C02", platform="tiktok"),
        row(claim_id="C02", platform=FE),
        row(claim_id="C02", dataset="benchmarks: X", evidence=PUBLISHED, verdict="consistent"),
        row(claim_id="C03", platform=FE, part="likes"),
        row(claim_id="C03", platform=FE),
        row(claim_id="C04", platform="instagram"),
        row(claim_id="C04", dataset="e", platform="tiktok"),
        row(claim_id="C04", dataset="pooled", k=2),
        row(claim_id="C12", platform="instagram", evidence="simulation"),
        row(claim_id="C12", platform="tiktok", evidence="simulation"),
        row(claim_id="C16", verdict="not-testable"),
        row(claim_id="C16", dataset="benchmarks: IMH", evidence=PUBLISHED, verdict="consistent"),
        row(claim_id="C17", dataset="benchmarks: Y", evidence=PUBLISHED, verdict="consistent"),
    ]
    mask = headline_mask(pd.DataFrame(rows))
    by_claim: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_claim.setdefault(r["claim_id"], []).append(i)
    picked = [
        i
        for ids in by_claim.values()
        for i in ids
        if any(rows[i] is h for h in headline_rows([rows[j] for j in ids]))
    ]
    assert mask[mask].index.tolist() == picked
    assert picked == [0, 3, 6, 9, 10, 11, 12, 14]


# ---------------------------------------------------------------- the page
class _Figures(HTMLParser):
    """Every <img> with its figure's caption path (the <code> in its figcaption)."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []
        self._in_caption = self._in_code = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.items.append({"alt": a.get("alt"), "src": a.get("src", ""), "rel": None})
        self._in_caption = self._in_caption or tag == "figcaption"
        self._in_code = self._in_caption and tag == "code"

    def handle_endtag(self, tag):
        if tag == "figcaption":
            self._in_caption = False
        if tag == "code":
            self._in_code = False

    def handle_data(self, data):
        if self._in_code and self.items and self.items[-1]["rel"] is None:
            self.items[-1]["rel"] = data


_FINDING = re.compile(
    r"(C\d\d)(?: on [\w ()-]+?| pooled)? ([a-z-]+)(?: \((?:overstated|understated)\))?, "
    r"(?:estimate (\S+?)(?: \(95% CI [^)]*\))?|no estimate)(?=;|\.$|\. )"
)


def _claims_of(run: Path, rel: str) -> list[str]:
    """The claims a figure belongs to, read independently of the report: ids in its name,
    else the claim_id column of its CSV (forest rows), else its study's claims."""
    name = Path(rel).stem
    named = re.findall(r"C\d\d", name)
    if named:
        return named
    data = Path(run / rel).with_suffix(".csv")
    if data.is_file():
        with open(data, newline="", encoding="utf-8") as f:
            recs = list(csv.DictReader(f))
        if recs and "claim_id" in recs[0]:
            return list(dict.fromkeys(r["claim_id"] for r in recs if r.get("shown") == "forest"))
    label = rel.split("/")[1] if rel.count("/") > 1 else None
    for s in json.loads((run / "studies.json").read_text()):
        if s["nn"] == name[:2] and (s.get("dataset") or None) == label:
            return list(s["claims"])
    return []


def _check_alt_texts(run: Path, page: str) -> int:
    """Every <img>: its alt text names the claim id, verdict and estimate of each claim the
    figure belongs to, and those agree with a ledger row of that claim. Returns how many
    images belong to claims."""
    ledger = pd.read_csv(run / "claims.csv", keep_default_na=False)
    p = _Figures()
    p.feed(page)
    assert p.items, "no images on the page"
    with_claims = 0
    for item in p.items:
        alt, rel = item["alt"], item["rel"]
        assert alt and rel and rel.startswith("figures/"), item
        claims = [c for c in _claims_of(run, rel) if c in set(ledger["claim_id"])]
        if not claims:
            continue
        with_claims += 1
        found = {m.group(1): m for m in _FINDING.finditer(alt)}
        assert set(claims) <= set(found), (rel, claims, alt)
        for cid in claims:
            verdict, est = found[cid].group(2), found[cid].group(3)
            rows = ledger[(ledger["claim_id"] == cid) & (ledger["verdict"] == verdict)]
            assert len(rows), (rel, cid, verdict, alt)
            if est is None:
                assert (rows["estimate"].astype(str) == "").any(), (rel, cid, alt)
            else:
                stated = {significant(float(v)) for v in rows["estimate"] if str(v) != ""}
                assert est in stated, (rel, cid, est, stated)
    return with_claims


def test_fake_run_figures_alt_text_from_the_ledger(tmp_path):
    from test_report import make_fake_run

    run = make_fake_run(tmp_path)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert _check_alt_texts(run, page) == 2  # 03 (C01, C02) and 05 (C03); 07_extra has none
    alt = html.unescape(re.search(r'<img [^>]*alt="([^"]*03_parity_forest[^"]*)"', page).group(1))
    assert "C01 supported, estimate 1.23 (95% CI 0.988 to 1.50)" in alt
    assert "C02 contradicted, estimate 1.23" in alt


def test_reproduced_run_every_img_states_its_finding(reproduced_run):
    page = (reproduced_run / "report.html").read_text(encoding="utf-8")
    assert _check_alt_texts(reproduced_run, page) >= 2  # the claims forest and study 03


def test_captions_give_provenance(tmp_path):
    from test_report import SHA, make_fake_run

    run = make_fake_run(tmp_path)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    figs = re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)
    (parity,) = [f for f in figs if "figures/03_parity_forest.png" in f]
    assert SHA in parity and "seed <code>7</code>" in parity and "0.1.0" in parity
    assert "&lt;b&gt;x&lt;/b&gt;&amp;co" in parity  # the scheme, escaped
    assert 'href="figures/03_parity_forest.svg"' in parity
    (extra,) = [f for f in figs if "figures/07_extra.png" in f]
    assert "not recorded in figures/manifest.json" in extra


def test_reproduced_run_page_leads_with_all_the_evidence(reproduced_run):
    page = (reproduced_run / "report.html").read_text(encoding="utf-8")
    h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", page)
    assert h2[0] == "What all the evidence says"  # a dataset and the published library
    assert h2[1:3] == ["Claims forest", "Studies"] and h2[-2:] == ["Provenance", "How to cite"]
    cards = re.findall(r'<article class="claim" id="claim-(C\d\d)"', page)
    assert cards and len(cards) == len(set(cards)) == len(CLAIMS)
    # every claim with a pooled row leads with it
    ledger = pd.read_csv(reproduced_run / "claims.csv", keep_default_na=False)
    for cid in ledger.loc[ledger["dataset"] == "pooled", "claim_id"].unique():
        card = re.search(rf'id="claim-{cid}"(.*?)</article>', page, re.S).group(1)
        first = re.search(r'<p class="answer">(.*?)</p>', card, re.S).group(1)
        assert "pooled" in first, cid


def test_single_source_page_says_what_the_data_say(tmp_path):
    from test_report import make_fake_run

    run = make_fake_run(tmp_path)
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", page)[0] == "What the data say"


# ---------------------------------------------------------------- print, templates, packaging
def _css(page: str) -> str:
    return re.search(r"<style>(.*?)</style>", page, re.S).group(1)


def test_print_stylesheet_is_present(tmp_path):
    from test_report import make_fake_run

    page = report.render_report(make_fake_run(tmp_path), citation_path=tmp_path / "x.cff")
    css = _css(page)
    start = css.index("@media print")
    block = css[start:]
    assert "@page" in block and "break-inside: avoid" in block
    assert re.search(r"nav\.toc[^{]*\{\s*display: none", block)  # no navigation on paper
    assert "::details-content" in block  # collapsed details print open
    assert "print-color-adjust: exact" in block  # badges keep their colours
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert "beforeprint" in script and "afterprint" in script
    # the style and the script are allowed by their hashes, nothing else
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert f"style-src '{render.csp_hash(css)}'" in html.unescape(csp)
    assert " style=" not in page  # no inline style attributes (the CSP would block them)


def test_templates_autoescape_and_never_mark_data_safe():
    env = render.environment()
    names = sorted(p.name for p in TEMPLATES.glob("*.j2"))
    assert "page.html.j2" in names and len(names) >= 8
    for name in names:
        assert env.autoescape(name) is True, name
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, name
    hostile = '<img src=x onerror="alert(1)">'
    out = env.get_template("macros.html.j2").module.badge(hostile)
    assert "<img" not in out and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in out


def test_report_modules_stay_small_and_import_no_private_names():
    for path in (ROOT / "influtiers" / "report").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") <= 700, path.name
        imports = re.findall(r"^from \.+[\w.]* import (\([^)]*\)|[^\n]*)", text, re.M)
        assert imports or path.name == "load.py", path.name
        for names in imports:
            private = [n for n in re.findall(r"\w+", names) if n.startswith("_")]
            assert not private, (path.name, names)


def test_templates_are_package_data(tmp_path, monkeypatch):
    """setuptools, configured by pyproject.toml, puts every template into the package
    (so `influtiers report` works on a base install); computed on a copy of the tree."""
    pytest.importorskip("setuptools")
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(
        ROOT / "influtiers", tmp_path / "influtiers", ignore=shutil.ignore_patterns("__pycache__")
    )
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dist = apply_configuration(Distribution(), "pyproject.toml")
        dist.include_package_data = False  # only what package-data declares
        cmd = dist.get_command_obj("build_py")
        cmd.ensure_finalized()
        shipped = {
            f"{pkg.replace('.', '/')}/{f}" for pkg, _, _, files in cmd.data_files for f in files
        }
    assert "influtiers.report" in dist.packages
    wanted = {f"influtiers/report/templates/{p.name}" for p in TEMPLATES.iterdir() if p.is_file()}
    assert wanted and wanted <= shipped, wanted - shipped
    assert "jinja2>=3.1" in dist.install_requires


def test_default_citation_path_is_next_to_the_package():
    assert report.default_citation_path() == (
        Path(influtiers.__file__).resolve().parents[1] / "CITATION.cff"
    )


def test_pooled_rows_show_their_inputs_and_weights(tmp_path):
    from test_report import make_fake_run

    run = make_fake_run(tmp_path)
    df = pd.read_csv(run / "claims.csv", keep_default_na=False)
    pooled = df.iloc[[1]].assign(
        dataset="pooled", platform="all", k=2, tau2=0.001, i2=0.2, sources="a: x; b: <y>"
    )
    pd.concat([df, pooled]).to_csv(run / "claims.csv", index=False)
    rec = {
        "datasets": ["a", "b"],
        "pooled": [
            {
                "claim_id": "C02",
                "part": "",
                "sources": ["a: x", "b: <y>"],
                "effects": [1.1, 1.3],
                "weights": [0.75, 0.25],
            },
            {"claim_id": "C03", "part": "", "sources": ["a"], "effects": [1.0], "weights": ["x"]},
        ],
    }
    (run / "pooled.json").write_text(json.dumps(rec))
    page = report.render_report(run, citation_path=tmp_path / "CITATION.cff")
    card = re.search(r'id="claim-C02"(.*?)</article>', page, re.S).group(1)
    assert "inputs (estimate, weight): a: x 1.1 (75%), b: &lt;y&gt; 1.3 (25%)" in card
    first = re.search(r'<p class="answer">(.*?)</p>', card, re.S).group(1)
    assert "pooled: a: x, b: &lt;y&gt;" in first  # the pooled row leads
