"""Shared fixtures: a second, small dataset in an export-like format (not the demo panel)."""

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from influtiers.datasets import simulate_panel

# tests write only under temporary folders: Hypothesis keeps its files (examples,
# constants, failure patches) in one, not in the working tree
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="influtiers-hypothesis-"))
settings.register_profile("influtiers", database=None)
settings.load_profile("influtiers")

#: Export-style column names -> canonical names (the mapping file the analyst would write).
EXPORT_NAMES = {
    "Creator": "account_id",
    "Network": "platform",
    "Post ID": "post_id",
    "Published": "posted_at",
    "Audience size": "followers",
    "Hearts": "likes",
    "Replies": "comments",
    "Reposts": "shares",
    "Bookmarks": "saves",
    "Plays": "views",
    "Unique reach": "reach",
    "Impressions": "impressions",
    "Paid partnership": "sponsored",
    "Partner brand": "brand",
    "Fee": "cost",
    "Fee currency": "currency",
}


def write_export(path: Path, seed: int = 7, n_influencers: int = 300, drop=()) -> tuple[Path, Path]:
    """A small synthetic export (CSV with human-written counts and its own column names)
    plus the YAML mapping for it."""
    p = simulate_panel(seed=seed, n_influencers=n_influencers)
    p = p.drop(columns=[c for c in ("category", "country", *drop) if c in p])
    out = p.rename(columns={v: k for k, v in EXPORT_NAMES.items()})
    big = out["Audience size"] >= 1e6
    out["Audience size"] = out["Audience size"].map(lambda v: f"{v:,.0f}").astype(object)
    out.loc[big, "Audience size"] = (p.loc[big, "followers"] / 1e6).map(lambda v: f"{v:.6f}M")
    out["Hearts"] = out["Hearts"].map(lambda v: "N/A" if np.isnan(v) else f"{v:.0f}")
    csv = path / "export.csv"
    out.to_csv(csv, index=False)
    mapping = path / "mapping.yaml"
    keep = {k: v for k, v in EXPORT_NAMES.items() if k in out.columns}
    mapping.write_text("".join(f'"{k}": {v}\n' for k, v in keep.items()), encoding="utf-8")
    return csv, mapping


@pytest.fixture(scope="session")
def export_dataset(tmp_path_factory):
    return write_export(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="session")
def make_export():
    """The :func:`write_export` factory, for tests that need a variant of the export."""
    return write_export


class _HalfWriter:
    """A file that writes half of what it is given, then fails (disk full, killed, ...)."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()
        return False

    def write(self, data):
        self.f.write(data[: len(data) // 2])
        self.f.flush()
        raise OSError("no space left on device")


@pytest.fixture
def writes_fail_midway(monkeypatch):
    """Make every :func:`influtiers.provenance.atomic_write` die halfway through writing."""
    import influtiers.provenance as prov

    real_fdopen = os.fdopen
    monkeypatch.setattr(prov.os, "fdopen", lambda *a, **k: _HalfWriter(real_fdopen(*a, **k)))
    return monkeypatch


@pytest.fixture(scope="session")
def reproduced_run(tmp_path_factory, export_dataset):
    """A real run directory: ``reproduce`` on the export and the published library, with
    the claims overview (00) and one study (03); its report.html is the real page."""
    from influtiers.reproduce import DataSpec, reproduce

    csv, mapping = export_dataset
    out = tmp_path_factory.mktemp("reproduced") / "run"
    specs = [DataSpec("export", csv, mapping), DataSpec("benchmarks", "benchmarks")]
    res = reproduce(datasets=specs, out=out, only=["00", "03"], progress=False, seed=5)
    assert [s["status"] for s in res.studies] == ["ok", "ok"]
    return out


def _reports_state():
    """The repository's run directory (and its lock/staging siblings) as files and mtimes."""
    from influtiers.config import REPORTS_DIR

    paths = [REPORTS_DIR, *REPORTS_DIR.parent.glob(f"{REPORTS_DIR.name}.*")]
    return sorted(
        (str(p), p.stat().st_mtime_ns)
        for root in paths
        if root.exists()
        for p in [root, *root.rglob("*")]
    )


@pytest.fixture(scope="session", autouse=True)
def _tests_write_only_under_temporary_folders():
    """Tests write only under temporary folders: the repository's ``reports/`` (a user's
    run directory) is left exactly as it was."""
    before = _reports_state()
    yield
    assert _reports_state() == before, "the test suite wrote into reports/ (use tmp_path)"


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole suite (skips without pyspark or Java)."""
    import shutil
    import warnings

    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime for Spark")
    from pyspark.sql import SparkSession

    warnings.filterwarnings("ignore", message=".*pandas.*", category=FutureWarning)
    try:
        session = (
            SparkSession.builder.master("local[1]")
            .appName("influtiers-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1")
            # tiny data: compiling whole-stage code costs more than it saves
            .config("spark.sql.codegen.wholeStage", "false")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
    except Exception as e:  # pragma: no cover - depends on the machine's Java
        pytest.skip(f"cannot start Spark: {e}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
