"""Decision rules of the claims ledger on constructed data where the verdict is known."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from influtiers import claims
from influtiers.analysis import analyse
from influtiers.cli import main
from influtiers.stats.simulate import simulate_posts

TIERS = {"nano": 150, "micro": 150, "macro": 150, "mega": 60}


def run(posts, ids=None, n_resamples=500, seed=1, **kw):
    return analyse(posts, claims=ids, n_resamples=n_resamples, seed=seed, **kw).ledger


def ledger(posts, ids, **kw):
    return run(posts, ids, **kw).set_index("claim_id")


@pytest.fixture(scope="module")
def equal_rates():
    posts, _ = simulate_posts(tiers=TIERS, sd_influencer=0.3, seed=11)
    return posts


@pytest.fixture(scope="module")
def micro_lift():
    posts, _ = simulate_posts(tiers=TIERS, tier_ratio={"micro": 1.6}, sd_influencer=0.3, seed=12)
    return posts


def test_registry_is_complete_and_described():
    assert list(claims.CLAIMS) == [f"C{i:02d}" for i in range(1, 17)]
    for c in claims.CLAIMS.values():
        d = c.describe()
        assert d["decision_rule"] and d["test"] and d["statement"]
        assert c.sources, f"{c.id} has no citation with the original sentence"
        assert all(s["original"] for s in c.sources)


def test_parity_supported_and_lift_contradicted_when_rates_are_equal(equal_rates):
    led = ledger(equal_rates, ["C02", "C04"], scheme="highsocial-2024")
    assert led.loc["C02", "verdict"] == "supported"
    assert 0.8 < led.loc["C02", "estimate"] < 1.25
    assert led.loc["C04", "verdict"] == "contradicted"
    assert led.loc["C04", "ci_high"] < 1.6


def test_lift_supported_and_parity_contradicted_with_a_real_60_percent_lift(micro_lift):
    led = ledger(micro_lift, ["C02", "C04"], scheme="highsocial-2024")
    assert led.loc["C04", "verdict"] == "supported"
    assert led.loc["C04", "ci_low"] <= 1.6 <= led.loc["C04", "ci_high"]
    assert led.loc["C02", "verdict"] == "contradicted"


def test_parity_inconclusive_when_groups_are_small_and_noisy():
    posts, _ = simulate_posts(
        tiers={"micro": 12, "macro": 12}, sd_influencer=1.2, tier_ratio={"micro": 1.1}, seed=5
    )
    led = ledger(posts, ["C02"], scheme="highsocial-2024")
    assert led.loc["C02", "verdict"] == "inconclusive"


def test_not_testable_with_fewer_than_ten_influencers():
    posts, _ = simulate_posts(tiers={"micro": 40, "macro": 5}, seed=3)
    led = ledger(posts, ["C02", "C04"], scheme="highsocial-2024")
    assert (led["verdict"] == "not-testable").all()
    assert led["reason"].str.contains("fewer than 10").all()


@pytest.mark.parametrize(("elasticity", "verdict"), [(-0.3, "supported"), (0.25, "contradicted")])
def test_rate_decline(elasticity, verdict):
    posts, _ = simulate_posts(300, elasticity=elasticity, followers=(1e3, 1e7), seed=4)
    led = ledger(posts, ["C05"])
    assert led.loc["C05", "verdict"] == verdict
    assert math.isclose(led.loc["C05", "estimate"], elasticity, abs_tol=0.12)


def test_micro_beats_nano_on_absolute_engagement(equal_rates):
    led = ledger(equal_rates, ["C06"], scheme="highsocial-2024")
    assert led.loc["C06", "verdict"] == "supported"
    assert led.loc["C06", "ci_low"] > 1


def test_goldilocks_inverted_u_in_micro_supported_and_monotone_contradicted():
    # rate falls steeply and bends: absolute engagement peaks around 30k followers
    posts, truth = simulate_posts(
        400,
        followers=(1e3, 1e6),
        elasticity=-0.6,
        quadratic=-0.25,
        ref_followers=3e4,
        sd_influencer=0.3,
        seed=8,
    )
    assert 1e4 <= truth["engagement_turning_followers"] < 1e5
    led = ledger(posts, ["C07"], scheme="highsocial-2024")
    assert led.loc["C07", "verdict"] in ("supported", "inconclusive")
    assert 1e4 <= led.loc["C07", "estimate"] < 1e5
    mono, _ = simulate_posts(300, followers=(1e3, 1e6), elasticity=-0.1, seed=9)
    assert ledger(mono, ["C07"]).loc["C07", "verdict"] == "contradicted"


def _priced(posts, per_follower):
    p = posts.copy()
    p["cost"] = p["followers"] * per_follower
    p["sponsored"] = True
    return p


def test_prices_and_cost_claims(equal_rates):
    # $1 per 100 followers: a 100k–1M macro post costs $1,000–10,000, so "over $10,000" fails
    led = ledger(_priced(equal_rates, 0.01), ["C08", "C09", "C10"], scheme="highsocial-2024")
    assert led.loc["C08", "verdict"] == "contradicted"
    assert led.loc["C08", "ci_high"] < 10_000
    # price proportional to followers: CPM constant, elasticity 1 -> not "falls"
    assert led.loc["C09", "verdict"] in ("inconclusive", "contradicted")
    assert math.isclose(led.loc["C09", "estimate"], 1.0, abs_tol=1e-6)
    # $1 per follower: macro posts cost over $100k
    rich = ledger(_priced(equal_rates, 1.0), ["C08"], scheme="highsocial-2024")
    assert rich.loc["C08", "verdict"] == "supported"


def test_cpm_falls_when_price_is_concave_in_followers(equal_rates):
    p = equal_rates.copy()
    p["cost"] = 5 * p["followers"] ** 0.7
    assert ledger(p, ["C09"]).loc["C09", "verdict"] == "supported"


def test_price_claims_not_testable_without_prices(equal_rates):
    led = ledger(equal_rates.drop(columns="cost", errors="ignore"), ["C08", "C09", "C10"])
    assert (led["verdict"] == "not-testable").all()
    assert led["reason"].str.contains("cost").all()


def test_sponsored_penalty_claim():
    posts, _ = simulate_posts(tiers={"micro": 120, "macro": 120}, sd_influencer=0.3, seed=21)
    rng = np.random.default_rng(0)
    posts = posts.copy()
    posts["sponsored"] = rng.random(len(posts)) < 0.4
    penalty = np.where(posts["followers"] >= 1e5, 0.6, 0.95)  # macro punished more
    for c in ("likes", "comments"):
        posts[c] = np.where(posts["sponsored"], np.round(posts[c] * penalty), posts[c])
    led = ledger(posts, ["C14"], scheme="highsocial-2024")
    assert led.loc["C14", "verdict"] == "supported"
    assert led.loc["C14", "estimate"] > 1.2
    none = ledger(posts.drop(columns="sponsored"), ["C14"])
    assert none.loc["C14", "verdict"] == "not-testable"


def test_tier_shares():
    posts, _ = simulate_posts(tiers={"nano": 300, "micro": 60, "macro": 30}, seed=2)
    assert ledger(posts, ["C15"], scheme="highsocial-2024").loc["C15", "verdict"] == "supported"
    posts, _ = simulate_posts(tiers={"nano": 30, "micro": 300, "macro": 60}, seed=2)
    assert ledger(posts, ["C15"], scheme="highsocial-2024").loc["C15", "verdict"] == "contradicted"


def test_scenario_audit_arithmetic():
    df = claims.scenario_audit().set_index("tier")
    assert math.isclose(df.loc["macro", "impressions_per_follower"], 1.8e6 / 22e6)
    assert math.isclose(df.loc["micro", "cpm_usd"], 100 / 20_000 * 1000)
    assert math.isclose(df.loc["macro", "break_even_relevance"], (10_000 / 1.8e6) / (100 / 2e4))


def test_power_claim_contradicted_for_20_influencers(equal_rates):
    led = ledger(equal_rates, ["C12", "C13"], scheme="highsocial-2024")
    assert led.loc["C12", "verdict"] == "contradicted"
    assert led.loc["C12", "estimate"] < 0.8
    assert led.loc["C13", "verdict"] in claims.VERDICTS


def test_ledger_rows_have_every_column_and_json_is_clean(equal_rates):
    led = run(equal_rates, n_resamples=300)
    assert list(led.columns) == claims.LEDGER_COLUMNS
    assert set(led["verdict"]) <= set(claims.VERDICTS)
    recs = json.loads(led.to_records_json())
    assert len(recs) == 16 and {"claim_id", "verdict", "estimate", "ci_low", "ci_high"} <= set(
        recs[0]
    )
    assert led.loc[led["claim_id"] == "C16", "verdict"].item() == "not-testable"


def test_ledger_is_deterministic(equal_rates):
    a = run(equal_rates, ["C03", "C04", "C13"], n_resamples=300, seed=7)
    b = run(equal_rates, ["C03", "C04", "C13"], n_resamples=300, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_unknown_claim_id():
    with pytest.raises(KeyError, match="C99"):
        run(pd.DataFrame({"account_id": ["a"], "followers": [1.0], "likes": [1.0]}), ["C99"])


def test_benchmark_ledger():
    led = claims.run_benchmark_ledger()
    assert set(led["evidence"]) == {claims.PUBLISHED}
    assert {"C02", "C04", "C05", "C08", "C16"} <= set(led["claim_id"])
    mk = led[(led["claim_id"] == "C02") & led["dataset"].str.contains("Mediakix")]
    assert math.isclose(mk["estimate"].item(), 0.0275 / 0.0265)
    assert mk["verdict"].item() == "supported"
    hs = led[(led["claim_id"] == "C04") & led["dataset"].str.contains("HelloSociety")]
    assert hs["verdict"].item() == "not-testable" and "AVERAGE" in hs["reason"].item()


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
    led = ledger(posts, ["C04"], scheme="highsocial-2024")
    assert led.loc["C04", "ci_low"] <= 1 and led.loc["C04", "ci_high"] >= 1.6
    assert led.loc["C04", "verdict"] == "inconclusive"
