"""Several datasets in one ledger: labels, binding, pooled rows, heterogeneity, bands."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from influtiers.cli import main
from influtiers.errors import UsageError
from influtiers.stats.simulate import simulate_posts
from influtiers.synthesis import (
    POOLABLE,
    analyse_all,
    narrative,
    parse_data_args,
    pool_inputs,
    pooled_rows,
)


def test_labels_hive_paths_and_reserved_words(tmp_path):
    hive = tmp_path / "date=2024-01-01"
    hive.mkdir()
    assert parse_data_args([f"a={tmp_path}", str(hive)]) == [
        ("a", str(tmp_path)),
        ("date=2024-01-01", str(hive)),  # an existing path is a path, not LABEL=PATH
    ]
    assert parse_data_args(["x/posts.csv", "benchmarks"]) == [
        ("posts.csv", "x/posts.csv"),
        ("benchmarks", "benchmarks"),
    ]
    with pytest.raises(UsageError, match="twice"):
        parse_data_args(["a=x.csv", "a=y.csv"])
    with pytest.raises(UsageError, match="reserved"):
        parse_data_args(["pooled=x.csv"])
    with pytest.raises(UsageError, match="reserved"):
        parse_data_args(["benchmarks=x.csv"])


def test_cli_reserved_label_exits_2(capsys):
    assert main(["claims", "--data", "pooled=x.csv", "--data", "demo"]) == 2
    err = capsys.readouterr().err
    assert "reserved" in err and len(err.strip().splitlines()) == 1


def _two(tmp_path, ratios=(1.5, 1.5), n=300, seed=50):
    paths = []
    for i, r in enumerate(ratios):
        posts, _ = simulate_posts(
            tiers={"micro": n, "macro": n},
            tier_ratio={"micro": r},
            price_per_follower=None,
            seed=seed + i,
        )
        p = tmp_path / f"d{i}.parquet"
        posts.to_parquet(p)
        paths.append(p)
    return paths


def test_cli_two_datasets_give_pooled_rows(tmp_path, capsys):
    a, b = _two(tmp_path)
    code = main(
        [
            "claims",
            "--data",
            f"A={a}",
            "--data",
            f"B={b}",
            "--format",
            "json",
            "--scheme",
            "highsocial-2024",
            "--only",
            "C02,C04",
        ]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["dataset"] for r in rows} == {"A", "B", "pooled"}
    pooled = {r["claim_id"]: r for r in rows if r["dataset"] == "pooled"}
    assert set(pooled) == {"C02", "C04"}
    for r in pooled.values():
        assert r["k"] == 2 and r["tau2"] is not None and r["i2"] is not None
        assert r["pi_low"] is None and r["pi_high"] is None  # k < 3: empty
        assert "needs k >= 3" in r["reason"] and r["sources"] == "A: instagram; B: instagram"
    # the pooled interval is wider than either input's (k = 2: t with 1 df)
    c04 = {r["dataset"]: r for r in rows if r["claim_id"] == "C04" and r["part"] == ""}
    assert c04["pooled"]["ci_low"] < min(c04["A"]["ci_low"], c04["B"]["ci_low"])


def test_mapping_binds_to_the_data_before_it(tmp_path, capsys):
    a, b = _two(tmp_path, n=60)
    renamed = pd.read_parquet(b).rename(columns={"followers": "Audience"})
    renamed.to_csv(tmp_path / "b.csv", index=False)
    (tmp_path / "m.yaml").write_text('"Audience": followers\n')
    code = main(
        [
            "claims",
            "--data",
            f"A={a}",
            "--data",
            f"B={tmp_path / 'b.csv'}",
            "--mapping",
            str(tmp_path / "m.yaml"),
            "--only",
            "C05",
            "--format",
            "json",
        ]
    )
    assert code == 0, capsys.readouterr().err
    rows = json.loads(capsys.readouterr().out)
    assert {r["dataset"] for r in rows} >= {"A", "B"}


def _analyses(parts):
    return analyse_all(
        [(label, build_ds(p)) for label, p in parts], scheme="highsocial-2024", n_resamples=300
    )


def build_ds(posts):
    from influtiers.load import load

    return load(posts)


def test_pooled_verdicts_follow_the_claims_rules():
    parts = []
    for i in range(3):
        posts, _ = simulate_posts(
            tiers={"micro": 400, "macro": 400},
            tier_ratio={"micro": 1.6},
            sd_influencer=0.3,
            price_per_follower=None,
            seed=60 + i,
        )
        parts.append((f"d{i}", posts))
    syn = _analyses(parts)
    led = syn.ledger
    pooled = led[(led["dataset"] == "pooled") & (led["part"] == "")].set_index("claim_id")
    assert pooled.loc["C04", "verdict"] in ("supported", "inconclusive")
    assert pooled.loc["C04", "k"] == 3
    assert pooled.loc["C04", "pi_low"] <= pooled.loc["C04", "ci_low"]
    assert pooled.loc["C04", "ci_high"] <= pooled.loc["C04", "pi_high"]
    # C02 (parity): a real 1.6 lift contradicts parity everywhere, and pooled
    assert pooled.loc["C02", "verdict"] == "contradicted"
    assert pooled.loc["C02", "direction"] == "understated"
    assert "pooled over 3 sources" in narrative(
        led[(led["dataset"] == "pooled") & (led["claim_id"] == "C04")].iloc[0]
    )


def test_heterogeneous_when_the_prediction_interval_straddles_the_band():
    inputs = pd.DataFrame(
        {
            "claim_id": "C04",
            "dataset": ["a", "b", "c", "d"],
            "platform": "instagram",
            "source": ["a", "b", "c", "d"],
            "estimate": [1.05, 1.6, 2.5, 1.3],
            "variance": [0.0004, 0.0004, 0.0004, 0.0004],
            "scale": "log",
            "estimand": "ratio",
            "definition": "(likes + comments) / followers",
            "evidence": "posts",
        }
    )
    rows, _ = pooled_rows(inputs)
    (row,) = rows
    assert "heterogeneous" in row["flags"] and row["tau2"] > 0
    assert row["pi_low"] < 1.28 < row["pi_high"]
    # near-identical sources: no heterogeneity, a prediction interval inside the band
    same = inputs.assign(estimate=[1.59, 1.6, 1.61, 1.6], variance=0.0004)
    (row,) = pooled_rows(same)[0]
    assert "heterogeneous" not in row["flags"] and row["verdict"] == "supported"


def test_only_the_same_definition_is_pooled():
    inputs = pd.DataFrame(
        {
            "claim_id": "C04",
            "dataset": ["a", "b", "c"],
            "platform": "x",
            "source": ["a", "b", "c"],
            "estimate": [1.2, 1.3, 1.25],
            "variance": 0.001,
            "scale": "log",
            "estimand": "ratio",
            "definition": ["by followers", "by followers", "by views"],
            "evidence": "posts",
        }
    )
    rows, _ = pooled_rows(inputs)
    assert [(r["part"], r["k"]) for r in rows] == [("by followers", 2)]  # "by views": k = 1


def test_per_platform_rows_never_with_their_fixed_effects_row():
    a, _ = simulate_posts(tiers={"micro": 80, "macro": 80}, seed=71)
    b, _ = simulate_posts(tiers={"micro": 80, "macro": 80}, platform="tiktok", seed=72)
    b["account_id"] = "t" + b["account_id"]
    syn = _analyses([("ab", pd.concat([a, b], ignore_index=True))])
    inputs = pool_inputs(syn.analyses)
    assert set(inputs.loc[inputs["claim_id"] == "C04", "platform"]) == {"instagram", "tiktok"}
    assert set(POOLABLE) >= set(inputs["claim_id"])


def test_published_sources_keep_their_own_bands():
    """Modash Instagram compares 10k-50k and 50k-100k with 100k-500k and 500k-1M: the row
    says so, in the source's cut-points, and is a point (no interval, not pooled)."""
    from influtiers.claims import benchmark_tier_ratios, run_benchmark_ledger

    r = benchmark_tier_ratios().set_index("source").loc["Modash Instagram"]
    assert r["micro_bands"] == "10k-50k, 50k-100k" and r["macro_bands"] == "100k-500k, 500k-1M"
    assert math.isnan(r["variance"])
    led = run_benchmark_ledger()
    row = led[(led["claim_id"] == "C02") & (led["dataset"] == "benchmarks: Modash Instagram")]
    assert "10k-50k" in row["scheme"].item() and "500k-1M" in row["scheme"].item()
    # 10k-50k against 500k-1M alone (the research note's reading) is 0.98/1.005 ~ 0.97
    from influtiers.benchmarks import load_benchmarks

    er = load_benchmarks("engagement_rates")
    m = er[(er["source"] == "Modash Instagram")].set_index("band_label")["value"]
    assert m.loc["10k-50k"] / m.loc["500k-1M"] == pytest.approx(0.97, abs=0.01)
    assert np.isfinite(r["ratio"])
