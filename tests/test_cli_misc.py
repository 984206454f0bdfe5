"""The command line: schemes, tiers, --version, usage errors (exit 2) and internal errors (exit 1)."""

import json
import subprocess
import sys

import pytest

from influtiers import __version__, cli
from influtiers.cli import main
from influtiers.tiers import DEFAULT_SCHEME, SCHEMES


@pytest.fixture(scope="module")
def demo_posts():
    from influtiers.load import load

    with load("demo") as ds:
        return ds.to_pandas()


# ---------------------------------------------------------------- schemes
def test_schemes_text(capsys):
    assert main(["schemes"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    starts = [ln.split(":")[0] for ln in lines if not ln.startswith(" ")]
    assert starts == list(SCHEMES)  # one entry per scheme, in registry order
    assert sum("(default)" in ln for ln in lines) == 1
    assert next(ln for ln in lines if "(default)" in ln).startswith(f"{DEFAULT_SCHEME}:")
    assert sum(ln.startswith("    source: ") for ln in lines) == len(SCHEMES)
    assert "shopify-2023: nano 1k–10k, micro 10k–50k, mid 50k–500k" in out


def test_schemes_json(capsys):
    assert main(["schemes", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in d] == list(SCHEMES)
    shop = next(s for s in d if s["name"] == "shopify-2023")
    assert [t["name"] for t in shop["tiers"]] == ["nano", "micro", "mid", "macro", "mega"]
    assert shop["tiers"][0] == {"name": "nano", "lower": 1000.0, "upper": 10000.0}
    assert shop["tiers"][-1]["upper"] is None  # open top tier: null, not Infinity
    assert shop["source"]["publisher"] == "Shopify"


# ---------------------------------------------------------------- tiers
def test_tiers_demo_json_counts_sum_to_influencers(capsys, demo_posts):
    assert main(["tiers", "demo", "--scheme", "shopify-2023", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    n_influencers = len(demo_posts[["platform", "account_id"]].drop_duplicates())
    assert (d["scheme"], d["unit"]) == ("shopify-2023", "influencer")
    counts = {r["tier"]: r["count"] for r in d["tiers"]}
    assert sum(counts.values()) == d["total"] == n_influencers
    assert set(counts) <= {"below", "nano", "micro", "mid", "macro", "mega", "missing"}
    assert list(counts)[:2] == ["below", "nano"]  # scheme order, not by count


def test_tiers_demo_posts_unit_and_text(capsys, demo_posts):
    assert (
        main(["tiers", "demo", "--scheme", "shopify-2023", "--unit", "post", "--format", "json"])
        == 0
    )
    d = json.loads(capsys.readouterr().out)
    assert d["unit"] == "post"
    assert d["total"] == sum(r["count"] for r in d["tiers"]) == len(demo_posts)

    assert main(["tiers", "demo", "--scheme", "shopify-2023"]) == 0
    out = capsys.readouterr().out
    n = len(demo_posts[["platform", "account_id"]].drop_duplicates())
    assert out.splitlines()[0] == f"scheme shopify-2023; unit: influencer; {n} in total"
    assert any(ln.split()[0] == "mega" for ln in out.splitlines()[1:])


# ---------------------------------------------------------------- version and usage
def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"influtiers {__version__}"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "usage: influtiers" in text
    for name in ("schemes", "tiers", "validate", "claims", "run", "reproduce", "report"):
        assert name in text


def test_unknown_scheme_is_one_line_exit_2(capsys):
    assert main(["tiers", "demo", "--scheme", "no-such-scheme"]) == 2
    cap = capsys.readouterr()
    err = cap.err.strip()
    assert "\n" not in err
    assert err.startswith("influtiers tiers: error: ")
    assert "no-such-scheme" in err
    assert "Traceback" not in cap.err + cap.out
    assert cap.out == ""


def test_unknown_subcommand_exits_2(capsys):
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "frobnicate" in err


def test_bad_option_value_exits_2(capsys):
    assert main(["schemes", "--format", "xml"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_missing_data_file_exits_2(tmp_path, capsys):
    assert main(["tiers", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "nope.csv" in err and "Traceback" not in err


# ---------------------------------------------------------------- internal errors
def _boom(args):
    raise RuntimeError("kaboom")


def test_internal_error_exits_1(monkeypatch, capsys):
    cfg, _, help_ = cli.COMMANDS["schemes"]
    monkeypatch.setitem(cli.COMMANDS, "schemes", (cfg, _boom, help_))
    assert main(["schemes"]) == 1
    cap = capsys.readouterr()
    err = cap.err.strip()
    assert "internal error" in err
    assert err == "influtiers schemes: internal error: RuntimeError: kaboom"
    assert "Traceback" not in cap.err


def test_internal_error_in_registered_command_exits_1(monkeypatch, capsys):
    main(["--version"])  # loads the registered commands
    capsys.readouterr()
    cfg, _, help_ = cli.COMMANDS["report"]
    monkeypatch.setitem(cli.COMMANDS, "report", (cfg, _boom, help_))
    assert main(["report", "somewhere"]) == 1
    assert "internal error: RuntimeError: kaboom" in capsys.readouterr().err


def test_out_of_memory_says_what_to_change(monkeypatch, capsys):
    import duckdb

    def oom(args):
        raise duckdb.OutOfMemoryException(
            "Out of Memory Error: could not allocate block (2.7 GiB/2.7 GiB used) "
            "Possible solutions: * Reducing the number of threads"
        )

    cfg, _, help_ = cli.COMMANDS["schemes"]
    monkeypatch.setitem(cli.COMMANDS, "schemes", (cfg, oom, help_))
    assert main(["schemes"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("influtiers schemes: out of memory: Out of Memory Error")
    assert "--memory-limit" in err and "PARTITION_ROWS" in err and "Possible" not in err


@pytest.mark.parametrize(
    "exc", [KeyError("no column 'x'"), ValueError("bad value"), FileNotFoundError("f.csv")]
)
def test_input_errors_exit_2_not_1(monkeypatch, capsys, exc):
    def raise_(args):
        raise exc

    cfg, _, help_ = cli.COMMANDS["schemes"]
    monkeypatch.setitem(cli.COMMANDS, "schemes", (cfg, raise_, help_))
    assert main(["schemes"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "internal error" not in err


def test_module_entry_point_passes_exit_code():
    r = subprocess.run(
        [sys.executable, "-m", "influtiers", "tiers", "demo", "--scheme", "no-such-scheme"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "no-such-scheme" in r.stderr


def test_validate_with_duckdb_engine(tmp_path, capsys):
    import pandas as pd

    f = tmp_path / "p.parquet"
    pd.DataFrame(
        {
            "account_id": ["a", "a", "b", None],
            "post_id": ["1", "1", "2", "3"],
            "followers": [10.0, 10.0, 0.0, 5.0],
            "likes": [1.0, 1.0, 2.0, 3.0],
        }
    ).to_parquet(f)
    q = tmp_path / "q.parquet"
    assert (
        main(["validate", str(f), "--engine", "duckdb", "--format", "json", "--quarantine", str(q)])
        == 0
    )
    rep = json.loads(capsys.readouterr().out)
    assert (rep["rows_in"], rep["accepted"], rep["quarantined"]) == (4, 1, 3)
    assert rep["reasons"] == {"duplicate_post": 1, "missing_account_id": 1, "zero_followers": 1}
    assert len(pd.read_parquet(q)) == 3
    assert main(["validate", str(f), "--engine", "duckdb", "--mapping", "m.yaml"]) == 2
