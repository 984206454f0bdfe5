"""The canonical tables every study works on.

Posts table (one row per post; the unit of observation)
--------------------------------------------------------
============  ========  ===================================================
column        dtype     meaning
============  ========  ===================================================
account_id    string    required; the influencer (posts are nested in it)
followers     float64   required; follower count at (or near) posting time,
                        on the post or joined from an accounts table
likes         float64   at least one of likes / comments is required;
comments      float64   hidden or unknown counts are missing (NaN), never 0
post_id       string    optional; unique within (platform, account_id)
platform      string    optional, lower case (instagram, tiktok, youtube, ...)
posted_at     datetime  optional, UTC
shares        float64   optional
saves         float64   optional
views         float64   optional (video plays)
reach         float64   optional (unique accounts reached)
impressions   float64   optional
sponsored     boolean   optional (paid partnership / #ad)
brand         string    optional
cost          float64   optional price paid for the post, in ``currency``
currency      string    optional ISO 4217 code
category      string    optional content category
country       string    optional
============  ========  ===================================================

Counts are stored as ``float64`` so that missing stays missing (NaN) and
aggregations never silently turn a hidden count into zero.
"""

from __future__ import annotations

REQUIRED = ("account_id", "followers")
#: At least one of these must be present as a column.
ENGAGEMENT_ANY = ("likes", "comments")

COUNT_COLUMNS = ("likes", "comments", "shares", "saves", "views", "reach", "impressions")
NUMERIC_COLUMNS = ("followers", *COUNT_COLUMNS, "cost")
STRING_COLUMNS = ("account_id", "post_id", "platform", "brand", "currency", "category", "country")
BOOL_COLUMNS = ("sponsored",)
DATETIME_COLUMNS = ("posted_at",)

#: Canonical column order of the posts table.
POST_COLUMNS = (
    "platform",
    "account_id",
    "post_id",
    "posted_at",
    "followers",
    *COUNT_COLUMNS,
    "sponsored",
    "brand",
    "cost",
    "currency",
    "category",
    "country",
)

DTYPES: dict[str, str] = {
    **{c: "string" for c in STRING_COLUMNS},
    **{c: "float64" for c in NUMERIC_COLUMNS},
    **{c: "boolean" for c in BOOL_COLUMNS},
    **{c: "datetime64[ns, UTC]" for c in DATETIME_COLUMNS},
}

#: Accounts table (optional second input): joined to posts on ``account_id``.
ACCOUNT_COLUMNS = ("account_id", "platform", "followers", "category", "country")

#: Quarantine reason codes: every rejected row carries exactly one (the first that applies).
REASONS: dict[str, str] = {
    "missing_account_id": "account_id is empty",
    "missing_followers": "no follower count on the post or in the accounts table",
    "unparseable_number": "a numeric field could not be read as a number",
    "negative_count": "a count (followers, likes, ...) is negative",
    "zero_followers": "followers is 0, so a rate by followers is undefined",
    "no_engagement": "neither likes nor comments is present on the row",
    "duplicate_post": "the same (platform, account_id, post_id) appeared earlier",
    "orphan_post": "the post's account_id is not in the accounts table",
    "unparseable_date": "posted_at could not be read as a date",
    "unparseable_boolean": "sponsored could not be read as true/false",
    "unreadable_record": "a source record (e.g. one JSON file of a dataset) could not be read",
    "ambiguous_number": "a number in a decimal-comma file that could mean two values "
    "(e.g. 1.5 or 1,234.5)",
    "implausible_date": "posted_at is in the future (quarantined with --quarantine-implausible)",
    "implausible_rate": "the engagement rate is above the platform's plausibility threshold "
    "(quarantined with --quarantine-implausible)",
}

#: The order in which the row-level rules are checked; a rejected row carries the first
#: that applies. ``unreadable_record`` (and adapter-level ``duplicate_post``) are assigned
#: by dataset adapters before the rows reach these rules.
REASON_ORDER: tuple[str, ...] = (
    "missing_account_id",
    "unparseable_number",
    "ambiguous_number",
    "unparseable_date",
    "unparseable_boolean",
    "negative_count",
    "missing_followers",
    "orphan_post",
    "zero_followers",
    "no_engagement",
    "implausible_date",
    "implausible_rate",
    "duplicate_post",
)

#: Plausibility thresholds of the engagement rate (likes + comments) / followers: above them
#: a post is implausible (counted in the validation report; quarantined only on request).
#: Video platforms, where viral posts reach far beyond the followers, get the higher one.
RATE_THRESHOLD = 1.0
VIDEO_RATE_THRESHOLD = 10.0
VIDEO_PLATFORMS = (
    "tiktok",
    "youtube",
    "douyin",
    "kuaishou",
    "twitch",
    "likee",
    "triller",
    "snapchat",
    "vimeo",
    "dailymotion",
)
