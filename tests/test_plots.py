"""Every figure function returns (Figure, DataFrame); save_figure is complete and deterministic."""

import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from influtiers import plots  # noqa: E402
from influtiers.provenance import sha256_file  # noqa: E402
from influtiers.tiers import get_scheme  # noqa: E402


@pytest.fixture(autouse=True)
def _style_and_close():
    plots.set_style()
    yield
    plt.close("all")


def _check(result, columns):
    fig, data = result
    assert isinstance(fig, Figure)
    assert isinstance(data, pd.DataFrame)
    assert list(data.columns) == list(columns)
    return fig, data


def _influencers(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 60
    followers = 10 ** rng.uniform(2.5, 6.5, n)
    tier = get_scheme("highsocial-2024").classify(followers)
    rate = 0.05 * (followers / 1e4) ** -0.2 * rng.lognormal(0, 0.3, n)
    return pd.DataFrame({"followers": followers, "tier": tier, "rate_mean": rate})


def _results() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["micro vs macro", "nano vs micro", "no interval"],
            "estimate": [1.1, 0.9, 1.3],
            "ci_low": [0.95, 0.7, np.nan],
            "ci_high": [1.3, 1.2, np.nan],
            "verdict": ["inconclusive", "supported", "contradicted"],
        }
    )


# ---------------------------------------------------------------- figures
def test_forest():
    fig, data = _check(
        plots.forest(_results(), reference={"parity": 1.0}, band=(0.8, 1.25), title="t"),
        ["label", "estimate", "ci_low", "ci_high", "verdict"],
    )
    assert data["label"].tolist() == _results()["label"].tolist()
    assert fig.axes[0].get_xscale() == "log"
    # no colour column: the data has only the drawn columns
    _check(
        plots.forest(_results().drop(columns="verdict"), colour_by=None, log=False),
        ["label", "estimate", "ci_low", "ci_high"],
    )


def test_stack_results_feeds_forest():
    class R:
        estimate, ci_low, ci_high, verdict = 1.2, 1.0, 1.5, "supported"

    rows = plots.stack_results({"a": R(), "b": object()})
    assert list(rows.columns) == ["label", "estimate", "ci_low", "ci_high", "verdict"]
    assert rows.loc[0, "estimate"] == 1.2
    assert np.isnan(rows.loc[1, "estimate"]) and rows.loc[1, "verdict"] == ""
    _check(plots.forest(rows), ["label", "estimate", "ci_low", "ci_high", "verdict"])


def test_scheme_cutpoints():
    schemes = [get_scheme("highsocial-2024"), get_scheme("mediakix-by-platform")]
    _, data = _check(
        plots.scheme_cutpoints(schemes),
        ["scheme", "platform", "order", "tier", "lower", "upper", "label", "row"],
    )
    expected_rows = sum(len(s.table()) for s in schemes)
    assert len(data) == expected_rows
    assert "mediakix-by-platform · youtube" in set(data["row"])


def test_tier_distribution_summary_by_hand():
    table = pd.DataFrame(
        {
            "tier": pd.Categorical(
                ["nano", "nano", "nano", "micro", "micro"],
                categories=["below", "nano", "micro", "macro"],
                ordered=True,
            ),
            "rate_mean": [0.01, 0.02, 0.06, 0.03, np.nan],
        }
    )
    _, data = _check(
        plots.tier_distribution(table, "rate_mean", ylabel="rate"),
        ["tier", "n", "median", "q25", "q75"],
    )
    d = data.set_index("tier")
    assert list(d.index) == ["nano", "micro"]  # empty tiers left out, order kept
    assert d.loc["nano", "n"] == 3 and d.loc["micro", "n"] == 1  # NaN dropped
    assert d.loc["nano", "median"] == pytest.approx(0.02)
    assert d.loc["nano", "q25"] == pytest.approx(0.015)  # linear quantile of .01 .02 .06


