"""Decision rules of the claims ledger on constructed data where the verdict is known."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from influtiers import claims
from influtiers.analysis import analyse
from influtiers.claims.eval_sample import design_parameters
from influtiers.claims.rules import band, band_verdict, holm, point_verdict, tost_p
from influtiers.cli import main
from influtiers.evidence import build_evidence
from influtiers.stats.simulate import simulate_posts

TIERS = {"nano": 150, "micro": 150, "macro": 150, "mega": 60}


def run(posts, ids=None, n_resamples=500, seed=1, **kw):
    return analyse(posts, claims=ids, n_resamples=n_resamples, seed=seed, **kw).ledger


def heads(posts, ids, **kw):
    """The headline rows (part empty) of a one-platform dataset, by claim id."""
    led = run(posts, ids, **kw)
    return led[led["part"] == ""].set_index("claim_id")


@pytest.fixture(scope="module")
def equal_rates():
    posts, _ = simulate_posts(tiers=TIERS, sd_influencer=0.3, seed=11)
    return posts


@pytest.fixture(scope="module")
def micro_lift():
    posts, _ = simulate_posts(tiers=TIERS, tier_ratio={"micro": 1.6}, sd_influencer=0.3, seed=12)
    return posts


def test_registry_is_complete_and_described():
    assert list(claims.CLAIMS) == [f"C{i:02d}" for i in range(1, 24)]
    for c in claims.CLAIMS.values():
        d = c.describe()
        assert d["decision_rule"] and d["test"] and d["statement"]
        assert c.sources, f"{c.id} has no citation with the original sentence"
        assert all(s["original"] for s in c.sources)
        assert c.evaluator in claims.EVALUATORS
        # a number only where the article states one; the band rule needs one
        assert (c.rule == "band") <= (c.claimed is not None), c.id


# --- the band rule and its edge cases -----------------------------------------------------


def test_band_rule_edges():
    b = band(1.6)
    assert b == (1.28, 2.0)
    # the review's examples: a narrow interval at 1.57 is supported (was "contradicted")
    assert band_verdict((1.555, 1.575), (1.55, 1.58), b) == ("supported", "")
    # a wide interval holding 1.05 and 2.5 decides nothing (was "supported")
    assert band_verdict((1.1, 2.3), (1.05, 2.5), b) == ("inconclusive", "")
    # closed band for "supported": a 90% bound on the edge is inside
    assert band_verdict((1.28, 2.0), (1.2, 2.1), b)[0] == "supported"
    # strictly outside for "contradicted": a 95% bound on the edge is not outside
    assert band_verdict((2.05, 2.4), (2.0, 2.5), b)[0] == "inconclusive"
    assert band_verdict((2.05, 2.4), (2.001, 2.5), b) == ("contradicted", "understated")
    assert band_verdict((1.0, 1.2), (0.9, 1.27), b) == ("contradicted", "overstated")
    assert band_verdict((math.nan, 1.2), (0.9, 1.27), b) == ("inconclusive", "")
    # the claimed 1 with the default margin is the equivalence margin
    assert band(1.0) == (0.8, 1.25)
    assert point_verdict(1.22, band(1.0)) == ("consistent", "")
    assert point_verdict(1.26, band(1.0)) == ("inconsistent", "understated")


def test_tost_p_and_holm():
    # inside the band by 2 SE on each side -> p = P(T > 2)
    p = tost_p(math.log(1.0), math.log(1.25) / 2, (0.8, 1.25))
    assert p == pytest.approx(0.02275, abs=1e-4)
    from statsmodels.stats.multitest import multipletests

    ps = [0.01, 0.04, 0.03, 0.2, 0.001]
    assert np.allclose(holm(ps), multipletests(ps, method="holm")[1])


@pytest.mark.parametrize("seed", range(6))
def test_holm_reject_matches_statsmodels(seed):
    from statsmodels.stats.multitest import multipletests

    from influtiers.stats.multiple import holm_reject

    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 12))
    # small p-values, ties, and values on a step's threshold (alpha / k) itself
    ps = np.round(rng.uniform(0, 0.08, m) ** 2 * 8, 3)
    ps[: m // 3] = 0.05 / np.arange(m, m - m // 3, -1)
    rej, adj = multipletests(ps, alpha=0.05, method="holm")[:2]
    assert holm_reject(ps, 0.05).tolist() == rej.tolist()
    assert np.allclose(holm(ps), adj)
    with pytest.raises(ValueError, match="finite"):
        holm_reject([0.01, float("nan")], 0.05)


# --- planted truths through the ledger ------------------------------------------------------


def test_parity_supported_and_lift_contradicted_when_rates_are_equal(equal_rates):
    led = heads(equal_rates, ["C02", "C04"], scheme="highsocial-2024")
    assert led.loc["C02", "verdict"] == "supported"
    assert 0.8 < led.loc["C02", "estimate"] < 1.25
    assert led.loc["C04", "verdict"] == "contradicted"
    assert led.loc["C04", "direction"] == "overstated"
    assert led.loc["C04", "ci_high"] < 1.28
    assert (led.loc["C04", "band_low"], led.loc["C04", "band_high"]) == (1.28, 2.0)


def test_lift_and_parity_with_a_real_60_percent_lift(micro_lift):
    led = heads(micro_lift, ["C02", "C04"], scheme="highsocial-2024")
    assert led.loc["C04", "verdict"] in ("supported", "inconclusive")
    assert led.loc["C04", "ci_low"] <= 1.6 <= led.loc["C04", "ci_high"]
    assert led.loc["C02", "verdict"] == "contradicted"
    assert led.loc["C02", "direction"] == "understated"


def test_parity_inconclusive_when_groups_are_small_and_noisy():
    posts, _ = simulate_posts(
        tiers={"micro": 12, "macro": 12}, sd_influencer=1.2, tier_ratio={"micro": 1.1}, seed=5
    )
    led = heads(posts, ["C02"], scheme="highsocial-2024")
    assert led.loc["C02", "verdict"] == "inconclusive"
    assert "small-sample" in led.loc["C02", "flags"]


def test_not_testable_with_fewer_than_ten_influencers():
    posts, _ = simulate_posts(tiers={"micro": 40, "macro": 5}, seed=3)
    led = heads(posts, ["C02", "C04"], scheme="highsocial-2024")
    assert (led["verdict"] == "not-testable").all()
    assert led["reason"].str.contains("fewer than 10").all()


@pytest.mark.parametrize(("elasticity", "verdict"), [(-0.3, "supported"), (0.25, "contradicted")])
def test_rate_decline(elasticity, verdict):
    posts, _ = simulate_posts(300, elasticity=elasticity, followers=(1e3, 1e7), seed=4)
    led = heads(posts, ["C05"])
    assert led.loc["C05", "verdict"] == verdict
    assert math.isclose(led.loc["C05", "estimate"], elasticity, abs_tol=0.12)
    assert "Noise in reported followers" in led.loc["C05", "summary"]
    assert verdict in led.loc["C05", "summary"]  # the summary never contradicts the verdict


def test_micro_beats_nano_on_absolute_engagement(equal_rates):
    led = run(equal_rates, ["C06"], scheme="highsocial-2024")
    head = led[led["part"] == ""].iloc[0]
    assert head["verdict"] == "supported" and head["ci_low"] > 1
    assert set(led["part"]) == {"", "likes", "comments"}
    assert head["p_value"] < 0.05


def test_goldilocks_inverted_u_in_micro_supported():
    # rate falls steeply and bends: absolute engagement peaks around 30k followers
    posts, truth = simulate_posts(
        2000,
        followers=(1e3, 1e6),
        elasticity=-0.6,
        quadratic=-0.25,
        ref_followers=3e4,
        sd_influencer=0.3,
        price_per_follower=None,
        seed=8,
    )
    assert 1e4 <= truth["engagement_turning_followers"] < 1e5
    led = heads(posts, ["C07"], scheme="highsocial-2024")
    assert led.loc["C07", "verdict"] == "supported"
    assert 1e4 <= led.loc["C07", "estimate"] < 1e5


def test_goldilocks_contradicted_by_a_u_and_by_a_monotone_curve():
    # a U: engagement per post has a trough (quadratic > 0 on the log scale of the rate,
    # strong enough that engagement itself turns up)
    u, truth = simulate_posts(
        2000,
        followers=(1e3, 1e6),
        elasticity=-1.0,
        quadratic=0.3,
        ref_followers=3e4,
        sd_influencer=0.3,
        price_per_follower=None,
        seed=9,
    )
    led = heads(u, ["C07"], scheme="highsocial-2024")
    assert led.loc["C07", "verdict"] == "contradicted"
    assert "U" in led.loc["C07", "reason"]
    mono, _ = simulate_posts(300, followers=(1e3, 1e6), elasticity=-0.1, seed=9)
    led = heads(mono, ["C07"])
    assert led.loc["C07", "verdict"] == "contradicted"
    assert "monotone" in led.loc["C07", "reason"]


def test_goldilocks_not_testable_without_a_micro_tier(tmp_path, equal_rates):
    scheme = tmp_path / "two.yaml"
    scheme.write_text(
        "name: two-tiers\ntiers:\n  - {name: small, lower: 0, upper: 100000}\n"
        "  - {name: big, lower: 100000}\n"
    )
    led = heads(equal_rates, ["C07"], scheme=str(scheme))
    assert led.loc["C07", "verdict"] == "not-testable"
    assert "micro" in led.loc["C07", "reason"]


def _priced(posts, per_follower):
    p = posts.copy()
    p["cost"] = p["followers"] * per_follower
    p["sponsored"] = True
    return p


def test_prices_parts(equal_rates):
    # $1 per 100 followers: a 100k-1M macro post costs $1,000-10,000: never over $10,000
    led = run(_priced(equal_rates, 0.01), ["C08"], scheme="highsocial-2024")
    by = led.set_index("part")
    assert set(by.index) == {"", "macro", "mega", "micro"}
    assert by.loc["macro", "verdict"] == "contradicted" and by.loc["macro", "estimate"] == 0
    assert by.loc["mega", "verdict"] == "supported"  # 1M+ followers: over $10,000
    # micro posts cost $100-1,000: the median (~$300) is above the $80-125 band
    assert by.loc["micro", "verdict"] == "contradicted"
    assert by.loc["micro", "direction"] == "understated"
    assert by.loc["", "verdict"] == "contradicted"
    # $1 per follower: most macro posts are over $10,000; micro posts $10k-100k
    rich = run(_priced(equal_rates, 1.0), ["C08"], scheme="highsocial-2024").set_index("part")
    assert rich.loc["macro", "verdict"] == "supported"
    assert rich.loc["", "verdict"] == "contradicted"  # the micro part still fails


def test_prices_supported_when_both_parts_hold(equal_rates):
    p = equal_rates.copy()
    big = p["followers"] >= 1e5
    rng = np.random.default_rng(1)
    p["cost"] = np.where(big, rng.choice([5_000.0, 20_000.0], len(p)), 100.0)
    p["sponsored"] = True
    led = run(p, ["C08"], scheme="highsocial-2024").set_index("part")
    assert led.loc["macro", "verdict"] == "supported"
    assert led.loc["micro", "verdict"] == "supported"
    assert led.loc["", "verdict"] == "supported"


def test_cpm_slope(equal_rates):
    # price proportional to followers: CPM by followers constant -> not "falls"
    led = heads(_priced(equal_rates, 0.01), ["C09"], scheme="highsocial-2024")
    assert led.loc["C09", "verdict"] in ("inconclusive", "contradicted")
    assert math.isclose(led.loc["C09", "estimate"], 0.0, abs_tol=1e-6)
    assert "followers-proxy" in led.loc["C09", "flags"]
    p = equal_rates.copy()
    p["cost"] = 5 * p["followers"] ** 0.7
    assert heads(p, ["C09"]).loc["C09", "verdict"] == "supported"
    # impressions on the priced posts are the denominator when present
    p["impressions"] = p["followers"] * 0.3
    led = heads(p, ["C09"]).loc["C09"]
    assert led["verdict"] == "supported" and "impressions" in led["definition"]
    assert "followers-proxy" not in led["flags"]


def test_price_claims_not_testable_without_prices(equal_rates):
    led = heads(equal_rates.drop(columns="cost", errors="ignore"), ["C08", "C09", "C10"])
    assert (led["verdict"] == "not-testable").all()
    assert led["reason"].str.contains("cost").all()


def test_other_currencies_are_not_summed(equal_rates):
    p = _priced(equal_rates, 0.01)
    p["currency"] = "EUR"
    led = heads(p, ["C08"])
    assert led.loc["C08", "verdict"] == "not-testable"
    assert "EUR" not in led.loc["C08", "reason"] and "USD" in led.loc["C08", "reason"]
    eur = heads(p, ["C08"], currency="EUR")
    assert eur.loc["C08", "verdict"] != "not-testable"


def test_sponsored_penalty_claim():
    posts, _ = simulate_posts(tiers={"micro": 120, "macro": 120}, sd_influencer=0.3, seed=21)
    rng = np.random.default_rng(0)
    posts = posts.copy()
    posts["sponsored"] = rng.random(len(posts)) < 0.4
    penalty = np.where(posts["followers"] >= 1e5, 0.6, 0.95)  # macro punished more
    for c in ("likes", "comments"):
        posts[c] = np.where(posts["sponsored"], np.round(posts[c] * penalty), posts[c])
    led = heads(posts, ["C14"], scheme="highsocial-2024")
    assert led.loc["C14", "verdict"] == "supported"
    assert led.loc["C14", "estimate"] > 1.2 and led.loc["C14", "p_value"] < 0.05
    none = heads(posts.drop(columns="sponsored"), ["C14"])
    assert none.loc["C14", "verdict"] == "not-testable"


def test_tier_shares_binomial_by_far():
    # nano 5x each other tier: supported at r = 2 (by far)
    posts, _ = simulate_posts(tiers={"nano": 300, "micro": 60, "macro": 30}, seed=2)
    led = heads(posts, ["C15"], scheme="highsocial-2024")
    assert led.loc["C15", "verdict"] == "supported"
    assert led.loc["C15", "estimate"] == pytest.approx(5.0)
    assert "selected-sample" in led.loc["C15", "flags"]
    # nano 1.2x micro: more common, but not by far (r = 2): contradicted
    posts, _ = simulate_posts(tiers={"nano": 360, "micro": 300, "macro": 60}, seed=2)
    led = heads(posts, ["C15"], scheme="highsocial-2024")
    assert led.loc["C15", "verdict"] == "contradicted"
    # nano 2x micro exactly: the test of neither side rejects
    posts, _ = simulate_posts(tiers={"nano": 100, "micro": 50, "macro": 20}, seed=2)
    assert heads(posts, ["C15"]).loc["C15", "verdict"] == "inconclusive"


def test_scenario_audit_arithmetic():
    df = claims.scenario_audit().set_index("tier")
    assert math.isclose(df.loc["mega", "impressions_per_follower"], 1.8e6 / 22e6)
    assert math.isclose(df.loc["micro", "cpm_usd"], 100 / 20_000 * 1000)
    assert math.isclose(df.loc["mega", "break_even_relevance"], (10_000 / 1.8e6) / (100 / 2e4))


def test_power_claim_uses_the_data_and_one_simulation(equal_rates):
    led = heads(equal_rates, ["C12", "C13"], scheme="highsocial-2024")
    assert led.loc["C12", "verdict"] == "contradicted"
    assert led.loc["C12", "estimate"] < 0.8
    assert led.loc["C12", "evidence"] == "simulation"
    assert math.isnan(led.loc["C12", "p_value"])  # no p-values for simulations
    # sd_influencer 0.3 and overdispersion 0.5 planted: the design parameters recover them
    many, _ = simulate_posts(tiers={"micro": 1500}, sd_influencer=0.3, seed=13)
    par = design_parameters(claims.Context(build_evidence(many)).table(claims.CLAIMS["C12"]))
    assert par["sd_between"] == pytest.approx(0.3, abs=0.03)
    assert par["overdispersion"] == pytest.approx(0.5, abs=0.05)
    assert par["sd_log_observed"] > par["sd_between"]
    a = analyse(equal_rates, claims=["C12"], n_resamples=300, seed=1)
    r = a.result("C12", "power")
    # the notebook's power table holds the headline cell (n = 20, lift 1.2) exactly
    tab = pd.DataFrame(r.details["power_table"])
    cell = tab[(tab["n_influencers"] == 20) & (tab["true_lift"] == 1.2)]["power"].item()
    assert cell == pytest.approx(r.estimate)
    assert led.loc["C13", "verdict"] in claims.VERDICTS


def test_ledger_rows_have_every_column_and_json_is_clean(equal_rates):
    led = run(equal_rates, n_resamples=300)
    assert list(led.columns) == claims.LEDGER_COLUMNS
    assert set(led["verdict"]) <= set(claims.VERDICTS)
    recs = json.loads(led.to_records_json())
    assert len(recs) == len(led) and {"claim_id", "verdict", "part", "platform"} <= set(recs[0])
    assert set(led.loc[led["part"] == "", "claim_id"]) == set(claims.CLAIMS)
    keys = led[["claim_id", "dataset", "platform", "part"]].apply(tuple, axis=1)
    assert keys.is_unique
    assert led.loc[led["claim_id"] == "C16", "verdict"].item() == "not-testable"
    # C01 and C11 are descriptive: not data verdicts, never in the multiplicity family
    for cid in ("C01", "C11"):
        row = led[(led["claim_id"] == cid) & (led["part"] == "")].iloc[0]
        assert row["verdict"] == "descriptive" and math.isnan(row["p_adjusted"])
    fam = led[led["p_adjusted"].notna()]
    assert (fam["p_adjusted"] >= fam["p_value"] - 1e-12).all()
    assert (led["rows_in"] == led["accepted"] + led["quarantined"]).all()


def test_ledger_is_deterministic(equal_rates):
    a = run(equal_rates, ["C03", "C04", "C13"], n_resamples=300, seed=7)
    b = run(equal_rates, ["C03", "C04", "C13"], n_resamples=300, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_unknown_claim_id():
    with pytest.raises(KeyError, match="C99"):
        run(pd.DataFrame({"account_id": ["a"], "followers": [1.0], "likes": [1.0]}), ["C99"])


def test_per_platform_rows_and_fixed_effects():
    a, _ = simulate_posts(tiers={"micro": 80, "macro": 80}, tier_ratio={"micro": 1.3}, seed=31)
    b, _ = simulate_posts(
        tiers={"micro": 80, "macro": 80},
        tier_ratio={"micro": 1.3},
        base_rate=0.08,
        platform="tiktok",
        seed=32,
    )
    b["account_id"] = "tt_" + b["account_id"]
    posts = pd.concat([a, b], ignore_index=True)
    led = run(posts, ["C04", "C12", "C13"], scheme="highsocial-2024")
    c04 = led[led["claim_id"] == "C04"].set_index("platform")
    assert list(c04.index) == ["instagram", "tiktok", "all (platform FE)"]
    # the fixed-effects row compares tiers within platforms: the planted 1.3
    assert c04.loc["all (platform FE)", "ci_low"] < 1.3 < c04.loc["all (platform FE)", "ci_high"]
    # simulations get a row per platform only; other claims one row for every platform
    assert list(led.loc[led["claim_id"] == "C12", "platform"]) == ["instagram", "tiktok"]
    assert list(led.loc[led["claim_id"] == "C13", "platform"]) == ["all"]
    # Holm within a dataset and platform
    assert led["p_adjusted"].notna().any()


def test_benchmark_ledger_uses_published_words():
    led = claims.run_benchmark_ledger()
    assert set(led["evidence"]) == {claims.PUBLISHED}
    assert not set(led["verdict"]) & {"supported", "contradicted", "inconclusive"}
    assert {"C02", "C04", "C05", "C08", "C16"} <= set(led["claim_id"])
    mk = led[(led["claim_id"] == "C02") & led["dataset"].str.contains("Mediakix")]
    assert math.isclose(mk["estimate"].item(), 0.0275 / 0.0265)
    assert mk["verdict"].item() == "consistent" and "circular" in mk["flags"].item()
    hs = led[(led["claim_id"] == "C04") & led["dataset"].str.contains("HelloSociety")]
    assert hs["verdict"].item() == "not-testable" and "AVERAGE" in hs["reason"].item()
    shop = led[
        (led["claim_id"] == "C08")
        & (led["dataset"] == "benchmarks: Shopify 2023")
        & (led["platform"] == "instagram")
    ].set_index("part")
    assert shop.loc["macro", ["range_low", "range_high"]].tolist() == [5000.0, 10000.0]
    assert shop[["ci_low", "ci_high"]].isna().all().all()  # ranges are not intervals
    # the published library speaks to C07, C08 and C09 per platform
    assert {"C07", "C09"} <= set(led["claim_id"])
    c08 = led[(led["claim_id"] == "C08") & (led["part"] == "")]
    assert set(c08["platform"]) >= {"instagram", "tiktok", "youtube"}
    c09 = led[led["claim_id"] == "C09"]
    assert c09["flags"].str.contains("derived-value").all()


def test_claims_cli_json(capsys):
    assert main(["claims", "--data", "benchmarks", "--format", "json", "--only", "C05"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["claim_id"] == "C05" for r in rows)


def test_claims_cli_bad_scheme(capsys):
    assert main(["claims", "--data", "demo", "--scheme", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_lift_inconclusive_when_interval_holds_both_parity_and_claim():
    posts, _ = simulate_posts(
        tiers={"micro": 15, "macro": 15}, tier_ratio={"micro": 1.3}, sd_influencer=1.0, seed=30
    )
    led = heads(posts, ["C04"], scheme="highsocial-2024")
    assert led.loc["C04", "ci_low"] <= 1 and led.loc["C04", "ci_high"] >= 1.6
    assert led.loc["C04", "verdict"] == "inconclusive"


# --- the done-when planted truths, through the command line -------------------------------


@pytest.fixture(scope="module")
def big_lift_files(tmp_path_factory):
    out = {}
    d = tmp_path_factory.mktemp("lift")
    for ratio in (1.5, 2.6):
        posts, _ = simulate_posts(
            tiers={"micro": 3000, "macro": 3000},
            tier_ratio={"micro": ratio},
            posts_per_influencer=(3, 6),
            price_per_follower=None,
            seed=40,
        )
        path = d / f"lift_{ratio}.parquet"
        posts.to_parquet(path)
        out[ratio] = path
    return out


@pytest.mark.parametrize(
    ("ratio", "verdict", "direction"),
    [(1.5, "supported", ""), (2.6, "contradicted", "understated")],
)
def test_cli_planted_lift(capsys, big_lift_files, ratio, verdict, direction):
    path = big_lift_files[ratio]
    code = main(
        [
            "claims",
            "--data",
            str(path),
            "--only",
            "C04",
            "--format",
            "json",
            "--scheme",
            "highsocial-2024",
        ]
    )
    assert code == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["verdict"] == verdict and row["direction"] == direction
    assert row["ci_low"] < ratio < row["ci_high"]


def test_rules_table_is_generated_from_the_registry_and_in_the_readme():
    from pathlib import Path

    from influtiers.claims.table import rules_markdown, rules_table

    t = rules_table()
    assert list(t["id"]) == list(claims.CLAIMS)
    assert t.set_index("id").loc["C04", "band"] == "1.28 to 2 (claimed 1.6)"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert rules_markdown() in readme, (
        "README claims table is stale: python -m influtiers.claims.table"
    )


@pytest.mark.parametrize("offset, releases", [(-1, True), (0, True), (1, False)])
def test_memory_is_handed_back_after_each_claim_on_large_evidence(monkeypatch, offset, releases):
    """From ``RELEASE_INFLUENCERS`` influencers on (the rule's edge included), freed
    memory goes back to the system after every ledger row; below it, never."""
    from influtiers.claims import ledger

    posts, _ = simulate_posts(60, seed=3)
    ev = build_evidence(posts)
    n = ev.num_rows("influencers")
    calls = []
    monkeypatch.setattr(ledger, "RELEASE_INFLUENCERS", n + offset)
    monkeypatch.setattr(ledger, "release_freed_memory", lambda: calls.append(1))
    rows = ledger.evaluate(ev, claims=["C01", "C15"], seed=1)
    assert len(calls) == (len(rows) if releases else 0) and len(rows) >= 2
