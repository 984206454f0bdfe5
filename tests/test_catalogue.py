"""The bad-input catalogue (issue 12): every class of real-export trouble, one case a row,
each with its expected outcome beside it.

A case runs ``influtiers.cli.main`` in-process on small files in a temporary folder and
asserts exactly its outcome: the exit code; the stderr line (exactly one line for exit 2);
the accounting ``N rows in = A accepted + Q quarantined`` with ``N`` recomputed without
influtiers from the input (:func:`catalogue_data.count_rows`); the ledger's ``error``
rows. Every case also asserts that no traceback is printed. The run-directory cases
(consistency after failure, interrupt and concurrency) are in ``test_catalogue_runs.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from catalogue_data import (
    TT_HEAD,
    count_rows,
    kim_copy,
    kim_post,
    panel,
    parquet_bad_types,
    run_directory,
    tiktok_copy,
    write,
)

from influtiers.claims import CLAIMS
from influtiers.cli import main

ACCOUNTING = re.compile(r"(\d+) rows in = (\d+) accepted \+ (\d+) quarantined")


@dataclass
class Case:
    """One catalogue entry: how to build the input, the command, the expected outcome."""

    id: str
    cls: str
    make: Callable[[Path], object]
    argv: list[str]
    exit: int
    err: str | None  # regex the last stderr line matches (the only one when exit is 2)
    acc: tuple[int, int, int] | None = None  # rows in, accepted, quarantined
    count: str | None = None  # the input whose rows are recounted independently
    errors: int = 0  # ledger rows with verdict "error" (claims --format json)
    check: Callable | None = None  # further expectations: check(stdout, stderr, folder)


def _json_rows(out: str) -> list[dict]:
    return json.loads(out)


def _head(rows, cid):
    return next(r for r in rows if r["claim_id"] == cid and r["part"] == "")


def _quarantine(d: Path) -> pd.DataFrame:
    return pd.read_csv(d / "q.csv", keep_default_na=False, dtype=str)


def _validation(out: str) -> dict:
    return json.loads(out)


def _posts(path: Path, **kw) -> pd.DataFrame:
    from influtiers.load import load

    with load(path, **kw) as ds:
        return ds.to_pandas()


# ------------------------------------------------------------------ checks
def chk_decimal_comma(out, err, d):
    p = _posts(d / "eu.csv")
    assert p["followers"].tolist() == [15000.0, 2500.5, 1234567.0]
    assert p["likes"].tolist() == [1200.0, 10.0, 5.0]


def chk_ambiguous(out, err, d):
    q = _quarantine(d)
    assert q["reason"].tolist() == ["ambiguous_number", "ambiguous_number"]
    assert q["detail"].tolist() == ["likes='1.5'", "followers='1,234.5'"]


def chk_quotes(out, err, d):
    p = _posts(d / "q.csv.in")
    assert p["likes"].isna().tolist() == [True, False] and p["likes"].iloc[1] == 12
    assert p["comments"].tolist() == [3.0, 1.0]


def chk_ids(out, err, d):
    p = _posts(d / "ids.csv")
    assert p["account_id"].tolist() == ["NA", "null", "None", "nan"]


def chk_money(out, err, d):
    p = _posts(d / "money.csv")
    assert p["cost"].tolist() == [1200.0, 350.0, 90.0, 12.0]
    assert p["currency"].tolist()[:3] == ["USD", "EUR", "USD"] and pd.isna(p["currency"].iloc[3])


def chk_other_currency(out, err, d):
    row = _head(_json_rows(out), "C08")
    assert row["verdict"] == "not-testable"
    assert "no influencer has a post priced in EUR" in row["reason"]
    assert "priced posts in another currency than EUR left out" in row["reason"]


def chk_utf16(out, err, d):
    assert any("UTF-16" in n for n in _validation(out)["notes"])


def chk_not_overwritten(out, err, d):
    assert (d / "posts.csv").read_text().startswith("account_id,post_id,followers,likes")


def chk_one_row(out, err, d):
    rows = _json_rows(out)
    assert len({r["claim_id"] for r in rows}) == len(CLAIMS)  # the ledger completes
    assert {r["verdict"] for r in rows} <= {"not-testable", "descriptive"}


def chk_single_tier(out, err, d):
    rows = _json_rows(out)
    assert "'micro'" in _head(rows, "C02")["reason"]
    assert len({r["claim_id"] for r in rows}) == len(CLAIMS)


def chk_same_followers(out, err, d):
    rows = _json_rows(out)
    for cid in ("C05", "C07"):
        r = _head(rows, cid)
        assert r["verdict"] == "not-testable" and "log followers" in r["reason"], r["reason"]


def chk_huge(out, err, d):
    rows = _json_rows(out)
    assert _head(rows, "C05")["verdict"] in ("supported", "contradicted", "inconclusive")


def chk_zero_engagement(out, err, d):
    r = _head(_json_rows(out), "C05")
    assert r["verdict"] == "not-testable" and "zero engagement" in r["reason"]


def chk_error_row(out, err, d):
    rows = _json_rows(out)
    r = _head(rows, "C06")
    assert r["verdict"] == "error" and "RuntimeError: a bug in one claim" in r["reason"]
    assert _head(rows, "C02")["verdict"] != "error" and _head(rows, "C15")["verdict"]


def chk_accounting_rows(out, err, d):
    for r in _json_rows(out):
        assert (r["rows_in"], r["accepted"], r["quarantined"]) == (123, 120, 3)
        assert len(r["data_sha256"]) == 64 and r["run_id"] == ""


def chk_tiers_json(out, err, d):
    rec = json.loads(out)
    assert (rec["rows_in"], rec["accepted"], rec["quarantined"]) == (123, 120, 3)
    assert rec["total"] == 40


def chk_kim_cross_file(out, err, d):
    v = _validation(out)
    q = pd.read_csv(d / "q.csv", keep_default_na=False)
    dup = q[q["reason"] == "duplicate_post"]
    assert dup["file"].tolist() == ["posts/bob-2009.info"]
    assert "posts/alice-1009.info" in dup["detail"].iloc[0]
    assert any("1 post(s) stored in several accounts' files" in n for n in v["notes"])
    assert not any("renamed account" in n and "2 post" in n for n in v["notes"])


def chk_kim_renamed(out, err, d):
    q = pd.read_csv(d / "q.csv", keep_default_na=False)
    dup = q[q["reason"] == "duplicate_post"].sort_values("file")
    # the copy in alice's file is hers (alice.new carries alice's owner.id): kept there
    assert dup["file"].tolist() == ["posts/bob-3001.info", "posts/carol-3001.info"]
    assert set(dup["detail"].str.extract(r"also in (\S+)")[0]) == {"posts/alice-3001.info"}


def chk_kim_odd(out, err, d):
    q = pd.read_csv(d / "q.csv", keep_default_na=False)
    odd = q[q["file"] == "posts/alice-1010.info"]
    assert odd["reason"].tolist() == ["unreadable_record"]
    assert "likes count is a dict" in odd["detail"].iloc[0]


def chk_tt_usable(out, err, d):
    q = pd.read_csv(d / "q.csv", keep_default_na=False)
    dup = q[(q["reason"] == "duplicate_post") & q["detail"].str.contains("7200")]
    # the first copy (0 followers) is quarantined, the usable later copy kept
    assert dup[["file", "row"]].values.tolist() == [["part1.csv", 5]]
    assert "kept in part3.csv row 1" in dup["detail"].iloc[0]
    assert "zero_followers" in set(q["reason"])


def chk_account_level(out, err, d):
    rows = _json_rows(out)
    assert all("account-level" in r["flags"] for r in rows if r["evidence"] == "posts")


def chk_duplicate_rows(out, err, d):
    v = _validation(out)
    assert v["flags"] == ["duplicate-rows"] and v["findings"]["duplicate_rows"]["count"] == 2
    assert v["findings"]["duplicate_rows"]["examples"] == ["row 3", "row 4"]


def chk_implausible_counted(out, err, d):
    v = _validation(out)
    f = v["findings"]
    assert f["implausible_date"]["count"] == 1 and f["implausible_date"]["examples"][0].startswith(
        "row 2 (2100-01-01"
    )
    # instagram: a rate of 2 is implausible; tiktok: 5 is not (threshold 10), 20 is
    assert f["implausible_rate"]["count"] == 2
    assert [e.split(" (")[0] for e in f["implausible_rate"]["examples"]] == ["row 3", "row 5"]


def chk_definition_fallback(out, err, d):
    r = _head(_json_rows(out), "C05")
    assert "definition-fallback" in r["flags"] and r["verdict"] != "error"


def chk_definition_explicit(out, err, d):
    r = _head(_json_rows(out), "C05")
    assert "likes" in r["definition"] and "definition-fallback" not in r["flags"]


def chk_definition_absent(out, err, d):
    rows = _json_rows(out)
    assert "reach" in _head(rows, "C02")["reason"]
    assert _head(rows, "C01")["verdict"] == "descriptive"
    assert _head(rows, "C15")["verdict"] != "error"


def chk_comments_only(out, err, d):
    assert _head(_json_rows(out), "C01")["verdict"] == "descriptive"


def chk_csv_neutral(out, err, d):
    q = _quarantine(d)
    # (ids are trimmed: the tab of the last id goes before neutralisation can matter)
    assert q["account_id"].tolist() == ["'=HYPERLINK(1)", "'+1", "'@x", "'-", "x"]
    assert q["followers"].tolist() == ["-5.0", "-5.0", "-5.0", "-5.0", "-5.0"]


def chk_ledger_csv(out, err, d):
    led = pd.read_csv(__import__("io").StringIO(out), keep_default_na=False)
    est = pd.to_numeric(led["estimate"], errors="coerce")
    assert (est < 0).any()  # negative estimates stay numbers
    text = led.select_dtypes(exclude="number").astype(str)
    assert not text.apply(lambda s: s.str.match(r"^[=+@\t\r]")).any().any()


def chk_engine_dir(out, err, d):
    assert _validation(out)["adapter"] == "tiktok2020"


def chk_strict_run(out, err, d):
    assert json.loads((d / "run" / "studies.json").read_text())[0]["status"] == "not-testable"


def _bug(ctx, claim):
    raise RuntimeError("a bug in one claim")


def _patch_c06(monkeypatch):
    from influtiers.claims import EVALUATORS

    monkeypatch.setitem(EVALUATORS, "micro_vs_nano", _bug)


# ------------------------------------------------------------------ inputs
def mk_panel(d, **kw):
    return write(d, "posts.csv", panel(**kw))


def mk_quarantined_panel(d):
    text = panel(40, 3)
    text += "userX,px1,0,5,1\nuserY,px2,-3,5,1\n,px3,100,5,1\n"
    return write(d, "posts.csv", text)


def mk_eu(d):
    return write(
        d,
        "eu.csv",
        "account_id;followers;likes;comments\na;15.000;1.200;3\nb;2.500,5;10;1\nc;1.234.567;5;2\n",
    )


def mk_eu_ambiguous(d):
    return write(d, "eu.csv", "account_id;followers;likes\na;15.000;1.5\nb;1,234.5;3\nc;2,5;1\n")


def mk_kim_cross(d):
    out = kim_copy(d)
    kim_post(out, "posts/alice-1009.info", "Dup9", "alice", "91001")
    kim_post(out, "posts/bob-2009.info", "Dup9", "alice", "91001")
    return out


def mk_kim_renamed(d):
    out = kim_copy(d)
    # alice renamed to alice.new: her other posts carry owner.id 91004
    for rel in ("posts/bob-3001.info", "posts/alice-3001.info", "posts/carol-3001.info"):
        kim_post(out, rel, "Tri1", "alice.new", "91004")
    return out


def mk_kim_sub(d):
    out = kim_copy(d)
    kim_post(out, "posts/2019/alice-1020.info", "Sub1", "alice", "91001")
    kim_post(out, "posts/alice-1021.INFO", "Up1", "alice", "91001")
    return out


def mk_kim_odd(d):
    out = kim_copy(d)
    kim_post(
        out,
        "posts/alice-1010.info",
        "Odd1",
        "alice",
        "91001",
        doc={"edge_media_preview_like": {"count": {"n": 5}}},
    )
    return out


def mk_kim_empty(d):
    out = kim_copy(d)
    for p in (out / "posts").iterdir():
        p.unlink()
    return out


def mk_tt_alt(d):
    out = tiktok_copy(d)
    head = TT_HEAD.replace("n_followers", "followers_count").replace("n_likes", "likes")
    write(out, "part3.CSV", head + "\n7100,1604701219,ann,[],s,10,50,1,5,100,9000,1,1\n")
    return out


def mk_tt_missing(d):
    out = tiktok_copy(d)
    write(out, "part3.csv", "id,user_name,n_likes\n1,a,5\n")
    return out


def mk_tt_usable(d):
    out = tiktok_copy(d)
    p1 = (out / "part1.csv").read_text()
    write(out, "part1.csv", p1.rstrip("\n") + "\n7200,1604701219,kim,[],s,10,50,1,5,100,0,1,1\n")
    write(out, "part3.csv", TT_HEAD + "\n7200,1604701219,kim,[],s,10,50,1,5,100,5000,1,1\n")
    return out


def mk_implausible(d):
    text = (
        "platform,account_id,post_id,posted_at,followers,likes,comments\n"
        "instagram,a,1,2020-01-01,1000,10,1\n"
        "instagram,a,2,2100-01-01,1000,10,1\n"
        "instagram,b,3,2020-01-01,1000,2000,1\n"
        "tiktok,c,4,2020-01-01,1000,5000,1\n"
        "tiktok,c,5,2020-01-01,1000,20000,1\n"
    )
    return write(d, "posts.csv", text)


def mk_formula(d):
    text = "account_id,followers,likes\n=HYPERLINK(1),-5,1\n+1,-5,1\n@x,-5,1\n-,-5,1\n\tx,-5,1\nok,10,1\n"
    return write(d, "posts.csv", text)


def mk_decline(d):
    """Engagement grows less than followers: the rate elasticity is negative."""
    lines = ["account_id,post_id,followers,likes,comments"]
    for i in range(40):
        f = int(10 ** (3 + 3.5 * i / 39))
        lines += [f"u{i},{i}_{k},{f},{int(f**0.75) + k},{int(f**0.5)}" for k in range(3)]
    return write(d, "posts.csv", "\n".join(lines) + "\n")


def mk_scheme(d, text, name="s.yaml"):
    mk_panel(d)
    return write(d, name, text)


P = "{d}/posts.csv"
RX_ACC = r"^\d+ rows in = \d+ accepted \+ \d+ quarantined$"
CASES = [
    # ---------------------------------------------------------------- 5 numbers, ids, money
    Case(
        "decimal-comma",
        "numbers",
        mk_eu,
        ["validate", "{d}/eu.csv"],
        0,
        RX_ACC,
        (3, 3, 0),
        "{d}/eu.csv",
        check=chk_decimal_comma,
    ),
    Case(
        "decimal-comma-ambiguous",
        "numbers",
        mk_eu_ambiguous,
        ["validate", "{d}/eu.csv", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (3, 1, 2),
        "{d}/eu.csv",
        check=chk_ambiguous,
    ),
    Case(
        "quote-apostrophe-missing",
        "numbers",
        lambda d: write(
            d, "q.csv.in", "account_id,followers,likes,comments\na,1000,N/A',3\nb,2000,'12',\"1\"\n"
        ),
        ["validate", "{d}/q.csv.in"],
        0,
        RX_ACC,
        (2, 2, 0),
        "{d}/q.csv.in",
        check=chk_quotes,
    ),
    Case(
        "ids-NA-null-None-nan",
        "numbers",
        lambda d: write(
            d,
            "ids.csv",
            "account_id,followers,likes\nNA,1000,1\nnull,2000,2\n"
            "None,3000,3\nnan,4000,4\n,5000,5\n",
        ),
        ["validate", "{d}/ids.csv"],
        0,
        RX_ACC,
        (5, 4, 1),
        "{d}/ids.csv",
        check=chk_ids,
    ),
    Case(
        "money-currency",
        "numbers",
        lambda d: write(
            d,
            "money.csv",
            "account_id,post_id,followers,likes,cost\na,1,1000,1,"
            '"$1,200"\nb,2,2000,2,€350\nc,3,3000,3,USD 90\n'
            "d,4,4000,4,12\n",
        ),
        ["validate", "{d}/money.csv"],
        0,
        RX_ACC,
        (4, 4, 0),
        "{d}/money.csv",
        check=chk_money,
    ),
    Case(
        "money-currency-conflict",
        "numbers",
        lambda d: write(
            d,
            "m.csv",
            "account_id,post_id,followers,likes,cost,currency\n"
            "a,1,1000,1,€5,USD\nb,2,1000,1,$5,usd\n",
        ),
        ["validate", "{d}/m.csv"],
        0,
        RX_ACC,
        (2, 1, 1),
        "{d}/m.csv",
    ),
    Case(
        "cost-in-other-currency",
        "numbers",
        lambda d: write(d, "posts.csv", panel(40, 3, extra={"cost": lambda i, k: "$500"})),
        ["claims", "--data", P, "--only", "C08", "--currency", "eur", "--format", "json"],
        0,
        RX_ACC,
        (120, 120, 0),
        P,
        check=chk_other_currency,
    ),
    Case(
        "utf16-le-bom",
        "numbers",
        lambda d: write(d, "u.csv", "account_id,followers,likes\na,1000,5\nb,2000,6\n", "utf-16"),
        ["validate", "{d}/u.csv", "--format", "json"],
        0,
        RX_ACC,
        (2, 2, 0),
        "{d}/u.csv",
        check=chk_utf16,
    ),
    Case(
        "utf16-be-bom",
        "numbers",
        lambda d: write(d, "u.csv", "\ufeffaccount_id;followers;likes\na;1000;5\n", "utf-16-be"),
        ["validate", "{d}/u.csv"],
        0,
        RX_ACC,
        (1, 1, 0),
        "{d}/u.csv",
    ),
    Case(
        "cp1252",
        "numbers",
        lambda d: write(d, "c.csv", "account_id,followers,likes\nJosé,1000,5\n", "cp1252"),
        ["validate", "{d}/c.csv"],
        0,
        RX_ACC,
        (1, 1, 0),
        "{d}/c.csv",
    ),
    Case(
        "word-in-number-duckdb",
        "numbers",
        lambda d: write(d, "w.csv", "account_id,followers,likes\na,1000,lots\nb,2000,3\n"),
        ["validate", "{d}/w.csv", "--engine", "duckdb"],
        0,
        RX_ACC,
        (2, 1, 1),
        "{d}/w.csv",
    ),
    # ---------------------------------------------------------------- exit 2, one line
    Case(
        "out-is-a-file",
        "exit-codes",
        lambda d: (mk_panel(d), write(d, "f.txt", "x")),
        ["reproduce", "--data", P, "--out", "{d}/f.txt", "--only", "09", "--no-progress"],
        2,
        r"error: --out .*f\.txt is a file",
    ),
    Case(
        "out-user-folder",
        "exit-codes",
        lambda d: (mk_panel(d), write(d, "mine/notes.txt", "x")),
        ["reproduce", "--data", P, "--out", "{d}/mine", "--only", "09", "--no-progress"],
        2,
        r"error: --out .*mine is a folder that is neither empty nor an influtiers run",
        check=lambda o, e, d: (d / "mine" / "notes.txt").read_text() == "x",
    ),
    Case(
        "out-under-a-file",
        "exit-codes",
        lambda d: (mk_panel(d), write(d, "f.txt", "x")),
        ["run", "09", "--data", P, "--out", "{d}/f.txt/sub", "--no-progress"],
        2,
        r"error: --out .*f\.txt/sub: cannot write beside it",
    ),
    Case(
        "out-holds-the-input",
        "exit-codes",
        lambda d: write(run_directory(d), "posts.csv", panel(5, 1)),
        ["run", "09", "--data", "{d}/run/posts.csv", "--out", "{d}/run", "--no-progress"],
        2,
        r"error: --out .*run holds the input .*posts\.csv",
        check=lambda o, e, d: (d / "run" / "posts.csv").exists(),
    ),
    Case(
        "quarantine-under-a-file",
        "exit-codes",
        lambda d: (mk_panel(d), write(d, "f.txt", "x")),
        ["validate", P, "--quarantine", "{d}/f.txt/q.csv"],
        2,
        r"error: --quarantine .*: cannot create its folder",
    ),
    Case(
        "quarantine-is-a-folder",
        "exit-codes",
        lambda d: (mk_panel(d), (d / "qd").mkdir()),
        ["validate", P, "--quarantine", "{d}/qd"],
        2,
        r"error: --quarantine .*qd is a folder",
    ),
    Case(
        "quarantine-over-input",
        "exit-codes",
        mk_panel,
        ["validate", P, "--quarantine", P],
        2,
        r"would overwrite the input",
        check=chk_not_overwritten,
    ),
    Case(
        "quarantine-missing-folder",
        "exit-codes",
        mk_quarantined_panel,
        ["validate", P, "--quarantine", "{d}/new/sub/q.csv"],
        0,
        RX_ACC,
        (123, 120, 3),
        P,
        check=lambda o, e, d: count_rows(d / "new/sub/q.csv") == 3,
    ),
    Case(
        "scheme-broken-yaml",
        "exit-codes",
        lambda d: mk_scheme(d, "name: x\ntiers: [1, 2\n"),
        ["claims", "--data", P, "--scheme", "{d}/s.yaml"],
        2,
        r"error: .*s\.yaml: not a valid scheme file",
    ),
    Case(
        "scheme-wrong-type",
        "exit-codes",
        lambda d: mk_scheme(d, "name: x\ntiers: 5\n"),
        ["claims", "--data", P, "--scheme", "{d}/s.yaml"],
        2,
        r"error: .*s\.yaml: not a valid tier scheme",
    ),
    Case(
        "scheme-a-list",
        "exit-codes",
        lambda d: mk_scheme(d, "[1, 2]\n"),
        ["tiers", P, "--scheme", "{d}/s.yaml"],
        2,
        r"error: .*s\.yaml: a scheme file must hold",
    ),
    Case(
        "scheme-bad-bound",
        "exit-codes",
        lambda d: mk_scheme(d, '{"tiers": [{"name": "a", "lower": "abc"}]}', "s.json"),
        ["run", "09", "--data", P, "--scheme", "{d}/s.json", "--out", "{d}/run"],
        2,
        r"error: .*s\.json: not a valid tier scheme",
        check=lambda o, e, d: not (d / "run").exists(),
    ),
    Case(
        "json-nested-deep",
        "exit-codes",
        lambda d: write(d, "deep.json", "[" * 100_000 + "]" * 100_000),
        ["validate", "{d}/deep.json"],
        2,
        r"deep\.json: JSON nested too deeply",
    ),
    Case(
        "jsonl-nested-deep",
        "exit-codes",
        lambda d: write(d, "deep.jsonl", "[" * 100_000 + "]" * 100_000 + "\n"),
        ["claims", "--data", "{d}/deep.jsonl"],
        2,
        r"deep\.jsonl: line 1: JSON nested too",
    ),
    Case(
        "first-line-over-128kb",
        "exit-codes",
        lambda d: write(
            d, "long.csv", "account_id,followers,likes," + "x" * 140_000 + "\na,1,2,3\n"
        ),
        ["validate", "{d}/long.csv"],
        2,
        r"long\.csv: line 1 is longer than 64 KiB",
    ),
    Case(
        "binary-garbage",
        "exit-codes",
        lambda d: (Path(d) / "g.csv").write_bytes(bytes(range(256)) * 50),
        ["validate", "{d}/g.csv"],
        2,
        r"g\.csv: binary data",
    ),
    Case(
        "empty-file",
        "exit-codes",
        lambda d: write(d, "e.csv", ""),
        ["validate", "{d}/e.csv"],
        2,
        r"e\.csv: the file is empty",
    ),
    Case(
        "header-only",
        "exit-codes",
        lambda d: write(d, "h.csv", "account_id,followers,likes\n"),
        ["validate", "{d}/h.csv"],
        2,
        r"h\.csv: no usable rows: 0 rows in = 0 accepted \+ 0",
        (0, 0, 0),
        "{d}/h.csv",
    ),
    Case(
        "parquet-unusable-types",
        "exit-codes",
        parquet_bad_types,
        ["validate", "{d}/bad.parquet"],
        2,
        r"no usable rows: 2 rows in = 0 accepted \+ 2 q",
        (2, 0, 2),
        "{d}/bad.parquet",
    ),
    Case(
        "kim-empty-posts",
        "exit-codes",
        mk_kim_empty,
        ["validate", "{d}/kim"],
        2,
        r"kim: no usable rows: 0 rows in = 0 accepted \+ 0 quarantined",
        (0, 0, 0),
        "{d}/kim",
    ),
    Case(
        "claims-all-quarantined",
        "exit-codes",
        lambda d: write(d, "z.csv", "account_id,followers,likes\na,0,5\nb,-3,1\n"),
        ["claims", "--data", "{d}/z.csv"],
        2,
        r"z\.csv: no usable rows: 2 rows in = 0 accepted \+ 2 quarantined \(negative_count 1, "
        r"zero_followers 1\)",
        (2, 0, 2),
        "{d}/z.csv",
    ),
    Case(
        "tiers-all-quarantined",
        "exit-codes",
        lambda d: write(d, "z.csv", "account_id,followers,likes\na,0,5\n"),
        ["tiers", "{d}/z.csv", "--format", "json"],
        2,
        r"no usable rows",
        (1, 0, 1),
        "{d}/z.csv",
    ),
    Case(
        "report-type-confused",
        "exit-codes",
        lambda d: write(run_directory(d), "studies.json", '{"not": "a list"}'),
        ["report", "{d}/run"],
        2,
        r"studies\.json: the studies must be a JSON list",
    ),
    Case(
        "report-manifest-a-list",
        "exit-codes",
        lambda d: write(run_directory(d), "manifest.json", "[1, 2]"),
        ["report", "{d}/run"],
        2,
        r"manifest\.json: the manifest must be a JSON dict",
    ),
    Case(
        "unknown-definition",
        "exit-codes",
        mk_panel,
        ["claims", "--data", P, "--definition", "er_nope"],
        2,
        r"argument --definition: invalid choice: 'er_nope'",
    ),
    Case(
        "missing-file",
        "exit-codes",
        lambda d: None,
        ["claims", "--data", "{d}/none.csv"],
        2,
        r"file not found: .*none\.csv",
    ),
    # ---------------------------------------------------------------- 2 each claim in isolation
    Case(
        "one-row",
        "claims",
        lambda d: write(d, "one.csv", "account_id,followers,likes,comments\na,1000,10,1\n"),
        ["claims", "--data", "{d}/one.csv", "--format", "json"],
        0,
        RX_ACC,
        (1, 1, 0),
        "{d}/one.csv",
        0,
        chk_one_row,
    ),
    Case(
        "single-tier-all-mega",
        "claims",
        lambda d: write(d, "posts.csv", panel(30, 2, followers=lambda i: 2_000_000 + 1000 * i)),
        ["claims", "--data", P, "--format", "json"],
        0,
        RX_ACC,
        (60, 60, 0),
        P,
        0,
        chk_single_tier,
    ),
    Case(
        "identical-followers",
        "claims",
        lambda d: write(d, "posts.csv", panel(30, 2, followers=lambda i: 5000)),
        ["claims", "--data", P, "--only", "C05,C07", "--format", "json"],
        0,
        RX_ACC,
        (60, 60, 0),
        P,
        0,
        chk_same_followers,
    ),
    Case(
        "followers-1e30",
        "claims",
        lambda d: write(
            d, "posts.csv", panel(40, 2, followers=lambda i: 10 ** (3 + i % 5) if i % 4 else 10**30)
        ),
        ["claims", "--data", P, "--only", "C02,C05,C07,C13", "--format", "json"],
        0,
        RX_ACC,
        (80, 80, 0),
        P,
        0,
        chk_huge,
    ),
    Case(
        "zero-engagement",
        "claims",
        lambda d: write(
            d,
            "posts.csv",
            "account_id,post_id,followers,likes\n"
            + "".join(f"u{i},{i}_{k},{1000 * (i + 1)},0\n" for i in range(20) for k in range(2)),
        ),
        ["claims", "--data", P, "--only", "C05,C07", "--format", "json"],
        0,
        RX_ACC,
        (40, 40, 0),
        P,
        0,
        chk_zero_engagement,
    ),
    Case(
        "exception-in-one-claim",
        "claims",
        mk_panel,
        ["claims", "--data", P, "--only", "C02,C06,C15", "--format", "json"],
        1,
        r"1 claim\(s\) failed unexpectedly \(C06\)",
        (120, 120, 0),
        P,
        1,
        chk_error_row,
    ),
    # ---------------------------------------------------------------- 3 accounting
    Case(
        "claims-accounting",
        "accounting",
        mk_quarantined_panel,
        ["claims", "--data", P, "--only", "C01,C15", "--format", "json"],
        0,
        RX_ACC,
        (123, 120, 3),
        P,
        0,
        chk_accounting_rows,
    ),
    Case(
        "tiers-accounting",
        "accounting",
        mk_quarantined_panel,
        ["tiers", P, "--format", "json"],
        0,
        RX_ACC,
        (123, 120, 3),
        P,
        check=chk_tiers_json,
    ),
    Case(
        "validate-accounting",
        "accounting",
        mk_quarantined_panel,
        ["validate", P],
        0,
        RX_ACC,
        (123, 120, 3),
        P,
    ),
    Case(
        "jsonl-accounting",
        "accounting",
        lambda d: write(
            d,
            "p.jsonl",
            '{"account_id": "a", "followers": 10, "likes": 1}\n\n'
            '{"account_id": "b", "followers": 0, "likes": 1}\n',
        ),
        ["claims", "--data", "{d}/p.jsonl", "--only", "C01"],
        0,
        RX_ACC,
        (2, 1, 1),
        "{d}/p.jsonl",
    ),
    # ---------------------------------------------------------------- 4 adapters
    Case(
        "kim-cross-file-duplicate",
        "adapters",
        mk_kim_cross,
        ["validate", "{d}/kim", "--format", "json", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (11, 7, 4),
        "{d}/kim",
        check=chk_kim_cross_file,
    ),
    Case(
        "kim-renamed-three-copies",
        "adapters",
        mk_kim_renamed,
        ["validate", "{d}/kim", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (12, 7, 5),
        "{d}/kim",
        check=chk_kim_renamed,
    ),
    Case(
        "kim-subfolder-and-upper-case",
        "adapters",
        mk_kim_sub,
        ["validate", "{d}/kim"],
        0,
        RX_ACC,
        (11, 8, 3),
        "{d}/kim",
    ),
    Case(
        "kim-odd-types",
        "adapters",
        mk_kim_odd,
        ["validate", "{d}/kim", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (10, 6, 4),
        "{d}/kim",
        check=chk_kim_odd,
    ),
    Case(
        "tiktok-alternative-names-CSV",
        "adapters",
        mk_tt_alt,
        ["validate", "{d}/tt"],
        0,
        RX_ACC,
        (8, 6, 2),
        "{d}/tt",
    ),
    Case(
        "tiktok-part-missing-column",
        "adapters",
        mk_tt_missing,
        ["validate", "{d}/tt"],
        2,
        r"tt/part3\.csv: missing column\(s\) create_time, n_comments, n_followers",
    ),
    Case(
        "tiktok-keeps-usable-copy",
        "adapters",
        mk_tt_usable,
        ["validate", "{d}/tt", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (9, 6, 3),
        "{d}/tt",
        check=chk_tt_usable,
    ),
    Case(
        "duckdb-reads-dataset-dir",
        "adapters",
        tiktok_copy,
        ["validate", "{d}/tt", "--engine", "duckdb", "--format", "json"],
        0,
        RX_ACC,
        (7, 5, 2),
        "{d}/tt",
        check=chk_engine_dir,
    ),
    # ---------------------------------------------------------------- 7 say what the data are
    Case(
        "account-level-summaries",
        "describe",
        lambda d: write(d, "acc.csv", panel(40, 1).replace("post_id,", "x,")),
        ["claims", "--data", "{d}/acc.csv", "--only", "C01,C05", "--format", "json"],
        0,
        RX_ACC,
        (40, 40, 0),
        "{d}/acc.csv",
        check=chk_account_level,
    ),
    Case(
        "exact-duplicate-rows",
        "describe",
        lambda d: write(
            d, "dup.csv", "account_id,followers,likes\na,10,1\nb,20,2\na,10,1\na,10,1\nc,30,3\n"
        ),
        ["validate", "{d}/dup.csv", "--format", "json"],
        0,
        RX_ACC,
        (5, 5, 0),
        "{d}/dup.csv",
        check=chk_duplicate_rows,
    ),
    Case(
        "implausible-counted",
        "describe",
        mk_implausible,
        ["validate", P, "--format", "json"],
        0,
        RX_ACC,
        (5, 5, 0),
        P,
        check=chk_implausible_counted,
    ),
    Case(
        "implausible-quarantined",
        "describe",
        mk_implausible,
        ["validate", P, "--quarantine-implausible", "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (5, 2, 3),
        P,
        check=lambda o, e, d: (
            _quarantine(d)["reason"].tolist()
            == ["implausible_date", "implausible_rate", "implausible_rate"]
        ),
    ),
    Case(
        "validate-strict",
        "describe",
        mk_quarantined_panel,
        ["validate", P, "--strict"],
        2,
        r"3 of 123 rows would be quarantined",
    ),
    # ---------------------------------------------------------------- 6 definition
    Case(
        "likes-only-export",
        "definition",
        lambda d: mk_panel(d, comments=False),
        ["claims", "--data", P, "--only", "C01,C05,C15", "--format", "json"],
        0,
        RX_ACC,
        (120, 120, 0),
        P,
        check=chk_definition_fallback,
    ),
    Case(
        "definition-explicit",
        "definition",
        mk_panel,
        [
            "claims",
            "--data",
            P,
            "--only",
            "C05",
            "--definition",
            "likes_followers",
            "--format",
            "json",
        ],
        0,
        RX_ACC,
        (120, 120, 0),
        P,
        check=chk_definition_explicit,
    ),
    Case(
        "definition-absent-column",
        "definition",
        mk_panel,
        [
            "claims",
            "--data",
            P,
            "--only",
            "C01,C02,C15",
            "--definition",
            "er_reach",
            "--format",
            "json",
        ],
        0,
        RX_ACC,
        (120, 120, 0),
        P,
        check=chk_definition_absent,
    ),
    Case(
        "comments-only-export",
        "definition",
        lambda d: write(d, "posts.csv", panel(20, 2).replace(",likes,", ",x,")),
        ["claims", "--data", P, "--only", "C01", "--format", "json"],
        0,
        RX_ACC,
        (40, 40, 0),
        P,
        check=chk_comments_only,
    ),
    # ---------------------------------------------------------------- 8 safe outputs
    Case(
        "formula-ids-in-quarantine",
        "csv",
        mk_formula,
        ["validate", P, "--quarantine", "{d}/q.csv"],
        0,
        RX_ACC,
        (6, 1, 5),
        P,
        check=chk_csv_neutral,
    ),
    Case(
        "ledger-csv-numbers-unchanged",
        "csv",
        mk_decline,
        ["claims", "--data", P, "--only", "C05", "--format", "csv"],
        0,
        RX_ACC,
        (120, 120, 0),
        P,
        check=chk_ledger_csv,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.cls}:{c.id}" for c in CASES])
def test_catalogue(case, tmp_path, capsys, monkeypatch):
    if case.id == "exception-in-one-claim":
        _patch_c06(monkeypatch)
    case.make(tmp_path)
    code = main([a.format(d=tmp_path) for a in case.argv])
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err + cap.out
    lines = cap.err.strip().splitlines()
    assert code == case.exit, cap.err
    if case.exit == 2:
        assert len(lines) == 1, lines  # every exit 2 prints its one line
        assert lines[0].startswith("influtiers ")
    if case.err:
        assert re.search(case.err, lines[-1]), lines
    if case.acc is not None:
        found = [tuple(map(int, m.groups())) for m in map(ACCOUNTING.search, lines) if m]
        assert found == [case.acc]
        n, a, q = case.acc
        assert n == a + q == count_rows(Path(case.count.format(d=tmp_path)))  # nothing lost
    if "--format" in case.argv and case.argv[0] == "claims" and "json" in case.argv:
        rows = _json_rows(cap.out)
        assert sum(r["verdict"] == "error" for r in rows) == case.errors
    if case.check is not None:
        assert case.check(cap.out, cap.err, tmp_path) is not False


def test_catalogue_covers_every_class():
    classes = {c.cls for c in CASES}
    assert classes == {
        "numbers",
        "exit-codes",
        "claims",
        "accounting",
        "adapters",
        "describe",
        "definition",
        "csv",
    }
    assert len({c.id for c in CASES}) == len(CASES)
