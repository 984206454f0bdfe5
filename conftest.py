"""Repository-wide pytest settings.

``notebooks/*.py`` are jupytext mirrors of the study notebooks, not tests: pytest must
not import them (``--doctest-modules`` would execute them). tests/test_notebooks.py
checks that they stay in sync with the ``.ipynb`` files that nbval executes.
"""

collect_ignore_glob = ["notebooks/*.py", "bench/*"]
