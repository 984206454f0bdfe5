"""Where the claims come from: the seed articles, their footnotes and the sentences of each claim.

``ARTICLES`` describes the five articles (``../shared/seeds/*.txt`` beside the repository: Thai
000, 001, 002; Korean 003; Japanese 004). Articles 000 and 003 are one HighSocial article in two
languages (``same_as``), so they count as one source (:func:`source_group`,
:func:`independent_sources`). ``CLAIMS`` states each claim in one line (``C01`` .. ``C23``) and
``CLAIM_SOURCES`` maps each claim id to citations: the sentence(s) copied verbatim from the
article (``original``), an English translation, what the article itself cites for that sentence
(``cites``: ``"footnote N: <source>"``, or an attribution in the text; empty when it cites
nothing), the footnote numbers (``footnotes``), evidence the article does *not* cite
(``related``) and remarks (``note``). Publisher and date are given only where the article's text
says them (otherwise ``None``).

How the footnotes read. Only article 001 has footnotes: a numeral set right after a sentence
(``... ประมาณ 60% 4``, ``... 100,000 คน2``) points into the list under ``แหล่งที่มา:``
("Sources:") at the end. The list items carry no numbers, so footnote N is the N-th item:
1 Statista, 2 Forbes 2022 ("the great social media debate"), 3 Digital Marketing Institute,
4 Forbes 2021 ("when smaller is better"), 5 Shopify; the markers occur in the text in that order
(``SOURCE_LISTS`` records after which words each is set). So the "about 60 %" sentence (C04)
cites footnote 4, Forbes 2021, not the Digital Marketing Institute (footnote 3 is set after the
sentence that introduces the six reasons why most brands prefer micro-influencers). What DMI
quotes from HelloSociety (micro campaigns get 60 % more engagement *than average campaigns*, and
are 6.7x more cost-effective) is related evidence for C04 and C10, not what 001 cites. The other
articles have no footnotes: 002 names Mediakix and Jeremy Shih in its text; 000, 003 and 004 cite
nothing. :func:`verify` checks every quote, footnote number and source-list entry against the
seed files (:func:`parse_source_list`, :func:`footnote_after`).

Other remarks on fidelity are in the ``note`` fields: 002 says "more than 700" posts and gives no
rates (742 posts and 2.75 % vs 2.65 % come from the benchmarks: ``related``); 001's "60 %"
sentence literally compares micro-influencers with micro-influencers (ไมโคร for มาโคร, one vowel
apart).

Examples
--------
>>> sorted(CLAIM_SOURCES)[:3]
['C01', 'C02', 'C03']
>>> ARTICLES["001"]["language"]
'th'
>>> citations("C16")[0]["article"]
'001'
>>> citations("C04")[0]["cites"]
"footnote 4: Forbes 2021, 'Micro-influencers: when smaller is better'"
>>> source_group("003"), len(independent_sources("C05"))
(('000', '003'), 1)
>>> parse_source_list("text\\nSources:\\n- A https://a.example\\n- B https://b.example\\n")
{1: 'A https://a.example', 2: 'B https://b.example'}
"""

from __future__ import annotations

import re
from pathlib import Path

from .config import SEEDS_DIR

ARTICLES: dict[str, dict] = {
    "000": {
        "file": "000_2010375d7f974b20.txt",
        "language": "th",
        "title": "Nano vs Micro Influencer: แตกต่างกันอย่างไร?",
        "title_en": "Nano vs Micro Influencer: how do they differ?",
        "publisher": "High Social",
        "publisher_basis": "the closing advertisement for the High Social TikTok growth service",
        "date": None,
        "same_as": "003",
        "note": "Thai translation of the HighSocial article that 003 gives in Korean: same "
        "sections, figures, examples and closing advertisement. No footnotes.",
    },
    "001": {
        "file": "001_d4ed0452112f2606.txt",
        "language": "th",
        "title": "Micro Influencer คืออะไร?",
        "title_en": "What is a micro influencer?",
        "publisher": "Power Digital",
        "publisher_basis": "'ที่ Power Digital เรา...' (At Power Digital we ...) in the closing "
        "section",
        "date": "2023-02-02",
        "same_as": None,
        "note": "Footnotes 1-5 point into the unnumbered source list ('แหล่งที่มา:') by its order: "
        "Statista, Forbes 2022, Digital Marketing Institute, Forbes 2021, Shopify.",
    },
    "002": {
        "file": "002_a688c773e7ebf245.txt",
        "language": "th",
        "title": "อะไรคือผลกระทบของกลยุทธ์ Micro กับ Macro-Influencer",
        "title_en": "What is the impact of a micro vs macro influencer strategy?",
        "publisher": None,
        "publisher_basis": "not stated; the author writes in the first person as a "
        "marketing-technology micro-influencer and quotes Jeremy Shih of "
        "Mediakix",
        "date": None,
        "same_as": None,
        "note": "No footnotes: names Mediakix's Instagram study and tier definitions, and Jeremy "
        "Shih, in the text.",
    },
    "003": {
        "file": "003_b8c0da154433db54.txt",
        "language": "ko",
        "title": "나노 인플루언서와 마이크로 인플루언서: 어떻게 다른가요?",
        "title_en": "Nano influencers and micro influencers: how are they different?",
        "publisher": "High Social",
        "publisher_basis": "'하이소셜을 고용하여' (hire High Social) in the closing "
        "advertisement; author Carolyn Howell (캐롤린 하웰)",
        "date": "2024-04-18",
        "same_as": "000",
        "note": "Korean translation of the same HighSocial article as 000 ('last updated' date). "
        "No footnotes.",
    },
    "004": {
        "file": "004_bd82b34f80bc62d6.txt",
        "language": "ja",
        "title": "マイクロインフルエンサーについて回答された質問",
        "title_en": "Questions answered about micro-influencers",
        "publisher": "TINT",
        "publisher_basis": "'TINTは、世界中の企業と協力して' (TINT works with companies worldwide)",
        "date": "2021-08-02",
        "same_as": None,
        "note": "No footnotes.",
    },
}