def test_binned_curve():
    t = _influencers()
    fit = pd.DataFrame({"followers": [1e3, 1e6], "fitted": [0.05, 0.01]})
    _, data = _check(
        plots.binned_curve(t, "rate_mean", ylabel="rate", fits={"fit": fit}, vlines={"10k": 1e4}),
        ["followers_mid", "n", "median", "q25", "q75"],
    )
    assert data["n"].sum() == len(t)  # every influencer in one bin
    assert data["followers_mid"].is_monotonic_increasing
    assert (data["q25"] <= data["median"]).all() and (data["median"] <= data["q75"]).all()


def test_line_bars_histogram():
    df = pd.DataFrame(
        {
            "n": [10, 20, 40, 10, 20, 40],
            "power": [0.2, 0.5, 0.8, 0.1, 0.3, 0.6],
            "g": list("aaabbb"),
        }
    )
    _check(
        plots.line(df, "n", "power", hue="g", xlabel="n", ylabel="power", hline=0.8, logx=True),
        ["n", "g", "power"],
    )
    _check(plots.line(df, "n", "power", xlabel="n", ylabel="power"), ["n", "power"])

    b = pd.DataFrame(
        {"tier": ["nano", "micro"], "v": [2.0, 3.0], "lo": [1.0, 2.5], "hi": [2.5, 4.0]}
    )
    _check(
        plots.bars(b, "tier", "v", xlabel="tier", ylabel="v", err=("lo", "hi"), logy=True),
        ["tier", "v", "lo", "hi"],
    )

    rng = np.random.default_rng(1)
    h = pd.DataFrame({"x": rng.normal(size=200), "k": ["p", "q"] * 100})
    _, q = _check(
        plots.histogram(h, "x", hue="k", xlabel="x", vline=0.0, bins=10),
        ["k", "0.05", "0.25", "0.5", "0.75", "0.95"],
    )
    assert q["k"].tolist() == ["p", "q"]
    _, q1 = _check(plots.histogram(h, "x", xlabel="x"), ["0.05", "0.25", "0.5", "0.75", "0.95"])
    assert q1["0.5"].iloc[0] == pytest.approx(h["x"].median())


def test_benchmark_rates():
    er = pd.DataFrame(
        {
            "source": ["S1", "S1", "S2"],
            "platform": ["instagram", "instagram", "tiktok"],
            "metric": ["er_followers: x", "er_followers: x", "er_views (video)"],
            "band_label": ["micro", "macro", "all"],
            "lower": [1e4, 1e5, 1e3],
            "upper": [1e5, np.nan, 1e4],
            "value": [0.03, 0.02, 0.05],
            "seen": ["quoted", "quoted", "seen"],
        }
    )
    _, data = _check(
        plots.benchmark_rates(er),
        ["series", "band_label", "lower", "upper", "followers_mid", "value", "seen"],
    )
    # geometric band midpoints; an open top is one decade up: sqrt(1e5 * 1e6)
    mids = dict(zip(data["band_label"], data["followers_mid"], strict=True))
    assert mids["micro"] == pytest.approx(np.sqrt(1e4 * 1e5))
    assert mids["macro"] == pytest.approx(np.sqrt(1e5 * 1e6))
    assert set(data["series"]) == {"S1 · instagram · er_followers", "S2 · tiktok · er_views"}


def _ledger_rows(*rows) -> pd.DataFrame:
    from influtiers.claims import LEDGER_COLUMNS

    base = dict.fromkeys(LEDGER_COLUMNS, "")
    base.update(dataset="d", platform="all", evidence="posts", title="A claim")
    out = pd.DataFrame([{**base, **r} for r in rows], columns=LEDGER_COLUMNS)
    for c in ("estimate", "ci_low", "ci_high", "claimed"):
        out[c] = pd.to_numeric(out[c])
    return out


