"""Every claim number a committed notebook prints is a number of the ledger.

The notebooks run on the bundled demo with their default parameters (nbval re-executes
them and checks that these stored outputs are what they print). Here the same ledger is
built through :func:`influtiers.analysis.analyse` (the function ``reproduce`` uses) and
every estimate with its interval that a notebook prints, ``1.066 (95% CI 0.9816 to
1.158)`` or ``1.120 [1.040, 1.210]``, must be the estimate and interval of a ledger row of
the study's claims on the platform the line names, or of a result that row keeps
(``ClaimResult.results``), to the digits printed. A notebook that computed a claim
number on its own would print a number the ledger does not hold.
"""

from __future__ import annotations

import math
import re

import nbformat
import pytest

from influtiers.analysis import analyse
from influtiers.studies import NOTEBOOK_DIR, STUDIES, open_synthesis

NUM = r"(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
TRIPLES = (
    re.compile(NUM + r" \(95% CI " + NUM + " to " + NUM + r"\)"),
    re.compile(NUM + r" \[" + NUM + ", " + NUM + r"\]"),
)
#: A line's claim (the claims table) and platform (``instagram: ...``, ``C02  tiktok ...``).
PREFIX = re.compile(
    r"^(?:(C\d\d)[:\s]\s*)?(?:(instagram|tiktok|youtube|facebook|all \(platform FE\)|all)[,:\s])?"
)


def tolerance(token: str) -> float:
    """Half a unit in the last printed digit of ``token``."""
    mant, _, exp = token.replace(",", "").partition("e")
    decimals = len(mant.partition(".")[2])
    return 0.5 * 10.0 ** (int(exp or 0) - decimals) * (1 + 1e-9)


def agrees(printed: tuple[str, ...], values: tuple[float, ...]) -> bool:
    return all(
        math.isfinite(v) and abs(v - float(p.replace(",", ""))) <= tolerance(p)
        for p, v in zip(printed, values, strict=True)
    )


def printed_triples(nb) -> list[tuple[str, tuple[str, str, str]]]:
    """(line, (estimate, low, high)) of every interval printed, outside ignored cells."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "NBVAL_IGNORE_OUTPUT" in cell.source:
            continue
        for o in cell.get("outputs", []):
            text = o.get("text") or o.get("data", {}).get("text/plain", "")
            for line in "".join(text).splitlines():
                for rx in TRIPLES:
                    out += [(line, m.groups()) for m in rx.finditer(line)]
    return out


def ledger_triples(led, results, claims, platform):
    """(estimate, ci_low, ci_high) of the claims' rows of the ledger ``led`` (headline and
    parts) and of the results they keep (``results``: (key, {name: result}) pairs), on
    ``platform`` (None: any)."""
    rows = led[led["claim_id"].isin(claims)]
    if platform is not None:
        rows = rows[rows["platform"] == platform]
    out = [tuple(r) for r in rows[["estimate", "ci_low", "ci_high"]].to_numpy(float)]
    for key, named in results:
        claim, plat, _ = key.split("|")
        if claim in claims and platform in (None, plat):
            for r in named.values():
                if hasattr(r, "ci_low"):
                    out.append((float(r.estimate), float(r.ci_low), float(r.ci_high)))
    return out


@pytest.fixture(scope="module")
def demo_analysis():
    return analyse("demo")


@pytest.fixture(scope="module")
def demo_synthesis():
    return open_synthesis()


@pytest.mark.parametrize("study", sorted(STUDIES))
def test_printed_claim_numbers_are_ledger_numbers(study, demo_analysis, demo_synthesis):
    spec = STUDIES[study]
    nb = nbformat.read(NOTEBOOK_DIR / f"{spec.name}.ipynb", as_version=4)
    printed = printed_triples(nb)
    assert printed, f"{spec.name}: no estimate with an interval found in its outputs"
    if study == "09":  # every dataset's rows and the pooled rows
        led = demo_synthesis.ledger
        results = [kv for a in demo_synthesis.analyses.values() for kv in a.results.items()]
    else:
        led, results = demo_analysis.ledger, list(demo_analysis.results.items())
    wrong = []
    for line, triple in printed:
        claim, plat = PREFIX.match(line.strip()).groups()
        known = ledger_triples(led, results, [claim] if claim else spec.claims, plat)
        if not any(agrees(triple, t) for t in known):
            wrong.append(line.strip()[:160])
    assert not wrong, f"{spec.name} prints numbers no ledger row holds:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("printed", "values", "ok"),
    [
        (("1.066", "0.9816", "1.158"), (1.06649, 0.98155, 1.1584), True),
        (("1.066", "0.9816", "1.158"), (1.0666, 0.98155, 1.1584), False),
        (("6.22e-10", "6.69e-35", "5.78e+15"), (6.2249e-10, 6.6851e-35, 5.7849e15), True),
        (("6.22e-10", "6.69e-35", "5.78e+15"), (6.2251e-10, 6.6851e-35, 5.7849e15), False),
        (("38", "7", "190"), (38.4, 7.2, 189.6), True),
        (("25,290", "17,721", "36,092"), (25290.4, 17720.6, 36091.5), True),
        (("25,290", "17,721", "36,092"), (25291.0, 17720.6, 36091.5), False),
        (("1.0", "0.9", "1.1"), (1.0, math.nan, 1.1), False),
    ],
)
def test_agreement_is_to_the_printed_digits(printed, values, ok):
    assert agrees(printed, values) is ok
