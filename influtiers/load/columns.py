"""Column names: built-in aliases, user mappings, and which input column supplies each
canonical column of :mod:`influtiers.schema`.

Names are matched after :func:`norm_name` (lower case, runs of non-alphanumerics -> ``_``),
so ``"Follower Count"``, ``"follower-count"`` and ``"#Followers"`` all mean ``followers``.

Examples
--------
>>> map_columns(["Username", "#Followers", "Hearts"])[0]
{'account_id': 'Username', 'followers': '#Followers', 'likes': 'Hearts'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import schema
from ..errors import DataError, DataFileNotFoundError

__all__ = [
    "ALIASES",
    "POST_ONLY_ALIASES",
    "clean_header",
    "load_mapping",
    "map_columns",
    "norm_name",
]


#: Built-in aliases: normalised export name -> canonical column. Names are matched after
#: :func:`norm_name` (lower case, runs of non-alphanumerics -> ``_``), so ``"Follower Count"``,
#: ``"follower-count"`` and ``"#Followers"`` (-> ``followers``) all match.
ALIASES: dict[str, str] = {}
_ALIAS_LISTS: dict[str, tuple[str, ...]] = {
    "account_id": (
        "account",
        "account_name",
        "username",
        "user_name",
        "user",
        "handle",
        "author",
        "author_name",
        "creator",
        "influencer",
        "influencer_name",
        "owner",
        "owner_username",
        "screen_name",
        "user_id",
        "channel",
        "channel_id",
        "channel_name",
        "profile",
    ),
    "followers": (
        "follower",
        "follower_count",
        "followers_count",
        "n_followers",
        "num_followers",
        "number_of_followers",
        "nb_followers",
        "subscribers",
        "subscriber_count",
        "subscribers_count",
        "fans",
        "fan_count",
        "audience",
        "audience_size",
    ),
    "likes": (
        "like",
        "like_count",
        "likes_count",
        "n_likes",
        "num_likes",
        "number_of_likes",
        "nb_likes",
        "hearts",
        "heart_count",
        "digg_count",
        "favorite_count",
        "favourites",
    ),
    "comments": (
        "comment",
        "comment_count",
        "comments_count",
        "n_comments",
        "num_comments",
        "number_of_comments",
        "nb_comments",
        "replies",
        "reply_count",
    ),
    "shares": (
        "share",
        "share_count",
        "shares_count",
        "n_shares",
        "num_shares",
        "retweets",
        "retweet_count",
        "reposts",
    ),
    "saves": (
        "save",
        "save_count",
        "saves_count",
        "n_saves",
        "num_saves",
        "saved",
        "bookmarks",
        "bookmark_count",
    ),
    "views": (
        "view",
        "view_count",
        "views_count",
        "n_views",
        "num_views",
        "plays",
        "play_count",
        "n_plays",
        "num_plays",
        "video_views",
        "video_view_count",
        "video_plays",
    ),
    "reach": ("reach_count", "unique_reach", "accounts_reached"),
    "impressions": ("impression", "impression_count", "impressions_count", "n_impressions"),
    "post_id": ("post", "id", "media_id", "shortcode", "video_id", "tweet_id", "postid"),
    "posted_at": (
        "timestamp",
        "date",
        "datetime",
        "time",
        "created_at",
        "create_time",
        "created_time",
        "creation_time",
        "taken_at",
        "taken_at_timestamp",
        "published_at",
        "publish_time",
        "post_date",
        "posted",
        "posted_on",
        "upload_date",
        "date_posted",
    ),
    "sponsored": (
        "is_sponsored",
        "is_ad",
        "ad",
        "ads",
        "paid",
        "is_paid",
        "paid_partnership",
        "branded_content",
        "sponsored_post",
        "is_branded",
    ),
    "brand": ("brand_name", "sponsor", "sponsor_name", "advertiser"),
    "cost": ("price", "fee", "spend", "cost_per_post", "post_cost"),
    "currency": ("cur", "currency_code"),
    "category": ("niche", "topic", "vertical", "content_category"),
    "country": ("country_code", "market", "location_country"),
    "platform": ("network", "social_network", "social_platform", "site"),
}
for _canon, _names in _ALIAS_LISTS.items():
    ALIASES[_canon] = _canon
    for _n in _names:
        ALIASES[_n] = _canon
#: Aliases that are too ambiguous in an accounts table (there ``id`` is the account).
POST_ONLY_ALIASES = frozenset({"id", "post"})


def norm_name(name: Any) -> str:
    """Name as matched against :data:`ALIASES`.

    >>> norm_name(" #Follower-Count ")
    'follower_count'
    """
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def clean_header(name: Any) -> str:
    """Header text as shown to users: whitespace (incl. quoted newlines) collapsed."""
    return re.sub(r"\s+", " ", str(name)).strip()


def load_mapping(mapping) -> dict[str, str]:
    """A column mapping ``{your_column: canonical_column}`` from a dict or a YAML/JSON file.

    Raises :class:`~influtiers.errors.DataError` when a target is not a canonical column.

    >>> load_mapping({"Creator": "account_id"})
    {'Creator': 'account_id'}
    """
    if mapping is None:
        return {}
    if isinstance(mapping, Mapping):
        out = dict(mapping)
    else:
        path = Path(mapping)
        if not path.exists():
            raise DataFileNotFoundError(f"mapping file not found: {path}")
        text = path.read_text(encoding="utf-8-sig")
        try:
            if path.suffix.lower() == ".json":
                out = json.loads(text)
            else:
                import yaml

                out = yaml.safe_load(text)
        except Exception as e:  # yaml.YAMLError, json.JSONDecodeError
            raise DataError(f"{path}: cannot read the column mapping: {e}") from None
        if not isinstance(out, Mapping):
            raise DataError(f"{path}: a column mapping must be {{your_column: canonical_column}}")
    bad = {k: v for k, v in out.items() if v not in schema.POST_COLUMNS}
    if bad:
        k, v = next(iter(bad.items()))
        raise DataError(
            f"column mapping: {k!r} -> {v!r}: {v!r} is not a canonical column "
            f"(one of {', '.join(schema.POST_COLUMNS)})"
        )
    return {str(k): str(v) for k, v in out.items()}


def map_columns(
    columns: Iterable, mapping: Mapping[str, str] | None = None, *, accounts: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Decide which input column supplies each canonical column.

    Parameters
    ----------
    columns : iterable
        The input column names.
    mapping : dict, optional
        ``{user_column: canonical_column}``; keys match case- and whitespace-insensitively
        and win over the built-in :data:`ALIASES`.
    accounts : bool
        Map an accounts table (``id`` is then not taken as a post id).

    Returns
    -------
    (dict, list of str)
        ``{canonical: input_column}`` and warnings (ambiguous or unused names).

    Examples
    --------
    >>> map_columns(["User Name", "Follower Count", "likes"])[0]
    {'account_id': 'User Name', 'followers': 'Follower Count', 'likes': 'likes'}
    """
    cols = list(columns)
    warnings: list[str] = []
    user = {norm_name(k): v for k, v in (mapping or {}).items()}
    out: dict[str, Any] = {}
    how: dict[str, str] = {}
    for c in cols:
        key = norm_name(c)
        if key in user:
            target, kind = user[key], "mapping"
        elif key in ALIASES and not (accounts and key in POST_ONLY_ALIASES):
            target, kind = ALIASES[key], ("exact" if key == ALIASES[key] else "alias")
        else:
            continue
        rank = {"mapping": 0, "exact": 1, "alias": 2}
        if target in out:
            if rank[kind] < rank[how[target]]:
                warnings.append(f"column {out[target]!r} ignored: {c!r} supplies {target}")
                out[target], how[target] = c, kind
            else:
                warnings.append(f"column {c!r} ignored: {out[target]!r} supplies {target}")
            continue
        out[target], how[target] = c, kind
    unused = [k for k in (mapping or {}) if norm_name(k) not in {norm_name(c) for c in cols}]
    if unused and not accounts:
        warnings.append(f"mapping names columns that are not in the data: {', '.join(unused)}")
    return {k: out[k] for k in schema.POST_COLUMNS if k in out}, warnings
