"""The validation rules as SQL text, for DuckDB and Spark SQL.

Input is a *staged* relation: ``_file`` (index of the input file), ``_row`` (1-based row
in it), the canonical columns present, and the first parse failure of each row
(``_fail_reason``, ``_fail_column``, ``_fail_detail``; Python fills them for text, and
:func:`typed_stage_sql` computes them for typed Parquet, where only an infinite number can
fail), ``_fmiss`` (how a missing follower count was written) and, for dataset adapters,
the adapter's own verdict (``_pre_reason``, ``_pre_column``, ``_pre_detail``).

:func:`ruled_sql` gives every row a rule code ``_rc`` (NULL = passes); codes map to the
reason codes of :data:`influtiers.schema.REASONS` in the order of
:data:`influtiers.schema.REASON_ORDER` (the first rule that applies wins):

======  ==========================================================================
code    rule
======  ==========================================================================
1xx     the adapter's verdict (``unreadable_record``, ``duplicate_post``, ...)
2       ``missing_account_id``
3, 4    ``unparseable_number`` in followers (on the post; in the accounts table)
5, 6, 7 ``unparseable_number`` (another column), ``unparseable_date``,
        ``unparseable_boolean``
20+i    ``negative_count`` in the i-th numeric column (``-1`` in likes, comments,
        views is a scraper's "hidden" and reads as missing)
40, 41  ``missing_followers``, ``orphan_post`` (followers needed from the accounts
        table, account not in it)
42, 43  ``zero_followers``, ``no_engagement``
8       ``ambiguous_number`` (a decimal-comma file's cell that could mean two values)
44, 45  ``implausible_date``, ``implausible_rate`` (only with ``Layout.implausible``)
50      ``duplicate_post``: same (platform, account_id, post_id) as a row that passes
        every other rule earlier in file order (found by the caller, not here)
======  ==========================================================================

Examples
--------
>>> lay = Layout(columns=("account_id", "followers", "likes"), names={}, typed=False)
>>> [code for code, _ in rules(lay)]
[2, 3, 5, 8, 20, 21, 40, 42, 43]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .. import schema
from .parse import HIDDEN_SENTINEL_COLUMNS, ID_COLUMNS, ID_MISSING_TOKENS, QUOTES, WHITESPACE

__all__ = [
    "CODE_REASONS",
    "DIALECTS",
    "DUPLICATE",
    "AccountsLayout",
    "Layout",
    "Plausibility",
    "implausible_date_sql",
    "implausible_rate_sql",
    "code_reason",
    "column_sql",
    "detail_sql",
    "duplicate_detail_sql",
    "lit",
    "posts_sql",
    "quarantine_sql",
    "quote",
    "reason_sql",
    "ruled_sql",
    "rules",
    "typed_stage_sql",
]

DIALECTS = ("duckdb", "spark")
NUMERIC = tuple(c for c in schema.POST_COLUMNS if c in schema.NUMERIC_COLUMNS)
#: Reason codes an adapter may give (its pre-quarantine), in a fixed order: code 100 + i.
PRE_REASONS = tuple(schema.REASONS)
DUPLICATE = 50
CODE_REASONS: dict[int, str] = {
    2: "missing_account_id",
    3: "unparseable_number",
    4: "unparseable_number",
    5: "unparseable_number",
    6: "unparseable_date",
    7: "unparseable_boolean",
    8: "ambiguous_number",
    **{20 + i: "negative_count" for i in range(len(NUMERIC))},
    40: "missing_followers",
    41: "orphan_post",
    42: "zero_followers",
    43: "no_engagement",
    44: "implausible_date",
    45: "implausible_rate",
    DUPLICATE: "duplicate_post",
    **{100 + i: r for i, r in enumerate(PRE_REASONS)},
}


def code_reason(code: int) -> str:
    """Reason code of a rule code.

    >>> code_reason(42), code_reason(100 + PRE_REASONS.index("unreadable_record"))
    ('zero_followers', 'unreadable_record')
    """
    return CODE_REASONS[int(code)]


@dataclass(frozen=True)
class AccountsLayout:
    """The accounts table ``_accounts``: join ``keys`` and the text columns it can fill."""

    keys: tuple[str, ...] = ("account_id",)
    fill: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plausibility:
    """When a post is implausible: dated after ``now`` (ISO 8601, UTC), or an engagement
    rate above ``threshold`` (``video`` on :data:`~influtiers.schema.VIDEO_PLATFORMS`)."""

    now: str
    threshold: float = schema.RATE_THRESHOLD
    video: float = schema.VIDEO_RATE_THRESHOLD


@dataclass(frozen=True)
class Layout:
    """What the staged relation holds.

    ``columns``: canonical columns present; ``names``: canonical -> input column (shown in
    details); ``typed``: the staged values are the raw typed input (cleaned and checked in
    SQL); ``pre``: adapter verdict columns present; ``accounts``: joined accounts table.
    """

    columns: tuple[str, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    typed: bool = False
    pre: bool = False
    accounts: AccountsLayout | None = None
    #: quarantine implausible posts (``implausible_date``, ``implausible_rate``)
    implausible: Plausibility | None = None

    @property
    def out_columns(self) -> tuple[str, ...]:
        """Canonical columns of the accepted posts (followers and fills from accounts)."""
        have = set(self.columns)
        if self.accounts is not None:
            have |= {"followers", *self.accounts.fill}
        return tuple(c for c in schema.POST_COLUMNS if c in have)

    @property
    def engagement(self) -> tuple[str, ...]:
        return tuple(c for c in schema.ENGAGEMENT_ANY if c in self.columns)


# ------------------------------------------------------------------ dialect helpers
def quote(name: str, dialect: str = "duckdb") -> str:
    """Quoted identifier.

    >>> quote('a"b'), quote("a`b", "spark")
    ('"a""b"', '`a``b`')
    """
    if dialect == "spark":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def lit(text: str, dialect: str = "duckdb") -> str:
    """String literal.

    >>> lit("it's"), lit("a\\\\b", "spark")
    ("'it''s'", "'a\\\\\\\\b'")
    """
    if dialect == "spark":
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "'" + text.replace("'", "''") + "'"


def _text_type(dialect: str) -> str:
    return "STRING" if dialect == "spark" else "VARCHAR"


def _trim(x: str, dialect: str) -> str:
    ws = lit(WHITESPACE, dialect)
    return f"trim(BOTH {ws} FROM {x})" if dialect == "spark" else f"trim({x}, {ws})"


def _isinf(x: str) -> str:
    return f"({x} = CAST('Infinity' AS DOUBLE) OR {x} = CAST('-Infinity' AS DOUBLE))"


def _fmt_g(x: str, dialect: str) -> str:
    """Python's ``f"{x:g}"`` (exact in DuckDB; integers and plain decimals in Spark)."""
    if dialect == "spark":
        return (
            f"CASE WHEN {x} = floor({x}) AND abs({x}) < 1e15 "
            f"THEN CAST(CAST({x} AS BIGINT) AS STRING) ELSE CAST({x} AS STRING) END"
        )
    return f"printf('%g', {x})"


