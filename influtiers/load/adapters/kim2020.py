"""Instagram Influencer Dataset of Kim et al. (WWW 2020).

Layout (as shared by the authors)::

    <dir>/influencers.txt        Username<TAB>Category<TAB>#Followers<TAB>#Followees<TAB>#Posts
                                 ====================... (second header line)
                                 one account a line
    <dir>/posts/<username>-<post id>.info   (or info/): one Instagram media object (JSON)

Mapping to the canonical posts table:

=============  =============================================================
account_id     the influencer of the file name (``<username>-...``) when it is
               listed in influencers.txt (the follower count belongs to it);
               else ``owner.username``; else the file-name prefix
post_id        ``shortcode`` (fallback ``id``, then the file-name id)
posted_at      ``taken_at_timestamp`` (Unix seconds, UTC)
likes          ``edge_media_preview_like.count`` (fallback ``edge_liked_by.count``);
               ``-1`` (hidden) becomes missing in validation
comments       ``edge_media_to_parent_comment.count`` (older files:
               ``edge_media_to_comment.count``)
views          ``video_view_count`` when ``is_video``
sponsored      ``edge_media_to_sponsor_user`` has at least one edge
               (Instagram's "paid partnership with" tag)
brand          username of the first sponsor user
followers      ``#Followers`` of influencers.txt (one snapshot at crawl time)
category       ``Category`` of influencers.txt
platform       ``"instagram"``
=============  =============================================================

Unreadable JSON files, and files whose fields have other types than a media object's
(a count that is not a number, ...), become ``unreadable_record`` quarantine rows; posts
whose influencer is not in influencers.txt become ``orphan_post``; a post stored in
several accounts' files (the same shortcode) is kept once, in its owner's file
(:func:`resolve_duplicates`), and its other copies become ``duplicate_post`` naming the
kept file (all before validation, with the file as ``file`` and row 1). Post files are
found recursively under ``posts/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from ...errors import DataError, DataFileNotFoundError
from .base import AdapterRead, record_batch

NAME = "kim2020"
CITATION = (
    "Seungbae Kim, Jyun-Yu Jiang, Masaki Nakada, Jinyoung Han and Wei Wang. "
    "Multimodal Post Attentive Profiling for Influencer Marketing. "
    "In Proceedings of The Web Conference (WWW) 2020, pp. 2878-2884. "
    "doi:10.1145/3366423.3380052"
)
COLUMNS = (
    "platform",
    "account_id",
    "post_id",
    "posted_at",
    "followers",
    "likes",
    "comments",
    "views",
    "sponsored",
    "brand",
    "category",
)
#: Records per Arrow batch.
BATCH = 20_000
_FILE_RE = re.compile(r"^(?P<user>.+)-(?P<pid>[^-]+)\.info$")
_POST_DIRS = ("posts", "info")


def _layout(path: Path) -> tuple[Path, Path, Path | None]:
    path = Path(path)
    if path.is_file() and path.name == "influencers.txt":
        path = path.parent
    posts = next((path / d for d in _POST_DIRS if (path / d).is_dir()), None)
    return path, path / "influencers.txt", posts


def detect(path) -> bool:
    """True for a directory with ``influencers.txt`` (header ``Username``) and ``posts/``.

    Examples
    --------
    >>> detect(Path("no/such/dir"))
    False
    """
    root, txt, posts = _layout(Path(path))
    if not (root.is_dir() and txt.is_file() and posts is not None):
        return False
    with open(txt, encoding="utf-8-sig", errors="replace") as fh:
        return fh.readline().strip().lower().startswith("username")


def read_influencers(txt: Path) -> tuple[dict[str, dict], list[str]]:
    """Parse ``influencers.txt``: ``{username: {category, followers, row}}`` and notes.

    ``followers`` stays text (validation parses it). ``row`` is the 1-based line number.
    Malformed lines are reported in the notes (their posts become ``orphan_post``).
    """
    lines = Path(txt).read_text(encoding="utf-8-sig", errors="replace").splitlines()
    if not lines or not lines[0].strip().lower().startswith("username"):
        raise DataError(f"{txt}: line 1: expected the header 'Username<TAB>Category<TAB>...'")
    header = [h.strip() for h in lines[0].split("\t")]
    try:
        i_user = header.index("Username")
        i_cat = header.index("Category")
        i_fol = header.index("#Followers")
    except ValueError:
        raise DataError(
            f"{txt}: line 1: needs columns Username, Category, #Followers; found {header}"
        ) from None
    out: dict[str, dict] = {}
    notes: list[str] = []
    bad: list[int] = []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip() or set(line.strip()) == {"="}:
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) <= max(i_user, i_cat, i_fol) or not parts[i_user]:
            bad.append(n)
            continue
        user = parts[i_user]
        if user in out:
            notes.append(f"{txt}: line {n}: {user!r} listed again (first entry kept)")
            continue
        out[user] = {"category": parts[i_cat], "followers": parts[i_fol], "row": n}
    if bad:
        notes.append(
            f"{txt}: {len(bad)} malformed line(s) skipped (lines {', '.join(map(str, bad[:5]))}"
            f"{', ...' if len(bad) > 5 else ''}); their posts are orphan_post"
        )
    return out, notes


def _count(obj: dict, *keys: str):
    """``obj[key]['count']`` for the first key present (None if none)."""
    for k in keys:
        v = obj.get(k)
        if isinstance(v, dict) and "count" in v:
            return v["count"]
    return None


def parse_media(doc: dict) -> dict:
    """Canonical fields of one Instagram media object (no account/follower lookup).

    Examples
    --------
    >>> parse_media({"shortcode": "Bx1", "taken_at_timestamp": 1, "is_video": False,
    ...              "edge_media_preview_like": {"count": 5},
    ...              "edge_media_to_comment": {"count": 2},
    ...              "edge_media_to_sponsor_user": {"edges": []}})["comments"]
    2
    """
    owner = doc.get("owner") if isinstance(doc.get("owner"), dict) else {}
    sponsor_edges = (doc.get("edge_media_to_sponsor_user") or {}).get("edges") or []
    brand = None
    if sponsor_edges:
        node = sponsor_edges[0].get("node") or {}
        brand = (node.get("sponsor") or {}).get("username") or node.get("username")
    return {
        "owner": owner.get("username"),
        "post_id": doc.get("shortcode") or doc.get("id"),
        "posted_at": doc.get("taken_at_timestamp"),
        "likes": _count(doc, "edge_media_preview_like", "edge_liked_by"),
        "comments": _count(doc, "edge_media_to_parent_comment", "edge_media_to_comment"),
        "views": doc.get("video_view_count") if doc.get("is_video") else None,
        "sponsored": len(sponsor_edges) > 0,
        "brand": brand,
        "_old_format": "edge_media_to_parent_comment" not in doc and "edge_media_to_comment" in doc,
    }


def _media(doc) -> dict:
    """:func:`parse_media` with its types checked: a document of another shape (a count
    that is not a number, an owner that is not an object, ...) raises ``ValueError``."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    try:
        f = parse_media(doc)
    except (AttributeError, TypeError, KeyError) as e:
        raise ValueError(f"unexpected structure ({type(e).__name__}: {e})") from None
    for k in ("likes", "comments", "views"):
        v = f[k]
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ValueError(f"{k} count is a {type(v).__name__}, not a number")
    for k in ("post_id", "posted_at", "owner", "brand"):
        v = f[k]
        if v is not None and (isinstance(v, bool) or not isinstance(v, str | int | float)):
            raise ValueError(f"{k} is a {type(v).__name__}")
    owner = doc.get("owner")
    if owner is not None and not isinstance(owner, dict):
        raise ValueError(f"owner is a {type(owner).__name__}, not an object")
    f["owner_id"] = (owner or {}).get("id")
    return f


