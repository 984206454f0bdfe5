"""Where the claims come from: the five seed articles and the sentences that make each claim.

``ARTICLES`` describes the five articles (``../shared/seeds/*.txt`` beside the repository: Thai 000,
001, 002; Korean 003; Japanese 004) and ``CLAIM_SOURCES`` maps each claim id
(``C01`` .. ``C16``) to citations: the exact sentence(s) copied verbatim from the
article (``original``), an English translation, and the study or source the
article itself cites (``cites``; empty when it cites none). Publisher and date
are given only where the article's text says them (otherwise ``None``).

Remarks on fidelity (kept in ``note``): article 002 says "more than 700" posts
and gives no rates, so the 742 posts and 2.75 % vs 2.65 % of Mediakix 2017 come
from :mod:`influtiers.datasets` benchmarks, not from the article; article 001's
"60 %" sentence literally compares micro-influencers with micro-influencers (a
translation slip) and its footnote points to the Digital Marketing Institute,
which quotes HelloSociety's comparison with *average campaigns*, not macro.

Examples
--------
>>> sorted(CLAIM_SOURCES)[:3]
['C01', 'C02', 'C03']
>>> ARTICLES["001"]["language"]
'th'
>>> citations("C16")[0]["article"]
'001'
"""

from __future__ import annotations

from pathlib import Path

from .config import SEEDS_DIR

#: Where the seed articles live in the project workspace: ``shared/seeds`` beside the
#: repository (not bundled with the package; tests that read them skip when absent).

ARTICLES: dict[str, dict] = {
    "000": {
        "file": "000_2010375d7f974b20.txt",
        "language": "th",
        "title": "Nano vs Micro Influencer: แตกต่างกันอย่างไร?",
        "title_en": "Nano vs Micro Influencer: how do they differ?",
        "publisher": "High Social",
        "publisher_basis": "the closing advertisement for the High Social TikTok growth service",
        "date": None,
        "note": "Thai translation of the HighSocial article that 003 also translates.",
    },
    "001": {
        "file": "001_d4ed0452112f2606.txt",
        "language": "th",
        "title": "Micro Influencer คืออะไร?",
        "title_en": "What is a micro influencer?",
        "publisher": "Power Digital",
        "publisher_basis": "'ที่ Power Digital เรา...' (At Power Digital we ...) in the closing section",
        "date": "2023-02-02",
        "note": "Footnoted sources: Statista, Forbes (2), Digital Marketing Institute, Shopify.",
    },
    "002": {
        "file": "002_a688c773e7ebf245.txt",
        "language": "th",
        "title": "อะไรคือผลกระทบของกลยุทธ์ Micro กับ Macro-Influencer",
        "title_en": "What is the impact of a micro vs macro influencer strategy?",
        "publisher": None,
        "publisher_basis": "not stated; the author writes in the first person as a marketing-technology "
        "micro-influencer and quotes Jeremy Shih of Mediakix",
        "date": None,
        "note": "Quotes Mediakix's 2017 Instagram study and its tier definitions.",
    },
    "003": {
        "file": "003_b8c0da154433db54.txt",
        "language": "ko",
        "title": "나노 인플루언서와 마이크로 인플루언서: 어떻게 다른가요?",
        "title_en": "Nano influencers and micro influencers: how are they different?",
        "publisher": "High Social",
        "publisher_basis": "'하이소셜을 고용하여' (hire High Social) in the closing advertisement; "
        "author Carolyn Howell (캐롤린 하웰)",
        "date": "2024-04-18",
        "note": "Korean translation of the same HighSocial article as 000; 'last updated' date.",
    },
    "004": {
        "file": "004_bd82b34f80bc62d6.txt",
        "language": "ja",
        "title": "マイクロインフルエンサーについて回答された質問",
        "title_en": "Questions answered about micro-influencers",
        "publisher": "TINT",
        "publisher_basis": "'TINTは、世界中の企業と協力して' (TINT works with companies worldwide)",
        "date": "2021-08-02",
        "note": "",
    },
}

CLAIMS: dict[str, str] = {
    "C01": "Tier cut-points differ between sources (nano from 100, from 1k, or any size under 10k; "
    "platform-specific macro bounds).",
    "C02": "Micro- and macro-influencers have about equal engagement rates (Mediakix 2017).",
    "C03": "Macro-influencers win on total likes, comments and reach.",
    "C04": "Users engage about 60% more with micro-influencers.",
    "C05": "Nano rates are balanced by small followings: the engagement rate falls with size.",
    "C06": "Micro-influencers get more absolute engagement than nano-influencers.",
    "C07": "Micro-influencers sit in a sweet spot ('Goldilocks zone').",
    "C08": "A macro post can cost over $10,000; a micro feed post as little as $100.",
    "C09": "CPM falls as you work with bigger influencers.",
    "C10": "Micro-influencer campaigns are more cost-effective.",
    "C11": "Footballer with 22M followers got 1.8M impressions vs DIY micro with 35k got 20k.",
    "C12": "A/B test with 20 micro-influencers.",
    "C13": "One macro-influencer is all eggs in one basket.",
    "C14": "Micro-influencers are more authentic / trusted.",
    "C15": "Nano-influencers are far more common.",
    "C16": "Influencer-marketing spending was $16.4B in 2022.",
}


