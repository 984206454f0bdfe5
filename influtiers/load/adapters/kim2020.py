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

Unreadable JSON files become ``unreadable_record`` quarantine rows; posts whose
influencer is not in influencers.txt become ``orphan_post`` (both before validation, with
the file as ``file`` and row 1).
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
COLUMNS = ("platform", "account_id", "post_id", "posted_at", "followers", "likes", "comments",
           "views", "sponsored", "brand", "category")  # fmt: skip
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
        :mod:`influtiers.load.adapters`."""
        root, txt, posts_dir = _layout(Path(path))
        if not txt.is_file():
            raise DataFileNotFoundError(f"{root}: no influencers.txt (kim2020 layout)")
        if posts_dir is None:
            raise DataError(f"{root}: no posts/ (or info/) folder (kim2020 layout)")
        accounts, notes = read_influencers(txt)
        files = sorted(p for p in posts_dir.iterdir() if p.is_file())
        others = [p for p in files if p.suffix != ".info"]
        files = [p for p in files if p.suffix == ".info"]
        if others:
            notes.append(f"{len(others)} non-.info file(s) in {posts_dir.name}/ not read")
        return AdapterRead(self._batches(files, posts_dir, accounts, notes), COLUMNS, notes)

    def _batches(self, files, posts_dir, accounts, notes) -> Iterator[pa.RecordBatch]:
        recs: list[dict] = []
        with_posts: set[str] = set()
        renamed = old = 0
        for p in files:
            rel = f"{posts_dir.name}/{p.name}"
            m = _FILE_RE.match(p.name)
            prefix, file_pid = (m.group("user"), m.group("pid")) if m else (None, None)
            try:
                doc = json.loads(p.read_bytes())
                if not isinstance(doc, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as e:
                msg = f"invalid JSON: {e}" if not isinstance(e, UnicodeDecodeError) else str(e)
                recs.append(
                    {"_file": rel, "_row": 1, "_pre_reason": "unreadable_record",
                     "_pre_column": "", "_pre_detail": msg, "account_id": prefix,
                     "post_id": file_pid}
                )  # fmt: skip
            else:
                f = parse_media(doc)
                old += bool(f.pop("_old_format"))
                owner = f.pop("owner")
                if prefix is not None and prefix in accounts:
                    acct = prefix
                    renamed += bool(owner and owner != prefix)
                else:
                    acct = owner or prefix
                rec = {"platform": "instagram", "account_id": acct, **f, "_file": rel, "_row": 1}
                rec["post_id"] = rec["post_id"] or file_pid
                info = accounts.get(acct) if acct else None
                if acct and info is None:
                    rec.update(
                        _pre_reason="orphan_post",
                        _pre_column="account_id",
                        _pre_detail=f"account {acct!r} not in influencers.txt",
                    )
                elif info is not None:
                    rec["followers"] = info["followers"]
                    rec["category"] = info["category"] or None
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
        if renamed:
            notes.append(
                f"{renamed} post(s) whose owner.username differs from the file-name influencer "
                "(renamed account?) kept under the file-name influencer"
            )
        if old:
            notes.append(f"{old} older-format file(s): comments from edge_media_to_comment")


ADAPTER = Kim2020Adapter()