def _read_doc(p: Path):
    """(fields, None) or (None, why the file cannot be read)."""
    try:
        return _media(json.loads(p.read_bytes())), None
    except UnicodeDecodeError as e:
        return None, str(e)
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError as e:  # json.JSONDecodeError is a ValueError
        return None, (f"invalid JSON: {e}" if isinstance(e, json.JSONDecodeError) else str(e))
    except OSError as e:
        return None, f"cannot read the file: {e.strerror or e}"


def _prefix(p: Path) -> tuple[str | None, str | None]:
    m = _FILE_RE.match(p.name)
    return (m.group("user"), m.group("pid")) if m else (None, None)


def resolve_duplicates(files: list[Path], rels: list[str], accounts) -> tuple[dict, dict]:
    """Posts stored in several accounts' files (the same shortcode): which copy to keep.

    The kept copy is the one stored in its owner's file: the file's account equals
    ``owner.username``, or (a renamed account) that account's other posts carry the same
    ``owner.id``; when none or several qualify, the first in sorted relative-path order.
    Returns ``{file index: kept file's relative path}`` for every copy to quarantine and
    ``{"groups": n, "copies": m}``.
    """
    seen: dict[str, int] = {}
    groups: dict[str, list[int]] = {}
    info: dict[int, tuple] = {}
    ids_of: dict[str, dict] = {}
    for i, p in enumerate(files):
        f, _ = _read_doc(p)
        if f is None or f["post_id"] is None:
            continue
        prefix = _prefix(p)[0]
        acct = prefix if prefix in accounts else (f["owner"] or prefix)
        sc = str(f["post_id"])
        info[i] = (acct, f["owner"], f["owner_id"])
        if f["owner_id"] is not None and acct is not None:
            c = ids_of.setdefault(acct, {})
            c[f["owner_id"]] = c.get(f["owner_id"], 0) + 1
        if sc in seen:
            groups.setdefault(sc, [seen[sc]]).append(i)
        else:
            seen[sc] = i
    drop: dict[int, str] = {}
    for members in groups.values():

        def owns(i: int) -> bool:
            acct, owner, oid = info[i]
            if acct is not None and owner == acct:
                return True
            return oid is not None and ids_of.get(acct, {}).get(oid, 0) > 1

        members = sorted(members, key=lambda i: rels[i])
        owners = [i for i in members if owns(i)]
        keep = owners[0] if len(owners) == 1 else members[0]
        for i in members:
            if i != keep:
                drop[i] = rels[keep]
    return drop, {"groups": len(groups), "copies": len(drop)}