def _c(article: str, original: str, translation: str, cites: str = "", note: str = "") -> dict:
    return {
        "article": article,
        "language": ARTICLES[article]["language"],
        "original": original,
        "translation": translation,
        "cites": cites,
        "note": note,
    }


_MEDIAKIX = "Mediakix 2017 Instagram micro vs macro study (sponsored posts, 16 brands)"

CLAIM_SOURCES: dict[str, list[dict]] = {
    "C01": [
        _c(
            "000",
            "ผู้มีอิทธิพลระดับนาโนคือผู้ใช้โซเชียลมีเดียทั่วไปที่มีผู้ติดตาม 100 ถึง 10,000 ราย "
            "ในทางกลับกัน ผู้มีอิทธิพลระดับไมโครมักจะมีผู้ติดตาม 10,000 ถึง 100,000 ราย",
            "Nano-influencers are everyday social media users with 100 to 10,000 followers. "
            "Micro-influencers, on the other hand, usually have 10,000 to 100,000 followers.",
        ),
        _c(
            "003",
            "나노 인플루언서는 100~10,000명의 팔로워를 보유한 일상적인 소셜 미디어 사용자입니다.",
            "Nano-influencers are everyday social media users with 100–10,000 followers.",
        ),
        _c(
            "001",
            "นาโน อินฟลูเอนเซอร์ – ตัวเลขในโซเชียลมีเดียขนาดเล็กเหล่านี้มีผู้ติดตามน้อยกว่า 10,000 คน "
            "(แต่ควรมากกว่า 1,000 คน)",
            "Nano-influencers – these small social media figures have fewer than 10,000 followers "
            "(but preferably more than 1,000).",
        ),
        _c(
            "004",
            "ナノインフルエンサーは、フォロワーが10,000人未満のクリエイターであり、"
            "マイクロインフルエンサーの種類は少ないです。",
            "Nano-influencers are creators with fewer than 10,000 followers, a smaller kind of "
            "micro-influencer.",
            note="no lower bound",
        ),
        _c(
            "002",
            "โดยทั่วไปผู้มีอิทธิพลด้านมาโครบน Instagram จะมี มากกว่า 100,000 สมัครพรรคพวก",
            "Macro-influencers on Instagram generally have more than 100,000 followers.",
            cites="Mediakix (tier definition by platform)",
        ),
        _c(
            "002",
            "ผู้มีอิทธิพลระดับมหภาคบน Youtube หรือ Facebook สามารถกำหนดได้ว่ามี "
            "มีสมาชิกอย่างน้อย 250,000 คน หรือชอบ",
            "Macro-influencers on YouTube or Facebook can be defined as having at least 250,000 "
            "subscribers or likes.",
            cites="Mediakix (tier definition by platform)",
        ),
    ],
    "C02": [
        _c(
            "002",
            "Mediakix วิเคราะห์โพสต์ Instagram ที่ได้รับการสนับสนุนมากกว่า 700 รายการจาก 16 "
            "แบรนด์ชั้นนำที่ทำงานร่วมกับทั้งผู้มีอิทธิพลระดับมหภาคและผู้มีอิทธิพลรายย่อย"
            "เพื่อประเมินว่ากลยุทธ์ใดมีประสิทธิภาพมากกว่ากัน",
            "Mediakix analysed more than 700 sponsored Instagram posts from 16 leading brands "
            "that worked with both macro- and micro-influencers to assess which strategy is more "
            "effective.",
            cites=_MEDIAKIX,
            note="the article says 'more than 700' and gives no rates; 742 posts and "
            "2.75% vs 2.65% are from the benchmark table (quoted by MarketingProfs)",
        ),
        _c(
            "002",
            "การศึกษาของเราแสดงให้เห็นว่าประสิทธิภาพของ macro influencer และ micro influencer "
            "นั้นมีความเท่าเทียมกันโดยประมาณเมื่อประเมินโดยพิจารณาจากอัตราการมีส่วนร่วมเท่านั้น",
            "Our study shows that the performance of macro-influencers and micro-influencers is "
            "roughly equal when judged on engagement rate alone.",
            cites=_MEDIAKIX,
        ),
    ],
    "C03": [
        _c(
            "002",
            "นอกจากนี้เราพบว่าผู้มีอิทธิพลระดับมาโครชนะในแง่ของยอดไลค์ความคิดเห็นและการเข้าถึงทั้งหมด",
            "We also found that macro-influencers win on total likes, comments and reach.",
            cites=_MEDIAKIX,
        ),
    ],
    "C04": [
        _c(
            "001",
            "บางทีความสามารถในการเข้าถึงนี้อาจเป็นสาเหตุให้ผู้ใช้มีส่วนร่วมกับโพสต์ของไมโครอินฟลูเอนเซอร์"
            "มากกว่าที่ทำกับไมโครอินฟลูเอนเซอร์ประมาณ 60%",
            "Perhaps this accessibility is why users engage with micro-influencers' posts about 60% "
            "more than they do with [literally: micro-influencers; meant: bigger influencers].",
            cites="footnote 4: Digital Marketing Institute, '20 influencer marketing statistics "
            "that will surprise you' (which quotes HelloSociety: micro campaigns 60% higher "
            "engagement than average campaigns)",
            note="the Thai text compares micro with micro (translation slip); the underlying "
            "figure compares with average campaigns, not with macro",
        ),
    ],
    "C05": [
        _c(
            "000",
            "เนื่องจากจำนวนผู้ติดตามที่มากกว่า อัตราการมีส่วนร่วมของพวกเขาอาจไม่สอดคล้องกับผู้มีอิทธิพลระดับนาโน "
            "จำนวนผู้ติดตามที่น้อยกว่าช่วยสร้างสมดุลให้กับอัตราเหล่านี้แม้ว่าจะมีระดับการมีส่วนร่วมที่น้อยกว่าก็ตาม",
            "Because of their larger followings, their [micro-influencers'] engagement rates may not "
            "match those of nano-influencers. Smaller followings balance these rates even though "
            "the level of engagement is lower.",
        ),
        _c(
            "003",
            "팔로워 수가 많기 때문에 참여율이 나노 인플루언서의 참여율과 일치하지 않을 수 있습니다. "
            "팔로워 수가 적으면 참여도가 낮더라도 참여율의 균형을 맞출 수 있습니다.",
            "Because they have more followers, their engagement rate may not match that of "
            "nano-influencers. With fewer followers the engagement rate can be balanced even if "
            "engagement is lower.",
        ),
    ],
    "C06": [
        _c(
            "000",
            "เนื่องจากมีผู้ติดตามไม่เท่ากัน ไมโครอินฟลูเอนเซอร์จึงมักดึงดูดการมีส่วนร่วมกับโพสต์ของตนได้มากกว่า",
            "Because their followings differ, micro-influencers usually attract more engagement on "
            "their posts.",
        ),
        _c(
            "003",
            "팔로워 수에 차이가 있기 때문에 마이크로 인플루언서는 일반적으로 자신의 게시물에 더 많은 "
            "참여를 유도합니다.",
            "Because of the difference in follower counts, micro-influencers generally drive more "
            "engagement on their posts.",
        ),
    ],
    "C07": [
        _c(
            "001",
            "ด้วยผู้ติดตามน้อยกว่า 100,000 คน ผู้มีอิทธิพลขนาดเล็กจะนั่งอยู่ใน “โซน Goldilocks”",
            "With fewer than 100,000 followers, micro-influencers sit in the 'Goldilocks zone'.",
        ),
    ],
    "C08": [
        _c(
            "001",
            "โพสต์โซเชียลมีเดียหนึ่งโพสต์จากผู้มีอิทธิพลรายใหญ่อาจมีราคามากกว่า 10,000 ดอลลาร์ ซึ่งมักจะมากกว่านั้นมาก",
            "One social media post from a major influencer can cost more than $10,000, often much "
            "more.",
            cites="footnote 5: Shopify, 'Influencer pricing: how much should you pay?'",
        ),
        _c(
            "001",
            "ผู้มีอิทธิพลขนาดเล็กอาจเรียกเก็บเงินเพียง $100 สำหรับโพสต์ฟีด",
            "A micro-influencer may charge only $100 for a feed post.",
            cites="footnote 5: Shopify, 'Influencer pricing: how much should you pay?'",
        ),
    ],
    "C09": [
        _c(
            "002",
            "นอกจากนี้ CPM ยังมีแนวโน้มลดลงเมื่อคุณทำงานกับผู้มีอิทธิพลรายใหญ่",
            "Also, CPM tends to go down when you work with larger influencers.",
            cites="Jeremy Shih of Mediakix, answering the author",
        ),
    ],
    "C10": [
        _c(
            "001",
            "#4 แคมเปญมีความคุ้มค่ามากกว่า",
            "#4 Campaigns are more cost-effective.",
            cites="footnote 5: Shopify (prices that follow the heading)",
        ),
        _c(
            "001",
            "ความแตกต่างคือกลางวันและกลางคืน: ไมโครอินฟลูเอนเซอร์มีราคาไม่แพงมาก",
            "The difference is night and day: micro-influencers are very affordable.",
        ),
    ],
    "C11": [
        _c(
            "001",
            "สถานการณ์ที่ 1 – บริษัทเครื่องมือร่วมมือกับนักฟุตบอลที่มีผู้ติดตาม 22 ล้านคน"
            "โพสต์เนื้อหาที่ได้รับการสนับสนุนได้รับการแสดงผล 1.8 ล้านครั้งจากแฟนกีฬาทั่วโลก",
            "Scenario 1 – the tool company partners with a footballer with 22 million followers; "
            "the sponsored post gets 1.8 million impressions from sports fans worldwide.",
            note="hypothetical scenario, not data",
        ),
        _c(
            "001",
            "สถานการณ์ที่ 2 – บริษัทเครื่องมือเป็นพันธมิตรกับไมโครอินฟลูเอนเซอร์ DIY ที่มีผู้ติดตาม "
            "35,000 คนโพสต์เนื้อหาที่ได้รับการสนับสนุนได้รับการแสดงผล 20,000 ครั้งจากช่างไม้ที่กระตือรือร้น",
            "Scenario 2 – the tool company partners with a DIY micro-influencer with 35,000 "
            "followers; the sponsored post gets 20,000 impressions from keen woodworkers.",
            note="hypothetical scenario, not data",
        ),
    ],
    "C12": [
        _c(
            "001",
            "ตัวอย่างเช่น แบรนด์ต่างๆ สามารถทำการทดสอบ A/B โดยร่วมมือกับผู้มีอิทธิพลรายย่อย 20 คน"
            "และให้คำแนะนำที่แตกต่างกันทั้งหมด",
            "For example, brands can run an A/B test by partnering with 20 micro-influencers and "
            "giving each different instructions.",
        ),
    ],
    "C13": [
        _c(
            "001",
            "เมื่อบริษัทต่างๆ ใช้เงินจำนวนมหาศาลในการเป็นหุ้นส่วนกับผู้ทรงอิทธิพลรายใหญ่ "
            "พวกเขาใส่ไข่ทั้งหมดไว้ในตะกร้าใบเดียว",
            "When companies spend huge sums partnering with a major influencer, they put all their "
            "eggs in one basket.",
        ),
    ],
    "C14": [
        _c(
            "001",
            "#3 ไมโครอินฟลูเอนเซอร์มีตัวตนที่แท้จริงมากกว่า",
            "#3 Micro-influencers are more authentic.",
        ),
        _c(
            "004",
            "マイクロインフルエンサーは、信頼性と透明性の声です。",
            "Micro-influencers are voices of trust and transparency.",
        ),
    ],
    "C15": [
        _c(
            "000",
            "พวกเขาพบได้บ่อยกว่ามากในระบบนิเวศของผู้มีอิทธิพล",
            "They [nano-influencers] are much more common in the influencer ecosystem.",
        ),
        _c(
            "003",
            "인플루언서 생태계에서는 훨씬 더 흔합니다.",
            "They are far more common in the influencer ecosystem.",
        ),
    ],
    "C16": [
        _c(
            "001",
            "ทั่วโลก ธุรกิจต่างๆ ใช้เงินประมาณ 16.4 พันล้านดอลลาร์ในการตลาดโดยใช้อินฟลูเอนเซอร์ในปี 2565 "
            "เพียงปีเดียว",
            "Worldwide, businesses spent about $16.4 billion on influencer marketing in 2022 "
            "(2565 in the Thai calendar) alone.",
            cites="footnote 1: Statista, global influencer marketing market size 2016–2022 "
            "(statista.com/statistics/1092819/global-influencer-market-size/)",
        ),
    ],
}


def citations(claim_id: str) -> list[dict]:
    """The citations of one claim (raises KeyError for an unknown id)."""
    try:
        return CLAIM_SOURCES[claim_id]
    except KeyError:
        raise KeyError(
            f"unknown claim {claim_id!r}; known: {', '.join(sorted(CLAIM_SOURCES))}"
        ) from None


def article_text(article: str, seeds_dir: str | Path = SEEDS_DIR) -> str:
    """The text of a seed article (requires the seeds folder)."""
    return (Path(seeds_dir) / ARTICLES[article]["file"]).read_text(encoding="utf-8")


def verify(seeds_dir: str | Path = SEEDS_DIR) -> list[str]:
    """Problems found: quotes that do not occur verbatim in their article (empty = all good)."""
    problems = []
    texts = {a: article_text(a, seeds_dir) for a in ARTICLES}
    for cid, cits in CLAIM_SOURCES.items():
        for i, c in enumerate(cits):
            if c["original"] not in texts[c["article"]]:
                problems.append(f"{cid}[{i}] not found verbatim in article {c['article']}")
    return problems
