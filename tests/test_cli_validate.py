"""`influtiers validate` and `influtiers tiers` on small files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from influtiers.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def posts_csv(tmp_path) -> Path:
    f = tmp_path / "posts.csv"
    f.write_text(
        "Username,Follower Count,Likes,Comments,post_id\n"
        "ann,1.2K,30,2,p1\n"
        "ann,1.2K,oops,2,p2\n"
        "bob,250K,4000,120,p3\n"
        ",5,1,1,p4\n"
        "cid,2M,1.1K,N/A,p5\n"
        "bob,250K,4000,120,p3\n"
    )
    return f


def test_validate_text(posts_csv, capsys):
    assert main(["validate", str(posts_csv)]) == 0
    out = capsys.readouterr().out
    assert "rows in: 6" in out and "accepted: 3" in out and "quarantined: 3" in out
    for code in ("unparseable_number", "missing_account_id", "duplicate_post"):
        assert code in out


def test_validate_json_and_quarantine(posts_csv, tmp_path, capsys):
    q = tmp_path / "out.csv"
    assert main(["validate", str(posts_csv), "--format", "json", "--quarantine", str(q)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (d["rows_in"], d["accepted"], d["quarantined"]) == (6, 3, 3)
    assert d["reasons"] == {"duplicate_post": 1, "missing_account_id": 1, "unparseable_number": 1}
    assert d["source"] == str(posts_csv)
    back = pd.read_csv(q)
    assert back["row"].tolist() == [2, 4, 6]
    assert back.loc[0, "column"] == "likes" and "oops" in back.loc[0, "detail"]


def test_validate_strict_fails_with_one_line(posts_csv, capsys):
    assert main(["validate", str(posts_csv), "--strict"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "row 2, column likes" in err and "Traceback" not in err


def test_validate_adapter_dir(capsys):
    assert main(["validate", str(FIXTURES / "tiktok2020_mini"), "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["adapter"] == "tiktok2020" and d["rows_in"] == 7 and d["accepted"] == 5


def test_validate_accounts_and_mapping(tmp_path, capsys):
    p = tmp_path / "p.csv"
    p.write_text("creator,hearts\na,5\nb,6\nz,1\n")
    a = tmp_path / "a.csv"
    a.write_text("account_id,followers\na,100\nb,2K\n")
    m = tmp_path / "m.yaml"
    m.write_text("creator: account_id\nhearts: likes\n")
    args = ["validate", str(p), "--accounts", str(a), "--mapping", str(m), "--format", "json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["accepted"] == 2 and d["reasons"] == {"orphan_post": 1}


@pytest.mark.parametrize(
    "content, needle",
    [(None, "file not found"), ("handle,likes\na,1\n", "missing required column(s) followers")],
)
def test_validate_bad_input_exit_2(tmp_path, capsys, content, needle):
    f = tmp_path / "in.csv"
    if content is not None:
        f.write_text(content)
    assert main(["validate", str(f)]) == 2
    cap = capsys.readouterr()
    err = cap.err.strip()
    assert needle in err and str(f) in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("influtiers validate: error:")


def test_validate_nothing_accepted_exit_2(tmp_path, capsys):
    f = tmp_path / "z.csv"
    f.write_text("account_id,followers,likes\na,0,1\n")
    assert main(["validate", str(f)]) == 2
    assert "zero_followers" in capsys.readouterr().out


def test_tiers_json(posts_csv, capsys):
    assert main(["tiers", str(posts_csv), "--scheme", "highsocial-2024", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["scheme"] == "highsocial-2024" and d["unit"] == "influencer"
    counts = {r["tier"]: r["count"] for r in d["tiers"]}
    assert d["total"] == 3 == sum(counts.values())
    assert counts["nano"] == 1 and counts["macro"] == 1 and counts["mega"] == 1


def test_tiers_posts_unit_on_adapter(capsys):
    args = ["tiers", str(FIXTURES / "kim2020_mini"), "--unit", "post", "--format", "json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total"] == 6


def test_validate_engine_pandas_is_gone(posts_csv, capsys):
    assert main(["validate", str(posts_csv), "--engine", "pandas"]) == 2
    assert "invalid choice: 'pandas'" in capsys.readouterr().err


def test_validate_parquet_parts_accounts_and_streamed_quarantine(tmp_path, capsys):
    d = tmp_path / "parts"
    d.mkdir()
    df = pd.DataFrame(
        {
            "account_id": ["a", "b", "c", "a"],
            "likes": [1.0, 2.0, 3.0, 4.0],
            "post_id": ["1", "2", "3", "1"],
        }
    )
    df.iloc[:2].to_parquet(d / "part-0.parquet")
    df.iloc[2:].to_parquet(d / "part-1.parquet")
    a = tmp_path / "accounts.csv"
    a.write_text("account_id,followers\na,100\nb,0\n")
    q = tmp_path / "q.parquet"
    args = ["validate", str(d / "*.parquet"), "--accounts", str(a), "--quarantine", str(q)]
    assert main([*args, "--format", "json", "--engine", "duckdb"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reasons"] == {"duplicate_post": 1, "orphan_post": 1, "zero_followers": 1}
    back = pd.read_parquet(q)
    assert list(back.columns[:5]) == ["file", "row", "reason", "column", "detail"]
    assert back["row"].tolist() == [2, 1, 2] and back["file"].str.contains("part-1").tolist() == [
        False,
        True,
        True,
    ]