#: Each article's source list as the seed file gives it: footnote number -> (label used in
#: ``cites``, the words the footnote marker is set after, the list entry verbatim).
SOURCE_LISTS: dict[str, dict[int, tuple[str, str, str]]] = {
    "001": {
        1: (
            "Statista, 'Global influencer marketing market size 2016-2022'",
            "ในปี 2565 เพียงปีเดียว",
            "สแตติสต้า.ขนาดตลาดการตลาดที่ใช้อินฟลูเอนเซอร์ทั่วโลกตั้งแต่ปี 2559 ถึง 2565https://www.statista.com/statistics/1092819/global-influencer-market-size/",
        ),
        2: (
            "Forbes 2022, 'Macro-influencers vs micro-influencers: the great social media debate'",
            "ตั้งแต่ 10,000 ถึง 100,000 คน",
            "ฟอร์บส์Macro-Influencer เทียบกับMicro-Influencers: การโต้วาทีทางโซเชียลมีเดียครั้งยิ่งใหญ่ https://www.forbes.com/sites/forbestechcouncil/2022/03/01/macro-influencers-vs-micro-influencers-the-great-social-media-debate/",
        ),
        3: (
            "Digital Marketing Institute, '20 influencer marketing statistics that will surprise you'",
            "ชอบทำงานกับไมโครอินฟลูเอนเซอร์",
            "สถาบันการตลาดดิจิทัล20 สถิติการตลาดอินฟลูเอนเซอร์ที่น่าประหลาดใจhttps://digitalmarketinginstitute.com/blog/20-influencer-marketing-statistics-that-will-surprise-you",
        ),
        4: (
            "Forbes 2021, 'Micro-influencers: when smaller is better'",
            "ไมโครอินฟลูเอนเซอร์ประมาณ 60%",
            "ฟอร์บส์ไมโครอินฟลูเอนเซอร์: เมื่อยิ่งเล็กยิ่งดีhttps://www.forbes.com/sites/forbesagencycouncil/2021/06/02/micro-influencers-when-smaller-is-better/",
        ),
        5: (
            "Shopify, 'Influencer pricing: how much should you pay?'",
            "ซึ่งมักจะมากกว่านั้นมาก",
            "Shopify.Influencer Pricing: คุณควรจ่ายเท่าไหร่?https://www.shopify.com/blog/influencer-pricing",
        ),
    },
}

CLAIMS: dict[str, str] = {
    "C01": "Tier cut-points differ by source ('vary depending on the source', 001).",
    "C02": "Micro and macro perform about equally on engagement rate alone (Mediakix, in 002).",
    "C03": "Macro-influencers win on total likes, comments and reach (Mediakix, in 002).",
    "C04": "Users engage with micro-influencers' posts about 60% more (than with macro).",
    "C05": "Micro engagement rates may not match nano's: larger followings, lower rates.",
    "C06": "Micro beat nano on engagement per post: more reach, likes, replies, shares, reposts.",
    "C07": "Micro-influencers sit in a 'Goldilocks zone': big enough to matter, small enough.",
    "C08": "A big influencer's post can cost over $10,000 (often much more); a micro one $100.",
    "C09": "CPM (cost per 1,000 impressions) tends to fall with bigger influencers.",
    "C10": "Micro-influencer campaigns are more cost-effective.",
    "C11": "Footballer (22M followers) 1.8M impressions vs DIY micro (35k) 20k, mostly relevant.",
    "C12": "An A/B test over 20 micro-influencers with different briefs finds best practice.",
    "C13": "One big influencer is all eggs in one basket (a suspension or scandal loses it all).",
    "C14": "Micro-influencers are more authentic, credible and trusted than bigger ones.",
    "C15": "Nano-influencers are much more common in the influencer ecosystem.",
    "C16": "Influencer-marketing spending was about $16.4B in 2022.",
    "C17": "Nano-influencers charge less than other influencers.",
    "C18": "One big post costs dozens of micro posts; its reach takes hundreds or thousands.",
    "C19": "Reach (impressions) per follower falls with size (001: 8% at 22M vs 57% at 35k).",
    "C20": "Micro-influencers have niche audiences (unlike macro and mega).",
    "C21": "Micro have fewer ongoing brand deals; accounts near 100k have likely talked to brands.",
    "C22": "A micro-influencer's one sponsored post grows into a series and an ambassadorship.",
    "C23": "Results depend on the platform.",
}


def _fn(article: str, n: int) -> str:
    """The ``cites`` text of footnote ``n`` of ``article``."""
    return f"footnote {n}: {SOURCE_LISTS[article][n][0]}"


def _c(article, original, translation, cites="", related="", note="") -> dict:
    return {
        "article": article,
        "language": ARTICLES[article]["language"],
        "original": original,
        "translation": translation,
        "cites": cites,
        "footnotes": tuple(int(n) for n in re.findall(r"footnote (\d+)", cites)),
        "related": related,
        "note": note,
    }


