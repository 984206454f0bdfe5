"""`influtiers reproduce` / `run` / `report`: a complete, citable run directory."""

import json
import os
import re
import signal
import threading

import pandas as pd
import pytest

from influtiers.claims import CLAIMS
from influtiers.cli import main
from influtiers.errors import UnusableData
from influtiers.provenance import sha256_file
from influtiers.reproduce import DataSpec, _in_child_process, reproduce


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, export_dataset):
    csv, mapping = export_dataset
    out = tmp_path_factory.mktemp("run")
    res = reproduce(csv, mapping=mapping, out=out, only=["03"], progress=False, seed=5)
    return res, out


def test_run_directory_is_complete(run_dir):
    res, out = run_dir
    for name in (
        "manifest.json",
        "validation.json",
        "validation.txt",
        "claims.csv",
        "claims.md",
        "claims.json",
        "studies.json",
        "report.html",
        "notebooks/03_engagement_parity.ipynb",
    ):
        assert (out / name).exists(), name
    assert [s["status"] for s in res.studies] == ["ok"]
    studies = json.loads((out / "studies.json").read_text())
    assert studies[0]["key_figure"] == "figures/03_parity_forest.png"
    claims = pd.read_csv(out / "claims.csv", keep_default_na=False)
    assert claims.loc[claims["part"] == "", "claim_id"].nunique() == len(CLAIMS)


