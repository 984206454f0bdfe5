"""Say what the data are: checks on the accepted posts that change how to read the results.

:func:`describe` runs a few small SQL queries (DuckDB or Spark SQL) over the accepted posts
(with ``_file`` and ``_row``) after validation and returns notes, warnings and ledger
flags for the :class:`~influtiers.load.validate.ValidationReport`:

* **account-level summaries**: no ``post_id`` and exactly one row per account (two or
  more accounts) look like one row of averages per account, not posts. Noted, and every
  ledger row on posts is flagged ``account-level``.
* **exact duplicate rows** (no ``post_id``; with one, repeated posts are quarantined as
  ``duplicate_post``): counted with examples, flagged ``duplicate-rows``.
* **plausibility outliers**: posts dated after the load time (with a day's tolerance for
  time zones) and engagement rates (likes + comments) / followers above the platform's
  threshold (:data:`influtiers.schema.RATE_THRESHOLD`, video platforms
  :data:`influtiers.schema.VIDEO_RATE_THRESHOLD`): counted and listed with examples.
  They stay in the data unless ``--quarantine-implausible`` (then the rules quarantine
  them as ``implausible_date`` / ``implausible_rate``, and nothing is left to count here).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .validate_sql import (
    Layout,
    Plausibility,
    implausible_date_sql,
    implausible_rate_sql,
    quote,
    rate_sql,
)

__all__ = ["Description", "describe"]

#: Rows listed as examples of each finding.
EXAMPLES = 5


@dataclass
class Description:
    """What :func:`describe` found."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    #: ``{"implausible_date": {"count": n, "examples": [...]}, "implausible_rate": ...,
    #: "duplicate_rows": ...}``
    findings: dict[str, dict] = field(default_factory=dict)


def _where(rows, files: Sequence, show_files: bool) -> list[str]:
    out = []
    for r in rows:
        f, row = int(r[0]), int(r[1])
        where = f"{files[f]} row {row}" if show_files and files[f] is not None else f"row {row}"
        out.append(where + (f" ({r[2]})" if len(r) > 2 and r[2] is not None else ""))
    return out


def _ts_text(x: str, dialect: str) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM:SS`` text (the same in both engines)."""
    if dialect == "spark":
        return f"date_format({x}, 'yyyy-MM-dd HH:mm:ss')"
    return f"strftime({x}, '%Y-%m-%d %H:%M:%S')"


def describe(
    run: Callable[[str], list],
    layout: Layout,
    accepted: str,
    *,
    plausibility: Plausibility,
    quarantined: bool,
    files: Sequence,
    show_files: bool,
    dialect: str = "duckdb",
) -> Description:
    """Check the accepted posts (the relation ``accepted``, with ``_file`` and ``_row``).

    ``run`` executes a query and returns its rows as tuples; ``quarantined``: the
    implausible posts were quarantined by the rules (not counted again here).
    """
    q = lambda c: quote(c, dialect)  # noqa: E731
    out = Description()
    cols = layout.out_columns
    text = "STRING" if dialect == "spark" else "VARCHAR"
    if "post_id" not in cols:
        keys = ", ".join(q(k) for k in ("platform", "account_id") if k in cols)
        n = int(run(f"SELECT count(*) FROM {accepted}")[0][0])
        accounts = int(
            run(f"SELECT count(*) FROM (SELECT DISTINCT {keys} FROM {accepted}) a")[0][0]
        )
        if n >= 2 and n == accounts:
            out.notes.append(
                f"account-level data: no post_id and one row per account ({n} accounts): the "
                "rows look like per-account summaries (averages), not posts; each is "
                "treated as one post, so post-level claims describe accounts"
            )
            out.flags.append("account-level")
        part = ", ".join(q(c) for c in cols)
        dup_sql = (
            f"SELECT _file, _row FROM (SELECT _file, _row, row_number() OVER (PARTITION BY "
            f"{part} ORDER BY _file, _row) AS rn FROM {accepted}) d WHERE rn > 1"
        )
        n_dup = int(run(f"SELECT count(*) FROM ({dup_sql}) x")[0][0])
        if n_dup:
            ex = _where(run(f"{dup_sql} ORDER BY _file, _row LIMIT {EXAMPLES}"), files, show_files)
            out.findings["duplicate_rows"] = {"count": n_dup, "examples": ex}
            out.warnings.append(
                f"{n_dup} exact duplicate row(s) (every value equal to an earlier row; no "
                f"post_id to tell posts apart), e.g. {', '.join(ex[:3])}: kept, and the "
                "ledger's rows are flagged duplicate-rows"
            )
            out.flags.append("duplicate-rows")
    if quarantined:
        return out
    checks = []
    date = implausible_date_sql(layout, plausibility, dialect)
    if date:
        checks.append(
            (
                "implausible_date",
                date,
                _ts_text(q("posted_at"), dialect),
                f"posted after {plausibility.now[:10]} (in the future)",
            )
        )
    rate = implausible_rate_sql(layout, plausibility, dialect)
    if rate:
        detail = f"'rate ' || CAST(round({rate_sql(layout, dialect)}, 3) AS {text})"
        checks.append(
            (
                "implausible_rate",
                rate,
                detail,
                f"with an engagement rate above {plausibility.threshold:g} ({plausibility.video:g} "
                "on video platforms)",
            )
        )
    if not checks:
        return out
    sums = ", ".join(f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END)" for _, cond, _, _ in checks)
    counts = run(f"SELECT {sums} FROM {accepted}")[0]
    for (code, cond, detail, what), n in zip(checks, counts, strict=True):
        n = int(n or 0)
        if not n:
            continue
        rows = run(
            f"SELECT _file, _row, {detail} FROM {accepted} WHERE {cond} "
            f"ORDER BY _file, _row LIMIT {EXAMPLES}"
        )
        ex = _where(rows, files, show_files)
        out.findings[code] = {"count": n, "examples": ex}
        out.warnings.append(
            f"{n} implausible post(s) {what}, e.g. {', '.join(ex[:3])}: kept (quarantine them "
            "with --quarantine-implausible)"
        )
    return out