# The citations, one record each: a line "<claim> <article>", then "original", "translation" and,
# where there is one, "cites", "related" and "note" ("key: value"; a line indented further
# continues the value). Each original is kept on one line, exactly as in the seed file, so that
# it can be searched for there. "cites: footnote N" is expanded to that source-list entry; a line
# "<claim> = <claim>[i]" repeats an earlier citation.
_RECORDS = """
C01 001
  original: จำนวนผู้ติดตามที่เป็น "คลาส" ของผู้มีอิทธิพลจะแตกต่างกันไปขึ้นอยู่กับแหล่งที่มา อย่างไรก็ตาม โดยทั่วไปแล้ว ผู้มีอิทธิพลสามารถแบ่งออกได้เป็น 4 ประเภทดังต่อไปนี้:
  translation: The follower counts that make an influencer 'class' vary depending on the source. In
      general, however, influencers can be divided into the following 4 types:
  note: the sentence that makes the claim; the others below show the schemes
C01 000
  original: ผู้มีอิทธิพลระดับนาโนคือผู้ใช้โซเชียลมีเดียทั่วไปที่มีผู้ติดตาม 100 ถึง 10,000 ราย ในทางกลับกัน ผู้มีอิทธิพลระดับไมโครมักจะมีผู้ติดตาม 10,000 ถึง 100,000 ราย
  translation: Nano-influencers are everyday social media users with 100 to 10,000 followers.
      Micro-influencers, on the other hand, usually have 10,000 to 100,000 followers.
C01 003
  original: 나노 인플루언서는 100~10,000명의 팔로워를 보유한 일상적인 소셜 미디어 사용자입니다. 반면에 마이크로 인플루언서는 보통 10,000~100,000명의 팔로워를 보유하고 있습니다.
  translation: Nano-influencers are everyday social media users with 100–10,000 followers.
      Micro-influencers, on the other hand, usually have 10,000–100,000 followers.
C01 001
  original: นาโน อินฟลูเอนเซอร์ – ตัวเลขในโซเชียลมีเดียขนาดเล็กเหล่านี้มีผู้ติดตามน้อยกว่า 10,000 คน (แต่ควรมากกว่า 1,000 คน)
  translation: Nano-influencers – these small social media figures have fewer than 10,000 followers
      (but should have more than 1,000).
C01 001
  original: ผู้มีอิทธิพลระดับไมโคร คือบุคคลออนไลน์ที่มีผู้ติดตามตั้งแต่ 10,000 ถึง 100,000 คน
  translation: Micro-influencers are online personalities with 10,000 to 100,000 followers.
  cites: footnote 2
C01 004
  original: ナノインフルエンサーは、フォロワーが10,000人未満のクリエイターであり、マイクロインフルエンサーの種類は少ないです。
  translation: Nano-influencers are creators with fewer than 10,000 followers, a smaller kind of
      micro-influencer [literally: 'the kinds of micro-influencer are few'].
  note: no lower bound
C01 002
  original: โดยทั่วไปผู้มีอิทธิพลด้านมาโครบน Instagram จะมี มากกว่า 100,000 สมัครพรรคพวก
  translation: Macro-influencers on Instagram generally have more than 100,000 followers.
  cites: in the text: 'Mediakix กำหนดส่วนนี้โดยคำนึงถึงสื่อ' (Mediakix defines it by medium)
C01 002
  original: ผู้มีอิทธิพลระดับมหภาคบน Youtube หรือ Facebook สามารถกำหนดได้ว่ามี มีสมาชิกอย่างน้อย 250,000 คน หรือชอบ
  translation: Macro-influencers on YouTube or Facebook can be defined as having at least 250,000
      subscribers or likes.
  cites: in the text: 'Mediakix กำหนดส่วนนี้โดยคำนึงถึงสื่อ' (Mediakix defines it by medium)
C02 002
  original: Mediakix วิเคราะห์โพสต์ Instagram ที่ได้รับการสนับสนุนมากกว่า 700 รายการจาก 16 แบรนด์ชั้นนำที่ทำงานร่วมกับทั้งผู้มีอิทธิพลระดับมหภาคและผู้มีอิทธิพลรายย่อยเพื่อประเมินว่ากลยุทธ์ใดมีประสิทธิภาพมากกว่ากัน
  translation: Mediakix analysed more than 700 sponsored Instagram posts from 16 leading brands that
      worked with both macro- and micro-influencers to assess which strategy is more effective.
  cites: in the text: Mediakix's infographic 'การต่อสู้ของผู้มีอิทธิพล: มาโครกับไมโคร' (The influencer
      battle: macro vs micro)
  related: Mediakix 2017 as quoted by MarketingProfs 2017: 742 sponsored posts, ER 2.75% (micro) vs
      2.65% (macro) (benchmarks engagement_rates.csv)
  note: the article says 'more than 700', gives no rates, no year and no micro band
C02 002
  original: การศึกษาของเราแสดงให้เห็นว่าประสิทธิภาพของ macro influencer และ micro influencer นั้นมีความเท่าเทียมกันโดยประมาณเมื่อประเมินโดยพิจารณาจากอัตราการมีส่วนร่วมเท่านั้น
  translation: Our study shows that the performance of macro-influencers and micro-influencers is
      roughly equal when judged on engagement rate alone.
  cites: in the text: Mediakix's infographic 'การต่อสู้ของผู้มีอิทธิพล: มาโครกับไมโคร' (The influencer
      battle: macro vs micro)
  related: Mediakix 2017 as quoted by MarketingProfs 2017: 742 sponsored posts, ER 2.75% (micro) vs
      2.65% (macro) (benchmarks engagement_rates.csv)
C03 002
  original: นอกจากนี้เราพบว่าผู้มีอิทธิพลระดับมาโครชนะในแง่ของยอดไลค์ความคิดเห็นและการเข้าถึงทั้งหมด
  translation: We also found that macro-influencers win in terms of total likes, comments and reach.
  cites: in the text: Mediakix's infographic 'การต่อสู้ของผู้มีอิทธิพล: มาโครกับไมโคร' (The influencer
      battle: macro vs micro)
  note: 'total' (ทั้งหมด) and 'win': no magnitude, and not said to be per post
C04 001
  original: บางทีความสามารถในการเข้าถึงนี้อาจเป็นสาเหตุให้ผู้ใช้มีส่วนร่วมกับโพสต์ของไมโครอินฟลูเอนเซอร์มากกว่าที่ทำกับไมโครอินฟลูเอนเซอร์ประมาณ 60%
  translation: Perhaps this accessibility is why users engage with micro-influencers' posts about
      60% more than they do with [literally: micro-influencers; most likely meant:
      macro-influencers].
  cites: footnote 4
  related: Digital Marketing Institute (001's footnote 3, set after another sentence) quoting
      HelloSociety: micro-influencer campaigns get 60% higher engagement than AVERAGE campaigns (not
      than macro)
  note: the Thai compares micro with micro: ไมโคร (micro) for มาโคร (macro), one vowel apart; the
      section's foil is the mega celebrity (next quote)
C04 001
  original: ผู้มีอิทธิพลระดับเมกาคือคนดัง เมื่อผู้ใช้โซเชียลมีเดียแสดงความคิดเห็นในโพสต์ของบุคคลที่มีชื่อเสียง พวกเขาไม่ได้คาดหวังการตอบกลับ
  translation: Mega-influencers are celebrities. When social media users comment on a famous
      person's post, they don't expect a reply.
  note: the contrast the section (#2) draws before the 60% sentence
C05 000
  original: เนื่องจากจำนวนผู้ติดตามที่มากกว่า อัตราการมีส่วนร่วมของพวกเขาอาจไม่สอดคล้องกับผู้มีอิทธิพลระดับนาโน จำนวนผู้ติดตามที่น้อยกว่าช่วยสร้างสมดุลให้กับอัตราเหล่านี้แม้ว่าจะมีระดับการมีส่วนร่วมที่น้อยกว่าก็ตาม
  translation: Because of their larger followings, their [micro-influencers'] engagement rates may
      not match those of nano-influencers. Smaller followings balance these rates even though the
      level of engagement is lower.
  note: compares nano with micro only, and hedged ('may')
C05 003
  original: 팔로워 수가 많기 때문에 참여율이 나노 인플루언서의 참여율과 일치하지 않을 수 있습니다. 팔로워 수가 적으면 참여도가 낮더라도 참여율의 균형을 맞출 수 있습니다.
  translation: Because they have more followers, their engagement rate may not match that of
      nano-influencers. With fewer followers the engagement rate can be balanced even if engagement
      is lower.
C06 000
  original: เนื่องจากมีผู้ติดตามไม่เท่ากัน ไมโครอินฟลูเอนเซอร์จึงมักดึงดูดการมีส่วนร่วมกับโพสต์ของตนได้มากกว่า แน่นอนว่าโพสต์ของพวกเขาเข้าถึงผู้คนบนแพลตฟอร์มโซเชียลมีเดียได้มากกว่า ทำให้มีผู้กดไลค์ ตอบกลับ แชร์ และรีโพสต์มากขึ้น
  translation: Because their followings differ, micro-influencers usually attract more engagement on
      their posts. Of course, their posts reach more people on social media platforms, bringing more
      likes, replies, shares and reposts.
  note: names likes, replies, shares, reposts and reach
C06 003
  original: 팔로워 수에 차이가 있기 때문에 마이크로 인플루언서는 일반적으로 자신의 게시물에 더 많은 참여를 유도합니다. 물론 이들의 게시물은 이러한 소셜 미디어 플랫폼에서 더 많은 사람들에게 도달하여 더 많은 좋아요, 답글, 공유 및 재 게시를 유도합니다.
  translation: Because of the difference in follower counts, micro-influencers generally drive more
      engagement on their posts. Of course, their posts reach more people on these social media
      platforms, driving more likes, replies, shares and reposts.
C07 001
  original: ด้วยผู้ติดตามน้อยกว่า 100,000 คน ผู้มีอิทธิพลขนาดเล็กจะนั่งอยู่ใน “โซน Goldilocks” พวกเขาไม่เป็นที่รู้จักจนไม่มีใครสนใจพวกเขา แต่พวกเขาก็ไม่ใช่คนที่แตะต้องไม่ได้เช่นกัน มีความสามารถในการเข้าถึงซึ่งช่วยให้แบรนด์ทุกขนาดสามารถทดลองกับการตลาดแบบอินฟลูเอนเซอร์ได้ในอนาคตหรือปัจจุบัน
  translation: With fewer than 100,000 followers, micro-influencers sit in the 'Goldilocks zone':
      they are not so unknown that nobody cares about them, but they are not untouchable either.
      They have an accessibility that lets brands of every size experiment with influencer
      marketing, now or in the future.
  related: Wies, Bleier & Edeling 2023 (J. Marketing 87(3)): engagement volume is an inverted U in
      followers, peaking near 1M; cost per like lowest at 50k-750k
  note: the zone is about mattering yet being affordable and approachable, not reach vs engagement;
      'not so unknown' repairs a negation the Thai loses ('เช่นกัน', 'either', shows it)
C07 004
  original: マイクロインフルエンサーは波を立てるのに十分な大きさですが、フォロワーが彼らとそのコンテンツとの深いつながりを感じることができるほど小さいです。
  translation: Micro-influencers are big enough to make waves, but small enough that followers can
      feel a deep connection with them and their content.
  related: Wies, Bleier & Edeling 2023 (not cited by 004 either)
C08 001
  original: โพสต์โซเชียลมีเดียหนึ่งโพสต์จากผู้มีอิทธิพลรายใหญ่อาจมีราคามากกว่า 10,000 ดอลลาร์ ซึ่งมักจะมากกว่านั้นมาก
  translation: One social media post from a major influencer can cost more than $10,000, often much
      more.
  cites: footnote 5
  related: Shopify's table (benchmarks prices.csv, Instagram): $10,000+ is its mega tier (1M+);
      macro (500k-1M) $5,000-10,000
  note: 'ผู้มีอิทธิพลรายใหญ่' is a major/big influencer, not a tier name; 'can cost' is the upper range
C08 001
  original: ผู้มีอิทธิพลขนาดเล็กอาจเรียกเก็บเงินเพียง $100 สำหรับโพสต์ฟีด
  translation: A small [micro-]influencer may charge only $100 for a feed post.
  cites: footnote 5
  related: Shopify's table: micro (10k-50k) $100-500, nano (1k-10k) $10-100
  note: 001 calls its 10k-100k tier 'ผู้มีอิทธิพลขนาดเล็ก' (small influencers); $100 is the low end
C09 002
  original: นอกจากนี้ CPM ยังมีแนวโน้มลดลงเมื่อคุณทำงานกับผู้มีอิทธิพลรายใหญ่
  translation: Also, CPM tends to go down when you work with larger influencers.
  cites: in the text: Jeremy Shih of Mediakix, answering the author
  note: CPM is the cost per 1,000 impressions
C10 001
  original: #4 แคมเปญมีความคุ้มค่ามากกว่า
  translation: #4 Campaigns are more cost-effective.
  related: Digital Marketing Institute (001's footnote 3, set after another sentence) quoting
      HelloSociety: micro-influencer campaigns are 6.7 times more cost-effective
  note: the heading has no footnote; the section's only evidence is the two prices of C08 (footnote
      5, Shopify)
C10 = C08[0]
C10 = C08[1]
C10 001
  original: ความแตกต่างคือกลางวันและกลางคืน: ไมโครอินฟลูเอนเซอร์มีราคาไม่แพงมาก
  translation: The difference is night and day: micro-influencers are very affordable.
C11 001
  original: สถานการณ์ที่ 1 – บริษัทเครื่องมือร่วมมือกับนักฟุตบอลที่มีผู้ติดตาม 22 ล้านคนโพสต์เนื้อหาที่ได้รับการสนับสนุนได้รับการแสดงผล 1.8 ล้านครั้งจากแฟนกีฬาทั่วโลก
  translation: Scenario 1 – the tool company partners with a footballer with 22 million followers;
      the sponsored post gets 1.8 million impressions from sports fans worldwide.
  note: hypothetical scenario, not data; impressions per follower 1.8M/22M = 8.2% vs 20k/35k = 57%
      (derived, not stated); no prices in the scenario; 22M followers is mega under 001's own scheme
      (over 1 million)
C11 001
  original: สถานการณ์ที่ 2 – บริษัทเครื่องมือเป็นพันธมิตรกับไมโครอินฟลูเอนเซอร์ DIY ที่มีผู้ติดตาม 35,000 คนโพสต์เนื้อหาที่ได้รับการสนับสนุนได้รับการแสดงผล 20,000 ครั้งจากช่างไม้ที่กระตือรือร้น
  translation: Scenario 2 – the tool company partners with a DIY micro-influencer with 35,000
      followers; the sponsored post gets 20,000 impressions from keen woodworkers.
  note: hypothetical scenario, not data; impressions per follower 1.8M/22M = 8.2% vs 20k/35k = 57%
      (derived, not stated); no prices in the scenario
C11 001
  original: แม้ว่าจะมีความเป็นไปได้ที่แฟนฟุตบอลและผู้ใช้เครื่องมือไฟฟ้าจะเหลื่อมกันอยู่บ้าง แต่ความประทับใจจำนวนมากจะสูญเปล่าไปกับผู้ชมที่ไม่ได้ลงทุนในผลิตภัณฑ์ตั้งแต่เริ่มต้น
  translation: Although football fans and power-tool users may overlap somewhat, many impressions
      will be wasted on an audience that was never invested in the product.
  note: 'ความประทับใจ' is the machine translation of 'impressions'
C11 001
  original: ในทางกลับกัน บริษัทเกือบจะรับประกันได้ว่าผู้ติดตามไมโครอินฟลูเอนเซอร์ส่วนใหญ่จะสนใจเครื่องมือไฟฟ้า
  translation: On the other hand, the company can almost guarantee that most of the
      micro-influencer's followers will be interested in power tools.
C12 001
  original: ตัวอย่างเช่น แบรนด์ต่างๆ สามารถทำการทดสอบ A/B โดยร่วมมือกับผู้มีอิทธิพลรายย่อย 20 คนและให้คำแนะนำที่แตกต่างกันทั้งหมด เมื่อได้ผลลัพธ์ประสิทธิภาพของแต่ละโพสต์แล้ว การระบุแนวทางปฏิบัติที่ดีที่สุดเท่าที่จะเป็นไปได้สำหรับส่วนที่เหลือของแคมเปญก็เป็นเรื่องง่าย
  translation: For example, brands can run an A/B test by partnering with 20 micro-influencers and
      giving them all different instructions. Once each post's performance results are in, it is
      easy to identify the best possible practices for the rest of the campaign.
  note: 20 different briefs, one influencer each (not two arms of 10)
C13 001
  original: เมื่อบริษัทต่างๆ ใช้เงินจำนวนมหาศาลในการเป็นหุ้นส่วนกับผู้ทรงอิทธิพลรายใหญ่ พวกเขาใส่ไข่ทั้งหมดไว้ในตะกร้าใบเดียวหากอินฟลูเอนเซอร์ทำบางสิ่งเพื่อให้บัญชีของพวกเขาถูกระงับหรือมีเรื่องอื้อฉาวเกี่ยวกับการประชาสัมพันธ์ การลงทุนนั้นจะหายไป
  translation: When companies spend huge sums partnering with a major influencer, they put all their
      eggs in one basket. If the influencer does something that gets their account suspended, or has
      a PR scandal, that investment is gone.
  note: the risk named is a total loss through one event, not the spread of engagement
C13 001
  original: ด้วยวิธีนี้ การทำงานกับบัญชีขนาดเล็กช่วยให้ธุรกิจสามารถป้องกันความเสี่ยงจากการเดิมพันได้ทั้งหมด ในขณะที่กระจายกลยุทธ์ทางการตลาดและความคิดสร้างสรรค์ของพวกเขา
  translation: In this way, working with smaller accounts lets businesses hedge their bets while
      diversifying their marketing strategy and creativity.
C14 001
  original: #3 ไมโครอินฟลูเอนเซอร์มีตัวตนที่แท้จริงมากกว่า
  translation: #3 Micro-influencers are more authentic.
C14 001
  original: ผู้มีอิทธิพลระดับไมโครไม่ต้องทนทุกข์ทรมานจากการตีตรานี้ พวกเขาถูกมองว่าเป็นผู้เชี่ยวชาญในสาขาของตน—ผู้เชี่ยวชาญที่จะแนะนำผลิตภัณฑ์หากพวกเขาชอบจริงๆ เท่านั้น
  translation: Micro-influencers don't suffer from this stigma [of macro-influencers endorsing
      products for pay]. They are seen as experts in their field—experts who would recommend a
      product only if they really like it.
C14 004
  original: マイクロインフルエンサーは、信頼性と透明性の声です。
  translation: Micro-influencers are voices of trust and transparency.
C14 000
  original: ผู้เชี่ยวชาญได้ตั้งข้อสังเกตว่าไมโครอินฟลูเอนเซอร์มักจะมีความน่าเชื่อถือมากกว่าในสายตาของผู้ชม
  translation: Experts have noted that micro-influencers tend to be more credible in the eyes of
      their audience.
  note: 'experts' are not named
C14 003
  original: 전문가들은 마이크로 인플루언서가 일반적으로 오디언스 사이에서 더 높은 신뢰도를 가지고 있다고 지적합니다.
  translation: Experts point out that micro-influencers generally have higher credibility among
      their audiences.
C15 000
  original: พวกเขาพบได้บ่อยกว่ามากในระบบนิเวศของผู้มีอิทธิพล
  translation: They [nano-influencers] are much more common in the influencer ecosystem.
  note: 'much more common' (than the other tiers), not 'most'
C15 003
  original: 인플루언서 생태계에서는 훨씬 더 흔합니다.
  translation: They are far more common in the influencer ecosystem.
C16 001
  original: ทั่วโลก ธุรกิจต่างๆ ใช้เงินประมาณ 16.4 พันล้านดอลลาร์ในการตลาดโดยใช้อินฟลูเอนเซอร์ในปี 2565 เพียงปีเดียว
  translation: Worldwide, businesses spent about $16.4 billion on influencer marketing in 2022 (2565
      in the Thai calendar) alone.
  cites: footnote 1
  related: Influencer Marketing Hub's market-size series (benchmarks market_size.csv), which
      Statista uses
C17 000
  original: นอกจากนี้ พวกเขายังเรียกเก็บเงินน้อยกว่าคนอื่น
  translation: Moreover, they [nano-influencers] also charge less than others.
C17 003
  original: 또한 다른 사람보다 비용이 적게 듭니다.
  translation: They also cost less than others.
C17 004
  original: これらの小規模なクリエイターの多くは、15秒間の名声や製品のトレードアウトのために協力する可能性があります。
  translation: Many of these smaller creators [smaller micro- and nano-influencers] may collaborate
      for 15 seconds of fame or a product trade-out.
  note: supporting: payment in kind or none
C18 001
  original: ท้ายที่สุดแล้ว ป้ายราคาที่เข้าถึงได้มากขึ้นของไมโครอินฟลูเอนเซอร์หมายความว่าแบรนด์ต่างๆ สามารถเป็นพันธมิตรกับผู้สร้างหลายสิบคนเพื่อขยายเครือข่ายที่กว้างขึ้น—ทั้งหมดนี้สำหรับไมโครอินฟลูเอนเซอร์หรือเมกะอินฟลูเอนเซอร์เพียงรายเดียว
  translation: Ultimately, micro-influencers' more accessible price tag means brands can partner
      with dozens of creators to cast a wider net—all for [the price of] a single micro- [sic; meant
      macro-] or mega-influencer.
  note: 'หลายสิบ' is 'several tens'; the Thai again writes micro for macro
C18 002
  original: ฉันสามารถพูดได้ว่าการประหยัดต่อขนาดมีบทบาทอย่างแน่นอนในแง่ที่ว่ามันง่ายกว่า (ใช้เวลาน้อยลงและใช้แบนด์วิธที่เข้มข้น) ในการทำงานกับผู้มีอิทธิพลที่น้อยกว่าและมีขนาดใหญ่กว่าการพยายามประสานผู้มีอิทธิพลรายย่อยหลายร้อยหรือหลายพันคนเพื่อให้บรรลุการเข้าถึงเดียวกัน
  translation: I can say that economies of scale definitely play a role, in that it is easier (less
      time- and bandwidth-intensive) to work with fewer, larger influencers than to try to
      coordinate hundreds or thousands of micro-influencers to achieve the same reach.
  cites: in the text: Jeremy Shih of Mediakix, answering the author
  note: 'fewer, larger influencers' (plural) against hundreds or thousands of micro-influencers
C19 = C11[0]
C19 = C11[1]
C20 000
  original: ต่างจากผู้มีอิทธิพลระดับเมกะและมาโคร ผู้มีอิทธิพลระดับไมโครดึงดูด ผู้ชมเฉพาะกลุ่ม และสร้างความสัมพันธ์กับพวกเขา
  translation: Unlike mega- and macro-influencers, micro-influencers attract niche audiences and
      build relationships with them.
C20 003
  original: 메가 및 매크로 인플루언서와 달리 마이크로 인플루언서는 틈새 오디언스를 끌어들이고 그들과 관계를 구축합니다.
  translation: Unlike mega- and macro-influencers, micro-influencers attract niche audiences and
      build relationships with them.
C20 001
  original: เมื่อผู้มีอิทธิพลในระดับมหภาคและผู้มีอิทธิพลขนาดใหญ่ก้าวสู่สถานะซุปเปอร์สตาร์ พวกเขาจะดึงดูดผู้ชมในวงกว้างที่สุดเท่าที่จะเป็นไปได้อย่างหลีกเลี่ยงไม่ได้ แต่ไมโครอินฟลูเอนเซอร์ยังคงตอบสนองกลุ่มคนเฉพาะกลุ่ม
  translation: As macro- and mega-influencers rise to superstar status, they inevitably attract the
      broadest possible audience, but micro-influencers still cater to a niche group of people.
  note: under the heading '#1 Micro-influencers cover niche markets'
C20 004
  original: 彼らは、これらの影響力のある人々とより深いつながりを持つ、より小さなファン層、ニッチな聴衆に直接話しかけます。
  translation: They speak directly to a smaller fan base, a niche audience, with a deeper connection
      to these influential people.
C20 002
  original: หรือว่าการลงทุนของคุณใช้จ่ายไปกับผู้มีอิทธิพลเฉพาะกลุ่มมากขึ้นหรือไม่ - ผู้มีอิทธิพลขนาดเล็ก
  translation: or whether your investment is spent on more niche influencers – micro-influencers.
  note: 002 equates micro-influencers with niche influencers in passing
C21 001
  original: ในแนวทางเดียวกัน ผู้มีอิทธิพลขนาดเล็กมีแนวโน้มที่จะมีข้อตกลงกับแบรนด์ที่กำลังดำเนินอยู่น้อยลง อิสระสัมพัทธ์นี้ช่วยให้พวกเขาสามารถอุทิศเวลาและความพยายามให้กับแบรนด์เดียวได้มากขึ้น
  translation: Along the same lines, micro-influencers tend to have fewer ongoing brand deals. This
      relative freedom lets them devote more time and effort to a single brand.
C21 004
  original: フォロワー数がマイクロインフルエンサーステータスの上限(100,000に近づく)に達すると、それらの個人がブランドと会話した可能性があります。
  translation: When the follower count reaches the upper limit of micro-influencer status
      (approaching 100,000), it is possible that those individuals have talked with brands.
  note: 'may have talked with brands', weaker than 'already work with brands'
C22 001
  original: ผู้มีอิทธิพลขนาดเล็กที่อาจไม่รู้จักแบรนด์สามารถกลายเป็นผู้สนับสนุนที่กระตือรือร้นที่สุดได้ทันที โพสต์ที่ได้รับการสนับสนุน 1 โพสต์กลายเป็นชุดวิดีโอ และอินฟลูเอนเซอร์จะกลายเป็นแบรนด์แอมบาสเดอร์
  translation: A micro-influencer who may not have known the brand can instantly become its most
      enthusiastic advocate. One sponsored post becomes a video series, and the influencer becomes a
      brand ambassador.
  note: under '#6 Relationships can blossom'
C23 002
  original: ฉันคิดว่าสิ่งสำคัญคือต้องจำไว้ว่าสิ่งนี้ขึ้นอยู่กับ Instagram เท่านั้นไม่ใช่สื่ออื่น ๆ เช่นบล็อกพอดแคสต์ Facebook Twitter หรือ LinkedIn ฉันเชื่อว่าเครื่องมือแสดงภาพอย่าง Instagram สามารถบิดเบือนผลลัพธ์ของการวิเคราะห์เช่นนี้ได้อย่างมีนัยสำคัญในความโปรดปรานของคนดัง
  translation: I think it is important to remember that this is based on Instagram only, not on
      other media such as blogs, podcasts, Facebook, Twitter or LinkedIn. I believe a visual tool
      like Instagram can significantly skew the results of an analysis like this in favour of
      celebrities.
  note: the author's own caveat on the Mediakix study (C02, C03)
C23 004
  original: また、アクティブ化するプラットフォームについても検討する必要があります。 マイクロインフルエンサーは、FacebookやTwitterなどの特定のネットワークに特に部分的です。
  translation: You should also consider which platform to activate on. Micro-influencers are
      particularly partial to certain networks, such as Facebook and Twitter.
"""


