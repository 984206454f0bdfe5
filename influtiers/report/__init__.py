"""One self-contained HTML page for a run directory written by ``influtiers reproduce``.

:func:`build_report` reads ``manifest.json``, ``claims.csv``, ``studies.json``,
``validation.json``, ``pooled.json`` and ``figures/`` from a run directory and writes
``report.html`` next to them (atomically: a temporary name, then a rename).

The page leads with answers: one plain sentence per claim from its headline row, with its
verdict badge and flags, the method, intervals and sources in a collapsible block per
claim; then the claims forest, the studies, every figure, the validation summary, and at
the end provenance and how to cite.

It needs no network: figures are embedded as base64 ``data:`` URIs, the stylesheet and
the one script are inline and named by hash in a Content-Security-Policy that forbids
loading anything else. Links to notebooks, figure files and ``quarantine.csv`` are
relative, so the page works when the run directory is moved or archived.

Modules, one job each: :mod:`~influtiers.report.load` (the run directory as plain data),
:mod:`~influtiers.report.sentences` (the plain sentence of a headline row; the wording is
a table), :mod:`~influtiers.report.ledger` (one card per claim),
:mod:`~influtiers.report.figures` (alt text from the ledger, captions with provenance),
:mod:`~influtiers.report.sections` (header, studies, validation, provenance),
:mod:`~influtiers.report.cite` and :mod:`~influtiers.report.render` (Jinja2 templates with
autoescaping, in ``templates/``).

Examples
--------
>>> from influtiers.report import verdict_badge
>>> print(verdict_badge("supported"))
<span class="badge v-supported" title="verdict: supported"><span aria-hidden="true">✓</span> supported</span>
"""

from __future__ import annotations

from .cite import default_citation_path
from .load import REPORT_NAME
from .render import VERDICT_STYLE, build_report, render_report, verdict_badge

__all__ = [
    "REPORT_NAME",
    "VERDICT_STYLE",
    "build_report",
    "default_citation_path",
    "render_report",
    "verdict_badge",
]
