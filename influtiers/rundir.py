"""Run directories that never mix runs.

A run (``influtiers reproduce`` or ``influtiers run``) never writes into its output folder
``out`` directly. It holds an exclusive lock on ``<out>.lock`` (``fcntl.flock``; a second
run on the same folder stops with exit 2), writes everything into ``<out>.staging-<pid>``
beside ``out``, and only when the run is complete swaps it in: the old run is renamed to
``<out>.previous-<pid>``, the staging folder to ``out``, then the old run is deleted. An
interrupted run, or one stopped by unusable data, removes its staging folder and leaves
``out`` as it was.

``out`` must be absent, empty, or an influtiers run directory (it holds a
``manifest.json`` written by influtiers); anything else is refused, so ``--out .`` can
never wipe a folder of the user's files. Under the lock, a run first recovers from a crash
of an earlier one: a leftover ``<out>.previous-*`` is restored when ``out`` is missing (the
crash happened between the two renames) and removed otherwise; stale ``<out>.staging-*``
folders are removed.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
>>> with RunDirectory(out) as rd:
...     _ = (rd.staging / "manifest.json").write_text('{"created_by": "influtiers test"}')
...     rd.commit()
>>> sorted(p.name for p in out.parent.iterdir())
['run', 'run.lock']
>>> is_run_directory(out)
True
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import signal
import threading
import time
from pathlib import Path

from .errors import RunDirError

__all__ = [
    "MANIFEST",
    "RunDirectory",
    "check_out",
    "check_run_files",
    "record_file",
    "is_run_directory",
    "new_run_id",
    "recover",
]

#: The file that makes a folder an influtiers run directory.
MANIFEST = "manifest.json"


def new_run_id() -> str:
    """A new run id: the UTC start time and 8 random hex digits (``20250101T120000Z-1a2b3c4d``)."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + secrets.token_hex(4)


