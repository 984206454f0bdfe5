"""report.html opened in a real headless Chromium: it renders, every figure decodes, the
ledger lays out every row. Skips (with the reason) when no Chromium is installed;
``.ci/install-chromium`` installs one."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from influtiers import report

TIMEOUT = 60  # seconds per Chromium run
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


def _chromium() -> str | None:
    """INFLUTIERS_CHROMIUM (a path, or "none" to skip), else chromium on PATH or /usr/bin."""
    env = os.environ.get("INFLUTIERS_CHROMIUM")
    if env:
        return None if env.lower() == "none" else env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH or at /usr/bin/chromium, or INFLUTIERS_CHROMIUM=none "
    "(run .ci/install-chromium to install it)",
)


def _fixture_module():
    """tests/test_report.py, for its fake run directory (tests is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "_influtiers_report_fixture", Path(__file__).with_name("test_report.py")
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run_chromium(args: list[str], profile: Path) -> tuple[str, str, float]:
    """Run Chromium in its own process group; kill the whole group on timeout."""
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(cmd)}")
    finally:
        if proc.poll() is None:  # pragma: no cover
            os.killpg(proc.pid, signal.SIGKILL)
    if proc.returncode != 0:
        pytest.fail(f"chromium exited {proc.returncode}: {err[-2000:]}")
    return out, err, time.perf_counter() - t0


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs: list[dict] = []
        self.tables: dict[str, dict] = {}
        self.html_attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        elif tag == "table" and a.get("id"):
            self.tables[a["id"]] = a
        elif tag == "html":
            self.html_attrs = a


def _dump_dom(page: Path, profile: Path) -> _Dom:
    out, _, _ = _run_chromium(
        ["--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri()], profile
    )
    dom = _Dom()
    dom.feed(out)
    dom.close()
    return dom


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    fx = _fixture_module()
    run = fx.make_fake_run(root)
    page = report.build_report(run, citation_path=root / "CITATION.cff")
    return run, page, root, fx


def test_screenshot_is_not_blank(built):
    import matplotlib.image as mpimg

    run, page, root, _ = built
    shot = root / "shot.png"
    _, _, secs = _run_chromium(
        [f"--screenshot={shot}", "--window-size=1280,4000", page.resolve().as_uri()],
        root / "profile-shot",
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, "screenshot missing or tiny"
    img = mpimg.imread(shot)
    assert img.shape[:2] == (4000, 1280)
    rgb = img[..., :3]
    assert rgb.std() > 0.05, f"screenshot looks blank (pixel sd {rgb.std():.4f})"
    # the top of the page has text on it, and so does the part holding the figures
    assert rgb[:400].std() > 0.05 and rgb[1000:3000].std() > 0.05
    print(f"screenshot: {secs:.1f} s")


def test_every_figure_decodes_and_every_ledger_row_renders(built):
    run, page, root, fx = built
    dom = _dump_dom(page, root / "profile-dom")
    assert dom.html_attrs.get("data-checked") == "1", "the page's check script did not run"
    n_figures = len(fx.FIGURES)
    assert len(dom.imgs) == n_figures
    bad = [(i.get("alt"), i.get("data-ok")) for i in dom.imgs if i.get("data-ok") != "1"]
    assert not bad, f"images that did not decode: {bad}"
    ledger = dom.tables["ledger-table"]
    n_claims = sum(1 for _ in open(run / "claims.csv", encoding="utf-8")) - 1
    assert ledger["data-rows"] == str(n_claims)
    assert ledger["data-rendered-rows"] == str(n_claims)


def test_check_catches_a_broken_image(built):
    """Negative control: the check marks an undecodable image data-ok="0"."""
    run, page, root, _ = built
    broken = run / "broken.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("</main>", '<img src="data:image/png;base64,AAAA" alt="broken"></main>', 1)
    broken.write_text(html, encoding="utf-8")
    dom = _dump_dom(broken, root / "profile-broken")
    marks = {i.get("alt"): i.get("data-ok") for i in dom.imgs}
    assert marks["broken"] == "0"
    assert sum(v == "1" for v in marks.values()) == len(marks) - 1


def test_page_makes_no_network_requests(built):
    """With every network request refused, the page still renders all its figures."""
    run, page, root, fx = built
    out, _, _ = _run_chromium(
        [
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        root / "profile-offline",
    )
    assert len(re.findall(r'<img [^>]*data-ok="1"', out)) == len(fx.FIGURES)
