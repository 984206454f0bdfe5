"""Every exception influtiers raises on purpose, in one leaf module everyone imports.

``DataError`` and its subclasses mean bad input (the command line exits 2 with one line
naming the file, row and column); ``NotTestable`` means a claim or test cannot be
computed on these data (the ledger says so with the reason). Anything else is a bug.

>>> issubclass(DataFileNotFoundError, FileNotFoundError), issubclass(InsufficientData, NotTestable)
(True, True)
"""

from __future__ import annotations

__all__ = [
    "BenchmarkError",
    "DataError",
    "DataFileNotFoundError",
    "InflutiersError",
    "InsufficientData",
    "Interrupted",
    "NotTestable",
    "RunDirError",
    "UnknownSchemeError",
    "UnusableData",
    "UsageError",
]


class InflutiersError(Exception):
    """Base class of the exceptions influtiers raises on purpose."""


class DataError(InflutiersError, ValueError):
    """Bad input data. The message names the file, the row and the column."""


class DataFileNotFoundError(DataError, FileNotFoundError):
    """An input path that does not exist (and is not a bundled dataset name)."""


class UnusableData(DataError):
    """Validation left no usable row."""


class BenchmarkError(DataError):
    """A benchmark file does not have the columns or values it must have."""


class UsageError(InflutiersError):
    """Bad usage of a command or function (exit code 2 on the command line)."""


class RunDirError(UsageError):
    """An output folder that is not, and cannot become, an influtiers run directory."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a command; ``args[0]`` says how the output was left (exit 130)."""


class UnknownSchemeError(InflutiersError, KeyError):
    """A tier scheme name that is not registered."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class NotTestable(InflutiersError):
    """A claim or test cannot be computed on these data; ``args[0]`` says why."""


class InsufficientData(NotTestable):  # noqa: N818  (name fixed by the public API)
    """Too little data for a test; ``reason`` is a short machine-readable code.

    >>> e = InsufficientData("only 4 influencers in tier 'mega' (need 10)")
    >>> e.reason
    'InsufficientData'
    """

    def __init__(self, detail: str, *, reason: str = "InsufficientData", sizes=None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.sizes = dict(sizes or {})
