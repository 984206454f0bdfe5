"""The claims registry: every article claim as one row of plain data.

Each :class:`~influtiers.claims.model.Claim` says what is claimed and where (articles; what
the article itself cites, by its footnote; related evidence it does not cite), how it is
operationalised (metric, unit, comparison, scheme), the test, the decision rule, the
number the article states (``claimed``; None where it states none), the kind of rule
(``rule``) and the name of its evaluator: the functions live in
:mod:`influtiers.claims.evaluators`, like scikit-learn's scorer table.

>>> CLAIMS["C02"].title
'Micro and macro engagement rates are about equal'
>>> CLAIMS["C04"].claimed, CLAIMS["C05"].claimed
(1.6, None)
"""

from __future__ import annotations

from .model import Claim

_BAND = (
    "band = claimed x (margin low, margin high), default claimed / 1.25 to claimed x 1.25; "
    "supported if the 90% CI lies inside the band; contradicted if the 95% CI lies entirely "
    "outside it (direction: overstated below, understated above); else inconclusive"
)
_UP = "supported if the one-sided test of {a} > {b} rejects at 5%; contradicted if the "
_UP += "one-sided test of {a} < {b} rejects; else inconclusive"

CLAIMS: dict[str, Claim] = {
    c.id: c
    for c in (
        Claim(
            id="C01",
            title="Tier cut-points differ between sources",
            statement="Sources differ on the follower cut-points (001: the counts of each "
            "class 'vary depending on the source'): the nano floor is 100 (000/003), "
            "preferably 1,000 (001) or none (004); Mediakix (002) sets macro at over 100k on "
            "Instagram and at least 250k on YouTube/Facebook; all agree micro = 10k-100k.",
            articles=("000", "001", "002", "003", "004"),
            cites="001 footnote 2: Forbes 2022, 'Macro-influencers vs micro-influencers: the "
            "great social media debate' (micro band); 002 in the text: Mediakix (macro bounds "
            "by platform)",
            metric="tier labels",
            unit="influencer",
            comparison="the articles' schemes against each other",
            scheme="highsocial-2024",
            test="classification of the same accounts under each scheme",
            decision_rule="descriptive: the share of influencers labelled differently by each "
            "article's scheme (true by inspection of the bounds; the data say how much it "
            "matters); not counted among the data verdicts",
            evaluator="tier_schemes",
            rule="descriptive",
        ),
        Claim(
            id="C02",
            claimed=1.0,
            title="Micro and macro engagement rates are about equal",
            statement="Mediakix (quoted in 002) analysed more than 700 sponsored Instagram "
            "posts from 16 brands that worked with both tiers: performance is 'roughly equal "
            "when judged on engagement rate alone'.",
            articles=("002",),
            cites="002 in the text: the Mediakix infographic 'The influencer battle: macro "
            "vs micro' (no footnote)",
            related="Mediakix 2017 as quoted by MarketingProfs 2017: 742 sponsored posts, 16 "
            "brands, 2.75% micro vs 2.65% macro (benchmarks engagement_rates.csv)",
            metric="engagement rate per influencer (median of its sponsored posts)",
            unit="influencer",
            comparison="micro / macro, ratio of geometric means",
            scheme="mediakix-2017",
            test="TOST on log influencer rates (equal-variance t); with several platforms, "
            "per platform and with platform fixed effects (OLS on log rates)",
            decision_rule=_BAND + " (claimed 1: the band is the equivalence margin)",
            evaluator="parity",
            rule="band",
            per_platform=True,
        ),
        Claim(
            id="C03",
            title="Macro-influencers win on total likes, comments and reach",
            statement="Macro-influencers win on total likes, comments and reach (Mediakix, "
            "quoted in 002); read per post.",
            articles=("002",),
            cites="002 in the text: the Mediakix infographic (no footnote)",
            metric="likes, comments and reach per post (absolute), each a part",
            unit="influencer",
            comparison="macro / micro, ratio of tier means (sponsored posts)",
            scheme="mediakix-2017",
            test="one-sided cluster bootstrap of each part's ratio; intersection-union test",
            decision_rule="supported if every part's one-sided test of macro > micro rejects at "
            "5% (p = the largest); contradicted if a part's one-sided test of macro < micro "
            "rejects after Holm over the parts tested; else inconclusive; missing parts named",
            evaluator="absolute_macro",
            rule="intersection-union",
            per_platform=True,
        ),
        Claim(
            id="C04",
            claimed=1.6,
            title="People engage about 60% more with micro-influencers",
            statement="Users engage with micro-influencers' posts about 60% more than with "
            "[macro-influencers: the Thai literally says micro].",
            articles=("001",),
            cites="001 footnote 4: Forbes 2021, 'Micro-influencers: when smaller is better'",
            related="HelloSociety, quoted by the Digital Marketing Institute (001's footnote "
            "3, set after another sentence): micro campaigns get 60% more engagement than "
            "*average* campaigns, not than macro",
            metric="engagement rate per influencer (mean of its posts)",
            unit="influencer",
            comparison="micro / macro, ratio of tier means",
            scheme=None,
            test="ratio of tier means with a small-sample interval (per platform); PPML with "
            "platform fixed effects",
            decision_rule=_BAND + " (1.28-2.00 for the claimed 1.60)",
            evaluator="lift",
            rule="band",
            per_platform=True,
        ),
        Claim(
            id="C05",
            title="Engagement rate falls as followers grow",
            statement="Because of their larger followings, micro-influencers' engagement rates "
            "may not match nano-influencers'; nano's smaller followings balance the rate "
            "(000/003). Read as: the rate falls with follower count.",
            articles=("000", "003"),
            cites="",
            metric="elasticity of reported engagement w.r.t. reported followers, minus 1 "
            "(a descriptive estimand: noise in reported followers alone biases it downwards)",
            unit="influencer",
            comparison="slope of log mean engagement on log followers",
            scheme=None,
            test="influencer-level OLS (CV3, t); PPML over posts and segments (at least 1k, "
            "10k followers) reported; follower-noise sensitivity",
            decision_rule="supported if the one-sided test of a rate elasticity below 0 rejects "
            "at 5% (the 95% CI's upper bound is below 0 for the two-sided reading); "
            "contradicted if the opposite one-sided test rejects; else inconclusive; "
            "estimators-disagree flagged",
            evaluator="rate_decline",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C06",
            title="Micro beats nano on absolute engagement per post",
            statement="Micro-influencers usually attract more engagement per post than nano: "
            "their posts reach more people and get more likes, replies, shares and reposts "
            "(000/003).",
            articles=("000", "003"),
            cites="",
            metric="engagement per post (every engagement column present); parts: each "
            "count and reach",
            unit="influencer",
            comparison="micro / nano, ratio of tier means",
            scheme=None,
            test="one-sided cluster bootstrap",
            decision_rule=_UP.format(a="micro", b="nano") + " (on the headline engagement; "
            "the parts are reported)",
            evaluator="micro_vs_nano",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C07",
            title="Micro-influencers sit in a Goldilocks zone",
            statement="Micro-influencers (under 100k) sit in a 'Goldilocks zone': not so "
            "unknown that nobody cares, not untouchable, accessible to brands of every size "
            "(001); big enough to make waves, small enough for a deep connection (004).",
            articles=("001", "004"),
            cites="",
            related="Wies, Bleier & Edeling 2023 (J. Marketing 87(3)): engagement volume is an "
            "inverted U in followers peaking near 1M (cited by neither article)",
            metric="(a) engagement per post; (b) engagement per dollar (cost-efficiency)",
            unit="influencer",
            comparison="quadratic in log followers",
            scheme=None,
            test="Lind-Mehlum test and Fieller set of the turning point (PPML of influencer "
            "sums, CV3, t)",
            decision_rule="supported if Lind-Mehlum rejects (an inverted U) and the 95% Fieller "
            "set lies inside the micro tier; contradicted if the mirror test rejects (a U), or "
            "both end slopes are significant with one sign (monotone), or the Fieller set is "
            "disjoint from the micro tier; inconclusive otherwise (including a Fieller set "
            "that is the whole line); not-testable without a micro tier",
            evaluator="goldilocks",
            rule="shape",
            per_platform=True,
        ),
        Claim(
            id="C08",
            claimed=10_000.0,
            title="A big influencer's post can cost over $10,000; a micro feed post $100",
            statement="One post from a big influencer can cost more than $10,000, often much "
            "more; a micro-influencer may charge just $100 for a feed post (001).",
            articles=("001",),
            cites="001 footnote 5: Shopify, 'Influencer pricing: how much should you pay?'",
            related="Shopify's table (benchmarks prices.csv, Instagram): micro $100-500, macro "
            "(500k-1M) $5,000-10,000, mega (1M+) $10,000+",
            metric="price per post in the analysis currency (influencer's mean price)",
            unit="influencer",
            comparison="macro and mega: share of priced posts over $10,000; micro: median",
            scheme=None,
            test="cluster bootstrap of the share (ratio of sums over influencers); median with "
            "a bootstrap interval",
            decision_rule="parts macro and mega: supported if the share's lower 95% bound is at "
            "least 10%, contradicted if its upper bound is below 10%; part micro: the band "
            "rule around $100 on the median; headline: supported if the macro and micro parts "
            "are both supported, contradicted if either is contradicted",
            evaluator="prices",
            rule="parts",
            params={"share": 0.10, "micro_price": 100.0},
        ),
        Claim(
            id="C09",
            title="CPM falls with influencer size",
            statement="CPM (cost per 1,000 impressions) tends to fall as you work with larger "
            "influencers (Jeremy Shih of Mediakix, in 002).",
            articles=("002",),
            cites="002 in the text: Jeremy Shih (Mediakix), answering the author (no footnote)",
            metric="price per 1,000 impressions (else reach, views; followers as a last resort)",
            unit="influencer",
            comparison="slope of log CPM on log followers",
            scheme=None,
            test="influencer-level OLS (CV3, t) of log(price / denominator x 1,000) on log "
            "followers, over the priced posts",
            decision_rule="the denominator is the first of impressions, reach and views present "
            "on at least 80% of the priced posts, else followers (flagged); supported if the "
            "slope's 95% CI lies below 0, contradicted if above 0; else inconclusive",
            evaluator="cpm",
            rule="directional",
        ),
        Claim(
            id="C10",
            title="Micro campaigns are more cost-effective",
            statement="Micro-influencer campaigns are more cost-effective; the section's only "
            "evidence is the price gap ($10,000+ for a big influencer's post vs $100 for a "
            "micro feed post) (001).",
            articles=("001",),
            cites="001 footnote 5: Shopify (the prices under the heading; the heading has no "
            "footnote)",
            related="HelloSociety, quoted by the Digital Marketing Institute (001's footnote "
            "3, set after another sentence): micro campaigns 6.7x more cost-effective",
            metric="price per engagement (price per post / engagement per post)",
            unit="influencer",
            comparison="micro / macro, ratio of tier medians",
            scheme=None,
            test="one-sided cluster bootstrap of the ratio of medians",
            decision_rule="supported if the one-sided test of micro's cost per engagement "
            "below macro's rejects at 5%; contradicted if the one-sided test of micro's above "
            "macro's rejects; else inconclusive",
            evaluator="cost_per_engagement",
            rule="directional",
        ),
        Claim(
            id="C11",
            title="The footballer vs DIY scenario favours the micro-influencer",
            statement="A power-tool brand: a footballer with 22M followers (mega) gets 1.8M "
            "impressions from sports fans, many of them wasted; a DIY micro-influencer with "
            "35k followers gets 20k impressions from keen woodworkers (001).",
            articles=("001",),
            cites="",
            metric="impressions per follower, cost per impression",
            unit="scenario",
            comparison="mega vs micro",
            scheme=None,
            test="arithmetic on the article's figures; the prices are assumptions (section "
            "#4's $10,000 and $100), so the verdict is over a price range",
            decision_rule="descriptive: the micro post's price at which it is cheaper per "
            "impression, over a range of prices; the data's impressions per follower by tier "
            "against the scenario's 8% and 57%, when impressions exist",
            evaluator="scenario",
            rule="descriptive",
        ),
        Claim(
            id="C12",
            title="Test briefs with an A/B test across 20 micro-influencers",
            statement="Brands can A/B test by partnering with 20 micro-influencers and giving "
            "them different instructions; once each post's results are in, the best practice "
            "is easy to identify (001).",
            articles=("001",),
            cites="",
            metric="log engagement rate of a brief's posts",
            unit="influencer",
            comparison="two arms of the influencers (default 10 vs 10)",
            scheme=None,
            test="simulation with the data's overdispersion, posts per influencer and "
            "between-influencer SD (per platform); the minimum detectable lift from the same "
            "simulation",
            decision_rule="supported if the simulated power to detect the lift (default 20%) "
            "is at least 80% (Monte Carlo interval above); contradicted if its interval lies "
            "below 80%",
            evaluator="ab_power",
            rule="simulation",
            per_platform=True,
            params={"n_influencers": 20, "lift": 1.2, "power": 0.8},
        ),
        Claim(
            id="C13",
            title="One macro-influencer is all eggs in one basket",
            statement="Spending a huge sum on one major influencer puts all eggs in one "
            "basket; many smaller accounts hedge the bet (001).",
            articles=("001",),
            cites="",
            metric="total engagement of a campaign (a proxy: the named risk is a scandal or a "
            "suspension, which post data do not show)",
            unit="simulated campaign",
            comparison="one macro post vs micro posts for the same budget (a typical macro price)",
            scheme=None,
            test="Monte Carlo portfolio risk",
            decision_rule="supported if the macro plan's coefficient of variation is higher "
            "than the micro plan's (Monte Carlo interval excludes equality); contradicted if "
            "lower",
            evaluator="portfolio",
            rule="simulation",
        ),
        Claim(
            id="C14",
            title="Micro-influencers are more authentic",
            statement="Micro-influencers are more authentic, credible and trusted than bigger "
            "(macro) influencers (001, 004; 000/003: experts note higher credibility).",
            articles=("000", "001", "003", "004"),
            cites="",
            metric="sponsored / organic engagement rate within influencer (a proxy: trust is "
            "not observed in post data)",
            unit="influencer",
            comparison="penalty micro / macro",
            scheme=None,
            test="Welch t on within-influencer log ratios; platform fixed effects by OLS",
            decision_rule="supported if the one-sided test of a smaller sponsored-post penalty "
            "for micro than macro (ratio > 1) rejects at 5%; contradicted if the one-sided test "
            "of ratio < 1 rejects; else inconclusive",
            evaluator="sponsored_penalty",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C15",
            title="Nano-influencers are by far the most common",
            statement="Nano-influencers are much more common in the influencer ecosystem "
            "(than the other tiers) (000/003).",
            articles=("000", "003"),
            cites="",
            metric="influencers per tier",
            unit="influencer",
            comparison="nano vs each other tier",
            scheme=None,
            test="conditional binomial tests: nano's count out of nano plus each tier's, "
            "against r / (1 + r) for 'by far' = r times as common (default r = 2); Holm",
            decision_rule="supported if every tier's one-sided test of 'nano more than r times "
            "as common' rejects after Holm; contradicted if a tier's test of 'less than r "
            "times' rejects after Holm; else inconclusive; flagged selected-sample unless the "
            "data are a census",
            evaluator="nano_share",
            rule="directional",
            params={"by_far": 2.0},
        ),
        Claim(
            id="C16",
            claimed=16.4,
            title="Influencer marketing was a $16.4B market in 2022",
            statement="Worldwide, businesses spent about $16.4 billion on influencer marketing "
            "in 2022 alone (001).",
            articles=("001",),
            cites="001 footnote 1: Statista, 'Global influencer marketing market size 2016-2022'",
            related="the Influencer Marketing Hub series (benchmarks market_size.csv), which "
            "Statista uses",
            metric="market size (USD bn)",
            unit="year",
            comparison="published series",
            scheme=None,
            test="lookup in the published series (benchmark ledger)",
            decision_rule="published aggregates: consistent if the 2022 figure lies in the band "
            "16.4 / 1.25 to 16.4 x 1.25, else inconsistent; not observable in post data",
            evaluator="market_size",
            rule="band",
        ),
        Claim(
            id="C17",
            title="Nano-influencers charge less than every other tier",
            statement="Nano-influencers also charge less than others (000/003; 'others' read "
            "as every bigger tier); many smaller creators may collaborate for 15 seconds of "
            "fame or a product trade-out (004, supporting).",
            articles=("000", "003", "004"),
            cites="",
            related="Shopify's table (benchmarks prices.csv, Instagram): nano $10-100, micro "
            "$100-500 per post",
            metric="price per post (the influencer's mean price per priced post, in the "
            "analysis currency)",
            unit="influencer",
            comparison="nano / each other tier, ratio of geometric means",
            scheme=None,
            test="one-sided t-test per tier pair on log prices (OLS, CV3; platform intercepts "
            "in the fixed-effects row); Holm over the pairs",
            decision_rule="per tier pair with 10 priced influencers in each tier, one-sided "
            "tests of nano cheaper and of nano dearer, Holm-adjusted over the pairs; supported "
            "if every pair's adjusted p of nano cheaper is below 5% (p = the largest); "
            "contradicted if some pair's adjusted p of nano dearer is; else inconclusive; "
            "influencers with a mean price of 0 (paid in kind) are counted and left out of "
            "the logs",
            evaluator="nano_cheaper",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C18",
            title="One big post buys dozens of micro posts; its reach takes hundreds",
            statement="Micro-influencers' accessible price tag lets brands partner with "
            "dozens of creators for [the price of] a single macro- [the Thai says micro] or "
            "mega-influencer (001); matching the reach of fewer, larger influencers takes "
            "coordinating hundreds or thousands of micro-influencers (Jeremy Shih of Mediakix, "
            "in 002).",
            articles=("001", "002"),
            cites="002 in the text: Jeremy Shih (Mediakix), answering the author (no footnote)",
            related="001's own section #4 figures ($10,000+ for a big influencer's post, $100 "
            "for a micro feed post: C08) give a ratio of 100",
            metric="(price) price per post; (reach) reach per post, else impressions or views "
            "(each platform's first present on 80% of its posts)",
            unit="influencer",
            comparison="one macro (mega) post / one micro post, ratio of tier medians, against "
            "'dozens' = 24 and 'hundreds' = 200",
            scheme=None,
            test="cluster bootstrap of each ratio of tier medians, one-sided against its "
            "threshold (fixed-effects row: ratio of geometric means within platforms, t); "
            "Holm over the parts",
            decision_rule="'dozens' read as at least 24 (two dozen) and 'hundreds or thousands' "
            "as at least 200 (params); per part (price and reach; macro and mega) the one-sided "
            "bootstrap p-values of 'at least the threshold' (the share of replicates at or "
            "below it) and of 'below it', Holm-adjusted over the parts; supported if every "
            "part's adjusted p of 'at least' is below 5%; contradicted (overstated) if some "
            "part's adjusted p of 'below' is; else inconclusive; reach parts not testable "
            "without reach, impressions or views",
            evaluator="many_micro",
            rule="parts",
            per_platform=True,
            params={"dozens": 24.0, "hundreds": 200.0},
        ),
        Claim(
            id="C19",
            title="Reach per follower falls as followers grow",
            statement="A footballer with 22M followers gets 1.8M impressions and a DIY "
            "micro-influencer with 35k followers 20k (001's scenario): impressions (reach) per "
            "follower fall with size (8.2% vs 57.1%, derived, not stated).",
            articles=("001",),
            cites="",
            metric="reach per post (else impressions, views) / followers",
            unit="influencer",
            comparison="elasticity w.r.t. followers (slope of log reach per post on log "
            "followers, minus 1)",
            scheme=None,
            test="influencer-level OLS (CV3, t), platform intercepts in the fixed-effects row; "
            "the scenario's implied -0.30 and a follower-noise sensitivity reported",
            decision_rule="supported if the one-sided test of an elasticity below 0 (slope "
            "below 1) rejects at 5%; contradicted if the one-sided test of an elasticity above "
            "0 rejects; else inconclusive; not testable without reach, impressions or views "
            "(followers cannot stand in for reach)",
            evaluator="reach_per_follower",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C20",
            title="Micro-influencers have niche audiences",
            statement="Unlike mega- and macro-influencers, micro-influencers attract niche "
            "audiences (000/003); micro-influencers still cater to a niche group (001); they "
            "speak to a niche audience (004); micro-influencers are 'more niche influencers' "
            "(002). Read in post data as: micro content is concentrated on fewer topics.",
            articles=("000", "001", "002", "003", "004"),
            cites="",
            metric="category concentration per influencer: the unbiased Herfindahl (Simpson) "
            "index of its posts' content categories (a proxy: audience interests are not in "
            "post data)",
            unit="influencer",
            comparison="micro / macro and micro / mega, ratio of tier means",
            scheme=None,
            test="PPML of influencer values on tier (CV3, t; platform intercepts in the "
            "fixed-effects row); one-sided per pair; Holm over the pairs",
            decision_rule="supported if every pair's Holm-adjusted one-sided p of micro more "
            "concentrated is below 5% (p = the largest); contradicted if some pair's adjusted p "
            "of micro less concentrated is; else inconclusive; pairs need 10 influencers with "
            "two or more categorised posts in each tier; not testable without a category "
            "column",
            evaluator="niche",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C21",
            title="Micro-influencers have fewer ongoing brand deals",
            statement="Micro-influencers tend to have fewer ongoing brand deals, which frees "
            "them to devote more time to a single brand (001); accounts near 100k may already "
            "have talked with brands (004: hedged, not tested).",
            articles=("001", "004"),
            cites="",
            metric="(brands, decides) distinct sponsoring brands per influencer; (share, "
            "reported) sponsored posts / posts",
            unit="influencer",
            comparison="micro / macro and micro / mega: ratio of tier means (brands), ratio of "
            "pooled shares (share)",
            scheme=None,
            test="PPML of influencer sums (offset log posts for the share; CV3, t; platform "
            "intercepts in the fixed-effects row); one-sided per pair; Holm over the pairs of "
            "each reading",
            decision_rule="decided on distinct brands per influencer: supported if every "
            "pair's Holm-adjusted one-sided p of micro fewer is below 5% (p = the largest); "
            "contradicted if some pair's adjusted p of micro more is; else inconclusive; the "
            "share of sponsored posts is reported in its own rows by the same rule; not "
            "testable without brands (the share rows are still shown); assumes comparable "
            "observation windows across tiers (posts per influencer by tier reported)",
            evaluator="brand_load",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C22",
            title="A micro-influencer's sponsored post grows into a partnership",
            statement="A micro-influencer who may not have known the brand can become its "
            "most enthusiastic advocate: one sponsored post becomes a video series and the "
            "influencer a brand ambassador (001). Read as: micro brand partnerships repeat more "
            "often than bigger influencers'.",
            articles=("001",),
            cites="",
            metric="share of brand-influencer pairs with more than one sponsored post "
            "(ambassadorships are not observed)",
            unit="influencer",
            comparison="micro / macro and micro / mega, ratio of pooled shares",
            scheme=None,
            test="PPML of repeated pairs, offset log pairs (CV3, t; platform intercepts in the "
            "fixed-effects row); one-sided per pair; Holm over the pairs; per-tier shares with "
            "cluster bootstrap intervals",
            decision_rule="supported if every pair's Holm-adjusted one-sided p of micro "
            "repeating more is below 5% (p = the largest); contradicted if some pair's "
            "adjusted p of micro repeating less is; else inconclusive; not testable without "
            "brand and sponsored columns; sponsored posts per pair by tier are reported (more "
            "posts per pair give more repeats)",
            evaluator="repeat_partners",
            rule="directional",
            per_platform=True,
        ),
        Claim(
            id="C23",
            title="Results depend on the platform",
            statement="The Mediakix comparison (C02, C03) is Instagram-only, and a visual "
            "tool like Instagram can significantly skew such results in favour of celebrities "
            "(002); consider which platform to activate: micro-influencers favour certain "
            "networks (004).",
            articles=("002", "004"),
            cites="",
            metric="the micro / macro contrasts of C02 (median sponsored rate, ratio of "
            "geometric means) and C04 (mean rate, ratio of means)",
            unit="influencer",
            comparison="the contrast on each platform / the contrast on Instagram (else the "
            "first platform): the tier x platform interaction",
            scheme=None,
            test="one model per contrast with tier x platform terms (OLS on log rates; PPML; "
            "CV3, t); two-sided per platform; Holm over contrasts and platforms; TOST within "
            "the margin",
            decision_rule="supported if some interaction differs from 1 (two-sided, "
            "Holm-adjusted p below 5%; p = the smallest); contradicted if every interaction's "
            "90% CI lies within the margin (default 0.8 to 1.25: the contrast is equal across "
            "platforms); else inconclusive; not testable with fewer than two platforms with 10 "
            "micro and 10 macro influencers; 002's direction (Instagram favours bigger "
            "accounts: a ratio above 1) reported",
            evaluator="platform_dependence",
            rule="parts",
        ),
    )
}