def test_claims_overview_draws_numeric_comparisons_and_lists_the_others():
    from influtiers.claims import overview_frame

    led = _ledger_rows(
        {"claim_id": "C01", "verdict": "descriptive", "evidence": "definitional", "estimate": 0.4},
        {
            "claim_id": "C04",
            "platform": "instagram",
            "verdict": "contradicted",
            "estimate": 1.1,
            "ci_low": 1.0,
            "ci_high": 1.2,
            "claimed": 1.6,
        },
        {
            "claim_id": "C04",
            "platform": "tiktok",
            "verdict": "inconclusive",
            "estimate": 1.2,
            "ci_low": 1.05,
            "ci_high": 1.35,
            "claimed": 1.6,
        },
        {
            "claim_id": "C04",
            "platform": "all (platform FE)",
            "verdict": "contradicted",
            "estimate": 1.15,
            "ci_low": 1.08,
            "ci_high": 1.23,
            "claimed": 1.6,
        },
        {"claim_id": "C05", "platform": "instagram", "verdict": "supported", "estimate": -0.1},
        {
            "claim_id": "C05",
            "platform": "all (platform FE)",
            "verdict": "supported",
            "estimate": -0.1,
            "ci_low": -0.12,
            "ci_high": -0.08,
        },
        {"claim_id": "C13", "evidence": "simulation", "verdict": "supported", "estimate": 2.5},
        {"claim_id": "C16", "verdict": "not-testable", "reason": "no market size"},
        {
            "claim_id": "C16",
            "dataset": "benchmarks: IMH",
            "evidence": "published aggregates",
            "verdict": "consistent",
            "estimate": 16.4,
            "claimed": 16.4,
        },
    )
    frame = overview_frame(led)
    fig, data = _check(
        plots.claims_overview(frame),
        ["claim_id", "label", "evidence", "verdict", "relative", "rel_low", "rel_high", "shown"],
    )
    drawn = data[data["shown"] == "forest"]
    listed = data[data["shown"] == "listed"]
    # only the numeric comparisons are drawn (estimate ÷ claimed), one row each
    assert list(drawn["claim_id"]) == ["C04", "C04", "C04"]
    assert drawn["relative"].tolist() == pytest.approx([1.1 / 1.6, 1.2 / 1.6, 1.15 / 1.6])
    assert sorted(t.get_text() for t in fig.axes[0].get_yticklabels()) == sorted(drawn["label"])
    assert "platform FE" in drawn["label"].iloc[2]
    # the others: each claim's headline row, by evidence type; published rows are not drawn
    assert dict(zip(listed["claim_id"], listed["evidence"], strict=True)) == {
        "C01": "definitional",
        "C05": "posts",
        "C13": "simulation",
        "C16": "posts",
    }
    assert listed.set_index("claim_id").loc["C05", "verdict"] == "supported"
    side = [t.get_text() for t in fig.axes[1].texts]
    assert side[0] == "definitional" and "simulation" in side
    assert any(t.startswith("C05 supported") for t in side)
    assert any(t.startswith("C16 not-testable") for t in side)


def test_specification_curve():
    curve = pd.DataFrame(
        {
            "scheme": ["s1", "s1", "s2", "s2"],
            "definition": ["er_followers", "er_reach", "er_followers", "er_reach"],
            "aggregation": ["mean", "median", "mean", "median"],
            "estimate": [1.1, 1.3, 0.9, np.nan],
            "ci_low": [0.9, 1.05, 0.7, np.nan],
            "ci_high": [1.3, 1.6, 1.1, np.nan],
            "status": ["ok", "ok", "ok", "failed"],
        }
    )
    fig, data = _check(plots.specification_curve(curve, claimed=1.6), list(curve.columns))
    assert len(data) == 4  # the whole curve, failed specifications included
    assert len(fig.axes) == 2


