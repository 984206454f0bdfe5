"""The bad-input catalogue, run directories (issue 12, part 1): runs never mix.

Each case states its expected outcome (exit code, stderr line, error rows or failed
studies) and asserts it, plus: no traceback, and the run directory is consistent after the
case (:func:`consistent`): every file names the same input sha256 and run id, the
manifest's hashes match the files, nothing names the staging folder or the absolute run
path, and no staging or previous folder is left beside it. After a refused, failed or
interrupted run the previous run is byte-for-byte what it was.

Most cases replace the notebook execution by :func:`fake_execute` (it runs in-process and
saves one figure through :class:`influtiers.studies.StudySession`, as a notebook does): the
run-directory machinery is the same, without a kernel. The interrupt and concurrency case
runs a real ``influtiers run`` in a subprocess and sends it SIGINT; the real-notebook case
is ``test_reproduce.py::test_run_directory_names_one_run_everywhere``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from catalogue_data import count_rows, panel, write

from influtiers.cli import main

ACCOUNTING = re.compile(r"^(\d+) rows in = (\d+) accepted \+ (\d+) quarantined$")


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def snapshot(out: Path) -> dict:
    """Every file of a folder with its bytes' sha256 (to prove it untouched)."""
    return {p.relative_to(out).as_posix(): _sha(p) for p in sorted(out.rglob("*")) if p.is_file()}


def consistent(out: Path, data: Path, label: str) -> tuple[str, str]:
    """Assert that ``out`` is one complete run on ``data``; return (run id, input sha256)."""
    man = json.loads((out / "manifest.json").read_text())
    rid, sha = man["run_id"], man["data"]["sha256"]
    assert sha == _sha(data) and re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{8}", rid)
    assert man["parameters"]["run_id"] == rid
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files - {"manifest.json"} == set(man["files"])
    for rel, rec in man["files"].items():
        assert _sha(out / rel) == rec["sha256"], rel
    v = json.loads((out / "validation.json").read_text())
    assert (v["sha256"], v["run_id"]) == (sha, rid)
    assert v["rows_in"] == v["accepted"] + v["quarantined"] == count_rows(data)
    led = pd.read_csv(out / "claims.csv", keep_default_na=False)
    assert set(led["run_id"]) == {rid}
    assert set(led.loc[led["dataset"] == label, "data_sha256"]) == {sha}
    assert set(led.loc[led["dataset"] == label, "rows_in"].astype(str)) == {str(v["rows_in"])}
    figs = out / "figures" / "manifest.json"
    if figs.exists():
        for name, rec in json.loads(figs.read_text()).items():
            # (the synthesis figures name each dataset's sha256: "label: sha256; ...")
            assert rec["run_id"] == rid and sha in rec["provenance"]["data_sha256"], name
            png = (out / "figures" / rec["files"]["png"]["path"]).read_bytes()
            assert rid.encode() not in png  # the run id is never in the image metadata
    html = (out / "report.html").read_text()
    assert sha in html and rid in html
    for p in out.rglob("*"):
        if p.is_file() and p.suffix in (".json", ".csv", ".md", ".html", ".txt", ".ipynb"):
            text = p.read_text(errors="replace")
            assert ".staging-" not in text and str(out) not in text, p
    left = [p.name for p in out.parent.iterdir() if re.search(r"\.(staging|previous)-", p.name)]
    assert not left, left
    return rid, sha


