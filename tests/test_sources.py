from pathlib import Path

import pytest

from influtiers.sources import ARTICLES, CLAIM_SOURCES, SEEDS_DIR, citations

CLAIM_IDS = [f"C{i:02d}" for i in range(1, 17)]


def test_every_claim_has_a_citation():
    assert sorted(CLAIM_SOURCES) == CLAIM_IDS
    for cid in CLAIM_IDS:
        assert len(citations(cid)) >= 1, cid


def test_citation_fields():
    for cid, cits in CLAIM_SOURCES.items():
        for c in cits:
            assert c["article"] in ARTICLES, cid
            assert c["language"] == ARTICLES[c["article"]]["language"]
            assert c["original"].strip() and c["translation"].strip()
            assert isinstance(c["cites"], str)


def test_articles():
    assert sorted(ARTICLES) == ["000", "001", "002", "003", "004"]
    assert [ARTICLES[a]["language"] for a in sorted(ARTICLES)] == ["th", "th", "th", "ko", "ja"]
    for a in ARTICLES.values():
        assert a["title"] and a["title_en"] and a["file"].endswith(".txt")


def test_unknown_claim():
    with pytest.raises(KeyError, match="C99"):
        citations("C99")


@pytest.mark.skipif(not Path(SEEDS_DIR).exists(), reason="seed articles not available")
@pytest.mark.parametrize(
    ("cid", "i"), [(cid, i) for cid, cits in CLAIM_SOURCES.items() for i in range(len(cits))]
)
def test_original_is_verbatim(cid, i):
    c = CLAIM_SOURCES[cid][i]
    text = (Path(SEEDS_DIR) / ARTICLES[c["article"]]["file"]).read_text(encoding="utf-8")
    assert c["original"] in text
