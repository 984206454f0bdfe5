"""nbval settings for the study notebooks.

The ``.py`` files here are jupytext mirrors of the notebooks, not tests: they are
checked by tests/test_notebooks.py, never imported by pytest.
"""

collect_ignore_glob = ["*.py"]
