"""The study notebooks: hygiene, text mirrors in sync, and reruns on a second dataset.

nbval (configured in pyproject.toml) separately re-executes every committed notebook
and compares its stored outputs.
"""

import ast
import json

import jupytext
import nbformat
import pytest

from influtiers import config
from influtiers.studies import NOTEBOOK_DIR, STUDIES, execute

NAMES = [s.name for s in STUDIES.values()]


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_study_has_a_notebook_and_a_mirror_and_nothing_else():
    ipynb = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
    mirrors = sorted(p.stem for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"))
    assert ipynb == sorted(NAMES)
    assert mirrors == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_text_mirror_in_sync(name):
    nb = jupytext.read(NOTEBOOK_DIR / f"{name}.ipynb")
    py = jupytext.read(NOTEBOOK_DIR / f"{name}.py")
    a = [(c.cell_type, c.source.strip()) for c in nb.cells]
    b = [(c.cell_type, c.source.strip()) for c in py.cells]
    assert a == b, (
        f"{name}.ipynb and {name}.py differ: run `python -m influtiers.studies {name[:2]}`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_notebook_hygiene(name):
    nb = nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb.metadata
    code = _code_cells(nb)
    # parameters first, literal defaults only
    params = code[0]
    assert "parameters" in params.metadata.get("tags", [])
    tree = ast.parse(params.source)
    values = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign), "parameters cell holds assignments only"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    # the papermill contract: every study reads a run or builds one from data, and passes
    # each parameter on (reproduce gives a multi-dataset run's label as ``dataset``)
    single = {"dataset"} if name.startswith("09") else set()
    required = {"data", "scheme", "seed", "margin", "output_dir", "mapping", "accounts"}
    assert required | {"run_dir", "dataset"} - single <= set(values)
    passed = {
        k.arg
        for node in ast.walk(ast.parse(code[1].source))
        if isinstance(node, ast.Call)
        for k in node.keywords
        if isinstance(k.value, ast.Name) and k.value.id == k.arg
    }
    assert (set(values) - {"output_dir"}) <= passed, set(values) - passed
    # the literals papermill shows are influtiers.config's defaults, not a second copy
    assert values["seed"] == config.SEED and tuple(values["margin"]) == config.MARGIN
    # thin: no function or class definitions, every number from influtiers
    for c in code:
        for node in ast.walk(ast.parse(c.source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.AsyncFunctionDef
            ), f"{name}: definitions belong in influtiers/, not in notebooks"
    # executed outputs committed, no execution timestamps
    for c in code:
        assert c.execution_count is not None, f"{name}: a cell was not executed"
        assert "execution" not in c.metadata
    # opening: question, claims, version; closing: claims table then watermark
    intro = nb.cells[0].source
    assert "**Question.**" in intro and "**Claims ruled on:**" in intro and "Study version" in intro
    assert "claims_table" in code[-2].source and "NBVAL_CHECK_OUTPUT" in code[-2].source
    assert "watermark" in code[-1].source and "NBVAL_IGNORE_OUTPUT" in code[-1].source
    # no machine paths in stored outputs
    text = json.dumps([c.get("outputs", []) for c in code])
    for bad in ("/work/", "/root/", "/tmp/"):
        assert bad not in text


@pytest.mark.parametrize("name", NAMES)
def test_rerun_on_a_second_dataset(name, export_dataset, tmp_path):
    """Every notebook reruns unchanged on another dataset (an export with its own column
    names, read through a mapping file) by changing parameters only."""
    csv, mapping = export_dataset
    out = execute(
        name,
        tmp_path / f"{name}.ipynb",
        {
            "data": str(csv),
            "mapping": str(mapping),
            "output_dir": str(tmp_path / "figures"),
            "seed": 3,
        },
    )
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in _code_cells(nb) for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    cell = next(c for c in _code_cells(nb) if "describe_data()" in c.source)
    first = "".join(o.get("text", "") for o in cell.get("outputs", []))
    assert str(csv.name) in first and "SYNTHETIC" not in first
    assert list((tmp_path / "figures").glob(f"{name[:2]}_*.csv")), "no figure data written"
