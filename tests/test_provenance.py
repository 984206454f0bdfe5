"""Hashes, atomic writes, provenance records and the git commit."""

import hashlib
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from influtiers import __version__
from influtiers import provenance as prov
from influtiers.provenance import (
    atomic_write,
    git_commit,
    provenance,
    sha256_data,
    sha256_file,
    watermark,
)

ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2


# ---------------------------------------------------------------- files
def test_sha256_file_known_vector_and_chunking(tmp_path):
    f = tmp_path / "abc.txt"
    f.write_bytes(b"abc")
    assert sha256_file(f) == ABC_SHA256
    assert sha256_file(str(f), chunk=1) == ABC_SHA256  # chunk size does not matter
    assert sha256_data(f) == ABC_SHA256  # a file's data hash is its bytes' hash


def test_sha256_file_stable_and_content_sensitive(tmp_path):
    f = tmp_path / "x.bin"
    data = bytes(range(256)) * 5000  # 1.28 MB: more than one default 1 MiB chunk
    f.write_bytes(data)
    h1, h2 = sha256_file(f, chunk=4096), sha256_file(f)
    assert h1 == h2 == hashlib.sha256(data).hexdigest()
    f.write_bytes(data[:-1] + b"\x00")  # last byte was 0xff
    assert sha256_file(f) != h1


# ---------------------------------------------------------------- directories
def _make_dir(root: Path, order: list[str]) -> Path:
    content = {"a.csv": b"1,2\n", "b.csv": b"3,4\n", "sub/c.csv": b"5,6\n"}
    root.mkdir()
    for name in order:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content[name])
    return root


def test_directory_hash_independent_of_creation_order(tmp_path):
    d1 = _make_dir(tmp_path / "one", ["a.csv", "b.csv", "sub/c.csv"])
    d2 = _make_dir(tmp_path / "two", ["sub/c.csv", "b.csv", "a.csv"])
    h = sha256_data(d1)
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert h == sha256_data(d1) == sha256_data(str(d1))  # stable across calls
    assert sha256_data(d2) == h  # same files, other creation order, other folder name


def test_directory_hash_changes_with_content_name_or_new_file(tmp_path):
    d = _make_dir(tmp_path / "d", ["a.csv", "b.csv", "sub/c.csv"])
    h0 = sha256_data(d)
    (d / "sub" / "c.csv").write_bytes(b"5,7\n")
    h1 = sha256_data(d)
    assert h1 != h0
    (d / "b.csv").rename(d / "b2.csv")
    h2 = sha256_data(d)
    assert h2 not in (h0, h1)
    (d / "new.txt").write_bytes(b"")
    assert sha256_data(d) not in (h0, h1, h2)


def test_empty_directory_hash_is_stable(tmp_path):
    (tmp_path / "e1").mkdir()
    (tmp_path / "e2").mkdir()
    assert sha256_data(tmp_path / "e1") == sha256_data(tmp_path / "e2")


# ---------------------------------------------------------------- DataFrames
def _df() -> pd.DataFrame:
    return pd.DataFrame(
        {"account_id": ["a", "b", "c"], "followers": [100.0, 2000.0, np.nan], "n": [1, 2, 3]}
    )


def test_dataframe_hash_stable_and_content_sensitive():
    h = sha256_data(_df())
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert sha256_data(_df()) == h  # a fresh, equal frame
    assert sha256_data(_df().set_axis([10, 11, 12])) == h  # the index is not content
    changed = _df()
    changed.loc[1, "followers"] = 2001.0
    assert sha256_data(changed) != h
    assert sha256_data(_df().rename(columns={"n": "m"})) != h  # column names count
    assert sha256_data(_df().astype({"n": "float64"})) != h  # dtypes count
    assert sha256_data(_df().iloc[::-1]) != h  # row order counts
    assert sha256_data(_df().iloc[:2]) != h


def test_dataframe_hash_sees_missing_values():
    a = _df()
    b = _df()
    b.loc[2, "followers"] = 0.0
    assert sha256_data(a) != sha256_data(b)


# ---------------------------------------------------------------- atomic_write
def test_atomic_write_text_and_bytes_leave_no_temp_file(tmp_path):
    target = tmp_path / "deep" / "er" / "out.txt"  # parents are created
    assert atomic_write(target, "héllo\n") == target
    assert target.read_bytes() == "héllo\n".encode()
    atomic_write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


class _Boom(OSError):
    pass


def test_atomic_write_failure_midway_keeps_old_file_and_no_temp(tmp_path, writes_fail_midway):
    target = tmp_path / "result.csv"
    target.write_text("old content\n")
    with pytest.raises(OSError, match="no space"):
        atomic_write(target, "new content that is long enough to be cut\n")
    writes_fail_midway.undo()
    assert target.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


def test_atomic_write_failure_at_rename_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "m.json"
    target.write_bytes(b"{}")

    def fail(*a, **k):
        raise _Boom("rename failed")

    monkeypatch.setattr(prov.os, "replace", fail)
    with pytest.raises(_Boom):
        atomic_write(target, b'{"new": 1}')
    monkeypatch.undo()
    assert target.read_bytes() == b"{}"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


# ---------------------------------------------------------------- provenance records
def test_provenance_keys_and_json_serialisable(tmp_path):
    params = {
        "seed": 1,
        "margin": (0.8, 1.25),
        "out": tmp_path,
        "n": np.int64(3),
        "nested": {"k": [1, None, True]},
    }
    rec = provenance(params=params)
    assert set(rec) == {"influtiers_version", "git_commit", "python", "packages", "parameters"}
    assert rec["influtiers_version"] == __version__
    for p in ("numpy", "pandas", "scipy", "duckdb"):
        assert rec["packages"][p] not in ("", "not installed")
    text = json.dumps(rec)  # no default=: must already be JSON-safe
    back = json.loads(text)
    assert back["parameters"]["margin"] == [0.8, 1.25]
    assert back["parameters"]["out"] == str(tmp_path)
    assert back["parameters"]["nested"] == {"k": [1, None, True]}
    assert back["parameters"]["seed"] == 1


def test_provenance_with_data_carries_its_hash(tmp_path):
    df = _df()
    rec = provenance(df, {"x": 1})
    assert rec["data"] == "DataFrame"
    assert rec["data_sha256"] == sha256_data(df)
    f = tmp_path / "p.csv"
    f.write_bytes(b"abc")
    rec = provenance(f)
    assert rec["data"] == str(f)
    assert rec["data_sha256"] == ABC_SHA256
    assert provenance(f, data_label="demo")["data"] == "demo"
    json.dumps(rec)


def test_watermark_names_version_commit_data_and_parameters(tmp_path):
    f = tmp_path / "p.csv"
    f.write_bytes(b"abc")
    text = watermark(f, {"seed": 7})
    assert f"influtiers {__version__}" in text
    assert ABC_SHA256 in text
    assert '"seed": 7' in text
    assert "pandas" in text


# ---------------------------------------------------------------- git
def test_git_commit_inside_the_repository():
    root = Path(prov.__file__).resolve().parent.parent
    if not (root / ".git").exists():
        pytest.skip("not a git checkout")
    c = git_commit()
    assert re.fullmatch(r"[0-9a-f]{40}(-dirty)?", c), c
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert c.split("-")[0] == head
    assert git_commit(root) == c


def test_git_commit_outside_a_repository_is_unknown(tmp_path, monkeypatch):
    # keep git from walking up into an enclosing repository
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert git_commit(root=tmp_path) == "unknown"


def test_git_commit_unknown_when_git_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no git executable on PATH
    assert git_commit() == "unknown"