def _plain(x: str) -> str:
    """DuckDB: text that cleaning leaves as it is, told by three O(1) tests: the first and
    last characters are printable ASCII (nothing to strip) and it does not start like a
    missing token (``#``, ``-``, ``<``, ``n``, ``N``, or a quote before one) within the
    tokens' length with quotes (9 bytes). A value that fails is cleaned by :func:`_clean`;
    NULL stays NULL."""
    return (
        f"(ascii({x}) BETWEEN 33 AND 126 AND ascii({x}[-1]) BETWEEN 33 AND 126 AND "
        f"NOT (strlen({x}) <= 9 AND ascii({x}) IN (34, 35, 39, 45, 60, 78, 96, 110)))"
    )


def _clean(raw: str, dialect: str, *, lower: bool, ident: bool = False) -> str:
    """Strip :data:`~influtiers.load.parse.WHITESPACE`; missing tokens (after stripping
    quotes) -> NULL; an id (``ident``) is missing only when empty."""
    t = _trim(raw, dialect)
    out = "lower(" + t + ")" if lower else t
    if ident:
        return f"CASE WHEN {t} = '' THEN NULL ELSE {out} END"
    q = lit(QUOTES, dialect)
    bare = f"trim(BOTH {q} FROM {t})" if dialect == "spark" else f"trim({t}, {q})"
    tokens = ", ".join(lit(s, dialect) for s in sorted(ID_MISSING_TOKENS))
    return f"CASE WHEN lower({_trim(bare, dialect)}) IN ({tokens}) THEN NULL ELSE {out} END"


