"""Generate a synthetic dataset in the Kim et al. (WWW 2020) Instagram format under
``bench/data/kim_<posts>/``: ``influencers.txt`` and one JSON ``.info`` file per post.

Usage::

    python bench/gen_kim.py                      # 40,000 posts of 23,000 influencers
    python bench/gen_kim.py --posts 40000 --influencers 23000 --seed 1

The shape is that of the 40k-post Instagram slice of issue 10 (most influencers have one
or two posts). Follower counts are log-uniform from 1,000 to 10M; likes and comments are
negative binomial around a rate that falls with followers; 10% of the posts are videos
with a view count, 5% carry a sponsor tag, 1% hide their likes (``-1``), and 200
influencers are listed without posts. The post files hold only the fields the
``kim2020`` adapter reads. Everything is drawn from ``--seed``: the same arguments write
the same bytes. Existing output is kept unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"
CATEGORIES = ("beauty", "family", "fashion", "fitness", "food", "interior", "pet", "travel")


def generate(out: Path, n_posts: int, n_influencers: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    users = [f"user{i:06d}" for i in range(n_influencers)]
    followers = np.round(10 ** rng.uniform(3, 7, n_influencers)).astype(int)
    cats = rng.choice(CATEGORIES, n_influencers)
    # every influencer with posts gets one, the rest go to a random few (heavy tail)
    with_posts = n_influencers - 200
    owner = np.concatenate(
        [np.arange(with_posts), rng.integers(0, with_posts, n_posts - with_posts)]
    )
    rng.shuffle(owner)
    rate = 0.08 * (followers[owner] / 1000.0) ** -0.25
    mean_likes = rate * followers[owner]
    likes = rng.negative_binomial(2, 2 / (2 + mean_likes))
    comments = rng.negative_binomial(1, 1 / (1 + mean_likes * 0.02))
    hidden = rng.random(n_posts) < 0.01
    video = rng.random(n_posts) < 0.10
    views = np.round(likes * rng.uniform(5, 20, n_posts)).astype(int)
    sponsored = rng.random(n_posts) < 0.05
    taken = 1_400_000_000 + rng.integers(0, 150_000_000, n_posts)
    (out / "posts").mkdir(parents=True)
    lines = ["Username\tCategory\t#Followers\t#Followees\t#Posts", "=" * 71]
    n_of = np.bincount(owner, minlength=n_influencers)
    for i, u in enumerate(users):
        lines.append(f"{u}\t{cats[i]}\t{followers[i]}\t{int(rng.integers(50, 3000))}\t{n_of[i]}")
    (out / "influencers.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for j in range(n_posts):
        u = users[owner[j]]
        pid = str(1_500_000_000_000_000_000 + j)
        rec = {
            "id": pid,
            "shortcode": f"B{j:09d}",
            "owner": {"username": u},
            "taken_at_timestamp": int(taken[j]),
            "is_video": bool(video[j]),
            "edge_media_preview_like": {"count": -1 if hidden[j] else int(likes[j])},
            "edge_media_to_parent_comment": {"count": int(comments[j])},
            "edge_media_to_sponsor_user": {
                "edges": [{"node": {"sponsor": {"username": f"brand{j % 40:02d}"}}}]
                if sponsored[j]
                else []
            },
        }
        if video[j]:
            rec["video_view_count"] = int(views[j])
        (out / "posts" / f"{u}-{pid}.info").write_text(json.dumps(rec), encoding="utf-8")
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--posts", type=int, default=40_000)
    p.add_argument("--influencers", type=int, default=23_000)
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--force", action="store_true")
    a = p.parse_args(argv)
    if a.influencers <= 200 or a.posts < a.influencers - 200:
        raise SystemExit("need more than 200 influencers and a post for each one with posts")
    out = DATA / f"kim_{a.posts // 1000}k"
    if out.exists():
        if not a.force:
            print(f"{out} exists (use --force to rewrite)")
            return
        shutil.rmtree(out)
    generate(out, a.posts, a.influencers, a.seed)
    print(f"wrote {out}: {a.posts:,} posts of {a.influencers:,} influencers")


if __name__ == "__main__":
    main()