def fake_execute(study, output_path, parameters, *, progress=False, cwd=None):
    """A notebook's work without a kernel: read the run, save one figure, write the
    notebook file. Parameters are relative to the run (the kernel's working directory)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from influtiers.studies import StudySession

    assert parameters["run_dir"] == "." and not Path(parameters["output_dir"]).is_absolute()
    s = StudySession(
        study.nn,
        run_dir=Path(cwd) / parameters["run_dir"],
        output_dir=Path(cwd) / parameters["output_dir"],
    )
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2])
    s.save(fig, pd.DataFrame({"x": [1, 2, 3], "label": ["=a", "b", "c"]}), f"{study.nn}_fake")
    plt.close(fig)
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    Path(output_path).write_text(json.dumps({"cells": [], "metadata": {}}))
    return output_path


def failing_execute(study, output_path, parameters, *, progress=False, cwd=None):
    raise RuntimeError("PapermillExecutionError: the notebook failed in cell 3")


@pytest.fixture
def data(tmp_path):
    return write(tmp_path, "posts.csv", panel(30, 2))


def run(argv, capsys) -> tuple[int, list[str], str]:
    code = main(argv)
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err + cap.out
    return code, cap.err.strip().splitlines(), cap.out


def run09(data, out, *extra):
    return ["run", "09", "--data", str(data), "--out", str(out), "--no-progress", *extra]


def test_fresh_run_exit_0(data, tmp_path, capsys):
    """Expected: exit 0; stderr: the accounting line, then one line per study (not on a
    terminal); a consistent run directory."""
    code, err, _ = run(run09(data, tmp_path / "run"), capsys)
    assert code == 0 and err[0] == "60 rows in = 60 accepted + 0 quarantined"
    assert len(err) == 2 and re.fullmatch(
        r"\s*09 evidence_synthesis\s+not-testable\s+0\.\d s", err[1]
    )
    consistent(tmp_path / "run", data, "posts.csv")


def test_strict_not_testable_study_exit_1(data, tmp_path, capsys):
    """Expected: exit 1 (--strict, study 09 not testable on one source); the run is written."""
    code, err, _ = run(run09(data, tmp_path / "run", "--strict"), capsys)
    assert code == 1
    assert re.search(
        r"the run is complete in .*run, but --strict: 1 stud\(ies\) not testable "
        r"\(09\)$",
        err[-1],
    )
    consistent(tmp_path / "run", data, "posts.csv")


def test_rerun_on_unusable_data_keeps_previous_run(data, tmp_path, capsys):
    """Expected: exit 2; one stderr line with the accounting and 'the previous run ... is
    untouched'; the previous run byte-for-byte as it was."""
    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    before = snapshot(out)
    bad = write(tmp_path, "bad.csv", "account_id,followers,likes\na,0,5\nb,-3,1\n")
    code, err, _ = run(run09(bad, out), capsys)
    assert code == 2 and len(err) == 1
    assert re.search(
        r"error: .*bad\.csv: no usable rows: 2 rows in = 0 accepted \+ 2 "
        r"quarantined .*; the previous run in .*run is untouched$",
        err[0],
    )
    assert snapshot(out) == before
    consistent(out, data, "posts.csv")


def test_error_rows_replace_previous_run_exit_1(data, tmp_path, capsys, monkeypatch):
    """Expected: exit 1 (an error row), the new run replaces the previous one."""
    from influtiers.claims import EVALUATORS

    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    old, _ = consistent(out, data, "posts.csv")

    def bug(ctx, claim):
        raise ZeroDivisionError("a bug in C06")

    monkeypatch.setitem(EVALUATORS, "micro_vs_nano", bug)
    # the patched evaluator lives in this process: run reproduce's claims phase here too
    # (it runs in a spawned process of its own otherwise)
    monkeypatch.setattr(
        "influtiers.reproduce._in_child_process", lambda func, job, log=None: func(**job, log=log)
    )
    code, err, _ = run(run09(data, out), capsys)
    assert code == 1 and re.search(r"1 claim\(s\) failed unexpectedly \(C06\)$", err[-1])
    new, _ = consistent(out, data, "posts.csv")
    assert new != old
    led = pd.read_csv(out / "claims.csv", keep_default_na=False)
    assert led.loc[led["verdict"] == "error", "claim_id"].tolist() == ["C06"]


def test_failed_study_replaces_previous_run_exit_1(data, tmp_path, capsys, monkeypatch):
    """Expected: exit 1 (study 00 failed, without --strict); studies.json says failed."""
    monkeypatch.setattr("influtiers.reproduce.execute", failing_execute)
    out = tmp_path / "run"
    code, err, _ = run(
        ["run", "00", "--data", str(data), "--out", str(out), "--no-progress"], capsys
    )
    assert code == 1 and re.search(r"1 stud\(ies\) failed \(00\)$", err[-1])
    st = json.loads((out / "studies.json").read_text())
    assert [(s["nn"], s["status"]) for s in st] == [("00", "failed")]
    assert "the notebook failed in cell 3" in st[0]["reason"]
    consistent(out, data, "posts.csv")


def test_second_run_while_locked_exit_2(data, tmp_path, capsys):
    """Expected: exit 2 naming the folder; the run in it untouched."""
    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    before = snapshot(out)
    with open(tmp_path / "run.lock", "a") as fh:  # another run holds the lock
        fcntl.flock(fh, fcntl.LOCK_EX)
        code, err, _ = run(run09(data, out), capsys)
    assert code == 2 and len(err) == 1
    assert re.search(
        r"error: --out .*run: another influtiers run is writing to this folder", err[0]
    )
    assert snapshot(out) == before
    consistent(out, data, "posts.csv")


def test_recovers_from_a_crash_between_the_renames(data, tmp_path, capsys):
    """A crash left ``run.previous-*`` and no ``run`` (and a stale staging folder).
    Expected: exit 0; notes that it restored and removed them; a consistent new run."""
    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    out.rename(tmp_path / "run.previous-999")
    stale = tmp_path / "run.staging-888"
    stale.mkdir()
    (stale / "claims.csv").write_text("half-written")
    code, err, _ = run(run09(data, out), capsys)
    assert code == 0
    assert any("restored the previous run" in e and "run.previous-999" in e for e in err)
    assert any("removed the stale run.staging-888" in e for e in err)
    consistent(out, data, "posts.csv")