# ------------------------------------------------------------------ staging of typed input
def typed_stage_sql(
    layout: Layout,
    source: str,
    dialect: str = "duckdb",
    *,
    clean: Iterable[str] | None = None,
    flags: bool = False,
) -> str:
    """SELECT turning raw typed columns of ``source`` into the staged shape.

    ``source`` must have ``_file`` and ``_row`` and the input columns named as in
    ``layout.names``. Text columns in ``clean`` (default: all) are stripped and have their
    missing tokens removed; the others are taken as they are (the caller proved that
    cleaning changes nothing there). ``flags`` adds ``_chg_<column>``: whether cleaning
    changed the value.
    """
    q = lambda c: quote(c, dialect)  # noqa: E731
    text = _text_type(dialect)
    clean = set(schema.STRING_COLUMNS if clean is None else clean)
    duck = dialect == "duckdb"
    inner = [q("_file"), q("_row")]
    cols = [q("_file"), q("_row")]
    inf_cases = []
    for c in layout.columns:
        src = q(layout.names.get(c, c))
        if c in schema.STRING_COLUMNS:
            low = c == "platform"
            r = q("_r_" + c)
            inner.append(f"CAST({src} AS {text}) AS {r}")
            simple = f"lower({r})" if low else r
            expr = simple
            if c in clean:
                full = _clean(r, dialect, lower=low, ident=c in ID_COLUMNS)
                if duck:  # clean only the values that may change (the trim with a set is slow)
                    g = q("_p_" + c)
                    inner.append(f"{_plain('CAST(' + src + ' AS ' + text + ')')} AS {g}")
                    expr = f"CASE WHEN {g} THEN {simple} ELSE {full} END"
                    if flags:
                        cols.append(f"NOT {g} AS {q('_chg_' + c)}")
                else:
                    expr = full
        elif c in schema.NUMERIC_COLUMNS:
            inner.append(f"CAST({src} AS DOUBLE) AS {q('_n_' + c)}")
            x = q("_n_" + c)
            expr = f"CASE WHEN isnan({x}) OR {_isinf(x)} THEN NULL ELSE {x} END"
            inf_cases.append((c, _isinf(x), f"{x} > 0", layout.names.get(c, c)))
        elif c in schema.DATETIME_COLUMNS:
            ts = "TIMESTAMP" if dialect == "spark" else "TIMESTAMPTZ"
            inner.append(f"CAST({src} AS {ts}) AS {q('_d_' + c)}")
            expr = q("_d_" + c)
        else:
            inner.append(f"{src} AS {q('_b_' + c)}")
            expr = q("_b_" + c)
        cols.append(f"{expr} AS {q(c)}")
    if inf_cases:
        when = " ".join(f"WHEN {cond} THEN {lit(c, dialect)}" for c, cond, _, _ in inf_cases)
        det = " ".join(
            f"WHEN {cond} THEN CASE WHEN {pos} THEN {lit(n + '=inf', dialect)} "
            f"ELSE {lit(n + '=-inf', dialect)} END"
            for _, cond, pos, n in inf_cases
        )
        any_inf = " OR ".join(cond for _, cond, _, _ in inf_cases)
        cols += [
            f"CASE WHEN {any_inf} THEN 'unparseable_number' END AS {q('_fail_reason')}",
            f"CASE {when} END AS {q('_fail_column')}",
            f"CASE {det} END AS {q('_fail_detail')}",
        ]
    else:
        cols += [
            f"CAST(NULL AS {text}) AS {q(n)}"
            for n in ("_fail_reason", "_fail_column", "_fail_detail")
        ]
    fname = layout.names.get("followers", "followers")
    cols.append(f"{lit(fname + '=nan', dialect)} AS {q('_fmiss')}")
    body = f"SELECT {', '.join(inner)} FROM {source}"
    return "SELECT " + ",\n       ".join(cols) + f"\nFROM ({body}) src"


# ------------------------------------------------------------------ rules
def _need(layout: Layout) -> str:
    """Followers must come from the accounts table (the post has none, and no bad one)."""
    if "followers" not in layout.columns:
        return "TRUE"
    return "(followers IS NULL AND (_fail_column IS NULL OR _fail_column <> 'followers'))"


