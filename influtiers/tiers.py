"""Tier schemes: named, sourced follower cut-points, optionally per platform.

A *scheme* is an ordered list of named tiers, each a half-open follower interval
``[lower, upper)``. Accounts below the lowest bound are labelled ``"below"``
(counted, never dropped); in a scheme whose top tier is bounded, accounts at or
over that bound are ``"above"``. Missing or negative counts give a missing tier. Exactly 10,000 followers is *micro* in a 10k/100k scheme.

Examples
--------
>>> from influtiers.tiers import get_scheme
>>> s = get_scheme("highsocial-2024")
>>> list(s.classify([50, 100, 9_999, 10_000, 1_000_000]))
['below', 'nano', 'nano', 'micro', 'mega']
>>> get_scheme("mediakix-by-platform").classify([150_000], platform="youtube")[0]
'micro'
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .config import DEFAULT_SCHEME
from .errors import DataError, UnknownSchemeError

BELOW = "below"
ABOVE = "above"
#: Canonical tier order used for colours and sorting across schemes.
TIER_ORDER = ("nano", "micro", "mid", "macro", "mega")


@dataclass(frozen=True)
class Tier:
    """One tier: ``name`` covers followers in ``[lower, upper)`` (``upper=inf`` is open)."""

    name: str
    lower: float
    upper: float = math.inf

    def __post_init__(self) -> None:
        if not self.name or self.name in (BELOW, ABOVE):
            raise ValueError(f"invalid tier name {self.name!r}")
        if not (self.lower >= 0 and self.upper > self.lower):
            raise ValueError(
                f"tier {self.name!r}: need 0 <= lower < upper, got [{self.lower}, {self.upper})"
            )

    def label(self) -> str:
        lo = human_count(self.lower)
        return f"{lo}+" if math.isinf(self.upper) else f"{lo}–{human_count(self.upper)}"


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    year: int | None = None
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Scheme:
    """An ordered tier scheme with optional platform-specific tiers.

    ``tiers`` apply to every platform unless ``platforms`` maps a (lower-case)
    platform name to its own tier list.
    """

    name: str
    tiers: tuple[Tier, ...]
    source: Source
    platforms: Mapping[str, tuple[Tier, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for plat, tiers in [("*", self.tiers), *self.platforms.items()]:
            _check_contiguous(self.name, plat, tiers)
        names = self.tier_names
        if len(set(names)) != len(names):
            raise ValueError(f"scheme {self.name!r}: duplicate tier names")

    @property
    def tier_names(self) -> list[str]:
        """All tier names in order (union over platforms, ``below`` excluded)."""
        out: list[str] = [t.name for t in self.tiers]
        for tiers in self.platforms.values():
            for t in tiers:
                if t.name not in out:
                    out.append(t.name)
        return out

    @property
    def closed(self) -> bool:
        """True when some tier list ends at a finite bound (then ``above`` exists)."""
        return any(not math.isinf(t[-1].upper) for t in [self.tiers, *self.platforms.values()])

    @property
    def categories(self) -> list[str]:
        """Ordered categories of :meth:`classify`'s result: ``below`` first, ``above`` last
        when the scheme has a finite top bound."""
        return [BELOW, *self.tier_names, *([ABOVE] if self.closed else [])]

    def tiers_for(self, platform: str | None = None) -> tuple[Tier, ...]:
        if platform is None:
            return self.tiers
        return self.platforms.get(str(platform).lower(), self.tiers)

    def classify(self, followers, platform=None) -> pd.Categorical:
        """Tier of each follower count, as an ordered categorical.

        ``platform`` is ``None``, one platform name, or an array aligned with
        ``followers``. Missing follower counts give a missing tier; counts under
        the lowest bound give ``"below"``.
        """
        f = np.asarray(
            pd.to_numeric(pd.Series(np.asarray(followers).ravel()), errors="coerce"), dtype=float
        )
        codes = np.full(f.shape, -1, dtype=np.int64)
        cats = self.categories
        if platform is None or isinstance(platform, str):
            self._fill(codes, f, np.ones(f.shape, bool), self.tiers_for(platform), cats)
        else:
            if isinstance(platform, pd.Series):  # text columns stay Arrow (no object copy)
                plat = platform.reset_index(drop=True).astype("string").str.lower()
            else:
                plat = pd.Series(np.asarray(platform).ravel()).astype("string").str.lower()
            if len(plat) != len(f):
                raise ValueError("platform must be a scalar or align with followers")
            specific = set(self.platforms)
            generic = ~plat.isin(specific).to_numpy()
            self._fill(codes, f, generic, self.tiers, cats)
            for p in specific:
                self._fill(codes, f, (plat == p).fillna(False).to_numpy(), self.platforms[p], cats)
        return pd.Categorical.from_codes(codes, categories=cats, ordered=True)

    @staticmethod
    def _fill(codes, f, mask, tiers, cats) -> None:
        if not mask.any():
            return
        bounds = np.array([t.lower for t in tiers] + [tiers[-1].upper], dtype=float)
        # right=False: index i means bounds[i-1] <= f < bounds[i]
        idx = np.searchsorted(bounds, f, side="right")
        top = cats.index(ABOVE) if ABOVE in cats else -1
        tier_codes = np.array([0] + [cats.index(t.name) for t in tiers] + [top])
        out = tier_codes[idx]
        out = np.where(np.isnan(f) | np.isinf(f) | (f < 0), -1, out)
        codes[mask] = out[mask]

    def table(self) -> pd.DataFrame:
        """One row per (platform, tier) with bounds and labels."""
        rows = []
        for plat, tiers in [("all", self.tiers), *self.platforms.items()]:
            for order, t in enumerate(tiers):
                rows.append(
                    {
                        "scheme": self.name,
                        "platform": plat,
                        "order": order,
                        "tier": t.name,
                        "lower": t.lower,
                        "upper": t.upper,
                        "label": t.label(),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        def tl(tiers):
            return [
                {
                    "name": t.name,
                    "lower": t.lower,
                    "upper": None if math.isinf(t.upper) else t.upper,
                }
                for t in tiers
            ]

        return {
            "name": self.name,
            "tiers": tl(self.tiers),
            "platforms": {p: tl(t) for p, t in self.platforms.items()},
            "source": self.source.__dict__,
        }

    def describe(self) -> str:
        def one(t: Tier) -> str:
            lab = t.label()
            return lab if t.name.replace("-", "–") == lab else f"{t.name} {lab}"

        s = f"{self.name}: " + ", ".join(one(t) for t in self.tiers)
        for p, tiers in self.platforms.items():
            s += f"; {p}: " + ", ".join(one(t) for t in tiers)
        return s


def human_count(x: float) -> str:
    if math.isinf(x):
        return "inf"
    for div, suf in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            v = x / div
            return f"{v:g}{suf}"
    return f"{x:g}"


def _check_contiguous(name: str, plat: str, tiers: Sequence[Tier]) -> None:
    if not tiers:
        raise ValueError(f"scheme {name!r} ({plat}): no tiers")
    for a, b in zip(tiers, tiers[1:], strict=False):
        if a.upper != b.lower:
            raise ValueError(
                f"scheme {name!r} ({plat}): tiers {a.name!r} and {b.name!r} are not contiguous "
                f"({a.upper} != {b.lower})"
            )


def _tiers(*spec: tuple[str, float, float]) -> tuple[Tier, ...]:
    return tuple(Tier(n, lo, hi) for n, lo, hi in spec)


INF = math.inf
_SEEDS = "../shared/seeds/"

SCHEMES: dict[str, Scheme] = {}


def register(scheme: Scheme, *, overwrite: bool = False) -> Scheme:
    """Add a scheme to the registry (used by :func:`get_scheme`)."""
    if scheme.name in SCHEMES and not overwrite:
        raise ValueError(f"scheme {scheme.name!r} is already registered")
    SCHEMES[scheme.name] = scheme
    return scheme


for _s in (
    Scheme(
        "highsocial-2024",
        _tiers(("nano", 100, 1e4), ("micro", 1e4, 1e5), ("macro", 1e5, 1e6), ("mega", 1e6, INF)),
        Source(
            "Nano vs Micro Influencer (articles 000, Thai, and 003, Korean)",
            "HighSocial",
            2024,
            note="seeds 000_2010375d7f974b20.txt and 003_b8c0da154433db54.txt: nano 100–10,000",
        ),
    ),
    Scheme(
        "powerdigital-2023",
        _tiers(("nano", 1e3, 1e4), ("micro", 1e4, 1e5), ("macro", 1e5, 1e6), ("mega", 1e6, INF)),
        Source(
            "What is a micro influencer? (article 001, Thai)",
            "Power Digital",
            2023,
            note="seed 001",
        ),
    ),
    Scheme(
        "tint-2021",
        _tiers(("nano", 0, 1e4), ("micro", 1e4, 1e5), ("macro", 1e5, INF)),
        Source(
            "Micro-influencer questions answered (article 004, Japanese)",
            "TINT",
            2021,
            note="seed 004",
        ),
    ),
    Scheme(
        "mediakix-2017",
        _tiers(("micro", 1e4, 1e5), ("macro", 1e5, INF)),
        Source(
            "Micro-influencers vs macro-influencers: brand case study (742 sponsored Instagram posts)",
            "Mediakix",
            2017,
            "https://mediakix.com/2017/09/micro-influencers-vs-macro-brand-case-study/",
        ),
    ),
    Scheme(
        "mediakix-by-platform",
        _tiers(("micro", 1e4, 1e5), ("macro", 1e5, INF)),
        Source(
            "Mediakix tier definition as quoted in article 002 (Thai)",
            "Mediakix",
            None,
            note="Instagram macro from 100k; YouTube and Facebook macro from 250k",
        ),
        platforms={
            "instagram": _tiers(("micro", 1e4, 1e5), ("macro", 1e5, INF)),
            "youtube": _tiers(("micro", 1e4, 2.5e5), ("macro", 2.5e5, INF)),
            "facebook": _tiers(("micro", 1e4, 2.5e5), ("macro", 2.5e5, INF)),
        },
    ),
    Scheme(
        "shopify-2023",
        _tiers(
            ("nano", 1e3, 1e4),
            ("micro", 1e4, 5e4),
            ("mid", 5e4, 5e5),
            ("macro", 5e5, 1e6),
            ("mega", 1e6, INF),
        ),
        Source(
            "Influencer pricing", "Shopify", 2023, "https://www.shopify.com/blog/influencer-pricing"
        ),
    ),
    Scheme(
        "later-fohr-2021",
        _tiers(
            ("nano", 0, 1e4),
            ("micro", 1e4, 1e5),
            ("mid", 1e5, 5e5),
            ("macro", 5e5, 1e6),
            ("mega", 1e6, INF),
        ),
        Source("Influencer marketing rates", "Later x Fohr", 2021),
    ),
    Scheme(
        "markerly-2016",
        _tiers(
            ("<1k", 0, 1e3),
            ("1k–10k", 1e3, 1e4),
            ("10k–100k", 1e4, 1e5),
            ("100k–1M", 1e5, 1e6),
            ("1M–10M", 1e6, 1e7),
            ("10M+", 1e7, INF),
        ),
        Source(
            "Instagram marketing: does influencer size matter? (quoted)",
            "Markerly",
            2016,
            "https://digiday.com/marketing/micro-influencers/",
        ),
    ),
    Scheme(
        "mavrck-imh",
        _tiers(
            ("1k–5k", 1e3, 5e3),
            ("5k–10k", 5e3, 1e4),
            ("10k–50k", 1e4, 5e4),
            ("50k–100k", 5e4, 1e5),
            ("100k–500k", 1e5, 5e5),
        ),
        Source(
            "Instagram influencer-generated content infographic (Mavrck data)",
            "Influencer Marketing Hub",
            None,
            "https://influencermarketinghub.com/instagram-influencer-generated-content-infographic/",
        ),
    ),
):
    register(_s)


def list_schemes() -> list[str]:
    return list(SCHEMES)


def get_scheme(scheme: str | Scheme | Mapping | Path | None = None) -> Scheme:
    """A scheme from a registered name, a :class:`Scheme`, a dict, or a YAML/TOML/JSON file.

    ``None`` gives the default (:data:`DEFAULT_SCHEME`).
    """
    if scheme is None:
        scheme = DEFAULT_SCHEME
    if isinstance(scheme, Scheme):
        return scheme
    if isinstance(scheme, Mapping):
        return scheme_from_dict(scheme)
    if isinstance(scheme, Path) or (isinstance(scheme, str) and Path(scheme).suffix in _LOADERS):
        return scheme_from_file(scheme)
    if scheme in SCHEMES:
        return SCHEMES[scheme]
    raise UnknownSchemeError(
        f"unknown tier scheme {scheme!r}; known schemes: {', '.join(SCHEMES)} "
        "(or pass a .yaml/.toml/.json file)"
    )


def _bound(v, default):
    if v is None:
        return default
    if isinstance(v, str) and v.strip().lower() in {"inf", "infinity", ""}:
        return INF
    return float(v)


def _tier_list(items: Iterable[Mapping], where: str) -> tuple[Tier, ...]:
    items = list(items)
    out = []
    for i, t in enumerate(items):
        if "name" not in t:
            raise ValueError(f"{where}: tier {i} has no 'name'")
        nxt = items[i + 1].get("lower") if i + 1 < len(items) else None
        upper = _bound(t.get("upper"), _bound(nxt, INF))
        out.append(Tier(str(t["name"]), _bound(t.get("lower"), 0.0), upper))
    return tuple(out)


def scheme_from_dict(d: Mapping, where: str = "scheme") -> Scheme:
    """Build a scheme from ``{"name", "tiers": [{"name", "lower", "upper"}], "platforms": {...}}``.

    ``upper`` may be omitted (taken from the next tier's ``lower``, open for the last).
    """
    if "tiers" not in d:
        raise ValueError(f"{where}: a scheme needs 'tiers'")
    src = d.get("source") or {}
    if isinstance(src, str):
        src = {"title": src}
    return Scheme(
        name=str(d.get("name", "custom")),
        tiers=_tier_list(d["tiers"], where),
        source=Source(
            title=str(src.get("title", "user-defined scheme")),
            publisher=str(src.get("publisher", "")),
            year=src.get("year"),
            url=str(src.get("url", "")),
            note=str(src.get("note", "")),
        ),
        platforms={
            str(p).lower(): _tier_list(t, f"{where} platform {p}")
            for p, t in (d.get("platforms") or {}).items()
        },
    )


def _load_yaml(text: str):
    import yaml

    return yaml.safe_load(text)


_LOADERS = {
    ".yaml": _load_yaml,
    ".yml": _load_yaml,
    ".toml": tomllib.loads,
    ".json": json.loads,
}


def scheme_from_file(path: str | Path) -> Scheme:
    path = Path(path)
    if path.suffix not in _LOADERS:
        raise ValueError(f"{path}: scheme files must be .yaml, .yml, .toml or .json")
    try:
        data = _LOADERS[path.suffix](path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: scheme file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read the scheme file: {e}") from None
    except Exception as e:  # the YAML, TOML and JSON parsers raise their own types
        msg = " ".join(str(e).split())
        raise DataError(f"{path}: not a valid scheme file: {type(e).__name__}: {msg}") from None
    if not isinstance(data, Mapping):
        raise DataError(f"{path}: a scheme file must hold a mapping with 'name' and 'tiers'")
    try:
        return scheme_from_dict(data, where=str(path))
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        if isinstance(e, DataError):
            raise
        raise DataError(f"{path}: not a valid tier scheme: {' '.join(str(e).split())}") from None


def classify(followers, scheme=None, platform=None) -> pd.Categorical:
    """Shortcut for ``get_scheme(scheme).classify(followers, platform)``."""
    return get_scheme(scheme).classify(followers, platform)


def tier_counts(followers, scheme=None, platform=None) -> pd.Series:
    """Number of accounts per tier (every category, ``below`` and missing included)."""
    cat = classify(followers, scheme, platform)
    counts = pd.Series(cat).value_counts(sort=False, dropna=False)
    counts.index = counts.index.astype(object).where(counts.index.notna(), "missing")
    return counts


def transition_table(followers, a=None, b=None, platform=None) -> pd.DataFrame:
    """Cross-tabulation of the same accounts' tiers under schemes ``a`` (rows) and ``b``
    (columns), missing tiers included, with row and column totals."""
    sa, sb = get_scheme(a), get_scheme(b)
    ra = pd.Series(sa.classify(followers, platform)).astype("string").fillna("missing")
    rb = pd.Series(sb.classify(followers, platform)).astype("string").fillna("missing")
    rows = [c for c in [*sa.categories, "missing"] if (ra == c).any()]
    cols = [c for c in [*sb.categories, "missing"] if (rb == c).any()]
    tab = pd.crosstab(ra.rename(sa.name), rb.rename(sb.name), margins=True, margins_name="total")
    return tab.reindex(index=[*rows, "total"], columns=[*cols, "total"], fill_value=0)


def moved_share(followers, a=None, b=None, platform=None) -> float:
    """Share of accounts whose tier label differs between schemes ``a`` and ``b``."""
    ra = pd.Series(classify(followers, a, platform)).astype("string").fillna("missing")
    rb = pd.Series(classify(followers, b, platform)).astype("string").fillna("missing")
    return float((ra != rb).mean()) if len(ra) else float("nan")