def _records(block: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for record in re.split(r"\n(?=C\d\d )", block.strip()):
        head, *rows = record.split("\n")
        cid, _, article = head.partition(" ")
        if article.startswith("= "):
            same, i = re.fullmatch(r"= (C\d\d)\[(\d+)\]", article).groups()
            out.setdefault(cid, []).append(out[same][int(i)])
            continue
        fields: dict[str, str] = {}
        key = ""
        for row in rows:
            if row.startswith("   "):
                fields[key] += " " + row.strip()
            else:
                key, _, value = row.strip().partition(": ")
                fields[key] = value
        fn = re.fullmatch(r"footnote (\d+)", fields.get("cites", ""))
        if fn:
            fields["cites"] = _fn(article, int(fn.group(1)))
        out.setdefault(cid, []).append(_c(article, **fields))
    return out


CLAIM_SOURCES: dict[str, list[dict]] = _records(_RECORDS)


def citations(claim_id: str) -> list[dict]:
    """The citations of one claim (raises KeyError for an unknown id)."""
    try:
        return CLAIM_SOURCES[claim_id]
    except KeyError:
        raise KeyError(
            f"unknown claim {claim_id!r}; known: {', '.join(sorted(CLAIM_SOURCES))}"
        ) from None


def source_group(article: str) -> tuple[str, ...]:
    """The articles that are one source with ``article`` (itself and its translations)."""
    other = ARTICLES[article]["same_as"]
    return tuple(sorted({article, other} - {None}))


def independent_sources(claim_id: str) -> list[tuple[str, ...]]:
    """The distinct sources of a claim: its articles, translations of one article counted once."""
    return sorted({source_group(c["article"]) for c in citations(claim_id)})


# Headings that open a source list (compared without a trailing colon, case-insensitively):
# Thai, Korean, Japanese, English.
_LIST_HEADINGS = frozenset(
    ("แหล่งที่มา", "แหล่งอ้างอิง", "อ้างอิง", "เอกสารอ้างอิง", "ที่มา", "출처", "참고 문헌", "참고문헌")
    + ("参考文献", "出典", "参照", "sources", "references", "bibliography")
)
_ITEM = re.compile(r"^\s*(?:[-•*–·]|\[(\d{1,3})\]|(\d{1,3})[.)])\s*(\S.*?)\s*$")
_MARKER = re.compile(r"[ \t]?(\d{1,3})(?=\s|$)")


def parse_source_list(text: str) -> dict[int, str]:
    """The source list at the end of an article: footnote number -> entry text.

    A source list is a heading line ("แหล่งที่มา:", "Sources", "출처", "参考文献", ...) followed by
    list items ("- ", "• ", "1. ", "[1] "); blank lines between items are allowed and the first
    other line ends the list. Unnumbered items are numbered by their order, numbered ones keep
    their number. When an article has several such lists the last one counts; none gives ``{}``.
    """
    lines = text.splitlines()
    found: dict[int, str] = {}
    for i, line in enumerate(lines):
        if line.strip().rstrip(":：").strip().lower() not in _LIST_HEADINGS:
            continue
        items: dict[int, str] = {}
        for item in lines[i + 1 :]:
            if not item.strip():
                continue
            m = _ITEM.match(item)
            if not m:
                break
            n = m.group(1) or m.group(2)
            items[int(n) if n else len(items) + 1] = m.group(3)
        if items:
            found = items
    return found


def footnote_after(text: str, words: str) -> int | None:
    """The footnote marker set right after the first occurrence of ``words`` in ``text``.

    A marker is a numeral directly after the words or after one space, followed by white space
    or the end of the text ("... 60% 4", "... คน2 บาง"); ``None`` when there is none (or the
    words do not occur). Only meaningful in an article that has a source list.
    """
    at = text.find(words)
    if at < 0:
        return None
    m = _MARKER.match(text, at + len(words))
    return int(m.group(1)) if m else None


def article_text(article: str, seeds_dir: str | Path = SEEDS_DIR) -> str:
    """The text of a seed article (requires the seeds folder)."""
    return (Path(seeds_dir) / ARTICLES[article]["file"]).read_text(encoding="utf-8")


def source_list(article: str, seeds_dir: str | Path = SEEDS_DIR) -> dict[int, str]:
    """The parsed source list of a seed article (``{}`` when it has none)."""
    return parse_source_list(article_text(article, seeds_dir))


def _label_fits(label: str, entry: str) -> bool:
    """Whether a label's publisher (and year, if it gives one) appear in the entry's address."""
    m = re.match(r"(.+?)(?: (\d{4}))?, ", label)
    url = re.search(r"https?://\S+", entry)
    if not (m and url):
        return False
    name = m.group(1).replace(" ", "").lower()
    return name in url.group(0).lower() and (not m.group(2) or f"/{m.group(2)}/" in url.group(0))


def verify(seeds_dir: str | Path = SEEDS_DIR) -> list[str]:
    """Problems found by reading the seed files (empty = all good).

    Checks that every quote occurs verbatim; that each article's parsed source list equals
    ``SOURCE_LISTS`` and its markers sit after the recorded words, in list order; that every
    footnote named in ``cites`` exists in its article's list, is labelled as that entry, and is
    the marker set right after the quote (and a quote that carries a marker names it); and that
    ``same_as`` pairs are symmetric.
    """
    problems = []
    texts = {a: article_text(a, seeds_dir) for a in ARTICLES}
    lists = {a: parse_source_list(t) for a, t in texts.items()}
    for a, meta in ARTICLES.items():
        if meta["same_as"] and ARTICLES[meta["same_as"]]["same_as"] != a:
            problems.append(f"article {a}: same_as {meta['same_as']} is not symmetric")
        want = {n: e[2] for n, e in SOURCE_LISTS.get(a, {}).items()}
        if lists[a] != want:
            problems.append(f"article {a}: source list {lists[a]} differs from SOURCE_LISTS")
        pos = [texts[a].find(e[1]) for _, e in sorted(SOURCE_LISTS.get(a, {}).items())]
        if pos != sorted(pos):
            problems.append(f"article {a}: footnote markers are not in source-list order")
        for n, (label, anchor, entry) in SOURCE_LISTS.get(a, {}).items():
            if footnote_after(texts[a], anchor) != n:
                problems.append(f"article {a}: footnote {n} is not set after {anchor!r}")
            if not _label_fits(label, entry):
                problems.append(f"article {a}: footnote {n} label {label!r} does not fit {entry!r}")
    for cid, cits in CLAIM_SOURCES.items():
        for i, c in enumerate(cits):
            a, where = c["article"], f"{cid}[{i}] ({c['article']})"
            if c["original"] not in texts[a]:
                problems.append(f"{where} not found verbatim in article {a}")
                continue
            named = re.findall(r"footnote (\d+): ([^;]*)", c["cites"])
            if tuple(int(n) for n, _ in named) != c["footnotes"]:
                problems.append(f"{where}: footnotes {c['footnotes']} differ from cites")
            for n, label in named:
                entry = SOURCE_LISTS.get(a, {}).get(int(n))
                if int(n) not in lists[a]:
                    problems.append(f"{where}: footnote {n} is not in article {a}'s source list")
                elif entry is None or not label.startswith(entry[0]):
                    problems.append(f"{where}: footnote {n} is not {label!r} in article {a}")
            marker = footnote_after(texts[a], c["original"]) if lists[a] else None
            if set(c["footnotes"]) != ({marker} if marker else set()):
                problems.append(
                    f"{where}: the quote carries footnote {marker}, cites names "
                    f"{c['footnotes'] or 'none'}"
                )
    return problems