def test_leftover_previous_removed(data, tmp_path, capsys):
    """A crash after the swap left ``run.previous-*`` beside a complete run. Expected: it
    is removed, exit 0."""
    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    shutil.copytree(out, tmp_path / "run.previous-777")
    code, err, _ = run(run09(data, out), capsys)
    assert code == 0 and any("removed the leftover run.previous-777" in e for e in err)
    consistent(out, data, "posts.csv")


def test_run_nn_into_a_full_run_replaces_it_consistently(data, tmp_path, capsys, monkeypatch):
    """``run 09`` into a run of 00, 01 and 09: the run directory is replaced as a whole
    (ledger, manifest, report and studies of the new run; no figure of the old one).
    Expected: exit 0."""
    monkeypatch.setattr("influtiers.reproduce.execute", fake_execute)
    out = tmp_path / "run"
    code, _, _ = run(
        [
            "reproduce",
            "--data",
            str(data),
            "--out",
            str(out),
            "--only",
            "00,01,09",
            "--jobs",
            "1",  # the fake execution is patched in this process, not in workers
            "--no-progress",
        ],
        capsys,
    )
    assert code == 0 and (out / "figures" / "00_fake.png").exists()
    consistent(out, data, "posts.csv")
    assert run(run09(data, out), capsys)[0] == 0
    assert [s["nn"] for s in json.loads((out / "studies.json").read_text())] == ["09"]
    assert not (out / "figures").exists()
    consistent(out, data, "posts.csv")


def test_figures_name_the_run_and_stay_identical(data, tmp_path, capsys, monkeypatch):
    """Two runs: figure files byte-identical, each figures/manifest.json names its run id.
    Expected: exit 0 twice; the figure CSV's text cells neutralised."""
    monkeypatch.setattr("influtiers.reproduce.execute", fake_execute)
    ids = []
    for name in ("a", "b"):
        argv = ["run", "00", "--data", str(data), "--out", str(tmp_path / name), "--no-progress"]
        assert run(argv, capsys)[0] == 0
        ids.append(consistent(tmp_path / name, data, "posts.csv")[0])
    assert ids[0] != ids[1]
    for f in ("00_fake.png", "00_fake.svg", "00_fake.csv"):
        assert (tmp_path / "a/figures" / f).read_bytes() == (
            tmp_path / "b/figures" / f
        ).read_bytes()
    assert (tmp_path / "a/figures/00_fake.csv").read_text().splitlines()[1] == "1,'=a"


def test_files_follow_the_umask(data, tmp_path, capsys):
    """Expected: under umask 027 every file of the run is 0640 (no 0600 temporaries)."""
    old = os.umask(0o027)
    try:
        assert run(run09(data, tmp_path / "run"), capsys)[0] == 0
    finally:
        os.umask(old)
    modes = {
        p.name: p.stat().st_mode & 0o777
        for p in (tmp_path / "run").rglob("*")
        if p.is_file() and p.name != "report.html"
    }
    assert set(modes.values()) == {0o640}, modes


def test_out_dot_with_user_files_is_refused(data, tmp_path, capsys, monkeypatch):
    """``--out .`` in a folder of the user's files (the input elsewhere). Expected: exit 2,
    nothing touched."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("the user's own file\n")
    monkeypatch.chdir(work)
    before = snapshot(tmp_path)
    code, err, _ = run(run09(data, "."), capsys)
    assert code == 2 and len(err) == 1 and "refusing to replace its files" in err[0]
    assert snapshot(tmp_path) == before


def test_interrupt_and_concurrency(data, tmp_path, capsys):
    """A real ``influtiers run 00`` in a subprocess, over a previous run. While it runs, a
    second run on the folder: exit 2 naming it. Then Ctrl-C (SIGINT): exit 130, one line
    (no traceback), the previous run untouched, no staging folder left."""
    out = tmp_path / "run"
    assert run(run09(data, out), capsys)[0] == 0
    before = snapshot(out)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "influtiers",
            "run",
            "00",
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-progress",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # Ctrl-C as in a terminal, even when this test runs in the background (where a
        # shell without job control starts commands with SIGINT ignored)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("run.staging-*")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        code, err, _ = run(run09(data, out), capsys)
        assert code == 2 and "another influtiers run is writing to this folder" in err[0]
        # interrupt once the data are validated (the accounting line is out), mid-run
        while not list(tmp_path.glob("run.staging-*/validation.json")):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = stderr.strip().splitlines()
    assert proc.returncode == 130
    assert "Traceback" not in stderr
    assert ACCOUNTING.match(lines[0]) and len(lines) == 2
    assert re.fullmatch(
        r"influtiers run: interrupted; the previous run in .*run is untouched", lines[1]
    )
    assert snapshot(out) == before
    consistent(out, data, "posts.csv")
