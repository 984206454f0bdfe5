"""The claims registry: every article claim as one row of plain data.

Each :class:`~influtiers.claims.model.Claim` says what is claimed, where (articles and
the study the article cites), how it is operationalised (metric, unit, comparison,
scheme), which test it uses, the decision rule, the number the article states
(``claimed``; None where it states none) and the name of its evaluator (the functions
live in :mod:`influtiers.claims.evaluators`, like scikit-learn's scorer table).

>>> CLAIMS["C02"].title
'Micro and macro engagement rates are about equal'
>>> CLAIMS["C04"].claimed, CLAIMS["C05"].claimed
(1.6, None)
"""

from __future__ import annotations

from .model import Claim

CLAIMS: dict[str, Claim] = {
    c.id: c
    for c in (
        Claim(
            id="C01",
            title="Tier cut-points differ between sources",
            statement="Nano/micro/macro/mega cut-points differ: 000 and 003 start nano at 100 "
            "followers, 001 at 1k, 004 anything under 10k; 002 quotes platform-specific macro "
            "bounds (Instagram 100k, YouTube/Facebook 250k).",
            articles=("000", "001", "002", "003", "004"),
            cites="Mediakix (via 002)",
            metric="tier labels",
            unit="influencer",
            comparison="schemes against each other",
            scheme="highsocial-2024",
            test="classification under each scheme",
            decision_rule="supported when the schemes' bounds differ or label any account "
            "differently (descriptive)",
            evaluator="tier_schemes",
        ),
        Claim(
            id="C02",
            claimed=1.0,
            title="Micro and macro engagement rates are about equal",
            statement="Across more than 700 sponsored Instagram posts from 16 brands, micro "
            "(10k–100k) and macro (100k+) engagement rates were roughly equal (the study's "
            "figures, quoted by MarketingProfs: 742 posts, 2.75% vs 2.65%).",
            articles=("002",),
            cites="Mediakix 2017 (742 sponsored Instagram posts, 16 brands)",
            metric="er_followers per influencer (median of its sponsored posts)",
            unit="influencer",
            comparison="micro vs macro",
            scheme="mediakix-2017",
            test="stats.equivalence_test (TOST on log rates)",
            platform="instagram",
            decision_rule="supported if TOST shows equivalence within the margin (default "
            "0.8–1.25); contradicted if the two-sided test rejects and the 90% CI lies outside "
            "the margin; else inconclusive",
            evaluator="parity",
        ),
        Claim(
            id="C03",
            title="Macro-influencers win on total likes, comments and reach per post",
            statement="Macro-influencers get far more likes, comments and reach per post in "
            "absolute terms.",
            articles=("002",),
            cites="Mediakix 2017",
            metric="likes, comments, reach per post (absolute)",
            unit="influencer",
            comparison="macro vs micro",
            scheme="mediakix-2017",
            platform="instagram",
            test="stats.absolute_ratio (one-sided, cluster bootstrap)",
            decision_rule="supported if the lower 95% bound of macro/micro exceeds 1 for every "
            "available count; contradicted if any upper bound is below 1",
            evaluator="absolute_macro",
        ),
        Claim(
            id="C04",
            claimed=1.6,
            title="People engage about 60% more with micro-influencers",
            statement="Users engage about 60% more with micro-influencer posts (than with macro).",
            articles=("001",),
            cites="Digital Marketing Institute, tracing to HelloSociety (vs average campaigns)",
            metric="er_followers per influencer (mean of its posts)",
            unit="influencer",
            comparison="micro / macro",
            scheme=None,
            test="stats.rate_ratio (cluster bootstrap)",
            decision_rule="supported if 1.60 lies inside the 95% CI of the micro/macro rate "
            "ratio and the CI excludes 1; contradicted if 1.60 lies outside the CI; "
            "inconclusive if the CI holds both 1 and 1.60",
            evaluator="lift",
        ),
        Claim(
            id="C05",
            title="Engagement rate falls as followers grow",
            statement="Nano-influencers' high engagement rates balance their small followings; "
            "the rate declines from nano to mega.",
            articles=("000", "003"),
            cites="",
            metric="er_followers",
            unit="influencer (post-level PPML as second opinion)",
            comparison="slope over followers",
            scheme=None,
            test="stats.elasticity (influencer-level OLS; PPML on posts) and stats.tier_trend",
            decision_rule="supported if the 95% CI of the rate elasticity (slope − 1) is below "
            "0; contradicted if above 0; else inconclusive",
            evaluator="rate_decline",
        ),
        Claim(
            id="C06",
            title="Micro beats nano on absolute engagement per post",
            statement="Micro-influencers reach and engage more people per post than nano.",
            articles=("000", "003"),
            cites="",
            metric="likes + comments per post",
            unit="influencer",
            comparison="micro vs nano",
            scheme=None,
            test="stats.absolute_ratio (one-sided)",
            decision_rule="supported if the lower 95% bound of micro/nano exceeds 1; "
            "contradicted if the upper bound is below 1",
            evaluator="micro_vs_nano",
        ),
        Claim(
            id="C07",
            title="Micro-influencers sit in a Goldilocks zone",
            statement="Micro-influencers (under 100k) sit in a sweet spot between reach and "
            "engagement.",
            articles=("001",),
            cites="Wies, Bleier & Edeling 2023 found an inverted U peaking near 1M followers",
            metric="likes + comments per post (absolute)",
            unit="post (cluster-robust)",
            comparison="quadratic in log followers",
            scheme=None,
            test="stats.inverted_u (Lind–Mehlum)",
            decision_rule="supported if an inverted U is found with its turning point in the "
            "micro tier; contradicted if the relation is monotone or the peak's interval lies "
            "outside the micro tier; else inconclusive",
            evaluator="goldilocks",
        ),
        Claim(
            id="C08",
            claimed=10_000.0,
            title="A macro post costs over $10,000; a micro post $100",
            statement="A macro-influencer post can cost over $10,000, while a micro-influencer "
            "feed post can cost about $100.",
            articles=("001",),
            cites="Forbes; Shopify 2023",
            metric="price per sponsored post (USD)",
            unit="influencer",
            comparison="macro median vs $10,000",
            scheme=None,
            test="stats.median_ci",
            decision_rule="supported if the 95% CI of the macro median price lies above "
            "$10,000; contradicted if below",
            evaluator="prices",
        ),
        Claim(
            id="C09",
            title="CPM falls with influencer size",
            statement="Cost per thousand followers reached falls as influencers get bigger.",
            articles=("002",),
            cites="Jeremy Shih (Mediakix)",
            metric="price per post vs followers",
            unit="influencer",
            comparison="log-log slope",
            scheme=None,
            test="stats.cost_elasticity",
            decision_rule="supported if the 95% CI of the price elasticity is below 1 (CPM "
            "falls); contradicted if above 1",
            evaluator="cpm",
        ),
        Claim(
            id="C10",
            title="Micro campaigns are more cost-effective",
            statement="Micro-influencer campaigns deliver more engagement per dollar.",
            articles=("001",),
            cites="HelloSociety (6.7x more cost-effective)",
            metric="price per engagement",
            unit="influencer",
            comparison="micro / macro",
            scheme=None,
            test="stats.absolute_ratio (medians, one-sided less)",
            decision_rule="supported if the upper 95% bound of micro/macro cost per engagement "
            "is below 1; contradicted if the lower bound exceeds 1",
            evaluator="cost_per_engagement",
        ),
        Claim(
            id="C11",
            title="The footballer vs DIY scenario favours the micro-influencer",
            statement="A footballer with 22M followers gets 1.8M impressions from sports fans; "
            "a DIY micro-influencer with 35k followers gets 20k impressions from keen "
            "woodworkers.",
            articles=("001",),
            cites="(the article's own example)",
            metric="impressions per follower, CPM",
            unit="scenario",
            comparison="macro vs micro",
            scheme=None,
            test="claims.scenario_audit (arithmetic)",
            decision_rule="supported if, at the article's own prices, the micro post is "
            "cheaper per impression (the macro post could only match it with >100% relevant "
            "audience)",
            evaluator="scenario",
        ),
        Claim(
            id="C12",
            title="Test briefs with an A/B test across 20 micro-influencers",
            statement="Brands can A/B test two briefs across about 20 micro-influencers.",
            articles=("001",),
            cites="",
            metric="er_followers (log), between-influencer spread",
            unit="influencer",
            comparison="two arms of 10",
            scheme=None,
            test="stats.simulate_ab_power",
            decision_rule="supported if the simulated power to detect a 20% lift is at least "
            "80%; contradicted if its interval lies below 80%",
            evaluator="ab_power",
        ),
        Claim(
            id="C13",
            title="One macro-influencer is all eggs in one basket",
            statement="Spending the budget on one macro-influencer concentrates risk; many "
            "micro-influencers spread it.",
            articles=("001",),
            cites="",
            metric="total engagement of a campaign",
            unit="simulated campaign",
            comparison="one macro post vs micro posts for the same budget (a typical macro price)",
            scheme=None,
            test="stats.portfolio_risk (Monte Carlo)",
            decision_rule="supported if the macro plan's coefficient of variation is higher "
            "than the micro plan's (Monte Carlo interval excludes equality)",
            evaluator="portfolio",
        ),
        Claim(
            id="C14",
            title="Micro-influencers are more authentic",
            statement="Micro-influencers are more authentic and trusted than bigger creators.",
            articles=("001", "004"),
            cites="",
            metric="sponsored / organic engagement rate within influencer",
            unit="influencer",
            comparison="penalty micro vs macro",
            scheme=None,
            test="stats.sponsored_penalty",
            decision_rule="operationalised as a smaller sponsored-post penalty for micro than "
            "macro: supported if the ratio of penalties (micro/macro) has a 95% CI above 1; "
            "contradicted if below 1",
            evaluator="sponsored_penalty",
        ),
        Claim(
            id="C15",
            title="Nano-influencers are by far the most common",
            statement="Most influencers are nano-influencers.",
            articles=("000", "003"),
            cites="",
            metric="tier shares",
            unit="influencer",
            comparison="nano vs each tier",
            scheme=None,
            test="multinomial proportions (Goodman)",
            decision_rule="supported if the nano share's interval lies above every other "
            "tier's; caveat: samples are selected, not a census",
            evaluator="nano_share",
        ),
        Claim(
            id="C16",
            claimed=16.4,
            title="Influencer marketing was a $16.4B market in 2022",
            statement="Businesses spent about $16.4 billion on influencer marketing in 2022.",
            articles=("001",),
            cites="Statista / Influencer Marketing Hub",
            metric="market size (USD bn)",
            unit="year",
            comparison="context series",
            scheme=None,
            test="benchmark lookup",
            decision_rule="context: checked against the Influencer Marketing Hub series in the "
            "benchmark ledger",
            evaluator="market_size",
        ),
    )
}