def is_run_directory(path) -> bool:
    """True when ``path`` is a folder holding a ``manifest.json`` written by influtiers."""
    m = Path(path) / MANIFEST
    if not m.is_file():
        return False
    try:
        rec = json.loads(m.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(rec, dict) and str(rec.get("created_by", "")).startswith("influtiers")


def check_out(out) -> None:
    """Raise :class:`~influtiers.errors.RunDirError` unless ``out`` is absent, an empty
    folder, or an influtiers run directory."""
    out = Path(out)
    if not out.exists():
        if out.is_symlink():
            raise RunDirError(f"--out {out} is a broken symbolic link")
        return
    if not out.is_dir():
        raise RunDirError(f"--out {out} is a file, not a folder; choose a folder")
    try:
        empty = next(out.iterdir(), None) is None
    except OSError as e:
        raise RunDirError(f"--out {out} cannot be read: {e.strerror or e}") from None
    if not empty and not is_run_directory(out):
        raise RunDirError(
            f"--out {out} is a folder that is neither empty nor an influtiers run directory "
            f"(no influtiers {MANIFEST}); refusing to replace its files: choose a new or "
            "empty folder"
        )


def _siblings(out: Path, kind: str) -> list[Path]:
    prefix = f"{out.name}.{kind}-"
    try:
        return sorted(p for p in out.parent.iterdir() if p.name.startswith(prefix))
    except OSError:
        return []


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def recover(out) -> list[str]:
    """Clean up after a crashed run (call it under the lock): restore the newest
    ``<out>.previous-*`` when ``out`` is missing, remove the other leftovers and every
    ``<out>.staging-*``. Returns what was done, in words."""
    out = Path(out)
    done = []
    previous = sorted(_siblings(out, "previous"), key=lambda p: p.stat().st_mtime)
    if previous and not out.exists():
        keep = previous.pop()
        os.rename(keep, out)
        done.append(f"restored the previous run {out} from {keep.name}")
    for p in previous:
        _remove(p)
        done.append(f"removed the leftover {p.name}")
    for p in _siblings(out, "staging"):
        _remove(p)
        done.append(f"removed the stale {p.name}")
    return done


class _NoInterrupt:
    """Hold back SIGINT for the few renames that swap a run in (main thread only)."""

    def __enter__(self):
        self.on = threading.current_thread() is threading.main_thread()
        if self.on:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        return self

    def __exit__(self, *exc):
        if self.on:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return False


class RunDirectory:
    """The output folder of one run: lock, crash recovery, staging and the final swap.

    Use as a context manager: entering takes the lock (or raises
    :class:`~influtiers.errors.RunDirError` naming the folder when another run holds it),
    recovers from an earlier crash, checks ``out`` (:func:`check_out`) and creates
    :attr:`staging`; :meth:`commit` swaps the complete run in; leaving without a commit
    (an error, an interrupt) removes the staging folder and leaves ``out`` untouched.
    """

    def __init__(self, out) -> None:
        self.out = Path(out).absolute()
        self.staging = self.out.parent / f"{self.out.name}.staging-{os.getpid()}"
        self.lock_path = self.out.parent / f"{self.out.name}.lock"
        self.had_run = False
        self.committed = False
        self.recovered: list[str] = []
        self._fd: int | None = None

    def __enter__(self) -> RunDirectory:
        check_out(self.out)
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise RunDirError(
                f"--out {self.out}: cannot write beside it ({e.strerror or e}: {e.filename or self.lock_path})"
            ) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise RunDirError(
                f"--out {self.out}: another influtiers run is writing to this folder "
                f"(it holds {self.lock_path.name}); wait for it to finish or choose another --out"
            ) from None
        try:
            self.recovered = recover(self.out)
            check_out(self.out)
            self.had_run = is_run_directory(self.out)
            self.staging.mkdir()
        except BaseException as e:
            self._unlock()
            if isinstance(e, OSError):
                raise RunDirError(f"--out {self.out}: {e.strerror or e}") from None
            raise
        return self

    def commit(self) -> None:
        """Swap the staging folder in: old run -> ``<out>.previous-<pid>``, staging ->
        ``out``, then delete the old run."""
        previous = self.out.parent / f"{self.out.name}.previous-{os.getpid()}"
        with _NoInterrupt():
            moved = False
            if self.out.exists():
                os.rename(self.out, previous)
                moved = True
            os.rename(self.staging, self.out)
            self.committed = True
        if moved:
            _remove(previous)

    def _unlock(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __exit__(self, *exc) -> bool:
        try:
            if not self.committed:
                _remove(self.staging)
        finally:
            self._unlock()
        return False

    def untouched(self) -> str:
        """How ``out`` was left by a run that did not complete, in words."""
        if self.had_run:
            return f"the previous run in {self.out} is untouched"
        return f"nothing was written to {self.out}"


def _json_file(path: Path, kind: type, what: str):
    try:
        rec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RunDirError(f"{path}: cannot read {what}: {e}") from None
    if not isinstance(rec, kind):
        raise RunDirError(
            f"{path}: {what} must be a JSON {kind.__name__}, not {type(rec).__name__}"
        )
    return rec


def check_run_files(run_dir) -> None:
    """Raise :class:`~influtiers.errors.RunDirError` naming the file when ``run_dir`` is
    not a readable run directory: ``manifest.json`` a JSON object, ``claims.csv`` a file
    with the ledger's header, and (when present) ``studies.json`` a list of objects,
    ``validation.json`` and ``figures/manifest.json`` objects."""
    d = Path(run_dir)
    if not d.is_dir():
        raise RunDirError(f"{d} is not a folder (a run directory written by influtiers)")
    for name in (MANIFEST, "claims.csv"):
        if not (d / name).is_file():
            raise RunDirError(f"{d / name} is missing or not a file: {d} is not a complete run")
    _json_file(d / MANIFEST, dict, "the manifest")
    try:
        with open(d / "claims.csv", encoding="utf-8", newline="") as fh:
            header = fh.readline()
    except (OSError, UnicodeDecodeError) as e:
        raise RunDirError(f"{d / 'claims.csv'}: cannot read the ledger: {e}") from None
    if not {"claim_id", "verdict"} <= {h.strip() for h in header.split(",")}:
        raise RunDirError(f"{d / 'claims.csv'}: not a claims ledger (no claim_id/verdict header)")
    if (d / "studies.json").exists():
        studies = _json_file(d / "studies.json", list, "the studies")
        if not all(isinstance(s, dict) for s in studies):
            raise RunDirError(f"{d / 'studies.json'}: every study must be a JSON object")
    for rel in ("validation.json", "figures/manifest.json"):
        if (d / rel).exists():
            _json_file(d / rel, dict, rel)


def record_file(run_dir, rel: str) -> None:
    """Record the current sha256 and size of ``rel`` in the run's manifest (after
    ``influtiers report`` rebuilt ``report.html``), so the manifest still matches."""
    from .provenance import atomic_write, sha256_file

    d = Path(run_dir)
    rec = _json_file(d / MANIFEST, dict, "the manifest")
    files = rec.get("files")
    if not isinstance(files, dict):
        return
    p = d / rel
    files[rel] = {"sha256": sha256_file(p), "bytes": p.stat().st_size}
    atomic_write(d / MANIFEST, json.dumps(rec, indent=2, sort_keys=True, default=str))