class Kim2020Adapter:
    """Adapter for the Kim et al. (2020) Instagram influencer dataset."""

    name = NAME
    description = (
        "Instagram Influencer Dataset (Kim et al., WWW 2020): influencers.txt plus "
        "posts/<username>-<id>.info media JSON files"
    )
    citation = CITATION

    def detect(self, path) -> bool:
        """See :func:`detect`."""
        return detect(path)

    def read(self, path) -> AdapterRead:
        """Stream the dataset as Arrow batches; see the module doc and
        :mod:`influtiers.load.adapters`. Post files are found recursively under the posts
        folder (``.info`` in any case); other files are named in a note."""
        root, txt, posts_dir = _layout(Path(path))
        if not txt.is_file():
            raise DataFileNotFoundError(f"{root}: no influencers.txt (kim2020 layout)")
        if posts_dir is None:
            raise DataError(f"{root}: no posts/ (or info/) folder (kim2020 layout)")
        accounts, notes = read_influencers(txt)
        found = sorted(p for p in posts_dir.rglob("*") if p.is_file())
        others = [p for p in found if p.suffix.lower() != ".info"]
        files = [p for p in found if p.suffix.lower() == ".info"]
        if others:
            shown = ", ".join(p.relative_to(root).as_posix() for p in others[:3])
            notes.append(
                f"{len(others)} non-.info file(s) under {posts_dir.name}/ not read (e.g. {shown})"
            )
        rels = [p.relative_to(root).as_posix() for p in files]
        return AdapterRead(self._batches(files, rels, accounts, notes), COLUMNS, notes)

    def _batches(self, files, rels, accounts, notes) -> Iterator[pa.RecordBatch]:
        drop, dup = resolve_duplicates(files, rels, accounts)
        recs: list[dict] = []
        with_posts: set[str] = set()
        renamed = old = 0
        for i, p in enumerate(files):
            rel = rels[i]
            prefix, file_pid = _prefix(p)
            f, why = _read_doc(p)
            if f is None:
                recs.append(
                    {
                        "_file": rel,
                        "_row": 1,
                        "_pre_reason": "unreadable_record",
                        "_pre_column": "",
                        "_pre_detail": why,
                        "account_id": prefix,
                        "post_id": file_pid,
                    }
                )
            else:
                old += bool(f.pop("_old_format"))
                owner = f.pop("owner")
                f.pop("owner_id")
                if prefix is not None and prefix in accounts:
                    acct = prefix
                    renamed += bool(owner and owner != prefix and i not in drop)
                else:
                    acct = owner or prefix
                rec = {"platform": "instagram", "account_id": acct, **f, "_file": rel, "_row": 1}
                rec["post_id"] = rec["post_id"] or file_pid
                info = accounts.get(acct) if acct else None
                if i in drop:
                    rec.update(
                        _pre_reason="duplicate_post",
                        _pre_column="post_id",
                        _pre_detail=f"shortcode {rec['post_id']} also in {drop[i]} (its "
                        "owner's file: kept there)",
                    )
                elif acct and info is None:
                    rec.update(
                        _pre_reason="orphan_post",
                        _pre_column="account_id",
                        _pre_detail=f"account {acct!r} not in influencers.txt",
                    )
                if info is not None:
                    rec["followers"] = info["followers"]
                    rec["category"] = info["category"] or None
                    if i not in drop:
                        with_posts.add(acct)
                recs.append(rec)
            if len(recs) >= BATCH:
                yield record_batch(recs, COLUMNS)
                recs = []
        if recs or not files:
            yield record_batch(recs, COLUMNS)
        notes.insert(
            0,
            f"{len(accounts)} accounts in influencers.txt ({len(with_posts)} with posts, "
            f"{len(accounts) - len(with_posts)} without); {len(files)} post files; follower "
            "counts are one snapshot at crawl time",
        )
        if dup["copies"]:
            notes.append(
                f"{dup['groups']} post(s) stored in several accounts' files (the same "
                f"shortcode): the copy in its owner's file kept, {dup['copies']} other "
                "cop(ies) quarantined as duplicate_post"
            )
        if renamed:
            notes.append(
                f"{renamed} post(s) whose owner.username differs from the file-name influencer "
                "(renamed account?) kept under the file-name influencer"
            )
        if old:
            notes.append(f"{old} older-format file(s): comments from edge_media_to_comment")


ADAPTER = Kim2020Adapter()
