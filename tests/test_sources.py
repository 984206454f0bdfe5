"""The citation registry: every quote, footnote and source-list entry checked against the seeds."""

import re
from pathlib import Path

import pytest

from influtiers import sources
from influtiers.config import SEEDS_DIR
from influtiers.sources import (
    ARTICLES,
    CLAIM_SOURCES,
    CLAIMS,
    SOURCE_LISTS,
    citations,
    footnote_after,
    independent_sources,
    parse_source_list,
    source_group,
    source_list,
    verify,
)

CLAIM_IDS = [f"C{i:02d}" for i in range(1, 24)]
ALL = [(cid, i) for cid, cits in CLAIM_SOURCES.items() for i in range(len(cits))]
needs_seeds = pytest.mark.skipif(not Path(SEEDS_DIR).is_dir(), reason="seed articles not available")


# ----------------------------------------------------------------- the registry itself
def test_every_claim_has_a_statement_and_a_citation():
    assert sorted(CLAIM_SOURCES) == CLAIM_IDS
    assert sorted(CLAIMS) == CLAIM_IDS
    for cid in CLAIM_IDS:
        assert CLAIMS[cid].strip()
        assert len(citations(cid)) >= 1, cid


def test_citation_fields():
    for cid, cits in CLAIM_SOURCES.items():
        for c in cits:
            assert c["article"] in ARTICLES, cid
            assert c["language"] == ARTICLES[c["article"]]["language"]
            assert c["original"].strip() and c["translation"].strip()
            assert c["original"] == c["original"].strip()
            for key in ("cites", "related", "note"):
                assert isinstance(c[key], str), (cid, key)
            named = tuple(int(n) for n in re.findall(r"footnote (\d+)", c["cites"]))
            assert c["footnotes"] == named, cid


def test_cited_footnotes_are_labelled_as_their_source_list_entry():
    for cid, cits in CLAIM_SOURCES.items():
        for c in cits:
            for n in c["footnotes"]:
                label = SOURCE_LISTS[c["article"]][n][0]
                assert c["cites"] == f"footnote {n}: {label}", cid


def test_articles():
    assert sorted(ARTICLES) == ["000", "001", "002", "003", "004"]
    assert [ARTICLES[a]["language"] for a in sorted(ARTICLES)] == ["th", "th", "th", "ko", "ja"]
    for a in ARTICLES.values():
        assert a["title"] and a["title_en"] and a["file"].endswith(".txt")


def test_unknown_claim():
    with pytest.raises(KeyError, match="C99"):
        citations("C99")


# ----------------------------------------------------------------- 000 and 003: one source
def test_000_and_003_are_one_source_in_two_languages():
    assert ARTICLES["000"]["same_as"] == "003" and ARTICLES["003"]["same_as"] == "000"
    assert source_group("000") == source_group("003") == ("000", "003")
    for a in ("001", "002", "004"):
        assert ARTICLES[a]["same_as"] is None and source_group(a) == (a,)


def test_independent_sources_count_the_translations_once():
    for cid in ("C05", "C06", "C15"):
        assert independent_sources(cid) == [("000", "003")], cid
    assert independent_sources("C01") == [("000", "003"), ("001",), ("002",), ("004",)]
    assert len(independent_sources("C14")) == 3
    assert independent_sources("C17") == [("000", "003"), ("004",)]
    assert len({c["article"] for c in citations("C20")}) == 5
    assert len(independent_sources("C20")) == 4


def test_000_and_003_are_quoted_in_parallel():
    for cid, cits in CLAIM_SOURCES.items():
        arts = [c["article"] for c in cits]
        assert arts.count("000") == arts.count("003"), cid


# ----------------------------------------------------------------- what the review found
def test_c04_cites_footnote_4_forbes_2021_not_the_digital_marketing_institute():
    c = citations("C04")[0]
    assert c["footnotes"] == (4,)
    assert c["cites"] == "footnote 4: Forbes 2021, 'Micro-influencers: when smaller is better'"
    assert "Digital Marketing Institute" not in c["cites"]
    assert "HelloSociety" in c["related"] and "average campaigns" in c["related"].lower()


def test_c08_and_c10_cite_only_shopify():
    for cid in ("C08", "C10"):
        cited = {c["cites"] for c in citations(cid) if c["cites"]}
        assert cited == {"footnote 5: Shopify, 'Influencer pricing: how much should you pay?'"}
    assert any("6.7" in c["related"] for c in citations("C10"))


def test_evidence_the_articles_do_not_cite_is_related_not_cited():
    for cits in CLAIM_SOURCES.values():
        for c in cits:
            for name in ("HelloSociety", "Wies", "MarketingProfs", "Influencer Marketing Hub"):
                assert name not in c["cites"]
    assert "Wies" in citations("C07")[0]["related"]


def test_c01_quotes_the_sentence_that_makes_the_claim():
    first = citations("C01")[0]
    assert first["article"] == "001"
    assert "แตกต่างกันไปขึ้นอยู่กับแหล่งที่มา" in first["original"]
    assert "depending on the source" in first["translation"]


def test_only_article_001_has_a_source_list():
    assert sorted(SOURCE_LISTS) == ["001"]
    assert sorted(SOURCE_LISTS["001"]) == [1, 2, 3, 4, 5]


