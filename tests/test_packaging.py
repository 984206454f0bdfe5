"""Packaging stays consistent: pyproject.toml <-> environment.yml, README commands <-> CI,
CITATION.cff version, console script."""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

import influtiers

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"
README = ROOT / "README.md"
CI = ROOT / ".ci" / "run"
CITATION = ROOT / "CITATION.cff"

#: pip name -> conda-forge name, where they differ
CONDA_NAMES = {"duckdb": "python-duckdb"}
#: groups of pyproject.toml that environment.yml must provide
GROUPS = ("notebooks", "test")
#: non-Python packages environment.yml may list beyond pyproject.toml (with why):
#: openjdk: the Java runtime PySpark needs, so the conda route runs the Spark tests too
NON_PYTHON = {"openjdk": "17"}

REQ = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([0-9][0-9A-Za-z.]*)\s*$"
)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(req: str, where: str) -> tuple[str, str]:
    m = REQ.match(req)
    assert m, f"{where}: {req!r} is not of the form 'name>=version' (the only form compared here)"
    return _norm(m.group(1)), m.group(2)


def pyproject_requirements(data: dict) -> dict[str, str]:
    """Core + notebooks + test requirements as {name: minimum version}."""
    project = data["project"]
    reqs = list(project["dependencies"])
    for g in GROUPS:
        reqs += project["optional-dependencies"][g]
    out: dict[str, str] = {}
    for r in reqs:
        if re.match(rf"^\s*{re.escape(project['name'])}\s*\[", r):
            continue  # self-reference, e.g. influtiers[notebooks]
        name, ver = _parse(r, "pyproject.toml")
        assert name not in out, f"pyproject.toml lists {name} twice"
        out[name] = ver
    return out


def environment_requirements(data: dict) -> dict[str, str]:
    """Conda dependencies (except python and pip) as {pip name: minimum version}."""
    back = {v: k for k, v in CONDA_NAMES.items()}
    out: dict[str, str] = {}
    for d in data["dependencies"]:
        if isinstance(d, dict):
            continue  # the pip: section
        name, ver = (_norm(d), None) if d.strip() == "pip" else _parse(d, "environment.yml")
        if name in ("python", "pip"):
            continue
        name = back.get(name, name)
        assert name not in out, f"environment.yml lists {name} twice"
        if name in NON_PYTHON:
            assert ver == NON_PYTHON[name], f"environment.yml: {name}>={ver}, allowlisted >="
            continue
        out[name] = ver
    return out