def test_price_by_tier():
    rng = np.random.default_rng(2)
    t = _influencers()
    costs = t.assign(cost_per_post=t["followers"] * 0.01 * rng.lognormal(0, 0.2, len(t)))
    published = pd.DataFrame(
        {
            "platform": ["instagram", "instagram", "tiktok"],
            "band_label": ["nano", "mega", "nano"],
            "lower": [1e3, 1e6, 1e3],
            "upper": [1e4, np.nan, 1e4],
            "value_low": [10.0, 10_000.0, 5.0],
            "value_high": [100.0, np.nan, 25.0],
        }
    )
    _, data = _check(plots.price_by_tier(costs, published), ["tier", "n", "median", "q25", "q75"])
    assert data["n"].sum() == costs["tier"].notna().sum()
    _check(plots.price_by_tier(costs), ["tier", "n", "median", "q25", "q75"])


def test_tier_colours_stable_across_schemes():
    a = plots.tier_colours(["nano", "micro", "macro"])
    b = plots.tier_colours(["micro", "below", "mega", "custom"])
    assert a["micro"] == b["micro"]
    assert b["below"] == (0.6, 0.6, 0.6)
    assert b["custom"] not in (a["nano"], a["micro"], a["macro"], b["mega"])


# ---------------------------------------------------------------- save_figure
def _figure():
    return plots.forest(_results(), reference={"parity": 1.0}, title="Saved")


def test_save_figure_writes_files_and_manifest(tmp_path):
    fig, data = _figure()
    prov = {"influtiers_version": "0.1.0", "data_sha256": "ab" * 32, "parameters": {"seed": 1}}
    paths = plots.save_figure(fig, "fig 1/forest", data, tmp_path / "figs", prov)
    out = tmp_path / "figs"
    assert set(paths) == {"png", "svg", "csv"}
    for kind, p in paths.items():
        assert p == str(out / f"fig_1_forest.{kind}")  # name made file-safe
    assert (out / "fig_1_forest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "fig_1_forest.svg").read_text().lstrip().startswith("<?xml")
    back = pd.read_csv(out / "fig_1_forest.csv")
    pd.testing.assert_frame_equal(back, data, check_dtype=False)

    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["fig_1_forest"]
    assert entry["provenance"] == prov
    assert set(entry["files"]) == {"png", "svg", "csv"}
    for kind, f in entry["files"].items():
        assert f["path"] == f"fig_1_forest.{kind}"
        assert f["sha256"] == sha256_file(out / f["path"])
    # provenance is in the images too
    assert "ab" * 32 in (out / "fig_1_forest.svg").read_text()
    assert ("ab" * 32).encode() in (out / "fig_1_forest.png").read_bytes()
    # a second figure adds to the manifest, keeping the first
    fig2, data2 = plots.line(
        pd.DataFrame({"x": [1, 2], "y": [3, 4]}), "x", "y", xlabel="x", ylabel="y"
    )
    plots.save_figure(fig2, "second", data2, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) == {"fig_1_forest", "second"}
    assert manifest["second"]["provenance"] == {}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.{k}" for n in ("fig_1_forest", "second") for k in ("png", "svg", "csv")]
        + ["manifest.json"]
    )


def test_save_figure_is_deterministic(tmp_path):
    prov = {"influtiers_version": "0.1.0", "parameters": {"seed": 3}}
    saved = []
    for d in ("a", "b"):
        fig, data = _figure()
        plots.save_figure(fig, "forest", data, tmp_path / d, prov)
        plt.close(fig)
        saved.append(tmp_path / d)
    a, b = saved
    for kind in ("csv", "svg"):
        assert (a / f"forest.{kind}").read_bytes() == (b / f"forest.{kind}").read_bytes(), kind
    ma = json.loads((a / "manifest.json").read_text())["forest"]["files"]
    mb = json.loads((b / "manifest.json").read_text())["forest"]["files"]
    assert ma["csv"] == mb["csv"] and ma["svg"] == mb["svg"]


def test_save_figure_csv_float_format(tmp_path):
    fig = plt.figure(figsize=(1, 1))
    data = pd.DataFrame({"x": [0.1 + 0.2, 1 / 3]})
    plots.save_figure(fig, "f", data, tmp_path)
    assert (tmp_path / "f.csv").read_text().splitlines() == ["x", "0.3", "0.3333333333"]