def rules(layout: Layout, dialect: str = "duckdb") -> list[tuple[int, str]]:
    """``(code, condition)`` in the order they are checked, over the joined relation."""
    out: list[tuple[int, str]] = []
    if layout.pre:
        out.append((1, "_pre_reason IS NOT NULL"))
    out.append((2, "account_id IS NULL"))
    out.append((3, "_fail_column = 'followers' AND _fail_reason = 'unparseable_number'"))
    acc = layout.accounts is not None
    if acc:
        out.append((4, f"{_need(layout)} AND _a_fail IS NOT NULL"))
    out.append((5, "_fail_reason = 'unparseable_number'"))
    out.append((8, "_fail_reason = 'ambiguous_number'"))
    if "posted_at" in layout.columns:
        out.append((6, "_fail_reason = 'unparseable_date'"))
    if "sponsored" in layout.columns:
        out.append((7, "_fail_reason = 'unparseable_boolean'"))
    present = set(layout.out_columns)
    for i, c in enumerate(NUMERIC):
        if c in present:
            out.append((20 + i, f"{quote('_v_' + c, dialect)} < 0"))
    fol = quote("_v_followers", dialect)
    if acc:  # an orphan has no followers either: it is an orphan, not missing_followers
        orphan = f"({_need(layout)} AND NOT _a_found)"
        out.append((40, f"{fol} IS NULL AND NOT {orphan}"))
        out.append((41, orphan))
    else:
        out.append((40, f"{fol} IS NULL"))
    out.append((42, f"{quote('_v_followers', dialect)} = 0"))
    eng = layout.engagement
    out.append((43, " AND ".join(f"{quote('_v_' + c, dialect)} IS NULL" for c in eng)))
    if layout.implausible is not None:
        date = implausible_date_sql(layout, layout.implausible, dialect, prefix="_v_")
        rate = implausible_rate_sql(layout, layout.implausible, dialect, prefix="_v_")
        if date:
            out.append((44, date))
        if rate:
            out.append((45, rate))
    return out


def implausible_date_sql(
    layout: Layout, p: Plausibility, dialect: str = "duckdb", *, prefix: str = ""
) -> str | None:
    """Condition: the post is dated after ``p.now`` (None without ``posted_at``)."""
    if "posted_at" not in layout.out_columns:
        return None
    ts = "TIMESTAMP" if dialect == "spark" else "TIMESTAMPTZ"
    return f"{quote(prefix + 'posted_at', dialect)} > CAST({lit(p.now, dialect)} AS {ts})"


def rate_sql(layout: Layout, dialect: str = "duckdb", *, prefix: str = "") -> str | None:
    """The engagement rate (likes + comments, missing as 0) / followers of a post."""
    eng = [c for c in ("likes", "comments") if c in layout.out_columns]
    if not eng or "followers" not in layout.out_columns:
        return None
    num = " + ".join(f"COALESCE({quote(prefix + c, dialect)}, 0)" for c in eng)
    return f"(({num}) / {quote(prefix + 'followers', dialect)})"


def threshold_sql(layout: Layout, p: Plausibility, dialect: str = "duckdb", *, prefix="") -> str:
    """The rate threshold of a post's platform."""
    if "platform" not in layout.out_columns:
        return repr(float(p.threshold))
    vids = ", ".join(lit(v, dialect) for v in schema.VIDEO_PLATFORMS)
    plat = quote(prefix + "platform", dialect)
    return f"(CASE WHEN lower({plat}) IN ({vids}) THEN {float(p.video)!r} ELSE {float(p.threshold)!r} END)"


def implausible_rate_sql(
    layout: Layout, p: Plausibility, dialect: str = "duckdb", *, prefix: str = ""
) -> str | None:
    """Condition: the engagement rate is above the platform's threshold (None without
    followers or engagement)."""
    rate = rate_sql(layout, dialect, prefix=prefix)
    if rate is None:
        return None
    fol = quote(prefix + "followers", dialect)
    return f"({fol} > 0 AND {rate} > {threshold_sql(layout, p, dialect, prefix=prefix)})"


def _case(rule_list: Sequence[tuple[int, str]], dialect: str, pre: bool) -> str:
    if not rule_list:
        return "CAST(NULL AS INT)"
    parts = []
    for code, cond in rule_list:
        if code == 1 and pre:
            inner = " ".join(
                f"WHEN {lit(r, dialect)} THEN {100 + i}" for i, r in enumerate(PRE_REASONS)
            )
            parts.append(f"WHEN {cond} THEN CASE _pre_reason {inner} END")
        else:
            parts.append(f"WHEN {cond} THEN {code}")
    return "CASE " + " ".join(parts) + " END"