def _drift(py: dict[str, str], env: dict[str, str]) -> list[str]:
    problems = []
    for n in sorted(py.keys() - env.keys()):
        problems.append(f"{n} is in pyproject.toml but not in environment.yml")
    for n in sorted(env.keys() - py.keys()):
        problems.append(f"{n} is in environment.yml but not in pyproject.toml")
    for n in sorted(py.keys() & env.keys()):
        if py[n] != env[n]:
            problems.append(f"{n}: pyproject.toml >={py[n]} but environment.yml >={env[n]}")
    return problems


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load(ENVIRONMENT.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- (a) dependencies
def test_environment_matches_pyproject(pyproject, environment):
    py = pyproject_requirements(pyproject)
    env = environment_requirements(environment)
    assert len(py) >= 10  # the parser found the lists
    assert _drift(py, env) == []


def test_environment_python_and_editable_install(pyproject, environment):
    deps = environment["dependencies"]
    pythons = [d for d in deps if isinstance(d, str) and _norm(d).startswith("python>=")]
    assert pythons == [f"python{pyproject['project']['requires-python']}"]
    pip = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip == [["-e .[test]"]]
    assert environment["name"] == pyproject["project"]["name"]


def test_drift_check_catches_drift(pyproject, environment):
    """The comparison itself fails on the kinds of drift it exists for."""
    py = pyproject_requirements(pyproject)
    env = environment_requirements(environment)
    assert _drift({**py, "rich": "13"}, env) == [
        "rich is in pyproject.toml but not in environment.yml"
    ]
    assert _drift(py, {**env, "polars": "1"}) == [
        "polars is in environment.yml but not in pyproject.toml"
    ]
    assert _drift(py, {**env, "pandas": "2.0"}) == [
        f"pandas: pyproject.toml >={py['pandas']} but environment.yml >=2.0"
    ]
    # the conda name is mapped back: python-duckdb in environment.yml is duckdb
    edited = dict(environment)
    edited["dependencies"] = [
        "duckdb>=1.1" if d == "python-duckdb>=1.1" else d for d in environment["dependencies"]
    ]
    assert "duckdb" in environment_requirements(edited)
    edited["dependencies"] = [d for d in environment["dependencies"] if d != "python-duckdb>=1.1"]
    assert "duckdb" in py and "duckdb" not in environment_requirements(edited)
    with pytest.raises(AssertionError, match="not of the form"):
        _parse("numpy", "environment.yml")  # no lower bound: not silently accepted
    with pytest.raises(AssertionError, match="not of the form"):
        _parse("numpy==1.26", "pyproject.toml")


# ---------------------------------------------------------------- (b) README and CI
def _fenced_after(text: str, marker: str) -> list[str]:
    """The lines of the first ```bash block after ``marker`` (as .ci/run's awk reads it)."""
    lines = text.splitlines()
    i = lines.index(marker)
    start = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```bash"))
    end = next(j for j in range(start + 1, len(lines)) if lines[j].startswith("```"))
    return lines[start + 1 : end]


MAIN = 'python -m pip install -e ".[notebooks]" && python -m influtiers reproduce'
TEST = (
    'python -m pip install -e ".[test]" && python -m ruff check . && '
    "python -m ruff format --check . && python -m pytest"
)


def test_readme_quick_start_commands():
    text = README.read_text(encoding="utf-8")
    assert text.count("<!-- main-command -->") == 1
    assert text.count("<!-- test-command -->") == 1
    assert _fenced_after(text, "<!-- main-command -->") == [MAIN]
    assert _fenced_after(text, "<!-- test-command -->") == [TEST]
    # the block follows its marker directly
    assert "<!-- main-command -->\n```bash\n" in text
    assert "<!-- test-command -->\n```bash\n" in text


def test_test_command_lints_checks_format_and_runs_pytest():
    (cmd,) = _fenced_after(README.read_text(encoding="utf-8"), "<!-- test-command -->")
    assert "ruff check" in cmd
    assert "ruff format --check" in cmd
    assert "pytest" in cmd
    assert "[test]" in cmd  # installs what the tests need


def _ci_awk_program() -> str:
    m = re.search(r"awk '([^']+)' README\.md", CI.read_text(encoding="utf-8"))
    assert m, ".ci/run no longer extracts the command with awk from README.md"
    return m.group(1)


@pytest.mark.skipif(shutil.which("awk") is None, reason="awk not installed")
def test_ci_runs_exactly_the_readme_test_command():
    out = subprocess.run(
        ["awk", _ci_awk_program(), "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    assert out.splitlines() == [TEST]
    # and .ci/run executes what it extracted
    ci = CI.read_text(encoding="utf-8")
    assert 'bash -euo pipefail -c "$cmd"' in ci


@pytest.mark.skipif(shutil.which("awk") is None, reason="awk not installed")
def test_ci_extraction_stops_at_the_test_block(tmp_path):
    """The awk program takes only the block after the test marker, not the main command."""
    fake = tmp_path / "README.md"
    fake.write_text(
        "<!-- main-command -->\n```bash\nmain\n```\n\ntext\n"
        "<!-- test-command -->\n```bash\nfirst && second\n```\n```bash\nlater\n```\n"
    )
    out = subprocess.run(
        ["awk", _ci_awk_program(), "README.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout
    assert out.splitlines() == ["first && second"]


# ---------------------------------------------------------------- (c) citation, (d) script
def test_citation_version_matches_package():
    cff = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    assert str(cff["version"]) == influtiers.__version__
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"].startswith("influtiers")


def test_version_is_single_sourced(pyproject):
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "influtiers._version.__version__"
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+", influtiers.__version__)


def test_console_script_declared(pyproject):
    assert pyproject["project"]["scripts"] == {"influtiers": "influtiers.cli:main"}
    from influtiers import cli

    assert callable(cli.main)


def test_console_script_installed():
    from importlib.metadata import PackageNotFoundError, entry_points, version

    try:
        version("influtiers")
    except PackageNotFoundError:
        pytest.skip("influtiers is not installed (running from a source tree)")
    eps = [e for e in entry_points(group="console_scripts") if e.name == "influtiers"]
    assert [e.value for e in eps] == ["influtiers.cli:main"]