# ---------------------------------------------------------------- byte-identical reruns
def _costs() -> pd.DataFrame:
    t = _influencers()
    return t.assign(cost_per_post=t["followers"] * 0.01 * (1 + t["rate_mean"]))


FIGURES = {
    "tier_distribution": lambda: plots.tier_distribution(_influencers(), "rate_mean", ylabel="r"),
    "binned_curve": lambda: plots.binned_curve(_influencers(), "rate_mean", ylabel="r"),
    "price_by_tier": lambda: plots.price_by_tier(_costs()),
    "forest": lambda: plots.forest(_results(), reference={"parity": 1.0}, band=(0.8, 1.25)),
    "histogram": lambda: plots.histogram(
        pd.DataFrame({"x": np.linspace(0, 1, 200), "g": ["a", "b"] * 100}),
        "x",
        hue="g",
        xlabel="x",
    ),
}


def _saved_bytes(make, out) -> dict[str, bytes]:
    fig, data = make()
    paths = plots.save_figure(fig, "f", data, out, {"seed": 1, "influtiers_version": "0"})
    plt.close(fig)
    return {k: open(p, "rb").read() for k, p in paths.items()}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_reruns_give_byte_identical_png_and_svg(name, tmp_path):
    """Every random jitter is seeded: rendering a figure twice, with numpy's global random
    state (what unseeded jitter draws from) different each time, gives the same bytes."""
    saved = np.random.get_state()  # noqa: NPY002 - the legacy global state is the point
    try:
        runs = []
        for i in (1, 2):
            np.random.seed(i)  # noqa: NPY002
            runs.append(_saved_bytes(FIGURES[name], tmp_path / str(i)))
    finally:
        np.random.set_state(saved)  # noqa: NPY002
    for kind in ("png", "svg", "csv"):
        assert runs[0][kind] == runs[1][kind], f"{name}: {kind} differs between reruns"


def test_tier_points_are_jittered_by_their_seed():
    """The points are spread sideways (jitter exists), the same seed puts them in the same
    place, another seed elsewhere; seaborn's unseeded stripplot would move on every call
    (the reason for seeding: the negative control of the byte test above)."""

    def offsets(**kw):
        fig, _ = plots.tier_distribution(_influencers(), "rate_mean", ylabel="r", **kw)
        (points,) = [c for c in fig.axes[0].collections if len(c.get_offsets()) == 60]
        xy = np.asarray(points.get_offsets())
        plt.close(fig)
        return xy

    a, b, c = offsets(), offsets(), offsets(seed=99)
    assert np.ptp(a[:, 0] - np.round(a[:, 0])) > 0.2  # spread around each tier's centre
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[:, 0], c[:, 0])
    import seaborn as sns

    xs = []
    for _ in range(2):
        fig, ax = plt.subplots()
        sns.stripplot(data=_influencers(), x="tier", y="rate_mean", ax=ax, jitter=0.25)
        xs.append(np.concatenate([np.asarray(col.get_offsets())[:, 0] for col in ax.collections]))
        plt.close(fig)
    assert not np.array_equal(xs[0], xs[1])


@pytest.mark.parametrize("n", [plots.RASTER_POINTS, plots.RASTER_POINTS + 1])
def test_large_point_clouds_are_rasterised_in_svg(n):
    """Above ``RASTER_POINTS`` influencers the scatter is a bitmap inside the SVG (2M
    vector points took 1.5 GB to write); at the threshold it stays vector."""
    rng = np.random.default_rng(1)
    t = pd.DataFrame(
        {"followers": rng.uniform(1e3, 1e6, n), "rate_median": rng.uniform(0.01, 0.1, n)}
    )
    fig, _ = plots.binned_curve(t, "rate_median", ylabel="rate")
    (cloud,) = fig.axes[0].collections[:1]
    assert cloud.get_rasterized() is (n > plots.RASTER_POINTS)
    plt.close(fig)