def ruled_sql(
    layout: Layout,
    staged: str,
    dialect: str = "duckdb",
    *,
    codes: Iterable[int] | None = None,
    accounts_table: str = "_accounts",
) -> str:
    """SELECT over ``staged`` (+ the accounts table) with the final canonical values, ``_v_*``
    (the values the rules read) and ``_rc``, the code of the first rule that applies.

    ``codes`` restricts the rules to those codes: with the codes that fired on the whole
    input this gives every row the same ``_rc`` at a lower cost (a rule that never
    applies first never applies to a row that no earlier rule took).
    """
    q = lambda c: quote(c, dialect)  # noqa: E731
    have = set(layout.columns)
    acc = layout.accounts
    need = _need(layout)
    vals = []
    for c in layout.out_columns:
        if c == "followers" and acc is not None:
            post = "followers" if "followers" in have else "CAST(NULL AS DOUBLE)"
            v = f"CASE WHEN {need} THEN _a_followers ELSE {post} END"
        elif c in HIDDEN_SENTINEL_COLUMNS:
            v = f"CASE WHEN {q(c)} = -1 THEN NULL ELSE {q(c)} END"
        elif acc is not None and c in acc.fill:
            v = f"COALESCE({q(c)}, {q('_a_' + c)})" if c in have else q("_a_" + c)
        else:
            v = q(c)
        vals.append(f"{v} AS {q('_v_' + c)}")
    if acc is not None:
        on = " AND ".join(
            f"s.{q(k)} = a.{q(k)}" if k == "account_id" else f"s.{q(k)} <=> a.{q(k)}"
            for k in acc.keys
        )
        if dialect == "duckdb":
            on = on.replace("<=>", "IS NOT DISTINCT FROM")
        fills = "".join(f", a.{q(c)} AS {q('_a_' + c)}" for c in acc.fill)
        joined = (
            f"SELECT s.*, a.followers AS _a_followers, a._a_fail AS _a_fail, "
            f"a.account_id IS NOT NULL AS _a_found{fills}\n"
            f"  FROM ({staged}) s LEFT JOIN {accounts_table} a ON {on}"
        )
    else:
        joined = f"SELECT * FROM ({staged}) s"
    rl = rules(layout, dialect)
    if codes is not None:
        keep = set(codes)
        rl = [(c, cond) for c, cond in rl if c in keep or (c == 1 and any(k >= 100 for k in keep))]
    case = _case(rl, dialect, layout.pre)
    return f"SELECT j.*, {case} AS _rc FROM (\n  SELECT *, {', '.join(vals)} FROM ({joined}) x\n) j"


# ------------------------------------------------------------------ outputs of the rules
def reason_sql(dialect: str = "duckdb", rc: str = "_rc") -> str:
    """The reason code text of the rule code ``rc``."""
    whens = " ".join(f"WHEN {k} THEN {lit(v, dialect)}" for k, v in CODE_REASONS.items())
    return f"CASE {rc} {whens} END"


def duplicate_detail_sql(show_files: bool, dialect: str = "duckdb") -> str:
    """Detail of a duplicate: ``same post as row 3`` (`` (file)`` when there are files)."""
    text = _text_type(dialect)
    out = f"'same post as row ' || CAST(_first_row AS {text})"
    if show_files:
        out += " || ' (' || _first_name || ')'"
    return out


def column_sql(layout: Layout, dialect: str = "duckdb", rc: str = "_rc") -> str:
    """The column a rule is about."""
    parts = []
    if layout.pre:
        parts.append("WHEN _rc >= 100 THEN _pre_column")
    parts += [
        "WHEN _rc = 2 THEN 'account_id'",
        "WHEN _rc IN (3, 4) THEN 'followers'",
        "WHEN _rc IN (5, 6, 7, 8) THEN _fail_column",
    ]
    parts += [f"WHEN _rc = {20 + i} THEN {lit(c, dialect)}" for i, c in enumerate(NUMERIC)]
    parts += [
        "WHEN _rc = 41 THEN 'account_id'",
        "WHEN _rc IN (40, 42) THEN 'followers'",
        f"WHEN _rc = 43 THEN {lit('/'.join(layout.engagement), dialect)}",
        "WHEN _rc = 44 THEN 'posted_at'",
        f"WHEN _rc = 45 THEN {lit('/'.join(layout.engagement), dialect)}",
        f"WHEN _rc = {DUPLICATE} THEN 'post_id'",
    ]
    return "CASE " + " ".join(parts).replace("_rc", rc) + " END"