# ----------------------------------------------------------------- the parsers
def test_parse_source_list_numbers_unnumbered_items_by_their_order():
    text = "Body 1 with a marker.\n\nแหล่งที่มา:\n- First https://a.example\n\n- Second\n"
    assert parse_source_list(text) == {1: "First https://a.example", 2: "Second"}


def test_parse_source_list_keeps_explicit_numbers_and_other_headings():
    assert parse_source_list("x\nReferences\n1. A\n2) B\n[4] D\n") == {1: "A", 2: "B", 4: "D"}
    assert parse_source_list("x\n出典：\n• ア\n• イ\n") == {1: "ア", 2: "イ"}
    assert parse_source_list("x\n출처\n- 가\n") == {1: "가"}


def test_parse_source_list_stops_at_the_first_line_that_is_not_an_item():
    text = "Sources:\n- A\n- B\nThanks for reading.\n- not a source\n"
    assert parse_source_list(text) == {1: "A", 2: "B"}


def test_parse_source_list_needs_a_heading_and_takes_the_last_list():
    # article 002's comment counter ("1. 1") is a numbered line without a source-list heading
    assert parse_source_list("หนึ่งความคิดเห็น\n\n  1. 1\n\n    text\n") == {}
    assert parse_source_list("no list here\n- a bullet\n") == {}
    assert parse_source_list("Sources:\n- old\nbody\nSources:\n- new\n") == {1: "new"}


def test_footnote_after():
    assert footnote_after("ประมาณ 60% 4\nและ", "ประมาณ 60%") == 4
    assert footnote_after("100,000 คน2 บางแบรนด์", "100,000 คน") == 2
    assert footnote_after("มากนั้นมาก 5", "มากนั้นมาก") == 5
    assert footnote_after("ในปี 2565 เพียงปีเดียว 1 เป็น", "ในปี") is None  # a year, not a marker
    assert footnote_after("about 60%.", "about 60%") is None
    assert footnote_after("text", "absent") is None


# ----------------------------------------------------------------- against the seed files
@needs_seeds
@pytest.mark.parametrize(("cid", "i"), ALL)
def test_original_is_verbatim(cid, i):
    c = CLAIM_SOURCES[cid][i]
    text = (Path(SEEDS_DIR) / ARTICLES[c["article"]]["file"]).read_text(encoding="utf-8")
    assert c["original"] in text


@needs_seeds
def test_source_lists_parsed_from_the_seeds():
    parsed = source_list("001")
    assert parsed == {n: e[2] for n, e in SOURCE_LISTS["001"].items()}
    assert "forbesagencycouncil/2021/06/02/micro-influencers-when-smaller-is-better" in parsed[4]
    assert "digitalmarketinginstitute.com" in parsed[3]
    for a in ("000", "002", "003", "004"):
        assert source_list(a) == {}, a


@needs_seeds
def test_footnote_markers_follow_the_source_list_order():
    text = sources.article_text("001")
    positions = []
    for n, (_, anchor, _) in sorted(SOURCE_LISTS["001"].items()):
        assert footnote_after(text, anchor) == n
        positions.append(text.find(anchor))
    assert positions == sorted(positions)


@needs_seeds
@pytest.mark.parametrize(("cid", "i"), ALL)
def test_every_cited_footnote_exists_and_names_the_same_source(cid, i):
    c = CLAIM_SOURCES[cid][i]
    text, parsed = sources.article_text(c["article"]), source_list(c["article"])
    marker = footnote_after(text, c["original"]) if parsed else None
    # the footnote the article sets after this sentence is exactly the one the registry names
    assert c["footnotes"] == ((marker,) if marker else ())
    for n in c["footnotes"]:
        assert n in parsed
        label = SOURCE_LISTS[c["article"]][n][0]
        publisher, year = re.match(r"(.+?)(?: (\d{4}))?, ", label).groups()
        url = re.search(r"https?://\S+", parsed[n]).group(0)
        assert publisher.replace(" ", "").lower() in url.lower()
        assert not year or f"/{year}/" in url


@needs_seeds
def test_verify_finds_nothing():
    assert verify() == []


@needs_seeds
def test_verify_catches_a_footnote_read_off_by_one(monkeypatch):
    wrong = {cid: [dict(c) for c in cits] for cid, cits in CLAIM_SOURCES.items()}
    wrong["C04"][0].update(cites=sources._fn("001", 3), footnotes=(3,))  # the DMI misreading
    wrong["C08"][0].update(cites="", footnotes=())  # a dropped footnote
    wrong["C16"][0].update(cites="footnote 1: Influencer Marketing Hub", footnotes=(1,))
    monkeypatch.setattr(sources, "CLAIM_SOURCES", wrong)
    problems = verify()
    assert any(p.startswith("C04[0]") and "carries footnote 4" in p for p in problems)
    assert any(p.startswith("C08[0]") and "carries footnote 5" in p for p in problems)
    assert any(
        p.startswith("C16[0]") and "is not 'Influencer Marketing Hub'" in p for p in problems
    )


@needs_seeds
def test_verify_catches_a_mislabelled_source_list(monkeypatch):
    lists = {"001": dict(SOURCE_LISTS["001"])}
    label, anchor, entry = lists["001"][4]
    lists["001"][4] = ("Digital Marketing Institute, 'misread'", anchor, entry)
    monkeypatch.setattr(sources, "SOURCE_LISTS", lists)
    assert any("footnote 4 label" in p for p in verify())