def test_manifest_hashes_every_output(run_dir):
    _, out = run_dir
    man = json.loads((out / "manifest.json").read_text())
    assert man["data"]["sha256"] and man["influtiers_version"] and man["git_commit"]
    assert man["parameters"]["seed"] == 5
    assert "total" in man["timings"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {
        "manifest.json"
    }
    assert files == set(man["files"])
    for rel, meta in man["files"].items():
        assert sha256_file(out / rel) == meta["sha256"], rel
    assert not list(out.rglob(".*.tmp*")), "temporary files left behind"


def test_validation_report_balances(run_dir):
    _, out = run_dir
    v = json.loads((out / "validation.json").read_text())
    assert v["rows_in"] == v["accepted"] + v["quarantined"]


def test_two_runs_give_identical_ledger_and_figure_data(run_dir, export_dataset, tmp_path):
    _, first = run_dir
    csv, mapping = export_dataset
    reproduce(
        csv, mapping=mapping, out=tmp_path, only=["03"], progress=False, seed=5, build_html=False
    )
    a, b = (pd.read_csv(d / "claims.csv", keep_default_na=False) for d in (first, tmp_path))
    assert a["run_id"].nunique() == b["run_id"].nunique() == 1
    assert a["run_id"].iloc[0] != b["run_id"].iloc[0]  # two runs, two ids
    pd.testing.assert_frame_equal(a.drop(columns="run_id"), b.drop(columns="run_id"))
    # figures (PNG, SVG, CSV) are byte-identical: the run id is in figures/manifest.json only
    figs = sorted(p.name for p in (first / "figures").glob("*.*") if p.name != "manifest.json")
    assert {f.rsplit(".", 1)[1] for f in figs} == {"png", "svg", "csv"}
    for f in figs:
        assert (tmp_path / "figures" / f).read_bytes() == (first / "figures" / f).read_bytes(), f
    runs = [json.loads((d / "figures" / "manifest.json").read_text()) for d in (first, tmp_path)]
    assert {e["run_id"] for e in runs[0].values()} == {a["run_id"].iloc[0]}
    assert {e["run_id"] for e in runs[1].values()} == {b["run_id"].iloc[0]}


def test_study_without_needed_columns_is_not_testable_and_run_goes_on(
    tmp_path, capsys, make_export
):
    csv, mapping = make_export(tmp_path, n_influencers=120, drop=("cost", "currency"))
    code = main(
        [
            "reproduce",
            "--data",
            str(csv),
            "--mapping",
            str(mapping),
            "--out",
            str(tmp_path / "out"),
            "--only",
            "06",
            "--no-progress",
        ]
    )
    assert code == 0
    studies = json.loads((tmp_path / "out" / "studies.json").read_text())
    assert studies[0]["status"] == "not-testable" and "cost" in studies[0]["reason"]
    assert "not testable on this data" in (tmp_path / "out" / "report.html").read_text()
    code = main(
        [
            "reproduce",
            "--data",
            str(csv),
            "--mapping",
            str(mapping),
            "--out",
            str(tmp_path / "out2"),
            "--only",
            "06",
            "--no-progress",
            "--strict",
        ]
    )
    assert code == 1


def test_unusable_data_stops_with_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("account_id,followers,likes\na,0,5\nb,-3,1\n")
    code = main(["reproduce", "--data", str(bad), "--out", str(tmp_path / "o"), "--no-progress"])
    assert code == 2
    (err,) = capsys.readouterr().err.strip().splitlines()
    assert err.startswith("influtiers reproduce: error: ")
    assert "no usable rows: 2 rows in = 0 accepted + 2 quarantined" in err
    assert "nothing was written to" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "o.lock"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["reproduce", "--data", "no/such/file.csv"], "no/such/file.csv"),
        (["reproduce", "--scheme", "nope", "--only", "03"], "nope"),
        (["run", "99"], "99"),
    ],
)
def test_error_paths_one_line_exit_2(args, needle, tmp_path, capsys):
    code = main([*args, "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_required_column_names_file(tmp_path, capsys):
    f = tmp_path / "x.csv"
    f.write_text("account_id,likes\na,1\n")
    assert main(["reproduce", "--data", str(f), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "x.csv" in err and "followers" in err


def test_report_command_rebuilds_the_page(run_dir, capsys):
    _, out = run_dir
    (out / "report.html").unlink()
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").exists()


def test_every_study_survives_a_tiny_dataset(tmp_path, make_export):
    """On 40 influencers most tests are not testable: every study must still run to the
    end (placeholders, not-testable rows), in parallel notebooks (--jobs 2)."""
    csv, mapping = make_export(tmp_path, seed=2, n_influencers=40)
    specs = [DataSpec(None, csv, mapping), DataSpec("benchmarks", "benchmarks")]
    res = reproduce(datasets=specs, out=tmp_path / "run", jobs=2, progress=False)
    assert {s["nn"]: s["status"] for s in res.studies} == {
        nn: "ok" for nn in ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10")
    }
    led = pd.read_csv(tmp_path / "run" / "claims.csv")
    assert (led["verdict"] == "not-testable").sum() >= 3
    # notebooks in parallel share figures/manifest.json: no entry is lost, each names the run
    figs = tmp_path / "run" / "figures"
    man = json.loads((figs / "manifest.json").read_text())
    assert set(man) == {p.stem for p in figs.glob("*.png")}
    assert {e["run_id"] for e in man.values()} == {res.run_id}


def test_parallel_run_keeps_working_directory_and_relative_out(
    tmp_path, monkeypatch, export_dataset
):
    """Studies run in worker processes: the parent's working directory never changes, and
    a relative --out lands where the user ran the command (not inside notebooks/)."""
    import os

    csv, mapping = export_dataset
    monkeypatch.chdir(tmp_path)
    before = os.getcwd()
    code = main(
        [
            "reproduce",
            "--data",
            str(csv),
            "--mapping",
            str(mapping),
            "--only",
            "01,03",
            "--jobs",
            "2",
            "--out",
            "rel_out",
            "--no-progress",
        ]
    )
    assert code == 0
    assert os.getcwd() == before
    studies = json.loads((tmp_path / "rel_out" / "studies.json").read_text())
    assert [s["status"] for s in studies] == ["ok", "ok"]


def test_two_datasets_and_the_published_library(tmp_path, make_export):
    """Several datasets: each under evidence/<label>/, notebooks/<label>/, figures/<label>/;
    the ledger holds every dataset's rows, the published rows and the pooled rows; the
    synthesis notebook runs once on top; the run reads back."""
    from influtiers.synthesis import Synthesis

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, ma = make_export(tmp_path / "a", seed=3, n_influencers=150)
    b, mb = make_export(tmp_path / "b", seed=4, n_influencers=150)
    code = main(
        [
            "reproduce",
            "--data",
            f"alpha={a}",
            "--mapping",
            str(ma),
            "--data",
            f"beta={b}",
            "--mapping",
            str(mb),
            "--data",
            "benchmarks",
            "--only",
            "04,09",
            "--out",
            str(tmp_path / "run"),
            "--no-progress",
        ]
    )
    assert code == 0
    run = tmp_path / "run"
    for label in ("alpha", "beta"):
        assert (run / "evidence" / label / "influencers.parquet").exists()
        assert (run / "notebooks" / label / "04_micro_lift.ipynb").exists()
        assert (run / "figures" / label / "04_specification_curve.png").exists()
    assert (run / "notebooks" / "09_evidence_synthesis.ipynb").exists()
    led = pd.read_csv(run / "claims.csv", keep_default_na=False)
    assert {"alpha", "beta", "pooled"} <= set(led["dataset"])
    assert led["dataset"].str.startswith("benchmarks: ").any()
    pooled = led[(led["dataset"] == "pooled") & (led["claim_id"] == "C04")]
    rows = led[led["dataset"].isin(["alpha", "beta"]) & (led["claim_id"] == "C04")]
    tested = rows[rows["verdict"].isin(["supported", "contradicted", "inconclusive"])]
    tested = tested[tested["platform"] != "all (platform FE)"]  # never both
    assert len(pooled) == 1 and int(pooled["k"].iloc[0]) == len(tested) >= 3
    syn = Synthesis.read(run)
    assert set(syn.analyses) == {"alpha", "beta"}
    assert syn.forest_frame("C04")["kind"].tolist()[-1] == "pooled"
    studies = json.loads((run / "studies.json").read_text())
    assert [(s.get("dataset"), s["nn"], s["status"]) for s in studies] == [
        ("alpha", "04", "ok"),
        ("beta", "04", "ok"),
        (None, "09", "ok"),
    ]


def test_run_directory_names_one_run_everywhere(run_dir, export_dataset):
    """A real run (notebook executed by papermill): every file names the same input
    sha256 and run id, the manifest's hashes match, paths are relative to the run, and the
    executed notebook records no staging path (see test_catalogue_runs.consistent)."""
    from test_catalogue_runs import consistent

    res, out = run_dir
    csv, _ = export_dataset
    rid, _ = consistent(out, csv, "export.csv")
    assert rid == res.run_id
    nb = json.loads((out / "notebooks" / "03_engagement_parity.ipynb").read_text())
    meta = nb["metadata"]["papermill"]
    assert meta["output_path"] == "notebooks/03_engagement_parity.ipynb"
    assert meta["parameters"]["run_dir"] == "." and meta["parameters"]["output_dir"] == "figures"
    assert json.loads((out / "figures" / "manifest.json").read_text())


# -- the validation and claims phase runs in a process of its own --------------------------
def _child_logs_then_returns(n, log=None, lock=None):
    for i in range(n):
        log(f"line {i}")
    return {"n": n, "pid": os.getpid()}


def _child_raises(log=None):
    raise UnusableData("no usable row")


class _NoUnpickle(Exception):
    def __init__(self, a, b):  # pickles, but cannot be rebuilt from its args
        super().__init__(f"{a}/{b}")


def _child_raises_unpicklable(log=None):
    raise _NoUnpickle("x", "y")


def _child_is_killed(log=None):
    log("about to die")
    os.kill(os.getpid(), signal.SIGKILL)


def test_child_phase_passes_log_lines_in_order_then_its_result():
    got = []
    out = _in_child_process(_child_logs_then_returns, {"n": 3}, got.append)
    assert got == ["line 0", "line 1", "line 2"]
    assert out["n"] == 3 and out["pid"] != os.getpid()  # another process did the work


def test_child_phase_error_is_raised_in_the_parent_with_its_type_and_traceback():
    with pytest.raises(UnusableData, match="no usable row") as info:
        _in_child_process(_child_raises, {})
    assert any("_child_raises" in note for note in info.value.__notes__)
    with pytest.raises(RuntimeError, match="_NoUnpickle: x/y"):
        _in_child_process(_child_raises_unpicklable, {})


def test_child_phase_stays_here_when_the_job_cannot_cross_processes():
    lock = threading.Lock()  # like a Spark session: it does not pickle
    got = []
    out = _in_child_process(_child_logs_then_returns, {"n": 1, "lock": lock}, got.append)
    assert out["pid"] == os.getpid() and got == ["line 0"]


def test_child_phase_killed_by_the_system_says_so():
    got = []
    with pytest.raises(RuntimeError, match="killed by signal 9"):
        _in_child_process(_child_is_killed, {}, got.append)
    assert got == ["about to die"]


def test_default_jobs_one_per_cpu_up_to_four_and_one_at_scale():
    from influtiers import config
    from influtiers.reproduce import default_jobs

    assert [default_jobs(1_000, cpus=c) for c in (1, 2, 3, 4, 16)] == [1, 2, 3, 4, 4]
    # the rule's edge: one at a time from SERIAL_INFLUENCERS influencers on
    n = config.SERIAL_INFLUENCERS
    assert default_jobs(n - 1, cpus=8) == 4 and default_jobs(n, cpus=8) == 1


def test_cli_without_jobs_runs_large_data_one_at_a_time_and_says_so(
    tmp_path, capsys, monkeypatch, export_dataset
):
    import influtiers.reproduce as rep

    csv, mapping = export_dataset
    chosen = []
    real = rep._run_studies

    def spy(entries_in, stage, jobs, *a, **k):
        chosen.append(jobs)
        return real(entries_in, stage, jobs, *a, **k)

    monkeypatch.setattr("influtiers.reproduce._run_studies", spy)
    base = ["reproduce", "--data", str(csv), "--mapping", str(mapping), "--only", "03"]
    base += ["--no-progress"]
    assert main([*base, "--out", str(tmp_path / "a")]) == 0
    assert "one at a time" not in capsys.readouterr().err
    monkeypatch.setattr("influtiers.reproduce.SERIAL_INFLUENCERS", 10)  # "large" data
    assert main([*base, "--out", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert re.search(r"studies run one at a time: [\d,]+ influencers", err)
    assert chosen == [rep.default_jobs(0), 1]  # one per CPU (at most 4), then one


def test_study_02_reads_the_published_rows_of_a_run(reproduced_run, monkeypatch, tmp_path):
    """Study 02 shows the run's published rows (``--data benchmarks``); it judges the
    published library itself only when the run did not."""
    from influtiers import studies
    from influtiers.claims import PUBLISHED, Ledger, run_benchmark_ledger

    rows = json.loads((reproduced_run / "claims.json").read_text(encoding="utf-8"))
    ran = Ledger.from_rows(rows)
    ran = ran[ran["evidence"] == PUBLISHED].reset_index(drop=True)
    assert len(ran) > 10
    s = studies.StudySession("02", run_dir=reproduced_run)
    monkeypatch.setattr(studies, "run_benchmark_ledger", lambda **kw: pytest.fail("judged"))
    pd.testing.assert_frame_equal(pd.DataFrame(s.published_ledger()), pd.DataFrame(ran))
    # a run without the published library: judged here, with the session's margin
    monkeypatch.setattr(studies, "run_benchmark_ledger", run_benchmark_ledger)
    data_rows = [r for r in rows if r["evidence"] != PUBLISHED]
    (tmp_path / "claims.json").write_text(json.dumps(data_rows), encoding="utf-8")
    s.run_dir, s.margin = tmp_path, (0.9, 1.1)
    got = s.published_ledger()
    pd.testing.assert_frame_equal(
        pd.DataFrame(got), pd.DataFrame(run_benchmark_ledger(margin=(0.9, 1.1)))
    )
    assert not pd.DataFrame(got).equals(pd.DataFrame(run_benchmark_ledger()))