def detail_sql(
    layout: Layout, dialect: str = "duckdb", *, duplicate: str | None = None, rc: str = "_rc"
) -> str:
    """What was wrong: the input column and the value as written (``Followers='abc'``).

    ``duplicate``: the detail expression of code 50 (see :func:`duplicate_detail_sql`).
    """
    q = lambda c: quote(c, dialect)  # noqa: E731
    parts = [] if duplicate is None else [f"WHEN _rc = {DUPLICATE} THEN {duplicate}"]
    if layout.pre:
        parts.append("WHEN _rc >= 100 THEN _pre_detail")
    parts += [
        "WHEN _rc = 2 THEN 'account_id is empty'",
        "WHEN _rc IN (3, 5, 6, 7, 8) THEN _fail_detail",
    ]
    if layout.accounts is not None:
        parts.append("WHEN _rc = 4 THEN _a_fail")
    for i, c in enumerate(NUMERIC):
        if c in layout.out_columns:
            parts.append(
                f"WHEN _rc = {20 + i} THEN {lit(c + '=', dialect)} || {_fmt_g(q('_v_' + c), dialect)}"
            )
    miss = "_fmiss" if "followers" in layout.columns else "'no followers column'"
    eng = " and ".join(layout.engagement)
    parts += [
        "WHEN _rc = 41 THEN 'account_id not in the accounts table'",
        f"WHEN _rc = 40 THEN {miss}",
        "WHEN _rc = 42 THEN 'followers=0'",
        f"WHEN _rc = 43 THEN {lit(eng + ' missing', dialect)}",
    ]
    p = layout.implausible
    if p is not None:
        text = _text_type(dialect)
        if "posted_at" in layout.out_columns:
            parts.append(
                f"WHEN _rc = 44 THEN 'posted_at=' || CAST(_v_posted_at AS {text}) || "
                f"{lit(' is after ' + p.now, dialect)}"
            )
        rate = rate_sql(layout, dialect, prefix="_v_")
        if rate is not None:
            thr = threshold_sql(layout, p, dialect, prefix="_v_")
            parts.append(
                f"WHEN _rc = 45 THEN 'engagement rate ' || {_fmt_g(rate, dialect)} || ' > ' || "
                f"{_fmt_g(thr, dialect)}"
            )
    return "CASE " + " ".join(parts).replace("WHEN _rc", f"WHEN {rc}") + " END"


def posts_sql(
    layout: Layout,
    ruled: str,
    dialect: str = "duckdb",
    *,
    keep_order: bool = False,
    exclude: str | None = None,
) -> str:
    """SELECT of the accepted posts (canonical names) from a ruled relation.

    ``keep_order`` adds ``_file`` and ``_row``; ``exclude`` names a table of
    (``_file``, ``_row``) to leave out (the duplicates).
    """
    q = lambda c: quote(c, dialect)  # noqa: E731
    cols = [f"r.{q('_v_' + c)} AS {q(c)}" for c in layout.out_columns]
    if keep_order:
        cols = ["r._file AS _file", "r._row AS _row", *cols]
    anti = ""
    if exclude:
        kind = "LEFT ANTI JOIN" if dialect == "spark" else "ANTI JOIN"
        anti = f" {kind} {exclude} d ON r._file = d._file AND r._row = d._row"
    return f"SELECT {', '.join(cols)} FROM ({ruled}) r{anti} WHERE r._rc IS NULL"


def quarantine_sql(
    layout: Layout,
    ruled: str,
    dups: str,
    files: str,
    *,
    show_files: bool,
    dialect: str = "duckdb",
) -> str:
    """SELECT of the quarantined rows in file order: ``file, row, reason, column, detail``
    then the canonical values. ``ruled``, ``dups`` (``_file, _row, _first_row,
    _first_name``) and ``files`` (``_file, file``) name tables or views."""
    q = lambda c: quote(c, dialect)  # noqa: E731
    values = ", ".join(f"{q('_v_' + c)} AS {q(c)}" for c in layout.out_columns)
    dup = duplicate_detail_sql(show_files, dialect)
    rc = "_qc"
    return (
        f"SELECT f.file AS file, x._row AS {q('row')}, {reason_sql(dialect, rc)} AS reason, "
        f"{column_sql(layout, dialect, rc)} AS {q('column')}, "
        f"{detail_sql(layout, dialect, duplicate=dup, rc=rc)} AS detail, {values} FROM ("
        f"SELECT r.*, COALESCE(r._rc, CASE WHEN d._row IS NOT NULL THEN {DUPLICATE} END) AS _qc, "
        f"d._first_row AS _first_row, d._first_name AS _first_name FROM {ruled} r "
        f"LEFT JOIN {dups} d ON r._file = d._file AND r._row = d._row) x "
        f"LEFT JOIN {files} f ON f._file = x._file WHERE x._qc IS NOT NULL ORDER BY x._file, x._row"
    )
