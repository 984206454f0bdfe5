"""Safe CSV output: text cells that a spreadsheet would run as a formula are neutralised.

Every CSV influtiers writes (the ledger, figure data, the quarantine) goes through
:func:`safe_csv` (pandas) or :func:`neutralise_sql` (DuckDB ``COPY``): a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
(the OWASP rule against CSV injection). Numeric columns are written unchanged, so a
negative estimate stays a number.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_START", "neutralise", "neutralise_sql", "safe_csv", "safe_frame"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell made safe for spreadsheets: a leading ``'`` when it starts with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return; anything else as it is.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-"), neutralise("ok"), neutralise(-1.5)
    ("'=HYPERLINK(1)", "'-", 'ok', -1.5)
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell :func:`neutralise`-d; numeric, boolean and date columns
    are unchanged (a negative estimate stays a number)."""
    out = df.copy()
    for i in range(out.shape[1]):  # by position: column names may repeat
        s = out.iloc[:, i]
        if pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
            out.isetitem(i, s.map(neutralise, na_action="ignore"))
    return out


def safe_csv(df: pd.DataFrame, **kwargs) -> str:
    """CSV text of ``df`` (no index) with formula-like text cells neutralised (see
    :func:`neutralise`); every CSV influtiers writes goes through here or its SQL twin.

    >>> print(safe_csv(pd.DataFrame({"id": ["=1+1", "a"], "slope": [-0.5, 2.0]})), end="")
    id,slope
    '=1+1,-0.5
    a,2.0
    """
    return safe_frame(df).to_csv(index=False, **kwargs)


def neutralise_sql(expr: str) -> str:
    """The SQL twin of :func:`neutralise` for a text expression (DuckDB and Spark SQL).

    >>> import duckdb
    >>> duckdb.sql("SELECT " + neutralise_sql("'@x'") + ", " + neutralise_sql("'a-b'")).fetchall()
    [("'@x", 'a-b')]
    """
    starts = ", ".join(["'='", "'+'", "'-'", "'@'", "chr(9)", "chr(13)"])
    return f"CASE WHEN substr({expr}, 1, 1) IN ({starts}) THEN concat('''', {expr}) ELSE {expr} END"
